"""Stage 4: figures table -> charts (Altair), drawn the same in JupyterLab and in offline reports.

Each chart function takes a figures table (already filtered) and returns an
Altair chart. They share `chart_rows`, which turns figures into what is drawn:
one row per figure with its day as an ISO string (so that no reader's time zone
moves it), the span to draw for its range (open bounds drawn to the chart's edge,
dashed), and the words to show in its tooltip.

Charts are drawn by the Vega libraries bundled in vl-convert, never from a CDN:
`enable_offline_renderer` makes every chart in a notebook display as an HTML
snippet that calls a page-wide `vegaEmbed` (`tally.offline`), whose bundle a
notebook shows once (JupyterLab) and a report inlines once in its head.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from tally.offline import chart_html, vega_script

BOUND_EXACT = "exact"
BOUND_RANGE = "range"
BOUND_AT_LEAST = "at least (open above)"
BOUND_AT_MOST = "at most (open below)"
# Point shapes per kind of bound: a triangle points the way the figure is open.
_BOUND_SHAPES = {BOUND_EXACT: "circle", BOUND_RANGE: "diamond", BOUND_AT_LEAST: "triangle-up",
                 BOUND_AT_MOST: "triangle-down"}
CATEGORY_TITLES = {
    "evacuated": "People evacuated or fled", "surrendered": "Fighters and others who surrendered",
    "killed": "Killed", "wounded": "Wounded", "rescued": "Rescued or freed", "remaining": "Still inside",
    "strength": "Fighters at large (strength)", "other": "Other counts of people",
}
TOOLTIP = [
    alt.Tooltip("quantity_text:N", title="Words"),
    alt.Tooltip("value_text:N", title="Read as"),
    alt.Tooltip("category:N", title="Category"),
    alt.Tooltip("group:N", title="Who"),
    alt.Tooltip("day_label:N", title="Day it refers to"),
    alt.Tooltip("date_basis:N", title="How the day was found"),
    alt.Tooltip("attribution:N", title="Quoted"),
    alt.Tooltip("cited_outlet:N", title="Via agency"),
    alt.Tooltip("outlet:N", title="Outlet"),
    alt.Tooltip("published_day:N", title="Published"),
    alt.Tooltip("source:N", title="Source file"),
    alt.Tooltip("sentence:N", title="Sentence"),
]
_MAX_TOOLTIP_SENTENCE = 300
# Altair refuses more rows than this by default; charts aggregate before reaching it.
MAX_CHART_ROWS = 5000


def _day(values: pd.Series) -> pd.Series:
    """Days as 'YYYY-MM-DD' strings: Vega reads these as UTC midnight, and the charts show UTC."""
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)


def bound_kind(low: Any, high: Any) -> str:
    """Which kind of bound a figure has: exact, a closed range, or open above or below."""
    if pd.isna(low) and pd.isna(high):
        return BOUND_EXACT
    if pd.isna(high):
        return BOUND_AT_LEAST
    if pd.isna(low):
        return BOUND_AT_MOST
    return BOUND_EXACT if low == high else BOUND_RANGE


def value_text(low: Any, high: Any) -> str:
    """A figure's bounds in words: '3,000', '200 to 300', 'at least 1,000', 'at most 500'."""
    kind = bound_kind(low, high)
    if kind == BOUND_AT_LEAST:
        return f"at least {int(low):,}"
    if kind == BOUND_AT_MOST:
        return f"at most {int(high):,}"
    if kind == BOUND_RANGE:
        return f"{int(low):,} to {int(high):,}"
    value = low if not pd.isna(low) else high
    return "unknown" if pd.isna(value) else f"{int(value):,}"


def chart_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per figure with what the charts draw: day strings, the span of its range, tooltip words.

    An open bound is drawn to the edge of the chart: the lowest value drawn is 1
    (the log axis' floor) and the highest is twice the largest bound shown.
    """
    rows = figures.copy()
    lows = rows["low"].astype("Float64")
    highs = rows["high"].astype("Float64")
    best = rows["best"].astype("Float64").fillna(lows).fillna(highs)
    ceiling = float(pd.concat([lows, highs, best]).max(skipna=True) or 1) * 2 if len(rows) else 2.0
    rows["value"] = best
    rows["span_low"] = lows.fillna(1.0)
    rows["span_high"] = highs.fillna(ceiling)
    rows["bound"] = [bound_kind(lo, hi) for lo, hi in zip(rows["low"], rows["high"])]
    rows["value_text"] = [value_text(lo, hi) for lo, hi in zip(rows["low"], rows["high"])]
    rows["day"] = _day(rows["date"])
    rows["day_label"] = rows["day"].fillna("no day")  # shown as text: Vega turns "day" into a timestamp
    rows["published_day"] = _day(rows["published"])
    rows["sentence"] = rows["sentence"].str.slice(0, _MAX_TOOLTIP_SENTENCE)
    for column in ("outlet", "attribution", "cited_outlet"):
        rows[column] = rows[column].fillna("—" if column != "outlet" else "unknown outlet")
    columns = ["source", "outlet", "category", "group", "quantity_text", "value_text", "value", "span_low",
               "span_high", "bound", "day", "day_label", "published_day", "date_basis", "attribution", "cited_outlet",
               "sentence", "claim_id"]
    return rows[columns].astype({"value": "float64", "span_low": "float64", "span_high": "float64"})


def _day_axis(title: str = "Day the figure refers to") -> alt.X:
    return alt.X("day:T", title=title, scale=alt.Scale(type="utc"),
                 axis=alt.Axis(format="%b %-d, %Y", labelAngle=-30, formatType="utc"))


def _bound_shape() -> alt.Shape:
    """Point shape by kind of bound: a triangle points the way the figure is open."""
    return alt.Shape("bound:N", title="Bound", scale=alt.Scale(domain=list(_BOUND_SHAPES),
                                                                range=list(_BOUND_SHAPES.values())))


def _outlet_pick() -> Any:
    """Clicking an outlet in the legend keeps it; the others fade."""
    return alt.selection_point(fields=["outlet"], bind="legend", name="outlet_pick")


def _value_axis(title: str = "Number of people (log scale)") -> alt.Y:
    return alt.Y("value:Q", title=title, scale=alt.Scale(type="log"))


def figures_by_date(figures: pd.DataFrame, title: str = "Reported figures by date") -> alt.Chart:
    """Figures over the day they refer to, one colour per outlet, one panel per category.

    A closed range is a vertical bar from low to high with a diamond at its best
    value; an open bound ("at least", "up to") is a dashed bar to the chart's edge
    with a triangle pointing the open way. Clicking the legend keeps one outlet;
    the menu under the chart keeps one category. Figures with no day are not drawn.
    """
    rows = chart_rows(figures[figures["date"].notna()])
    outlets = sorted(rows["outlet"].unique())
    categories = sorted(rows["category"].unique())
    pick_outlet = _outlet_pick()
    pick_category = alt.selection_point(
        fields=["category"], name="category_pick",
        bind=alt.binding_select(options=[None, *categories], labels=["all", *categories], name="Category: "))
    base = alt.Chart(rows).encode(
        x=_day_axis(),
        color=alt.Color("outlet:N", title="Outlet", scale=alt.Scale(domain=outlets)),
        tooltip=TOOLTIP,
        opacity=alt.condition(pick_outlet, alt.value(0.9), alt.value(0.12)),
    ).transform_filter(pick_category)
    spans = base.transform_filter(alt.datum.bound != BOUND_EXACT).mark_rule(strokeWidth=2).encode(
        y=alt.Y("span_low:Q", scale=alt.Scale(type="log"), title="Number of people (log scale)"),
        y2="span_high:Q",
        strokeDash=alt.StrokeDash("bound:N", title="Bound", scale=alt.Scale(
            domain=[BOUND_RANGE, BOUND_AT_LEAST, BOUND_AT_MOST], range=[[1, 0], [4, 3], [4, 3]]), legend=None),
    )
    points = base.mark_point(size=90, filled=True).encode(y=_value_axis(), shape=_bound_shape())
    return (spans + points).add_params(pick_outlet, pick_category).properties(
        title=title, width=640, height=340)


def outlets_compared(figures: pd.DataFrame, title: str = "What each outlet reported, per category") -> alt.Chart:
    """Per category, each outlet's figures over the days they refer to, joined by a line per outlet:
    where outlets disagree about the same day, their lines part."""
    rows = chart_rows(figures[figures["date"].notna()])
    outlets = sorted(rows["outlet"].unique())
    pick_outlet = _outlet_pick()
    base = alt.Chart(rows).encode(
        x=_day_axis("Day"),
        y=_value_axis("People (log scale)"),
        color=alt.Color("outlet:N", title="Outlet", scale=alt.Scale(domain=outlets)),
        opacity=alt.condition(pick_outlet, alt.value(0.9), alt.value(0.1)),
    )
    lines = base.mark_line(strokeWidth=1).encode(detail="outlet:N")
    points = base.mark_point(size=70, filled=True).encode(shape=_bound_shape(), tooltip=TOOLTIP)
    return (lines + points).add_params(pick_outlet).properties(width=300, height=180).facet(
        facet=alt.Facet("category:N", title=None, header=alt.Header(labelFontWeight="bold")), columns=2,
    ).properties(title=title)


def quoted_most(figures: pd.DataFrame, top: int = 12, title: str = "Who is quoted for figures, per outlet") -> alt.Chart:
    """The sources quoted for the most figures, as bars split by the outlet that quoted them."""
    quoted = figures[figures["attribution"].notna()]
    counts = (quoted.assign(outlet=quoted["outlet"].fillna("unknown outlet"))
              .groupby(["attribution", "outlet"]).size().rename("figures").reset_index())
    leaders = counts.groupby("attribution")["figures"].sum().nlargest(top).index
    counts = counts[counts["attribution"].isin(leaders)]
    return alt.Chart(counts).mark_bar().encode(
        y=alt.Y("attribution:N", title="Quoted", sort="-x"),
        x=alt.X("sum(figures):Q", title="Figures quoted"),
        color=alt.Color("outlet:N", title="Outlet"),
        tooltip=[alt.Tooltip("attribution:N", title="Quoted"), alt.Tooltip("outlet:N", title="Outlet"),
                 alt.Tooltip("figures:Q", title="Figures")],
    ).properties(title=title, width=520, height=alt.Step(18))


def _offline_renderer(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    return {"text/html": chart_html(spec), "text/plain": "<chart>"}


def enable_offline_renderer() -> Any:
    """Make Altair charts display through `chart_html`, and return the display of the bundle.

    Show the returned object once, at the top of a notebook (JupyterLab runs its
    script); reports drop that output and inline the bundle in their head instead.
    """
    from IPython.display import HTML

    alt.renderers.register("tally-offline", _offline_renderer)
    alt.renderers.enable("tally-offline")
    alt.data_transformers.enable("default", max_rows=MAX_CHART_ROWS)
    return _BundleDisplay(HTML(f"<script>{vega_script()}</script>"))


class _BundleDisplay:
    """The vega bundle as a notebook output, marked so that report export can drop it."""

    def __init__(self, html: Any) -> None:
        self.html = html

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        return ({"text/html": self.html.data, "text/plain": "(chart libraries loaded)"},
                {"tally": {"role": "vega-bundle"}})

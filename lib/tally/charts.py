"""Stage 4: figures table -> charts (Altair), drawn the same in JupyterLab and in offline reports.

Each chart function takes a figures table (already filtered) and returns an
Altair chart. They share `chart_rows`, which turns figures into what is drawn:
one row per figure with its day as an ISO string (so that no reader's time zone
moves it), the span to draw for its range (open bounds drawn to the chart's edge,
dashed), and the words to show in its tooltip.

Charts never load anything from a CDN. In a notebook, `enable_offline_renderer` makes
every chart display as Vega-Lite JSON (`VEGALITE_MIMETYPE`), which JupyterLab draws with
the Vega libraries it ships: offline, whether or not the notebook is trusted, and with
nothing but the spec stored in the saved notebook. A report turns each such output into
an HTML snippet that calls the page-wide `vegaEmbed` that the page inlines once
(`tally.offline`, from vl-convert), since a static page has no JupyterLab to draw it.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from tally.offline import VEGALITE_MIMETYPE, VEGALITE_SCHEMA

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
_TOOLTIP_FIELDS = [
    ("quantity_text:N", "Words"), ("value_text:N", "Read as"), ("category:N", "Category"), ("group:N", "Who"),
    ("day_label:N", "Day it refers to"), ("date_basis:N", "How the day was found"), ("attribution:N", "Quoted"),
    ("cited_outlet:N", "Via agency"), ("outlet:N", "Outlet"), ("published_day:N", "Published"),
    ("source:N", "Source file"), ("sentence:N", "Sentence"),
]
TOOLTIP = [alt.Tooltip(field, title=title) for field, title in _TOOLTIP_FIELDS]
# A mark that folds many figures says so in its tooltip's words.
_FOLDED_TITLES = {"Words": "Most frequent words", "Read as": "Values", "Who": "Most often who",
                  "Quoted": "Most often quoted", "Source file": "Sources", "Sentence": "Example",
                  "Day it refers to": "Day (or first day of the period)"}
_MAX_TOOLTIP_SENTENCE = 300
_MAX_EXAMPLE_SENTENCE = 120  # a folded mark's example is shorter: there can be hundreds of them
# Altair refuses more rows than this by default; charts aggregate long before reaching it.
MAX_CHART_ROWS = 5000
# Above this many figures a chart draws one mark per outlet, category, day and kind of bound
# (each figure's sentence would make a report of a large archive too heavy to open).
DETAIL_LIMIT = 300
# At most this many marks: above it, days are grouped into weeks, then months.
MAX_MARKS = 300
_PERIODS = (("day", None), ("week", "W-SUN"), ("month", "M"))
_GROUP_KEYS = ["day", "outlet", "category", "bound"]


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
    rows["figures"] = 1
    return rows[CHART_COLUMNS].astype({"value": "float64", "span_low": "float64", "span_high": "float64"})


CHART_COLUMNS = ["source", "outlet", "category", "group", "quantity_text", "value_text", "value", "span_low",
                 "span_high", "bound", "day", "day_label", "published_day", "date_basis", "attribution",
                 "cited_outlet", "sentence", "figures"]


def marks_for(figures: pd.DataFrame, detail_limit: int = DETAIL_LIMIT,
              max_marks: int = MAX_MARKS) -> tuple[pd.DataFrame, str]:
    """What a chart draws for these (dated) figures, and a subtitle saying what one mark is.

    Up to `detail_limit` figures, one mark each (`chart_rows`). Above it, one mark
    per outlet, category, period and kind of bound (`aggregate_rows`), the period
    being the day, or the week or month when days would give more than `max_marks`.
    """
    rows = chart_rows(figures)
    if len(rows) <= detail_limit:
        return rows, ""
    for period, frequency in _PERIODS:
        marks = aggregate_rows(rows, frequency)
        if len(marks) <= max_marks:
            break
    shown = marks.nlargest(max_marks, "figures", keep="first").sort_values(_GROUP_KEYS, kind="stable")
    subtitle = (f"{len(rows):,} figures: each mark is what one outlet reported for one category in one {period} "
                f"(the median; a bar spans the lowest to the highest). Hover for how many and an example.")
    if len(shown) < len(marks):
        subtitle += f" Showing the {len(shown):,} marks with the most figures of {len(marks):,}."
    return shown.reset_index(drop=True), subtitle


def aggregate_rows(rows: pd.DataFrame, frequency: str | None = None) -> pd.DataFrame:
    """Chart rows folded into one per outlet, category, day (or period) and kind of bound.

    `value` is the median; the span runs from the lowest to the highest value or bound;
    the words, group, quoted source and agency are the most frequent ones; the sentence
    is an example holding the most frequent words; `figures` counts the rows folded.
    """
    rows = rows.copy()
    if frequency:  # the period's first day, as the ISO string the axis reads
        days = pd.to_datetime(rows["day"])
        rows["day"] = days.dt.to_period(frequency).dt.start_time.dt.strftime("%Y-%m-%d")
    rows["low_seen"] = rows[["span_low", "value"]].min(axis=1)
    rows["high_seen"] = rows[["span_high", "value"]].max(axis=1)
    rows["published_at"] = pd.to_datetime(rows["published_day"])  # min and max of strings are slow
    grouped = rows.groupby(_GROUP_KEYS, sort=True, dropna=False)
    marks = grouped.agg(value=("value", "median"), span_low=("low_seen", "min"), span_high=("high_seen", "max"),
                        figures=("value", "size"), sources=("source", "nunique"),
                        first_published=("published_at", "min"), last_published=("published_at", "max"),
                        ).reset_index()
    for column in ("first_published", "last_published"):
        marks[column] = _day(marks[column]).fillna("unknown")
    for column in ("quantity_text", "group", "attribution", "cited_outlet", "date_basis"):
        marks = marks.merge(_most_frequent(rows, column), on=_GROUP_KEYS, how="left")
    example = rows.drop_duplicates(_GROUP_KEYS + ["quantity_text"])[_GROUP_KEYS + ["quantity_text", "sentence",
                                                                                 "source"]]
    marks = marks.merge(example, on=_GROUP_KEYS + ["quantity_text"], how="left")
    marks["value_text"] = [
        f"{count:,} figures from {sources:,} sources: median {value:,.0f}, lowest {low:,.0f}, highest {high:,.0f}"
        if count > 1 else f"{value:,.0f}"
        for count, sources, value, low, high in zip(marks["figures"], marks["sources"], marks["value"],
                                                    marks["span_low"], marks["span_high"])]
    marks["sentence"] = marks["sentence"].str.slice(0, _MAX_EXAMPLE_SENTENCE)
    marks["source"] = [source if count == 1 else f"{source} and {count - 1:,} more"
                       for source, count in zip(marks["source"], marks["sources"])]
    marks["published_day"] = [first if first == last else f"{first} to {last}"
                              for first, last in zip(marks["first_published"], marks["last_published"])]
    marks["day_label"] = marks["day"]
    return marks[CHART_COLUMNS].astype({"value": "float64", "span_low": "float64", "span_high": "float64"})


def _most_frequent(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per mark, the most frequent value of `column` (the first seen among equals)."""
    counts = rows.groupby(_GROUP_KEYS + [column], sort=False, dropna=False).size().rename("count").reset_index()
    counts = counts.sort_values("count", ascending=False, kind="stable")
    return counts.drop_duplicates(_GROUP_KEYS)[_GROUP_KEYS + [column]]


def _day_axis(title: str = "Day the figure refers to") -> alt.X:
    # A utc scale makes Vega-Lite format labels in UTC by itself; an explicit formatType "utc"
    # made it drop the format and print "Mon 25". Padding keeps the first and last marks whole.
    return alt.X("day:T", title=title, scale=alt.Scale(type="utc", padding=14),
                 axis=alt.Axis(format="%b %-d, %Y", labelAngle=-30))


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
    rows, subtitle = marks_for(figures[figures["date"].notna()])
    outlets = sorted(rows["outlet"].unique())
    categories = sorted(rows["category"].unique())
    pick_outlet = _outlet_pick()
    pick_category = alt.selection_point(
        fields=["category"], name="category_pick",
        bind=alt.binding_select(options=[None, *categories], labels=["all", *categories], name="Category: "))
    base = alt.Chart(rows).encode(
        x=_day_axis(),
        color=alt.Color("outlet:N", title="Outlet", scale=alt.Scale(domain=outlets)),
        tooltip=_tooltip(subtitle),
        opacity=alt.condition(pick_outlet, alt.value(0.9), alt.value(0.12)),
    ).transform_filter(pick_category)
    spans = base.transform_filter(alt.datum.bound != BOUND_EXACT).mark_rule(strokeWidth=2).encode(
        y=alt.Y("span_low:Q", scale=alt.Scale(type="log"), title="Number of people (log scale)"),
        y2="span_high:Q",
        strokeDash=alt.StrokeDash("bound:N", title="Bound", scale=alt.Scale(
            domain=[BOUND_RANGE, BOUND_AT_LEAST, BOUND_AT_MOST], range=[[1, 0], [4, 3], [4, 3]]), legend=None),
    )
    points = base.mark_point(size=90, filled=True).encode(y=_value_axis(), shape=_bound_shape())
    if subtitle:
        points = points.encode(size=_figures_size())
    return (spans + points).add_params(pick_outlet, pick_category).properties(
        title=_title(title, subtitle), width=640, height=340)


def outlets_compared(figures: pd.DataFrame, title: str = "What each outlet reported, per category") -> alt.Chart:
    """Per category, each outlet's figures over the days they refer to, joined by a line per outlet:
    where outlets disagree about the same day, their lines part."""
    rows, subtitle = marks_for(figures[figures["date"].notna()])
    outlets = sorted(rows["outlet"].unique())
    pick_outlet = _outlet_pick()
    base = alt.Chart(rows).encode(
        x=_day_axis("Day"),
        y=_value_axis("People (log scale)"),
        color=alt.Color("outlet:N", title="Outlet", scale=alt.Scale(domain=outlets)),
        opacity=alt.condition(pick_outlet, alt.value(0.9), alt.value(0.1)),
    )
    # one line per outlet and kind of bound: an "at least" and an exact figure of one day are not a step
    lines = base.mark_line(strokeWidth=1).encode(detail=[alt.Detail("outlet:N"), alt.Detail("bound:N")])
    points = base.mark_point(size=70, filled=True).encode(shape=_bound_shape(), tooltip=_tooltip(subtitle))
    if subtitle:
        points = points.encode(size=_figures_size())
    return (lines + points).add_params(pick_outlet).properties(width=300, height=180).facet(
        facet=alt.Facet("category:N", title=None, header=alt.Header(labelFontWeight="bold")), columns=2,
    ).properties(title=_title(title, subtitle))


def _title(title: str, subtitle: str) -> alt.TitleParams | str:
    return alt.TitleParams(title, subtitle=subtitle, subtitleFontSize=11) if subtitle else title


def _tooltip(subtitle: str) -> list[alt.Tooltip]:
    """The per-figure tooltip; for folded marks, with the number of figures first and 'Example' words."""
    if not subtitle:
        return TOOLTIP
    return [alt.Tooltip("figures:Q", title="Figures", format=",")] + [
        alt.Tooltip(field, title=_FOLDED_TITLES.get(title, title)) for field, title in _TOOLTIP_FIELDS]


def _figures_size() -> alt.Size:
    return alt.Size("figures:Q", title="Figures per mark", scale=alt.Scale(range=[30, 500]))


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


def _notebook_renderer(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    title = spec.get("title")
    title = title.get("text") if isinstance(title, dict) else title
    return {VEGALITE_MIMETYPE: {**spec, "$schema": VEGALITE_SCHEMA},
            "text/plain": f"<chart: {title}>" if title else "<chart>"}


def enable_offline_renderer() -> None:
    """Make Altair charts display as Vega-Lite JSON that JupyterLab draws offline, trusted or not
    (reports turn the same outputs into inline HTML charts: `offline.report_chart_output`)."""
    alt.renderers.register("tally-offline", _notebook_renderer)
    alt.renderers.enable("tally-offline")
    alt.data_transformers.enable("default", max_rows=MAX_CHART_ROWS)

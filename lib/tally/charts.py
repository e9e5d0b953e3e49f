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

import math
import re
import textwrap

import altair as alt
import pandas as pd

from tally import dates, series
from tally.offline import VEGALITE_MIMETYPE, VEGALITE_SCHEMA

BOUND_EXACT = "exact"
BOUND_RANGE = "range"
BOUND_AT_LEAST = "at least (open above)"
BOUND_AT_MOST = "at most (open below)"
# Point shapes per kind of bound: a triangle points the way the figure is open.
BOUND_VAGUE = "vague words (the range they allow)"
# An open bound is a short arrow from the bound: to this many times it ("more than"), or this many times less.
ARROW_FACTOR = 1.6
# Categories sharing a panel differ by shape as well as by colour (triangles are the arrows' tips).
_PENTAGON = "M0,-1L0.95,-0.31L0.59,0.81L-0.59,0.81L-0.95,-0.31Z"
_HEXAGON = "M0,-1L0.87,-0.5L0.87,0.5L0,1L-0.87,0.5L-0.87,-0.5Z"
CATEGORY_SHAPES = {"evacuated": "circle", "surrendered": "square", "killed": "cross", "wounded": "diamond",
                   "rescued": "triangle-right", "remaining": "triangle-left", "strength": _PENTAGON, "other": _HEXAGON}
TOP_OUTLETS = 10  # outlets with a colour of their own; the rest share OTHER_COLOUR
OTHER_OUTLETS = "other outlets"
OUTLET_COLOURS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d",
                  "#ff9da6", "#1f3a5f"]  # Tableau 10, its grey replaced by a dark blue: grey is the others'
OTHER_COLOUR = "#a0a0a0"
CATEGORY_TITLES = {
    "evacuated": "People evacuated or fled", "surrendered": "Fighters and others who surrendered",
    "killed": "Killed", "wounded": "Wounded", "rescued": "Rescued or freed", "remaining": "Still inside",
    "strength": "Fighters at large (strength)", "other": "Other counts of people",
}
_TOOLTIP_FIELDS = [
    ("quantity_text:N", "Words"), ("value_text:N", "Read as"), ("category_title:N", "Category"), ("group:N", "Who"),
    ("day_label:N", "Day it refers to"), ("period_text:N", "Counts"), ("date_basis:N", "How the day was found"), ("attribution:N", "Quoted"),
    ("corrected:N", "Corrected"),
    ("cited_outlet:N", "Via agency"), ("outlet:N", "Outlet"), ("published_day:N", "Published"),
    ("source:N", "Source file"), ("sentence:N", "Sentence"),
]
TOOLTIP = [alt.Tooltip(field, title=title) for field, title in _TOOLTIP_FIELDS]
# A mark that folds many figures says so in its tooltip's words.
_FOLDED_TITLES = {"Words": "Most frequent words", "Read as": "Values", "Who": "Most often who",
                  "Quoted": "Most often quoted", "Source file": "Sources", "Sentence": "Example",
                  "Day it refers to": "Day (or first day of the period)"}
_MAX_TOOLTIP_SENTENCE = 300
_MAX_EXAMPLE_SENTENCE = 100  # a folded mark's example is shorter: there can be hundreds of them
# Altair refuses more rows than this by default; charts aggregate long before reaching it.
MAX_CHART_ROWS = 5000
# Above this many figures a chart draws one mark per outlet, category, day and kind of bound
# (each figure's sentence would make a report of a large archive too heavy to open).
DETAIL_LIMIT = 300
# At most this many marks: above it, days are grouped into weeks, then months.
MAX_MARKS = 300
_PERIODS = (("day", None), ("week", "W-SUN"), ("month", "M"), ("quarter", "Q"), ("year", "Y"))
_GROUP_KEYS = ["day", "outlet", "category", "group_kind", "period", "bound"]
SERIES_PERIODS = series.SERIES_PERIODS
# The lowest value the log axis shows; what lies below it (a "0") is drawn on it.
LOG_FLOOR = 1.0
_NICE_STEPS = (1.0, 2.0, 5.0)
MAX_LABEL = 34  # characters of a name shown on an axis; the tooltip has it whole


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


def value_domain(figures: pd.DataFrame) -> tuple[float, float]:
    """The log axis' span for these figures: from a round number (1, 2 or 5 times a power of ten)
    below the lowest value or bound to one above the highest, with room for the marks at either end."""
    lows, highs = figures["low"].astype("Float64"), figures["high"].astype("Float64")
    tips = pd.concat([lows[highs.isna()] * ARROW_FACTOR, highs[lows.isna()] / ARROW_FACTOR])  # arrows' ends
    values = pd.concat([lows, highs, figures["best"].astype("Float64"), tips]).dropna()
    values = values[values > 0]
    if values.empty:
        return LOG_FLOOR, 10.0
    return _nice(float(values.min()) / 1.5, down=True), _nice(float(values.max()) * 1.5, down=False)


def _nice(value: float, down: bool) -> float:
    """The nearest of 1, 2, 5 times a power of ten below (`down`) or above `value`, never under `LOG_FLOOR`."""
    if value <= LOG_FLOOR:
        return LOG_FLOOR
    power = 10.0 ** math.floor(math.log10(value))
    candidates = [step * power * scale for scale in (0.1, 1.0, 10.0) for step in _NICE_STEPS]
    return max(c for c in candidates if c <= value) if down else min(c for c in candidates if c >= value)


def log_ticks(domain: tuple[float, float]) -> list[float]:
    """Axis labels that never collide: powers of ten, with 2 and 5 between them over two decades or less."""
    low, high = domain
    steps = _NICE_STEPS if high / low <= 100 else (1.0,)
    ticks = [step * 10.0 ** power for power in range(int(math.floor(math.log10(low))), int(math.log10(high)) + 1)
             for step in steps]
    return [tick for tick in ticks if low <= tick <= high]


def period_text(period: str, start: Any) -> str:
    """What span a figure counts, in words: 'total since 2019-01-09', 'one day's event', ..."""
    if period == dates.PERIOD_TOTAL:
        return f"total since {pd.Timestamp(start):%Y-%m-%d}" if not pd.isna(start) else "total up to its day"
    return {dates.PERIOD_DAY: "one day's event", dates.PERIOD_CURRENT: "how many there were that day"}.get(
        period, "not stated")


def chart_rows(figures: pd.DataFrame, domain: tuple[float, float] | None = None) -> pd.DataFrame:
    """One row per figure with what the charts draw: day strings, the span of its range, tooltip words.

    `value` is the number a figure reported (an exact figure, or the bound of an open one);
    it is empty for a range or a vague figure, which are drawn as their span only, so that
    no point stands where nobody put a number. An open bound's span is a short arrow from
    the bound (`ARROW_FACTOR` times it, or that much below it), never a bar to the edge.
    `domain` (by default `value_domain` of these figures) clips what falls below its floor.
    """
    rows = figures.copy()
    low_edge, _ = domain or value_domain(figures)
    lows = rows["low"].astype("Float64")
    highs = rows["high"].astype("Float64")
    best = rows["best"].astype("Float64").fillna(lows).fillna(highs)
    vague = rows["flags"].fillna("").str.contains(r"\bvague\b")
    rows["bound"] = [BOUND_VAGUE if is_vague and kind == BOUND_RANGE else kind
                     for kind, is_vague in zip((bound_kind(lo, hi) for lo, hi in zip(rows["low"], rows["high"])),
                                               vague)]
    reported = rows["bound"].isin([BOUND_EXACT, BOUND_AT_LEAST, BOUND_AT_MOST])
    rows["value"] = best.where(reported).clip(lower=low_edge)
    rows["top"] = rows["value"]
    rows["span_low"] = lows.fillna(highs / ARROW_FACTOR).clip(lower=low_edge)
    rows["span_high"] = highs.fillna(lows * ARROW_FACTOR).clip(lower=low_edge)
    rows["value_text"] = [value_text(lo, hi) for lo, hi in zip(rows["low"], rows["high"])]
    rows["category_title"] = rows["category"].map(CATEGORY_TITLES).fillna(rows["category"])
    rows["period_text"] = [period_text(period, start) for period, start in zip(rows["period"], rows["period_start"])]
    rows["day"] = _day(rows["date"])
    rows["day_label"] = rows["day"].fillna("no day")  # shown as text: Vega turns "day" into a timestamp
    rows["published_day"] = _day(rows["published"])
    rows["sentence"] = rows["sentence"].str.slice(0, _MAX_TOOLTIP_SENTENCE)
    rows["group_kind"] = series.group_kinds(rows["group"])
    rows["corrected"] = corrected_text(rows["flags"])
    if "speaker" in rows:  # one label per person (tally.speakers); the words as written stay in `attribution`
        rows["attribution"] = rows["speaker"].where(rows["speaker"].notna(), rows["attribution"])
    for column in ("outlet", "attribution", "cited_outlet"):
        rows[column] = rows[column].fillna("—" if column != "outlet" else "unknown outlet")
    rows["figures"] = 1
    return _with_series(rows[CHART_COLUMNS[:-2]].astype(
        {"value": "float64", "top": "float64", "span_low": "float64", "span_high": "float64"}))


def corrected_text(flags: pd.Series) -> pd.Series:
    """'yes: what changed' for a figure an analyst corrected or added (`tally.corrections`), else 'no'."""
    notes = flags.fillna("").str.extract(r"(?:^|;)corrected: ?([^;]*)", expand=False)
    added = flags.fillna("").str.contains(r"(?:^|;)added by a correction")
    text = ("yes: " + notes.fillna("")).str.rstrip(": ")
    return text.where(notes.notna(), "no").mask(added, "added by a correction")


def _with_series(rows: pd.DataFrame) -> pd.DataFrame:
    """Add `line_value` and `line`: the points a line joins (`series.series_points` over each row's
    highest reported value `top`: one per outlet, category, kind of group, kind of period and day),
    and which line each belongs to (a running total falling by more than half starts a new one)."""
    rows = rows.reset_index(drop=True)
    points = series.series_points(rows.assign(date=rows["day"]), value="top", reported=rows["top"].notna())
    rows["line_value"] = rows["top"].where(points["on_line"])
    rows["line"] = points["series"] + " · " + points["segment"].astype(str)
    return rows


CHART_COLUMNS = ["source", "outlet", "category", "category_title", "period", "period_text", "group", "group_kind",
                 "quantity_text", "value_text", "value", "top", "span_low", "span_high", "bound", "day", "day_label",
                 "published_day", "date_basis", "attribution", "cited_outlet", "sentence", "corrected", "flags",
                 "figures", "line_value", "line"]


def marks_for(figures: pd.DataFrame, detail_limit: int = DETAIL_LIMIT, max_marks: int = MAX_MARKS,
              domain: tuple[float, float] | None = None) -> tuple[pd.DataFrame, str]:
    """What a chart draws for these (dated) figures, and a subtitle saying what one mark is.

    Up to `detail_limit` figures, one mark each (`chart_rows`). Above it, one mark
    per outlet, category, kind of group, period and kind of bound (`aggregate_rows`),
    the period being the day, or the week or month when days would give more than `max_marks`.
    Every mark gets `outlet_colour` (`colour_outlets`).
    """
    rows = colour_outlets(chart_rows(figures, domain))
    if len(rows) <= detail_limit:
        return rows, ""
    for period, frequency in _PERIODS:  # period: the span of days one mark stands for
        marks = aggregate_rows(rows, frequency)
        if len(marks) <= max_marks:
            break
    shown = marks.nlargest(max_marks, "figures", keep="first").sort_values(_GROUP_KEYS, kind="stable")
    subtitle = (f"{len(rows):,} figures: each mark is what one outlet (or the other outlets together) reported "
                f"for one category in one {period} "
                f"(a point at the number it reported most often; a bar spans the lowest to the highest). "
                f"Hover for how many and an example.")
    if len(shown) < len(marks):
        subtitle += (f" Showing the {len(shown):,} marks with the most figures of {len(marks):,}: "
                     f"{int(marks['figures'].sum() - shown['figures'].sum()):,} figures are not drawn.")
    shown = _with_series(shown.drop(columns=["line_value", "line"]))
    shown.loc[shown["outlet_colour"] == OTHER_OUTLETS, "line_value"] = float("nan")  # several outlets: no series
    shown.attrs["coloured_outlets"] = rows.attrs["coloured_outlets"]
    return shown, subtitle


def colour_outlets(rows: pd.DataFrame, top: int = TOP_OUTLETS, taken: list[str] | None = None) -> pd.DataFrame:
    """Add `outlet_colour`: the outlet's name for the `top` outlets with the most figures (each its own
    colour), `OTHER_OUTLETS` for the rest (one grey; the tooltip names the outlet).

    `taken`: outlets that already hold the first colours on the page, in order (another chart's
    `coloured_outlets`): each keeps its colour here, and the other outlets get only the colours left,
    so that one colour never names two outlets on one page. `attrs["outlet_colours"]` maps each
    coloured outlet to its colour."""
    counts = rows.groupby("outlet")["figures"].sum().sort_values(ascending=False, kind="stable")
    held = list(taken or [])[:top]
    colours = {outlet: OUTLET_COLOURS[index] for index, outlet in enumerate(held) if outlet in counts.index}
    free = iter(OUTLET_COLOURS[len(held):top])
    for outlet in counts.index:
        if outlet not in colours:
            colour = next(free, None)
            if colour is None:
                break
            colours[outlet] = colour
    coloured = [outlet for outlet in counts.index if outlet in colours]
    rows = rows.copy()
    rows["outlet_colour"] = rows["outlet"].where(rows["outlet"].isin(coloured), OTHER_OUTLETS)
    rows.attrs["coloured_outlets"] = coloured
    rows.attrs["outlet_colours"] = {outlet: colours[outlet] for outlet in coloured}
    rows.attrs["colours_taken"] = bool(held)
    return rows


def date_chart_outlets(figures: pd.DataFrame, top: int = TOP_OUTLETS) -> list[str]:
    """The outlets `figures_by_date` and `outlets_compared` colour for these figures, in colour order."""
    dated = figures[figures["date"].notna()]
    counts = dated.assign(outlet=dated["outlet"].fillna("unknown outlet"), figures=1)
    return colour_outlets(counts[["outlet", "figures"]], top).attrs["coloured_outlets"]


def aggregate_rows(rows: pd.DataFrame, frequency: str | None = None) -> pd.DataFrame:
    """Chart rows folded into one per outlet, category, kind of group, day (or period) and kind of bound.

    `value` is the number reported most often (the highest among equals): a number someone
    reported, never a median; `top` the highest reported; the span runs from the lowest to the
    highest value or bound; the words, group, quoted source and agency are the most frequent
    ones; the sentence is an example holding the most frequent words; `figures` counts the rows folded.
    """
    rows = rows.copy()
    rows["outlet_name"] = rows["outlet"]
    rows["kind_name"] = rows["group_kind"]
    rows["group_kind"] = rows["group_kind"].str.replace(r" \(.*\)$", "", regex=True)  # fighters of any side
    if "outlet_colour" in rows:  # the outlets without a colour of their own fold together
        rows["outlet"] = rows["outlet_colour"]
    if frequency:  # the period's first day, as the ISO string the axis reads
        days = pd.to_datetime(rows["day"])
        rows["day"] = days.dt.to_period(frequency).dt.start_time.dt.strftime("%Y-%m-%d")
    rows["low_seen"] = rows[["span_low", "value"]].min(axis=1)
    rows["high_seen"] = rows[["span_high", "value"]].max(axis=1)
    rows["published_at"] = pd.to_datetime(rows["published_day"])  # min and max of strings are slow
    rows["is_corrected"] = (rows["corrected"] != "no").astype(int)
    grouped = rows.groupby(_GROUP_KEYS, sort=True, dropna=False)
    marks = grouped.agg(top=("value", "max"), span_low=("low_seen", "min"), span_high=("high_seen", "max"),
                        figures=("figures", "size"), sources=("source", "nunique"),
                        first_published=("published_at", "min"), last_published=("published_at", "max"),
                        corrected=("is_corrected", "sum"), kinds=("kind_name", "nunique"),
                        ).reset_index()
    marks = marks.merge(_outlet_names(rows), on=_GROUP_KEYS, how="left")
    modes = (rows.dropna(subset=["value"]).groupby(_GROUP_KEYS + ["value"], sort=False, dropna=False).size()
             .rename("count").reset_index().sort_values(["count", "value"], ascending=False, kind="stable")
             .drop_duplicates(_GROUP_KEYS)[_GROUP_KEYS + ["value"]])
    marks = marks.merge(modes, on=_GROUP_KEYS, how="left")
    for column in ("first_published", "last_published"):
        marks[column] = _day(marks[column]).fillna("unknown")
    for column in ("quantity_text", "group", "attribution", "cited_outlet", "date_basis", "period_text", "flags"):
        marks = marks.merge(_most_frequent(rows, column), on=_GROUP_KEYS, how="left")
    marks["category_title"] = marks["category"].map(CATEGORY_TITLES).fillna(marks["category"])
    example = rows.drop_duplicates(_GROUP_KEYS + ["quantity_text"])[_GROUP_KEYS + ["quantity_text", "sentence",
                                                                                 "source"]]
    marks = marks.merge(example, on=_GROUP_KEYS + ["quantity_text"], how="left")
    marks["value_text"] = [
        f"{count:,} figures from {sources:,} sources: lowest {low:,.0f}, highest {high:,.0f}"
        if count > 1 else text for count, sources, low, high, text in zip(
            marks["figures"], marks["sources"], marks["span_low"], marks["span_high"], marks["quantity_text"])]
    marks["sentence"] = marks["sentence"].str.slice(0, _MAX_EXAMPLE_SENTENCE)
    marks["source"] = [source if count == 1 else f"{source} and {count - 1:,} more"
                       for source, count in zip(marks["source"], marks["sources"])]
    marks["published_day"] = [first if first == last else f"{first} to {last}"
                              for first, last in zip(marks["first_published"], marks["last_published"])]
    marks["corrected"] = [f"{count:,} corrected" if count else "no" for count in marks["corrected"]]
    marks["day_label"] = marks["day"]
    marks["outlet_colour"] = marks["outlet"]
    marks["outlet"] = marks["outlet_names"]
    marks = _with_series(marks[CHART_COLUMNS[:-2] + ["outlet_colour", "kinds"]].astype(
        {"value": "float64", "top": "float64", "span_low": "float64", "span_high": "float64"}))
    marks.loc[marks["kinds"] > 1, "line_value"] = float("nan")  # fighters of several sides: not one series
    return marks.drop(columns="kinds")


def _outlet_names(rows: pd.DataFrame) -> pd.DataFrame:
    """Per mark, the outlets it folds, in words (`_names`), read in one pass over the distinct pairs."""
    pairs = rows[_GROUP_KEYS + ["outlet_name"]].drop_duplicates().sort_values("outlet_name", kind="stable")
    folded: dict[tuple, list[str]] = {}
    for row in pairs.itertuples(index=False):
        folded.setdefault(tuple(row[:-1]), []).append(row[-1])
    keys = pd.DataFrame(list(folded), columns=_GROUP_KEYS)
    return keys.assign(outlet_names=[_names(names) for names in folded.values()])


def _names(names: list[str], shown: int = 3) -> str:
    """The outlets a mark folds, in words: 'A', 'A, B and C', 'A, B, C and 12 more'."""
    if len(names) <= shown:
        return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    return f"{', '.join(names[:shown])} and {len(names) - shown:,} more"


def _most_frequent(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per mark, the most frequent value of `column` (the first seen among equals)."""
    counts = rows.groupby(_GROUP_KEYS + [column], sort=False, dropna=False).size().rename("count").reset_index()
    counts = counts.sort_values("count", ascending=False, kind="stable")
    return counts.drop_duplicates(_GROUP_KEYS)[_GROUP_KEYS + [column]]


def _day_axis(rows: pd.DataFrame, title: str = "Day the figure refers to") -> alt.X:
    """The day axis over the days drawn, fixed so that a filter leaving a layer empty leaves it whole."""
    # A utc scale makes Vega-Lite format labels in UTC by itself; an explicit formatType "utc"
    # made it drop the format and print "Mon 25". Padding keeps the first and last marks whole.
    scale = {"type": "utc", "padding": 14}
    days = pd.to_datetime(rows["day"].dropna())
    if not days.empty:
        first, last = days.min(), days.max()
        if first == last:  # a single day: show the days beside it, not a zero-width axis
            first, last = first - pd.Timedelta(days=1), last + pd.Timedelta(days=1)
        scale["domain"] = [_epoch_ms(first), _epoch_ms(last)]
    return alt.X("day:T", title=title, scale=alt.Scale(**scale), axis=alt.Axis(format="%b %-d, %Y", labelAngle=-30))


def _epoch_ms(day: pd.Timestamp) -> int:
    """Midnight UTC of `day` as Vega's milliseconds since 1970."""
    return int(pd.Timestamp(day.date(), tz="UTC").timestamp() * 1000)


def _value_y(field: str, domain: tuple[float, float], title: str) -> alt.Y:
    """A log value axis over `domain`, labelled only at round numbers that cannot collide."""
    return alt.Y(f"{field}:Q", title=title, scale=alt.Scale(type="log", domain=list(domain), nice=False),
                 axis=alt.Axis(values=log_ticks(domain), format=",", grid=True))


def _category_shape(categories: list[str]) -> alt.Shape:
    """Point shape by category, so that categories sharing a panel differ by more than colour."""
    return alt.Shape("category_title:N", title="Category", scale=alt.Scale(
        domain=[CATEGORY_TITLES.get(c, c) for c in categories],
        range=[CATEGORY_SHAPES.get(c, "circle") for c in categories]))


def _outlet_colour(rows: pd.DataFrame) -> alt.Color:
    """One colour per outlet among the most frequent (`colour_outlets`); grey for the other outlets."""
    coloured = rows.attrs.get("coloured_outlets") or sorted(rows["outlet"].unique())[:TOP_OUTLETS]
    colours = rows.attrs.get("outlet_colours") or dict(zip(coloured, OUTLET_COLOURS))
    domain = list(coloured) + ([OTHER_OUTLETS] if (rows["outlet_colour"] == OTHER_OUTLETS).any() else [])
    others = rows.loc[rows["outlet_colour"] == OTHER_OUTLETS, "outlet"].nunique()
    title = "Outlet" if not others else f"Outlet ({len(coloured)} most frequent; {others} others in grey)"
    if others and rows.attrs.get("colours_taken"):  # the colours another chart of the page gave first
        title = f"Outlet ({len(coloured)} coloured as in the chart of figures; {others} others in grey)"
    return alt.Color("outlet_colour:N", title=title, scale=alt.Scale(
        domain=domain, range=[colours[outlet] for outlet in coloured]
        + ([OTHER_COLOUR] if len(domain) > len(coloured) else [])),
        legend=alt.Legend(labelLimit=200, symbolType="circle", titleLimit=400))


def _outlet_pick() -> Any:
    """Clicking an outlet in the legend keeps it; the others fade."""
    return alt.selection_point(fields=["outlet_colour"], bind="legend", name="outlet_pick")


def _layers(base: alt.Chart, domain: tuple[float, float], title: str, subtitle: str,
            point_size: int, categories: list[str]) -> alt.LayerChart:
    """Series as lines; ranges as bars (wide and pale when the words are vague), with no point; open
    bounds as a short arrow from a bar at the bound; exact figures as points shaped by category."""
    tooltip = _tooltip(subtitle)
    lines = base.transform_filter("isValid(datum.line_value)").mark_line(strokeWidth=1.5, clip=True).encode(
        y=_value_y("line_value", domain, title), detail="line:N")
    ranges = base.transform_filter(alt.datum.bound == BOUND_RANGE).mark_rule(strokeWidth=2.5, clip=True).encode(
        y=_value_y("span_low", domain, title), y2="span_high:Q", tooltip=tooltip)
    vague = base.transform_filter(alt.datum.bound == BOUND_VAGUE).mark_rule(
        strokeWidth=7, strokeOpacity=0.35, strokeCap="round", clip=True).encode(
        y=_value_y("span_low", domain, title), y2="span_high:Q", tooltip=tooltip)
    is_open = alt.FieldOneOfPredicate(field="bound", oneOf=[BOUND_AT_LEAST, BOUND_AT_MOST])
    arrows = base.transform_filter(is_open).mark_rule(strokeWidth=1.2, clip=True).encode(
        y=_value_y("span_low", domain, title), y2="span_high:Q", tooltip=tooltip)
    tips = [base.transform_filter(alt.datum.bound == bound).mark_point(
        shape=shape, filled=True, size=35, clip=True).encode(y=_value_y(field, domain, title), tooltip=tooltip)
        for bound, shape, field in ((BOUND_AT_LEAST, "triangle-up", "span_high"),
                                    (BOUND_AT_MOST, "triangle-down", "span_low"))]
    bars = base.transform_filter(is_open).mark_point(shape="stroke", size=120, strokeWidth=2.5, clip=True).encode(
        y=_value_y("value", domain, title), tooltip=tooltip)
    points = base.transform_filter(alt.datum.bound == BOUND_EXACT).mark_point(
        size=point_size, filled=True, clip=True).encode(
        y=_value_y("value", domain, title), shape=_category_shape(categories), tooltip=tooltip)
    if subtitle:
        points = points.encode(size=_figures_size(base.data))
    return alt.layer(lines, ranges, vague, arrows, *tips, bars, points)


def nothing_to_draw(title: str, why: str, width: int = 640) -> alt.Chart:
    """A chart with nothing to draw says so in words, with no empty axes and no legend."""
    return alt.Chart(pd.DataFrame({"why": [why]})).mark_text(
        align="left", baseline="middle", fontSize=13, color="#59636e").encode(
        text="why:N", x=alt.value(0), y=alt.value(14)).properties(title=title, width=width, height=28).configure_view(
        strokeWidth=0)


def _nothing_dated(figures: pd.DataFrame) -> str:
    if figures.empty:
        return "Nothing to draw: no figure matches this report."
    return f"Nothing to draw: none of the {len(figures):,} figures has a day (they are listed under the chart)."


def figures_by_date(figures: pd.DataFrame, title: str = "Reported figures by date") -> alt.LayerChart | alt.Chart:
    """Figures over the day they refer to, one colour per outlet (the most frequent ones), one shape
    per category.

    An exact figure is a point; a range a bar from low to high (wide and pale when the words
    are vague: "hundreds"), with no point; an open bound ("more than 1,000", "up to 500") a
    short bar at the bound with an arrow pointing the open way. A line joins one outlet's
    figures of one series (`tally.series`). Clicking the legend keeps one outlet; the menu
    under the chart keeps one category. Figures with no day are not drawn (`not_drawn` says which).
    """
    dated = figures[figures["date"].notna()]
    if dated.empty:
        return nothing_to_draw(title, _nothing_dated(figures))
    domain = value_domain(dated)
    rows, subtitle = marks_for(dated, domain=domain)
    categories = sorted(rows["category"].unique())
    pick_outlet = _outlet_pick()
    pick_category = alt.selection_point(
        fields=["category"], name="category_pick",
        bind=alt.binding_select(options=[None, *categories],
                                labels=["all", *(CATEGORY_TITLES.get(c, c) for c in categories)], name="Category: "))
    base = alt.Chart(_drawn(rows)).encode(
        x=_day_axis(rows), color=_outlet_colour(rows),
        opacity=alt.condition(pick_outlet, alt.value(0.9), alt.value(0.12)),
    ).transform_filter(pick_category)
    return _layers(base, domain, "Number of people (log scale)", subtitle, 90, categories).add_params(
        pick_outlet, pick_category).properties(title=_title(title, subtitle), width=640, height=340)


def outlets_compared(figures: pd.DataFrame,
                     title: str = "What each outlet reported, per category") -> alt.FacetChart | alt.Chart:
    """One panel per category (titled in words): each outlet's figures over the days they refer to,
    drawn as in `figures_by_date`. Where outlets disagree about the same day, their marks part."""
    dated = figures[figures["date"].notna()]
    if dated.empty:
        return nothing_to_draw(title, _nothing_dated(figures))
    domain = value_domain(dated)
    rows, subtitle = marks_for(dated, domain=domain)
    pick_outlet = _outlet_pick()
    base = alt.Chart(_drawn(rows)).encode(
        x=_day_axis(rows, "Day"), color=_outlet_colour(rows),
        opacity=alt.condition(pick_outlet, alt.value(0.9), alt.value(0.1)),
    )
    panels = _layers(base, domain, "People (log scale)", subtitle, 70,
                     sorted(rows["category"].unique())).add_params(pick_outlet).properties(width=300, height=200)
    return panels.facet(
        facet=alt.Facet("category_title:N", title=None, header=alt.Header(labelFontWeight="bold", labelLimit=320,
                                                                         labelFontSize=13)),
        columns=2,
    ).properties(title=_title(title, subtitle))


# What a tooltip says for a field nobody gave (an article with no publication day, no group):
# words, never the "nan" or "null" that an empty cell turns into on its way to the page.
_UNKNOWN_TEXT = {"published_day": "not known"}


def _drawn(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as the chart's data: only the columns it reads, each line named by a short number,
    every text a tooltip shows filled (`_UNKNOWN_TEXT`, else '—')."""
    drawn = rows.drop(columns=["flags", "top", "group_kind"]).assign(line=pd.factorize(rows["line"])[0].astype(str))
    for field, _ in _TOOLTIP_FIELDS:
        column = field.split(":")[0]
        if column in drawn and column != "day" and not pd.api.types.is_numeric_dtype(drawn[column]):
            drawn[column] = drawn[column].astype(object).where(drawn[column].notna(),
                                                               _UNKNOWN_TEXT.get(column, "—"))
    return drawn


def not_drawn(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures a chart of `figures` leaves out, each with why (`reason`): no day, or no number."""
    numbers = figures[["low", "high", "best"]].astype("Float64")
    reasons = pd.Series("", index=figures.index, dtype=object)
    reasons[numbers.isna().all(axis=1)] = "no number"
    reasons[figures["date"].isna()] = "no day"
    return figures[reasons != ""].assign(reason=reasons[reasons != ""])


def _title(title: str, subtitle: str, width: int = 95) -> alt.TitleParams | str:
    """The chart's title, with its subtitle wrapped into lines (Vega draws one line as wide as it is)."""
    return alt.TitleParams(title, subtitle=textwrap.wrap(subtitle, width), subtitleFontSize=11) if subtitle else title


def _tooltip(subtitle: str) -> list[alt.Tooltip]:
    """The per-figure tooltip; for folded marks, with the number of figures first and 'Example' words."""
    if not subtitle:
        return TOOLTIP
    return [alt.Tooltip("figures:Q", title="Figures", format=",")] + [
        alt.Tooltip(field, title=_FOLDED_TITLES.get(title, title)) for field, title in _TOOLTIP_FIELDS]


def _figures_size(rows: Any) -> alt.Size:
    most = int(rows["figures"].max()) if isinstance(rows, pd.DataFrame) and len(rows) else 1
    return alt.Size("figures:Q", title="Figures per mark", scale=alt.Scale(domain=[1, max(most, 2)], range=[30, 500]),
                    legend=alt.Legend(format=",d", tickMinStep=1))


def short_label(name: str, limit: int = MAX_LABEL) -> str:
    """A name short enough for an axis: 'Syrian Democratic Forces (SDF) spokesman' -> 'SDF spokesman';
    else cut at a word with '…'. The tooltip shows the whole name."""
    if len(name) <= limit:
        return name
    acronym = _ACRONYM.search(name)
    if acronym:
        shorter = (name[: acronym.start("full")] + acronym.group("short") + name[acronym.end():]).strip()
        if len(shorter) <= limit:
            return shorter
        name = shorter
    cut = name[: limit - 1]
    if name[limit - 1] != " ":  # do not end on part of a word
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(",;:-–— ")
    return cut + "…"


_ACRONYM = re.compile(r"(?P<full>(?:[A-Z][\w.'’-]*\s+)(?:(?:of|for|the|and|de|du|al)\s+|[A-Z][\w.'’-]*\s+)*)\((?P<short>[A-Z][A-Za-z.-]{1,9})\)")


def quoted_most(figures: pd.DataFrame, top: int = 12, title: str = "Who is quoted for figures, per outlet") -> alt.Chart:
    """The speakers quoted for the most figures, as bars split by the outlet that quoted them; one bar
    per person (their `speaker` label, `tally.speakers`, when the table has one); long names are
    shortened on the axis (`short_label`) and whole in the tooltip; counts tick by whole figures."""
    who = figures["speaker"].where(figures["speaker"].notna(), figures["attribution"]) if "speaker" in figures \
        else figures["attribution"]
    quoted = figures.assign(attribution=who)[who.notna()]
    counts = (quoted.assign(outlet=quoted["outlet"].fillna("unknown outlet"))
              .groupby(["attribution", "outlet"]).size().rename("figures").reset_index())
    leaders = counts.groupby("attribution")["figures"].sum().nlargest(top).index
    counts = counts[counts["attribution"].isin(leaders)].reset_index(drop=True)
    if counts.empty:
        return nothing_to_draw(title, "Nothing to draw: no figure says who gave it.", width=520)
    labels = {name: short_label(name) for name in counts["attribution"].unique()}
    if len(set(labels.values())) < len(labels):  # two names shortened alike: keep every name whole
        labels = {name: name for name in labels}
    counts["label"] = counts["attribution"].map(labels)
    # The outlets the date charts of the same figures colour keep their colours here: on one page,
    # one colour is one outlet.
    counts = colour_outlets(counts, taken=date_chart_outlets(figures))
    most = int(counts.groupby("attribution")["figures"].sum().max()) if len(counts) else 1
    return alt.Chart(counts).mark_bar().encode(
        y=alt.Y("label:N", title="Quoted", sort="-x", axis=alt.Axis(labelLimit=320)),
        x=alt.X("sum(figures):Q", title="Figures quoted", scale=alt.Scale(domain=[0, max(most, 1)], nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, values=_count_ticks(most))),
        color=_outlet_colour(counts),
        tooltip=[alt.Tooltip("attribution:N", title="Quoted"), alt.Tooltip("outlet:N", title="Outlet"),
                 alt.Tooltip("figures:Q", title="Figures")],
    ).properties(title=title, width=520, height=alt.Step(18))


def _count_ticks(most: int) -> list[int]:
    """Whole-number ticks from 0 to `most`, at most about eight of them."""
    step = max(1, math.ceil(most / 8))
    if step > 1:
        power = 10 ** int(math.log10(step))
        step = next(s * power for s in (1, 2, 5, 10) if s * power >= step)
    return list(range(0, most + 1, step))


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

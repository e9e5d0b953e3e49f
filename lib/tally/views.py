"""Stage 4, beside the charts: tables and highlighted source text for people to read.

Everything here turns article text into HTML, so everything here escapes it:
a sentence holding `<script>` or `onerror=` shows as those characters and
never runs. Tables come from pandas with escaping on; the highlighted text is
built from escaped pieces only.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from tally.charts import CATEGORY_TITLES, corrected_text, not_drawn, period_text, value_text

FIGURE_COLUMNS = {
    "day": "Day", "outlet": "Outlet", "category": "Category", "group": "Who", "quantity_text": "Words",
    "value": "Read as", "period": "Counts", "speaker": "Quoted", "attribution": "Quoted as written",
    "cited_outlet": "Via agency", "date_basis": "How the day was found", "review": "To review",
    "corrected": "Corrected", "sentence": "Sentence", "source": "Source",
}
_CATEGORY_COLOURS = {
    "evacuated": "#cfe8ff", "surrendered": "#ffe2b8", "killed": "#ffc9c9", "wounded": "#ffd6ec",
    "rescued": "#d3f9d8", "remaining": "#e5dbff", "strength": "#fff3bf", "other": "#e9ecef",
}


class SafeHTML:
    """HTML built here from escaped pieces; displays as HTML in notebooks and reports."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def table_html(frame: pd.DataFrame, caption: str | None = None, max_rows: int = 500,
               empty: str = "No rows.") -> SafeHTML:
    """A plain, escaped HTML table; at most `max_rows` rows, saying how many were left out."""
    head = f"<h4>{html.escape(caption)}</h4>" if caption else ""
    if frame.empty:
        return SafeHTML(f'{head}<p class="tally-note">{html.escape(empty)}</p>')
    shown = readable(frame.head(max_rows))
    # In a box of its own that scrolls sideways: a table wider than the page (the figures table's
    # fifteen columns) never pushes the whole page past the window's right edge.
    # Its sentences (next to last, before the source) keep a readable width instead of a word a line.
    classes = "tally-table tally-sentences" if list(frame.columns)[-2:-1] == ["Sentence"] else "tally-table"
    body = ('<div class="tally-table-box">'
            + shown.to_html(index=False, escape=True, na_rep="", border=0, classes=classes) + "</div>")
    note = ""
    if len(frame) > max_rows:
        note = f'<p class="tally-note">Showing {max_rows:,} of {len(frame):,} rows.</p>'
    return SafeHTML(head + body + note)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as a person reads it: a missing value is an empty cell (never '<NA>', 'nan', 'NaT'
    or 'None'), a day is 'YYYY-MM-DD', a whole number has no '.0'."""
    cells = {}
    for name, column in frame.items():
        if pd.api.types.is_datetime64_any_dtype(column):
            column = column.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(column) and column.dropna().mod(1).eq(0).all():
            column = column.astype("Int64")
        cells[name] = [("" if _missing(value) else value) for value in column.astype(object)]
    return pd.DataFrame(cells, columns=frame.columns)


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, (str, list, tuple, dict)) and bool(pd.isna(value)))


def figures_table(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures as a reader wants them listed: by day, in words, with their sentence."""
    from tally.review import review_notes

    speaker = figures["speaker"] if "speaker" in figures else figures["attribution"]
    table = pd.DataFrame({
        "day": figures["date"].dt.strftime("%Y-%m-%d").fillna("no day"),
        "outlet": figures["outlet"],
        "category": figures["category"].map(CATEGORY_TITLES).fillna(figures["category"]),
        "group": figures["group"],
        "quantity_text": figures["quantity_text"],
        "value": [value_text(lo, hi) for lo, hi in zip(figures["low"], figures["high"])],
        "period": [period_text(period, start) for period, start in zip(figures["period"], figures["period_start"])],
        "speaker": speaker,
        "attribution": figures["attribution"].where(figures["attribution"] != speaker, None),
        "cited_outlet": figures["cited_outlet"],
        "date_basis": figures["date_basis"],
        "review": review_notes(figures).str.join("; "),
        "corrected": corrected_text(figures["flags"]).replace("no", ""),
        "sentence": figures["sentence"],
        "source": figures["source"],
    })
    return table.sort_values(["day", "outlet", "category"], kind="stable").rename(columns=FIGURE_COLUMNS)


CLAIM_COLUMNS = {"date": "Day", "category": "Category", "group": "Who", "value": "Read as",
                 "first_published": "First published", "reports": "Figures", "sources": "Sources",
                 "outlets": "Outlets", "attributions": "Quoted"}
DISAGREEMENT_COLUMNS = {"category": "Category", "kind": "Who", "period": "Counts", "day": "Day", "outlets": "Outlets",
                        "lowest": "Lowest it can be", "highest": "Highest it can be",
                        "spread": "Spread (highest low over lowest high)", "reported": "Reported"}
RECONCILED_COLUMNS = {"category": "Category", "kind": "Who", "day": "Day", "lowest": "Lowest reported",
                      "highest": "Highest reported", "claims": "Independent reports", "articles": "Articles",
                      "outlets": "Outlets", "latest_totals": "Latest running total per outlet"}


def claims_for_reading(claims: pd.DataFrame) -> pd.DataFrame:
    """A claims table as a reader wants it: by day, category in words, bounds in words."""
    table = claims.assign(
        category=claims["category"].map(CATEGORY_TITLES).fillna(claims["category"]),
        value=[value_text(lo, hi) for lo, hi in zip(claims["low"], claims["high"])])
    table = table.sort_values(["date", "category"], kind="stable", na_position="last")
    return table[list(CLAIM_COLUMNS)].rename(columns=CLAIM_COLUMNS)


def disagreements_for_reading(table: pd.DataFrame) -> pd.DataFrame:
    """The disagreements table with its category and columns in words."""
    return table.assign(category=table["category"].map(CATEGORY_TITLES).fillna(table["category"]),
                        period=[period_text(p, None) for p in table["period"]]).rename(columns=DISAGREEMENT_COLUMNS)


def reconciled_for_reading(table: pd.DataFrame, frequency: str | None = None) -> pd.DataFrame:
    """The reconciled view (`claims.reconciled`) with its category and columns in words."""
    columns = dict(RECONCILED_COLUMNS, day="Week from" if frequency else "Day")
    return table.assign(category=table["category"].map(CATEGORY_TITLES).fillna(table["category"])).rename(
        columns=columns)


def not_drawn_html(figures: pd.DataFrame, corpus: pd.DataFrame | None = None, max_rows: int = 50) -> SafeHTML:
    """Under a chart, in words: how many of the figures are not drawn and why, then the list.

    `corpus` (the figures before the report's choice of categories, outlets and days) lets it
    say how many figures of the sources are in other reports."""
    left_out = not_drawn(figures)
    reasons = left_out["reason"].value_counts()
    drawn = len(figures) - len(left_out)
    parts = [f"{drawn:,} of {len(figures):,} figures are drawn."]
    if len(left_out):
        why = ", ".join(f"{count:,} {_REASON_WORDS.get(reason, reason)}" for reason, count in reasons.items())
        parts.append(f"Not drawn: {why} (listed below).")
    if corpus is not None and len(corpus) > len(figures):
        parts.append(f"{len(corpus) - len(figures):,} more figures in these sources are of other categories, "
                     "outlets or days than this report shows.")
    text = f'<p class="tally-note">{html.escape(" ".join(parts))}</p>'
    if len(left_out):
        listed = figures_table(left_out).assign(**{"Why not drawn": left_out["reason"].map(_REASON_WORDS)})
        text += table_html(listed[["Why not drawn", "Outlet", "Category", "Who", "Words", "Read as", "Sentence",
                                   "Source"]], max_rows=max_rows).markup
    return SafeHTML(text)


_REASON_WORDS = {"no day": "have no day", "no number": "have no number"}


def highlighted_text(text: str, figures: pd.DataFrame, start: int = 0, end: int | None = None) -> SafeHTML:
    """`text[start:end]` with each figure's words marked, labelled with its category, bounds and day.

    Figures that overlap an earlier one are not marked twice. Paragraph breaks are kept.
    """
    end = len(text) if end is None else end
    pieces: list[str] = []
    cursor = start
    for row in figures.sort_values("start").itertuples(index=False):
        begin, finish = int(row.start), int(row.end)
        if begin < cursor or finish > end or begin < start:
            continue
        pieces.append(html.escape(text[cursor:begin]))
        day = row.date.strftime("%Y-%m-%d") if not pd.isna(row.date) else "no day"
        label = f"{row.category}: {value_text(row.low, row.high)} {row.group}, {day}"
        if isinstance(row.attribution, str):
            label += f", quoted: {row.attribution}"
        colour = _CATEGORY_COLOURS.get(row.category, "#e9ecef")
        pieces.append(
            f'<mark style="background:{colour}" title="{html.escape(label, quote=True)}">'
            f"{html.escape(text[begin:finish])}"
            f'<sup class="tally-label">{html.escape(row.category)}</sup></mark>')
        cursor = finish
    pieces.append(html.escape(text[cursor:end]))
    body = "".join(pieces).replace("\n", "<br>\n")
    return SafeHTML(f'<div class="tally-source-text">{body}</div>')


def legend_html() -> SafeHTML:
    """What the highlight colours mean."""
    items = "".join(f'<mark style="background:{colour}">{html.escape(CATEGORY_TITLES[name])}</mark> '
                    for name, colour in _CATEGORY_COLOURS.items())
    return SafeHTML(f'<p class="tally-legend">{items}</p>')


def metadata_html(document: dict[str, Any]) -> SafeHTML:
    """A source's facts (title, outlet, author, dates, address) and its warnings, escaped."""
    facts = [("Title", document.get("title")), ("Outlet", document.get("outlet")), ("Site", document.get("site")),
             ("Author", document.get("author")), ("Published", document.get("published")),
             ("Address", document.get("url")), ("File", document.get("source"))]
    rows = []
    for name, value in facts:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            value = "—"
        elif isinstance(value, pd.Timestamp):
            value = value.strftime("%Y-%m-%d")
        rows.append(f"<tr><th>{html.escape(name)}</th><td>{html.escape(str(value))}</td></tr>")
    warnings = [w for w in str(document.get("warnings") or "").split("; ") if w.strip()]
    warning_html = ("<ul class='tally-warnings'>" + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul>"
                    if warnings else "<p>No warnings.</p>")
    return SafeHTML(f'<table class="tally-facts">{"".join(rows)}</table>{warning_html}')


def summary_html(figures: pd.DataFrame) -> SafeHTML:
    """One line on what the figures are: how many, from how many outlets and sources, how many claims."""
    if figures.empty:
        return SafeHTML("<p><strong>No figures match these parameters.</strong></p>")
    undated = int(figures["date"].isna().sum())
    parts = [f"{len(figures):,} figures", f"from {figures['outlet'].nunique():,} outlets",
             f"and {figures['source'].nunique():,} sources", f"making {figures['claim_id'].nunique():,} distinct claims"]
    text = " ".join(parts) + "."
    if undated:
        text += f" {undated:,} have no day: they are listed in the table but not drawn."
    return SafeHTML(f"<p>{html.escape(text)}</p>")


def source_audit(document: dict[str, Any], figures: pd.DataFrame) -> SafeHTML:
    """One source as a reader checks it: its facts and warnings, its figures, and its text with each figure marked."""
    mine = figures[figures["source"] == document["source"]]
    title = document.get("title")
    heading = html.escape(str(title if isinstance(title, str) and title.strip() else document["source"]))
    parts = [f"<h2>{heading}</h2>", metadata_html(document).markup,
             table_html(figures_table(mine), caption=f"{len(mine)} figures").markup if len(mine)
             else "<p>No figures found in this source.</p>",
             "<h4>Text, with each figure marked (hover for how it was read)</h4>",
             # from the body's start, or from the infobox above it when figures were read there
             highlighted_text(document["text"], mine,
                              min([int(document.get("body_start") or 0), *(int(s) for s in mine["start"])]),
                              max([int(document.get("body_end") or len(document["text"])), *(int(e) for e in mine["end"])])
                              ).markup]
    return SafeHTML("\n".join(parts))

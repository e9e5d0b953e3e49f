"""Which figures most need an analyst's look, and what to write in the corrections file about each.

`review_notes` says, per figure, why it may be wrong: a running total that fell by more
than half (`tally.series`), vague words, no day, an ambiguous category, an open bound,
or a flag the extractor raised. `review_queue` orders the figures by how much they need
a look (the first reason in `PRIORITY` first, then the number of reasons); `review_html`
shows each with its sentence, its words marked, and the exact lines to add to the
corrections file (`tally.corrections.correction_lines`) to fix or reject it.
"""

from __future__ import annotations

import html

import pandas as pd

from tally import corrections, series

FELL = "running total fell by more than half"
VAGUE = "vague words"
NO_DAY = "no day"
AMBIGUOUS = "category may be killed or wounded"
OPEN = "open bound"
PRIORITY = (FELL, AMBIGUOUS, VAGUE, NO_DAY, OPEN)
_FLAG_WORDS = {"vague": VAGUE, "ambiguous_category": AMBIGUOUS, "malformed_number": "number printed oddly"}


def review_notes(figures: pd.DataFrame) -> pd.Series:
    """Per figure (same index), the list of reasons to look at it again (empty when none);
    a figure an analyst corrected or added has none left."""
    drops = series.series_points(figures)["note"] if len(figures) else pd.Series(dtype=object)
    open_bound = figures["low"].isna() ^ figures["high"].isna()
    notes = []
    for index, flags, day, is_open in zip(figures.index, figures["flags"].fillna(""), figures["date"], open_bound):
        found = [drops[index]] if drops.get(index) else []
        listed = [flag for flag in flags.split(";") if flag]
        if any(flag.startswith(corrections.CORRECTED_FLAG) or flag == corrections.ADDED_FLAG for flag in listed):
            notes.append([])
            continue
        found += [_FLAG_WORDS.get(flag, flag.replace("_", " ")) for flag in listed]
        if pd.isna(day):
            found.append(NO_DAY)
        if is_open:
            found.append(OPEN)
        notes.append(list(dict.fromkeys(found)))
    return pd.Series(notes, index=figures.index, dtype=object)


def _rank(notes: list[str]) -> int:
    for position, reason in enumerate(PRIORITY):
        if any(note.startswith(reason) for note in notes):
            return position
    return len(PRIORITY)


def review_queue(figures: pd.DataFrame, limit: int = 50) -> pd.DataFrame:
    """The `limit` figures most in need of a look, most pressing first, with their `notes`."""
    notes = review_notes(figures)
    queue = figures.assign(notes=notes, rank=notes.map(_rank), reasons=notes.map(len))
    queue = queue[queue["reasons"] > 0]
    return queue.sort_values(["rank", "reasons", "source", "start"], ascending=[True, False, True, True],
                             kind="stable").head(limit)


def suggested_change(figure: dict) -> dict:
    """What a change to this figure would most likely set, as a starting point the analyst edits."""
    notes = figure.get("notes") or []
    if any(note.startswith(FELL) for note in notes):
        return {"period": "day"}
    if AMBIGUOUS in notes:
        return {"category": "killed"}
    if NO_DAY in notes and not pd.isna(figure.get("published")):
        return {"day": f"{pd.Timestamp(figure['published']):%Y-%m-%d}"}
    low, high = figure.get("low"), figure.get("high")
    if pd.isna(low) and pd.isna(high):
        return {}
    if pd.isna(low) or pd.isna(high):  # an open bound: only the bound reported, never a bound nobody gave
        return {"low": int(low)} if not pd.isna(low) else {"high": int(high)}
    return {"low": int(low), "high": int(high)}


def marked_sentence(figure: dict) -> str:
    """The figure's sentence, escaped, with its words marked."""
    sentence, words = str(figure.get("sentence") or ""), str(figure["quantity_text"])
    at = sentence.find(words)
    if at < 0:
        return html.escape(sentence)
    return (html.escape(sentence[:at]) + f"<mark>{html.escape(words)}</mark>"
            + html.escape(sentence[at + len(words):]))


def review_html(figures: pd.DataFrame, limit: int = 50) -> str:
    """The review queue as HTML: per figure, why to look, its marked sentence, how it was read, and
    the lines to add to the corrections file to change it or to reject it."""
    from tally.charts import period_text, value_text

    queue = review_queue(figures, limit)
    if queue.empty:
        return '<p class="tally-note">No figure needs a look: none is flagged, vague, undated or open.</p>'
    parts = [f'<p class="tally-note">{len(queue):,} figures to look at, most pressing first. To fix one, '
             'add the lines under it to the corrections file (and edit the values); to drop it, add the '
             'reject lines. Then run <code>tally extract</code> again.</p>']
    for number, figure in enumerate(queue.to_dict("records"), start=1):
        day = "no day" if pd.isna(figure["date"]) else f"{pd.Timestamp(figure['date']):%Y-%m-%d}"
        read = (f"{figure['category']}: {value_text(figure['low'], figure['high'])} {figure['group']}, {day}, "
                f"{period_text(figure['period'], figure['period_start'])}")
        outlet = figure["outlet"] if isinstance(figure["outlet"], str) else "unknown outlet"
        change = corrections.correction_lines("change", figure, **suggested_change(figure))
        reject = corrections.correction_lines("reject", figure)
        parts.append(
            f'<div class="tally-review"><h4>{number}. {html.escape("; ".join(figure["notes"]))}</h4>'
            f"<p>{marked_sentence(figure)}</p>"
            f'<p class="tally-note">Read as {html.escape(read)} · {html.escape(outlet)} · '
            f"{html.escape(figure['source'])}</p>"
            f"<p>To change it, add:</p><pre>{html.escape(change)}</pre>"
            f"<p>To reject it, add:</p><pre>{html.escape(reject)}</pre></div>")
    return "\n".join(parts)


def corrected_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures an analyst corrected or added."""
    flags = figures["flags"].fillna("")
    return figures[flags.str.contains(rf"(?:^|;)(?:{corrections.CORRECTED_FLAG}|{corrections.ADDED_FLAG})")]


def load_reviewed(figures_path: str = "", sources_dir: str = "") -> pd.DataFrame:
    """The figures as reports read them: from the figures file `tally extract` wrote (corrections
    already applied), or extracted from `sources_dir` with its corrections file applied when there is
    one; then with one `speaker` label per person (`tally.speakers`)."""
    from pathlib import Path

    from tally.figures import load_figures
    from tally.speakers import with_speakers

    figures = load_figures(figures_path, sources_dir)
    from tally.workspace import find

    path = find().corrections_for(Path(sources_dir)) if sources_dir and not figures_path else None
    if path is not None and path.is_file():
        kept = corrections.read_corrections(path)
        documents = corrections.documents_named(Path(sources_dir), sorted({c.source for c in kept if c.action == "add"}))
        figures = corrections.apply_corrections(figures, kept, documents.get).figures
    return with_speakers(figures)

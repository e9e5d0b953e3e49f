"""Corrections an analyst keeps: a plain-text file that `tally extract` applies after every extraction.

The file (TOML, `corrections.toml` in the sources folder by default; docs/corrections.md
describes it) holds one entry per decision, each naming a figure by its source file and
its words, never by a row number or an offset, so that it still finds its figure after
the sources are extracted again or the rules change:

    [[reject]]                      # this is not a figure
    source = "2024-08-12-reuters.txt"
    words = "tens of thousands"
    sentence = "a town of tens of thousands"   # optional: words of its sentence, to pick one of several
    why = "the town's population"

    [[change]]                      # the figure is right, its reading is not
    source = "2024-08-12-reuters.txt"
    words = "121,000"
    category = "evacuated"          # any of: category, low, high, group, day, period, speaker
    day = "2024-08-11"

    [[add]]                         # a figure the extractor missed
    source = "2024-08-12-reuters.txt"
    words = "two dozen"
    category = "surrendered"
    low = 24
    high = 24
    group = "Russian soldiers"
    day = "2024-08-10"

`apply_corrections` applies them to a figures table: a rejected figure leaves the table, a
changed one gets the new values and the flag "corrected: what changed", an added one the
flag "added by a correction" (an addition the rules now find themselves is applied to
their figure as a change, so the analyst's reading still holds). A correction whose words are no longer found is returned as
unmatched, by name, so that the caller reports it: none is ever dropped silently.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

ACTIONS = ("reject", "change", "add")
CHANGEABLE = ("category", "low", "high", "group", "day", "period", "speaker")
DEFAULT_NAME = "corrections.toml"
ADDED_FLAG = "added by a correction"
CORRECTED_FLAG = "corrected"
BASIS_CORRECTED = "set by a correction"
_SPACE = re.compile(r"\s+")


class CorrectionsError(ValueError):
    """The corrections file cannot be read, or an entry in it is malformed (the message says where)."""


@dataclass(frozen=True)
class Correction:
    """One entry of the corrections file."""

    action: str
    source: str
    words: str
    number: int  # its place among the file's entries of its action, from 1
    sentence: str = ""
    why: str = ""
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How messages name it: 'reject "tens of thousands" in a.txt (reject entry 2)'."""
        return f'{self.action} "{self.words}" in {self.source} ({self.action} entry {self.number})'


def default_path(sources: str | Path) -> Path:
    """Where a sources folder keeps its corrections: `corrections.toml` inside it."""
    return Path(sources) / DEFAULT_NAME


def read_corrections(path: str | Path) -> list[Correction]:
    """The corrections in `path`, checked: each entry has a source and words, a change changes
    something, an addition has a category, and every value has the right type."""
    path = Path(path)
    try:
        declared = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CorrectionsError(f"{path}: corrections file not found") from error
    except tomllib.TOMLDecodeError as error:
        raise CorrectionsError(f"{path}: not valid TOML: {error}") from error
    unknown = sorted(set(declared) - set(ACTIONS))
    if unknown:
        raise CorrectionsError(f"{path}: unknown section {', '.join(unknown)} (use [[reject]], [[change]], [[add]])")
    corrections = []
    for action in ACTIONS:
        for number, entry in enumerate(declared.get(action, []), start=1):
            corrections.append(_correction(action, number, entry, f"{path}: {action} entry {number}"))
    return corrections


def _correction(action: str, number: int, entry: dict[str, Any], where: str) -> Correction:
    known = {"source", "words", "sentence", "why"} | (set(CHANGEABLE) if action != "reject" else set())
    unknown = sorted(set(entry) - known)
    if unknown:
        raise CorrectionsError(f"{where}: unknown key {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    for key in ("source", "words"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise CorrectionsError(f"{where}: needs {key} = \"...\"")
    changes = {key: entry[key] for key in CHANGEABLE if key in entry}
    for key in ("low", "high"):
        if key in changes and (not isinstance(changes[key], int) or changes[key] < 0):
            raise CorrectionsError(f"{where}: {key} must be a whole number")
    if "day" in changes:
        try:
            changes["day"] = pd.Timestamp(str(changes["day"])).normalize()
        except ValueError as error:
            raise CorrectionsError(f"{where}: day must be a date (2024-08-12), not {entry['day']!r}") from error
    if "category" in changes:
        from tally.categories import CATEGORIES, OTHER

        if changes["category"] not in (*CATEGORIES, OTHER):
            raise CorrectionsError(f"{where}: category must be one of {', '.join((*CATEGORIES, OTHER))}")
    if "period" in changes:
        from tally import dates

        if changes["period"] not in dates.PERIODS:
            raise CorrectionsError(f"{where}: period must be one of {', '.join(dates.PERIODS)}")
    if action == "change" and not changes:
        raise CorrectionsError(f"{where}: a change needs at least one of {', '.join(CHANGEABLE)}")
    if action == "add" and "category" not in changes:
        raise CorrectionsError(f"{where}: an addition needs a category")
    return Correction(action, entry["source"].strip(), entry["words"], number, entry.get("sentence", ""),
                      entry.get("why", ""), changes)


def _plain(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def _contains(longer: str, shorter: str) -> bool:
    """`shorter` stands in `longer` as whole words."""
    return bool(shorter) and re.search(rf"(?<!\w){re.escape(shorter)}(?!\w)", longer) is not None


def matches(correction: Correction, figures: pd.DataFrame) -> pd.Series:
    """Which figures a correction names: same source; words equal to the figure's, or holding them,
    or held in them (rules may widen or narrow a figure's words); and, if given, its sentence words."""
    words = _plain(correction.words)
    mine = figures["source"] == correction.source
    found = pd.Series(False, index=figures.index)
    for index, text, sentence in zip(figures.index[mine], figures.loc[mine, "quantity_text"],
                                     figures.loc[mine, "sentence"]):
        text, sentence = _plain(text), _plain(sentence)
        same = text == words or _contains(words, text) or _contains(text, words)
        found[index] = same and (not correction.sentence or _plain(correction.sentence) in sentence)
    return found


@dataclass
class CorrectionResult:
    """A corrected figures table and what the corrections did."""

    figures: pd.DataFrame
    rejected: int = 0
    changed: int = 0
    added: int = 0
    unmatched: list[Correction] = field(default_factory=list)

    def summary(self, path: str | Path) -> str:
        return (f"corrections from {path}: {self.rejected} figures rejected, {self.changed} changed, "
                f"{self.added} added" + (f"; {len(self.unmatched)} match nothing" if self.unmatched else ""))


def apply_corrections(figures: pd.DataFrame, corrections: Iterable[Correction],
                      document: Callable[[str], dict[str, Any] | None]) -> CorrectionResult:
    """Apply `corrections` to a figures table (checked `FIGURES`), then link claims again.

    `document(source)` gives a source's documents-table row (its text and facts) for additions,
    or None when there is no such source. Rejections come first, then changes, then additions.
    """
    from tally.claims import link_claims
    from tally.figures import figures_frame

    result = CorrectionResult(figures)
    table = figures.copy()
    ordered = sorted(corrections, key=lambda c: ACTIONS.index(c.action))
    added_rows: list[dict[str, Any]] = []
    for correction in ordered:
        found = matches(correction, table)
        if correction.action == "add" and found.any():  # the rules now find it: the analyst's reading still holds
            result.changed += int(found.sum())
            table = _changed(table, found, correction.changes)
            continue
        if correction.action == "add":
            row = _added_row(correction, document(correction.source))
            if row is None:
                result.unmatched.append(correction)
            else:
                added_rows.append(row)
            continue
        if not found.any():
            result.unmatched.append(correction)
        elif correction.action == "reject":
            result.rejected += int(found.sum())
            table = table[~found]
        else:
            result.changed += int(found.sum())
            table = _changed(table, found, correction.changes)
    if added_rows:
        table = pd.concat([table, figures_frame(added_rows)], ignore_index=True)
        result.added = len(added_rows)
    if result.rejected or result.changed or result.added:
        table = link_claims(figures_frame(table.assign(claim_id="").reset_index(drop=True)))
    result.figures = table.reset_index(drop=True)
    return result


def _changed(table: pd.DataFrame, found: pd.Series, changes: dict[str, Any]) -> pd.DataFrame:
    """The table with `changes` made to the `found` rows, each flagged with what changed."""
    from tally.quantities import best_value

    table = table.copy()
    said = []
    for key, value in changes.items():
        column = {"day": "date", "speaker": "attribution"}.get(key, key)
        table.loc[found, column] = value
        said.append(f"{key} {value:%Y-%m-%d}" if key == "day" else f"{key} {value}")
    if "day" in changes:
        table.loc[found, "date_basis"] = BASIS_CORRECTED
    if "low" in changes or "high" in changes:
        table.loc[found, "best"] = [best_value(None if pd.isna(lo) else int(lo), None if pd.isna(hi) else int(hi))
                                    for lo, hi in zip(table.loc[found, "low"], table.loc[found, "high"])]
    flag = f"{CORRECTED_FLAG}: " + ", ".join(said).replace(";", ",")
    table.loc[found, "flags"] = [";".join([*(f for f in flags.split(";") if f and not f.startswith(CORRECTED_FLAG)),
                                           flag]) for flags in table.loc[found, "flags"]]
    return table


def _added_row(correction: Correction, document: dict[str, Any] | None) -> dict[str, Any] | None:
    """The figures row an addition makes, found in its source's text; None when the words are not there."""
    from tally.quantities import best_value, read_quantity
    from tally.sentences import split_sentences

    if document is None:
        return None
    text = document["text"]
    where = 0
    if correction.sentence:
        where = _find(text, correction.sentence, 0)
        if where < 0:
            return None
    start = _find(text, correction.words, where)
    if start < 0:
        return None
    end = _match_end(text, correction.words, start)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    sentence = next((s.text for s in split_sentences(text[line_start:line_end], line_start)
                     if s.start <= start and end <= s.end), text[line_start:line_end])
    changes = correction.changes
    low, high = changes.get("low"), changes.get("high")
    if low is None and high is None:
        try:
            quantity = read_quantity(text[start:end])
            low, high = quantity.low, quantity.high
        except ValueError:
            pass
    day = changes.get("day")
    return {"source": correction.source, "start": start, "end": end, "quantity_text": text[start:end],
            "category": changes["category"], "group": changes.get("group", "people"), "low": low, "high": high,
            "best": best_value(low, high), "unit": "people", "date": day, "date_text": "",
            "date_basis": BASIS_CORRECTED if day is not None else "no day: none given in the correction",
            "period": changes.get("period", "unknown"), "period_start": None,
            "attribution": changes.get("speaker"), "cited_outlet": None, "category_text": "",
            "sentence": sentence, "paragraph": 0, "flags": ADDED_FLAG, "claim_id": "",
            **{key: _fact(document.get(key)) for key in ("outlet", "site", "published", "title", "url")}}


def _fact(value: Any) -> Any:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _pattern(words: str) -> re.Pattern:
    """`words` as a pattern any run of spaces or line breaks between them matches, case aside."""
    return re.compile(r"\s+".join(re.escape(word) for word in words.split()), re.I)


def _find(text: str, words: str, start: int) -> int:
    found = _pattern(words).search(text, start)
    return found.start() if found else -1


def _match_end(text: str, words: str, start: int) -> int:
    found = _pattern(words).match(text, start)
    return found.end() if found else start + len(words)


# ---- on files: what `tally extract` and `tally render` run --------------------------------------------------

def correct_files(figures_path: str | Path, corrections_path: str | Path, sources: str | Path,
                  claims_path: str | Path | None = None) -> CorrectionResult:
    """Apply the corrections file to a figures file written by `extract_folder` (and rewrite the
    claims file beside it, when given): both files are replaced whole."""
    from tally.claims import claims_table
    from tally.figures import read_figures
    from tally.streaming import table_writer_for

    corrections = read_corrections(corrections_path)
    figures = read_figures(figures_path)
    added_sources = sorted({c.source for c in corrections if c.action == "add"})
    documents = documents_named(Path(sources), added_sources)
    result = apply_corrections(figures, corrections, documents.get)
    if result.rejected or result.changed or result.added:
        with table_writer_for(Path(figures_path))(Path(figures_path)) as writer:
            writer.write(result.figures)
        if claims_path is not None:
            with table_writer_for(Path(claims_path))(Path(claims_path)) as writer:
                writer.write(claims_table(result.figures))
    return result


def documents_named(folder: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """The documents-table rows of the named sources that can be read, by file name."""
    if not names:
        return {}
    from tally.sources import list_sources, read_documents

    listing = list_sources(folder)
    present = [name for name in names if name in set(listing.names)]
    rows, _ = read_documents(listing.folder, present, listing.manifest)
    return {row["source"]: row for row in rows}


def correction_lines(action: str, figure: dict[str, Any], **changes: Any) -> str:
    """The lines to add to the corrections file for one figure (a figures-table row as a dict):
    the entry's header, its source, its words and, when they appear more than once in the
    sentence, a few words of the sentence; then `changes` (a change) or a why (a rejection)."""
    lines = [f"[[{action}]]", f"source = {_toml_string(figure['source'])}",
             f"words = {_toml_string(figure['quantity_text'])}"]
    sentence = str(figure.get("sentence") or "")
    if sentence.lower().count(str(figure["quantity_text"]).lower()) > 1:
        lines.append(f"sentence = {_toml_string(sentence[:80])}")
    for key, value in changes.items():
        lines.append(f"{key} = {value if isinstance(value, int) else _toml_string(str(value))}")
    if action == "reject":
        lines.append('why = ""')
    return "\n".join(lines)


def _toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'



def apply_corrections_file(sources: Path, figures_path: Path, claims_path: Path | None,
                           path: Path | None = None) -> bool:
    """What `tally extract` does after extracting: apply `path` (by default the sources folder's
    corrections file, when it has one), say what it did on standard error, and name every
    correction that matches nothing, one line each. False when the file is broken or any
    correction matched nothing."""
    import sys

    path = path if path is not None else default_path(sources)
    if not path.is_file():
        if path != default_path(sources):  # named on the command line: it must exist
            print(f"tally: {path}: corrections file not found", file=sys.stderr)
            return False
        return True
    try:
        result = correct_files(figures_path, path, sources, claims_path)
    except CorrectionsError as error:
        print(f"tally: {error}", file=sys.stderr)
        return False
    print(result.summary(path), file=sys.stderr)
    for correction in result.unmatched:
        print(f"tally: {path}: correction matches no text: {correction.name}", file=sys.stderr)
    return not result.unmatched

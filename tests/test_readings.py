"""Reading cases as data: each file in tests/readings/ is a list of texts and the figures they must give.

A case is a whole capture (`text`), maybe with its manifest facts (`published`, `outlet`),
as tally would load it from a folder; `figures` lists what it must read (`words` must
overlap the figure's span; `category`, `low`, `high`, `date`, `attribution` (a part of the
speaker's label, or null for none), `cited_outlet`, `flags`, `period` and `period_start` are checked when given), and
`absent` words that must give no figure in the spec's categories. The sentences are written
for the tests, in the styles of the pages tally reads; none is copied from an article.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tally.categories import CATEGORIES
from tally.figures import extract_figures
from tally.sources import load_sources

READINGS = Path(__file__).with_name("readings")
CASES = [(path.stem, case) for path in sorted(READINGS.glob("*.yaml"))
         for case in yaml.safe_load(path.read_text(encoding="utf-8"))]


def _figures_of(case: dict, folder: Path) -> tuple[str, pd.DataFrame]:
    folder.mkdir()
    text = case["text"]
    (folder / "case.txt").write_text(text, encoding="utf-8")
    with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "title", "outlet", "site", "author", "published", "url"])
        writer.writerow(["case.txt", case.get("title", ""), case.get("outlet", ""), "", "",
                         case.get("published", ""), ""])
    figures = extract_figures(load_sources(folder))
    return text, figures[figures["category"].isin(CATEGORIES)]


def _overlapping(text: str, figures: pd.DataFrame, words: str, occurrence: int = 1) -> pd.DataFrame:
    position = -1
    for _ in range(occurrence):
        position = text.find(words, position + 1)
        assert position >= 0, f"the case's text has no {words!r}"
    return figures[(figures["start"] < position + len(words)) & (figures["end"] > position)]


@pytest.mark.parametrize("kind, case", CASES, ids=[f"{kind}: {case['name']}" for kind, case in CASES])
def test_reading(kind, case, tmp_path):
    text, figures = _figures_of(case, tmp_path / "sources")
    for expected in case.get("figures", []):
        found = _overlapping(text, figures, expected["words"], expected.get("occurrence", 1))
        assert len(found) >= 1, f"no figure at {expected['words']!r}; found {figures['quantity_text'].tolist()}"
        figure = found.iloc[0]
        got = {"category": figure["category"], "low": None if pd.isna(figure["low"]) else int(figure["low"]),
               "high": None if pd.isna(figure["high"]) else int(figure["high"]),
               "date": None if pd.isna(figure["date"]) else pd.Timestamp(figure["date"]).strftime("%Y-%m-%d"),
               "attribution": None if pd.isna(figure["attribution"]) else figure["attribution"],
               "cited_outlet": None if pd.isna(figure["cited_outlet"]) else figure["cited_outlet"],
               "flags": figure["flags"], "period": figure["period"],
               "period_start": None if pd.isna(figure["period_start"])
               else pd.Timestamp(figure["period_start"]).strftime("%Y-%m-%d")}
        for key in ("category", "low", "high", "date", "cited_outlet", "period", "period_start"):
            if key in expected:
                assert got[key] == expected[key], f"{expected['words']!r}: {key} {got[key]!r}, want {expected[key]!r}"
        if "attribution" in expected:
            want = expected["attribution"]
            if want is None:
                assert got["attribution"] is None, f"{expected['words']!r}: attributed to {got['attribution']!r}"
            else:
                assert got["attribution"] and want.lower() in got["attribution"].lower(), (
                    f"{expected['words']!r}: attribution {got['attribution']!r}, want {want!r}")
        if "flags" in expected:
            assert expected["flags"] in got["flags"].split(";"), f"{expected['words']!r}: flags {got['flags']!r}"
    for words in case.get("absent", []):
        found = _overlapping(text, figures, words)
        assert found.empty, f"{words!r} gave {found[['quantity_text', 'category']].to_dict('records')}"

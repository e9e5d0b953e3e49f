"""Measuring the extractor against an annotated gold table (`data/gold/seeds.csv`, `data/dev/gold.csv`).

Gold rows name a span of a source's text (its n-th occurrence). A figure
matches a gold row when it is in the same source and its [start, end) overlaps
the span; each figure matches at most one gold row, preferring the right
category. Figures in category 'other' are not scored. A gold category may list
alternatives ('killed|wounded'), and so may a gold date.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tally.categories import CATEGORIES


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    fully_right: int = 0
    dated: int = 0
    dated_right: int = 0
    attributed: int = 0
    attributed_right: int = 0
    misses: list[str] = field(default_factory=list)
    # gold rows and fully right rows per gold category (a 'killed|wounded' row counts under its first)
    gold_by_category: dict[str, int] = field(default_factory=dict)
    right_by_category: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.fully_right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.fully_right / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.dated_right / self.dated if self.dated else 1.0

    @property
    def attribution_accuracy(self) -> float:
        return self.attributed_right / self.attributed if self.attributed else 1.0

    def recall_by_category(self) -> dict[str, tuple[int, int]]:
        """For each gold category: (fully right, gold rows)."""
        return {category: (self.right_by_category.get(category, 0), total)
                for category, total in sorted(self.gold_by_category.items(), key=lambda item: -item[1])}

    def category_summary(self) -> str:
        return " ".join(f"{category}={right}/{total}" for category, (right, total) in self.recall_by_category().items())

    def summary(self) -> str:
        return (f"gold={self.gold} predicted={self.predicted} matched={self.matched} right={self.fully_right} "
                f"precision={self.precision:.3f} recall={self.recall:.3f} f1={self.f1:.3f} "
                f"date_accuracy={self.date_accuracy:.3f} (n={self.dated}) "
                f"attribution_accuracy={self.attribution_accuracy:.3f} (n={self.attributed})")


def read_gold(path: str | Path, texts: dict[str, str]) -> list[dict]:
    """Gold rows with `start` and `end` located in the source texts."""
    rows = []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = texts[row["doc"]]
            position = -1
            for _ in range(int(row.get("occurrence") or 1)):
                position = text.find(row["span"], position + 1)
                if position < 0:
                    raise ValueError(f"{path}: span not found in {row['doc']}: {row['span']!r}")
            rows.append({**row, "start": position, "end": position + len(row["span"])})
    return rows


def score_figures(figures: pd.DataFrame, gold: list[dict]) -> Score:
    """Precision, recall and per-field accuracy of `figures` against gold rows."""
    scored = figures[figures["category"].isin(CATEGORIES)].reset_index(drop=True)
    result = Score(gold=len(gold), predicted=len(scored))
    used: set[int] = set()
    by_source = {source: rows for source, rows in scored.groupby("source")}
    for row in gold:
        candidates = by_source.get(row["doc"])
        wanted = set(row["category"].split("|"))
        category = row["category"].split("|")[0]
        result.gold_by_category[category] = result.gold_by_category.get(category, 0) + 1
        options = [] if candidates is None else [
            (index, figure) for index, figure in candidates.iterrows()
            if index not in used and figure["start"] < row["end"] and row["start"] < figure["end"]]
        if not options:
            result.misses.append(f"MISSED {row['doc']}: {row['category']} {row['span']!r}")
            continue
        options.sort(key=lambda option: option[1]["category"] not in wanted)
        index, figure = options[0]
        used.add(index)
        result.matched += 1
        right_category = figure["category"] in wanted
        right_bounds = _same(figure["low"], row["low"]) and _same(figure["high"], row["high"])
        if right_category and right_bounds:
            result.fully_right += 1
            result.right_by_category[category] = result.right_by_category.get(category, 0) + 1
        else:
            result.misses.append(f"WRONG {row['doc']}: {row['span']!r} want {row['category']} "
                                 f"[{row['low']},{row['high']}] got {figure['category']} [{figure['low']},{figure['high']}]")
        if row["date"]:
            result.dated += 1
            got = "" if pd.isna(figure["date"]) else pd.Timestamp(figure["date"]).strftime("%Y-%m-%d")
            if got in row["date"].split("|"):
                result.dated_right += 1
            else:
                result.misses.append(f"DATE {row['doc']}: {row['span']!r} want {row['date']} got {got or 'none'}")
        if row["attribution"]:
            result.attributed += 1
            if _same_speaker(figure["attribution"], row["attribution"]):
                result.attributed_right += 1
            else:
                result.misses.append(f"ATTRIBUTION {row['doc']}: {row['span']!r} want {row['attribution']!r} "
                                     f"got {figure['attribution']!r}")
    for index, figure in scored.iterrows():
        if index not in used:
            result.misses.append(f"EXTRA {figure['source']}: {figure['category']} {figure['quantity_text']!r}")
    return result


def _same(value, gold_text: str) -> bool:
    gold_value = int(float(gold_text)) if gold_text.strip() else None
    return (None if pd.isna(value) else int(value)) == gold_value


def _same_speaker(predicted, gold: str) -> bool:
    """The same speaker when the gold name's last word is in the prediction, or the prediction in the gold."""
    if predicted is None or pd.isna(predicted) or not str(predicted).strip():
        return False
    predicted, gold = str(predicted).lower(), gold.lower()
    return gold.split()[-1] in predicted or predicted in gold

"""The extractor measured against the annotated seeds: printed, with a floor that only goes up."""

from __future__ import annotations

from pathlib import Path

from tally.evaluation import read_gold, score_figures
from tally.figures import extract_figures
from tally.sources import load_sources

PROJECT = Path(__file__).resolve().parents[1]
# Raise these as the extractor improves; never lower them to make a change pass.
FLOOR_F1 = 0.95
FLOOR_DATE = 0.90
FLOOR_ATTRIBUTION = 0.85


def test_seeds_score_at_or_above_the_floor(capsys):
    documents = load_sources(PROJECT / "data" / "sources")
    gold = read_gold(PROJECT / "data" / "gold" / "seeds.csv", dict(zip(documents["source"], documents["text"])))
    score = score_figures(extract_figures(documents), gold)
    with capsys.disabled():
        print("\nseeds:", score.summary())
        for miss in score.misses:
            print("  ", miss)
    assert score.f1 >= FLOOR_F1
    assert score.date_accuracy >= FLOOR_DATE
    assert score.attribution_accuracy >= FLOOR_ATTRIBUTION


def test_scorer_counts_misses_and_extras():
    documents = load_sources(PROJECT / "data" / "sources")
    texts = dict(zip(documents["source"], documents["text"]))
    gold = read_gold(PROJECT / "data" / "gold" / "seeds.csv", texts)
    figures = extract_figures(documents)
    perfect = score_figures(figures, gold)
    worse = score_figures(figures.iloc[2:].assign(category=lambda f: f["category"].where(f.index != 5, "wounded")), gold)
    assert worse.recall < perfect.recall
    assert any(m.startswith("MISSED") for m in worse.misses)

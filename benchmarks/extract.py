"""Extraction throughput on a large corpus made by varying the bundled articles.

    .venv/bin/python benchmarks/extract.py [--articles 20000] [--sources data/sources]

The corpus (see corpus.py) is built in memory, then extracted in one process at three sizes (a
quarter, a half, all) to show whether time grows linearly with the corpus.
Prints articles per second, MB of text per second and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import varied_corpus  # noqa: E402
from tally.figures import extract_figures  # noqa: E402
from tally.sources import load_sources  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--sources", type=Path, default=Path("data/sources"))
    args = parser.parse_args()

    corpus = varied_corpus(load_sources(args.sources), args.articles)
    print(f"corpus: {len(corpus):,} articles, {corpus['text'].str.len().sum() / 1e6:.1f} MB of text; "
          f"peak RSS after building it {peak_rss_mb():.0f} MB")
    print(f"{'articles':>9} {'seconds':>8} {'articles/s':>11} {'MB/s':>6} {'figures':>8} {'peak MB':>8}")
    for size in sorted({max(1, args.articles // 4), max(1, args.articles // 2), args.articles}):
        part = corpus.iloc[:size]
        megabytes = part["text"].str.len().sum() / 1e6
        started = time.perf_counter()
        figures = extract_figures(part)
        seconds = time.perf_counter() - started
        print(f"{size:>9,} {seconds:>8.1f} {size / seconds:>11.0f} {megabytes / seconds:>6.2f} "
              f"{len(figures):>8,} {peak_rss_mb():>8.0f}")


if __name__ == "__main__":
    main()

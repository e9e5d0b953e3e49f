"""Is the extractor's output unchanged? Save the figures and claims tables before a change, compare after.

    .venv/bin/python benchmarks/same_output.py save /tmp/before [--articles 3000]
    ... change the extractor ...
    .venv/bin/python benchmarks/same_output.py check /tmp/before

Three corpora: the seeds (data/sources), the development corpus (data/dev/sources) and a
varied corpus of `--articles` articles made from both (digits re-drawn, see corpus.py).
`check` compares each table column by column and prints the first rows that differ;
it exits 1 if any table differs. A speed change must leave all six tables as they were.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import varied_corpus  # noqa: E402
from tally.claims import claims_table  # noqa: E402
from tally.figures import extract_figures  # noqa: E402
from tally.sources import load_sources  # noqa: E402


def corpora(articles: int) -> dict[str, pd.DataFrame]:
    seeds = load_sources(PROJECT / "data" / "sources")
    dev = load_sources(PROJECT / "data" / "dev" / "sources")
    return {"seeds": seeds, "dev": dev,
            "varied": varied_corpus(pd.concat([seeds, dev], ignore_index=True), articles)}


def tables(documents: pd.DataFrame) -> dict[str, pd.DataFrame]:
    figures = extract_figures(documents)
    return {"figures": figures, "claims": claims_table(figures)}


def differences(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """What differs between two tables, column by column (empty: the same). Both are read back
    from Parquet, so that a missing value compares equal to a missing value."""
    if list(before.columns) != list(after.columns):
        return [f"columns differ: {list(before.columns)} vs {list(after.columns)}"]
    if len(before) != len(after):
        return [f"{len(before)} rows before, {len(after)} after"]
    found = []
    for column in before.columns:
        old, new = before[column].reset_index(drop=True), after[column].reset_index(drop=True)
        differ = ~((old == new).fillna(False) | (old.isna() & new.isna()))
        if differ.any():
            first = int(differ.idxmax())
            found.append(f"{column}: {int(differ.sum())} rows differ, first row {first}: "
                         f"{old[first]!r} -> {new[first]!r}")
    return found


def read_back(table: pd.DataFrame) -> pd.DataFrame:
    buffer = io.BytesIO()
    table.to_parquet(buffer)
    return pd.read_parquet(io.BytesIO(buffer.getvalue()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    same = True
    for corpus, documents in corpora(args.articles).items():
        for name, table in tables(documents).items():
            path = args.folder / f"{corpus}-{name}.parquet"
            if args.action == "save":
                table.to_parquet(path)
                print(f"saved {path} ({len(table):,} rows)")
                continue
            found = differences(pd.read_parquet(path), read_back(table))
            same &= not found
            print(f"{corpus} {name}: " + ("the same" if not found else "DIFFERENT\n  " + "\n  ".join(found)))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""Reports at a real corpus's scale: 1,000 articles from 100 outlets, rendered whole.

    .venv/bin/python benchmarks/reports_at_scale.py [--articles 1000] [--outlets 100] [--keep DIR]

Builds the corpus from the bundled texts and those of data/dev and data/dev2, each
with its digits re-drawn and its date shifted (`benchmarks/corpus.py`), and gives the
articles to the outlets unevenly, as news does (the first outlet about a fifth of them,
most outlets a handful: a Zipf law). Then runs `tally render --force` on it, as a
scheduler would, and prints the seconds, the number of reports (one per outlet with
at least `min_articles` articles in notebooks/reports.toml, the rest together), the
largest report and its size, and any word a person should never read ("nan", "None",
"NaT") found in a report. Target: every report at most 1 MB.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
FOLDERS = (PROJECT / "data" / "sources", PROJECT / "data" / "dev" / "sources", PROJECT / "data" / "dev2" / "sources")
MAX_BYTES = 1_000_000


def outlet_names(count: int) -> list[str]:
    """`count` outlet names, the first the most frequent."""
    return [f"Outlet {number:03d}" for number in range(1, count + 1)]


def uneven_outlets(articles: int, outlets: int) -> list[str]:
    """An outlet for each article: outlet n gets about 1/n as many as the first (every outlet at least one)."""
    names = outlet_names(outlets)
    weights = [1 / rank for rank in range(1, outlets + 1)]
    counts = [1] * outlets
    spare = articles - outlets
    total = sum(weights)
    for index, weight in enumerate(weights):
        counts[index] += int(spare * weight / total)
    counts[0] += articles - sum(counts)
    return [name for name, count in zip(names, counts) for _ in range(count)]


def build(folder: Path, articles: int, outlets: int) -> None:
    """Write the corpus into `folder`: varied texts, each given to an outlet (`uneven_outlets`)."""
    from tally.sources import read_sources

    documents = pd.concat([read_sources(path).documents for path in FOLDERS], ignore_index=True)
    write_corpus(documents, articles, folder)
    manifest = pd.read_csv(folder / "sources.csv", dtype=str, keep_default_na=False)
    manifest["outlet"] = uneven_outlets(len(manifest), outlets)
    manifest.to_csv(folder / "sources.csv", index=False)


def unreadable(page: str) -> list[str]:
    """Words a person should never read, in the page's text or its charts' data."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    found = re.findall(r"\b(?:nan|NaN|NaT|<NA>)\b", re.sub(r"<[^>]+>", " ", text))
    found += re.findall(r">\s*None\s*<", page)
    for spec in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, flags=re.S):
        found += re.findall(r'":\s*"(?:nan|NaN|None|NaT|<NA>)"', spec)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--outlets", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="build the corpus and reports here, and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        sources, out = root / "sources", root / "reports"
        build(sources, args.articles, args.outlets)
        command = [str(Path(sys.executable).with_name("tally")), "render", "--sources", str(sources),
                   "--out", str(out), "--force"] + (["--workers", str(args.workers)] if args.workers else [])
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"render failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        pages = sorted(out.glob("*.html"), key=lambda page: page.stat().st_size, reverse=True)
        largest = pages[0]
        over = [page.name for page in pages if page.stat().st_size > MAX_BYTES]
        words = {page.name: unreadable(page.read_text(encoding="utf-8")) for page in pages}
        words = {name: found for name, found in words.items() if found}
        print(f"{args.articles:,} articles from {args.outlets} outlets: {len(pages) - 1} reports and the index "
              f"in {seconds:.1f} s")
        print(f"largest report: {largest.name}, {largest.stat().st_size / 1e6:.2f} MB; "
              f"{len(over)} over {MAX_BYTES / 1e6:.0f} MB" + (f" ({', '.join(over)})" if over else ""))
        print("unreadable words: " + (", ".join(f"{name}: {found[:3]}" for name, found in words.items()) or "none"))


if __name__ == "__main__":
    main()

"""Extraction throughput as a user meets it: whole `tally extract` processes, and quantulum3 beside it.

    .venv/bin/python benchmarks/extract.py [--articles 10000] [--quantulum-sample 300] [--max-kb 12]
                                           [--templates data/sources data/dev/sources] [--work DIR]

Writes a folder of `--articles` distinct news-length articles (the bundled texts, seeds and
development corpus, of at most `--max-kb`; each copy with its digits re-drawn and its day
shifted: see corpus.py)
with its manifest, then, in one run:

- `tally extract FOLDER -o figures.parquet --workers 1`, and the same on every core, each a
  fresh process timed from outside (start-up, reading, extraction, claims, writing);
- quantulum3 (`pip install quantulum3`, a general quantity parser) on the first
  `--quantulum-sample` files of the same folder: `quantulum3.parser.parse` of each text,
  timed without its import, so the comparison favours it.

Prints articles/s and MB/s of text for each, and tally's rate on one core over quantulum3's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

QUANTULUM_RUN = """
import sys, time
from pathlib import Path
from quantulum3 import parser
texts = [Path(name).read_text(encoding="utf-8") for name in sys.argv[1:]]
parser.parse("warm-up: 3 people")
started = time.perf_counter()
found = sum(len(parser.parse(text)) for text in texts)
print(time.perf_counter() - started, found)
"""


def write_folder(folder: Path, count: int, templates: list[Path], max_kb: float) -> tuple[list[Path], float, int]:
    """The corpus's files (in manifest order), its megabytes of text and how many bundled texts it
    varies (those of news length: at most `max_kb` KB)."""
    import pandas as pd
    from corpus import write_corpus

    from tally.sources import load_sources

    documents = pd.concat([load_sources(template) for template in templates], ignore_index=True)
    documents = documents[documents["text"].str.len() <= max_kb * 1000]
    written = write_corpus(documents, count, folder)
    files = sorted(path for path in folder.iterdir() if path.name.startswith("synthetic_"))
    return files, written / 1e6, len(documents)


def timed(command: list[str]) -> tuple[float, float, str]:
    """Seconds, peak memory (MB, the largest of its processes) and last output line of one command."""
    with tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        output.seek(0)
        lines = [line for line in output.read().splitlines() if line.strip()]
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: some source had a problem (reported)
        raise SystemExit(f"{' '.join(command)} failed:\n" + "\n".join(lines[-20:]))
    return seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--quantulum-sample", type=int, default=300, help="files quantulum3 reads (0: skip it)")
    parser.add_argument("--templates", type=Path, nargs="+",
                        default=[PROJECT / "data" / "sources", PROJECT / "data" / "dev" / "sources"])
    parser.add_argument("--max-kb", type=float, default=12,
                        help="news length: bundled texts longer than this are left out (default %(default)s KB; "
                             "the development corpus has one encyclopedia page of 40 KB)")
    parser.add_argument("--work", type=Path, default=None, help="where to write the corpus (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tally-extract-") as scratch:
        work = args.work or Path(scratch)
        folder = work / f"corpus-{args.articles}"
        files, megabytes, templates = write_folder(folder, args.articles, args.templates, args.max_kb)
        print(f"corpus: {len(files):,} distinct articles from {templates} bundled texts, {megabytes:.1f} MB of text "
              f"({megabytes * 1e3 / len(files):.1f} KB an article), {os.cpu_count()} cores")
        print(f"{'run':<34} {'articles':>9} {'seconds':>8} {'articles/s':>11} {'MB/s':>6} {'peak MB':>8}")
        tally = Path(sys.executable).with_name("tally")
        rates = {}
        for label, workers in (("tally extract --workers 1", ["--workers", "1"]),
                               (f"tally extract (all {os.cpu_count()} cores)", [])):
            seconds, peak, last = timed([str(tally), "extract", str(folder), "-o", str(work / "figures.parquet"),
                                         *workers])
            rates[label] = len(files) / seconds
            print(f"{label:<34} {len(files):>9,} {seconds:>8.1f} {rates[label]:>11,.0f} {megabytes / seconds:>6.2f} "
                  f"{peak:>8,.0f}")
        print(f"  ({last})")
        if args.quantulum_sample:
            sample = files[: args.quantulum_sample]
            sample_mb = sum(path.stat().st_size for path in sample) / 1e6
            try:
                seconds, peak, last = timed([sys.executable, "-c", QUANTULUM_RUN, *map(str, sample)])
            except SystemExit as failure:
                print(f"quantulum3 not run: {str(failure).splitlines()[-1]} (pip install quantulum3)")
                return
            parse_seconds, found = last.split()
            rate = len(sample) / float(parse_seconds)
            print(f"{'quantulum3 parser.parse':<34} {len(sample):>9,} {float(parse_seconds):>8.1f} {rate:>11,.1f} "
                  f"{sample_mb / float(parse_seconds):>6.3f} {peak:>8,.0f}  ({found} quantities)")
            one_core = rates["tally extract --workers 1"]
            print(f"tally extract --workers 1 / quantulum3: {one_core / rate:,.0f}x")


if __name__ == "__main__":
    main()

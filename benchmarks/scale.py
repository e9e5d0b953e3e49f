"""Extraction at archive scale: 1k, 10k and 100k articles on disk, on one process, all cores and Dask;
then the report set rendered from a corpus of about 100,000 figures.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--engines one,all,dask]
                                         [--work /tmp/tally-scale] [--render-articles 15000]

Each corpus is a folder of varied bundled articles with a manifest (see corpus.py),
written once and kept in --work. Each run is `tally extract` as a user would run it
(a fresh process, Parquet out, claims beside it), timed from outside. Peak memory is
sampled every 0.1 s over the run's whole process tree (the command, its workers,
Dask's scheduler and nannies): the largest total, and the largest single worker. Prints one table row per corpus and engine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ENGINES = {"one": ("local", 1), "all": ("local", os.cpu_count() or 1), "dask": ("dask", os.cpu_count() or 1)}


def corpus_folder(work: Path, size: int) -> tuple[Path, float]:
    """The corpus of `size` articles (written on first use) and its megabytes of text."""
    from corpus import write_corpus

    from tally.sources import load_sources

    folder = work / f"corpus-{size}"
    marker = folder / ".complete"
    if not marker.exists():
        written = write_corpus(load_sources(PROJECT / "data" / "sources"), size, folder)
        marker.write_text(str(written))
    return folder, int(marker.read_text()) / 1e6


def extract(folder: Path, output: Path, engine: str, workers: int) -> dict:
    """Run `tally extract` and sample the memory of its process tree every 0.1 s."""
    import psutil

    command = [str(Path(sys.executable).parent / "tally"), "extract", str(folder), "-o", str(output),
               "--engine", engine, "--workers", str(workers)]
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    total_peak = single_peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            sizes = [p.memory_info().rss for p in tree]
        except psutil.Error:  # a worker ended while being read
            continue
        total_peak, single_peak = max(total_peak, sum(sizes)), max(single_peak, max(sizes[1:], default=0))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    out = process.stdout.read()
    if process.returncode not in (0, 1):
        sys.exit(f"extraction failed on {folder} ({engine}): {out[-2000:]}")
    sources = int(out.strip().splitlines()[-1].split(" sources")[0])
    return {"seconds": seconds, "sources": sources, "total_mb": total_peak / 1e6, "worker_mb": single_peak / 1e6}


def render(folder: Path, out: Path) -> dict:
    """Render the report set from `folder` (with --force) and split the time into extraction and reports."""
    from tally.reports import render as render_reports

    started = time.perf_counter()
    summary = render_reports(folder, out, report_set=PROJECT / "notebooks" / "reports.toml", force=True)
    seconds = time.perf_counter() - started
    state = json.loads((out / ".tally-render.json").read_text())
    sizes = [(out / r.spec.html_name).stat().st_size / 1e6 for r in summary.results
             if (out / r.spec.html_name).exists()]
    return {"seconds": seconds, "extract_seconds": state["facts"].get("extract_seconds", 0.0),
            "reports": len(summary.results), "failed": len(summary.failed), "largest_mb": max(sizes, default=0),
            "figures": state["facts"]["figures"], "errors": [r.error for r in summary.failed]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--engines", default="one,all,dask")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tally-scale"))
    parser.add_argument("--render-articles", type=int, default=15_000,
                        help="corpus for the report render: 15,000 articles give about 100,000 figures (0: none)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    engines = args.engines.split(",")
    args.work.mkdir(parents=True, exist_ok=True)

    print(f"{os.cpu_count()} cores; peak MB: all processes of the run together / the largest worker", flush=True)
    print(f"{'articles':>9} {'MB text':>8} {'engine':>7} {'workers':>7} {'seconds':>8} {'articles/s':>10} "
          f"{'total MB':>9} {'worker MB':>9}", flush=True)
    for size in sizes:
        folder, megabytes = corpus_folder(args.work, size)
        for name in engines:
            engine, workers = ENGINES[name]
            result = extract(folder, args.work / f"figures-{size}-{name}.parquet", engine, workers)
            # a few re-drawn articles come out the same and are left out as duplicates
            assert result["sources"] >= size * 0.999, result
            print(f"{size:>9,} {megabytes:>8.0f} {name:>7} {workers:>7} {result['seconds']:>8.1f} "
                  f"{size / result['seconds']:>10.0f} {result['total_mb']:>9.0f} {result['worker_mb']:>9.0f}",
                  flush=True)
    if args.render_articles:
        folder, _ = corpus_folder(args.work, args.render_articles)
        result = render(folder, args.work / f"reports-{args.render_articles}")
        print(f"\nreport set on {args.render_articles:,} articles ({result['figures']:,} figures): {result['reports']} reports, "
              f"{result['failed']} failed, {result['seconds']:.1f} s in all, of which extraction "
              f"{result['extract_seconds']:.1f} s and reports {result['seconds'] - result['extract_seconds']:.1f} s; "
              f"largest report {result['largest_mb']:.2f} MB", flush=True)
        for error in result["errors"]:
            print(f"  failed: {error}")


if __name__ == "__main__":
    main()

"""Where one core's time goes in `tally extract`: the stages of a chunk, and the run's own bookkeeping.

    .venv/bin/python benchmarks/stages.py [--articles 10000] [--chunk 1000] [--repeats 3] [--work DIR]

Writes (or, with `--work` holding one already, reuses) the folder of varied articles that
benchmarks/extract.py writes, then, in this process, on one core:

- the stages of `streaming.extract_chunk` on the folder's first `--chunk` articles, timed
  one by one, `--repeats` times (after a warm-up chunk): reading the files and finding their
  bodies, the documents table, the figure stage, the figures table; seconds per 1,000
  articles, the best and the slowest of the repeats;
- one whole `streaming.extract_folder` run over the folder (what `tally extract --workers 1`
  does, without the process start), with timers around its parts: listing the folder, the
  chunks' extraction, linking claims, storing figures for the claims table, writing the
  figures, and the rest (chiefly the claims table, written at the end).

The timers are plain wrappers around the functions named; they add about a microsecond a call.
The time a fresh process takes to import tally is printed too.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract import write_folder  # noqa: E402

from tally import claims, streaming  # noqa: E402
from tally import figures as figure_stage  # noqa: E402
from tally.sources import MAX_SOURCE_BYTES, documents_frame, list_sources, read_documents  # noqa: E402


def chunk_stages(folder: Path, names: list[str], manifest: dict) -> dict[str, float]:
    """Seconds of each stage of one chunk, as `streaming.extract_chunk` runs them."""
    spent: dict[str, float] = {}
    started = time.perf_counter()
    rows, _ = read_documents(folder, names, manifest, MAX_SOURCE_BYTES)
    spent["reading the files and finding their bodies"] = time.perf_counter() - started
    started = time.perf_counter()
    documents = documents_frame(rows).to_dict("records")
    spent["documents table"] = time.perf_counter() - started
    started = time.perf_counter()
    found: list[dict[str, Any]] = []
    for document in documents:
        found.extend(figure_stage.figures_in_document(document))
    spent["figure stage"] = time.perf_counter() - started
    started = time.perf_counter()
    figure_stage.figures_frame(found)
    spent["figures table"] = time.perf_counter() - started
    return spent


class Timers:
    """Seconds spent in each wrapped function, by label."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        function = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[label] += time.perf_counter() - started

        self._undo.append((owner, name, function))
        setattr(owner, name, timed)

    def undo(self) -> None:
        for owner, name, function in reversed(self._undo):
            setattr(owner, name, function)


def whole_run(folder: Path, output: Path) -> tuple[float, dict[str, float]]:
    """Seconds of one `extract_folder` run on one worker, and of its parts."""
    timers = Timers()
    parts: list[tuple[Any, str, str]] = [
        (streaming, "list_sources", "listing the folder"),
        (streaming, "extract_chunk", "extracting the chunks"),
        (claims.ClaimLinker, "link", "linking claims"),
        (claims.ArchiveClaims, "add_figures", "storing figures for the claims table"),
        (streaming.ParquetTableWriter, "write", "writing tables (figures, then claims)"),
    ]
    for owner, name, label in parts:
        timers.wrap(owner, name, label)
    try:
        started = time.perf_counter()
        streaming.extract_folder(folder, output, workers=1, claims_output=output.with_name("claims.parquet"))
        seconds = time.perf_counter() - started
    finally:
        timers.undo()
    return seconds, dict(timers.spent)


def import_seconds() -> float:
    """Seconds a fresh process takes to import what `tally extract` needs."""
    code = "import time; t = time.perf_counter(); import tally.cli, tally.streaming; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(PROJECT / "lib")})
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=1_000, help="articles timed stage by stage")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-kb", type=float, default=12)
    parser.add_argument("--work", type=Path, default=Path("/tmp/tally-stages"))
    arguments = parser.parse_args()

    folder = arguments.work / f"corpus-{arguments.articles}"
    if not (folder / "sources.csv").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        write_folder(folder, arguments.articles, [PROJECT / "data" / "sources", PROJECT / "data" / "dev" / "sources"],
                     arguments.max_kb)
    listing = list_sources(folder)
    names = list(listing.names)
    chunk = names[: arguments.chunk]
    manifest = {name: listing.manifest[name] for name in names if name in listing.manifest}
    print(f"corpus: {len(names):,} articles in {folder}")

    chunk_stages(folder, names[-100:], manifest)  # warm-up: caches, pandera's first checks
    runs = [chunk_stages(folder, chunk, manifest) for _ in range(arguments.repeats)]
    per_thousand = 1_000 / len(chunk)
    print(f"\nstages of a chunk of {len(chunk):,} articles, seconds per 1,000 articles "
          f"(best and slowest of {arguments.repeats}):")
    for stage in runs[0]:
        times = [run[stage] * per_thousand for run in runs]
        print(f"  {stage:<45} {min(times):6.3f} {max(times):6.3f}")
    totals = [sum(run.values()) * per_thousand for run in runs]
    print(f"  {'in all':<45} {min(totals):6.3f} {max(totals):6.3f}")

    seconds, parts = whole_run(folder, arguments.work / "figures.parquet")
    print(f"\none run over all {len(names):,} articles on one worker: {seconds:.1f} s "
          f"({len(names) / seconds:.0f} articles/s without the process start)")
    for label, spent in parts.items():
        print(f"  {label:<45} {spent:6.2f} s")
    # The parts do not overlap (a chunk's claims are linked after its extraction, before its figures
    # are written): what they leave is the claims table's reading out of SQLite and the bookkeeping.
    rest = seconds - sum(parts.values())
    print(f"  {'the rest (claims table read, bookkeeping)':<45} {rest:6.2f} s")
    print(f"\nimporting tally in a fresh process: {import_seconds():.2f} s")


if __name__ == "__main__":
    main()

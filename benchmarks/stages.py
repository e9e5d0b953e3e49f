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

Then two bounds on what tuning the rules could still give, on one core:

- the whole run with its figure stage taken out (the rules' reading; what is left is reading
  the files, the tables, claims and writing): the rate a run would reach if the rules cost
  nothing;
- with `--regex-share` (needs py-spy, `pip install py-spy`, and the right to trace a child
  process): the share of the figure stage spent inside Python's regular-expression engine,
  sampled with `py-spy record --native`, and the rate a run would reach if every search cost
  nothing (the most a rewrite around one scanner per paragraph could give).
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
        (figure_stage, "figures_in_document", "  of which the figure stage"),
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
    return seconds, {label: timers.spent.get(label, 0.0) for _, _, label in parts}  # in the order above


SPY_CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from tally import figures
from tally.sources import MAX_SOURCE_BYTES, documents_frame, list_sources, read_documents
folder = Path(sys.argv[2])
listing = list_sources(folder)
names = list(listing.names)[: int(sys.argv[3])]
rows, _ = read_documents(folder, names, listing.manifest, MAX_SOURCE_BYTES)
documents = documents_frame(rows).to_dict("records")
for _ in range(3):
    for document in documents:
        figures.figures_in_document(document)
"""


def regex_share(folder: Path, articles: int) -> float | None:
    """The share of the figure stage's samples (py-spy, native frames) that stand inside the
    regular-expression engine; None where py-spy is missing or may not trace."""
    import shutil
    import tempfile

    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        return None
    with tempfile.TemporaryDirectory() as work:
        raw = Path(work) / "samples.txt"
        done = subprocess.run([spy, "record", "--native", "--rate", "200", "--format", "raw", "--output", str(raw),
                               "--", sys.executable, "-c", SPY_CHILD, str(PROJECT / "lib"), str(folder),
                               str(articles)], capture_output=True, text=True)
        if done.returncode != 0 or not raw.is_file():
            return None
        stage = engine = 0
        for line in raw.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if "figures_in_document" not in stack:
                continue
            stage += int(count)
            # the C functions of Python's `_sre` module: sre_ucs1_match, sre_search, _sre_SRE_Pattern_finditer...
            engine += int(count) if "sre" in stack.lower() else 0
    return engine / stage if stage else None


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
    parser.add_argument("--regex-share", action="store_true",
                        help="sample the figure stage with py-spy for the regular-expression engine's share")
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
    rest = seconds - sum(spent for label, spent in parts.items() if not label.startswith(" "))
    print(f"  {'the rest (claims table read, bookkeeping)':<45} {rest:6.2f} s")
    starting = import_seconds()
    print(f"\nimporting tally in a fresh process: {starting:.2f} s")

    figure_seconds = parts["  of which the figure stage"]
    without_rules = seconds - figure_seconds + starting
    print(f"\nbounds on one core, process start included ({seconds + starting:.1f} s, "
          f"{len(names) / (seconds + starting):.0f} articles/s now):")
    print(f"  with a figure stage that cost nothing: {without_rules:.1f} s, "
          f"{len(names) / without_rules:.0f} articles/s")
    if arguments.regex_share:
        share = regex_share(folder, arguments.chunk)
        if share is None:
            print("  (no py-spy, or it may not trace here: the regular-expression share is not measured)")
        else:
            without_searches = seconds + starting - share * figure_seconds
            print(f"  the figure stage's time inside the regular-expression engine: {share:.0%} (py-spy --native)")
            print(f"  with searches that cost nothing: {without_searches:.1f} s, "
                  f"{len(names) / without_searches:.0f} articles/s")


if __name__ == "__main__":
    main()

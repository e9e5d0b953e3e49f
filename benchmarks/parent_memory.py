"""How the memory of an archive run's own process evolves, chunk by chunk.

    .venv/bin/python benchmarks/parent_memory.py FOLDER [--workers 2] [--every 20000]

Runs `extract_folder` on FOLDER (for instance a corpus written by scale.py, such as
/tmp/tally-scale/corpus-100000) with the workers extracting, and prints this
process's resident memory every `--every` sources, then its peak after the claims
table is written. The workers' memory is not counted: this is the part that must
not grow with the archive (the parent lists, links claims and writes).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

from tally.streaming import extract_folder  # noqa: E402


def resident_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=20_000, help="print after this many sources")
    args = parser.parse_args()

    print(f"start: {resident_mb():.0f} MB", flush=True)
    done = 0
    next_report = args.every

    def progress(total: int):
        def advance(count: int) -> None:
            nonlocal done, next_report
            done += count
            if done >= next_report or done == total:
                print(f"{done:>9,} sources: {resident_mb():.0f} MB now, peak {peak_mb():.0f} MB", flush=True)
                next_report += args.every
        return advance

    with tempfile.TemporaryDirectory() as scratch:
        summary = extract_folder(args.folder, Path(scratch) / "figures.parquet", workers=args.workers,
                                 claims_output=Path(scratch) / "claims.parquet", progress=progress)
    print(f"{summary.sources:,} sources, {summary.figures:,} figures, {summary.claims:,} claims, "
          f"{summary.problem_count:,} problems in {summary.seconds:.1f} s; "
          f"end: {resident_mb():.0f} MB now, peak {peak_mb():.0f} MB", flush=True)


if __name__ == "__main__":
    main()

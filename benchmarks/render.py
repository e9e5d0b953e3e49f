"""Seconds to render the whole report set, and a rerun with nothing changed.

    .venv/bin/python benchmarks/render.py [--sources data/sources] [--workers N]

Runs `tally render --force` into a fresh folder (the whole set), then `tally render`
again (nothing changed), each as the command a scheduler would run, and prints the
seconds of each, the number of reports and the largest report's size.
Targets: whole set <= 15 s on 2 cores, no-op rerun < 1 s, each report <= 1.5 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=Path("data/sources"))
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    tally = str(Path(sys.executable).with_name("tally"))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "reports"
        command = [tally, "render", "--sources", str(args.sources), "--out", str(out)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        whole = timed([*command, "--force"])
        noop = timed(command)
        sizes = {p.name: p.stat().st_size for p in out.glob("*.html") if p.name != "index.html"}
    largest = max(sizes, key=sizes.get)
    print(f"cores: {os.cpu_count()}, reports: {len(sizes)}")
    print(f"whole set (--force):   {whole:6.1f} s  ({whole / len(sizes):.1f} s per report)")
    print(f"no-op rerun:           {noop:6.2f} s")
    print(f"largest report:        {sizes[largest] / 1e6:6.2f} MB ({largest}); "
          f"smallest {min(sizes.values()) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()

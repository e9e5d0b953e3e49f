"""Collecting a web archive: records per second and peak memory for `tally collect --warc`.

Writes a WARC.gz of `--records` HTML response records (news-length pages made from the
bundled articles, each with its digits re-drawn and its own URL, so no two are duplicates),
then collects it into an empty sources folder in a child process and prints what it took.

    .venv/bin/python benchmarks/collect_warc.py --records 10000
"""

from __future__ import annotations

import argparse
import html
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def write_archive(path: Path, records: int, seed: int = 7) -> int:
    """Write `records` response records; return the archive's size in bytes."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    sys.path.insert(0, str(PROJECT / "lib"))
    from tally.sources import load_sources

    documents = load_sources(PROJECT / "data" / "sources").to_dict("records")
    generator = random.Random(seed)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number in range(records):
            document = documents[number % len(documents)]
            text = re.sub(r"\d", lambda _: str(generator.randint(1, 9)), document["text"])
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
            day = document["published"].strftime("%Y-%m-%d")
            page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(document['title'] or '')}"
                    f" {number}</title><meta property='article:published_time' content='{day}'>"
                    f"<meta property='og:site_name' content='{html.escape(document['outlet'] or '')}'></head>"
                    f"<body><article>{paragraphs}</article></body></html>")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://example.org/story/{number}", "response",
                                                          payload=io.BytesIO(page.encode()), http_headers=headers))
    return path.stat().st_size


def run_child(command: list[str]) -> tuple[float, float, str, int]:
    """Run one command; its seconds, the peak memory (MB) of its largest process (wait4's own
    figure for that child and the workers it waited for), its last line of output, its exit."""
    with tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        lines = [line for line in output.read().splitlines() if line.strip()]
    return seconds, usage.ru_maxrss / 1024, lines[-1] if lines else "", child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--workers", default="1,all", help="worker counts to run, comma-separated ('all': every core)")
    parser.add_argument("--engine", default="local", choices=("local", "dask"))
    parser.add_argument("--extract", action="store_true", help="then extract the collected folder (tally extract)")
    args = parser.parse_args()
    tally = Path(sys.executable).with_name("tally")
    with tempfile.TemporaryDirectory(prefix="tally-warc-") as scratch:
        archive = Path(scratch) / "archive.warc.gz"
        size = write_archive(archive, args.records)
        print(f"archive: {args.records:,} records, {size / 1e6:.1f} MB gzipped; engine {args.engine}")
        print(f"{'workers':>8} {'seconds':>8} {'records/s':>10} {'peak MB':>8}  result")
        for workers in args.workers.split(","):
            folder = Path(scratch) / f"sources-{workers}"
            command = [str(tally), "collect", "--into", str(folder), "--warc", str(archive), "--engine", args.engine]
            if workers != "all":
                command += ["--workers", workers]
            seconds, peak_mb, last, status = run_child(command)
            print(f"{workers:>8} {seconds:>8.1f} {args.records / seconds:>10,.0f} {peak_mb:>8,.0f}  {last} (exit {status})")
        if args.extract:
            seconds, peak_mb, last, status = run_child([str(tally), "extract", str(folder), "-o",
                                                        str(Path(scratch) / "figures.parquet")])
            print(f"extract: {seconds:.1f} s, {args.records / seconds:,.0f} articles/s, peak {peak_mb:,.0f} MB; "
                  f"{last} (exit {status})")


if __name__ == "__main__":
    main()

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
import random
import re
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tally-warc-") as scratch:
        archive = Path(scratch) / "archive.warc.gz"
        size = write_archive(archive, args.records)
        print(f"archive: {args.records:,} records, {size / 1e6:.1f} MB gzipped")
        tally = Path(sys.executable).with_name("tally")
        started = time.perf_counter()
        done = subprocess.run([str(tally), "collect", "--into", str(Path(scratch) / "sources"), "--warc", str(archive)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:])
        print(f"collect: {seconds:.1f} s, {args.records / seconds:,.0f} records/s, peak memory {peak_mb:,.0f} MB "
              f"(exit {done.returncode})")


if __name__ == "__main__":
    main()

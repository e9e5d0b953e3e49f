"""Stage 0: collecting articles from a real HTTP server on 127.0.0.1, a WARC written here with
warcio, and JSON Lines and CSV exports; every failure is reported for its item and the rest goes on.
The pages are written for the tests (invented places and numbers)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tally.collect import Fetcher, collect
from tally.figures import extract_figures
from tally.sources import load_sources


def page(title: str, day: str, body: str, site: str = "Example Wire", canonical: str | None = None) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{day}T09:00:00Z"><meta name="author" content="Ann Example">
{link}</head><body><article><h1>{title}</h1>
<p>{body}</p>
<p>Aid workers at the crossing said buses were waiting for more families, and that the road out of the
old town was open again after a night of shelling near the harbour.</p>
<p>The regional council said it would publish new numbers on the following day, once the buses had
arrived at the camps outside the city.</p></article></body></html>"""


PAGES = {
    "/news/port-exodus": page("Thousands flee Example Port", "2022-04-19",
                              "On Tuesday, about 3,000 people fled Example Port, the regional governor said."),
    "/news/ridge-clashes": page("Clashes on Example Ridge", "2022-04-20",
                                "At least 41 fighters were killed on Wednesday in clashes on the ridge, "
                                "the monitor said."),
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802 (the http.server name)
        path = self.path.split("?")[0]
        self.server.seen.append((path, self.headers.get("User-Agent")))
        if path in PAGES:
            return self._send(200, PAGES[path].encode(), "text/html; charset=utf-8")
        if path == "/feed.xml":
            host = f"http://127.0.0.1:{self.server.server_port}"
            items = "".join(f"<item><title>{title}</title><link>{host}{link}</link><pubDate>{day}</pubDate></item>"
                            for link, title, day in [("/news/port-exodus", "Thousands flee Example Port",
                                                      "Tue, 19 Apr 2022 09:00:00 GMT"),
                                                     ("/news/ridge-clashes", "Clashes on Example Ridge",
                                                      "Wed, 20 Apr 2022 09:00:00 GMT")])
            rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Example Wire</title>{items}</channel></rss>'
            return self._send(200, rss.encode(), "application/rss+xml")
        if path == "/error":
            return self._send(500, b"boom", "text/plain")
        if path == "/slow":
            time.sleep(3)
            return self._send(200, PAGES["/news/port-exodus"].encode(), "text/html")
        if path.startswith("/paced/"):  # an article that takes a while, for interrupting a run
            time.sleep(0.4)
            number = path.rsplit("/", 1)[1]
            return self._send(200, page(f"Paced story {number}", "2022-04-22",
                                        f"On Friday, {number}0 people were evacuated, officials said.").encode(),
                              "text/html; charset=utf-8")
        if path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return None
        if path == "/huge":
            return self._send(200, b"<html>" + b"x" * 300_000 + b"</html>", "text/html")
        if path == "/binary":
            return self._send(200, b"\x00\x01\x02PK\x03\x04" * 100, "application/octet-stream")
        if path == "/badenc":
            return self._send(200, b"<html><p>caf\xe9 \xff\xfe</p></html>", "text/html; charset=utf-8")
        return self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", httpd
    httpd.shutdown()


def fetcher() -> Fetcher:
    return Fetcher(timeout=1.0, delay=0.0, max_bytes=100_000, retries=1)


def manifest(folder: Path) -> list[dict]:
    with (folder / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def figures_of(folder: Path) -> list[tuple]:
    figures = extract_figures(load_sources(folder))
    return sorted((row.quantity_text, row.category, row.low, row.high, str(row.date)[:10], row.outlet)
                  for row in figures.itertuples())


def test_pages_from_a_list_of_urls_with_every_failure_reported_for_its_address(server, tmp_path):
    base, httpd = server
    failing = ["/missing", "/error", "/slow", "/loop", "/huge", "/binary", "/badenc"]
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(f"{base}{path}" for path in [*PAGES, *failing]) + "\n", encoding="utf-8")
    folder = tmp_path / "sources"
    result = collect(folder, urls=[urls], fetcher=fetcher())
    assert len(result.added) == 2
    said = {problem.source.removeprefix(base): problem.message for problem in result.problems}
    assert said["/missing"] == "HTTP 404 Not Found"
    assert said["/error"] == "HTTP 500 Internal Server Error"
    assert said["/slow"].startswith("timed out")
    assert "redirect" in said["/loop"]
    assert said["/huge"].startswith("too large")
    assert "not a page" in said["/binary"]
    assert said["/badenc"].startswith("bad encoding")
    rows = manifest(folder)
    assert {row["title"] for row in rows} == {"Thousands flee Example Port", "Clashes on Example Ridge"}
    assert {row["published"] for row in rows} == {"2022-04-19", "2022-04-20"}
    assert {row["published_from"] for row in rows} == {"page metadata (trafilatura)"}
    assert {row["outlet"] for row in rows} == {"Example Wire"}
    assert all(agent.startswith("tally/") for _, agent in httpd.seen)
    figures = figures_of(folder)
    assert ("about 3,000 people", "evacuated", 3000, 3000, "2022-04-19", "Example Wire") in figures

    again = collect(folder, urls=[urls], fetcher=fetcher())  # a second run adds nothing, rewrites nothing
    assert again.added == [] and manifest(folder) == rows


def test_a_feed_brings_only_new_items_with_the_feeds_day(server, tmp_path):
    base, _ = server
    folder = tmp_path / "sources"
    first = collect(folder, feeds=[f"{base}/feed.xml"], fetcher=fetcher())
    assert len(first.added) == 2 and not [p for p in first.problems if p.severity == "error"]
    assert {row["published_from"] for row in manifest(folder)} == {"feed item 'published'"}
    assert {row["collected_from"] for row in manifest(folder)} == {f"feed {base}/feed.xml"}
    assert collect(folder, feeds=[f"{base}/feed.xml"], fetcher=fetcher()).added == []
    broken = collect(folder, feeds=[f"{base}/missing"], fetcher=fetcher())
    assert [str(p) for p in broken.problems] == [f"{base}/missing: error: feed: HTTP 404 Not Found"]


def write_warc(path: Path, records: list[tuple[str, bytes]], cut_last: int = 0) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    if cut_last:  # a download or copy that stopped early: the last record is cut off
        data = path.read_bytes()
        path.write_bytes(data[:-cut_last])


def test_the_same_articles_by_url_warc_and_export_give_the_same_figures(server, tmp_path):
    base, _ = server
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(f"{base}{path}" for path in PAGES), encoding="utf-8")
    by_url = tmp_path / "by-url"
    collect(by_url, urls=[urls], fetcher=fetcher())

    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [(f"{base}{path}", html.encode()) for path, html in PAGES.items()])
    by_warc = tmp_path / "by-warc"
    assert len(collect(by_warc, warcs=[warc]).added) == 2

    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps({"url": f"{base}{path}", "html": html}) + "\n"
                              for path, html in PAGES.items()), encoding="utf-8")
    by_export = tmp_path / "by-export"
    assert len(collect(by_export, exports=[export]).added) == 2

    figures = figures_of(by_url)
    assert figures and figures == figures_of(by_warc) == figures_of(by_export)


def test_a_broken_warc_record_is_reported_and_the_records_before_it_are_kept(tmp_path):
    warc = tmp_path / "damaged.warc.gz"
    write_warc(warc, [(f"http://example.org{path}", html.encode()) for path, html in PAGES.items()], cut_last=300)
    result = collect(tmp_path / "sources", warcs=[warc])
    assert len(result.added) == 1
    assert any("damaged.warc.gz" in p.source and "broken" in p.message for p in result.problems)


def test_a_web_archive_read_on_workers_files_the_same_articles_in_the_same_order(tmp_path):
    # Five records: four stories, one of them again at a second address (same words: one source).
    # Read one page a task on two local processes, and on a Dask cluster, the folder must be the
    # one an in-process run makes, row for row.
    bodies = [f"On Monday, {count} people left Example Port, the governor said." for count in (120, 340, 560, 780)]
    records = [(f"http://example.org/story/{n}", page(f"Story {n}", "2022-04-19", body).encode())
               for n, body in enumerate(bodies)]
    records.insert(2, ("http://mirror.example.net/copy/1", records[1][1]))
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, records)

    def rows(folder: Path) -> list[dict]:
        return [{key: value for key, value in row.items() if key != "collected_from"} for row in manifest(folder)]

    alone = collect(tmp_path / "alone", warcs=[warc], workers=1)
    assert (len(alone.added), alone.skipped) == (4, 1)
    on_processes = collect(tmp_path / "processes", warcs=[warc], workers=2, chunk_size=1)
    assert (on_processes.added, on_processes.skipped) == (alone.added, alone.skipped)
    on_dask = collect(tmp_path / "dask", warcs=[warc], engine="dask", workers=2, chunk_size=2)
    assert (on_dask.added, on_dask.skipped) == (alone.added, alone.skipped)
    assert rows(tmp_path / "alone") == rows(tmp_path / "processes") == rows(tmp_path / "dask")
    assert [row["published"] for row in rows(tmp_path / "alone")] == ["2022-04-19"] * 4


def test_a_csv_export_with_its_own_column_names_through_the_command(tmp_path):
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["link", "headline", "seendate", "media_name", "story_body"])
        writer.writerow(["http://example.org/a", "Example Port update", "2022-04-21", "Example Daily",
                         "Example Port update\n\nOn Thursday, 1,200 residents were evacuated from the old town, "
                         "officials said."])
        writer.writerow(["http://example.org/b", "No text here", "yesterday-ish", "Example Daily", ""])
    folder = tmp_path / "sources"
    command = [sys.executable, "-m", "tally.cli", "collect", "--into", str(folder), "--export", str(export),
               "--column", "text=story_body"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # one row had no text: an error for that row, the other collected
    assert "export.csv line 3: error: has no text or HTML column" in done.stderr
    assert "1 new, 0 already there, 1 refused (2 items)" in done.stdout
    rows = manifest(folder)
    assert [(r["outlet"], r["published"], r["published_from"]) for r in rows] == [
        ("Example Daily", "2022-04-21", "export column 'seendate'")]
    assert ("1,200 residents", "evacuated", 1200, 1200, "2022-04-21", "Example Daily") in figures_of(folder)
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "0 new, 1 already there, 1 refused (2 items)" in again.stdout and manifest(folder) == rows


def test_a_killed_collect_leaves_a_valid_folder_and_the_next_run_resumes(server, tmp_path):
    base, _ = server
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(f"{base}/paced/{n}" for n in range(1, 21)), encoding="utf-8")
    folder = tmp_path / "sources"
    command = [sys.executable, "-m", "tally.cli", "collect", "--into", str(folder), "--urls", str(urls),
               "--delay", "0"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(manifest(folder) if (folder / "sources.csv").exists() else []) < 3:
        time.sleep(0.1)
    run.kill()
    run.wait()
    first = manifest(folder)
    assert 3 <= len(first) < 20
    batch_problems = [p for p in __import__("tally.sources", fromlist=["read_sources"]).read_sources(folder).problems
                      if p.severity == "error"]
    assert batch_problems == []  # every row names a file that is there, and reads
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = manifest(folder)
    assert rows[: len(first)] == first  # nothing collected is rewritten
    assert len(rows) == 20 and len({row["url"] for row in rows}) == 20


def test_a_second_update_refuses_while_one_runs_and_waits_when_asked(tmp_path):
    from tally.update import EXIT_BUSY, update_lock
    from tally.workspace import Workspace

    workspace = tmp_path / "corpus"
    assert subprocess.run([sys.executable, "-m", "tally.cli", "init", str(workspace)], capture_output=True).returncode == 0
    one_report = tmp_path / "reports.toml"  # one report keeps the test short; the job is the same
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "source_audit.ipynb"
    one_report.write_text(f'[[report]]\nname = "audit"\nnotebook = "{notebook}"\ntitle = "Audit"\n',
                          encoding="utf-8")
    command = [sys.executable, "-m", "tally.cli", "update", "-w", str(workspace), "--report-set", str(one_report)]
    with update_lock(Workspace.at(workspace).lock, name=str(workspace)):
        busy = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert busy.returncode == EXIT_BUSY
        assert f"another tally update is running on {workspace} (pid " in busy.stderr
        waiting = subprocess.Popen([*command, "--wait", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(1.5)
        assert waiting.poll() is None  # it waits for the lock ...
    out, err = waiting.communicate(timeout=300)  # ... and runs once it is free
    assert waiting.returncode in (0, 1), err
    assert "tally update:" in out
    assert len((workspace / "update.log").read_text(encoding="utf-8").splitlines()) == 1

    # Nothing new: the run extracts and renders nothing, and does not even import pandas (that import
    # is most of a second, which a job run every few minutes should not pay for nothing).
    again = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert '"figures": "unchanged"' in again.stdout and "unchanged" in again.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time")}
    assert "tally.update" in imported and "pandas" not in imported

"""Stage 0: where analysts get articles -> a sources folder that `tally.sources` reads.

`collect` brings articles in from a file of URLs, RSS/Atom feeds, web archives (WARC)
and news-database exports (JSON Lines or CSV), and files each one in a sources folder
with its manifest row (`sources.csv`): outlet, site, author, published, title, url, and
where the publication day came from (`published_from`) and how the article came in
(`collected_from`). Each kind of input is read with the library made for it: httpx
(pages and feeds over HTTP, with timeouts, retries and a per-host delay), feedparser
(feeds), warcio (WARC records, streamed), trafilatura (a page's own metadata).

Collecting is idempotent and safe: an article whose URL or text is already in the
folder is skipped; each article's file is written beside its name and renamed into
place, and its manifest row is appended and flushed only after, so an interrupted
run leaves a valid folder and the next run goes on where it stopped; nothing already
collected is rewritten. What goes wrong with one item (a 404, a slow or huge response,
a redirect loop, a binary body, bad encoding, a broken WARC record or export row) is
reported for that item and the rest goes on.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tally.files import MANIFEST_NAME, write_atomically
from tally.ondisk import DiskDict
from tally.problems import Problem

USER_AGENT = "tally/0.1 (news-figures collector for research; python-httpx)"
MANIFEST_COLUMNS = ("file", "title", "outlet", "site", "author", "published", "url", "published_from",
                    "collected_from", "content_sha1")
MAX_RESPONSE_BYTES = 5_000_000
ROWS_PER_SYNC = 50  # manifest rows between forced writes to disk
PAGES_PER_CHUNK = 50  # pages a worker reads at a time (about 0.3 s of trafilatura)
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = HTML_TYPES + ("text/plain",)
# Column names news-database exports use for each field (GDELT, Media Cloud, common CSV/JSONL dumps).
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "article_url", "documentidentifier", "uri"),
    "title": ("title", "headline", "name"),
    "published": ("published", "date", "publish_date", "publication_date", "pubdate", "seendate", "datetime",
                  "published_at", "date_published"),
    "outlet": ("outlet", "media_name", "source", "publisher", "source_name", "sourcecommonname", "media"),
    "site": ("site", "domain", "media_url", "source_domain"),
    "author": ("author", "authors", "byline"),
    "html": ("html", "raw_html", "content_html", "page_html"),
    "text": ("text", "content", "body", "article_text", "full_text", "maintext"),
}


@dataclass
class Article:
    """One article as it came in: its page (HTML) or text, and the metadata its origin gave."""

    origin: str  # how it came in: "url", "feed <address>", "warc <file>", "export <file>"
    url: str | None = None
    html: str | None = None
    text: str | None = None
    title: str | None = None
    outlet: str | None = None
    site: str | None = None
    author: str | None = None
    published: date | None = None
    published_from: str | None = None  # which field gave the day: "feed entry 'published'", "page metadata", ...
    content_sha1: str | None = None  # hash of its words, once read (`read_article`)


@dataclass
class CollectResult:
    """What a collect run did: files added, items skipped as already collected, problems."""

    added: list[str] = field(default_factory=list)
    skipped: int = 0  # already in the folder: its address or its words
    problems: list[Problem] = field(default_factory=list)

    @property
    def already_there(self) -> int:
        return self.skipped

    @property
    def refused(self) -> int:
        """Items not collected, each named by an error among the problems."""
        return sum(problem.severity == "error" for problem in self.problems)

    @property
    def warnings(self) -> int:
        return sum(problem.severity == "warning" for problem in self.problems)

    def counts(self) -> str:
        """The run in one line: what was new, already there and refused, and the warnings."""
        return (f"{len(self.added)} new, {self.already_there} already there, {self.refused} refused "
                f"({len(self.added) + self.already_there + self.refused} items); {self.warnings} warnings "
                f"about items collected")


class SourcesFolder:
    """A sources folder being added to: knows every URL and text hash already in it, writes each new
    article's file atomically, then appends and flushes its manifest row (never rewriting one)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.manifest = self.folder / MANIFEST_NAME
        # What grows with the folder (its URLs and text hashes) is kept on disk, as extraction does.
        self.urls = DiskDict()
        self.hashes = DiskDict()
        self.columns: list[str] = list(MANIFEST_COLUMNS)
        self._handle: Any = None
        self._writer: Any = None
        self._unsynced = 0
        self.already = 0  # items passed over because their address is in the folder
        if self.manifest.is_file():
            self._read_manifest()

    def _read_manifest(self) -> None:
        with self.manifest.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            self.columns = list(reader.fieldnames or MANIFEST_COLUMNS)
            for row in reader:
                if row.get("url"):
                    self.urls[normal_url(row["url"])] = True
                if row.get("content_sha1"):
                    self.hashes[row["content_sha1"]] = True
        if not self.manifest.read_bytes().endswith(b"\n"):  # a row cut by a killed run: end it as a line
            with self.manifest.open("a", encoding="utf-8", newline="") as handle:
                handle.write("\r\n")

    def close(self) -> None:
        self.sync()
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.urls.close()
        self.hashes.close()

    def has_url(self, article: Article) -> bool:
        """Whether the article's address is already in the folder (known before its page is read)."""
        return bool(article.url) and normal_url(article.url) in self.urls

    def known_url(self, article: Article) -> bool:
        """`has_url`, counting the article as already there when it is."""
        known = self.has_url(article)
        self.already += known
        return known

    def has(self, article: Article) -> bool:
        """Whether the article's address or its words are already in the folder."""
        return self.has_url(article) or content_hash(article) in self.hashes

    def add(self, article: Article) -> str | None:
        """File one article; None when its URL or text is already in the folder."""
        if self.has(article):
            return None
        digest = content_hash(article)
        suffix = ".html" if article.html is not None else ".txt"
        name = f"{_slug(article)}-{digest[:10]}{suffix}"
        path = self.folder / name
        if not path.exists():  # a file a killed run wrote before its row: keep it, add the row
            write_atomically(path, article.html if article.html is not None else article.text or "")
        row = {"file": name, "title": article.title, "outlet": article.outlet, "site": article.site,
               "author": article.author, "published": article.published.isoformat() if article.published else None,
               "url": article.url, "published_from": article.published_from, "collected_from": article.origin,
               "content_sha1": digest}
        self._append(row)
        self.hashes[digest] = True
        if article.url:
            self.urls[normal_url(article.url)] = True
        return name

    def _append(self, row: dict[str, Any]) -> None:
        # Flushed at once (a killed run keeps every row it wrote); forced to disk every few rows and
        # at the end, not at each: a power cut loses at most those rows, and the next run adds the
        # rows of files that have none (`add`).
        if self._handle is None:
            new = not self.manifest.is_file() or self.manifest.stat().st_size == 0
            self._handle = self.manifest.open("a", encoding="utf-8", newline="")
            self._writer = csv.DictWriter(self._handle, fieldnames=self.columns, extrasaction="ignore")
            if new:
                self._writer.writeheader()
        self._writer.writerow({key: ("" if value is None else value) for key, value in row.items()})
        self._handle.flush()
        self._unsynced += 1
        if self._unsynced >= ROWS_PER_SYNC:
            self.sync()

    def sync(self) -> None:
        """Force the rows written so far to disk."""
        if self._handle is not None and self._unsynced:
            os.fsync(self._handle.fileno())
        self._unsynced = 0


def normal_url(url: str) -> str:
    """A URL as compared for duplicates: no fragment, no trailing slash, lower-case host."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")


def content_hash(article: Article) -> str:
    """Hash of the article's words (its page's main text when it is a page), so that one story
    saved twice, or served at two addresses, is one source. Read once and kept on the article."""
    if article.content_sha1 is None:
        read_article(article)
    return article.content_sha1 or ""


def words_hash(body: str | None) -> str:
    words = " ".join((body or "").split())
    return hashlib.sha1(words.encode("utf-8")).hexdigest()


def _tag_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _slug(article: Article) -> str:
    words = article.title or (urlsplit(article.url).path if article.url else "") or "article"
    slug = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:50].strip("-")
    return slug or "article"


# --- reading a page: its words' hash and its own metadata ----------------------------------


def read_article(article: Article) -> Article:
    """Read what the article's origin left unread: for a page, its main text (for the hash that
    finds one story at two addresses) and its own metadata, in one pass of trafilatura; for a
    text, its hash. What the origin gave (feed, export) is kept; the page fills what is empty.
    A page whose canonical address is on another site than the copy's keeps the original's
    outlet and records the copy's site."""
    if article.html is None:
        article.content_sha1 = words_hash(article.text)
        return article
    import trafilatura

    page = trafilatura.bare_extraction(article.html, url=article.url, include_comments=False, with_metadata=True)
    article.content_sha1 = words_hash((page.text if page is not None else None) or _tag_text(article.html))
    if page is None:
        return article
    article.title = article.title or page.title or None
    article.author = article.author or page.author or None
    if article.published is None and page.date:
        article.published = _day(page.date)
        article.published_from = "page metadata (trafilatura)" if article.published else None
    canonical = page.url if page.url and page.url != article.url else None
    copy_host = _host(article.url)
    if canonical and copy_host and _host(canonical) and _host(canonical) != copy_host:
        article.site = article.site or copy_host  # a republication: the copy's site
    if article.outlet is None:
        named = page.sitename or (_host(canonical) if canonical else None)
        article.outlet = _outlet(named)
    return article


def read_articles(articles: list[Article]) -> list[Article | Problem]:
    """`read_article` for a chunk of articles (what a worker runs); an article whose page cannot
    be read becomes a problem naming it, and the rest of the chunk goes on."""
    done: list[Article | Problem] = []
    for article in articles:
        try:
            done.append(read_article(article))
        except Exception as error:  # a page that breaks the reader is that page's problem
            done.append(Problem(article.url or article.origin, f"page cannot be read ({error.__class__.__name__}: "
                                                               f"{error})"))
    return done


def _outlet(name: str | None) -> str | None:
    """The outlet a site or feed name stands for in the lexicon (else the name as given)."""
    if not name:
        return None
    from tally.attribution import outlet_named  # imported when needed: a run with nothing new stays quick

    return outlet_named(name) or name


_NUMERIC_DAY = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*(?:$|[T ])")


def _export_day(text: str, day_order: str | None) -> tuple[date | None, str | None]:
    """An export's day, and the reason to refuse it when it reads two ways and no order is given.

    A numeric day with the year last is day/month/year or month/day/year: when only one reading
    is a date (13/04/2024), that one is taken; when both are (03/04/2024), `day_order` ("day",
    "month") decides, and without it the day is ambiguous."""
    found = _NUMERIC_DAY.match(text)
    if not found:
        return _day(text), None
    first, second, year = (int(part) for part in found.groups())
    readings = {}
    for order, (day, month) in (("day", (first, second)), ("month", (second, first))):
        try:
            readings[order] = date(year, month, day)
        except ValueError:
            pass
    if day_order in readings:
        return readings[day_order], None
    if day_order is not None:
        return None, (f"day {text.strip()!r} is not a date read {day_order} first; left out")
    if len(set(readings.values())) > 1:
        as_day, as_month = readings["day"], readings["month"]
        return None, (f"day {text.strip()!r} is ambiguous: {as_day.day} {as_day:%B %Y} read day first, "
                      f"{as_month.day} {as_month:%B %Y} read month first; collect again with --day-first or --month-first")
    return next(iter(readings.values()), None), None


def _day(text: str) -> date | None:
    from tally.capture import parse_day

    return parse_day(text)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host or None


# --- HTTP --------------------------------------------------------------------------------------


class FetchError(Exception):
    """One address could not be collected; the message says why."""


class Fetcher:
    """An HTTP client for collecting: a user agent naming tally, connect and read timeouts, a cap
    on redirects and on response size (read in pieces, stopped past the cap), retries with backoff
    on connection errors and 5xx answers, and a delay between requests to one host."""

    def __init__(self, timeout: float = 15.0, delay: float = 1.0, max_bytes: int = MAX_RESPONSE_BYTES,
                 retries: int = 2, max_redirects: int = 5) -> None:
        import httpx

        self.httpx = httpx
        self.client = httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=httpx.Timeout(timeout),
                                   follow_redirects=True, max_redirects=max_redirects)
        self.delay, self.max_bytes, self.retries = delay, max_bytes, retries
        self.last_request: dict[str, float] = {}

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, accept: tuple[str, ...] = TEXT_TYPES) -> tuple[str, str, str]:
        """The decoded body, its content type and the final URL; FetchError says why not."""
        for attempt in range(self.retries + 1):
            self._wait_for_host(url)
            try:
                return self._get_once(url, accept)
            except _Retry as retry:
                if attempt == self.retries:
                    raise FetchError(str(retry)) from None
                time.sleep(min(8.0, 0.5 * 2 ** attempt))
        raise AssertionError("unreachable")

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        wait = self.last_request.get(host, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last_request[host] = time.monotonic()

    def _get_once(self, url: str, accept: tuple[str, ...]) -> tuple[str, str, str]:
        httpx = self.httpx
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code >= 500:
                    raise _Retry(f"HTTP {response.status_code} {response.reason_phrase}")
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}")
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind and not kind.startswith(accept):
                    raise FetchError(f"not a page: content type {kind!r}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"too large: {int(declared):,} bytes (limit {self.max_bytes:,})")
                body = bytearray()
                for piece in response.iter_bytes():
                    body.extend(piece)
                    if len(body) > self.max_bytes:
                        raise FetchError(f"too large: over {self.max_bytes:,} bytes")
                return decode_body(bytes(body), response.charset_encoding), kind, str(response.url)
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects (a redirect loop?)") from None
        except httpx.TimeoutException:
            raise _Retry(f"timed out after {self.client.timeout.read:g} s") from None
        except httpx.TransportError as error:
            raise _Retry(f"network error: {error.__class__.__name__}: {error}") from None


class _Retry(Exception):
    """A failure worth trying again (a timeout, a dropped connection, a 5xx answer)."""


def decode_body(raw: bytes, charset: str | None) -> str:
    """Text of a response: its declared charset (else UTF-8), strictly; binary or undecodable
    bytes raise FetchError rather than turning into replacement characters."""
    if b"\x00" in raw[:4096]:
        raise FetchError("binary body (NUL bytes), not text")
    encoding = charset or "utf-8"
    try:
        return raw.decode(encoding)
    except LookupError:
        raise FetchError(f"unknown charset {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise FetchError(f"bad encoding: not valid {encoding} at byte {error.start}") from None


# --- each way in -------------------------------------------------------------------------------


def articles_from_urls(addresses: Iterable[str], fetcher: Fetcher, folder: SourcesFolder,
                       problems: list[Problem], origin: str = "url",
                       known: dict[str, Article] | None = None) -> Iterator[Article]:
    """Pages fetched from `addresses` (those not yet in the folder), with their own metadata."""
    for address in addresses:
        address = address.strip()
        if not address or address.startswith("#"):
            continue
        seed = (known or {}).get(address) or Article(origin=origin, url=address)
        if folder.known_url(seed):
            continue
        try:
            body, kind, final = fetcher.get(address)
        except FetchError as error:
            problems.append(Problem(address, str(error)))
            continue
        seed.url = seed.url or final
        if kind.startswith(HTML_TYPES) or body.lstrip()[:1] == "<":
            seed.html = body
        else:
            seed.text = body
        for item in read_articles([seed]):  # a page that breaks the reader is its own problem
            if isinstance(item, Problem):
                problems.append(item)
            else:
                yield item


def read_url_list(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def articles_from_feed(feed_url: str, fetcher: Fetcher, folder: SourcesFolder,
                       problems: list[Problem]) -> Iterator[Article]:
    """The items of an RSS or Atom feed not yet collected, each fetched as a page; the day, title
    and author the feed gives are kept (and said to be the feed's)."""
    import feedparser

    try:
        body, _, _ = fetcher.get(feed_url, accept=TEXT_TYPES + ("application/rss+xml", "application/atom+xml",
                                                                "application/xml", "text/xml"))
    except FetchError as error:
        problems.append(Problem(feed_url, f"feed: {error}"))
        return
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        problems.append(Problem(feed_url, f"feed: cannot be read ({parsed.get('bozo_exception')})"))
        return
    outlet = parsed.feed.get("title") or None
    known: dict[str, Article] = {}
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            problems.append(Problem(feed_url, f"feed item {entry.get('title', '?')!r} has no link", "warning"))
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        field_name = "published" if entry.get("published_parsed") else "updated"
        known[link] = Article(origin=f"feed {feed_url}", url=link, title=entry.get("title") or None,
                              author=entry.get("author") or None,
                              outlet=_outlet(outlet),
                              published=date(*stamp[:3]) if stamp else None,
                              published_from=f"feed item '{field_name}'" if stamp else None)
    yield from articles_from_urls(list(known), fetcher, folder, problems, f"feed {feed_url}", known)


def articles_from_warc(path: Path, folder: SourcesFolder, problems: list[Problem]) -> Iterator[Article]:
    """HTML pages in the response records of a WARC or WARC.gz file not yet in the folder,
    streamed record by record (never read whole), as yet unread."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except (ArchiveLoadFailed, ValueError, EOFError, OSError) as error:
                problems.append(Problem(path.name, f"WARC record at byte {records.offset}: broken ({error}); "
                                                   "the rest of the file cannot be read"))
                return
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{path.name} record {url}"
            status = record.http_headers.get_statuscode() if record.http_headers else None
            kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower() \
                if record.http_headers else ""
            try:
                raw = record.content_stream().read(MAX_RESPONSE_BYTES + 1)
            except Exception as error:  # a damaged payload (bad gzip or chunking) is that record's problem
                problems.append(Problem(where, f"payload cannot be read ({error})"))
                continue
            if getattr(record.raw_stream, "limit", 0) > 0 and len(raw) <= MAX_RESPONSE_BYTES:
                # fewer bytes than the record declares: a file cut short (warcio does not say so itself)
                problems.append(Problem(where, f"broken: record cut short ({record.raw_stream.limit:,} of "
                                               f"{record.length:,} declared bytes missing); not collected"))
                continue
            if status != "200" or not kind.startswith(HTML_TYPES):
                continue
            if len(raw) > MAX_RESPONSE_BYTES:
                problems.append(Problem(where, f"too large: over {MAX_RESPONSE_BYTES:,} bytes"))
                continue
            charset = _charset(record.http_headers.get_header("Content-Type") or "")
            try:
                html = decode_body(raw, charset)
            except FetchError as error:
                problems.append(Problem(where, str(error)))
                continue
            article = Article(origin=f"warc {path.name}", url=url, html=html)
            if not folder.known_url(article):
                yield article  # its page is read in chunks, on the workers (`read_articles`)


def _charset(content_type: str) -> str | None:
    found = re.search(r"charset=[\"']?([\w.-]+)", content_type, re.I)
    return found.group(1) if found else None


def articles_from_export(path: Path, folder: SourcesFolder, problems: list[Problem],
                         columns: dict[str, str] | None = None, day_order: str | None = None) -> Iterator[Article]:
    """Articles in a JSON Lines or CSV export with a text or HTML column (those not yet in the
    folder, as yet unread); columns are found by their usual names (`EXPORT_COLUMNS`) or named
    in `columns` ({"text": "body", ...}). The export's metadata is kept as given (its outlet names
    whole); a numeric day that reads two ways (03/04/2024) is read as `day_order` says ("day" or
    "month" first), and without it the row is refused, naming both readings."""
    for where, row in _export_rows(path, problems):
        picked = {name: _pick(row, name, columns or {}) for name in EXPORT_COLUMNS}
        if not (picked["html"] or picked["text"]):
            problems.append(Problem(where, "has no text or HTML column (name it with --column text=NAME)"))
            continue
        day, ambiguous = _export_day(picked["published"], day_order) if picked["published"] else (None, None)
        if ambiguous:
            problems.append(Problem(where, ambiguous))
            continue
        if picked["published"] and day is None:
            problems.append(Problem(where, f"date {picked['published']!r} does not parse; left empty", "warning"))
        outlet = picked["outlet"]
        article = Article(origin=f"export {path.name}", url=picked["url"], html=picked["html"] or None,
                          text=None if picked["html"] else picked["text"], title=picked["title"],
                          outlet=outlet, site=picked["site"],
                          author=picked["author"], published=day,
                          published_from=f"export column {_column_of(row, 'published', columns or {})!r}"
                          if day else None)
        if not folder.known_url(article):
            yield article  # read in chunks, on the workers


def _export_rows(path: Path, problems: list[Problem]) -> Iterator[tuple[str, dict[str, Any]]]:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    problems.append(Problem(f"{path.name} line {number}", f"not JSON ({error.msg})"))
                    continue
                if not isinstance(row, dict):
                    problems.append(Problem(f"{path.name} line {number}", "not a JSON object"))
                    continue
                yield f"{path.name} line {number}", row
    else:
        csv.field_size_limit(MAX_RESPONSE_BYTES)
        with path.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield f"{path.name} line {number}", row


def _column_of(row: dict[str, Any], name: str, columns: dict[str, str]) -> str | None:
    if name in columns:
        return columns[name] if columns[name] in row else None
    lowered = {key.lower(): key for key in row if isinstance(key, str)}
    return next((lowered[c] for c in EXPORT_COLUMNS[name] if c in lowered), None)


def _pick(row: dict[str, Any], name: str, columns: dict[str, str]) -> str | None:
    column = _column_of(row, name, columns)
    value = row.get(column) if column else None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    value = str(value).strip() if value is not None else ""
    return value or None


# --- the command -------------------------------------------------------------------------------


def collect(into: str | Path, urls: Iterable[Path] = (), feeds: Iterable[str] = (), warcs: Iterable[Path] = (),
            exports: Iterable[Path] = (), columns: dict[str, str] | None = None,
            fetcher: Fetcher | None = None, engine: str = "local", workers: int | None = None,
            scheduler: str | None = None, chunk_size: int = PAGES_PER_CHUNK,
            day_order: str | None = None) -> CollectResult:
    """Bring articles from every way in into the sources folder `into`; see the module's notes.

    Pages fetched over HTTP are read as they come (the network sets the pace). Web archives and
    exports are streamed in the parent and their pages read in chunks of `chunk_size` by the
    engine's workers (`tally.engines`: local processes, or a Dask cluster), a few chunks in
    flight at a time, and filed in the order they came."""
    urls, feeds, warcs, exports = list(urls), list(feeds), list(warcs), list(exports)
    folder = SourcesFolder(into)
    result = CollectResult()
    own_fetcher = fetcher is None and bool(urls or feeds)
    fetcher = fetcher or (Fetcher() if own_fetcher else None)
    fetched: list[Iterator[Article]] = []
    for path in urls:
        fetched.append(articles_from_urls(read_url_list(Path(path)), fetcher, folder, result.problems))
    for feed in feeds:
        fetched.append(articles_from_feed(feed, fetcher, folder, result.problems))
    archived = itertools.chain(
        itertools.chain.from_iterable(articles_from_warc(Path(path), folder, result.problems) for path in warcs),
        itertools.chain.from_iterable(articles_from_export(Path(path), folder, result.problems, columns, day_order)
                                      for path in exports))
    try:
        for article in itertools.chain(itertools.chain.from_iterable(fetched),
                                       _read_in_chunks(archived, engine, workers, scheduler, chunk_size,
                                                       result.problems)):
            _file(folder, article, result)
    finally:
        if own_fetcher and fetcher is not None:
            fetcher.close()
        result.skipped += folder.already
        folder.close()
    return result


def _file(folder: SourcesFolder, article: Article, result: CollectResult) -> None:
    name = folder.add(article)
    if name is None:
        result.skipped += 1
        return
    result.added.append(name)
    missing = [column for column in ("outlet", "published", "title") if not getattr(article, column)]
    if missing:  # nothing is guessed: what no page, feed or export said is reported
        result.problems.append(Problem(name, f"{', '.join(missing)} unknown (not in the page, feed or export)",
                                       "warning"))


def _read_in_chunks(articles: Iterator[Article], engine: str, workers: int | None, scheduler: str | None,
                    chunk_size: int, problems: list[Problem]) -> Iterator[Article]:
    """The articles read by `read_articles` on the engine's workers, chunk by chunk, in order;
    a stream of one chunk or less is read here (starting workers would cost more)."""
    from tally.engines import executor_for, in_order

    chunks = _chunks(articles, chunk_size)
    # As many chunks as there are workers, at most: a short stream starts no more processes than
    # it has chunks, and one chunk is read here.
    first = list(itertools.islice(chunks, workers or os.cpu_count() or 1))
    if not first:
        return
    with executor_for(engine, workers, len(first), scheduler, preload=("tally.collect",)) as (executor, window):
        for _, done in in_order(executor, itertools.chain(first, chunks), window,
                                lambda chunk: executor.submit(read_articles, chunk)):
            for item in done:
                if isinstance(item, Problem):
                    problems.append(item)
                else:
                    yield item


def _chunks(articles: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while chunk := list(itertools.islice(articles, max(1, size))):
        yield chunk

"""Stage 1: sources -> documents table.

`load_sources(folder)` reads every article in a folder (plain-text captures and
saved HTML pages) and the folder's manifest `sources.csv`, and returns one row
per document, checked against `DOCUMENTS`. What the manifest says wins over what
the text says; a source the manifest does not list still loads with what its
text says, and every field left empty is reported. Problems with single files
(empty, binary, too large, not UTF-8, duplicated, outside the folder) are
collected, never raised, so that one bad file does not lose the batch.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from tally.attribution import outlet_named
from tally.capture import CaptureFacts, parse_day, read_capture
from tally.files import MANIFEST_NAME
from tally.problems import Problem, SourceError

MAX_SOURCE_BYTES = 5_000_000
CORRECTIONS_NAME = "corrections.toml"  # the analyst's corrections (tally.corrections), not a source
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
METADATA_FIELDS = ("title", "outlet", "site", "author", "published", "url")
# Every byte but the control bytes that text does not hold (tab, line feed, form feed, carriage return are text).
_NOT_CONTROL_BYTES = bytes(byte for byte in range(256) if byte >= 32 or byte in (9, 10, 12, 13))

DOCUMENTS = pa.DataFrameSchema(
    {
        "source": pa.Column(str, unique=True, description="file name of the source inside its folder"),
        "title": pa.Column(str, nullable=True, description="headline"),
        "outlet": pa.Column(str, nullable=True, description="news organisation that wrote the article"),
        "site": pa.Column(str, nullable=True, description="where this copy was published, when a republication"),
        "author": pa.Column(str, nullable=True, description="byline"),
        "published": pa.Column(pa.DateTime, nullable=True, description="publication day (midnight, no time zone)"),
        "url": pa.Column(str, nullable=True, description="address of the published copy"),
        "text": pa.Column(str, description="the whole decoded text; figure offsets index into it"),
        "body_start": pa.Column("Int64", pa.Check.ge(0), description="offset where the article body starts"),
        "body_end": pa.Column("Int64", pa.Check.ge(0), description="offset where the article body ends"),
        "format": pa.Column(str, pa.Check.isin(["text", "html"]), description="how the source was read"),
        "in_manifest": pa.Column(bool, description="whether the folder's manifest lists the source"),
        "content_sha1": pa.Column(str, description="hash of the decoded text, to spot duplicates and changes"),
        "warnings": pa.Column(str, description="what was left empty or read with a caveat, '; '-separated"),
    },
    checks=[pa.Check(lambda df: (df["body_start"] <= df["body_end"]).all(), error="body_start after body_end")],
    strict=True,
    ordered=True,
    name="documents",
)


@dataclass
class ManifestEntry:
    """What the manifest says of one file; empty strings mean unknown."""

    file: str
    title: str | None = None
    outlet: str | None = None
    site: str | None = None
    author: str | None = None
    published: date | None = None
    url: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class SourceBatch:
    """The documents table and the problems found while loading it."""

    documents: pd.DataFrame
    problems: list[Problem]


def load_sources(path: str | Path, max_bytes: int = MAX_SOURCE_BYTES, outlets: Sequence[str] = (),
                 limit: int | None = None) -> pd.DataFrame:
    """Load the sources in `path` into the documents table (see `read_sources` for `outlets`, `limit`).

    The problems found are kept in `documents.attrs["problems"]` (a list of
    `Problem`); use `read_sources` to get them separately.
    """
    batch = read_sources(path, max_bytes=max_bytes, outlets=outlets, limit=limit)
    batch.documents.attrs["problems"] = batch.problems
    return batch.documents


def read_sources(path: str | Path, max_bytes: int = MAX_SOURCE_BYTES, outlets: Sequence[str] = (),
                 limit: int | None = None) -> SourceBatch:
    """Load a folder of sources; return the documents table and every problem found.

    With `outlets`, only sources from those outlets are kept; with `limit`, reading
    stops once that many documents are kept (the first by file name), so that a view
    of a few sources does not read a whole archive.
    """
    listing = list_sources(path)
    problems = list(listing.problems)
    rows = []
    seen = DuplicateFilter()
    for name in listing.names:
        if limit is not None and len(rows) >= limit:
            break
        found, found_problems = read_documents(listing.folder, [name], listing.manifest, max_bytes)
        problems.extend(found_problems)
        for row in found:
            if outlets and row["outlet"] not in outlets:
                continue
            duplicate = seen.problem(row["source"], row["content_sha1"])
            if duplicate:
                problems.append(duplicate)
                continue
            problems.extend(Problem(row["source"], warning, "warning") for warning in row["warnings"])
            rows.append(row)
    return SourceBatch(documents_frame(rows), problems)


@dataclass
class SourceListing:
    """What a folder holds: its manifest, the names of the files to read, the problems found listing them."""

    folder: Path
    manifest: MutableMapping[str, ManifestEntry]
    names: Collection[str]  # iterates in name order
    problems: list[Problem]


def list_sources(path: str | Path, manifest: MutableMapping[str, ManifestEntry] | None = None,
                 names: MutableMapping[str, None] | None = None) -> SourceListing:
    """Read a folder's manifest and list its sources, without reading them.

    The manifest's entries go into `manifest` and the names into `names` when they
    are given (an archive's run gives `tally.ondisk.DiskDict`s, which iterate in key
    order), else into memory.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise SourceError(str(folder), "no such folder of sources" if not folder.exists() else "not a folder of sources")
    problems: list[Problem] = []
    manifest = read_manifest(folder, problems, manifest)
    listed = list_source_files(folder, manifest, problems, names)
    return SourceListing(folder, manifest, listed, problems)


def read_documents(folder: Path, names: Sequence[str], manifest: Mapping[str, ManifestEntry],
                   max_bytes: int = MAX_SOURCE_BYTES) -> tuple[list[dict], list[Problem]]:
    """Documents-table rows for the named files (warnings as lists), and the problems of those that fail."""
    rows, problems = [], []
    for name in names:
        try:
            row = read_source(folder, name, manifest.get(name), max_bytes)
        except SourceError as error:
            problems.append(error.problem)
            continue
        rows.append(row)
    return rows, problems


class DuplicateFilter:
    """Spots a source whose text was already seen under another name (the first by name is kept)."""

    def __init__(self, first: MutableMapping[str, str] | None = None) -> None:
        self._first = {} if first is None else first  # text hash -> first file with it

    def problem(self, name: str, content_sha1: str) -> Problem | None:
        """A problem naming the earlier file when `name` repeats one; None the first time a text is seen."""
        earlier = self._first.setdefault(content_sha1, name)
        if earlier != name:
            return Problem(name, f"same text as {earlier}; left out as a duplicate")
        return None


def documents_frame(rows: list[dict]) -> pd.DataFrame:
    """Build and check the documents table from row dictionaries (warnings as lists or joined text)."""
    frame = pd.DataFrame(rows, columns=list(DOCUMENTS.columns))
    frame["warnings"] = [("; ".join(w) if isinstance(w, list) else w) for w in frame["warnings"]]
    frame["published"] = pd.to_datetime(frame["published"]).astype("datetime64[us]")
    for column in ("body_start", "body_end"):
        frame[column] = frame[column].astype("Int64")
    frame["in_manifest"] = frame["in_manifest"].astype(bool)
    for column in ("source", "title", "outlet", "site", "author", "url", "text", "format", "content_sha1", "warnings"):
        frame[column] = frame[column].astype("str").where(frame[column].notna(), None)
    return DOCUMENTS.validate(frame)


def read_manifest(folder: Path, problems: list[Problem],
                  entries: MutableMapping[str, ManifestEntry] | None = None) -> MutableMapping[str, ManifestEntry]:
    """Read `sources.csv` in `folder` (if there is one), checking each row, into `entries`
    (a dict unless given: an archive's run gives a `tally.ondisk.DiskDict`). Rows are read one
    at a time, so a manifest of any length is never held whole."""
    manifest_path = folder / MANIFEST_NAME
    entries = {} if entries is None else entries
    if not manifest_path.is_file():
        return entries
    try:
        with manifest_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is not None and "file" not in reader.fieldnames:
                problems.append(Problem(MANIFEST_NAME, "has no 'file' column; sources load without it"))
                return entries
            for line_number, row in enumerate(reader, start=2):
                _read_manifest_row(folder, row, f"{MANIFEST_NAME} line {line_number}", entries, problems)
    except (UnicodeDecodeError, csv.Error) as error:
        entries.clear()
        problems.append(Problem(MANIFEST_NAME, f"cannot be read as CSV ({error}); sources load without it"))
    return entries


def _read_manifest_row(folder: Path, row: dict[str, str], where: str,
                       entries: MutableMapping[str, ManifestEntry], problems: list[Problem]) -> None:
    """Check one manifest row and file its entry, or say why not."""
    name = (row.get("file") or "").strip()
    if not name:
        problems.append(Problem(where, "row names no file; row ignored"))
        return
    location_error = _outside_folder(folder, name)
    if location_error:
        problems.append(Problem(name, f"{where}: {location_error}; not read"))
        return
    if name in entries:
        problems.append(Problem(name, f"{where}: listed twice; the first row is used", "warning"))
        return
    if not os.path.isfile(os.path.join(folder, name)):
        problems.append(Problem(name, f"{where}: listed in the manifest but the file is missing"))
        return
    entry = ManifestEntry(file=name)
    for column in ("title", "outlet", "site", "author", "url"):
        setattr(entry, column, (row.get(column) or "").strip() or None)
    raw_date = (row.get("published") or row.get("date") or "").strip()  # "date" is the column's other usual name
    if raw_date:
        entry.published = parse_day(raw_date)
        if entry.published is None:
            entry.warnings.append(f"manifest date {raw_date!r} does not parse")
    entries[name] = entry


def _outside_folder(folder: Path, name: str) -> str | None:
    """Why `name` may not be read from `folder`, or None when it may."""
    if Path(name).is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path, outside the sources folder"
    if not _inside(folder, name):
        return "path leads outside the sources folder"
    return None


def list_source_files(folder: Path, manifest: Mapping[str, ManifestEntry], problems: list[Problem],
                      names: MutableMapping[str, None] | None = None) -> Collection[str]:
    """Files to load, in name order: every text or HTML file in the folder, plus manifest entries in
    subfolders. They are filed as keys of `names` when given (which must iterate in key order), else
    returned as a sorted list."""
    found = {} if names is None else names
    for name in manifest:
        found[name] = None
    skipped = []
    with os.scandir(folder) as entries:  # one entry at a time: an archive's folder is never listed whole
        for entry in entries:
            if entry.name.startswith(".") or entry.name in (MANIFEST_NAME, CORRECTIONS_NAME) or not entry.is_file():
                continue
            if Path(entry.name).suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES:
                found[entry.name] = None
            else:
                skipped.append(entry.name)
    problems.extend(Problem(name, "not a .txt or .html file; skipped", "warning") for name in sorted(skipped))
    return sorted(found) if names is None else found


@lru_cache(maxsize=64)
def _resolved(folder: Path) -> Path:
    return folder.resolve()


def _inside(folder: Path, name: str) -> bool:
    """Whether the file `name` of `folder` is inside it once links are followed. A plain file
    name that is not a link needs no resolving (which costs a system call per path part)."""
    # os.path, not pathlib: this runs for every source, twice, and a Path costs more than the system call
    plain_name = "/" not in name and "\\" not in name and name not in (".", "..")
    if plain_name and not os.path.islink(os.path.join(folder, name)):
        return True
    return (folder / name).resolve().is_relative_to(_resolved(folder))


def read_source(folder: Path, name: str, entry: ManifestEntry | None, max_bytes: int) -> dict:
    """Read one source file into a documents row (warnings as a list); raise SourceError if it cannot be."""
    path = folder / name
    if not _inside(folder, name):
        raise SourceError(name, "link leads outside the sources folder; not read")
    size = path.stat().st_size
    if size == 0:
        raise SourceError(name, "empty file")
    if size > max_bytes:
        raise SourceError(name, f"{size:,} bytes, over the limit of {max_bytes:,}")
    raw = path.read_bytes()
    warnings: list[str] = list(entry.warnings) if entry else []
    text = decode_text(name, raw, warnings)
    if not text.strip():
        raise SourceError(name, "no text (only white space)")
    if path.suffix.lower() in HTML_SUFFIXES:
        text, facts = read_html(name, text)
        source_format = "html"
    else:
        facts = read_capture(text)
        source_format = "text"
    row = merge_metadata(name, facts, entry, warnings)
    row.update(
        source=name,
        text=text,
        body_start=facts.body_start,
        body_end=facts.body_end,
        format=source_format,
        in_manifest=entry is not None,
        content_sha1=hashlib.sha1(text.encode("utf-8")).hexdigest(),
        warnings=warnings,
    )
    return row


def decode_text(name: str, raw: bytes, warnings: list[str]) -> str:
    """Decode bytes as UTF-8, else as cp1252 with a warning; refuse binary data."""
    sample = raw[:8192]
    if b"\x00" in sample:
        raise SourceError(name, "binary file (contains NUL bytes)")
    controls = len(sample.translate(None, _NOT_CONTROL_BYTES))
    if controls > len(sample) * 0.05:
        raise SourceError(name, "binary file (mostly control bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = raw.decode("cp1252", errors="replace")
        warnings.append(f"not UTF-8 (byte {error.start}); decoded as cp1252")
    if "\x00" in text:
        warnings.append("NUL characters removed")
        text = text.replace("\x00", "")
    # Offsets index the text as stored: only normalise line ends, which do not move words.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_html(name: str, html: str) -> tuple[str, CaptureFacts]:
    """Main text and metadata of a saved HTML page, read with trafilatura."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if document is None or not (document.text or "").strip():
        raise SourceError(name, "HTML page with no article text")
    text = document.text
    published = parse_day(document.date) if document.date else None
    facts = CaptureFacts(
        title=document.title or None,
        author=document.author or None,
        published=published,
        source_line=document.sitename or None,
        body_start=0,
        body_end=len(text),
    )
    return text, facts


def merge_metadata(name: str, facts: CaptureFacts, entry: ManifestEntry | None, warnings: list[str]) -> dict:
    """Metadata for one source: the manifest's where given, else what the text says, with warnings."""
    from_text = {
        "title": facts.title,
        "outlet": _outlet_from_source_line(facts.source_line),
        "site": None,
        "author": facts.author,
        "published": facts.published,
        "url": None,
    }
    merged = {}
    for column in METADATA_FIELDS:
        listed = getattr(entry, column) if entry else None
        merged[column] = listed if listed is not None else from_text[column]
    if entry is None:
        warnings.append("not listed in the manifest; metadata read from the text")
        for column in METADATA_FIELDS:
            if merged[column] is None:
                warnings.append(f"{column} unknown (not in the text)")
    else:
        if entry.published is None and facts.published is not None:
            warnings.append(f"published taken from the text ({facts.published.isoformat()})")
        elif entry.published and facts.published and entry.published != facts.published:
            warnings.append(
                f"manifest date {entry.published.isoformat()} differs from the text's {facts.published.isoformat()}"
            )
        for column in ("title", "outlet", "published"):
            if merged[column] is None:
                warnings.append(f"{column} unknown (not in the manifest or the text)")
    return merged


def _outlet_from_source_line(value: str | None) -> str | None:
    """A 'Source:' line names an outlet when it is short or starts with a known one ("Al Jazeera and news
    agencies"); a long one repeats the original headline."""
    if not value:
        return None
    return outlet_named(value) or (value if len(value.split()) <= 4 else None)

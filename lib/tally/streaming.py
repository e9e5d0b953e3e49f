"""Stages 1 and 2 over an archive: a folder of sources -> a figures file, in chunks, on every core.

`extract_folder` is what `tally extract` and `tally render` run. It lists the
folder (manifest and file names only, into temporary SQLite files), cuts the
names into chunks as they are needed, and has workers read each chunk into a
documents table and extract its figures with the same per-document function as
`extract_figures` (`figures_in_document`). The parent (`_ChunkTaker`) takes the
chunks back in order, drops repeated texts, links claims (`ClaimLinker`, which
gives the same ids as the whole table would, with its index and the claims
table's rows in a SQLite file: `ArchiveClaims`), hands on each problem as it is
found, and appends each chunk to the output file. So memory is bounded by the
chunks in flight, not by the archive, and the result equals
`extract_figures(load_sources(folder))` row for row, whatever the engine:

- `local`: a pool of processes on this machine, one per core by default
  (one chunk or one worker: in this process);
- `dask`: a Dask cluster (`pip install 'tally[dask]'`): a scheduler's address,
  or a local cluster started for the run. Workers read the files themselves, so
  the folder must be at the same path on every worker (a shared file system).

A source that cannot be read, or whose extraction raises, is reported as a
problem naming the file and skipped; the rest of the batch goes on.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tally.claims import ArchiveClaims, ClaimLinker, claims_table
from tally import figures as figure_stage
from tally.figures import figures_frame
from tally.files import partial_file, remove_stale_partials
from tally.engines import ENGINES, executor_for, in_order
from tally.ondisk import DiskDict
from tally.problems import Problem
from tally.sources import MAX_SOURCE_BYTES, DuplicateFilter, ManifestEntry, documents_frame, list_sources, read_documents

# Sources per chunk when not given: enough chunks to keep every worker busy (four each), and
# each as large as that allows up to 1,000, because every chunk pays for building and checking
# its tables (about 0.1 s whatever its size: pandera's checks are mostly a fixed cost).
MIN_CHUNK_SIZE, MAX_CHUNK_SIZE = 50, 1000
Progress = Callable[[int], None]


@dataclass
class DocumentFacts:
    """What the parent needs to know of one document a worker read."""

    source: str
    content_sha1: str
    outlet: str | None
    warnings: list[str]


@dataclass
class ChunkResult:
    """One chunk's figures (claims not yet linked), its documents and its problems."""

    figures: pd.DataFrame
    documents: list[DocumentFacts]
    problems: list[Problem]


@dataclass
class ExtractSummary:
    """What one extraction did: counts, the outlets and categories found, and its problems (every
    one is counted; the first `KEPT_PROBLEMS` are kept here, all of them go to `on_problem`)."""

    sources: int = 0
    figures: int = 0
    counted: int = 0
    claims: int = 0
    outlets: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    error_count: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.error_count > 0


KEPT_PROBLEMS = 1000


def extract_chunk(folder: str, names: Sequence[str], manifest: dict[str, ManifestEntry],
                  max_bytes: int = MAX_SOURCE_BYTES) -> ChunkResult:
    """Read the named sources and extract their figures; a source that fails becomes a problem.

    This is the task each worker runs (a plain function of picklable arguments).
    """
    rows, problems = read_documents(Path(folder), names, manifest, max_bytes)
    warnings = {row["source"]: row["warnings"] for row in rows}
    documents = documents_frame(rows)
    figures: list[dict[str, Any]] = []
    kept: list[DocumentFacts] = []
    for document in documents.to_dict("records"):
        try:
            found = figure_stage.figures_in_document(document)
        except Exception as error:  # one article must not lose the batch: report it and go on
            problems.append(Problem(document["source"], f"extraction failed ({type(error).__name__}: {error}); "
                                                        "skipped"))
            continue
        figures.extend(found)
        outlet = document["outlet"] if isinstance(document["outlet"], str) else None  # missing text reads as NaN
        kept.append(DocumentFacts(document["source"], document["content_sha1"], outlet, warnings[document["source"]]))
    return ChunkResult(figures_frame(figures), kept, problems)


def default_chunk_size(total: int, workers: int | None) -> int:
    """Sources per chunk for `total` sources on `workers` (see MAX_CHUNK_SIZE)."""
    per_worker = math.ceil(total / (4 * (workers or os.cpu_count() or 1)))
    return max(MIN_CHUNK_SIZE, min(MAX_CHUNK_SIZE, per_worker))


def chunked(names: Iterable[str], size: int) -> Iterator[list[str]]:
    """`names` cut into lists of at most `size`, in order, taken from `names` as they are needed."""
    names = iter(names)
    while chunk := list(itertools.islice(names, max(1, size))):
        yield chunk


def extract_folder(folder: str | Path, output: str | Path, *, engine: str = "local", workers: int | None = None,
                   chunk_size: int | None = None, scheduler: str | None = None,
                   claims_output: str | Path | None = None, max_bytes: int = MAX_SOURCE_BYTES,
                   progress: Callable[[int], Progress] | None = None,
                   on_problem: Callable[[Problem], None] | None = None) -> ExtractSummary:
    """Extract every source in `folder` into the figures file `output` (.csv or .parquet), chunk by chunk.

    `progress(total)` may return a callback that is called with the number of
    sources done after each chunk; `on_problem` is called with each problem as it
    is found. With `claims_output`, the claims table is written there too (one row
    per claim), built in a SQLite file rather than in memory.
    """
    started = time.perf_counter()
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    output = Path(output)
    writer_class = table_writer_for(output)
    if output.parent.is_dir():  # what a killed run left of these files
        for target in (output, Path(claims_output) if claims_output else None):
            if target is not None:
                remove_stale_partials(target.parent, f".{target.name}.*.partial")
    with ExitStack() as stack:
        # What grows with the number of sources (names, manifest rows, text hashes, claims) lives on disk.
        names = stack.enter_context(closing(DiskDict()))
        manifest = stack.enter_context(closing(DiskDict()))
        hashes = stack.enter_context(closing(DiskDict()))
        claims_store = stack.enter_context(closing(ArchiveClaims()))
        listing = list_sources(folder, manifest, names)
        taker = _ChunkTaker(ExtractSummary(), DuplicateFilter(hashes), ClaimLinker(claims_store),
                            claims_store if claims_output is not None else None, on_problem)
        taker.report(listing.problems)
        total = len(listing.names)
        chunk_size = chunk_size or default_chunk_size(total, workers)
        advance = progress(total) if progress else None
        # The figures file appears only with the claims file, once both are whole.
        writer = stack.enter_context(writer_class(output))
        with ExitStack() as chunk_phase:  # the workers end before the claims are written
            executor, window = chunk_phase.enter_context(
                executor_for(engine, workers, math.ceil(total / chunk_size), scheduler,
                             preload=("tally.streaming", "tally.figures")))
            folder_name = str(listing.folder.resolve())
            tasks = ((chunk, {name: listing.manifest[name] for name in chunk if name in listing.manifest})
                     for chunk in chunked(listing.names, chunk_size))
            results = in_order(executor, tasks, window,
                                lambda task: executor.submit(extract_chunk, folder_name, task[0], task[1], max_bytes))
            if total == 0:  # an empty folder still gets a figures file, with its columns
                writer.write(figures_frame([]))
            for (chunk, _), result in results:
                writer.write(taker.take(result))
                if advance:
                    advance(len(chunk))
        writer.close()  # finished (its row groups' descriptions freed); renamed into place at the end
        summary = taker.finish()
        if claims_output is not None:
            with table_writer_for(Path(claims_output))(Path(claims_output)) as claims_writer:
                for claims in claims_store.claims_batches():
                    claims_writer.write(claims)
                    summary.claims += len(claims)
                if summary.claims == 0:
                    claims_writer.write(claims_table(figures_frame([])))
    summary.seconds = time.perf_counter() - started
    return summary


class _ChunkTaker:
    """The parent's side of a run: takes each chunk's result in order, drops repeated texts, links
    claims, counts and reports problems, and hands back the figures to write."""

    def __init__(self, summary: ExtractSummary, duplicates: DuplicateFilter, linker: ClaimLinker,
                 claims_store: ArchiveClaims | None, on_problem: Callable[[Problem], None] | None) -> None:
        self.summary, self.duplicates, self.linker = summary, duplicates, linker
        self.claims_store, self.on_problem = claims_store, on_problem
        self.outlets: set[str] = set()
        self.categories: set[str] = set()

    def report(self, problems: Iterable[Problem]) -> None:
        """Count the problems, keep the first few, and hand each on."""
        for problem in problems:
            self.summary.problem_count += 1
            self.summary.error_count += problem.severity == "error"
            if len(self.summary.problems) < KEPT_PROBLEMS:
                self.summary.problems.append(problem)
            if self.on_problem:
                self.on_problem(problem)

    def take(self, result: ChunkResult) -> pd.DataFrame:
        """The chunk's figures, without repeated texts, with their claim ids."""
        self.report(result.problems)
        dropped = []
        for document in result.documents:
            duplicate = self.duplicates.problem(document.source, document.content_sha1)
            if duplicate:
                self.report([duplicate])
                dropped.append(document.source)
                continue
            self.summary.sources += 1
            self.report(Problem(document.source, warning, "warning") for warning in document.warnings)
            if document.outlet:
                self.outlets.add(document.outlet)
        figures = result.figures
        if dropped:
            figures = figures[~figures["source"].isin(dropped)]
        figures = self.linker.link(figures)
        if self.claims_store is not None:
            self.claims_store.add_figures(figures)
        self.summary.figures += len(figures)
        counted = figures["category"] != "other"
        self.summary.counted += int(counted.sum())
        self.categories.update(figures.loc[counted, "category"].unique().tolist())
        return figures

    def finish(self) -> ExtractSummary:
        self.summary.outlets, self.summary.categories = sorted(self.outlets), sorted(self.categories)
        return self.summary


# ---- writing a table chunk by chunk -------------------------------------------------------------

class TableWriter:
    """Appends tables to a file as they come; the file appears, whole, only when the writer closes
    without error (it is written beside its target, then renamed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stack = ExitStack()

    def __enter__(self) -> TableWriter:
        partial = self._stack.enter_context(partial_file(self.path))
        self.open(partial)
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self.close()
        finally:
            self._stack.__exit__(*exc)

    def open(self, partial: Path) -> None:
        raise NotImplementedError

    def write(self, frame: pd.DataFrame) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the partial file; may be called before the writer's end, and again at it."""
        raise NotImplementedError

    @classmethod
    def write_whole(cls, frame: pd.DataFrame, path: Path) -> None:
        """Write one whole table to `path`."""
        with cls(path) as writer:
            writer.write(frame)


class ParquetTableWriter(TableWriter):
    """Row groups of at least `ROW_GROUP_ROWS` rows (the last may be smaller), with the column types
    fixed by the first table.

    Tables are gathered up to that size before they are written: the writer keeps every
    row group's description (about 20 KB each) until the file is closed, so one row group
    per chunk would make memory grow with the archive."""

    ROW_GROUP_ROWS = 10_000

    def open(self, partial: Path) -> None:
        self._partial, self._writer, self._schema = partial, None, None
        self._pending: list[Any] = []
        self._pending_rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._schema is None:
            self._schema = arrow_schema(frame)
            self._writer = pq.ParquetWriter(self._partial, self._schema)
        self._pending.append(pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False))
        self._pending_rows += len(frame)
        if self._pending_rows >= self.ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._pending:
            table = pa.concat_tables(self._pending)
            self._writer.write_table(table, row_group_size=max(1, table.num_rows))
            self._pending, self._pending_rows = [], 0

    def close(self) -> None:
        if self._writer is not None:
            self._flush()
            self._writer.close()
            self._writer = None


class CsvTableWriter(TableWriter):
    """CSV with the header once and ISO days, appended chunk by chunk."""

    def open(self, partial: Path) -> None:
        self._handle = partial.open("w", encoding="utf-8", newline="")
        self._header = True

    def write(self, frame: pd.DataFrame) -> None:
        frame.to_csv(self._handle, index=False, header=self._header, date_format="%Y-%m-%d")
        self._header = False

    def close(self) -> None:
        self._handle.close()  # closing twice is harmless


def table_writer_for(path: Path) -> type[TableWriter]:
    """The writer for a table file, by its suffix."""
    writers = {".parquet": ParquetTableWriter, ".csv": CsvTableWriter}
    try:
        return writers[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"{path}: unknown table format (use .csv or .parquet)") from None


def arrow_schema(frame: pd.DataFrame) -> Any:
    """Arrow column types for a checked table: text as strings (also when a chunk has none), counts as
    64-bit integers, days as timestamps; so that every chunk of a file has the same schema."""
    import pyarrow as pa

    fields = []
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_datetime64_any_dtype(dtype):
            arrow_type = pa.timestamp("us")
        elif str(dtype) == "Int64" or pd.api.types.is_integer_dtype(dtype):
            arrow_type = pa.int64()
        elif pd.api.types.is_bool_dtype(dtype):
            arrow_type = pa.bool_()
        elif pd.api.types.is_float_dtype(dtype):
            arrow_type = pa.float64()
        else:
            arrow_type = pa.string()
        fields.append(pa.field(name, arrow_type))
    return pa.schema(fields)

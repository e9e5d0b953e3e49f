"""Writing files so that readers never see half of one: write beside the target, then rename.

Every file tally writes (tables, reports, the index, render state, the chart bundle
cache) goes through here. The partial file's name carries the process and thread,
so that two writers of the same target never share one; an interrupted run leaves
only `.NAME.*.partial` files, which `tally render` removes at its next start.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PARTIAL_GLOB = ".*.partial"
MANIFEST_NAME = "sources.csv"  # a sources folder's manifest (written by tally.collect, read by tally.sources)


def _partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.partial")


def remove_stale_partials(folder: Path, pattern: str = PARTIAL_GLOB) -> list[Path]:
    """Remove the partial files in `folder` (matching `pattern`) whose writing process is gone.

    A run killed outright (SIGKILL, power loss) cannot clean up after itself; the next
    run does, leaving alone the partial files of runs still writing."""
    removed = []
    for partial in folder.glob(pattern):
        if not _writer_alive(partial):
            partial.unlink(missing_ok=True)
            removed.append(partial)
    return removed


def _writer_alive(partial: Path) -> bool:
    """Whether the process named in a partial file's name still runs (unknown names count as gone)."""
    try:
        pid = int(partial.name.rsplit(".", 2)[-2].split("-")[0])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@contextmanager
def partial_file(path: Path) -> Iterator[Path]:
    """A partial file to write `path` into: renamed over `path` if the block ends cleanly, removed if not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial_path(path)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_with(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(partial_path)`, then rename the partial file over `path`."""
    with partial_file(path) as partial:
        write(partial)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to `path`: readers see the old file or the new one, never half."""
    if isinstance(content, str):
        write_with(path, lambda partial: partial.write_text(content, encoding="utf-8"))
    else:
        write_with(path, lambda partial: partial.write_bytes(content))


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV or Parquet, by the file's suffix, atomically."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        write_with(path, lambda partial: frame.to_parquet(partial, index=False))
    elif suffix == ".csv":
        write_with(path, lambda partial: frame.to_csv(partial, index=False, date_format="%Y-%m-%d"))
    else:
        raise ValueError(f"{path}: unknown table format (use .csv or .parquet)")

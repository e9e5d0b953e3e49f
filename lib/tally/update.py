"""The scheduled job: collect what is new, extract, render — incremental, one run at a time.

`update_lock` keeps a second `tally update` on the same sources folder from running at once:
it waits for the first (up to a limit) or gives up with a message naming the running one.
`needs_extract` says whether the figures table is older than the sources, so that a run
with nothing new does no extraction. `log_line` is the one line a run leaves in the log.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

LOCK_NAME = ".tally-update.lock"
EXIT_BUSY = 75  # EX_TEMPFAIL: a scheduler may try again later


class UpdateBusy(Exception):
    """Another update holds the lock; the message names it."""


@contextmanager
def update_lock(folder: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the sources folder's update lock (an OS file lock, released if the process dies),
    waiting up to `wait` seconds for a run that holds it; UpdateBusy when it is still held."""
    import fcntl  # Unix: the schedulers the README names (cron, systemd) are too

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    handle = path.open("a+", encoding="utf-8")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise UpdateBusy(f"another tally update is running on {folder} ({holder}); "
                                     f"waited {wait:g} s") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {_now()}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


def needs_extract(sources: Path, figures: Path) -> bool:
    """Whether the figures table is missing or older than the manifest or any source file."""
    if not figures.is_file():
        return True
    made = figures.stat().st_mtime
    with os.scandir(sources) as entries:
        return any(entry.is_file() and not entry.name.startswith(".") and entry.stat().st_mtime > made
                   for entry in entries)


def log_line(log: Path, **facts: object) -> str:
    """Append one line about this run to `log` (JSON after the time, so it is read by eye and by tools)."""
    line = f"{_now()} {json.dumps(facts, ensure_ascii=False)}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return line


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

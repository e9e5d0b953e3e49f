"""The scheduled job: collect what is new, extract, render — incremental, one run at a time.

`update_lock` keeps a second `tally update` on the same workspace from running at once:
it waits for the first (up to a limit) or gives up with a message naming the running one.
`needs_extract` says whether the figures table was made from other inputs than the ones
there now (by content: `tally.workspace.fingerprint`), so that a run with nothing new does
no extraction. `log_line` is the one line a run leaves in the log.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

EXIT_BUSY = 75  # EX_TEMPFAIL: a scheduler may try again later


class UpdateBusy(Exception):
    """Another update holds the lock; the message names it."""


@contextmanager
def update_lock(path: Path, wait: float = 0.0, name: str = "") -> Iterator[None]:
    """Hold the workspace's update lock, the file `path` (an OS file lock, released if the process
    dies), waiting up to `wait` seconds for a run that holds it; UpdateBusy when it is still held."""
    import fcntl  # Unix: the schedulers the README names (cron, systemd) are too

    path.parent.mkdir(parents=True, exist_ok=True)
    name = name or str(path.parent)
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
                    raise UpdateBusy(f"another tally update is running on {name} ({holder}); "
                                     f"waited {wait:g} s") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {_now()}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


def needs_extract(figures: Path, print_: dict[str, str]) -> bool:
    """Whether the figures table is missing or was made from anything else than what `print_`
    fingerprints (other sources, lexicons, corrections, code or notebooks)."""
    from tally.workspace import is_current

    return not is_current(figures, print_)


def log_line(log: Path, **facts: object) -> str:
    """Append one line about this run to `log` (JSON after the time, so it is read by eye and by tools)."""
    line = f"{_now()} {json.dumps(facts, ensure_ascii=False)}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return line


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

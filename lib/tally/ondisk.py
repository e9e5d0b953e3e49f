"""A dictionary kept in a temporary SQLite file, for bookkeeping that grows with an archive.

`tally extract` on an archive keeps per-source facts (the manifest's rows, the
hashes that find repeated texts) here rather than in memory, so that its memory
does not grow with the number of sources. Values are pickled. The file is SQLite's
private temporary database: no other process can open it, and it is gone when the
dictionary is closed or the process ends, killed or not.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator, MutableMapping
from typing import Any


class DiskDict(MutableMapping[str, Any]):
    """A str-keyed mapping in a temporary SQLite file; iteration is in key order.

    Writes wait in memory, at most `PENDING` of them, and go to the file together: a statement
    per item cost more than the rest of listing a folder. Reads look at the waiting writes first."""

    PENDING = 1_000

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary file SQLite deletes itself
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                               "CREATE TABLE items (key TEXT PRIMARY KEY, value BLOB)")
        self._pending: dict[str, bytes] = {}  # key -> pickled value, not yet in the file

    def __getitem__(self, key: str) -> Any:
        if key in self._pending:
            return pickle.loads(self._pending[key])
        row = self._db.execute("SELECT value FROM items WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return pickle.loads(row[0])

    def __setitem__(self, key: str, value: Any) -> None:
        self._pending[key] = pickle.dumps(value)  # pickled now: later changes to `value` are not stored
        if len(self._pending) >= self.PENDING:
            self._flush()

    def __delitem__(self, key: str) -> None:
        self._flush()
        if self._db.execute("DELETE FROM items WHERE key = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self._pending or (
            self._db.execute("SELECT 1 FROM items WHERE key = ?", (key,)).fetchone() is not None)

    def __iter__(self) -> Iterator[str]:
        self._flush()
        for (key,) in self._db.execute("SELECT key FROM items ORDER BY key"):
            yield key

    def __len__(self) -> int:
        self._flush()
        return self._db.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?)", self._pending.items())
            self._pending.clear()

    def close(self) -> None:
        self._pending.clear()
        self._db.close()

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
    """A str-keyed mapping in a temporary SQLite file; iteration is in key order."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary file SQLite deletes itself
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                               "CREATE TABLE items (key TEXT PRIMARY KEY, value BLOB)")

    def __getitem__(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM items WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return pickle.loads(row[0])

    def __setitem__(self, key: str, value: Any) -> None:
        self._db.execute("INSERT OR REPLACE INTO items VALUES (?, ?)", (key, pickle.dumps(value)))

    def __delitem__(self, key: str) -> None:
        if self._db.execute("DELETE FROM items WHERE key = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return self._db.execute("SELECT 1 FROM items WHERE key = ?", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        for (key,) in self._db.execute("SELECT key FROM items ORDER BY key"):
            yield key

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def close(self) -> None:
        self._db.close()

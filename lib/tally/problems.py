"""Problems found in the input: each names the file and says what is wrong.

An `error` means the file was left out of the batch; a `warning` means it was
loaded, with the caveat written down. Neither stops the rest of the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem with one input file."""

    source: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.source}: {self.severity}: {self.message}"


class SourceError(Exception):
    """A source that cannot be loaded; the message names the file and the problem."""

    def __init__(self, source: str, message: str):
        super().__init__(f"{source}: {message}")
        self.problem = Problem(source, message, "error")

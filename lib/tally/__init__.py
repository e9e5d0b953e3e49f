"""tally: reported figures from news articles, as data, charts and reports.

The pipeline, one module per stage, data flowing one way:
sources -> documents table (`tally.sources`) -> figures table (`tally.figures`)
-> claims (`tally.claims`) -> charts (`tally.charts`, `tally.views`) -> reports (`tally.reports`).

Names are imported on first use, so that `tally render` with nothing to do
does not pay for pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "DOCUMENTS": "tally.sources", "load_sources": "tally.sources", "read_sources": "tally.sources",
    "FIGURES": "tally.figures", "extract_figures": "tally.figures", "read_figures": "tally.figures",
    "CLAIMS": "tally.claims", "claims_table": "tally.claims",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tally' has no attribute {name!r}")

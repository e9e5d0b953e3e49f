"""Walking a Vega-Lite spec (`chart.to_dict()`): the tests that check what a chart draws read its nodes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def spec_nodes(spec: Any) -> Iterator[dict]:
    """Every object of a (layered, concatenated, faceted) spec, depth first."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from spec_nodes(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from spec_nodes(value)

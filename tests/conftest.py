"""Shared test helpers."""

from __future__ import annotations

from collections.abc import Callable

import nbformat
import pytest


def notebook_text(*sources: str, parameters: str = 'title: str = "x"  # help: title') -> str:
    """A notebook (as JSON text) with a tagged parameters cell and one code cell per source."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    notebook.cells = [cell, *(nbformat.v4.new_code_cell(source) for source in sources)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(notebook)


@pytest.fixture()
def make_notebook() -> Callable[..., str]:
    return notebook_text

"""The notebooks as committed: thin, parameterized, without outputs."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat
import pytest

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= {"figures_by_date", "outlets_compared", "source_audit"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: a code cell has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name}: a code cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_have_types_and_help(path):
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    lines = [line for line in tagged[0].source.splitlines() if line.strip()]
    statements = ast.parse(tagged[0].source).body
    assert statements and all(isinstance(s, ast.AnnAssign) for s in statements), "every parameter has a type"
    assert all("# help:" in line for line in lines), "every parameter has a '# help:' comment"
    names = {s.target.id for s in statements}
    assert {"sources_dir", "figures_path", "title"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_stay_thin(path):
    """Logic lives in lib/tally: no function or class definitions, short code cells."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in ast.walk(tree))
            assert len(cell.source.splitlines()) <= 12


@pytest.mark.slow
def test_a_notebook_run_and_saved_leaves_git_status_clean_with_the_nbstripout_filter(tmp_path):
    """Running a notebook stores its outputs in the file (as JupyterLab's save and autosave do); with
    the filter of .gitattributes installed (README: `nbstripout --install`, extra key language_info), the
    notebook has no diff and staging it leaves nothing to commit."""
    import shutil as _shutil
    import subprocess as _subprocess

    import nbformat as _nbformat
    from nbclient import NotebookClient

    repo = tmp_path / "clone"
    (repo / "notebooks").mkdir(parents=True)
    _shutil.copy(PROJECT / ".gitattributes", repo / ".gitattributes")
    target = repo / "notebooks" / "figures_by_date.ipynb"
    _shutil.copy(PROJECT / "notebooks" / "figures_by_date.ipynb", target)

    def git(*args: str) -> str:
        return _subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                               check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    _subprocess.run([str(Path(sys.executable).with_name("nbstripout")), "--install"], cwd=repo, check=True)
    git("config", "filter.nbstripout.extrakeys", "metadata.language_info")  # as the README says
    git("add", ".")
    git("commit", "-q", "-m", "notebooks")
    notebook = _nbformat.read(target, as_version=4)
    parameters = notebook.cells[1].source
    notebook.cells[1].source = parameters + f'\nsources_dir = "{PROJECT / "data" / "sources"}"'  # as a user edits it
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(PROJECT / "notebooks")}}).execute()
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    notebook.cells[1].source = parameters
    _nbformat.write(notebook, target)
    assert target.stat().st_size > 20_000  # the outputs are in the file
    assert git("diff", "--no-textconv") == ""  # the filtered notebook is the committed one
    git("add", "notebooks")  # git may list a filtered file until it is staged; staging it stages nothing
    assert git("status", "--porcelain") == ""

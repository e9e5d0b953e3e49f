"""Notebooks run from anywhere: a notebook's path parameters resolve the same from the project's folder,
the notebooks folder or a workspace."""

from __future__ import annotations

import subprocess
import sys

import pytest

from test_workspace import NOTEBOOKS, PROJECT, article, make_workspace


@pytest.mark.slow
@pytest.mark.parametrize("where", ["project", "notebooks", "workspace"])
def test_a_notebooks_paths_resolve_the_same_from_any_folder(tmp_path, where):
    """papermill from the project's folder or from notebooks/ with the same relative path, and inside a
    workspace with none (nbval and JupyterLab run the notebooks from notebooks/ with none)."""
    corpus = make_workspace(tmp_path / "corpus", article("Example Port", 1200, "Port Daily"))
    cwd = {"project": PROJECT, "notebooks": NOTEBOOKS, "workspace": corpus}[where]
    parameters = [] if where == "workspace" else ["-p", "sources_dir", "data/sources"]
    executed = tmp_path / f"{where}.ipynb"
    done = subprocess.run([sys.executable, "-m", "papermill", str(NOTEBOOKS / "source_audit.ipynb"), str(executed),
                           *parameters, "--no-progress-bar"], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    text = executed.read_text(encoding="utf-8")
    if where == "workspace":
        assert "Port Daily" in text and "Baghuz" not in text
    else:
        assert "Baghuz" in text and "Port Daily" not in text

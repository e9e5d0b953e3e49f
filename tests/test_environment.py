"""The conda environment file and pyproject.toml describe the same environment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]


def requirement_names(requirements: list[str]) -> dict[str, str]:
    """Package name (lower case, extras dropped) -> the whole requirement string."""
    names = {}
    for requirement in requirements:
        name = re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].strip().lower()
        names[name] = requirement.replace(" ", "")
    return names


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    wanted = list(pyproject["dependencies"])
    for extra in pyproject["optional-dependencies"].values():
        wanted.extend(extra)
    environment = yaml.safe_load((PROJECT / "environment.yml").read_text())
    conda_packages = [item for item in environment["dependencies"] if isinstance(item, str)]
    assert "python=3.11" in conda_packages
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    pip_requirements = [item for item in pip_section if not item.startswith("-e")]
    assert requirement_names(pip_requirements) == requirement_names(wanted)
    assert pyproject["requires-python"] == ">=3.11"

"""The README as a newcomer reads it: short, starting with the two commands, linking documents that
are there, and every shell example in it running as written from the project's folder; after them,
two workspaces side by side (the bundled corpus and the tour's collected one) update without touching
each other or the project's tracked files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")
BASH_BLOCKS = re.findall(r"^```bash\n(.*?)^```", README, re.S | re.M)
TOUR = PROJECT / "data" / "workspaces" / "tour"


def test_the_readme_is_short_and_starts_with_the_two_commands():
    assert len(README.split()) <= 4000
    first = [line for line in BASH_BLOCKS[0].splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert first[0] == "python3.11 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/tally run"
    assert first[1] == "python3.11 -m venv .venv && .venv/bin/pip install -q -e '.[test,dask]' && .venv/bin/pytest"
    ci = subprocess.run(["bash", "-c", "awk '/^```/{n++; next} n==1' README.md | grep -v '^[[:space:]]*#' "
                                       "| grep -v '^[[:space:]]*$' | sed -n 2p"], cwd=PROJECT, capture_output=True,
                        text=True, check=True)
    assert ci.stdout.strip() == first[1]  # what .ci/run reads


def test_the_readme_and_docs_link_files_that_exist_and_speak_of_the_project_only():
    documents = {path: path.read_text(encoding="utf-8") for path in [PROJECT / "README.md",
                                                                      *(PROJECT / "docs").glob("*.md")]}
    for path, text in documents.items():
        for target in re.findall(r"\]\(([^)#\s]+)\)", text):
            if not target.startswith(("http://", "https://")):
                assert (path.parent / target).exists(), f"{path.name} links {target}, which is not there"
        assert not re.search(r"\bsessions?\b", text, re.I), f"{path.name} speaks of sessions"
        assert "../shared/" not in text, f"{path.name} names a file outside the project"
    assert "(docs/report.png)" in README and (PROJECT / "docs" / "report.png").stat().st_size > 10_000
    for name in ("## A five-minute tour", "## Commands", "## Accuracy", "## Workspaces", "dev2", "check (blind)"):
        assert name in README, name


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*") if p.is_file()}


def git_status() -> str | None:
    """What git would list (tracked files changed, files it does not ignore); None outside a clone."""
    if not (PROJECT / ".git").exists():
        return None
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=PROJECT,
                          capture_output=True, text=True, check=True).stdout


def _run(block: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=PROJECT, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow
def test_the_readmes_examples_run_as_written():
    if not (PROJECT / ".venv" / "bin" / "tally").exists():
        pytest.skip("the README's commands use .venv/bin: install as its first lines say")
    made = [PROJECT / "reports" / "killed-voa.ipynb", PROJECT / "reports" / "audit.ipynb"]
    shutil.rmtree(TOUR, ignore_errors=True)
    tracked = git_status()
    try:
        main_job = BASH_BLOCKS[0].splitlines()[0].split(" && ")[-1]  # the install itself is .ci/run's
        assert main_job == ".venv/bin/tally run"
        outputs = []
        for block in [main_job, *BASH_BLOCKS[1:]]:
            done = _run(block)
            assert done.returncode == 0, f"{block}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            outputs.append(done.stdout)
        assert (PROJECT / "reports" / "index.html").is_file()
        collected, updated, looked, corrected = outputs[1:5]
        assert "6 new, 0 already there, 0 refused (6 items)" in collected
        assert '"figures": "extracted"' in updated and (TOUR / "reports" / "index.html").is_file()
        assert "VOA" in looked
        assert '"figures": "extracted"' in corrected  # the lexicon changed
        again = _run(BASH_BLOCKS[1].splitlines()[1])
        assert "0 new, 6 already there, 0 refused (6 items)" in again.stdout
        assert '"figures": "unchanged"' in _run(BASH_BLOCKS[2]).stdout
        assert all(path.is_file() for path in made)

        # two workspaces side by side: the bundled corpus updates without touching the tour's, and
        # neither touches a tracked file
        for name in ("figures.csv", "claims.csv", "figures.csv.tally.json", "update.log", ".tally.lock",
                     "reports/index.html", "reports/outlet-voa.html"):
            assert (TOUR / name).is_file(), name
        tour = snapshot(TOUR)
        bundled = _run(".venv/bin/tally update")
        assert bundled.returncode == 0, bundled.stderr
        assert f'"workspace": "{PROJECT}"' in bundled.stdout and '"figures": "unchanged"' in bundled.stdout
        assert snapshot(TOUR) == tour
        assert json.loads((PROJECT / "data" / "processed" / "figures.csv.tally.json").read_text())["workspace"] == str(PROJECT)
        assert json.loads((TOUR / "figures.csv.tally.json").read_text())["workspace"] == str(TOUR.resolve())
        assert git_status() == tracked
    finally:
        shutil.rmtree(TOUR, ignore_errors=True)
        for path in made:
            path.unlink(missing_ok=True)

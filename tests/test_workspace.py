"""Workspaces: one folder per corpus, found from the folder a command runs in; staleness judged by
content (sources, lexicons, corrections, code, notebooks), never by file times. (Two workspaces side by
side, the bundled corpus and a collected one: tests/test_readme.py, after the README's tour.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = PROJECT / "notebooks"


def tally(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("TALLY_WORKSPACE", "TALLY_LEXICON")}
    return subprocess.run([sys.executable, "-m", "tally.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env=env)


def article(place: str, number: int, outlet: str) -> dict:
    return {"url": f"http://example.org/{place.lower().replace(' ', '-')}", "title": f"Evacuation of {place}",
            "published": "2024-04-15", "outlet": outlet,
            "text": f"Evacuation of {place}\n\nOn Sunday, {number:,} residents were evacuated from {place}, the "
                    "regional governor said. Buses left the square at dawn and more were expected."}


def make_workspace(folder: Path, *articles: dict) -> Path:
    done = tally("init", str(folder))
    assert done.returncode == 0, done.stderr
    export = folder.parent / f"{folder.name}-export.jsonl"
    export.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    done = tally("collect", "-w", str(folder), "--export", str(export))
    assert done.returncode == 0, done.stderr
    return folder


def one_report(tmp_path: Path) -> Path:
    declared = tmp_path / "one-report.toml"
    declared.write_text(f'[[report]]\nname = "audit"\nnotebook = "{NOTEBOOKS / "source_audit.ipynb"}"\n'
                        'title = "Audit"\n', encoding="utf-8")
    return declared


@pytest.mark.slow
def test_a_table_made_from_other_inputs_is_never_reported_unchanged(tmp_path):
    reports = one_report(tmp_path)
    corpus = make_workspace(tmp_path / "corpus", article("Example Port", 1200, "Port Daily"))
    other = make_workspace(tmp_path / "other", article("Example Ridge", 340, "Ridge Post"))

    def update() -> str:
        done = tally("-w", str(corpus), "update", "--report-set", str(reports))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1].split(" ", 3)[-1])["figures"]

    assert update() == "extracted"
    assert update() == "unchanged"

    # the words of an article change but its file time is set back: the content says stale
    source = next((corpus / "sources").glob("*.txt"))
    stamp = source.stat()
    source.write_text(source.read_text(encoding="utf-8").replace("1,200", "1,500"), encoding="utf-8")
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns - 10**12))
    assert update() == "extracted"
    assert "1500" in (corpus / "figures.csv").read_text(encoding="utf-8")

    # the workspace's table made from another corpus's sources (by the same command, for this workspace)
    done = tally("-w", str(corpus), "extract", str(other / "sources"), "-o", str(corpus / "figures.csv"))
    assert done.returncode == 0, done.stderr
    assert "Ridge Post" in (corpus / "figures.csv").read_text(encoding="utf-8")
    assert update() == "extracted"
    assert "Ridge Post" not in (corpus / "figures.csv").read_text(encoding="utf-8")

    assert update() == "unchanged"
    written = json.loads((corpus / "figures.csv.tally.json").read_text(encoding="utf-8"))
    assert set(written["fingerprint"]) == {"sources", "lexicons", "corrections", "code", "notebooks", "version",
                                           "total"}


def test_the_fingerprint_changes_with_the_lexicons_the_corrections_and_the_sources(tmp_path, monkeypatch):
    from tally.update import needs_extract
    from tally.workspace import Workspace, fingerprint, record

    corpus = make_workspace(tmp_path / "corpus", article("Example Port", 1200, "Port Daily"))
    workspace = Workspace.at(corpus)
    monkeypatch.delenv("TALLY_LEXICON", raising=False)
    made = fingerprint(workspace.sources, workspace.corrections)
    workspace.figures.write_text("figures\n", encoding="utf-8")
    record(workspace.figures, "extract", workspace, fingerprint=made)
    assert not needs_extract(workspace.figures, fingerprint(workspace.sources, workspace.corrections))

    workspace.lexicon.write_text('[[outlet]]\nname = "Port Daily"\naliases = ["The Port Daily"]\n', encoding="utf-8")
    monkeypatch.setenv("TALLY_LEXICON", str(workspace.lexicon))  # as the command names the workspace's lexicon
    with_lexicon = fingerprint(workspace.sources, workspace.corrections)
    assert with_lexicon["lexicons"] != made["lexicons"] and needs_extract(workspace.figures, with_lexicon)
    workspace.corrections.write_text("# none yet\n", encoding="utf-8")
    corrected = fingerprint(workspace.sources, workspace.corrections)
    assert corrected["corrections"] != with_lexicon["corrections"] and needs_extract(workspace.figures, corrected)
    (workspace.sources / ".tally-partial").write_text("hidden files are never sources", encoding="utf-8")
    assert fingerprint(workspace.sources, workspace.corrections) == corrected
    (workspace.sources / "new.txt").write_text("A new article.", encoding="utf-8")
    assert fingerprint(workspace.sources, workspace.corrections)["sources"] != corrected["sources"]


def test_a_command_finds_the_workspace_it_runs_in(tmp_path):
    corpus = make_workspace(tmp_path / "corpus", article("Example Port", 1200, "Port Daily"))
    done = tally("sources", cwd=corpus / "sources")
    assert done.returncode == 0, done.stderr
    assert "Port Daily" in done.stdout and f"{corpus / 'sources'}: 1 sources loaded" in done.stderr
    extracted = tally("extract", cwd=corpus)
    assert extracted.returncode == 0 and (corpus / "figures.csv").is_file() and (corpus / "claims.csv").is_file()


def test_the_lock_and_log_of_a_workspace_inside_the_clone_are_ignored_by_git(tmp_path):
    if shutil.which("git") is None or not (PROJECT / ".git").exists():
        pytest.skip("not a git clone")
    names = ["data/processed/update.log", "data/processed/.tally.lock", "data/update.log",
             "data/sources/.tally-update.lock", "data/workspaces/mine/update.log", "data/workspaces/mine/.tally.lock",
             "data/processed/figures.csv.tally.json"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=PROJECT, capture_output=True, text=True)
    assert done.stdout.split() == names


def test_the_workspaces_corrections_file_is_applied_by_extract_and_a_stale_entry_is_named(tmp_path):
    import pandas as pd

    corpus = make_workspace(tmp_path / "corpus", article("Example Port", 1200, "Port Daily"))
    done = tally("-w", str(corpus), "extract")
    assert done.returncode == 0, done.stderr
    figures = pd.read_csv(corpus / "figures.csv")
    row = figures[figures["category"] == "evacuated"].iloc[0]
    assert row["low"] == 1200
    (corpus / "corrections.toml").write_text(
        f'[[change]]\nsource = "{row["source"]}"\nwords = "1,200 residents"\nlow = 1100\nhigh = 1300\n\n'
        f'[[reject]]\nsource = "{row["source"]}"\nwords = "99,999"\n', encoding="utf-8")

    done = tally("-w", str(corpus), "extract")
    assert done.returncode == 1  # one entry matches nothing: said, not dropped
    assert 'correction matches no text: reject "99,999"' in done.stderr
    corrected = pd.read_csv(corpus / "figures.csv")
    row = corrected[corrected["category"] == "evacuated"].iloc[0]
    assert (row["low"], row["high"]) == (1100, 1300)
    assert "corrected" in str(row["flags"])

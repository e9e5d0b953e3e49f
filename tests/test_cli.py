"""The tally command as a user meets it: tables written as CSV or Parquet with their claims named after
them, nothing overwritten that another command or workspace wrote, one line (never a traceback) for a
path that is missing or is not what it should be, and summary lines whose counts add up."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tally.cli import main as tally_main

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "data" / "sources"


def tally(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "tally.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_extract_writes_figures_and_claims_named_after_them(tmp_path, suffix):
    output = tmp_path / f"figures{suffix}"
    assert tally_main(["extract", str(BUNDLED), "-o", str(output)]) == 0
    read = pd.read_csv if suffix == ".csv" else pd.read_parquet
    figures = read(output)
    claims = read(tmp_path / f"figures.claims{suffix}")
    assert len(figures) >= 30 and set(figures["source"]) == {p.name for p in BUNDLED.glob("*.txt")}
    assert set(claims["claim_id"]) == set(figures["claim_id"])
    assert (claims["sources"] >= 1).all() and claims["sources"].max() >= 2  # some claims are in several articles
    assert not list(tmp_path.glob(".*.partial"))


def test_extract_refuses_an_unknown_table_format(tmp_path):
    with pytest.raises(SystemExit, match="unknown table format"):
        tally_main(["extract", str(BUNDLED), "-o", str(tmp_path / "figures.xlsx")])


def test_extract_leaves_an_unrelated_claims_table_alone(tmp_path, capsys):
    unrelated = tmp_path / "claims.csv"
    unrelated.write_text("claim_id,note\nc1,kept by hand\n", encoding="utf-8")
    assert tally_main(["extract", str(BUNDLED), "-o", str(tmp_path / "other.csv")]) == 0
    assert unrelated.read_text(encoding="utf-8") == "claim_id,note\nc1,kept by hand\n"
    assert (tmp_path / "other.claims.csv").is_file()
    assert f"wrote {tmp_path / 'other.csv'} and {tmp_path / 'other.claims.csv'}" in capsys.readouterr().out


def test_extract_overwrites_only_what_it_wrote_for_the_same_workspace(tmp_path, capsys):
    output = tmp_path / "figures.csv"
    output.write_text("a table made by hand\n", encoding="utf-8")
    assert tally_main(["extract", str(BUNDLED), "-o", str(output)]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (f"tally: {output}: already exists, written by something other than tally; not overwritten "
                     "(remove it, or choose another output)")
    assert output.read_text(encoding="utf-8") == "a table made by hand\n"
    output.unlink()
    assert tally_main(["extract", str(BUNDLED), "-o", str(output)]) == 0
    assert tally_main(["extract", str(BUNDLED), "-o", str(output)]) == 0  # its own table, for the same workspace
    written = json.loads((tmp_path / "figures.csv.tally.json").read_text(encoding="utf-8"))
    assert written["command"] == "extract" and written["workspace"] == str(PROJECT)

    other = tmp_path / "elsewhere"  # the same file, asked for by a command working on another workspace
    assert tally("init", str(other)).returncode == 0
    done = tally("-w", str(other), "extract", str(BUNDLED), "-o", str(output))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"tally: {output}: already exists, written by `tally extract` for workspace "
                                   f"{PROJECT}; not overwritten (remove it, or choose another output)")


def test_extract_of_a_folder_that_is_no_workspaces_sources_asks_where_the_table_goes(tmp_path, capsys):
    folder = tmp_path / "loose"
    folder.mkdir()
    assert tally_main(["extract", str(folder)]) == 2
    assert capsys.readouterr().err.startswith(f"tally: {folder}: not the sources of the workspace (the bundled "
                                              f"corpus in {PROJECT}); say where its figures go with -o FILE")


def _missing_path_cases(tmp: Path) -> list[tuple[list[str], str]]:
    missing = tmp / "missing"
    a_file = tmp / "a-file.txt"
    return [
        (["sources", str(missing)], f"tally: {missing}: no such folder of sources"),
        (["sources", str(a_file)], f"tally: {a_file}: not a folder of sources"),
        (["extract", str(missing), "-o", str(tmp / "f.csv")], f"tally: {missing}: no such folder of sources"),
        (["extract", str(a_file), "-o", str(tmp / "f.csv")], f"tally: {a_file}: not a folder of sources"),
        (["render", "--sources", str(a_file), "--out", str(tmp / "r")], f"tally: {a_file}: not a folder of sources"),
        (["score", str(missing)], f"tally: {missing}: no such folder of sources"),
        (["score", str(BUNDLED), "--gold", str(missing)], f"tally: {missing}: no such gold table"),
        (["render", "--sources", str(missing), "--out", str(tmp / "r")], f"tally: {missing}: no such folder of sources"),
        (["render", "--report-set", str(missing)], f"tally: {missing}: no such report set file"),
        (["collect", "--into", str(tmp / "s"), "--export", str(missing)], f"tally: {missing}: no such file"),
        (["collect", "--into", str(tmp / "s"), "--warc", str(missing)], f"tally: {missing}: no such file"),
        (["collect", "--into", str(tmp / "s"), "--urls", str(missing)], f"tally: {missing}: no such file"),
        (["collect", "--into", str(tmp / "s"), "--export", str(tmp)], f"tally: {tmp}: not a file"),
        (["-w", str(tmp / "w"), "update", "--export", str(missing)], f"tally: {missing}: no such file"),
        (["-w", str(missing), "update"], f"tally: {missing}: no such workspace (make one with: tally init {missing})"),
        (["-w", str(tmp), "run"], f"tally: {tmp}: not a tally workspace, it has no tally.toml (make one with: "
                                  f"tally init {tmp})"),
        (["sources", "-w", str(missing)], f"tally: {missing}: no such workspace (make one with: tally init {missing})"),
        (["init", str(a_file)], f"tally: {a_file}: exists and is not a folder"),
        (["extract", str(BUNDLED), "-o", str(tmp / "f.csv"), "--lexicon", str(missing)],
         f"tally: {missing}: cannot be read (No such file or directory)"),
    ]


def test_every_command_names_a_missing_path_in_one_line(tmp_path):
    (tmp_path / "a-file.txt").write_text("not a folder\n", encoding="utf-8")
    assert tally("init", str(tmp_path / "w")).returncode == 0
    for argv, line in _missing_path_cases(tmp_path):
        done = tally(*argv)
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        assert done.stderr.strip() == line, argv  # one line, naming the path; no traceback


def test_sources_and_extract_summaries_add_up_and_say_what_each_count_is(tmp_path):
    listed = tally("sources", str(BUNDLED))
    assert listed.returncode in (0, 1)
    found = re.search(r"(\d+) sources loaded, (\d+) files left out; (\d+) problems \((\d+) errors, (\d+) warnings\)",
                      listed.stderr)
    assert found, listed.stderr
    loaded, left_out, problems, errors, warnings = map(int, found.groups())
    assert loaded == 5 and left_out == errors and problems == errors + warnings

    done = tally("extract", str(BUNDLED), "-o", str(tmp_path / "figures.csv"))
    found = re.search(r"(\d+) sources -> (\d+) rows in the figures table \((\d+) figures in a category \+ (\d+) "
                      r"'other' numbers\) -> (\d+) claims \(rows reporting the same figure, counted once\)", done.stdout)
    assert found, done.stdout
    sources, rows, counted, other, claims = map(int, found.groups())
    figures = pd.read_csv(tmp_path / "figures.csv")
    assert (sources, rows, claims) == (5, len(figures), len(pd.read_csv(tmp_path / "figures.claims.csv")))
    assert rows == counted + other and other == int((figures["category"] == "other").sum())


def test_render_leaves_a_folder_of_someone_elses_pages_alone(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<p>my own page</p>", encoding="utf-8")
    done = tally("render", "--sources", str(BUNDLED), "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"tally: {out / 'index.html'}: already exists, written by something other "
                                   "than tally; not overwritten (remove it, or choose another output)")
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>my own page</p>"


def test_init_refuses_the_projects_tracked_folders_and_keeps_an_existing_workspace(tmp_path):
    done = tally("init", str(PROJECT / "data" / "mine"))
    assert done.returncode == 2 and "inside the project's own files" in done.stderr
    assert not (PROJECT / "data" / "mine").exists()
    assert tally("init", str(tmp_path / "w")).returncode == 0
    (tmp_path / "w" / "lexicon.toml").write_text("# mine\n", encoding="utf-8")
    again = tally("init", str(tmp_path / "w"))
    assert again.returncode == 0 and "already a workspace, nothing made" in again.stdout
    assert (tmp_path / "w" / "lexicon.toml").read_text(encoding="utf-8") == "# mine\n"

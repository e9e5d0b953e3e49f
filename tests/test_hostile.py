"""Hostile inputs (tests/hostile/, plus a 50 MB file, a link out of the folder and a canary beside it):
each gets a named error or warning, the rest of the batch goes on, and nothing outside the folder is read."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tally.figures import read_figures
from tally.sources import read_sources
from tally.streaming import extract_folder

HOSTILE = Path(__file__).resolve().parent / "hostile"
CANARY = "Exactly 777 canaries fled the aviary on Monday.\n"
# file (as the problem names it) -> severity and words of the message it must get
EXPECTED_PROBLEMS = {
    "zero.txt": ("error", "empty file"),
    "image.html": ("error", "binary file"),
    "nested.html": ("error", "HTML page with no article text"),
    "huge.txt": ("error", "over the limit"),
    "link.txt": ("error", "link leads outside the sources folder"),
    "zz-duplicate.txt": ("error", "same text as script-text.txt"),
    "../../etc/passwd": ("error", "path leads outside the sources folder"),
    "/etc/hostname": ("error", "absolute path, outside the sources folder"),
    "../outside.txt": ("error", "path leads outside the sources folder"),
    "missing.txt": ("error", "listed in the manifest but the file is missing"),
    "sources.csv line 10": ("error", "row names no file"),
    "good.txt": ("warning", "listed twice"),
    "script-text.txt": ("warning", "manifest date '31/02/2019' does not parse"),
    "cp1252.txt": ("warning", "not UTF-8"),
    "mixed-encodings.txt": ("warning", "not UTF-8"),
    "nul-bytes.txt": ("warning", "NUL characters removed"),
    "notes.pdf": ("warning", "not a .txt or .html file"),
}
# Hostile but readable: loaded, their figures read, their text kept as data.
LOADED = {"good.txt", "cp1252.txt", "mixed-encodings.txt", "nul-bytes.txt", "scripts.html", "script-text.txt",
          "long-line.txt"}
HOSTILE_INPUT_COUNT = len(EXPECTED_PROBLEMS) + len(LOADED - set(EXPECTED_PROBLEMS))


@pytest.fixture()
def hostile_folder(tmp_path: Path) -> Path:
    """The committed hostile corpus, with what is not worth committing made here."""
    folder = tmp_path / "sources"
    shutil.copytree(HOSTILE, folder)
    (tmp_path / "outside.txt").write_text(CANARY)  # what a traversal would reach
    (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    with (folder / "huge.txt").open("w") as handle:  # 50 MB, over the 5 MB limit per source
        line = "Some 12 people fled on Monday. " * 32 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    return folder


def _check_problems(problems) -> None:
    for source, (severity, words) in EXPECTED_PROBLEMS.items():
        assert any(p.source == source and p.severity == severity and words in p.message for p in problems), (
            f"{source}: no {severity} saying {words!r}; got {[str(p) for p in problems if p.source == source]}")


def test_every_hostile_input_gets_a_named_problem_and_the_rest_loads(hostile_folder):
    batch = read_sources(hostile_folder)
    _check_problems(batch.problems)
    assert set(batch.documents["source"]) == LOADED
    print(f"\nhostile inputs: {HOSTILE_INPUT_COUNT} ({len(EXPECTED_PROBLEMS)} with a named problem)")


@pytest.mark.parametrize("workers", [1, 2])
def test_extraction_goes_on_past_every_hostile_input(tmp_path, hostile_folder, workers):
    summary = extract_folder(hostile_folder, tmp_path / "figures.parquet", workers=workers, chunk_size=3,
                             claims_output=tmp_path / "claims.csv")
    _check_problems(summary.problems)
    figures = read_figures(tmp_path / "figures.parquet")
    assert summary.sources == len(LOADED)
    good = figures[figures["source"] == "good.txt"]
    assert sorted(zip(good["category"], good["best"])) == [("evacuated", 300), ("surrendered", 45)]
    assert {"scripts.html", "long-line.txt", "script-text.txt"} <= set(figures["source"])
    assert not figures["sentence"].str.contains("canaries|pwned|alert\\('inline'\\)").any()
    # Article text is data: kept verbatim here, escaped wherever it is shown (see test_reports).
    quoted = figures.loc[figures["source"] == "script-text.txt", "sentence"].iloc[0]
    assert '"<script>alert(1)</script>"' in quoted and "&amp;" in quoted


def test_nothing_outside_the_sources_folder_is_opened(tmp_path, hostile_folder):
    opened: list[str] = []
    recording = [True]

    def record(event: str, args: tuple) -> None:
        if recording[0] and event == "open" and isinstance(args[0], (str, bytes, Path)):
            opened.append(str(args[0]))

    sys.addaudithook(record)  # audit hooks cannot be removed: this one stops recording below
    try:
        read_sources(hostile_folder)
    finally:
        recording[0] = False
    resolved = [Path(path).resolve() for path in opened if not path.startswith(("/proc", "/dev"))]
    outside = [path for path in resolved if path.is_relative_to(tmp_path) and not path.is_relative_to(
        hostile_folder.resolve())]
    assert outside == [], outside
    assert Path("/etc/passwd") not in resolved and Path("/etc/hostname") not in resolved
    assert any(path.name == "good.txt" for path in resolved)  # the hook did see the reads

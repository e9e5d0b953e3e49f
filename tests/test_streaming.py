"""Extraction over an archive (tally.streaming): chunked, on several processes or Dask, equal row for
row to the whole-table extractor, bounded in what it holds, and never losing the batch to one source."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
import pytest

import tally.figures
from tally.claims import ArchiveClaims, ClaimLinker, claims_table, link_claims
from tally.cli import main as tally_main
from tally.figures import extract_figures, figures_frame, read_figures
from tally.ondisk import DiskDict
from tally.sources import load_sources
from tally.engines import InProcess, in_order
from tally.streaming import CsvTableWriter, ParquetTableWriter, extract_folder

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "data" / "sources"


@pytest.fixture(scope="module")
def whole_table() -> pd.DataFrame:
    return extract_figures(load_sources(BUNDLED))


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("workers, chunk_size", [(1, 200), (2, 2)])
def test_chunks_on_processes_equal_the_whole_table(tmp_path, whole_table, suffix, workers, chunk_size):
    output = tmp_path / f"figures{suffix}"
    summary = extract_folder(BUNDLED, output, workers=workers, chunk_size=chunk_size,
                             claims_output=tmp_path / f"claims{suffix}")
    pd.testing.assert_frame_equal(read_figures(output), whole_table, check_dtype=False)
    assert summary.sources == 5 and summary.figures == len(whole_table)
    assert summary.claims == whole_table["claim_id"].nunique()
    assert summary.outlets == sorted(whole_table["outlet"].dropna().unique())
    assert not list(tmp_path.glob(".*.partial"))


def test_dask_engine_equals_the_local_engine(tmp_path, whole_table):
    pytest.importorskip("distributed")
    local, on_dask = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    extract_folder(BUNDLED, local, workers=2, chunk_size=2)
    summary = extract_folder(BUNDLED, on_dask, engine="dask", workers=2, chunk_size=2)
    pd.testing.assert_frame_equal(read_figures(on_dask), read_figures(local))
    pd.testing.assert_frame_equal(read_figures(on_dask), whole_table, check_dtype=False)
    assert summary.sources == 5


def test_a_failing_source_is_reported_and_skipped(tmp_path, whole_table, monkeypatch):
    folder = tmp_path / "sources"
    shutil.copytree(BUNDLED, folder)
    (folder / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 50)  # cannot be read
    victim = sorted(p.name for p in BUNDLED.glob("*.txt"))[1]
    real = tally.figures.figures_in_document

    def extractor_that_breaks_on_one(document):
        if document["source"] == victim:
            raise RuntimeError("a bug the article found")
        return real(document)

    monkeypatch.setattr(tally.figures, "figures_in_document", extractor_that_breaks_on_one)
    summary = extract_folder(folder, tmp_path / "figures.parquet", workers=1, chunk_size=2)
    problems = {problem.source: problem.message for problem in summary.problems if problem.severity == "error"}
    assert "binary file" in problems["scan.txt"]
    assert "extraction failed (RuntimeError: a bug the article found); skipped" == problems[victim]
    assert summary.failed and summary.sources == 4
    expected = whole_table[whole_table["source"] != victim].reset_index(drop=True)
    got = read_figures(tmp_path / "figures.parquet")
    assert got[["source", "start", "end", "category", "low", "high"]].equals(
        expected[["source", "start", "end", "category", "low", "high"]])


def test_every_problem_is_handed_on_as_found_and_counted_but_only_the_first_are_kept(tmp_path, monkeypatch):
    import tally.streaming

    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "good.txt").write_text("Some 400 residents fled the village on Monday.\n")
    for name in ("a-empty.txt", "b-empty.txt", "c-empty.txt"):
        (folder / name).write_bytes(b"")
    (folder / "notes.docx").write_bytes(b"PK")  # not a source: a warning
    monkeypatch.setattr(tally.streaming, "KEPT_PROBLEMS", 2)
    heard = []
    summary = extract_folder(folder, tmp_path / "figures.csv", workers=1, chunk_size=2, on_problem=heard.append)
    assert (heard[0].source, heard[0].severity) == ("notes.docx", "warning")  # found while listing
    assert [p.source for p in heard if p.severity == "error"] == ["a-empty.txt", "b-empty.txt", "c-empty.txt"]
    assert any(p.source == "good.txt" and "not listed in the manifest" in p.message for p in heard)
    assert summary.problems == heard[:2]
    assert summary.problem_count == len(heard) and summary.error_count == 3 and summary.failed
    assert summary.sources == 1 and summary.counted == 1


def test_a_repeated_text_is_left_out_in_any_chunk(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    texts = {"a.txt": "Some 400 residents fled the village on Monday.\n",
             "b.txt": "Ten fighters surrendered on Tuesday.\n",
             "c.txt": "The strike killed 8 people.\n"}
    texts["z.txt"] = texts["a.txt"]  # the same text again, in a later chunk
    for name, text in texts.items():
        (folder / name).write_text(text)
    summary = extract_folder(folder, tmp_path / "figures.csv", workers=2, chunk_size=1)
    assert summary.sources == 3
    assert any(p.source == "z.txt" and "same text as a.txt" in p.message for p in summary.problems)
    assert sorted(set(read_figures(tmp_path / "figures.csv")["source"])) == ["a.txt", "b.txt", "c.txt"]


def test_an_empty_folder_gives_an_empty_table_with_its_columns(tmp_path):
    (tmp_path / "sources").mkdir()
    summary = extract_folder(tmp_path / "sources", tmp_path / "figures.parquet", claims_output=tmp_path / "c.csv")
    assert summary.sources == 0 and read_figures(tmp_path / "figures.parquet").empty
    assert list(pd.read_csv(tmp_path / "c.csv").columns)[0] == "claim_id"


def test_claims_linked_chunk_by_chunk_equal_claims_linked_whole(whole_table):
    unlinked = whole_table.assign(claim_id="")
    linker = ClaimLinker()
    pieces = [linker.link(unlinked.iloc[start:start + 4]) for start in range(0, len(unlinked), 4)]
    assert pd.concat(pieces)["claim_id"].tolist() == link_claims(unlinked)["claim_id"].tolist()
    assert link_claims(unlinked)["claim_id"].tolist() == whole_table["claim_id"].tolist()


def test_claims_kept_in_sqlite_equal_claims_kept_in_memory(whole_table):
    store = ArchiveClaims()
    linker = ClaimLinker(store)
    try:
        for start in range(0, len(whole_table), 3):
            store.add_figures(linker.link(whole_table.iloc[start:start + 3].assign(claim_id="")))
        assert store.size == len(whole_table)
        stored = pd.concat(list(store.claims_batches()), ignore_index=True)
    finally:
        store.close()
    pd.testing.assert_frame_equal(stored, claims_table(whole_table))


def test_at_most_a_window_of_chunks_is_in_flight():
    submitted: list[int] = []
    taken: list[int] = []

    def submit(task: int) -> Future:
        submitted.append(task)
        assert len(submitted) - len(taken) <= 3, "more chunks in flight than the window"
        return InProcess().submit(lambda: task)

    for task, result in in_order(InProcess(), iter(range(10)), 3, submit):
        assert task == result
        taken.append(result)
    assert taken == list(range(10))


def test_parquet_chunks_are_gathered_into_row_groups(tmp_path, whole_table, monkeypatch):
    # Each row group costs the writer memory until the file closes: chunks are gathered first.
    import pyarrow.parquet as pq

    monkeypatch.setattr(ParquetTableWriter, "ROW_GROUP_ROWS", 14)
    pieces = [whole_table.iloc[index:index + 7] for index in range(0, 35, 7)]
    assert len(whole_table) == 35
    target = tmp_path / "figures.parquet"
    with ParquetTableWriter(target) as writer:
        for piece in pieces:
            writer.write(piece)
    metadata = pq.ParquetFile(target).metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [14, 14, 7]
    pd.testing.assert_frame_equal(read_figures(target), figures_frame(whole_table))


@pytest.mark.parametrize("writer", [ParquetTableWriter, CsvTableWriter])
def test_an_interrupted_table_write_leaves_no_file(tmp_path, writer):
    target = tmp_path / f"figures{'.parquet' if writer is ParquetTableWriter else '.csv'}"
    with pytest.raises(KeyboardInterrupt):
        with writer(target) as table:
            table.write(figures_frame([]))
            raise KeyboardInterrupt  # as if Ctrl-C came between two chunks
    assert not target.exists() and not list(tmp_path.iterdir())


def test_extract_command_options(tmp_path, capsys):
    output = tmp_path / "figures.parquet"
    assert tally_main(["extract", str(BUNDLED), "-o", str(output), "--workers", "2", "--chunk-size", "2"]) == 0
    assert "5 sources ->" in capsys.readouterr().out
    assert tally_main(["extract", str(BUNDLED), "-o", str(output), "--scheduler", "tcp://nowhere:8786"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
    assert tally_main(["extract", str(tmp_path / "missing"), "-o", str(output)]) == 2


def test_a_disk_dict_behaves_as_a_dict():
    store = DiskDict()
    store["b.txt"] = {"outlet": "VOA"}
    store["a.txt"] = None
    assert list(store) == ["a.txt", "b.txt"] and len(store) == 2 and "a.txt" in store and "c.txt" not in store
    assert store["b.txt"] == {"outlet": "VOA"} and store.get("c.txt") is None
    assert store.setdefault("a.txt", "other") is None  # the first value stays, as DuplicateFilter needs
    del store["a.txt"]
    with pytest.raises(KeyError):
        store["a.txt"]
    store.close()


def test_a_disk_dict_reads_its_waiting_writes_as_it_reads_the_file(monkeypatch):
    # Writes wait in memory (at most PENDING) before they go to the file; reads, overwrites,
    # deletions, counts and key order must be the same whether a key waits or is in the file.
    monkeypatch.setattr(DiskDict, "PENDING", 3)
    store, expected = DiskDict(), {}
    for index in [5, 1, 4, 1, 5, 9, 2, 6, 5, 3]:
        key = f"source-{index}.txt"
        value = {"index": index, "seen": expected.get(key, {"seen": 0})["seen"] + 1}
        store[key] = value
        expected[key] = dict(value)
        value["seen"] = -1  # changed after it was stored: the stored value stays as it was
        assert key in store and store[key] == expected[key]
    assert len(store) == len(expected) and list(store) == sorted(expected)
    store["source-7.txt"] = "waiting"
    assert store.setdefault("source-7.txt", "other") == "waiting" and "source-8.txt" not in store
    del store["source-7.txt"]
    assert "source-7.txt" not in store and len(store) == len(expected)
    with pytest.raises(KeyError):
        del store["source-7.txt"]
    assert all(store[key] == value for key, value in expected.items())
    store.close()


def test_a_disk_dict_leaves_no_file_even_when_its_process_is_killed(tmp_path):
    # SQLite puts its temporary files in $SQLITE_TMPDIR; the child fills a store, then kills itself.
    child = ("import os, signal\n"
             "from tally.ondisk import DiskDict\n"
             "store = DiskDict()\n"
             "for index in range(20000): store[f'source-{index}.txt'] = 'x' * 200\n"
             "assert len(store) == 20000\n"
             "print(len(os.listdir(os.environ['SQLITE_TMPDIR'])), flush=True)\n"
             "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", child], env={**os.environ, "SQLITE_TMPDIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.strip() == "0"  # no file to be seen even while the store is open
    assert list(tmp_path.iterdir()) == []

"""Exports collected as given: outlet names whole, a day that reads two ways refused unless an order is
given, and counts that say what was new, already there and refused. The articles are written here."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tally.collect import collect


def _text(place: str, number: int) -> str:
    return (f"Fighting near {place}\n\nOn Monday, {number:,} residents were evacuated from {place}, officials "
            "said. Buses left the square at dawn and more were expected during the day.")


def write_export(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def tally(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tally.cli", *args], capture_output=True, text=True, timeout=300)


def test_an_exports_outlet_is_kept_whole(tmp_path):
    export = write_export(tmp_path / "export.jsonl", [
        {"url": "http://example.org/1", "title": "Port", "published": "2024-04-03", "outlet": "Politico Europe",
         "text": _text("Example Port", 1200)},
        {"url": "http://example.org/2", "title": "Ridge", "published": "2024-04-03", "outlet": "BBC News Arabic",
         "text": _text("Example Ridge", 300)}])
    result = collect(tmp_path / "sources", exports=[export])
    assert result.refused == 0 and len(result.added) == 2
    assert [row["outlet"] for row in manifest(tmp_path / "sources")] == ["Politico Europe", "BBC News Arabic"]


@pytest.mark.parametrize(("order", "expected"), [(None, None), ("day", "2024-04-03"), ("month", "2024-03-04")])
def test_a_day_that_reads_two_ways_is_refused_unless_an_order_is_given(tmp_path, order, expected):
    export = write_export(tmp_path / "export.jsonl", [
        {"url": "http://example.org/a", "title": "A", "published": "03/04/2024", "outlet": "Example Daily",
         "text": _text("Example Port", 1200)},
        {"url": "http://example.org/b", "title": "B", "published": "13/04/2024", "outlet": "Example Daily",
         "text": _text("Example Ridge", 300)},
        {"url": "http://example.org/c", "title": "C", "published": "04/04/2024", "outlet": "Example Daily",
         "text": _text("Example Hill", 40)}])
    result = collect(tmp_path / "sources", exports=[export], day_order=order)
    days = {row["url"]: row["published"] for row in manifest(tmp_path / "sources")}
    assert days["http://example.org/c"] == "2024-04-04"  # the same day either way
    if order == "month":  # 13/04/2024 is no date month first: refused, named
        assert "http://example.org/b" not in days
        assert [str(p) for p in result.problems] == [
            "export.jsonl line 2: error: day '13/04/2024' is not a date read month first; left out"]
    else:
        assert days["http://example.org/b"] == "2024-04-13"  # only one reading is a date
    if order is None:
        assert "http://example.org/a" not in days
        assert [str(p) for p in result.problems] == [
            "export.jsonl line 1: error: day '03/04/2024' is ambiguous: 3 April 2024 read day first, 4 March 2024 "
            "read month first; collect again with --day-first or --month-first"]
    else:
        assert days["http://example.org/a"] == expected


def test_the_day_options_reach_the_collector_from_the_command(tmp_path):
    export = write_export(tmp_path / "export.jsonl", [
        {"url": "http://example.org/a", "title": "A", "published": "03/04/2024", "outlet": "Example Daily",
         "text": _text("Example Port", 1200)}])
    refused = tally("collect", "--into", str(tmp_path / "s"), "--export", str(export))
    assert refused.returncode == 1 and "--day-first or --month-first" in refused.stderr
    assert "0 new, 0 already there, 1 refused (1 items)" in refused.stdout
    taken = tally("collect", "--into", str(tmp_path / "s"), "--export", str(export), "--day-first")
    assert taken.returncode == 0 and manifest(tmp_path / "s")[0]["published"] == "2024-04-03"
    both = tally("collect", "--into", str(tmp_path / "s"), "--export", str(export), "--day-first", "--month-first")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr and "Traceback" not in both.stderr


def test_collecting_an_export_again_counts_every_article_as_already_there(tmp_path):
    rows = [{"url": f"http://example.org/{n}", "title": f"T{n}", "published": "2024-04-03", "outlet": "Example Daily",
             "text": _text(f"Example Town {n}", 100 + n)} for n in range(40)]
    rows.append({"url": "http://example.org/empty", "title": "Empty", "outlet": "Example Daily"})  # no text: refused
    export = write_export(tmp_path / "export.jsonl", rows)
    first = tally("collect", "--into", str(tmp_path / "s"), "--export", str(export))
    assert "40 new, 0 already there, 1 refused (41 items)" in first.stdout, first.stdout
    second = tally("collect", "--into", str(tmp_path / "s"), "--export", str(export))
    assert "0 new, 40 already there, 1 refused (41 items)" in second.stdout, second.stdout
    assert len(manifest(tmp_path / "s")) == 40

"""The tally command's extract stage: tables written as CSV or Parquet, with claims beside them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tally.cli import main as tally_main

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_extract_writes_figures_and_claims(tmp_path, suffix):
    output = tmp_path / f"figures{suffix}"
    assert tally_main(["extract", str(PROJECT / "data" / "sources"), "-o", str(output)]) == 0
    read = pd.read_csv if suffix == ".csv" else pd.read_parquet
    figures = read(output)
    claims = read(tmp_path / f"claims{suffix}")
    assert len(figures) >= 30 and set(figures["source"]) == {p.name for p in (PROJECT / "data" / "sources").glob("*.txt")}
    assert set(claims["claim_id"]) == set(figures["claim_id"])
    assert (claims["sources"] >= 1).all() and claims["sources"].max() >= 2  # some claims are in several articles
    assert not list(tmp_path.glob(".*.partial"))


def test_extract_refuses_an_unknown_table_format(tmp_path):
    with pytest.raises(SystemExit, match="unknown table format"):
        tally_main(["extract", str(PROJECT / "data" / "sources"), "-o", str(tmp_path / "figures.xlsx")])

"""The `tally` command: one subcommand per pipeline stage, and `run` for the whole job."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from tally.problems import Problem

DEFAULT_SOURCES = Path("data/sources")
DEFAULT_FIGURES = Path("data/processed/figures.csv")
DEFAULT_REPORTS = Path("reports")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tally", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    sources = commands.add_parser("sources", help="list the sources in a folder and the problems found")
    sources.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SOURCES)
    sources.set_defaults(handler=command_sources)

    run = commands.add_parser("run", help="the main job: load sources, extract figures, render the reports")
    run.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    run.add_argument("--out", type=Path, default=DEFAULT_REPORTS, help="folder for the reports")
    run.set_defaults(handler=command_run)

    args = parser.parse_args(argv)
    return args.handler(args)


def print_problems(problems: list[Problem]) -> None:
    """Problems go to standard error, one line each, naming the file."""
    for problem in problems:
        print(str(problem), file=sys.stderr)


def command_sources(args: argparse.Namespace) -> int:
    from tally.sources import read_sources

    batch = read_sources(args.folder)
    table = batch.documents.assign(
        characters=batch.documents["text"].str.len(),
        published=batch.documents["published"].dt.strftime("%Y-%m-%d"),
    )[["source", "outlet", "site", "published", "title", "characters", "warnings"]]
    with pd.option_context("display.max_colwidth", 48, "display.width", 200, "display.max_rows", 200):
        print(table.fillna("").to_string(index=False))
    print(f"\n{len(table)} sources loaded, {len(batch.problems)} problems", file=sys.stderr)
    print_problems(batch.problems)
    return 1 if batch.problems else 0


def command_run(args: argparse.Namespace) -> int:
    status = command_sources(argparse.Namespace(folder=args.sources))
    return status


if __name__ == "__main__":
    sys.exit(main())

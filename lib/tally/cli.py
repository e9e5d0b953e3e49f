"""The `tally` command: one subcommand per pipeline stage, and `run` for the whole job."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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

    extract = commands.add_parser("extract", help="extract the figures table from a folder of sources")
    extract.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SOURCES)
    extract.add_argument("-o", "--output", type=Path, default=DEFAULT_FIGURES,
                         help="where to write the figures: .csv or .parquet (default %(default)s)")
    extract.set_defaults(handler=command_extract)

    score = commands.add_parser("score", help="score the extractor against an annotated gold table")
    score.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SOURCES)
    score.add_argument("--gold", type=Path, default=Path("data/gold/seeds.csv"))
    score.add_argument("--show", action="store_true", help="list each miss")
    score.set_defaults(handler=command_score)

    render = commands.add_parser("render", help="render the report set into HTML (only what changed)")
    _render_options(render)
    render.set_defaults(handler=command_render)

    run = commands.add_parser("run", help="the main job: load sources, extract figures, render the reports")
    _render_options(run)
    run.set_defaults(handler=command_run)

    args = parser.parse_args(argv)
    return args.handler(args)


def _render_options(parser: argparse.ArgumentParser) -> None:
    from tally.reports import DEFAULT_CELL_TIMEOUT, DEFAULT_REPORT_SET

    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="folder of sources (default %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_REPORTS, help="folder for the reports (default %(default)s)")
    parser.add_argument("--force", action="store_true", help="render every report, changed or not")
    parser.add_argument("--report-set", type=Path, default=DEFAULT_REPORT_SET,
                        help="file declaring the reports (default notebooks/reports.toml)")
    parser.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT,
                        help="seconds any one notebook cell may run (default %(default)s)")
    parser.add_argument("--workers", type=int, default=None, help="reports rendered at once (default: one per core)")


def print_problems(problems: list[Problem]) -> None:
    """Problems go to standard error, one line each, naming the file."""
    for problem in problems:
        print(str(problem), file=sys.stderr)


def command_sources(args: argparse.Namespace) -> int:
    import pandas as pd

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


def command_extract(args: argparse.Namespace) -> int:
    from tally.claims import claims_table
    from tally.figures import extract_figures
    from tally.files import write_table
    from tally.sources import read_sources

    if args.output.suffix.lower() not in (".csv", ".parquet"):  # say so before the work, not after
        raise SystemExit(f"tally: {args.output}: unknown table format (use .csv or .parquet)")
    batch = read_sources(args.folder)
    print_problems(batch.problems)
    figures = extract_figures(batch.documents)
    write_table(figures, args.output)
    claims_path = args.output.with_name(f"claims{args.output.suffix}")
    write_table(claims_table(figures), claims_path)
    counted = figures[figures["category"] != "other"]
    print(f"{len(batch.documents)} sources -> {len(counted)} figures ({len(figures) - len(counted)} other) "
          f"-> {counted['claim_id'].nunique()} claims; wrote {args.output} and {claims_path}")
    return 1 if any(p.severity == "error" for p in batch.problems) else 0


def command_score(args: argparse.Namespace) -> int:
    from tally.evaluation import read_gold, score_figures
    from tally.figures import extract_figures
    from tally.sources import read_sources

    documents = read_sources(args.folder).documents
    gold = read_gold(args.gold, dict(zip(documents["source"], documents["text"])))
    score = score_figures(extract_figures(documents), gold)
    if args.show:
        print("\n".join(score.misses))
    print(score.summary())
    return 0


def command_render(args: argparse.Namespace) -> int:
    from tally.reports import ReportSetError, render, tqdm_progress

    if not args.sources.is_dir():
        print(f"tally: {args.sources}: no such folder of sources", file=sys.stderr)
        return 2
    try:
        summary = render(args.sources, args.out, report_set=args.report_set, force=args.force,
                         cell_timeout=args.cell_timeout, workers=args.workers, progress=tqdm_progress)
    except ReportSetError as error:
        print(f"tally: {error}", file=sys.stderr)
        return 2
    print(summary.table())
    return 1 if summary.failed else 0


def command_run(args: argparse.Namespace) -> int:
    """The main job: every stage in order, saying what each wrote, ending at reports/index.html."""
    status = command_sources(argparse.Namespace(folder=args.sources))
    status |= command_extract(argparse.Namespace(folder=args.sources, output=DEFAULT_FIGURES))
    status |= command_render(args)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""The `tally` command: one subcommand per pipeline stage, and `run` for the whole job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from tally.problems import Problem

DEFAULT_SOURCES = Path("data/sources")
DEFAULT_FIGURES = Path("data/processed/figures.csv")
DEFAULT_REPORTS = Path("reports")


def main(argv: list[str] | None = None) -> int:
    # --lexicon is taken before or after the subcommand: "tally extract DIR --lexicon mine.toml"
    lexicon = argparse.ArgumentParser(add_help=False)
    lexicon.add_argument("--lexicon", type=Path, action="append", default=argparse.SUPPRESS, metavar="FILE",
                         help="a user lexicon (TOML: armed groups, outlets, bodies, countries) laid over the "
                              "bundled one; may be given more than once (see README, 'Lexicons')")
    parser = argparse.ArgumentParser(prog="tally", description=__doc__, parents=[lexicon])
    commands = parser.add_subparsers(dest="command", required=True)
    _add_parser = commands.add_parser
    commands.add_parser = lambda *a, **k: _add_parser(*a, parents=[lexicon], **k)  # type: ignore[method-assign]

    collect = commands.add_parser("collect", help="bring articles into a sources folder from URLs, feeds, "
                                                  "WARC files and exports (only what is new)")
    collect.add_argument("--into", type=Path, default=DEFAULT_SOURCES, help="sources folder (default %(default)s)")
    _collect_inputs(collect)
    collect.add_argument("--workers", type=int, default=None,
                         help="processes reading WARC and export pages (default: one per core)")
    collect.add_argument("--chunk-size", type=int, default=50, help="pages per task (default %(default)s)")
    collect.set_defaults(handler=command_collect)

    sources = commands.add_parser("sources", help="list the sources in a folder and the problems found")
    sources.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SOURCES)
    sources.set_defaults(handler=command_sources)

    extract = commands.add_parser("extract", help="extract the figures table from a folder of sources")
    extract.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SOURCES)
    extract.add_argument("-o", "--output", type=Path, default=DEFAULT_FIGURES,
                         help="where to write the figures: .csv or .parquet (default %(default)s); "
                              "claims are written beside it (claims.csv or claims.parquet)")
    extract.add_argument("--corrections", type=Path, default=None, metavar="FILE",
                         help="the analyst's corrections to apply (default: corrections.toml in the sources "
                              "folder, when there is one; see docs/corrections.md)")
    _extract_options(extract)
    extract.set_defaults(handler=command_extract)

    score = commands.add_parser("score", help="score the extractor against an annotated gold table")
    score.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SOURCES)
    score.add_argument("--gold", type=Path, default=None,
                       help="gold table (default: gold.csv beside the folder, else data/gold/seeds.csv)")
    score.add_argument("--show", action="store_true", help="list each miss")
    score.set_defaults(handler=command_score)

    render = commands.add_parser("render", help="render the report set into HTML (only what changed)")
    _render_options(render)
    render.set_defaults(handler=command_render)

    run = commands.add_parser("run", help="the main job: load sources, extract figures, render the reports")
    _render_options(run)
    run.set_defaults(handler=command_run)

    update = commands.add_parser("update", help="the scheduled job: collect what is new, extract, render "
                                                "(incremental; one run at a time)")
    _render_options(update)
    _collect_inputs(update)
    update.add_argument("--figures", type=Path, default=DEFAULT_FIGURES, help="figures table (default %(default)s)")
    update.add_argument("--wait", type=float, default=0.0,
                        help="seconds to wait for a running update to finish (default: do not wait)")
    update.add_argument("--log", type=Path, default=Path("data/update.log"),
                        help="file that gets one line per run (default %(default)s)")
    update.set_defaults(handler=command_update)

    args = parser.parse_args(argv)
    if getattr(args, "lexicon", None) and not _use_lexicon(args.lexicon):
        return 2
    _stop_cleanly_on_sigterm()
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("tally: interrupted; files being written were left as they were before", file=sys.stderr)
        return 130


def _stop_cleanly_on_sigterm() -> None:
    """Treat SIGTERM (a scheduler stopping the job) like Ctrl-C: clean-up code runs, partial files go."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)


def _extract_options(parser: argparse.ArgumentParser) -> None:
    # Literal here, checked again by tally.streaming: building the parser must not import pandas,
    # so that `tally render` with nothing to do stays fast.
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local: processes on this machine; dask: a Dask cluster (pip install 'tally[dask]')")
    parser.add_argument("--scheduler", default=None,
                        help="with --engine dask: the scheduler's address (default: a local cluster for the run)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--chunk-size", type=int, default=None,
                        help="sources per task; memory grows with chunk size times workers (default: four chunks "
                             "a worker, 50 to 1,000 sources each)")


def _collect_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--urls", type=Path, action="append", default=[], metavar="FILE",
                        help="a file of article addresses, one a line")
    parser.add_argument("--feed", action="append", default=[], metavar="URL", help="an RSS or Atom feed")
    parser.add_argument("--warc", type=Path, action="append", default=[], metavar="FILE",
                        help="a WARC or WARC.gz file (HTML response records)")
    parser.add_argument("--export", type=Path, action="append", default=[], metavar="FILE",
                        help="a JSON Lines or CSV export with a text or HTML column")
    parser.add_argument("--column", action="append", default=[], metavar="FIELD=NAME",
                        help="the export column holding FIELD (url, title, published, outlet, site, author, "
                             "html, text), when it is not one of the usual names")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="where WARC and export pages are read (and, for update, figures extracted): "
                             "local processes, or a Dask cluster (pip install 'tally[dask]')")
    parser.add_argument("--scheduler", default=None,
                        help="with --engine dask: the scheduler's address (default: a local cluster for the run)")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a server")


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
        print_problem(problem)


def print_problem(problem: Problem) -> None:
    """One problem on standard error, above the progress bar if one is drawn."""
    from tqdm import tqdm

    tqdm.write(str(problem), file=sys.stderr)


def command_collect(args: argparse.Namespace) -> int:
    """Collect what is new; one line per problem naming the URL, record or row; exit 1 on errors."""
    from tally.collect import Fetcher, collect

    columns = _collect_columns(args.column)
    if columns is None:
        return 2
    if args.engine != "dask" and args.scheduler:
        print("tally: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    for path in [*args.urls, *args.warc, *args.export]:
        if not path.is_file():
            print(f"tally: {path}: no such file", file=sys.stderr)
            return 2
    fetcher = Fetcher(timeout=args.timeout, delay=args.delay) if (args.urls or args.feed) else None
    try:
        result = collect(args.into, urls=args.urls, feeds=args.feed, warcs=args.warc, exports=args.export,
                         columns=columns, fetcher=fetcher, engine=args.engine, workers=args.workers,
                         scheduler=args.scheduler, chunk_size=args.chunk_size)
    finally:
        if fetcher is not None:
            fetcher.close()
    print_problems(result.problems)
    errors = sum(problem.severity == "error" for problem in result.problems)
    print(f"collected {len(result.added)} new articles into {args.into} ({result.skipped} already there); "
          f"{len(result.problems)} problems, {errors} of them errors")
    return 1 if errors else 0


def _collect_columns(pairs: list[str]) -> dict[str, str] | None:
    columns: dict[str, str] = {}
    if not pairs:  # a scheduled run with nothing to map must not pay for importing the collector
        return columns
    from tally.collect import EXPORT_COLUMNS

    for pair in pairs:
        name, _, column = pair.partition("=")
        if name not in EXPORT_COLUMNS or not column:
            print(f"tally: --column {pair!r}: want FIELD=NAME with FIELD one of {', '.join(EXPORT_COLUMNS)}",
                  file=sys.stderr)
            return None
        columns[name] = column
    return columns


def command_update(args: argparse.Namespace) -> int:
    """Collect, extract when the sources changed, render what is stale; one log line; exit status
    0 (all well), 1 (some item, extraction or report failed), 2 (bad options), 75 (another update runs)."""
    from tally.update import EXIT_BUSY, UpdateBusy, log_line, needs_extract, update_lock

    columns = _collect_columns(args.column)
    if columns is None:
        return 2
    try:
        with update_lock(args.sources, args.wait):
            collected, problems, errors = 0, 0, 0
            if args.urls or args.feed or args.warc or args.export:
                from tally.collect import Fetcher, collect

                fetcher = Fetcher(timeout=args.timeout, delay=args.delay) if (args.urls or args.feed) else None
                try:
                    result = collect(args.sources, urls=args.urls, feeds=args.feed, warcs=args.warc,
                                     exports=args.export, columns=columns, fetcher=fetcher, engine=args.engine,
                                     workers=args.workers, scheduler=args.scheduler)
                finally:
                    if fetcher is not None:
                        fetcher.close()
                print_problems(result.problems)
                collected, problems = len(result.added), len(result.problems)
                errors = sum(problem.severity == "error" for problem in result.problems)
            figures = None
            status = 1 if errors else 0
            if needs_extract(args.sources, args.figures):
                extract = argparse.Namespace(folder=args.sources, output=args.figures, engine=args.engine,
                                             scheduler=args.scheduler, workers=args.workers, chunk_size=None)
                status |= command_extract(extract)
                figures = "extracted"
            render_status = command_render(args)
            status |= render_status
            line = log_line(args.log, collected=collected, collect_problems=problems, collect_errors=errors,
                            figures=figures or "unchanged", render_failed=bool(render_status), exit=status)
            print(f"tally update: {line}")
            return status
    except UpdateBusy as busy:
        print(f"tally: {busy}", file=sys.stderr)
        return EXIT_BUSY


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
    from tally.streaming import extract_folder, table_writer_for

    try:
        table_writer_for(args.output)  # say so before the work, not after
    except ValueError as error:
        raise SystemExit(f"tally: {error}") from None
    if not args.folder.is_dir():
        print(f"tally: {args.folder}: no such folder of sources", file=sys.stderr)
        return 2
    if args.engine != "dask" and args.scheduler:
        print("tally: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    claims_path = args.output.with_name(f"claims{args.output.suffix}")
    summary = extract_folder(args.folder, args.output, engine=args.engine, workers=args.workers,
                             chunk_size=args.chunk_size, scheduler=args.scheduler, claims_output=claims_path,
                             progress=tqdm_sources, on_problem=print_problem)
    print(f"{summary.sources} sources -> {summary.counted} figures ({summary.figures - summary.counted} other) "
          f"-> {summary.claims} claims in {summary.seconds:.1f} s; wrote {args.output} and {claims_path}"
          + (f"; {summary.problem_count} problems, {summary.error_count} of them errors"
             if summary.problem_count else ""))
    from tally.corrections import apply_corrections_file

    corrected = apply_corrections_file(args.folder, args.output, claims_path, getattr(args, "corrections", None))
    return 1 if summary.failed or not corrected else 0


def tqdm_sources(total: int) -> Callable[[int], None]:
    """A progress bar over the sources, on standard error (silent when it is not a terminal)."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc="extract", unit="source", file=sys.stderr, disable=None)

    def advance(done: int) -> None:
        bar.update(done)
        if bar.n >= total:
            bar.close()

    return advance


def command_score(args: argparse.Namespace) -> int:
    from tally.evaluation import read_gold, score_figures
    from tally.figures import extract_figures
    from tally.sources import read_sources

    gold_path = args.gold
    if gold_path is None:  # data/dev/sources has its gold at data/dev/gold.csv
        beside = args.folder.resolve().parent / "gold.csv"
        gold_path = beside if beside.is_file() else Path("data/gold/seeds.csv")
    documents = read_sources(args.folder).documents
    gold = read_gold(gold_path, dict(zip(documents["source"], documents["text"])))
    score = score_figures(extract_figures(documents), gold)
    if args.show:
        print("\n".join(score.misses))
    print(score.summary())
    print("right per category:", score.category_summary())
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


def _use_lexicon(files: list[Path]) -> bool:
    """Name the user lexicon files for this process and the workers it starts (through the
    environment, which every worker inherits), and check that they can be read."""
    import os

    variable = "TALLY_LEXICON"  # tally.lexicon.ENVIRONMENT_VARIABLE: set before that module reads it
    earlier = [part for part in os.environ.get(variable, "").split(os.pathsep) if part.strip()]
    os.environ[variable] = os.pathsep.join([*earlier, *(str(path.resolve()) for path in files)])
    if "tally.lexicon" in sys.modules:
        raise RuntimeError("--lexicon must be read before the extractor is imported")
    try:
        import tally.lexicon  # noqa: F401  (reads the bundled lexicon and the user files)
    except ValueError as error:  # tally.lexicon.LexiconError
        print(f"tally: {error}", file=sys.stderr)
        return False
    return True


def command_run(args: argparse.Namespace) -> int:
    """The main job: every stage in order, saying what each wrote, ending at reports/index.html."""
    status = command_sources(argparse.Namespace(folder=args.sources))
    status |= command_extract(argparse.Namespace(folder=args.sources, output=DEFAULT_FIGURES, engine="local",
                                                 scheduler=None, workers=args.workers, chunk_size=None))
    status |= command_render(args)
    return status


def console() -> int:
    """`main` as the installed `tally` command runs it: a process of its own.

    pandera loads hypothesis, where it is installed, to offer the synthesis of test data: a third of
    a second at the first table checked, in every run. The command never synthesises data, so its
    process does without (tests and notebooks that import tally keep hypothesis)."""
    if "hypothesis" not in sys.modules:
        sys.modules["hypothesis"] = None  # type: ignore[assignment]  # "import hypothesis" now fails at once
    return main()


if __name__ == "__main__":
    sys.exit(console())

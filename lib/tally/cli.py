"""The `tally` command: one subcommand per pipeline stage, `run` for the whole job and `update` for the
scheduled one. Every command works on one workspace (`tally init DIR`; `-w DIR`, or run inside it;
the bundled corpus by default) and writes nowhere else unless told where."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from tally.problems import Problem, SourceError
from tally.workspace import Workspace, WorkspaceError, open_workspace, workspace_of


def main(argv: list[str] | None = None) -> int:
    # --lexicon is taken before or after the subcommand: "tally extract DIR --lexicon mine.toml"
    lexicon = argparse.ArgumentParser(add_help=False)
    lexicon.add_argument("--lexicon", type=Path, action="append", default=argparse.SUPPRESS, metavar="FILE",
                         help="a user lexicon (TOML: armed groups, outlets, bodies, countries) laid over the "
                              "bundled one and the workspace's lexicon.toml; may be given more than once")
    lexicon.add_argument("-w", "--workspace", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                         help="the workspace to work on (default: the one the current folder is in, "
                              "else the bundled corpus)")
    parser = argparse.ArgumentParser(prog="tally", description=__doc__, parents=[lexicon])
    commands = parser.add_subparsers(dest="command", required=True)
    _add_parser = commands.add_parser
    commands.add_parser = lambda *a, **k: _add_parser(*a, parents=[lexicon], **k)  # type: ignore[method-assign]

    init = commands.add_parser("init", help="make a folder a workspace: sources/, lexicon.toml, tally.toml")
    init.add_argument("folder", type=Path)
    init.set_defaults(handler=command_init)

    collect = commands.add_parser("collect", help="bring articles into a sources folder from URLs, feeds, "
                                                  "WARC files and exports (only what is new)")
    collect.add_argument("--into", type=Path, default=None, help="sources folder (default: the workspace's)")
    _collect_inputs(collect)
    collect.add_argument("--workers", type=int, default=None,
                         help="processes reading WARC and export pages (default: one per core)")
    collect.add_argument("--chunk-size", type=int, default=50, help="pages per task (default %(default)s)")
    collect.set_defaults(handler=command_collect)

    sources = commands.add_parser("sources", help="list the sources in a folder and the problems found")
    sources.add_argument("folder", type=Path, nargs="?", default=None, help="(default: the workspace's sources)")
    sources.set_defaults(handler=command_sources)

    extract = commands.add_parser("extract", help="extract the figures table from a folder of sources")
    extract.add_argument("folder", type=Path, nargs="?", default=None, help="(default: the workspace's sources)")
    extract.add_argument("-o", "--output", type=Path, default=None,
                         help="where to write the figures: .csv or .parquet (default: the workspace's "
                              "figures.csv; needed for a folder that is no workspace's sources); claims go "
                              "beside it, named after it (other.csv -> other.claims.csv)")
    extract.add_argument("--corrections", type=Path, default=None, metavar="FILE",
                         help="the analyst's corrections to apply (default: the workspace's corrections.toml, "
                              "or corrections.toml in a folder that is no workspace's sources, when there is "
                              "one; see docs/corrections.md)")
    _extract_options(extract)
    extract.set_defaults(handler=command_extract)

    score = commands.add_parser("score", help="score the extractor against an annotated gold table")
    score.add_argument("folder", type=Path, nargs="?", default=None, help="(default: the workspace's sources)")
    score.add_argument("--gold", type=Path, default=None,
                       help="gold table (default: gold.csv beside the folder, else data/gold/seeds.csv)")
    score.add_argument("--show", action="store_true", help="list each miss")
    score.set_defaults(handler=command_score)

    render = commands.add_parser("render", help="render the report set into HTML (only what changed)")
    _render_options(render)
    render.set_defaults(handler=command_render)

    run = commands.add_parser("run", help="the main job: load sources, extract figures, render the reports")
    _render_options(run, paths=False)
    run.set_defaults(handler=command_run)

    update = commands.add_parser("update", help="the scheduled job: collect what is new, extract, render "
                                                "(incremental; one run at a time)")
    _render_options(update, paths=False)
    _collect_inputs(update)
    update.add_argument("--wait", type=float, default=0.0,
                        help="seconds to wait for a running update to finish (default: do not wait)")
    update.set_defaults(handler=command_update)

    args = parser.parse_args(argv)
    try:
        if args.command != "init":
            args.workspace = _workspace_for(args)
            lexicons = [*args.workspace.user_lexicons(), *getattr(args, "lexicon", [])]
            if lexicons and not _use_lexicon(lexicons):
                return 2
        _stop_cleanly_on_sigterm()
        return args.handler(args)
    except KeyboardInterrupt:
        print("tally: interrupted; files being written were left as they were before", file=sys.stderr)
        return 130
    except (WorkspaceError, SourceError) as error:
        print(f"tally: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a path that is missing, unreadable or not what it should be: one line naming it
        print(f"tally: {_os_error(error)}", file=sys.stderr)
        return 2


def _os_error(error: OSError) -> str:
    name = error.filename if error.filename is not None else ""
    what = error.strerror or str(error)
    return f"{name}: {what.lower() if what[:1].isupper() and what[1:2].islower() else what}" if name else what


def _not_a_folder(path: Path) -> str:
    return f"{path}: {'not a folder of sources' if path.exists() else 'no such folder of sources'}"


def _workspace_for(args: argparse.Namespace) -> Workspace:
    """-w DIR, else the workspace whose sources folder the command was given, else the one the
    current folder is in (the bundled corpus outside any)."""
    if getattr(args, "workspace", None) is not None:
        return open_workspace(args.workspace)
    given = getattr(args, "folder", None) or getattr(args, "sources", None) or getattr(args, "into", None)
    return (workspace_of(given) if given is not None else None) or open_workspace(None)


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
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="day_order", action="store_const", const="day", default=None,
                       help="read an export's numeric days as day/month/year (03/04/2024: 3 April)")
    order.add_argument("--month-first", dest="day_order", action="store_const", const="month",
                       help="read an export's numeric days as month/day/year (03/04/2024: 4 March); without "
                            "either, a day that reads both ways is refused, naming its row")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a server")


def _render_options(parser: argparse.ArgumentParser, paths: bool = True) -> None:
    from tally.reports import DEFAULT_CELL_TIMEOUT, DEFAULT_REPORT_SET

    if paths:
        parser.add_argument("--sources", type=Path, default=None, help="folder of sources (default: the workspace's)")
        parser.add_argument("--out", type=Path, default=None,
                            help="folder for the reports (default: the workspace's reports/; needed with "
                                 "--sources of no workspace)")
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


def command_init(args: argparse.Namespace) -> int:
    """Make a folder a workspace; say what was made and what to do next."""
    from tally.workspace import init

    workspace, made = init(args.folder)
    print(f"workspace {workspace.root}: " + (f"made {', '.join(p.name + ('/' if p.is_dir() else '') for p in made)}"
                                             if made else "already a workspace, nothing made"))
    print(f"next: put articles in {workspace.sources} (tally collect -w {args.folder} --export FILE ...), "
          f"then: tally update -w {args.folder}")
    return 0


def _check_inputs(args: argparse.Namespace) -> bool:
    for path in [*args.urls, *args.warc, *args.export]:
        if not path.is_file():
            print(f"tally: {path}: {'not a file' if path.exists() else 'no such file'}", file=sys.stderr)
            return False
        if not os.access(path, os.R_OK):
            print(f"tally: {path}: not readable", file=sys.stderr)
            return False
    if args.engine != "dask" and args.scheduler:
        print("tally: --scheduler needs --engine dask", file=sys.stderr)
        return False
    return True


def _collect(args: argparse.Namespace, into: Path, columns: dict[str, str], **options: object):
    from tally.collect import Fetcher, collect

    fetcher = Fetcher(timeout=args.timeout, delay=args.delay) if (args.urls or args.feed) else None
    try:
        return collect(into, urls=args.urls, feeds=args.feed, warcs=args.warc, exports=args.export,
                       columns=columns, fetcher=fetcher, engine=args.engine, workers=args.workers,
                       scheduler=args.scheduler, day_order=args.day_order, **options)
    finally:
        if fetcher is not None:
            fetcher.close()


def command_collect(args: argparse.Namespace) -> int:
    """Collect what is new; one line per problem naming the URL, record or row; exit 1 on errors."""
    columns = _collect_columns(args.column)
    if columns is None or not _check_inputs(args):
        return 2
    into = args.into or args.workspace.sources
    result = _collect(args, into, columns, chunk_size=args.chunk_size)
    print_problems(result.problems)
    print(f"collect into {into}: {result.counts()}")
    return 1 if result.refused else 0


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
    """Collect into the workspace, extract when its inputs changed (by content), render what is stale;
    one log line; exit status 0 (all well), 1 (some item, extraction or report failed), 2 (bad
    options or paths), 75 (another update runs on this workspace)."""
    from tally.update import EXIT_BUSY, UpdateBusy, log_line, needs_extract, update_lock
    from tally.workspace import fingerprint

    workspace: Workspace = args.workspace
    columns = _collect_columns(args.column)
    if columns is None or not _check_inputs(args):
        return 2
    try:
        with update_lock(workspace.lock, args.wait, name=workspace.name):
            collected: dict[str, int] = {}
            status = 0
            if args.urls or args.feed or args.warc or args.export:
                result = _collect(args, workspace.sources, columns)
                print_problems(result.problems)
                collected = {"new": len(result.added), "already_there": result.already_there,
                             "refused": result.refused, "warnings": result.warnings}
                status = 1 if result.refused else 0
            if not workspace.sources.is_dir():
                print(f"tally: {workspace.sources}: no such folder of sources (collect into it first)",
                      file=sys.stderr)
                return 2
            figures = "unchanged"
            if needs_extract(workspace.figures, fingerprint(workspace.sources, workspace.corrections)):
                extract = argparse.Namespace(folder=workspace.sources, output=workspace.figures, engine=args.engine,
                                             scheduler=args.scheduler, workers=args.workers, chunk_size=None,
                                             workspace=workspace)
                status |= command_extract(extract)
                figures = "extracted"
            args.sources, args.out = workspace.sources, workspace.reports
            render_status = command_render(args)
            status |= render_status
            line = log_line(workspace.log, workspace=str(workspace.root), collected=collected, figures=figures,
                            render_failed=bool(render_status), exit=status)
            print(f"tally update: {line}")
            return status
    except UpdateBusy as busy:
        print(f"tally: {busy}", file=sys.stderr)
        return EXIT_BUSY


def command_sources(args: argparse.Namespace) -> int:
    folder = args.folder or args.workspace.sources
    if not folder.is_dir():  # said before the imports: a wrong path answers at once
        print(f"tally: {_not_a_folder(folder)}", file=sys.stderr)
        return 2
    import pandas as pd

    from tally.sources import read_sources

    batch = read_sources(folder)
    table = batch.documents.assign(
        characters=batch.documents["text"].str.len(),
        published=batch.documents["published"].dt.strftime("%Y-%m-%d"),
    )[["source", "outlet", "site", "published", "title", "characters", "warnings"]]
    with pd.option_context("display.max_colwidth", 48, "display.width", 200, "display.max_rows", 200):
        print(table.fillna("").to_string(index=False))
    errors = sum(problem.severity == "error" for problem in batch.problems)
    print(f"\n{folder}: {len(table)} sources loaded, {errors} files left out; "
          f"{len(batch.problems)} problems ({errors} errors, {len(batch.problems) - errors} warnings)",
          file=sys.stderr)
    print_problems(batch.problems)
    return 1 if batch.problems else 0


def command_extract(args: argparse.Namespace) -> int:
    workspace: Workspace = args.workspace
    folder = args.folder or workspace.sources
    output = args.output
    if not folder.is_dir():  # said before the imports: a wrong path answers at once
        print(f"tally: {_not_a_folder(folder)}", file=sys.stderr)
        return 2
    from tally.streaming import extract_folder, table_writer_for
    from tally.workspace import check_may_write, fingerprint, record

    if output is None:
        if folder.resolve() != workspace.sources.resolve():
            print(f"tally: {folder}: not the sources of the workspace ({workspace.name}); say where its figures "
                  f"go with -o FILE, or make it a workspace (tally init)", file=sys.stderr)
            return 2
        output = workspace.figures
    try:
        table_writer_for(output)  # say so before the work, not after
    except ValueError as error:
        raise SystemExit(f"tally: {error}") from None
    if args.engine != "dask" and args.scheduler:
        print("tally: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    claims_path = workspace.claims_for(output)
    for path in (output, claims_path):
        check_may_write(path, "extract", workspace)
    # the workspace's own file; a plain folder keeps its own among its sources
    corrections = getattr(args, "corrections", None) or workspace.corrections_for(folder)
    made_from = fingerprint(folder, corrections)
    output.parent.mkdir(parents=True, exist_ok=True)
    summary = extract_folder(folder, output, engine=args.engine, workers=args.workers,
                             chunk_size=args.chunk_size, scheduler=args.scheduler, claims_output=claims_path,
                             progress=tqdm_sources, on_problem=print_problem)
    from tally.corrections import apply_corrections_file

    # applied before the tables are recorded as made: a corrected table is what this command wrote
    corrected = apply_corrections_file(folder, output, claims_path,
                                       corrections if (getattr(args, "corrections", None) or corrections.is_file()) else None)
    for path, table in ((output, "figures"), (claims_path, "claims")):
        record(path, "extract", workspace, table=table, sources=str(folder.resolve()), fingerprint=made_from)
    print(f"{summary.sources} sources -> {summary.figures} rows in the figures table ({summary.counted} figures "
          f"in a category + {summary.figures - summary.counted} 'other' numbers) -> {summary.claims} claims "
          f"(rows reporting the same figure, counted once) in {summary.seconds:.1f} s; wrote {output} and "
          f"{claims_path}"
          + (f"; {summary.problem_count} problems ({summary.error_count} errors, "
             f"{summary.problem_count - summary.error_count} warnings)" if summary.problem_count else ""))
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
    from tally.workspace import PROJECT_DIR

    folder = args.folder or args.workspace.sources
    if not folder.is_dir():
        print(f"tally: {_not_a_folder(folder)}", file=sys.stderr)
        return 2
    gold_path = args.gold
    if gold_path is None:  # data/dev/sources has its gold at data/dev/gold.csv
        beside = folder.resolve().parent / "gold.csv"
        gold_path = beside if beside.is_file() else PROJECT_DIR / "data" / "gold" / "seeds.csv"
    if not gold_path.is_file():
        print(f"tally: {gold_path}: no such gold table", file=sys.stderr)
        return 2
    from tally.evaluation import read_gold, score_figures
    from tally.figures import extract_figures
    from tally.sources import read_sources

    documents = read_sources(folder).documents
    gold = read_gold(gold_path, dict(zip(documents["source"], documents["text"])))
    score = score_figures(extract_figures(documents), gold)
    if args.show:
        print("\n".join(score.misses))
    print(score.summary())
    print("right per category:", score.category_summary())
    return 0


def command_render(args: argparse.Namespace) -> int:
    from tally.reports import ReportSetError, render, tqdm_progress
    from tally.workspace import ENVIRONMENT_VARIABLE, check_may_write, fingerprint, read_sidecar, record

    workspace: Workspace = args.workspace
    sources = getattr(args, "sources", None) or workspace.sources
    out = getattr(args, "out", None)
    if not sources.is_dir():
        print(f"tally: {_not_a_folder(sources)}", file=sys.stderr)
        return 2
    if out is None:
        if sources.resolve() != workspace.sources.resolve():
            print(f"tally: {sources}: not the sources of the workspace ({workspace.name}); say where its reports "
                  f"go with --out DIR, or make it a workspace (tally init)", file=sys.stderr)
            return 2
        out = workspace.reports
    if not args.report_set.is_file():
        print(f"tally: {args.report_set}: no such report set file", file=sys.stderr)
        return 2
    index = out / "index.html"  # reports of an earlier tally carry no record of who wrote them, only their state
    if index.exists() and (read_sidecar(index) or not (out / ".tally-render.json").is_file()):
        check_may_write(index, "render", workspace)
    corrections = workspace.corrections_for(sources)
    inputs = fingerprint(sources, corrections)
    before = os.environ.get(ENVIRONMENT_VARIABLE)
    os.environ[ENVIRONMENT_VARIABLE] = str(workspace.root)  # the notebooks' kernels resolve paths in it
    try:
        summary = render(sources, out, report_set=args.report_set, force=args.force,
                         cell_timeout=args.cell_timeout, workers=args.workers, progress=tqdm_progress,
                         inputs_key=inputs["lexicons"] + inputs["corrections"], corrections=corrections)
    except ReportSetError as error:
        print(f"tally: {error}", file=sys.stderr)
        return 2
    finally:
        if before is None:
            os.environ.pop(ENVIRONMENT_VARIABLE, None)
        else:
            os.environ[ENVIRONMENT_VARIABLE] = before
    if index.is_file():
        record(index, "render", workspace, sources=str(sources.resolve()))
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
    """The main job on the workspace: every stage in order, saying what each wrote, ending at its
    reports/index.html."""
    workspace: Workspace = args.workspace
    status = command_sources(argparse.Namespace(folder=workspace.sources, workspace=workspace))
    status |= command_extract(argparse.Namespace(folder=workspace.sources, output=workspace.figures, engine="local",
                                                 scheduler=None, workers=args.workers, chunk_size=None,
                                                 workspace=workspace))
    args.sources, args.out = workspace.sources, workspace.reports
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

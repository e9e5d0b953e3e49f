"""Stage 5: charts -> reports. Renders the report set into HTML that works offline.

The set of reports is declared in one file (`notebooks/reports.toml`): which
notebook, which parameters, which output name; an entry with `for_each =
"outlet"` (or "category") becomes one report per outlet (category) found.
`render` extracts the figures once, runs each stale notebook with papermill (in
parallel, one kernel each, every cell under a time limit), exports it without
code through nbconvert, inlines the chart libraries once per page, and writes
`index.html` linking the reports.

A report is stale when its notebook, parameters, sources or the library
changed (a fingerprint of each is kept in `.tally-render.json`). A report that
fails keeps its previous HTML; its executed notebook is kept for debugging.
Every file is written beside its target and renamed into place, so an
interrupted run leaves no half-written report.

This module imports only the standard library at the top, so that a run with
nothing to do answers in well under a second.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tally.files import remove_stale_partials, write_atomically

LIBRARY_DIR = Path(__file__).resolve().parent
PROJECT_DIR = LIBRARY_DIR.parents[1]
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
DEFAULT_REPORT_SET = NOTEBOOKS_DIR / "reports.toml"
STATE_FILE = ".tally-render.json"
BUILD_DIR = ".build"  # inside the reports folder: figures table, executed and failed notebooks
FOR_EACH = ("outlet", "category")
DEFAULT_CELL_TIMEOUT = 120
MAX_LISTED_PROBLEMS = 100  # the index lists this many problems with the sources, and counts the rest


class ReportSetError(ValueError):
    """The report set file is missing, malformed, or names something that does not exist."""


@dataclass(frozen=True)
class ReportSpec:
    """One report to render: a notebook, its parameters, and the name of its HTML file."""

    name: str
    notebook: Path
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def html_name(self) -> str:
        return f"{self.name}.html"


@dataclass
class ReportResult:
    """What happened to one report in a run."""

    spec: ReportSpec
    status: str  # "rendered", "unchanged", "failed"
    seconds: float = 0.0
    error: str = ""
    size_bytes: int = 0


def slug(text: str) -> str:
    """A file-name-safe form of `text`: 'Breitbart News' -> 'breitbart-news'."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned or "unnamed"


def read_report_set(path: Path, outlets: Iterable[str] = (), categories: Iterable[str] = (),
                    outlet_articles: dict[str, int] | None = None) -> list[ReportSpec]:
    """The reports declared in `path`, with `for_each` entries expanded over the outlets or categories given.

    An entry for each outlet with `min_articles = N` makes a report only for the outlets with at
    least N articles (`outlet_articles`), and one more, named with `{outlet}` = "other-outlets",
    for the rest together (its `outlets` parameter lists them)."""
    try:
        declared = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ReportSetError(f"{path}: report set file not found") from error
    except tomllib.TOMLDecodeError as error:
        raise ReportSetError(f"{path}: not valid TOML: {error}") from error
    values = {"outlet": sorted(set(outlets)), "category": sorted(set(categories))}
    reports: list[ReportSpec] = []
    for number, entry in enumerate(declared.get("report", []), start=1):
        where = f"{path}: report {number}"
        missing = [key for key in ("name", "notebook") if key not in entry]
        if missing:
            raise ReportSetError(f"{where}: missing {', '.join(missing)}")
        notebook = (path.parent / entry["notebook"]).resolve()
        if not notebook.is_file():
            raise ReportSetError(f"{where}: notebook {entry['notebook']!r} not found")
        parameters = entry.get("parameters", {})
        if not isinstance(parameters, dict):
            raise ReportSetError(f"{where}: parameters must be a table")
        each = entry.get("for_each")
        if each is None:
            reports.append(ReportSpec(slug(entry["name"]), notebook, entry.get("title", entry["name"]), parameters))
            continue
        if each not in FOR_EACH:
            raise ReportSetError(f"{where}: for_each must be one of {', '.join(FOR_EACH)}, not {each!r}")
        expanded, rest = values[each], []
        least = entry.get("min_articles")
        if least is not None:
            if each != "outlet" or not isinstance(least, int) or least < 1:
                raise ReportSetError(f"{where}: min_articles must be a whole number, with for_each = \"outlet\"")
            counts = outlet_articles or {}
            expanded = [value for value in values[each] if counts.get(value, 0) >= least]
            rest = [value for value in values[each] if counts.get(value, 0) < least]
        for value in expanded:
            fill = {each: value}
            reports.append(ReportSpec(
                slug(entry["name"].format(**{each: slug(value)})), notebook,
                entry.get("title", entry["name"]).format(**fill),
                {key: (item.format(**fill) if isinstance(item, str) else item) for key, item in parameters.items()}))
        if rest:
            listed = ",".join(rest)
            fill = {each: f"the {len(rest)} outlets with fewer than {least} articles"}
            reports.append(ReportSpec(
                slug(entry["name"].format(**{each: "other-outlets"})), notebook,
                entry.get("title", entry["name"]).format(**fill),
                {key: (item.format(**{each: listed}) if isinstance(item, str) else item)
                 for key, item in parameters.items()}))
    names = [report.name for report in reports]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ReportSetError(f"{path}: more than one report is named {', '.join(duplicated)}")
    return reports


# ---- fingerprints ---------------------------------------------------------------------------

def fingerprint_files(paths: Iterable[Path], root: Path) -> str:
    """A digest of the files' names (relative to `root`) and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def sources_fingerprint(sources: Path) -> str:
    """The sources' files, but hidden ones (".tally-update.lock"), which tally never reads as sources."""
    return fingerprint_files((p for p in sources.rglob("*") if p.is_file()
                              and not any(part.startswith(".") for part in p.relative_to(sources).parts)), sources)


def library_fingerprint() -> str:
    return fingerprint_files((p for p in LIBRARY_DIR.rglob("*") if p.is_file() and p.suffix in (".py", ".css", ".j2",
                                                                                                  ".json")),
                             LIBRARY_DIR)


def report_key(spec: ReportSpec, sources_key: str, library_key: str) -> str:
    """What a report's HTML depends on: notebook, title, parameters, sources and library."""
    digest = hashlib.sha256()
    digest.update(spec.notebook.read_bytes())
    digest.update(json.dumps({"title": spec.title, "parameters": spec.parameters}, sort_keys=True).encode())
    digest.update(sources_key.encode())
    digest.update(library_key.encode())
    return digest.hexdigest()


# ---- files ---------------------------------------------------------------------------------

def remove_partials(folder: Path) -> list[Path]:
    """Remove half-written files an interrupted run left behind; return them."""
    build = folder / BUILD_DIR
    folders = [folder, *(p for p in build.rglob("*") if p.is_dir()), build] if build.is_dir() else [folder]
    return [path for each in folders for path in remove_stale_partials(each)]


def read_state(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


# ---- one report -----------------------------------------------------------------------------

PAGE_STYLE = (LIBRARY_DIR / "report.css")


def _page(title: str, header: str, body: str, head_script: str = "") -> str:
    """An HTML page with tally's style inline: the shell of every report and of the index."""
    script = f"<script>{head_script}</script>\n" if head_script else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<style>{PAGE_STYLE.read_text(encoding='utf-8')}</style>\n{script}</head>\n<body>\n"
        f"<header class=\"tally-header\">\n{header}</header>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def page_html(title: str, body: str, generated_at: str, sources_count: int, parameters: dict[str, Any]) -> str:
    """A whole report page: the body exported from the notebook, the chart libraries inlined once if it has charts."""
    from tally.offline import vega_script

    shown = "; ".join(f"{key} = {_short_value(value)}" for key, value in parameters.items()
                      if value not in ("", None, []))
    header = (f"<p><a href=\"index.html\">All reports</a></p>\n<h1>{html.escape(title)}</h1>\n"
              f"<p class=\"tally-meta\">Generated {html.escape(generated_at)} from {sources_count} sources"
              + (f" · {html.escape(shown)}" if shown else "") + "</p>\n")
    # Only pages with a chart carry the chart libraries (0.9 MB); article text cannot fake the
    # marker, since its quotes are escaped.
    has_chart = '<div class="tally-chart"' in body
    return _page(title, header, body, head_script=vega_script() if has_chart else "")


def _short_value(value: Any, shown: int = 3) -> str:
    """A parameter as the page's header shows it: a long list of outlets as its first few and how many more."""
    items = [item.strip() for item in str(value).split(",")]
    if len(items) <= shown + 1:
        return str(value)
    return f"{', '.join(items[:shown])} and {len(items) - shown:,} more"


def export_body(notebook: Any) -> str:
    """The notebook's cells as HTML, without code or prompts; its Vega-Lite chart outputs (drawn by
    JupyterLab itself in the notebook) become snippets drawn by the page's inlined libraries."""
    from nbconvert import HTMLExporter
    from nbformat import from_dict

    from tally.offline import report_chart_output

    for cell in notebook.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [from_dict(report_chart_output(o)) for o in cell.get("outputs", [])
                               if o.get("output_type") != "stream"]
    # Cells tagged "notebook-only" (the notebook's own heading) give way to the page's header.
    notebook.cells = [c for c in notebook.cells if "notebook-only" not in c.get("metadata", {}).get("tags", [])]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(notebook)
    return body


_WARM_UP = "import tally.charts, tally.claims, tally.figures, tally.sources, tally.views"


def _run_code(km: Any, code: str, timeout: float) -> None:
    """Run `code` in the kernel of `km` and wait for it to finish."""
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        client.execute_interactive(code, timeout=timeout, store_history=False)
    finally:
        client.stop_channels()


@functools.lru_cache(maxsize=1)  # one class for every kernel, built on first use
def _death_aware_client_class() -> type:
    """A blocking kernel client whose waits for a message notice when the kernel has died.

    Our kernels are blocking `KernelManager`s (the pool runs its own code in them), so
    nbclient waits for their messages with blocking calls (without a limit, or for the
    whole cell's time): its check that the kernel is alive never gets to run, and a
    kernel killed mid-cell (out of memory, SIGKILL) would hang the report. These channels wait a
    second at a time and, between waits, ask the kernel's manager whether it lives.
    """
    from queue import Empty

    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_client.channels import ZMQSocketChannel
    from nbclient.exceptions import DeadKernelError
    from traitlets import Type

    class DeathAwareChannel(ZMQSocketChannel):
        kernel_alive: Callable[[], bool] = staticmethod(lambda: True)

        def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                wait = 1.0 if deadline is None else min(1.0, max(0.0, deadline - time.monotonic()))
                try:
                    return super().get_msg(timeout=wait)
                except Empty:
                    if not self.kernel_alive():
                        raise DeadKernelError("the kernel died (killed, or out of memory)") from None
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

    class DeathAwareClient(BlockingKernelClient):
        shell_channel_class = Type(DeathAwareChannel)
        iopub_channel_class = Type(DeathAwareChannel)

        def start_channels(self, *args: Any, **kwargs: Any) -> None:
            super().start_channels(*args, **kwargs)
            manager = self.parent
            if manager is not None and hasattr(manager, "is_alive"):
                for channel in (self.shell_channel, self.iopub_channel):
                    channel.kernel_alive = manager.is_alive

    return DeathAwareClient


class KernelPool:
    """One warm Python kernel per worker thread, reused from report to report.

    Starting a kernel and importing pandas and Altair costs seconds; a report's own
    cells cost a fraction of that. Between reports the kernel's namespace is cleared
    (`%reset -f`); a kernel that failed a report (error, time-out, death) is replaced.
    Kernel output goes to `.build/kernel-N.log`.
    """

    def __init__(self, cwd: Path, logs: Path) -> None:
        self.cwd, self.logs = cwd, logs
        self._local = threading.local()
        self._all: list[Any] = []
        self._warm: list[Any] = []
        self._warming: list[threading.Thread] = []
        self._lock = threading.Lock()

    def get(self) -> Any:
        km = getattr(self._local, "km", None)
        if km is None or not km.is_alive():
            for thread in self._warming:
                thread.join()
            with self._lock:
                km = self._warm.pop() if self._warm else None
        if km is not None and km.is_alive():
            try:
                _run_code(km, "%reset -f", timeout=60)  # a clean namespace; imported modules stay warm
            except Exception:  # noqa: BLE001 - a kernel that does not answer (a loaded machine) is replaced
                self._local.km = km
                self.discard()
            else:
                self._local.km = km
                return km
        return self._start()

    def warm(self, count: int) -> None:
        """Start `count` kernels now and import the library in them, in the background, while the
        caller extracts the figures; each worker thread then picks up one already warm."""
        for _ in range(count):
            thread = threading.Thread(target=self._warm_one, daemon=True)
            thread.start()
            self._warming.append(thread)

    def _warm_one(self) -> None:
        km = self._start(keep=False)
        try:
            _run_code(km, _WARM_UP, timeout=120)
        except Exception:  # noqa: BLE001 - a kernel that cannot warm up is replaced when used
            pass
        with self._lock:
            self._warm.append(km)

    def _start(self, keep: bool = True) -> Any:
        from jupyter_client import KernelManager

        with self._lock:
            number = len(self._all)
            self.logs.mkdir(parents=True, exist_ok=True)
            log = open(self.logs / f"kernel-{number}.log", "ab")  # noqa: SIM115 - closed with the pool
            km = KernelManager(kernel_name="python3")
            km.client_factory = _death_aware_client_class()
            self._all.append((km, log))
        km.start_kernel(cwd=str(self.cwd), stdout=log, stderr=log)
        if keep:
            self._local.km = km
        return km

    def discard(self) -> None:
        """Drop this thread's kernel (after a failure), so that the next report gets a fresh one."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - it may be dead already
                pass

    def close(self) -> None:
        for thread in self._warming:
            thread.join()
        for km, log in self._all:
            try:
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - shutting down what may be dead already
                pass
            log.close()


class CellTimer:
    """Every cell's time limit, kept by the renderer itself.

    nbclient's own `timeout` is not applied when the kernel is supplied (as the warm
    kernels are), so each cell start arms a timer that interrupts the kernel, and
    kills it if the interrupt is not heard within a few seconds.
    """

    def __init__(self, km: Any, seconds: float, grace: float = 5.0) -> None:
        self.km, self.seconds, self.grace = km, seconds, grace
        self.expired = False
        self._timer: threading.Timer | None = None

    def start(self, **_: Any) -> None:
        self.stop()
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def stop(self, **_: Any) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self.expired = True
        try:
            self.km.interrupt_kernel()
        except Exception:  # noqa: BLE001 - the kernel may be gone; killing below covers it
            pass
        self._timer = threading.Timer(self.grace, self._kill)
        self._timer.daemon = True
        self._timer.start()

    def _kill(self) -> None:
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - already dead
            pass


def render_one(spec: ReportSpec, out: Path, common: dict[str, Any], generated_at: str, sources_count: int,
               cell_timeout: int, kernels: KernelPool) -> ReportResult:
    """Run one report's notebook and write its HTML; on failure keep the old HTML and the failed notebook."""
    import nbformat
    import papermill

    started = time.perf_counter()
    build = out / BUILD_DIR
    executed = build / "executed" / f"{spec.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    parameters = {**common, **spec.parameters, "title": spec.title}
    try:
        km = kernels.get()
        timer = CellTimer(km, cell_timeout)
        try:
            notebook = papermill.execute_notebook(
                str(spec.notebook), str(executed), parameters=parameters, kernel_name="python3", km=km,
                execution_timeout=cell_timeout, progress_bar=False, log_output=False,
                on_cell_start=timer.start, on_cell_executed=timer.stop)
        finally:
            timer.stop()
        if timer.expired:
            raise TimeoutError(f"a cell ran longer than {cell_timeout} s")
        body = export_body(nbformat.from_dict(notebook))
        page = page_html(spec.title, body, generated_at, sources_count, dict(spec.parameters))
        write_atomically(out / spec.html_name, page)
    except Exception as error:  # noqa: BLE001 - any failure of one report must leave the others running
        kernels.discard()
        failed = build / "failed" / f"{spec.name}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if executed.exists():
            os.replace(executed, failed)
        return ReportResult(spec, "failed", time.perf_counter() - started, _short_error(error))
    (build / "failed" / f"{spec.name}.ipynb").unlink(missing_ok=True)
    return ReportResult(spec, "rendered", time.perf_counter() - started,
                        size_bytes=(out / spec.html_name).stat().st_size)


def _short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    name = getattr(error, "ename", type(error).__name__)
    value = getattr(error, "evalue", text[-1] if text else "")
    return f"{name}: {value}"[:300]


# ---- the whole set -----------------------------------------------------------------------------

@dataclass
class RenderSummary:
    results: list[ReportResult]
    seconds: float
    index: Path
    sources_count: int

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "failed"]

    def table(self) -> str:
        lines = [f"{'report':<34} {'status':<10} {'seconds':>8} {'size KB':>8}"]
        for r in self.results:
            size = f"{r.size_bytes / 1024:,.0f}" if r.size_bytes else ""
            lines.append(f"{r.spec.name:<34} {r.status:<10} {r.seconds:>8.1f} {size:>8}")
            if r.error:
                lines.append(f"    {r.error}")
        lines.append(f"{len(self.results)} reports, {len(self.failed)} failed, {self.seconds:.1f} s; index: {self.index}")
        return "\n".join(lines)


def render(sources: Path, out: Path, report_set: Path = DEFAULT_REPORT_SET, force: bool = False,
           cell_timeout: int = DEFAULT_CELL_TIMEOUT, workers: int | None = None,
           progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
           inputs_key: str = "", corrections: Path | None = None) -> RenderSummary:
    """Render every stale report of the set into `out`, then `out/index.html`; `inputs_key` stands
    for what else the figures depend on (the lexicons and corrections), so that a change to it
    renders every report again."""
    started = time.perf_counter()
    sources, out = sources.resolve(), out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    remove_partials(out)
    state = read_state(out)
    sources_key, library_key = sources_fingerprint(sources) + inputs_key, library_fingerprint()
    data_key = hashlib.sha256(f"{sources_key}{library_key}".encode()).hexdigest()
    build = out / BUILD_DIR
    figures_path = build / "figures.parquet"
    kernels = KernelPool(cwd=report_set.parent.resolve(), logs=build)
    workers = workers or os.cpu_count() or 1
    try:
        if force or state.get("data_key") != data_key or not figures_path.exists():
            kernels.warm(workers)  # every report will be stale: start kernels while extracting
            facts = _build_figures(sources, figures_path, corrections)
        else:
            facts = state["facts"]
        specs = read_report_set(report_set, facts["outlets"], facts["categories"], facts.get("outlet_articles"))
    except BaseException:
        kernels.close()
        raise
    previous = state.get("reports", {})
    keys = {spec.name: report_key(spec, sources_key, library_key) for spec in specs}
    stale = [spec for spec in specs if force or previous.get(spec.name, {}).get("key") != keys[spec.name]
             or not (out / spec.html_name).exists()]
    generated_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    common = {"sources_dir": str(sources), "figures_path": str(figures_path)}
    results: dict[str, ReportResult] = {
        spec.name: ReportResult(spec, "unchanged") for spec in specs if spec not in stale}
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(stale))))
    try:
        futures = [pool.submit(render_one, spec, out, common, generated_at, facts["sources"], cell_timeout,
                               kernels) for spec in stale]
        done = as_completed(futures)
        for future in (progress(done, len(futures)) if progress else done):
            result = future.result()
            results[result.spec.name] = result
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM): stop the kernels first, so that the reports running now
        # end at once; none of them replaces a good page, and pages are only ever renamed whole.
        kernels.close()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    kernels.close()
    reports_state = {}
    for spec in specs:
        result = results[spec.name]
        before = previous.get(spec.name, {})
        if result.status == "rendered":
            reports_state[spec.name] = {"key": keys[spec.name], "title": spec.title, "rendered_at": generated_at,
                                        "seconds": round(result.seconds, 2), "status": "ok"}
        elif result.status == "failed":
            reports_state[spec.name] = {**before, "key": "", "title": spec.title, "status": "failed",
                                        "error": result.error}
        else:
            reports_state[spec.name] = before
    new_state = {"data_key": data_key, "facts": facts, "reports": reports_state}
    index = out / "index.html"
    if stale or not index.exists() or new_state != state:
        write_atomically(index, index_html(specs, reports_state, out, facts, generated_at))
        write_atomically(out / STATE_FILE, json.dumps(new_state, indent=1, sort_keys=True))
    ordered = [results[spec.name] for spec in specs]
    return RenderSummary(ordered, time.perf_counter() - started, index, facts["sources"])


def _build_figures(sources: Path, figures_path: Path, corrections_file: Path | None = None) -> dict[str, Any]:
    """Extract the figures once for all reports, corrected by `corrections_file` (by default the sources
    folder's); return the facts the report set expands over."""
    from tally.streaming import extract_folder

    summary = extract_folder(sources, figures_path)
    corrections = _apply_corrections(sources, figures_path, corrections_file)
    return {
        "sources": summary.sources,
        "problems": (corrections + [str(problem) for problem in summary.problems])[:MAX_LISTED_PROBLEMS],
        "problem_count": summary.problem_count + len(corrections),
        "figures": summary.counted,
        "outlets": summary.outlets,
        "outlet_articles": _articles_per_outlet(figures_path),
        "categories": summary.categories,
        "extract_seconds": round(summary.seconds, 2),
    }


def _apply_corrections(sources: Path, figures_path: Path, path: Path | None = None) -> list[str]:
    """Apply a corrections file, if there is one (by default the sources folder's; `tally.corrections`);
    what went wrong, in words."""
    from tally.corrections import CorrectionsError, correct_files, default_path

    path = path if path is not None else default_path(sources)
    if not path.is_file():
        return []
    try:
        result = correct_files(figures_path, path, sources)
    except CorrectionsError as error:
        return [str(error)]
    return [f"{path.name}: correction matches no text: {c.name}" for c in result.unmatched]


def _articles_per_outlet(figures_path: Path) -> dict[str, int]:
    """How many articles with figures each outlet has, from the figures file."""
    from tally.figures import read_figures

    figures = read_figures(figures_path)
    return {str(k): int(v) for k, v in figures.dropna(subset=["outlet"]).groupby("outlet")["source"].nunique().items()}


def index_html(specs: list[ReportSpec], reports_state: dict[str, Any], out: Path, facts: dict[str, Any],
               generated_at: str) -> str:
    """The page linking every report, with when it was generated and from how many sources."""
    rows = []
    for spec in specs:
        entry = reports_state.get(spec.name, {})
        exists = (out / spec.html_name).exists()
        status = entry.get("status", "missing")
        link = (f'<a href="{html.escape(spec.html_name, quote=True)}">{html.escape(spec.title)}</a>'
                if exists else html.escape(spec.title))
        note = html.escape(entry.get("error", "")) if status == "failed" else ""
        if status == "failed" and exists:
            note = "showing the last good version; " + note
        rows.append(f"<tr class=\"tally-{html.escape(status)}\"><td>{link}</td><td>{html.escape(status)}</td>"
                    f"<td>{html.escape(entry.get('rendered_at', '—'))}</td><td>{note}</td></tr>")
    listed = facts.get("problems", [])
    problems = "".join(f"<li>{html.escape(p)}</li>" for p in listed)
    more = facts.get("problem_count", len(listed)) - len(listed)
    if more > 0:
        problems += f"<li>… and {more:,} more: <code>tally sources DIR</code> lists them all.</li>"
    problem_block = (f"<h2>Problems with the sources</h2><ul>{problems}</ul>" if problems else "")
    header = (f"<h1>tally reports</h1>\n<p class=\"tally-meta\">Generated {html.escape(generated_at)} from "
              f"{facts['sources']} sources ({facts['figures']} figures).</p>\n")
    table = ("<table class=\"tally-table\"><thead><tr><th>Report</th><th>Status</th><th>Rendered</th><th>Note</th>"
             f"</tr></thead><tbody>{''.join(rows)}</tbody></table>\n{problem_block}")
    return _page("tally reports", header, table)


def tqdm_progress(items: Iterable[Any], total: int) -> Iterable[Any]:
    """A progress bar over the reports, on standard error."""
    from tqdm import tqdm

    return tqdm(items, total=total, desc="reports", unit="report", file=sys.stderr)

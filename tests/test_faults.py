"""Faults injected into running commands: SIGINT, SIGTERM and SIGKILL while `tally extract` writes its
table, and SIGTERM while `tally render` runs a report. The previous good files stay, no half-written
file is left (a SIGKILL's is removed by the next run), no kernel is left running, the next run recovers."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tally.figures import read_figures

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "data" / "sources"
TALLY = str(Path(sys.executable).parent / "tally")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """300 articles (the bundled five, each with a line of its own), enough for a run of seconds."""
    folder = tmp_path_factory.mktemp("archive")
    texts = [path.read_text(encoding="utf-8") for path in sorted(BUNDLED.glob("*.txt"))]
    for number in range(300):
        (folder / f"article-{number:03d}.txt").write_text(
            texts[number % len(texts)] + f"\nCorrection {number}: 12 people were evacuated on Monday.\n")
    return folder


def _hear_interrupts() -> None:
    """In the child: take SIGINT as a terminal would give it. A shell starts background jobs (as CI
    may run these tests) with SIGINT ignored, and the child would inherit that and never hear it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _partials(folder: Path) -> list[Path]:
    return list(folder.glob("**/.*.partial"))


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_a_signal_while_extract_writes_keeps_the_old_table(tmp_path, archive, stop):
    output = tmp_path / "figures.parquet"
    subprocess.run([TALLY, "extract", str(BUNDLED), "-o", str(output)], check=True, capture_output=True)
    before = output.read_bytes()

    run = subprocess.Popen([TALLY, "extract", str(archive), "-o", str(output), "--workers", "2",
                            "--chunk-size", "5"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           preexec_fn=_hear_interrupts)
    _wait_for(lambda: any(p.name.startswith(".figures.parquet.") for p in _partials(tmp_path)))
    run.send_signal(stop)  # the table is open and being appended to
    _, errors = run.communicate(timeout=60)
    assert run.returncode != 0
    assert output.read_bytes() == before  # the old table, whole
    if stop != signal.SIGKILL:  # a signal it can hear: it cleaned up itself
        assert b"interrupted" in errors and _partials(tmp_path) == []
        return
    assert _partials(tmp_path)  # nothing could clean up after SIGKILL ...
    done = subprocess.run([TALLY, "extract", str(archive), "-o", str(output)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _partials(tmp_path) == []  # ... the next run removes what it left
    assert read_figures(output)["source"].nunique() == 300


@pytest.mark.slow
def test_sigterm_during_a_render_keeps_the_good_reports_and_leaves_no_kernel(tmp_path, make_notebook):
    books = tmp_path / "notebooks"
    books.mkdir()
    (books / "steady.ipynb").write_text(make_notebook("'steady, good version'"))
    (books / "long.ipynb").write_text(make_notebook("'long, good version'"))
    report_set = books / "set.toml"
    report_set.write_text('[[report]]\nname = "steady"\nnotebook = "steady.ipynb"\n'
                          '[[report]]\nname = "long"\nnotebook = "long.ipynb"\n')
    out = tmp_path / "reports"
    command = [TALLY, "render", "--sources", str(BUNDLED), "--out", str(out), "--report-set", str(report_set)]
    subprocess.run(command, check=True, capture_output=True)
    good = {name: (out / f"{name}.html").read_bytes() for name in ("steady", "long")}

    (books / "steady.ipynb").write_text(make_notebook("'steady, new version'"))
    (books / "long.ipynb").write_text(make_notebook("import time\ntime.sleep(120)\n'long, new version'"))
    run = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for(lambda: "time.sleep" in _read(out / ".build" / "executed" / "long.ipynb"))
    time.sleep(1.0)  # the sleeping cell is running
    kernels = run.children(recursive=True)
    assert kernels, "no kernel was running"
    run.send_signal(signal.SIGTERM)
    _, errors = run.communicate(timeout=60)
    assert run.returncode == 130, errors
    assert (out / "long.html").read_bytes() == good["long"]  # the report cut short keeps its good page
    assert _partials(out) == []
    _wait_for(lambda: not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kernels), 20)

    (books / "long.ipynb").write_text(make_notebook("'long, mended'"))
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "long, mended" in (out / "long.html").read_text() and "steady, new version" in (
        out / "steady.html").read_text()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


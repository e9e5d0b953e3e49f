"""The notebooks as a user meets them in a real JupyterLab in headless Chromium, with no network:
opened from a clone and run with Run > Run All Cells (Selenium driving Debian's chromium through
chromedriver), and executed elsewhere then reopened without being trusted (another machine, a
colleague's clone).

Every chart must draw (JupyterLab renders the Vega-Lite output itself: a canvas or an SVG with
marks), no cell may show an error, and the saved notebook must stay small.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tally.offline import VEGALITE_MIMETYPE

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); "
                                                          ".ci/run installs it")]


QUIET_SETTINGS = {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False}}

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_lab(folder: Path) -> tuple[subprocess.Popen, int]:
    """`jupyter lab` on a free port of 127.0.0.1 over `folder`, once it answers."""
    port = _free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={folder}",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    # its own config folder: no workspaces of earlier runs, and the settings a user sets once to stop
    # the first-run prompts (the news question, the update check)
    for plugin, settings in QUIET_SETTINGS.items():
        path = folder / ".config" / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              env={**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".config")})
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2):
                return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                pytest.fail("JupyterLab did not start on 127.0.0.1 within 60 s")
            time.sleep(0.5)


@contextmanager
def _lab_over(folder: Path):
    """JupyterLab serving `folder` for the block (its port), then stopped and the folder removed."""
    server, port = _start_lab(folder)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def jupyterlab():
    """A JupyterLab server on 127.0.0.1 over a folder of executed copies of the notebooks."""
    folder = Path(tempfile.mkdtemp(prefix="tally-lab-"))
    # Side by side, each in a papermill process of its own: in one process papermill's cwd= changes
    # the working directory of every thread, which broke later tests.
    runs = {notebook.name: subprocess.Popen(
        [sys.executable, "-m", "papermill", str(notebook), str(folder / notebook.name), "--cwd", str(NOTEBOOKS),
         "-p", "sources_dir", str(SOURCES), "--no-progress-bar"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True) for notebook in sorted(NOTEBOOKS.glob("*.ipynb"))}
    for name, run in runs.items():
        output, _ = run.communicate(timeout=600)
        assert run.returncode == 0, f"papermill {name} failed:\n{output[-3000:]}"
    with _lab_over(folder) as port:
        yield folder, port


def _dom(url: str) -> str:
    """The page as Chromium leaves it once JupyterLab has opened and rendered the notebook."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
             "--virtual-time-budget=30000", "--window-size=1400,2400", "--dump-dom", url],
            capture_output=True, text=True, timeout=180)
    return done.stdout


@pytest.mark.parametrize("name", sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")))
def test_a_reopened_untrusted_notebook_draws_every_chart_in_jupyterlab(jupyterlab, name):
    folder, port = jupyterlab
    executed = json.loads((folder / name).read_text(encoding="utf-8"))
    outputs = [output for cell in executed["cells"] if cell["cell_type"] == "code" for output in cell["outputs"]]
    charts = [output for output in outputs if VEGALITE_MIMETYPE in output.get("data", {})]
    assert not [output for output in outputs if output.get("output_type") == "error"], f"{name}: a cell failed"
    # every cell that ends by drawing a chart ("charts.figures_by_date(...)") must give a Vega-Lite output
    drawing = _drawing_cells(executed)
    assert len(charts) == len(drawing), f"{name}: {len(drawing)} cells draw a chart, {len(charts)} chart outputs"
    assert (folder / name).stat().st_size < 400_000, f"{name} saved with {(folder / name).stat().st_size} bytes"

    # a workspace of its own, reset: JupyterLab would otherwise reopen the notebooks of earlier visits
    dom = _dom(f"http://127.0.0.1:{port}/lab/workspaces/{Path(name).stem}/tree/{name}?reset")
    (Path(tempfile.gettempdir()) / f"tally-lab-{name}.html").write_text(dom, encoding="utf-8")  # for a failure's reader
    assert "jp-Notebook" in dom, f"JupyterLab did not open {name}"
    drawn = re.findall(r'class="[^"]*jp-RenderedVegaLite[^"]*"(.*?)(?=jp-OutputArea-child|$)',
                       dom, re.S)
    assert len(drawn) == len(charts), f"{name}: {len(charts)} chart outputs, {len(drawn)} rendered by JupyterLab"
    for number, html in enumerate(drawn, 1):
        assert re.search(r'<(?:canvas|svg)[^>]*class="marks"', html), f"{name}: chart {number} drew no marks"
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in dom, f"{name}: an error is shown"


def _drawing_cells(notebook: dict) -> list[int]:
    """Positions (among code cells) of the cells that end by drawing a chart."""
    code = ["".join(cell["source"]).strip() for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return [i for i, source in enumerate(code) if re.match(r"charts\.(?!enable)\w+\(", source.splitlines()[-1] if source else "")]

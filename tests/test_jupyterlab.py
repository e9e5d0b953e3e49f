"""The notebooks as a user meets them: executed, then reopened in a real JupyterLab in headless
Chromium, with no network and without being trusted (another machine, a colleague's clone).

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
from pathlib import Path

import pytest

from tally.offline import VEGALITE_MIMETYPE

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); "
                                                          ".ci/run installs it")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab():
    """A JupyterLab server on 127.0.0.1 over a folder of executed copies of the notebooks."""
    import papermill

    folder = Path(tempfile.mkdtemp(prefix="tally-lab-"))
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        papermill.execute_notebook(str(notebook), str(folder / notebook.name), cwd=str(NOTEBOOKS),
                                   parameters={"sources_dir": str(SOURCES)}, progress_bar=False)
    port = _free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={folder}",
               "--ServerApp.open_browser=False", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
               "jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              env={**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".config")})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start on 127.0.0.1 within 60 s")
                time.sleep(0.5)
        yield folder, port
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


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
    drawing = [cell for cell in executed["cells"] if cell["cell_type"] == "code"
               and "".join(cell["source"]).strip().splitlines()[-1:] and re.match(
                   r"charts\.(?!enable)\w+\(", "".join(cell["source"]).strip().splitlines()[-1])]
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

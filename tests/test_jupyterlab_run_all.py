"""Run All in a real JupyterLab: Debian's chromium driven by its chromedriver through Selenium, over a
copy of the project as a clone has it (unexecuted notebooks beside data/), with no network. Every
chart must draw, no cell may show an error, and a dialog JupyterLab raises while it loads (on a busy
machine) is answered as a user would and recorded."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import pytest

from test_jupyterlab import CHROMIUM, NOTEBOOKS, SOURCES, _drawing_cells, _lab_over

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); "
                                                          ".ci/run installs it")]


# JupyterLab's modal dialogs a user may meet while a notebook opens, and the button a user presses:
# on a loaded machine the splash screen stays past 12 s and JupyterLab asks "The loading screen is
# taking a long time. Would you like to clear the workspace or keep waiting?" (a user keeps waiting).
DIALOG_ANSWERS = {"taking a long time": "Keep Waiting"}


ANSWERED: list[str] = []  # every dialog answered, as "notebook: text -> button"

CHROMEDRIVER = shutil.which("chromedriver")
_RUN_ALL = 'li.lm-Menu-item[data-command="runmenu:run-all"]'  # Run > Run All Cells


@pytest.fixture(scope="module")
def fresh_lab():
    """JupyterLab over a copy of the project as a clone has it: unexecuted notebooks beside data/."""
    if CHROMEDRIVER is None:
        pytest.skip("chromedriver is not installed (apt-get install chromium-driver); .ci/run installs it")
    pytest.importorskip("selenium", reason="selenium is a test dependency: pip install -e '.[test]'")
    folder = Path(tempfile.mkdtemp(prefix="tally-lab-run-"))
    shutil.copytree(NOTEBOOKS, folder / "notebooks")
    (folder / "data").symlink_to(SOURCES.parent)
    with _lab_over(folder) as port:
        yield folder, port


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--window-size=1400,1800"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _console(driver) -> list[str]:
    """What the page wrote to the console since the last call (errors and warnings among it)."""
    return [f"{entry['level']}: {entry['message']}" for entry in driver.get_log("browser")]


def _wait(driver, condition, seconds: float, what: str):
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.25).until(condition)
    except Exception:  # TimeoutException: say what did not happen, and keep the page for the reader
        (Path(tempfile.gettempdir()) / "tally-lab-run.html").write_text(driver.page_source, encoding="utf-8")
        pytest.fail(f"{what} within {seconds:.0f} s (page kept in {tempfile.gettempdir()}/tally-lab-run.html)")


def _dialogs(driver, label: str) -> list[str]:
    """The text of every dialog JupyterLab shows now (kept with a screenshot, for a failure's reader)."""
    from selenium.webdriver.common.by import By

    shown = [dialog.text.strip().replace("\n", " | ") for dialog in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog")]
    kept = Path(tempfile.gettempdir()) / f"tally-lab-dialog-{label}"
    driver.save_screenshot(str(kept.with_suffix(".png")))
    kept.with_suffix(".txt").write_text("\n".join(shown) or "(no dialog)", encoding="utf-8")
    return shown


def _open_notebook(browser, port: int, name: str, workspace: str, loaded=lambda: None) -> None:
    """Open notebooks/`name` in a fresh JupyterLab workspace and wait until JupyterLab is ready: its
    loading screen gone (a dialog raised meanwhile answered), the notebook drawn, its kernel idle.
    `loaded` is called once the page has loaded, while JupyterLab starts in it."""
    from selenium.webdriver.common.by import By

    browser.get(f"http://127.0.0.1:{port}/lab/workspaces/{workspace}/tree/notebooks/{name}?reset")
    loaded()
    _wait(browser, lambda d: [_answer_dialogs(d, name), not d.find_elements(By.ID, "jupyterlab-splash")
                              and d.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")][-1], 180,
          f"{name}: JupyterLab did not finish loading the notebook")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-Notebook-ExecutionIndicator[data-status='idle']")
          or "Idle" in d.find_element(By.CSS_SELECTOR, ".jp-StatusBar-Widget, #jp-main-statusbar").text,
          60, f"{name}: the kernel did not start")


def _answer_dialogs(driver, name: str) -> bool:
    """Answer the dialogs JupyterLab shows now as a user would (`DIALOG_ANSWERS`), each recorded with its
    text and a screenshot; a dialog with no known answer fails the test, naming it. Whether one was shown."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    shown = driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog")
    for dialog in shown:
        try:
            text = dialog.text.strip()
            answer = next((label for words, label in DIALOG_ANSWERS.items() if words in text), None)
            seen = _dialogs(driver, f"{name}-answered")
            if answer is None:
                pytest.fail(f"{name}: JupyterLab showed a dialog the test does not know: {seen}")
            warnings.warn(f"{name}: JupyterLab showed {seen}; answered {answer!r}", stacklevel=1)
            next(button for button in dialog.find_elements(By.CSS_SELECTOR, "button")
                 if button.text.strip() == answer).click()
            ANSWERED.append(f"{name}: {text} -> {answer}")
        except StaleElementReferenceException:  # it went by itself meanwhile
            pass
    return bool(shown)


@pytest.mark.parametrize("name", sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")))
def test_run_all_in_jupyterlab_draws_every_chart_with_no_error(fresh_lab, browser, name):
    from selenium.webdriver.common.by import By

    folder, port = fresh_lab
    notebook = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    code_cells = sum(cell["cell_type"] == "code" for cell in notebook["cells"])
    drawing = _drawing_cells(notebook)
    _open_notebook(browser, port, name, f"run-{Path(name).stem}")
    _console(browser)  # what JupyterLab itself logged while starting is not the notebook's

    # Run > Run All Cells, clicked as a user would once the item is enabled; clicked again if no
    # cell started (on a busy machine JupyterLab may still be redrawing the notebook)
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        StaleElementReferenceException,
        TimeoutException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    def started(driver):
        return any(p.text.strip() != "[ ]:" for p in driver.find_elements(By.CSS_SELECTOR,
                                                                             ".jp-CodeCell .jp-InputPrompt"))
    for attempt in range(1, 4):
        try:
            _answer_dialogs(browser, name)
            next(item for item in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
                 if item.text.strip() == "Run").click()
            _wait(browser, lambda d: [item for item in d.find_elements(By.CSS_SELECTOR, _RUN_ALL)
                                      if "lm-mod-disabled" not in (item.get_attribute("class") or "")],
                  20, "Run > Run All Cells did not become enabled")
            browser.find_element(By.CSS_SELECTOR, _RUN_ALL).click()
            WebDriverWait(browser, 20, poll_frequency=0.25).until(started)
            break
        except ElementClickInterceptedException as error:
            seen = _dialogs(browser, f"{name}-attempt-{attempt}")
            warnings.warn(f"{name}: a click on the Run menu was taken by {seen or 'another element'}", stacklevel=1)
            if attempt == 3:
                pytest.fail(f"{name}: a click on the Run menu was taken by {seen or 'another element'}: {error.msg}")
        except (StaleElementReferenceException, TimeoutException):
            if attempt == 3:
                pytest.fail(f"{name}: no cell started after Run > Run All Cells was clicked three times")

    def finished(driver):
        prompts = [p.text for p in driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-InputPrompt")]
        return len(prompts) == code_cells and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts)
    _wait(browser, finished, 180, f"{name}: Run All did not finish")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jp-RenderedVegaLite .marks")) >= len(drawing),
          30, f"{name}: not every chart drew")

    cells = browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")
    for position in drawing:
        marks = cells[position].find_elements(By.CSS_SELECTOR, ".jp-RenderedVegaLite canvas.marks, "
                                                                ".jp-RenderedVegaLite svg.marks")
        assert marks, f"{name}: the chart of code cell {position + 1} did not draw"
    shown_errors = browser.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr'], "
                                                          ".jp-OutputArea-output.jp-mod-error")
    assert not shown_errors, f"{name}: {shown_errors[0].text[:300]}"

    # every choice of a chart's menus (figures_by_date's category) redraws without a Vega warning
    for select in browser.find_elements(By.CSS_SELECTOR, ".jp-RenderedVegaLite .vega-bind select"):
        for option in select.find_elements(By.TAG_NAME, "option"):
            option.click()
            time.sleep(0.3)
    logged = _console(browser)
    bad = [line for line in logged if re.search(r"Infinite extent|is not defined|already been declared|"
                                                r"Uncaught|SEVERE: .*vega", line)]
    assert not bad, f"{name}: the browser console says {bad[:3]}"


def test_a_lab_that_loads_slowly_asks_to_keep_waiting_and_the_notebook_still_opens(fresh_lab, browser):
    """A loaded machine, made on purpose: the browser holds JupyterLab's requests that start a notebook's
    kernel (Chrome DevTools' Fetch domain) for 20 s while the notebook opens, as a busy server answers them
    late, so the loading screen stays past 12 s and JupyterLab raises the modal dialog that once took
    the Run menu's click. The test's own opening step must answer it as a user would and go on."""
    import threading

    folder, port = fresh_lab
    shutil.copy(folder / "notebooks" / "source_audit.ipynb", folder / "notebooks" / "slow_load.ipynb")  # no kernel yet
    ANSWERED.clear()
    browser.execute_cdp_cmd("Fetch.enable", {"patterns": [{"urlPattern": "*/api/sessions*"},
                                                          {"urlPattern": "*/api/kernelspecs*"}]})
    # held for 20 s from the page's load (on a busy machine the load itself may take that long)
    release = threading.Timer(20, browser.execute_cdp_cmd, ("Fetch.disable", {}))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the answered dialog is this test's point, not a warning
            _open_notebook(browser, port, "slow_load.ipynb", "slow-load", loaded=release.start)
    finally:
        if release.is_alive():
            release.join()
        else:
            browser.execute_cdp_cmd("Fetch.disable", {})
    assert any("The loading screen is taking a long time" in line and line.endswith("-> Keep Waiting")
               for line in ANSWERED), ANSWERED

"""Stage 5: rendering the report set: offline HTML, index, incremental reruns, failures, the browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from tally.offline import VEGALITE_MIMETYPE
import pytest

from tally import reports
from tally.cli import main

PROJECT = Path(__file__).resolve().parents[1]
SOURCES = PROJECT / "data" / "sources"
NOTEBOOKS = PROJECT / "notebooks"
MAX_REPORT_BYTES = 1_000_000
# Anything a page could fetch from elsewhere: a script, style or image from a URL.
REMOTE = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, reports.RenderSummary]:
    out = tmp_path_factory.mktemp("reports")
    return out, reports.render(SOURCES, out)


def test_report_set_expands_for_each_outlet(tmp_path):
    (tmp_path / "n.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    declared = tmp_path / "set.toml"
    declared.write_text('[[report]]\nname = "by-{outlet}"\nnotebook = "n.ipynb"\nfor_each = "outlet"\n'
                        'title = "From {outlet}"\nparameters = { outlets = "{outlet}" }\n')
    specs = reports.read_report_set(declared, outlets=["Example Daily", "VOA"])
    assert [(s.name, s.title, s.parameters) for s in specs] == [
        ("by-example-daily", "From Example Daily", {"outlets": "Example Daily"}),
        ("by-voa", "From VOA", {"outlets": "VOA"})]


@pytest.mark.parametrize("content, message", [
    ('[[report]]\nname = "x"\n', "missing notebook"),
    ('[[report]]\nname = "x"\nnotebook = "nope.ipynb"\n', "not found"),
    ('[[report]]\nname = "x"\nnotebook = "n.ipynb"\nfor_each = "author"\n', "for_each must be"),
    ('[[report]]\nname = "x"\nnotebook = "n.ipynb"\n[[report]]\nname = "x"\nnotebook = "n.ipynb"\n', "more than one"),
    ("[[report]\n", "not valid TOML"),
])
def test_report_set_errors_name_the_file_and_the_problem(tmp_path, content, message):
    (tmp_path / "n.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    declared = tmp_path / "set.toml"
    declared.write_text(content)
    with pytest.raises(reports.ReportSetError, match=message) as caught:
        reports.read_report_set(declared)
    assert str(declared) in str(caught.value)


@pytest.mark.slow
def test_render_writes_every_report_and_an_index(rendered):
    out, summary = rendered
    assert not summary.failed, summary.table()
    names = {r.spec.name for r in summary.results}
    assert {"all-figures", "evacuations", "outlets-compared", "source-audit"} <= names
    assert any(name.startswith("outlet-") for name in names)
    index = (out / "index.html").read_text()
    assert "from 5 sources" in index
    for name in names:
        assert f'href="{name}.html"' in index
        page = (out / f"{name}.html").read_text()
        assert (out / f"{name}.html").stat().st_size <= MAX_REPORT_BYTES
        assert not REMOTE.search(page), f"{name} loads something from the network"
        assert "cdn." not in page.lower() and "mathjax" not in page.lower() and "require.js" not in page
        assert "<pre>" not in page or "from tally" not in page  # no code cells
        assert not unreadable_words(page), f"{name}: {unreadable_words(page)}"
    assert not list(out.glob("**/.*.partial"))


def unreadable_words(page: str) -> list[str]:
    """What pandas or Python would print for a missing value, where a person reads: in the page's
    text (outside scripts and styles) as a word, and in a chart's data as a whole value."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    found = re.findall(r"\b(?:nan|NaN|NaT|<NA>)\b", text) + re.findall(r">\s*None\s*<", page)
    for spec in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, flags=re.S):
        found += re.findall(r'":\s*"(?:nan|NaN|None|NaT|<NA>)"', spec)
    return found


def test_unreadable_words_are_found_where_a_person_reads():
    assert unreadable_words("<h2>nan</h2><td>None</td>") == ["nan", ">None<"]
    assert unreadable_words('<script type="application/json" id="x">{"a": "NaT"}</script><p>None of them</p>') == [
        '": "NaT"']


def test_an_outlet_report_only_for_outlets_with_enough_articles_and_one_for_the_rest(tmp_path):
    (tmp_path / "n.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    declared = tmp_path / "set.toml"
    declared.write_text('[[report]]\nname = "by-{outlet}"\nnotebook = "n.ipynb"\nfor_each = "outlet"\n'
                        'min_articles = 3\ntitle = "From {outlet}"\nparameters = { outlets = "{outlet}" }\n')
    specs = reports.read_report_set(declared, outlets=["BBC", "VOA", "Small Post", "Tiny"],
                                    outlet_articles={"BBC": 3, "VOA": 10, "Small Post": 2, "Tiny": 1})
    assert [(s.name, s.parameters) for s in specs] == [
        ("by-bbc", {"outlets": "BBC"}), ("by-voa", {"outlets": "VOA"}),
        ("by-other-outlets", {"outlets": "Small Post,Tiny"})]
    assert specs[-1].title == "From the 2 outlets with fewer than 3 articles"
    declared.write_text(declared.read_text().replace("min_articles = 3", "min_articles = 0"))
    with pytest.raises(reports.ReportSetError, match="min_articles"):
        reports.read_report_set(declared, outlets=["BBC"])


def test_a_source_with_no_title_is_headed_by_its_file_name():
    from tally import views
    from test_charts import table, figure

    document = {"source": "a.txt", "title": float("nan"), "text": "About 3,000 people fled on Tuesday.",
                "body_start": 0, "body_end": 35, "outlet": None, "published": pd.NaT}
    page = str(views.source_audit(document, table(figure())))
    assert "<h2>a.txt</h2>" in page and not unreadable_words(page)


@pytest.mark.slow
def test_a_rerun_with_nothing_changed_renders_nothing_and_is_quick(rendered):
    out, _ = rendered
    started = time.perf_counter()
    summary = reports.render(SOURCES, out)
    assert time.perf_counter() - started < 1.0
    assert {r.status for r in summary.results} == {"unchanged"}


@pytest.mark.slow
def test_a_failing_report_keeps_its_last_good_html_and_the_others_render(tmp_path, make_notebook):
    """Three faults in one run: a cell that raises, a kernel killed mid-report, a cell past its time."""
    books = tmp_path / "notebooks"
    books.mkdir()
    (books / "good.ipynb").write_text(make_notebook("print('fine')", "title"))
    (books / "flaky.ipynb").write_text(make_notebook("'first version'"))
    (books / "dying.ipynb").write_text(make_notebook("'dying, first version'"))
    (books / "slow.ipynb").write_text(make_notebook("import time\ntime.sleep(60)"))
    declared = books / "set.toml"
    declared.write_text('[[report]]\nname = "good"\nnotebook = "good.ipynb"\n'
                        '[[report]]\nname = "flaky"\nnotebook = "flaky.ipynb"\n'
                        '[[report]]\nname = "dying"\nnotebook = "dying.ipynb"\n')
    out = tmp_path / "reports"
    first = reports.render(SOURCES, out, report_set=declared)
    assert not first.failed, first.table()
    good_html = (out / "flaky.html").read_text()
    dying_html = (out / "dying.html").read_text()
    assert "first version" in good_html

    (books / "flaky.ipynb").write_text(make_notebook("raise RuntimeError('the source went away')"))
    (books / "dying.ipynb").write_text(make_notebook("'half done'", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    declared.write_text(declared.read_text() + '[[report]]\nname = "slow"\nnotebook = "slow.ipynb"\n')
    (books / "good.ipynb").write_text(make_notebook("print('fine again')", "title"))
    second = reports.render(SOURCES, out, report_set=declared, cell_timeout=3)
    status = {r.spec.name: r for r in second.results}
    assert status["good"].status == "rendered"
    assert status["flaky"].status == "failed" and "the source went away" in status["flaky"].error
    assert status["slow"].status == "failed"  # the cell ran past its time limit
    assert status["dying"].status == "failed" and "died" in status["dying"].error.lower(), status["dying"].error
    assert (out / "flaky.html").read_text() == good_html  # the last good HTML stays
    assert (out / "dying.html").read_text() == dying_html
    assert not (out / "slow.html").exists()
    assert (out / ".build" / "failed" / "flaky.ipynb").exists()  # kept for debugging
    index = (out / "index.html").read_text()
    assert "showing the last good version" in index
    assert json.loads((out / reports.STATE_FILE).read_text())["reports"]["flaky"]["status"] == "failed"
    assert not list(out.glob("**/.*.partial"))

    # The next run tries the failed reports again, and the command says it failed.
    assert main(["render", "--sources", str(SOURCES), "--out", str(out), "--report-set", str(declared),
                 "--cell-timeout", "3"]) == 1
    # Once the notebooks are mended, the next run recovers every report.
    for name in ("flaky", "dying", "slow"):
        (books / f"{name}.ipynb").write_text(make_notebook(f"'{name} mended'"))
    mended = reports.render(SOURCES, out, report_set=declared)
    assert not mended.failed and "dying mended" in (out / "dying.html").read_text()


@pytest.mark.slow
def test_a_notebook_runs_with_other_parameters():
    """Another category, a date window and one outlet: the output holds only what was asked for."""
    import papermill

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "out.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOKS / "figures_by_date.ipynb"), str(output), cwd=str(NOTEBOOKS), progress_bar=False,
            parameters={"categories": "surrendered", "outlets": "VOA", "start_date": "2019-03-01",
                        "end_date": "2019-03-31", "title": 'A "quoted"\ntitle; import os'})
        executed = nbformat.read(output, as_version=4)
    html_outputs = [o["data"]["text/html"] for c in executed.cells if c.cell_type == "code"
                    for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    table = html_outputs[-1]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)  # body rows (the header row has a style)
    assert rows, "no figures in the table"
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert cells[1] == "VOA" and cells[2] == "Fighters and others who surrendered"
        assert "2019-03-01" <= cells[0] <= "2019-03-31"
    chart_titles = [o["data"][VEGALITE_MIMETYPE].get("title") for c in executed.cells if c.cell_type == "code"
                    for o in c.get("outputs", []) if VEGALITE_MIMETYPE in o.get("data", {})]
    assert any(title == 'A "quoted"\ntitle; import os' or (isinstance(title, dict) and title.get("text") ==
               'A "quoted"\ntitle; import os') for title in chart_titles)  # the title, as data


# ---- in a real browser, with no network -------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def dump_dom(page: Path) -> str:
    """The page's DOM after its scripts ran, in headless Chromium with every host unreachable."""
    profile = tempfile.mkdtemp()
    try:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return done.stdout


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
def test_reports_draw_their_charts_offline_in_chromium(rendered):
    out, summary = rendered
    for result in summary.results:
        page = out / result.spec.html_name
        placeholders = page.read_text().count('class="tally-chart"')
        dom = dump_dom(page)
        assert ">This chart could not be drawn" not in dom, result.spec.name
        # vega-embed draws each chart as an <svg class="marks"> inside its placeholder.
        assert dom.count('class="marks"') >= placeholders, f"{result.spec.name}: charts did not draw"


HOSTILE_ARTICLE = """Town emptied <script>document.title='PWNED-TITLE'</script>

By Test Writer

About 3,000 people <script>document.title='PWNED'</script> fled the town on Tuesday, officials said.

At least 20 fighters <img src=x onerror="document.title='PWNED-IMG'"> surrendered on Monday, the spokesman "</script><script>document.title='PWNED-QUOTE'</script>" said.

Some 40 civilians were killed &amp; 12 wounded <b onmouseover="document.title='PWNED-B'">overnight</b>, medics said.
"""


def injected_elements(dom: str) -> list[str]:
    """Elements of the live page that article text would have made: <img src=x>, <i>, <b>,
    or any event-handler attribute."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Elements(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names = {name for name, _ in attrs}
            if (tag == "img" and ("src", "x") in attrs) or tag in ("i", "b") or any(n.startswith("on") for n in names):
                found.append(f"<{tag} {attrs}>")

    Elements().feed(dom)
    return found


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
def test_article_text_never_runs_in_a_report(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "hostile.txt").write_text(HOSTILE_ARTICLE)
    (sources / "sources.csv").write_text(
        'file,title,outlet,site,author,published,url\n'
        'hostile.txt,"<script>document.title=\'PWNED-META\'</script>","Evil <i>Outlet</i>",,,2019-03-14,'
        '"javascript:alert(1)"\n')
    out = tmp_path / "reports"
    # one report of each notebook (the others differ from these only by their parameters)
    one_each = tmp_path / "reports.toml"
    one_each.write_text("".join(
        f'[[report]]\nname = "{name}"\nnotebook = "{NOTEBOOKS / notebook}"\ntitle = "{name}"\n\n'
        for name, notebook in [("all-figures", "figures_by_date.ipynb"), ("outlets-compared", "outlets_compared.ipynb"),
                               ("source-audit", "source_audit.ipynb")]), encoding="utf-8")
    summary = reports.render(sources, out, report_set=one_each)
    assert not summary.failed, summary.table()
    pages = [out / "index.html"] + [out / r.spec.html_name for r in summary.results]
    for page in pages:
        dom = dump_dom(page)
        title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
        assert "PWNED" not in title, f"{page.name}: article text ran"
        assert not injected_elements(dom), f"{page.name}: article markup became elements"
    audit = dump_dom(out / "source-audit.html")
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in audit  # shown as text
    assert 'class="marks"' in dump_dom(out / "all-figures.html")  # the charts still drew


def test_a_long_list_of_outlets_is_shortened_in_the_page_header():
    page = reports.page_html("Other outlets", "<p>body</p>", "2026-01-01 00:00 UTC", 9,
                             {"outlets": ",".join(f"Outlet {n}" for n in range(57)), "categories": "killed,wounded"})
    assert "outlets = Outlet 0, Outlet 1, Outlet 2 and 54 more" in page and "Outlet 56" not in page
    assert "categories = killed,wounded" in page

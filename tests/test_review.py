"""What an analyst trusts and keeps: series, speakers, the reconciled view, corrections and the review queue."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from tally import charts, corrections, review, series, speakers, views
from tally.claims import disagreements, reconciled
from tally.figures import figures_frame, read_figures
from vega_specs import spec_nodes

from test_charts import figure, table

PROJECT = Path(__file__).resolve().parents[1]
SOURCES = PROJECT / "data" / "sources"


# ---- 1. a line is a series -------------------------------------------------------------------------------

@pytest.mark.parametrize("group, kind", [
    ("IS fighters", "fighters (IS)"), ("U.S. troops", "fighters (U.S.)"), ("servicemen of KPF", "fighters (KPF)"),
    ("civilians", "civilians"), ("Yazidi women and children", "civilians"), ("people", "people"),
    ("civilians and security personnel", "people"), ("soldiers", "fighters"),
])
def test_groups_are_told_apart_by_kind_and_side(group, kind):
    assert series.group_kind(group) == kind


def test_a_running_total_that_falls_by_half_is_not_joined_and_is_flagged():
    figures = table(*[figure(quantity_text=f"{v:,}", low=v, high=v, best=v, period="total", claim_id=f"k{i}",
                             category="killed", date=pd.Timestamp(day)) for i, (v, day) in enumerate(
        [(21250, "2024-08-20"), (30, "2024-08-21"), (25, "2024-08-22"), (21400, "2024-12-20")])])
    points = series.series_points(figures)
    assert points["on_line"].all()
    assert points["segment"].tolist() == [0, 1, 1, 2]  # the fall, then a gap of months: new lines
    assert points["note"].iloc[1].startswith(series.DROP_NOTE) and "21,250" in points["note"].iloc[1]
    assert points["note"].iloc[[0, 2, 3]].eq("").all()
    rows = charts.chart_rows(figures)
    assert rows["line"].nunique() == 3
    listed = views.figures_table(figures)
    assert listed["To review"].str.contains("fell by more than half").sum() == 1


def test_one_days_counts_of_one_outlet_are_points_not_a_line():
    figures = table(*[figure(quantity_text=str(v), low=v, high=v, best=v, period="day", claim_id=f"e{v}",
                             date=pd.Timestamp(day)) for v, day in ((300, "2024-08-10"), (400, "2024-08-11"))],
                    figure(quantity_text="122,000", low=122000, high=122000, best=122000, period="total",
                           claim_id="t", date=pd.Timestamp("2024-08-12")))
    rows = charts.chart_rows(figures)
    assert rows["line_value"].notna().sum() == 1  # a single running total: nothing joins it to the day counts


# ---- 2 and 3. uncertainty and legibility, in the Vega-Lite specs ------------------------------------------

def _layers(spec: dict) -> list[dict]:
    return [node for node in spec_nodes(spec) if "mark" in node]


def test_points_are_drawn_only_for_exact_figures_and_categories_differ_by_shape():
    figures = table(figure(), figure(category="wounded", claim_id="w"),
                    figure(quantity_text="hundreds", low=200, high=999, best=599, flags="vague", claim_id="v"))
    spec = charts.figures_by_date(figures).to_dict()
    layers = _layers(spec)
    filled_points = [layer for layer in layers if isinstance(layer["mark"], dict) and layer["mark"].get("filled")
                     and "shape" in layer.get("encoding", {})]
    assert filled_points, "exact figures are points shaped by category"
    for layer in filled_points:
        assert layer["encoding"]["shape"]["field"] == "category_title"
        assert len(set(layer["encoding"]["shape"]["scale"]["range"])) == 2  # evacuated and wounded differ
        assert json.dumps(layer["transform"]).count(charts.BOUND_EXACT) == 1
    vague = [layer for layer in layers if charts.BOUND_VAGUE in json.dumps(layer.get("transform", []))]
    assert vague and all(layer["mark"]["type"] == "rule" for layer in vague)  # a bar, no point


def test_fifty_outlets_never_share_a_colour():
    figures = table(*[figure(outlet=f"Outlet {n:02d}", claim_id=f"c{n}", source=f"{n}.txt",
                             date=pd.Timestamp("2024-08-01") + pd.Timedelta(days=n % 20)) for n in range(50)],
                    *[figure(outlet="Outlet 07", claim_id=f"x{n}", source=f"x{n}.txt") for n in range(5)])
    for draw in (charts.figures_by_date, charts.outlets_compared):
        spec = draw(figures).to_dict()
        colours = [layer["encoding"]["color"] for layer in _layers(spec) if "color" in layer.get("encoding", {})]
        colours += [spec["encoding"]["color"]] if "color" in spec.get("encoding", {}) else []
        text = json.dumps(spec)
        scale = json.loads(text[text.index('"scale": {"domain": ["Outlet 07"') + 9:].split("}", 1)[0] + "}")
        assert scale["domain"][0] == "Outlet 07"  # the most frequent first
        assert len(scale["domain"]) == charts.TOP_OUTLETS + 1 and scale["domain"][-1] == charts.OTHER_OUTLETS
        assert len(set(scale["range"])) == len(scale["range"])  # no two share a colour
        data = next(iter(spec["datasets"].values()))
        others = {row["outlet"] for row in data if row["outlet_colour"] == charts.OTHER_OUTLETS}
        assert len(others) == 40  # grouped, each still named in its tooltip's "Outlet"


def test_under_each_chart_the_figures_not_drawn_are_counted_and_listed():
    figures = table(figure(), figure(date=None, claim_id="u", quantity_text="2,000", sentence="2,000 left."))
    corpus = table(figure(), figure(date=None, claim_id="u"), figure(category="killed", claim_id="k"))
    text = str(views.not_drawn_html(figures, corpus))
    assert "1 of 2 figures are drawn. Not drawn: 1 have no day (listed below)." in text
    assert "1 more figures in these sources" in text and "2,000 left." in text


# ---- 4. what the sources agree on ----------------------------------------------------------------------

def test_disagreements_compare_only_like_with_like_and_ranges_that_cannot_meet():
    figures = table(
        figure(category="killed", group="soldiers", quantity_text="21,250", low=21250, high=21250, best=21250),
        figure(category="killed", outlet="Other Post", quantity_text="3", low=3, high=3, best=3, claim_id="c2"),
        figure(quantity_text="several thousand", low=3000, high=9999, best=6499, flags="vague", claim_id="s1"),
        figure(quantity_text="several thousand", low=3000, high=9999, best=6499, flags="vague", claim_id="s1",
               outlet="Other Post", source="b.txt"),
        figure(category="wounded", quantity_text="10", low=10, high=10, best=10, claim_id="w1"),
        figure(category="wounded", quantity_text="40", low=40, high=40, best=40, claim_id="w2", outlet="Other Post"),
        figure(category="wounded", quantity_text="1,000", low=1000, high=1000, best=1000, claim_id="w3", outlet="Third"))
    rows = disagreements(figures)
    assert rows["category"].tolist() == ["wounded"]  # soldiers vs civilians, and agreeing ranges, are not listed
    assert rows.loc[0, ["lowest", "highest", "spread"]].tolist() == [10, 1000, 100.0]


def test_the_reconciled_view_counts_a_claim_once_and_keeps_each_outlets_latest_total():
    figures = table(
        figure(quantity_text="3,000", claim_id="c1", period="total", date=pd.Timestamp("2024-08-12")),
        figure(quantity_text="3,000", claim_id="c1", outlet="Copy Post", source="b.txt", period="total",
               date=pd.Timestamp("2024-08-12")),
        figure(quantity_text="5,000", low=5000, high=5000, best=5000, claim_id="c2", source="c.txt", period="total",
               date=pd.Timestamp("2024-08-14")),
        figure(quantity_text="200", low=200, high=200, best=200, claim_id="f1", group="IS fighters", period="day",
               date=pd.Timestamp("2024-08-14")))
    day = reconciled(figures)
    civilians = day[day["kind"] == "civilians"].set_index("day")
    assert civilians.loc["2024-08-12", ["lowest", "highest", "claims", "articles", "outlets"]].tolist() == [
        "3,000 (Copy Post, Example Daily)", "3,000 (Copy Post, Example Daily)", 1, 2, 2]
    assert civilians.loc["2024-08-14", "latest_totals"] == (
        "Copy Post: 3,000 (2024-08-12); Example Daily: 5,000 (2024-08-14)")
    week = reconciled(figures, "W-SUN")
    assert week.loc[week["kind"] == "civilians", ["day", "claims", "lowest", "highest"]].values.tolist() == [
        ["2024-08-12", 2, "3,000 (Copy Post, Example Daily)", "5,000 (Example Daily)"]]
    assert "fighters (IS)" in set(week["kind"])


# ---- 5. one label per speaker ----------------------------------------------------------------------------

def test_one_person_one_label_and_the_words_as_written_beside_it():
    written = ["Alexei Smirnov", "Alexey Smirnov", "Aleksey Smirnov", "Smirnov", "Kursk Governor Alexei Smirnov",
               "Alexei Smirnov", "Governor Smirnov", "the regional governor", "U.N. officials", None]
    figures = table(*[figure(attribution=who, claim_id=f"c{n}", start=n, end=n + 5) for n, who in enumerate(written)])
    labelled = speakers.with_speakers(figures)
    assert set(labelled["speaker"].dropna()) == {"Alexei Smirnov", "U.N. officials"}
    assert labelled["attribution"].tolist()[:8] == written[:8]  # the words as written are kept
    listed = views.figures_table(labelled)
    assert set(listed["Quoted"].dropna()) == {"Alexei Smirnov", "U.N. officials"}
    assert "Kursk Governor Alexei Smirnov" in set(listed["Quoted as written"].dropna())
    bars = charts.quoted_most(labelled).to_dict()
    data = next(iter(bars["datasets"].values()))
    assert {row["attribution"] for row in data} == {"Alexei Smirnov", "U.N. officials"}


def test_a_surname_shared_by_two_people_stays_as_written():
    labels = speakers.speaker_labels(pd.Series(["John Smith", "Jane Smith", "Smith", "Mustafa Bali", "Bali"]))
    assert labels.tolist() == ["John Smith", "Jane Smith", "Smith", "Mustafa Bali", "Mustafa Bali"]
    roles = speakers.speaker_labels(pd.Series(["Governor John Smith", "Governor Jane Doe", "the governor",
                                               "the ministry", "President Jane Doe", "the president"]))
    assert roles.tolist() == ["John Smith", "Jane Doe", "the governor", "the ministry", "Jane Doe", "Jane Doe"]


# ---- 6. corrections an analyst keeps ---------------------------------------------------------------------

def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ('[[reject]]\nwords = "3"\n', "reject entry 1: needs source"),
    ('[[change]]\nsource = "a.txt"\nwords = "3"\n', "a change needs at least one of"),
    ('[[change]]\nsource = "a.txt"\nwords = "3"\ncategory = "fled"\n', "category must be one of"),
    ('[[change]]\nsource = "a.txt"\nwords = "3"\nday = "last week"\n', "day must be a date"),
    ('[[add]]\nsource = "a.txt"\nwords = "3"\n', "an addition needs a category"),
    ('[[fix]]\nsource = "a.txt"\n', "unknown section fix"),
    ('[[reject]]\nsource = "a.txt"\nwords = "3"\ncolour = 1\n', "unknown key colour"),
])
def test_a_malformed_corrections_file_says_where(tmp_path, text, message):
    with pytest.raises(corrections.CorrectionsError, match=message):
        corrections.read_corrections(_write(tmp_path / "c.toml", text))


def test_corrections_reject_change_add_and_name_what_matches_nothing(tmp_path):
    text = "Officials said 3,000 people fled on Tuesday. Two dozen fighters surrendered, a commander said."
    figures = table(figure(sentence=text, quantity_text="3,000", start=15, end=20),
                    figure(sentence=text, quantity_text="more than 40", low=40, high=None, best=40, claim_id="c2",
                           source="b.txt", category="killed"))
    path = _write(tmp_path / "corrections.toml", """
[[reject]]
source = "b.txt"
words = "more than 40"
why = "a year-old total"

[[change]]
source = "a.txt"
words = "3,000 people"   # the analyst's words hold the figure's
category = "rescued"
low = 2500
high = 3000
day = "2019-03-10"
speaker = "UN refugee agency"

[[add]]
source = "a.txt"
words = "two dozen"
category = "surrendered"
group = "fighters"
day = "2019-03-11"

[[change]]
source = "a.txt"
words = "7,000"
category = "killed"
""")
    document = {"source": "a.txt", "text": text, "outlet": "Example Daily", "published": pd.Timestamp("2019-03-13"),
                "title": "T", "url": None, "site": None}
    result = corrections.apply_corrections(figures, corrections.read_corrections(path),
                                           {"a.txt": document}.get)
    assert (result.rejected, result.changed, result.added) == (1, 1, 1)
    assert [c.name for c in result.unmatched] == ['change "7,000" in a.txt (change entry 2)']
    changed = result.figures[result.figures["quantity_text"] == "3,000"].iloc[0]
    assert (changed["category"], changed["low"], changed["high"], changed["best"]) == ("rescued", 2500, 3000, 2750)
    assert changed["date"] == pd.Timestamp("2019-03-10") and changed["attribution"] == "UN refugee agency"
    assert changed["flags"].startswith("corrected: category rescued")
    added = result.figures[result.figures["quantity_text"] == "Two dozen"].iloc[0]
    assert (added["low"], added["high"], added["flags"], added["outlet"]) == (24, 24, corrections.ADDED_FLAG,
                                                                             "Example Daily")
    assert added["sentence"] == "Two dozen fighters surrendered, a commander said."
    assert result.figures["claim_id"].ne("").all()  # claims linked again
    assert charts.chart_rows(result.figures)["corrected"].tolist() == [
        "yes: category rescued, low 2500, high 3000, day 2019-03-10, speaker UN refugee agency",
        "added by a correction"]
    assert set(review.corrected_figures(result.figures)["quantity_text"]) == {"3,000", "Two dozen"}


def test_extract_applies_the_corrections_file_and_its_exit_status_names_a_stale_one(tmp_path, capsys):
    from tally.cli import main

    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    out = tmp_path / "figures.csv"
    assert main(["extract", str(sources), "-o", str(out), "--workers", "1"]) == 0
    before = read_figures(out)
    first = before.iloc[0]
    _write(sources / "corrections.toml", corrections.correction_lines("reject", first.to_dict()) + "\n")
    capsys.readouterr()
    assert main(["extract", str(sources), "-o", str(out), "--workers", "1"]) == 0
    assert len(read_figures(out)) == len(before) - (
        (before["source"] == first["source"]) & (before["quantity_text"] == first["quantity_text"])).sum()
    assert "figures rejected, 0 changed, 0 added" in capsys.readouterr().err
    stale = _write(tmp_path / "mine.toml", '[[reject]]\nsource = "%s"\nwords = "99,999,999"\n' % first["source"])
    assert main(["extract", str(sources), "-o", str(out), "--workers", "1", "--corrections", str(stale)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if "matches no text" in line]
    assert lines == [f'tally: {stale}: correction matches no text: reject "99,999,999" in {first["source"]} '
                     "(reject entry 1)"]


# ---- the review queue --------------------------------------------------------------------------------------

def test_the_review_queue_puts_the_most_pressing_first_and_its_lines_work(tmp_path):
    text = "Some 40 died, and hundreds fled, and more than 1,000 remained."
    figures = table(
        figure(quantity_text="more than 1,000", low=1000, high=None, best=1000, sentence=text, claim_id="o"),
        figure(quantity_text="hundreds", low=200, high=999, best=599, flags="vague", sentence=text, claim_id="v",
               date=None),
        figure(quantity_text="40", low=40, high=40, best=40, flags="ambiguous_category", category="killed",
               sentence=text, claim_id="a"),
        figure(quantity_text="7", low=7, high=7, best=7, claim_id="fine"))
    queue = review.review_queue(figures)
    assert queue["quantity_text"].tolist() == ["40", "hundreds", "more than 1,000"]
    page = review.review_html(figures)
    assert "Some <mark>40</mark> died" in page
    blocks = [block.split("</pre>")[0] for block in page.split("<pre>")[1:]]
    import html
    parsed = tomllib.loads("\n\n".join(html.unescape(block) for block in blocks))
    assert len(parsed["change"]) == 3 and len(parsed["reject"]) == 3
    path = _write(tmp_path / "c.toml", html.unescape(blocks[1]))  # reject the first in the queue
    result = corrections.apply_corrections(figures, corrections.read_corrections(path), {}.get)
    assert result.rejected == 1 and "40" not in set(result.figures["quantity_text"])
    assert review.review_notes(result.figures.assign(flags="corrected: day 2019-03-01")).map(len).eq(0).all()


def test_render_lists_a_correction_that_matches_nothing_among_the_problems(tmp_path):
    from tally import reports

    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    _write(sources / "corrections.toml", '[[change]]\nsource = "nowhere.txt"\nwords = "12"\ncategory = "killed"\n')
    facts = reports._build_figures(sources, tmp_path / "figures.parquet")
    assert facts["problems"][0] == ('corrections.toml: correction matches no text: change "12" in nowhere.txt '
                                    "(change entry 1)")
    assert facts["outlet_articles"] and all(count >= 1 for count in facts["outlet_articles"].values())


def test_a_suggested_change_to_an_open_bound_never_adds_a_bound_nobody_reported(tmp_path):
    import html
    text = "Officials said more than 110 people were killed and up to 500 fled."
    figures = table(
        figure(quantity_text="more than 110 people", low=110, high=None, best=110, category="killed", date=None,
               published=None, sentence=text, claim_id="o1"),
        figure(quantity_text="up to 500", low=None, high=500, best=500, date=None, published=None, sentence=text,
               claim_id="o2"))
    assert review.suggested_change(review.review_queue(figures).iloc[0].to_dict()) in ({"low": 110}, {"high": 500})
    changes = [review.suggested_change(row) for row in review.review_queue(figures).to_dict("records")]
    assert sorted(changes, key=str) == [{"high": 500}, {"low": 110}]
    page = html.unescape(review.review_html(figures))
    assert "high = 220" not in page and "low = 0" not in page
    changes_only = "\n\n".join(block.split("</pre>")[0] for block in page.split("<pre>")[1:]
                               if block.startswith("[[change]]"))
    result = corrections.apply_corrections(figures, corrections.read_corrections(
        _write(tmp_path / "c.toml", changes_only)), {}.get)
    assert result.figures["low"].tolist()[:1] == [110] and pd.isna(result.figures["high"].tolist()[0])
    assert pd.isna(result.figures["low"].tolist()[1]) and result.figures["high"].tolist()[1] == 500  # still open

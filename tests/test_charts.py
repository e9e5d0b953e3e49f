"""Stage 4: charts and views, on figures tables built here."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tally import charts, views
from tally.claims import disagreements
from tally.figures import FIGURES, figures_frame
from tally.offline import chart_html, script_safe_json
from vega_specs import spec_nodes

HOSTILE = 'He said "<script>alert(1)</script>" and <img src=x onerror=alert(2)> & left.'


def figure(**overrides) -> dict:
    row = {"source": "a.txt", "start": 0, "end": 5, "quantity_text": "3,000", "category": "evacuated",
           "group": "civilians", "low": 3000, "high": 3000, "best": 3000, "unit": "people",
           "date": pd.Timestamp("2019-03-12"), "date_text": "Tuesday", "date_basis": "weekday before publication",
           "attribution": "Mustafa Bali", "cited_outlet": None, "category_text": "fled",
           "sentence": "About 3,000 people fled on Tuesday.", "paragraph": 0, "flags": "", "claim_id": "c1",
           "outlet": "Example Daily", "site": None, "published": pd.Timestamp("2019-03-13"), "title": "T", "url": None}
    row.update(overrides)
    return row


def table(*rows: dict) -> pd.DataFrame:
    return figures_frame(list(rows))


def test_ranges_have_no_point_and_open_bounds_are_short_arrows_from_the_bound():
    rows = charts.chart_rows(table(
        figure(),
        figure(quantity_text="4,000 to 5,000", low=4000, high=5000, best=4500, claim_id="c2"),
        figure(quantity_text="more than 1,000", low=1000, high=None, best=1000, claim_id="c3"),
        figure(quantity_text="up to 500", low=None, high=500, best=500, claim_id="c4"),
        figure(quantity_text="tens of thousands", low=20000, high=99999, best=59999, flags="vague", claim_id="c5"),
    ))
    assert list(rows["bound"]) == [charts.BOUND_EXACT, charts.BOUND_RANGE, charts.BOUND_AT_LEAST,
                                   charts.BOUND_AT_MOST, charts.BOUND_VAGUE]
    assert list(rows["value_text"]) == ["3,000", "4,000 to 5,000", "at least 1,000", "at most 500", "20,000 to 99,999"]
    assert rows.loc[1, ["span_low", "span_high"]].tolist() == [4000, 5000]
    assert rows.loc[[1, 4], "value"].isna().all()  # no point at 4,500 or at 59,999: nobody reported them
    assert rows.loc[4, ["span_low", "span_high"]].tolist() == [20000, 99999]
    low, high = charts.value_domain(table(*[figure(low=v, high=v, best=v) for v in (500, 5000)]))
    assert (low, high) == (200, 10000)  # round numbers with room beyond the lowest and highest
    assert rows.loc[2, ["value", "span_low", "span_high"]].tolist() == [1000, 1000, 1000 * charts.ARROW_FACTOR]
    assert rows.loc[3, ["value", "span_low", "span_high"]].tolist() == [500, 500 / charts.ARROW_FACTOR, 500]


def _y_scales(spec: dict) -> list[dict]:
    """Every y scale in a (layered, maybe faceted) chart spec."""
    return [node["encoding"]["y"] for node in spec_nodes(spec) if isinstance(node.get("encoding"), dict)
            and isinstance(node["encoding"].get("y"), dict) and "scale" in node["encoding"]["y"]]


@pytest.mark.parametrize("draw", [charts.figures_by_date, charts.outlets_compared])
def test_open_bounds_are_short_arrows_on_a_fixed_log_axis_with_round_labels_that_cannot_collide(draw):
    figures = table(figure(quantity_text="at least 20", low=20, high=None, best=20),
                    figure(quantity_text="10,000", low=10000, high=10000, best=10000, claim_id="c2"),
                    figure(quantity_text="20,000", low=20000, high=20000, best=20000, claim_id="c3"))
    spec = draw(figures).to_dict()
    ys = _y_scales(spec)
    assert ys and all(y["scale"]["domain"] == [10, 50000] and y["scale"]["nice"] is False for y in ys)
    data = next(iter(spec["datasets"].values()))
    open_row = next(row for row in data if row["bound"] == charts.BOUND_AT_LEAST)
    assert (open_row["span_low"], open_row["span_high"]) == (20, 32)  # a short arrow, not a bar to the edge
    for y in ys:
        ticks = y["axis"]["values"]
        assert all(later / earlier >= 2 for earlier, later in zip(ticks, ticks[1:]))  # 10,000 and 20,000 never both
        assert y["axis"]["format"] == ","


def test_a_line_joins_one_series_through_reported_values_only():
    totals = [figure(quantity_text=f"{v:,}", low=v, high=v, best=v, period="total", claim_id=f"t{i}",
                     date=pd.Timestamp(day)) for i, (v, day) in enumerate(
        [(1000, "2019-03-10"), (1400, "2019-03-11"), (1600, "2019-03-11"), (2000, "2019-03-12")])]
    events = [figure(quantity_text="300", low=300, high=300, best=300, period="day", claim_id="e1"),
              figure(quantity_text="500", low=500, high=500, best=500, period="day", claim_id="e2")]
    soldiers = figure(quantity_text="21,250", low=21250, high=21250, best=21250, period="total", group="soldiers",
                      claim_id="s1", date=pd.Timestamp("2019-03-11"))
    vague = figure(quantity_text="thousands", low=2000, high=9999, best=5999, period="total", flags="vague",
                   claim_id="v1", date=pd.Timestamp("2019-03-13"))
    rows = charts.chart_rows(table(*totals, *events, soldiers, vague))
    on_line = rows[rows["line_value"].notna()]
    civilians = on_line[on_line["group"] == "civilians"]
    assert civilians["day"].tolist() == ["2019-03-10", "2019-03-11", "2019-03-12"]  # one point a day
    assert civilians["line_value"].tolist() == [1000, 1600, 2000]  # the day's highest, never a median (1,500)
    assert set(on_line["line_value"]) <= set(rows["value"].dropna())  # only values someone reported
    assert on_line.loc[on_line["group"] == "soldiers", "line"].nunique() == 1
    assert on_line.loc[on_line["group"] == "soldiers", "line"].iloc[0] != civilians["line"].iloc[0]  # another group
    assert rows.loc[rows["period"] == "day", "line_value"].isna().all()  # one day's events are points only
    assert rows.loc[rows["quantity_text"] == "thousands", "line_value"].isna().all()  # vague: not on a line
    assert rows["period_text"].iloc[0] == "total up to its day"


def test_panels_and_the_category_menu_are_titled_in_words():
    figures = table(figure(), figure(category="strength", claim_id="c2", period="current"))
    text = json.dumps(charts.outlets_compared(figures).to_dict())
    assert '"facet": {"field": "category_title"' in text.replace("\n", "")
    menu = json.dumps(charts.figures_by_date(figures).to_dict())
    assert "Fighters at large (strength)" in menu and "People evacuated or fled" in menu


def test_long_names_are_shortened_on_the_axis_and_whole_in_the_tooltip_and_counts_tick_by_one():
    long_name = "United Nations Office for the Coordination of Humanitarian Affairs (OCHA) for Syria"
    figures = table(figure(attribution=long_name), figure(attribution=long_name, claim_id="c2"),
                    figure(attribution="Mustafa Bali", claim_id="c3"))
    spec = charts.quoted_most(figures).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {row["label"] for row in data} == {"OCHA for Syria", "Mustafa Bali"}
    assert {row["attribution"] for row in data} == {long_name, "Mustafa Bali"}
    assert spec["encoding"]["x"]["axis"]["values"] == [0, 1, 2]
    assert charts.short_label("the head of the regional military administration") == "the head of the regional military…"


def test_days_are_iso_strings_so_no_time_zone_moves_them():
    rows = charts.chart_rows(table(figure(), figure(date=None, claim_id="c2")))
    assert rows["day"].tolist() == ["2019-03-12", None]
    assert rows["published_day"].tolist() == ["2019-03-13", "2019-03-13"]


def test_figures_by_date_has_tooltips_with_the_sentence_and_selections():
    spec = charts.figures_by_date(table(figure(), figure(outlet="Other Post", claim_id="c2"))).to_dict()
    text = json.dumps(spec)
    assert "About 3,000 people fled on Tuesday." in text
    params = {p["name"] for p in spec.get("params", [])} | {
        p["name"] for layer in spec.get("layer", []) for p in layer.get("params", [])}
    assert {"outlet_pick", "category_pick"} <= params
    assert '"title": "Day the figure refers to"' in text
    assert '"type": "utc"' in text


def test_charts_accept_an_empty_table():
    empty = table()
    assert charts.figures_by_date(empty).to_dict()
    assert charts.outlets_compared(empty).to_dict()
    assert charts.quoted_most(empty).to_dict()


def test_script_safe_json_cannot_close_its_script_element():
    payload = script_safe_json({"sentence": HOSTILE})
    assert "</script" not in payload and "<" not in payload
    assert json.loads(payload)["sentence"] == HOSTILE


def test_chart_html_has_an_id_that_depends_only_on_the_chart():
    spec = {"mark": "point", "data": {"values": [{"a": 1}]}}
    assert chart_html(spec) == chart_html(dict(spec))
    assert chart_html(spec) != chart_html({**spec, "mark": "bar"})


def test_views_escape_article_text():
    figures = table(figure(sentence=HOSTILE, quantity_text="<b>3,000</b>", attribution='"><script>x()</script>'))
    markup = str(views.table_html(views.figures_table(figures)))
    assert "<script>" not in markup and "<img" not in markup and "&lt;script&gt;" in markup
    text = "Intro <script>alert(1)</script>. About 3,000 people fled."
    start = text.index("3,000")
    highlighted = str(views.highlighted_text(text, table(figure(start=start, end=start + 5,
                                                                attribution="<i onmouseover=x()>"))))
    assert "<script>" not in highlighted and "<i " not in highlighted
    assert '<mark style="background:#cfe8ff" title="evacuated: 3,000 civilians, 2019-03-12' in highlighted
    assert ">3,000<sup" in highlighted


def test_disagreements_list_days_two_outlets_report_differently():
    figures = table(figure(), figure(outlet="Other Post", quantity_text="5,000", low=5000, high=5000, best=5000,
                                     claim_id="c2"),
                    figure(category="killed", claim_id="c3"))
    rows = disagreements(figures)
    assert len(rows) == 1
    assert rows.loc[0, ["category", "kind", "day", "outlets", "lowest", "highest"]].tolist() == [
        "evacuated", "civilians", "2019-03-12", 2, 3000, 5000]
    assert rows.loc[0, "reported"] == "Example Daily: 3,000; Other Post: 5,000"


def test_the_figures_schema_still_accepts_what_the_charts_are_given():
    FIGURES.validate(table(figure()))


@pytest.mark.parametrize("value, expected", [
    ("evacuated, killed", ["evacuated", "killed"]), ("", []), (None, []), (["VOA", " "], ["VOA"]), (7, ["7"]),
])
def test_notebook_list_parameters(value, expected):
    from tally.figures import as_list

    assert as_list(value) == expected


def archive(count: int, days: int = 90, outlets: int = 6) -> pd.DataFrame:
    """`count` figures spread over days, outlets, categories and kinds of bound, as an archive gives."""
    import numpy as np

    rng = np.random.default_rng(3)
    kinds = [(3000, 3000), (4000, 5000), (1000, None), (None, 500)]
    picks = rng.integers(0, len(kinds), count)
    frame = pd.DataFrame({column: [value] * count for column, value in figure().items()})
    frame["low"] = pd.array([kinds[k][0] for k in picks], dtype="Int64")
    frame["high"] = pd.array([kinds[k][1] for k in picks], dtype="Int64")
    frame["best"] = frame["low"].fillna(frame["high"])
    frame["date"] = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, days, count), unit="D")
    frame["outlet"] = [f"Outlet {n}" for n in rng.integers(0, outlets, count)]
    frame["category"] = rng.choice(["evacuated", "surrendered", "killed", "wounded"], count)
    frame["source"] = [f"a{n}.txt" for n in range(count)]
    frame["claim_id"] = frame["source"]
    return figures_frame(frame)


@pytest.mark.parametrize("draw", [charts.figures_by_date, charts.outlets_compared])
def test_a_chart_of_an_archive_folds_figures_and_stays_small(draw):
    figures = archive(120_000)
    spec = draw(figures).to_dict()  # the default data transformer would refuse 5,000+ rows
    payload = json.dumps(spec)
    assert len(payload) < 300_000
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= charts.MAX_MARKS
    assert "120,000 figures: each mark is what one outlet (or the other outlets together) reported" in " ".join(spec["title"]["subtitle"])
    assert {"figures", "span_low", "span_high", "bound"} <= set(rows[0])


def test_folded_marks_count_every_figure_and_span_its_values():
    figures = archive(5_000, days=8, outlets=2)  # 8 x 2 x 4 categories x 4 bounds = 256 marks
    marks, subtitle = charts.marks_for(figures)
    assert "in one day" in subtitle and len(marks) <= charts.MAX_MARKS
    assert marks["figures"].sum() == len(figures)
    exact = marks[marks["bound"] == charts.BOUND_EXACT]
    assert (exact["value"] == 3000).all() and (exact["span_low"] == 3000).all()
    ranges = marks[marks["bound"] == charts.BOUND_RANGE]
    assert (ranges["span_low"] == 4000).all() and (ranges["span_high"] == 5000).all()
    assert marks["value_text"].str.contains("figures from").any()


def test_a_small_table_is_drawn_one_mark_per_figure():
    marks, subtitle = charts.marks_for(table(figure(), figure(claim_id="c2", outlet="Other Post")))
    assert subtitle == "" and marks["figures"].tolist() == [1, 1]


@pytest.mark.parametrize("reader_zone", ["UTC", "America/Los_Angeles", "Asia/Tokyo"])
def test_day_labels_name_the_month_and_the_day_in_any_time_zone(reader_zone, monkeypatch):
    # Drawn by Vega itself (vl-convert): the labels a reader sees, not the spec's wording.
    import re
    import time

    import vl_convert

    monkeypatch.setenv("TZ", reader_zone)
    time.tzset()
    try:
        chart = charts.figures_by_date(table(figure(date=pd.Timestamp("2019-02-25")),
                                             figure(date=pd.Timestamp("2019-03-12"), claim_id="c2")))
        svg = vl_convert.vegalite_to_svg(chart.to_dict())
    finally:
        monkeypatch.undo()
        time.tzset()
    labels = re.findall(r">((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[^<]*)</text>", svg)
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, 2019", label) for label in labels), labels
    assert labels[0] == "Feb 25, 2019"


def test_in_a_notebook_a_chart_is_vega_lite_json_that_jupyterlab_draws_itself():
    """No HTML and no script: JupyterLab renders the Vega-Lite mimetype with its own libraries,
    offline and in untrusted notebooks, and the saved notebook holds only the spec."""
    charts.enable_offline_renderer()
    bundle = charts.figures_by_date(table(figure(), figure(low=10, high=20, best=15)))._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(data) == {charts.VEGALITE_MIMETYPE, "text/plain"}
    spec = data[charts.VEGALITE_MIMETYPE]
    assert spec["$schema"] == charts.VEGALITE_SCHEMA
    assert "<script" not in json.dumps(spec)
    assert len(json.dumps(spec)) < 50_000  # two figures: a small spec, not the 900 KB libraries


@pytest.mark.parametrize("draw", [charts.figures_by_date, charts.outlets_compared, charts.quoted_most])
@pytest.mark.parametrize("version", ["5.8", "5.21"])
def test_every_chart_compiles_under_the_vega_lite_that_jupyterlab_ships(draw, version):
    import vl_convert

    rows = table(figure(), figure(outlet="Other Wire", low=2000, high=None, best=2000, attribution="UN"),
                 figure(category="killed", low=None, high=50, best=50, date=pd.Timestamp("2019-03-14")))
    vega = vl_convert.vegalite_to_vega({**draw(rows).to_dict(), "$schema": charts.VEGALITE_SCHEMA}, vl_version=version)
    assert vega["marks"], f"{draw.__name__} compiled to no marks under Vega-Lite {version}"


def test_a_report_turns_a_notebook_chart_into_an_inline_chart():
    from tally.offline import report_chart_output

    spec = {"$schema": charts.VEGALITE_SCHEMA, "mark": "point", "data": {"values": [{"a": 1}]}}
    output = {"output_type": "execute_result", "metadata": {}, "execution_count": 3,
              "data": {charts.VEGALITE_MIMETYPE: spec, "text/plain": "<chart>"}}
    converted = report_chart_output(output)
    assert set(converted["data"]) == {"text/html", "text/plain"}
    assert converted["data"]["text/html"] == chart_html({"mark": "point", "data": {"values": [{"a": 1}]}})
    table_output = {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<table></table>"}}
    assert report_chart_output(table_output) is table_output


def test_no_table_a_person_reads_shows_na_nan_or_none():
    frame = pd.DataFrame({"text": pd.array(["a", pd.NA], dtype="string"), "number": [1.0, float("nan")],
                          "count": pd.array([3, pd.NA], dtype="Int64"), "when": [pd.Timestamp("2019-03-12"), pd.NaT],
                          "other": ["x", None]})
    markup = views.table_html(frame).markup
    for shown in ("&lt;NA&gt;", "<NA>", "nan", "NaT", "None", "1.0"):
        assert shown not in markup
    assert "2019-03-12" in markup and ">1<" in markup and ">3<" in markup
    claims = views.table_html(disagreements(table(figure(), figure(outlet="Other Post", low=5000, high=5000,
                                                                   best=5000, claim_id="c2", attribution=None)))).markup
    assert "&lt;NA&gt;" not in claims and "nan" not in claims


def _colour_scale(spec: dict) -> dict[str, str]:
    """The outlet each colour of a chart's legend stands for (grey excepted)."""
    found = {}
    for node in spec_nodes(spec):
        color = node.get("color")
        if isinstance(color, dict) and color.get("field") == "outlet_colour":
            scale = color["scale"]
            found.update({outlet: colour for outlet, colour in zip(scale["domain"], scale["range"])
                          if outlet != charts.OTHER_OUTLETS})
    return found


def test_on_one_page_an_outlet_has_one_colour_and_a_colour_one_outlet():
    # "Daily Gazette" has the most dated figures, "Evening Wire" the most quoted ones: the charts of
    # what was reported and of who is quoted must not give the same colour to both.
    rows = [figure(outlet="Daily Gazette", claim_id=f"g{n}", source=f"g{n}.txt", attribution=None) for n in range(4)]
    rows += [figure(outlet="Evening Wire", claim_id=f"w{n}", source=f"w{n}.txt", date=None,
                    attribution="Ministry of Health") for n in range(5)]
    rows += [figure(outlet="Harbour Times", claim_id="h", source="h.txt", attribution="Ministry of Health")]
    figures = table(*rows)
    over_time = _colour_scale(charts.figures_by_date(figures).to_dict())
    compared = _colour_scale(charts.outlets_compared(figures).to_dict())
    quoted = _colour_scale(charts.quoted_most(figures).to_dict())
    assert over_time == compared
    for outlet, colour in quoted.items():
        assert over_time.get(outlet, colour) == colour  # an outlet drawn in both keeps its colour
        assert all(other == outlet for other, same in over_time.items() if same == colour)  # a colour names one outlet
    assert set(quoted) == {"Evening Wire", "Harbour Times"}  # colours are left for outlets only quoted
    assert len(set(quoted.values())) == len(quoted)
    many = table(*[figure(outlet=f"Outlet {n:02d}", claim_id=f"m{n}", source=f"m{n}.txt",
                          attribution="Ministry of Health") for n in range(14)])
    legend = json.dumps(charts.quoted_most(many).to_dict())
    assert "coloured as in the chart of figures; 4 others in grey" in legend and "most frequent" not in legend


def test_a_tooltip_says_in_words_what_is_not_known():
    spec = charts.figures_by_date(table(figure(published=None), figure(claim_id="c2"))).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [row["published_day"] for row in data] == ["not known", "2019-03-13"]
    text = json.dumps(spec).lower()
    assert '"nan"' not in text and "nat" not in text.replace("nation", "") and '"none"' not in text


def test_a_wide_table_scrolls_in_its_own_box_and_keeps_its_sentences_readable():
    markup = views.table_html(views.figures_table(table(figure(), figure(claim_id="c2")))).markup
    assert markup.startswith('<div class="tally-table-box">') and markup.endswith("</div>")
    assert 'class="dataframe tally-table tally-sentences"' in markup
    narrow = views.table_html(pd.DataFrame({"Outlet": ["A"], "Figures": [1]})).markup
    assert "tally-sentences" not in narrow and "tally-table-box" in narrow
    css = (Path(charts.__file__).parent / "report.css").read_text()
    assert ".tally-table-box" in css and "overflow-x: auto" in css.split(".tally-table-box", 1)[1].split("}", 1)[0]


def test_a_chart_with_nothing_to_draw_says_so_with_no_empty_axes_or_legend():
    undated = table(figure(date=None), figure(date=None, claim_id="c2", attribution=None))
    for chart, words in ((charts.figures_by_date(table()), "no figure matches this report"),
                         (charts.figures_by_date(undated), "none of the 2 figures has a day"),
                         (charts.outlets_compared(undated), "none of the 2 figures has a day"),
                         (charts.quoted_most(table(figure(attribution=None))), "no figure says who gave it")):
        spec = chart.to_dict()
        text = json.dumps(spec)
        assert words in text
        assert spec["mark"]["type"] == "text" and "layer" not in spec and "facet" not in spec
        assert "color" not in spec["encoding"] and "shape" not in spec["encoding"]  # no legend titled "Outlet"
    drawn = charts.figures_by_date(table(figure(), figure(date=None, claim_id="c2"))).to_dict()
    assert "layer" in drawn  # one dated figure is drawn as before

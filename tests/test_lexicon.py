"""The word lists a user extends: bundled data files, and a user lexicon laid over them."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tally.lexicon import BUNDLED, LexiconError, load_lexicon

ARTICLE = (
    "Clashes in the valley\n\n"
    "The army said on Monday that its units had killed 40 Ansar Beit in the hills north of the town, "
    "and that the rest of the group had withdrawn.\n"
)
USER_LEXICON = '''
[[group]]
name = "Ansar Beit"
aliases = ["Ansar Beit"]
kind = "insurgent"
'''


def _extract(folder: Path, *options: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    output = folder.parent / "figures.csv"
    done = subprocess.run([sys.executable, "-m", "tally.cli", "extract", str(folder), "-o", str(output), *options],
                          capture_output=True, text=True, timeout=120)
    rows = list(csv.DictReader(output.open(encoding="utf-8"))) if output.exists() else []
    return done, rows


def test_an_armed_group_added_in_a_user_file_makes_tally_read_a_figure_about_it(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "valley.txt").write_text(ARTICLE, encoding="utf-8")
    lexicon = tmp_path / "mine.toml"
    lexicon.write_text(USER_LEXICON, encoding="utf-8")

    done, rows = _extract(folder)
    assert done.returncode == 0, done.stderr
    assert [row for row in rows if row["category"] == "killed"] == []  # "40 Ansar Beit" counts nothing known

    done, rows = _extract(folder, "--lexicon", str(lexicon))
    assert done.returncode == 0, done.stderr
    killed = [row for row in rows if row["category"] == "killed"]
    assert [(row["quantity_text"], row["low"], row["group"]) for row in killed] == [
        ("40 Ansar Beit", "40", "Ansar Beit fighters")]


def test_a_user_entry_with_a_known_name_replaces_the_bundled_one_and_new_ones_are_added(tmp_path):
    lexicon = tmp_path / "mine.toml"
    lexicon.write_text('''
[[outlet]]
name = "Reuters"
aliases = ["Reuters", "Thomson Reuters"]

[[outlet]]
name = "Valley Radio"
aliases = ["Valley Radio"]

[[body]]
name = "Valley Relief Committee"
short = "VRC"
''', encoding="utf-8")
    bundled = load_lexicon([])
    merged = load_lexicon([lexicon])
    outlets = {outlet.name: outlet.aliases for outlet in merged.outlets}
    assert outlets["Reuters"] == ("Reuters", "Thomson Reuters")
    assert "Valley Radio" in outlets
    assert len(merged.outlets) == len(bundled.outlets) + 1
    assert [body.label for body in merged.bodies if body.short == "VRC"] == ["Valley Relief Committee (VRC)"]


@pytest.mark.parametrize("text, problem", [
    ("[[group]\nname = 'x'", "not a TOML file"),
    ("[[armies]]\nname = 'x'", "unknown table(s) armies"),
    ("[[group]]\nname = 'Ansar Beit'\naliases = ['Ansar Beit']", "[[group]] number 1 ('Ansar Beit'): missing kind"),
    ("[[group]]\nname = 'A'\naliases = ['A']\nkind = 'army'", "kind must be one of insurgent, militia, state"),
    ("[[outlet]]\nname = 'A'\naliases = 'A'", "aliases must be a list of non-empty strings"),
    ("[[body]]\nname = 'A'\nwebsite = 'a.org'", "unknown key(s) website"),
])
def test_a_bad_user_file_is_refused_with_the_file_entry_and_problem_named(tmp_path, text, problem):
    lexicon = tmp_path / "bad.toml"
    lexicon.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as raised:
        load_lexicon([lexicon])
    assert str(lexicon) in str(raised.value) and problem in str(raised.value)


def test_the_command_refuses_a_bad_lexicon_before_extracting(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "valley.txt").write_text(ARTICLE, encoding="utf-8")
    done, rows = _extract(folder, "--lexicon", str(tmp_path / "missing.toml"))
    assert done.returncode == 2
    assert "missing.toml: cannot be read" in done.stderr
    assert rows == []


def test_the_bundled_lexicon_covers_parties_outlets_and_bodies_beyond_syria():
    lexicon = load_lexicon([])
    groups = {group.name for group in lexicon.groups}
    assert {"IS", "Taliban", "al-Shabaab", "Boko Haram", "Hamas", "Houthis", "Wagner", "RSF", "LTTE"} <= groups
    outlets = {outlet.name for outlet in lexicon.outlets}
    assert {"Reuters", "AFP", "AP", "Kyiv Independent", "Haaretz", "Tolo News", "Sudan Tribune"} <= outlets
    bodies = {body.short for body in lexicon.bodies}
    assert {"UN", "UNHCR", "OCHA", "ICRC", "MSF", "UNICEF", "HRW", "UNAMA"} <= bodies
    assert sorted(path.name for path in BUNDLED.glob("*.toml")) == [
        "armed_groups.toml", "bodies.toml", "countries.toml", "events.toml", "nouns.toml", "outlets.toml"]


EVENT_ARTICLE = (
    "Raid on the camp\n\n"
    "Local officials said on Monday that 40 insurgents were liquidated in the hills north of the town.\n"
)


def test_an_event_word_added_in_a_user_file_makes_tally_read_a_figure_it_did_not_read(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "camp.txt").write_text(EVENT_ARTICLE, encoding="utf-8")
    lexicon = tmp_path / "words.toml"
    lexicon.write_text('[[event]]\ncategory = "killed"\nwords = ["liquidated"]\n', encoding="utf-8")

    done, rows = _extract(folder)
    assert done.returncode == 0, done.stderr
    assert [row for row in rows if row["category"] == "killed"] == []

    done, rows = _extract(folder, "--lexicon", str(lexicon))
    assert done.returncode == 0, done.stderr
    assert [(row["category"], row["quantity_text"], row["low"]) for row in rows] == [("killed", "40 insurgents", "40")]


def test_a_noun_added_as_not_people_stops_a_count_being_read_as_people(tmp_path):
    sentence = "The strikes killed 12 alpacas near the well."
    base = load_lexicon([])
    assert "alpacas" not in base.nouns_of("not_people")
    lexicon = tmp_path / "animals.toml"
    lexicon.write_text('[[nouns]]\nkind = "not_people"\nwords = ["Alpacas"]\n', encoding="utf-8")
    assert "alpacas" in load_lexicon([lexicon]).nouns_of("not_people")
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "well.txt").write_text("Strikes\n\n" + sentence + "\n", encoding="utf-8")
    done, rows = _extract(folder, "--lexicon", str(lexicon))
    assert done.returncode == 0, done.stderr
    assert [row for row in rows if row["category"] == "killed"] == []


@pytest.mark.parametrize("text, message", [
    ('[[event]]\ncategory = "maimed"\nwords = ["x"]\n', "category must be one of"),
    ('[[event]]\ncategory = "killed"\nwords = "liquidated"\n', "words must be a list of non-empty strings"),
    ('[[event]]\ncategory = "killed"\npatterns = ["(unclosed"]\n', "is not a regular expression"),
    ('[[nouns]]\nkind = "animals"\nwords = ["alpacas"]\n', "kind must be one of"),
    ('[[nouns]]\nkind = "civilian"\nword = ["drivers"]\n', "unknown key(s) word"),
])
def test_a_bad_vocabulary_entry_is_named_with_its_file_and_problem(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as error:
        load_lexicon([path])
    assert str(path) in str(error.value) and message in str(error.value)

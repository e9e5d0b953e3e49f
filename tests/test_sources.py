"""Stage 1: sources -> documents table, including every kind of bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tally.capture import is_furniture, read_capture
from tally.cli import main as tally_main
from tally.sources import DOCUMENTS, load_sources, read_sources

PROJECT = Path(__file__).resolve().parents[1]

ARTICLE = """Site Name Here

Evacuation Resumes From Besieged Town

By Jane Doe March 5, 2019

About 300 people left the town on Monday, officials said, as fighting eased for a day.

Aid groups said they expected more families to leave in the coming days if the pause holds.

Join our mailing list
"""

MANIFEST_HEADER = "file,title,outlet,site,author,published,url\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def messages(batch, source: str) -> list[str]:
    return [problem.message for problem in batch.problems if problem.source == source]


def test_bundled_corpus_loads_five_sources_with_metadata():
    documents = load_sources(PROJECT / "data" / "sources")
    assert len(documents) == 5
    assert documents[["outlet", "site", "published"]].notna().all().all()
    assert documents.attrs["problems"] == []
    DOCUMENTS.validate(documents)


def test_byline_dates_match_the_manifest_where_the_text_has_one():
    documents = load_sources(PROJECT / "data" / "sources").set_index("source")
    with_byline = [name for name, text in documents["text"].items() if read_capture(text).published]
    assert len(with_byline) == 2
    for name in with_byline:
        assert read_capture(documents.at[name, "text"]).published == documents.at[name, "published"].date()


def test_capture_body_leaves_out_furniture():
    facts = read_capture(ARTICLE)
    body = ARTICLE[facts.body_start : facts.body_end]
    assert body.startswith("About 300 people")
    assert body.endswith("if the pause holds.")
    assert facts.title == "Evacuation Resumes From Besieged Town"
    assert facts.author == "Jane Doe"
    assert facts.published == date(2019, 3, 5)


def test_related_headline_and_caption_are_not_body():
    text = (
        "Main Headline Of The Story\n\nUnrelated story about something else entirely\nAFP\n\n"
        "The first paragraph of the article says that 40 people fled across the border.\n\n"
        "FILE - Soldiers stand in a street, March 3, 2019.\n\n"
        "The last paragraph ends the story with a full sentence about the talks.\n\n"
        "Please let us know if you're having issues with commenting.\n"
    )
    facts = read_capture(text)
    body = text[facts.body_start : facts.body_end]
    assert body.startswith("The first paragraph")
    assert body.endswith("about the talks.")
    assert facts.title == "Main Headline Of The Story"


def test_unlisted_source_loads_from_its_text_and_warns_for_each_empty_field(tmp_path):
    write(tmp_path, "story.txt", ARTICLE)
    batch = read_sources(tmp_path)
    row = batch.documents.iloc[0]
    assert row["published"] == pd.Timestamp("2019-03-05")
    assert row["author"] == "Jane Doe"
    warned = " ".join(messages(batch, "story.txt"))
    for field in ("outlet", "site", "url"):
        assert f"{field} unknown" in warned
    assert not row["in_manifest"]


def test_manifest_wins_over_text(tmp_path):
    write(tmp_path, "story.txt", ARTICLE)
    write(tmp_path, "sources.csv", MANIFEST_HEADER + "story.txt,Listed Title,Wire,Mirror Site,,2019-03-04,http://x\n")
    batch = read_sources(tmp_path)
    row = batch.documents.iloc[0]
    assert row["title"] == "Listed Title"
    assert row["published"] == pd.Timestamp("2019-03-04")
    assert row["author"] == "Jane Doe"  # the manifest left it empty; the byline fills it
    assert any("differs from the text" in m for m in messages(batch, "story.txt"))


def test_a_manifest_may_call_the_publication_day_date(tmp_path):
    write(tmp_path, "story.txt", ARTICLE)
    write(tmp_path, "sources.csv", "file,outlet,date\nstory.txt,Wire,2019-03-04\n")
    assert read_sources(tmp_path).documents.iloc[0]["published"] == pd.Timestamp("2019-03-04")


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("blank.txt", "   \n\n  ", "no text"),
    ],
)
def test_unreadable_file_is_named_and_the_rest_still_load(tmp_path, name, content, expected):
    write(tmp_path, "good.txt", ARTICLE)
    write(tmp_path, name, content)
    batch = read_sources(tmp_path)
    assert list(batch.documents["source"]) == ["good.txt"]
    assert any(expected in m for m in messages(batch, name))


def test_cp1252_file_is_decoded_with_a_warning(tmp_path):
    write(tmp_path, "latin.txt", ARTICLE.replace("About", "About \u201cnearly\u201d").encode("cp1252"))
    batch = read_sources(tmp_path)
    assert "\u201cnearly\u201d" in batch.documents.iloc[0]["text"]
    assert any("decoded as cp1252" in m for m in messages(batch, "latin.txt"))


def test_file_over_the_size_limit_is_refused(tmp_path):
    write(tmp_path, "big.txt", ARTICLE * 50)
    write(tmp_path, "good.txt", ARTICLE.replace("300", "301"))
    batch = read_sources(tmp_path, max_bytes=2_000)
    assert list(batch.documents["source"]) == ["good.txt"]
    assert any("over the limit" in m for m in messages(batch, "big.txt"))


def test_manifest_rows_naming_missing_or_outside_files(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    write(tmp_path, "secret.txt", "outside the sources folder")
    write(sources, "good.txt", ARTICLE)
    write(
        sources,
        "sources.csv",
        MANIFEST_HEADER
        + "good.txt,T,O,S,A,2019-03-05,u\n"
        + "missing.txt,T,O,S,A,2019-03-05,u\n"
        + "../secret.txt,T,O,S,A,2019-03-05,u\n"
        + "/etc/passwd,T,O,S,A,2019-03-05,u\n",
    )
    batch = read_sources(sources)
    assert list(batch.documents["source"]) == ["good.txt"]
    assert any("missing" in m for m in messages(batch, "missing.txt"))
    assert any("outside the sources folder" in m for m in messages(batch, "../secret.txt"))
    assert any("absolute path" in m for m in messages(batch, "/etc/passwd"))


def test_unparseable_manifest_date_and_duplicate_rows(tmp_path):
    write(tmp_path, "good.txt", ARTICLE)
    write(tmp_path, "sources.csv", MANIFEST_HEADER + "good.txt,T,O,S,A,not a date,u\ngood.txt,T2,O,S,A,2019-01-01,u\n")
    batch = read_sources(tmp_path)
    row = batch.documents.iloc[0]
    assert row["title"] == "T"
    assert row["published"] == pd.Timestamp("2019-03-05")  # the byline's, said in a warning
    found = " ".join(messages(batch, "good.txt"))
    assert "does not parse" in found and "listed twice" in found and "taken from the text" in found


def test_duplicate_source_is_left_out_once(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "b.txt", ARTICLE)
    batch = read_sources(tmp_path)
    assert list(batch.documents["source"]) == ["a.txt"]
    assert any("duplicate" in m and "a.txt" in m for m in messages(batch, "b.txt"))


def test_html_source_is_read_with_its_metadata(tmp_path):
    html = (
        "<html><head><title>Town Emptied - Example News</title>"
        '<meta name="author" content="Sam Writer"><meta property="article:published_time" content="2019-03-06">'
        '<meta property="og:site_name" content="Example News"></head><body><nav>Home | World</nav>'
        "<article><h1>Town Emptied</h1><p>More than 500 civilians fled the town on Tuesday, the local council said.</p>"
        "<p>Another paragraph of the article continues the story at some length for the extractor.</p></article>"
        "<footer>Subscribe to our newsletter</footer></body></html>"
    )
    write(tmp_path, "page.html", html)
    row = read_sources(tmp_path).documents.iloc[0]
    assert row["format"] == "html"
    assert "More than 500 civilians fled" in row["text"]
    assert "newsletter" not in row["text"]
    assert row["published"] == pd.Timestamp("2019-03-06")
    assert row["author"] == "Sam Writer"


def test_cli_exit_status_says_whether_problems_were_found(tmp_path, capsys):
    write(tmp_path, "good.txt", ARTICLE)
    write(tmp_path, "sources.csv", MANIFEST_HEADER + "good.txt,T,Outlet,Site,A,2019-03-05,http://x\n")
    assert tally_main(["sources", str(tmp_path)]) == 0
    write(tmp_path, "empty.txt", b"")
    assert tally_main(["sources", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "empty.txt: error: empty file" in captured.err
    assert "good.txt" in captured.out


@pytest.mark.parametrize(
    "line, published",
    [
        ("March 6, 2019 / 4:12 PM / Updated 3 hours ago", date(2019, 3, 6)),
        ("Published 6 March 2019, 16:12 GMT", date(2019, 3, 6)),
        ("March 6, 2019 – The SDF declares victory over the last enclave.", None),  # a timeline entry
    ],
)
def test_a_dateline_with_a_time_after_it_gives_the_publication_day(line, published):
    text = f"Fighters surrender as the battle nears its end\n{line}\nAbout 300 people left the town on Tuesday, " \
           "officials said in a statement.\n"
    assert read_capture(text).published == published


def test_a_source_line_that_starts_with_a_known_outlet_names_it(tmp_path):
    write(tmp_path, "story.txt", ARTICLE + "\nSource: Al Jazeera and news agencies\n")
    row = read_sources(tmp_path).documents.iloc[0]
    assert row["outlet"] == "Al Jazeera"


@pytest.mark.parametrize(
    "line, furniture",
    [
        ("RELATED: Thousands flee Baghouz as fighting resumes", True),
        ("Some of the 3,000 people who left wait at a screening point [Rodi Said/Reuters]", True),
        ("Watch: SDF fighters advance on the last enclave", True),
        ("Image caption Some 3,000 people left the enclave on Wednesday alone", True),
        ("Media playback is unsupported on your device", True),
        ("More than 3,000 people left on Tuesday.", False),
        ("The SDF said 300 fighters surrendered [on Monday].", False),
        ("He said more: \"We will win.\"", False),
    ],
)
def test_links_to_other_stories_and_credited_captions_are_furniture(line, furniture):
    assert is_furniture(line) is furniture


ENCYCLOPEDIA_PAGE = """Siege of Example Town - Free Encyclopedia
Jump to navigation Jump to search
Casualties and losses
Militants: 400+ killed
The siege of Example Town was fought between government forces and rebels in the spring of 2016.[1]
Course[edit]
On 2 April, about 1,200 residents fled across the river.[2]
Aftermath[edit]
A camp outside the town held 9,000 people by May.[3]
References[edit]
^ "Hundreds flee Example Town as siege tightens". Example Wire. 2 April 2016. Retrieved 3 April 2016.
^ a b "3,000 rebels surrender". Daily Example. 20 April 2016.
External links[edit]
This page was last edited on 3 May 2024, at 10:12 (UTC).
"""


def test_an_encyclopedia_pages_reference_list_and_footer_are_not_its_body():
    facts = read_capture(ENCYCLOPEDIA_PAGE)
    body = ENCYCLOPEDIA_PAGE[facts.body_start : facts.body_end]
    # A paragraph ending in a reference mark ("[3]") still reads as prose: the body runs to it.
    assert body.startswith("The siege of Example Town") and body.endswith("held 9,000 people by May.[3]")
    assert is_furniture('^ "3,000 rebels surrender". Daily Example. 20 April 2016.')
    assert is_furniture("This page was last edited on 3 May 2024, at 10:12 (UTC).")


WIRE_PAGE = """World News
March 12, 2019 / 6:03 AM / Updated 7 hours ago
Thousands surrender as forces pound the last enclave
Jane Reporter
3 Min Read
NEAR EXAMPLE TOWN (Reuters) - Some 3,000 militants surrendered overnight, a spokesman said on Tuesday.
The assault resumed on Sunday after a pause of two weeks.
(This story corrects figure in paragraph 4)
Reporting by Jane Reporter in Beirut; Editing by John Editor
Our Standards: The Thomson Reuters Trust Principles.
"""


def test_a_wire_pages_dateline_is_not_its_title_and_its_credits_are_not_its_body():
    facts = read_capture(WIRE_PAGE)
    assert facts.title == "Thousands surrender as forces pound the last enclave"
    assert facts.published == date(2019, 3, 12)
    assert WIRE_PAGE[facts.body_start : facts.body_end].endswith("after a pause of two weeks.")
    assert is_furniture("Associated Press writer Jane Doe in Beirut contributed to this report.")


def test_a_breadcrumb_is_not_the_title_and_a_byline_may_hold_a_number():
    page = ("Home > Syria\nSDF: Over 1,000 militants surrender in the last enclave\nBy Example 24 Staff\n"
            "March 12, 2019\nMore than 1,000 militants have surrendered in the last 24 hours, an official said.\n")
    facts = read_capture(page)
    assert (facts.title, facts.author) == ("SDF: Over 1,000 militants surrender in the last enclave", "Example 24 Staff")

"""Stage 2: documents table -> figures table.

`extract_figures(documents)` finds every reported figure in every document's
body: one row per number about people, with its bounds, what happened to them,
who they are, the day it refers to, who is quoted for it, and where its words
are. `figures_in_document` does one document and is what a parallel or Dask
run maps over. The last step links the same figure across sources into claims
(`tally.claims`), so that charts can count each claim once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from tally import categories, dates, quantities
from tally.attribution import (Attribution, Speech, SpeechReader, attribute, person_with_role, tweet_card,
                               tweet_signoff)
from tally.categories import CATEGORIES, OTHER
from tally.infobox import infobox_figures
from tally.infobox import result_lines as infobox_result_lines
from tally.quantities import NotAQuantity, quantity_spans, read_quantity
from tally.capture import Line, split_lines
from tally.sentences import Paragraph, paragraphs, words_of

_NULLABLE_INT = {"dtype": "Int64", "nullable": True}

FIGURES = pa.DataFrameSchema(
    {
        "source": pa.Column(str, description="file name of the source"),
        "start": pa.Column("Int64", pa.Check.ge(0), description="offset of the figure's words in the source text"),
        "end": pa.Column("Int64", pa.Check.ge(0), description="end offset (exclusive) of the figure's words"),
        "quantity_text": pa.Column(str, description="the figure's words: text[start:end]"),
        "category": pa.Column(str, pa.Check.isin(CATEGORIES + (OTHER,)), description="what happened to the people"),
        "group": pa.Column(str, description="who they are: 'IS fighters', 'civilians', 'Yazidi women'"),
        "low": pa.Column(description="lowest count the words allow (empty: open)", **_NULLABLE_INT),
        "high": pa.Column(description="highest count the words allow (empty: open)", **_NULLABLE_INT),
        "best": pa.Column(description="the value to plot: exact, midpoint of a range, or the given bound", **_NULLABLE_INT),
        "unit": pa.Column(str, description="'people', or what is counted instead ('truckloads')"),
        "date": pa.Column(pa.DateTime, nullable=True, description="the day the figure refers to"),
        "date_text": pa.Column(str, description="the words that gave the date"),
        "date_basis": pa.Column(str, description="how the date was found"),
        "period": pa.Column(str, pa.Check.isin(dates.PERIODS),
                            description="what span it counts: 'total' up to its day (since a start), 'day' (one "
                                        "day's event), 'current' (how many there are on its day), 'unknown'"),
        "period_start": pa.Column(pa.DateTime, nullable=True,
                                  description="first day of a total's period, where the words give one"),
        "attribution": pa.Column(str, nullable=True, description="who is quoted for it; empty for narration"),
        "cited_outlet": pa.Column(str, nullable=True, description="news agency the article took it from"),
        "category_text": pa.Column(str, description="the words that gave the category"),
        "sentence": pa.Column(str, description="the sentence the figure stands in"),
        "paragraph": pa.Column("Int64", description="paragraph number in the body, from 0; -1 for the infobox above it"),
        "flags": pa.Column(str, description="data-quality notes, ';'-separated: malformed_number, vague, ..."),
        "claim_id": pa.Column(str, description="the same figure in several sources shares one claim"),
        "outlet": pa.Column(str, nullable=True, description="news organisation that wrote the article"),
        "site": pa.Column(str, nullable=True, description="where the copy was published"),
        "published": pa.Column(pa.DateTime, nullable=True, description="publication day"),
        "title": pa.Column(str, nullable=True, description="headline"),
        "url": pa.Column(str, nullable=True, description="address of the copy"),
    },
    checks=[
        pa.Check(lambda df: (df["start"] < df["end"]).all(), error="start must be before end"),
        pa.Check(lambda df: ((df["low"] <= df["high"]) | df["low"].isna() | df["high"].isna()).all(),
                 error="low must not exceed high"),
    ],
    strict=True,
    ordered=True,
    name="figures",
)
_METADATA = ("outlet", "site", "published", "title", "url")
BASIS_INFOBOX = "infobox: a summary of the whole battle, no day"
BASIS_HEADLINE = "headline: the news of the publication day"
# "Pentagon: 19,000 More Evacuated", "Rights Group: More Than 600 Killed": a headline that credits its speaker
# "15 civilians killed in clashes: UN", "Death toll rises to 822: doctors' syndicate", "... - regional governor"
_STATEMENT_BY = re.compile(
    r"(?:joint\s+)?(?:statement|remarks|readout|press\s+release)\s+(?:attributable\s+to|by|from|of)\s+(?:the\s+)?"
    r"(?P<who>[^,;:()]{3,80})", re.I)
_HEADLINE_SPEAKER_AFTER = re.compile(r"(?::|\s[-–—])\s+(?P<who>[A-Za-z][\w.'’&-]*(?:\s+[A-Za-z][\w.'’&-]*){0,3})\s*$")
_HEADLINE_SPEAKER = re.compile(r"(?P<who>[A-Z][\w.'’&-]*(?:\s+[A-Za-z][\w.'’&-]*){0,3}):\s+(?=\S)")
_NULLABLE_COLUMNS = tuple(name for name, column in FIGURES.columns.items() if column.nullable)
_MONTH_BEFORE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*$")
_HYPOTHETICAL = re.compile(r"\b(?:if|unless)\s+(?:[\w-]+\s+){0,3}$", re.I)
# A place's population is not a figure (the spec's "this town of 20,000"): "how many of the city's
# 600,000 residents", "the port city, home to 600,000 people", "a town of 20,000".
_POPULATION_BEFORE = re.compile(
    r"\b(?:(?:city|town|village|country|region|province|district|camp|area|enclave|strip|capital)['’]s"
    r"|home\s+to|population\s+of|(?:city|town|village)\s+of)\s+(?:some\s+|about\s+|around\s+|nearly\s+|more\s+than\s+)?$", re.I)
_DIGIT = re.compile(r"\d")
_THERE_BEFORE = re.compile(r"\bthere\b[^.]*$", re.I)
_ONE_OF = re.compile(r"one\s+of\b", re.I)
_OR_MORE = re.compile(r",?\s*(?:or|maybe|perhaps|possibly)\s+more\b,?")  # "5,000, maybe more" leaves the top open
_PLUPERFECT = re.compile(r"\bhad\s+(?:also\s+|already\s+|previously\s+)?\w+(?:ed|en|t)\b", re.I)
_PRESENT_PERFECT = re.compile(r"\b(?:have|has)\s+(?:\w+\s+){0,2}$", re.I)
# "has displaced 7,000": a verb in the present perfect just before the number
_PERFECT_BEFORE = re.compile(
    r"\b(?:have|has)\s+(?:been\s+)?\w+(?:ed|en|t)\s+(?:to\s+|at\s+)?[\'‘“\"]?$"  # "has risen to 358"
    r"|\b(?:have|has)\s+\w+(?:ed|en|t)\b[^.;:]{1,60}\band\s+\w+(?:ed|en|t)\s+$"  # "has killed 40 and wounded dozens"
    r"|\bthere\s+(?:are|is)\s+(?:now\s+|still\s+)?$",  # "there are dozens of people wounded": now
    re.I)
_DAY_OR_YEAR = re.compile(r"\d{1,2}|\d{4}")  # after a month's name: "March 23", not "August 91,739 IDPs"
# "2,500 killed or injured", "killed or wounded 40": one count of two fates, flagged
_EITHER = re.compile(r"\b(?:killed|dead|died)\s+or\s+(?:injured|wounded|hurt)\b|\b(?:injured|wounded|hurt)\s+or\s+"
                     r"(?:killed|dead)\b", re.I)
_STRONG = re.compile(r"[-\s]strong\b", re.I)
_PRESENT_BEFORE_TRIGGER = re.compile(r"\b(?:are|is)\s+(?:still\s+|now\s+|currently\s+)?$", re.I)
_MODAL_PERFECT = re.compile(r"\b(?:may|might|could|must|would|should)\s+have\b", re.I)  # an estimate, dated when said
_PERFECT_TRIGGER = re.compile(r"(?:have|has)\s", re.I)  # the trigger itself: "have left"


def extract_figures(documents: pd.DataFrame) -> pd.DataFrame:
    """The figures table for a documents table, with claims linked across sources."""
    from tally.claims import link_claims

    rows: list[dict[str, Any]] = []
    bare = documents.copy(deep=False)
    # pandas deep-copies a table's attrs (load_sources keeps its problems there) for every column
    # to_dict slices: once here, not once a column
    bare.attrs = {}
    for document in bare.to_dict("records"):
        rows.extend(figures_in_document(document))
    return link_claims(figures_frame(rows))


def figures_frame(rows: list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Build and check a figures table from row dictionaries or a table read from a file
    (claim_id may still be empty)."""
    if isinstance(rows, pd.DataFrame):
        frame = rows.reindex(columns=list(FIGURES.columns)).copy()
        _fill_periods(frame)
    else:  # rows just read: their periods are found before the table is built (pandas' row access costs more)
        frame = pd.DataFrame([row if _has_period(row) else {**row, **_period_of(row)} for row in rows],
                             columns=list(FIGURES.columns))
    for column in ("start", "end", "low", "high", "best", "paragraph"):
        frame[column] = frame[column].astype("Int64")
    for column in ("date", "published", "period_start"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    for column in ("source", "quantity_text", "category", "group", "unit", "date_text", "date_basis",
                   "category_text", "sentence", "flags", "claim_id", "period"):
        frame[column] = frame[column].fillna("").astype(str)
    for column in ("attribution", "cited_outlet", "outlet", "site", "title", "url"):
        frame[column] = frame[column].astype("str").where(frame[column].notna(), None)
    return FIGURES.validate(frame)


def _has_period(row: dict[str, Any]) -> bool:
    period = row.get("period")
    return period is not None and period != "" and not pd.isna(period)


def _period_of(row: dict[str, Any]) -> dict[str, Any]:
    """A figure row's `period` and `period_start` (`dates.figure_period`), as `_fill_periods` gives them."""
    basis = row.get("date_basis") or ""
    period, start = dates.figure_period(row.get("category"), row.get("date_text") or "", basis,
                                        _near(row.get("sentence") or "", row.get("quantity_text") or ""),
                                        _as_date(row.get("date")), _as_date(row.get("published")),
                                        basis == BASIS_INFOBOX)
    return {"period": period, "period_start": start}


def _fill_periods(frame: pd.DataFrame) -> None:
    """Give each row without one its `period` and `period_start` (`dates.figure_period`)."""
    missing = frame["period"].isna() | (frame["period"] == "")
    if not missing.any():
        return
    found = [dates.figure_period(category, date_text or "", basis or "", _near(sentence or "", words or ""),
                                 _as_date(day), _as_date(published), basis == BASIS_INFOBOX)
             for category, date_text, basis, sentence, words, day, published in frame.loc[
                 missing, ["category", "date_text", "date_basis", "sentence", "quantity_text", "date",
                           "published"]].itertuples(index=False)]
    frame["period"] = frame["period"].astype(object)
    frame.loc[missing, "period"] = [period for period, _ in found]
    frame["period_start"] = frame["period_start"].astype(object)
    frame.loc[missing, "period_start"] = [start for _, start in found]


def _near(sentence: str, words: str, before: int = 50, after: int = 60) -> str:
    """The words around a figure's own in its sentence: a total is said beside its number, and
    "has left behind mines" in another clause says nothing of it."""
    position = sentence.find(words)
    if position < 0:
        return sentence
    return sentence[max(0, position - before) : position + len(words) + after]


def figures_in_document(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure in one document (a documents-table row as a dict): its infobox's, then its body's."""
    story = _StoryReader(document)
    body = story.paragraphs()
    rows: list[dict[str, Any]] = story.infobox() + story.headlines() + story.result_lines()
    texts = [paragraph.text for paragraph in body]
    holds = [quantities.might_hold_a_number(paragraph.text, paragraph.words) for paragraph in body]
    # What a paragraph carries forward (speakers, days) serves only the figures after it: the
    # paragraphs after the last one that may hold a number are not read.
    last = max((i for i, held in enumerate(holds) if held), default=-1)
    for position, paragraph in enumerate(body[: last + 1]):
        rows.extend(story.read(paragraph, texts[max(0, position - 2) : position], texts[position + 1 : position + 4],
                               holds[position]))
    return rows


class _StoryReader:
    """Reads one document's body paragraph by paragraph, carrying what later paragraphs refer back to:
    the last day named, the year last named, the last figure, the last speaker and their time words."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.text: str = document["text"]
        self.source: str = document["source"]
        self.published = _as_date(document.get("published"))
        self.body_start = int(document.get("body_start") or 0)
        self.body_end = int(document.get("body_end") if document.get("body_end") is not None else len(self.text))
        self.metadata = {key: (None if pd.isna(document.get(key)) else document.get(key)) for key in _METADATA}
        self.speech = SpeechReader(own_outlet=self.metadata["outlet"], text=self.text)
        self.insurgent = categories.main_insurgent(self.text[self.body_start : self.body_end])
        self.last_day: date | None = None
        # A page with no publication date (an encyclopedia's) gives its year above the body first
        # ("Date: 20 August – 2 September 2017", "Part of the Iraq War (2014–present)").
        self.story_year: int | None = _front_matter_year(self.text[: self.body_start]) if self.published is None else None
        self.last_figure: dict[str, Any] | None = None  # for "A further 300 followed on Saturday."
        self.last_row: dict[str, Any] | None = None  # the table row of the last figure
        self.previous_context: dates.TimeExpression | None = None
        self.previous_speaker: str | None = None
        self.lead_in: Speech | None = None  # the speaker of a paragraph ending "... posted on Twitter:"
        self.open_quote: Speech | None = None  # the speaker of a quotation left open at a paragraph's end
        self.heading_day: dates.TimeExpression | None = None  # a timeline's day heading ("9 February") above
        self.list_day: dates.TimeExpression | None = None  # the day of a lead-in ending in ':' above a list
        # A statement's title names whose words the whole text is: "Statement attributable to X, spokesperson"
        attributable = _STATEMENT_BY.match(str(self.metadata.get("title") or ""))
        self.statement_by = self.speech.speaker_named(attributable.group("who")) if attributable else None

    @cached_property
    def front_lines(self) -> list[Line]:
        """The lines above the body (headline, infobox), split once for the readers of each."""
        return split_lines(self.text[: self.body_start])

    def paragraphs(self) -> list[Paragraph]:
        return paragraphs(self.text, self.body_start, self.body_end)

    def infobox(self) -> list[dict[str, Any]]:
        """The figures of an encyclopedia infobox above the body (no day: an infobox sums up a battle)."""
        return [{
            "source": self.source, "start": found.start, "end": found.end,
            "quantity_text": self.text[found.start : found.end], "category": found.category, "group": found.group,
            "low": found.quantity.low, "high": found.quantity.high, "best": found.quantity.best, "unit": "people",
            "date": None, "date_text": "", "date_basis": BASIS_INFOBOX, "attribution": found.attribution,
            "cited_outlet": None, "category_text": found.category_text, "sentence": found.line, "paragraph": -1,
            "flags": ";".join(dict.fromkeys(found.flags)), "claim_id": "", **self.metadata,
        } for found in infobox_figures(self.text, self.body_start, self.front_lines)]

    def result_lines(self) -> list[dict[str, Any]]:
        """The figures of an infobox's sentences above the body (its "Result" bullets)."""
        front = self.text[: self.body_start]
        if "•" not in front and "*" not in front:
            return []  # no bullets above the body: most pages
        rows = []
        for start, end in infobox_result_lines(self.text, self.body_start, self.front_lines):
            line = self.text[start:end]
            rows.extend(self.read(Paragraph(-1, start, end, line, words_of(line))))
        self.last_figure = None
        return rows

    def headlines(self) -> list[dict[str, Any]]:
        """The figures of the headline above the body, and of its repeats (a video's or a share card's
        title): a headline's figure counts like any other. Headline grammar drops the auxiliaries
        ("5,000 Evacuated") and reports the news of the day: with no time words, its figure is dated
        at publication. "Pentagon: 19,000 More Evacuated" is the Pentagon's."""
        if not self.title or self.body_start == 0:
            return []
        rows: list[dict[str, Any]] = []
        for line in self.front_lines:
            # the headline, or the headline under a site's label ("慢速英语:Four Killed in ...", "VOA
            # Standard English 2009 - Suicide Bombings Kill ..."); most lines above a body are neither
            if not self.is_headline(line.text):
                continue
            paragraph = Paragraph(-1, line.start, line.end, line.text, words_of(line.text))
            credited = _HEADLINE_SPEAKER.match(line.text) or _HEADLINE_SPEAKER_AFTER.search(line.text)
            speech = self._headline_speaker(credited.group("who")) if credited else None
            for row in self.read(paragraph):
                if row["date"] is None and self.published is not None:
                    row.update(date=self.published, date_basis=BASIS_HEADLINE)
                if row["attribution"] is None and speech is not None:
                    row["attribution"] = speech.speaker
                rows.append(row)
        self.last_figure = None  # the body's first figure does not continue the headline's
        return rows

    def _headline_speaker(self, who: str) -> Speech | None:
        """Whom a headline credits: "Pentagon: ...", "... - governor" (a role alone is the person of
        that role the story names: "Governor Ivan Petrov said ...")."""
        if who[:1].islower() and len(who.split()) <= 2:
            person = person_with_role(who, self.text[self.body_start : self.body_end])
            if person is not None:
                return Speech(0, 0, person, "person", None)
        return self.speech.speaker_named(who)

    @cached_property
    def title(self) -> str:
        """The manifest's title, spaces collapsed, in lower case ('' when there is none)."""
        return " ".join(str(self.metadata.get("title") or "").split()).lower()

    def is_headline(self, line: str) -> bool:
        """Whether a line is the headline: the title, or the title under a site's label."""
        if not self.title or len(line) > 2 * len(self.title) + 60 or 2 * len(line) < len(self.title):
            return False  # (lower-casing can lengthen a line, never double it)
        seen = " ".join(line.split()).lower()
        return len(seen) <= len(self.title) + 60 and self.title in seen

    def read(self, paragraph: Paragraph, before: Sequence[str] = (), after: Sequence[str] = (),
             holds_numbers: bool | None = None) -> list[dict[str, Any]]:
        """The figures of one paragraph, as table rows (`before` and `after` are the texts of the
        paragraphs around it, nearest last and first; `holds_numbers`, when the caller knows it,
        is `quantities.might_hold_a_number` of the paragraph)."""
        events = self.speech.read_paragraph(paragraph.text, paragraph.start, paragraph.words)
        carried_day = self.last_day  # the day the story named last before this paragraph
        # A tweet embedded in the page: its words are its author's, and "today" is the day it was posted.
        signoff = tweet_signoff(after[0]) if after else None
        if signoff is None and before and before[-1].startswith("@"):
            # the card's posting time may stand after the article's last paragraph: read the page's lines
            signoff = tweet_card(before, self.text[paragraph.end : paragraph.end + 400].split("\n"))
        goes_on = self.open_quote if paragraph.text.startswith(("“", '"')) else None  # the quotation goes on
        block_speaker = ((self.speech.speaker_named(signoff.name) if signoff else None) or self.lead_in or goes_on
                         or self.statement_by)
        said_on = signoff.day if signoff and signoff.day else self.published
        times = dates.find_time_expressions(paragraph.text, said_on, self.last_day, paragraph.start, paragraph.words,
                                            self.story_year)
        heading = _heading(paragraph, times)
        if heading is not None:  # "9 February" on a line of its own dates the paragraphs under it
            self.heading_day = heading if heading.kind == "date" else None
        entry_day = _timeline_entry_day(paragraph, times)
        if entry_day is None and heading is None and self.heading_day is not None:
            entry_day = self.heading_day.day
        if entry_day is not None and entry_day != said_on:  # a timeline's "now" is its entry's day
            said_on = entry_day
            times = [replace(t, basis=t.basis.replace("publication", "the timeline entry's day"))
                     for t in dates.find_time_expressions(paragraph.text, said_on, self.last_day, paragraph.start,
                                                          paragraph.words, self.story_year)]
        self.last_day = next((t.day for t in reversed(times) if t.day and t.kind in dates.DAY_KINDS), self.last_day)
        self.story_year = next(filter(None, (t.year for t in reversed(times))),
                               self.story_year)
        first_speech = next((e for e in events if e.speaker), None)
        continues = bool(first_speech and self.previous_speaker and first_speech.speaker == self.previous_speaker
                         and not first_speech.pluperfect)
        inherited = self.previous_context if continues else None
        if paragraph.text.lstrip().startswith(_LIST_MARKS) and self.list_day is not None:
            inherited = inherited or self.list_day  # "In operations today:" dates the items listed under it
        else:
            self.list_day = None
        rows = []
        if holds_numbers is None:
            holds_numbers = quantities.might_hold_a_number(paragraph.text, paragraph.words)
        headline = holds_numbers and paragraph.index >= 0 and self.is_headline(paragraph.text)  # inside the body
        credited = (_HEADLINE_SPEAKER.match(paragraph.text) or _HEADLINE_SPEAKER_AFTER.search(paragraph.text)
                    ) if headline else None
        for index, sentence in enumerate(paragraph.sentences if holds_numbers else ()):
            if not quantities.might_hold_a_number(sentence.text):
                continue  # most sentences hold no number: skip the costly reading
            previous_sentence = paragraph.sentences[index - 1].text if index else ""
            time_spans = [(t.start - sentence.start, t.end - sentence.start) for t in times
                          if sentence.start <= t.start < sentence.end]
            for found in _figures_in_sentence(sentence.text, previous_sentence, self.insurgent, time_spans,
                                              self.last_figure):
                self.last_figure = found
                start = sentence.start + found["offset"]
                end = sentence.start + found["end_offset"]
                when = _date_for(found, sentence, times, inherited, said_on, paragraph.quotes, self.heading_day)
                if when[0] is None and said_on is not None and headline:  # the headline inside the body:
                    when = (said_on, "", BASIS_HEADLINE)  # the news of the day
                if said_on is None and when[0] is None:  # no publication date: the narrative's own "now"
                    when = _narrative_date(when, start, times, carried_day, self.story_year)
                who = attribute(start, sentence.start, sentence.end, events, paragraph.quotes,
                                self.speech.dateline_outlet)
                if credited is not None and (who.speaker is None or who.speaker.lower() == credited.group("who").lower()):
                    named = self._headline_speaker(credited.group("who"))  # "... - governor": the governor named
                    who = Attribution(named.speaker, named.outlet or who.outlet) if named else who
                if who.speaker is None and block_speaker is not None:
                    who = Attribution(block_speaker.speaker, block_speaker.outlet or who.outlet)
                if who.speaker is None and index and not any(sentence.start <= e.start < sentence.end for e in events) \
                        and not any(a <= start < b for a, b in paragraph.quotes):
                    # a sentence with no speech of its own goes on with the account of the sentence before
                    # ("..., a Defense official said today. A total of 3,994 citizens left on Saturday.")
                    told = _speech_in(paragraph.sentences[index - 1], events)
                    if told is not None:
                        who = Attribution(told.speaker, told.outlet or who.outlet)
                if found["continues_before"] and self.last_row is not None:
                    # "... still held was 184." "This included 14 foreigners": the same speaker and day
                    if who.speaker is None:
                        who = Attribution(self.last_row["attribution"], self.last_row["cited_outlet"] or who.outlet)
                    if when[0] is None:
                        when = (self.last_row["date"], self.last_row["date_text"], self.last_row["date_basis"])
                rows.append({
                    "source": self.source, "start": start, "end": end, "quantity_text": self.text[start:end],
                    "category": found["category"], "group": found["group"], "low": found["low"],
                    "high": found["high"], "best": found["best"], "unit": found["unit"],
                    "date": when[0], "date_text": when[1], "date_basis": when[2],
                    "attribution": who.speaker, "cited_outlet": who.outlet,
                    "category_text": found["category_text"], "sentence": sentence.text,
                    "paragraph": paragraph.index, "flags": ";".join(found["flags"]), "claim_id": "",
                    **self.metadata,
                })
                self.last_row = rows[-1]
        context = next((t for t in reversed(times)), None)
        self.previous_context = context if context is not None else inherited
        last_speech = next((e for e in reversed(events) if e.speaker), None)
        self.previous_speaker = last_speech.speaker if last_speech else None
        self.lead_in = last_speech if paragraph.text.rstrip().endswith(":") else None
        if paragraph.text.rstrip().endswith(":"):
            self.list_day = next((t for t in reversed(times) if t.day and t.kind in (*dates.DAY_KINDS, "today")), None)
        self.open_quote = (last_speech or goes_on) if paragraph.ends_inside_quote else None
        return rows


def _speech_in(sentence, events: list[Speech]) -> Speech | None:
    """The last speech event of a sentence that names a speaker of its own (not a paper it cites)."""
    told = [e for e in events if sentence.start <= e.start < sentence.end and e.speaker
            and e.speaker_kind not in ("possessive", "first_person")]
    return told[-1] if told else None


_LIST_MARKS = ("--", "- ", "• ", "* ", "– ", "— ")


def _figures_in_sentence(sentence: str, previous_sentence: str, insurgent: str | None,
                         time_spans: list[tuple[int, int]], figure_before: dict[str, Any] | None = None,
                         ) -> list[dict[str, Any]]:
    """Figures in one sentence, with offsets relative to the sentence (time expressions' spans given;
    `figure_before` is the story's last figure before the sentence)."""
    found = []
    for quantity_start, quantity_end in quantity_spans(sentence):
        if any(s < quantity_end and quantity_start < e for s, e in time_spans):
            continue  # "several nights", "two days ago", "March 23"
        if (_MONTH_BEFORE.search(sentence[:quantity_start]) and _DAY_OR_YEAR.fullmatch(
                sentence[quantity_start:quantity_end])) or sentence[quantity_end:].startswith(
                ("%", " percent", " per cent", "-percent", " pc ", " pct")):
            continue
        if _ONE_OF.match(sentence, quantity_start):
            continue  # "one of the women said": a person, not a count
        if sentence[quantity_start - 1 : quantity_start] == "[" and sentence[quantity_end : quantity_end + 1] == "]":
            continue  # an encyclopedia's reference mark: "[6]"
        try:
            quantity = read_quantity(sentence[quantity_start:quantity_end])
        except NotAQuantity:
            continue
        strong = _STRONG.match(sentence, quantity_end)
        if strong:  # "a 100-strong force of militants": the force's size
            force = categories.noun_phrase_after(sentence, strong.end())
            found.append({
                "offset": quantity_start, "end_offset": force.end if force else strong.end(), "category": "strength",
                "group": categories.group_label(force.phrase, force.noun, insurgent) if force else "fighters",
                "low": quantity.low, "high": quantity.high, "best": quantity.best, "unit": "people",
                "category_text": strong.group().strip(), "flags": quantity.flags, "trigger_after": "",
                "continues_before": False, "perfect_object": False,
            })
            continue
        phrase = categories.noun_phrase_after(sentence, quantity_end)
        after = sentence[phrase.end:] if phrase else sentence[quantity_end:]
        low, high, best = quantity.low, quantity.high, quantity.best
        or_more = _OR_MORE.match(after)
        if or_more and high is not None:
            high, best = None, low
        toll = None
        about = None
        earlier = found[-1] if found else None
        gapped = crossed = False
        before, after_number = sentence[:quantity_start], sentence[quantity_end:]
        # "which decreased to 90,000", "This number was raised to 100": the count before it, changed
        changed = phrase is None and bool(earlier or figure_before) and categories.changed_count(before)
        named = categories.count_named_before(before) if changed else None
        if changed and ((named is not None and categories.category_in(named, "none")[0] != OTHER)
                        or categories.toll_category(before)):
            changed = False  # "the number of people displaced ... has climbed to 120,000", "the death toll has
            # risen to 58": the count they name, not the figure before
        if changed:
            phrase_end, noun, words, gapped = quantity_end, None, "", True
            earlier = earlier or figure_before
        elif phrase is None:
            toll = categories.toll_category(sentence[: quantity_start])
            if toll or categories.PEOPLE_PARTICIPLES.match(sentence[quantity_end:].lstrip()) or (
                    categories.event_right_after(sentence[quantity_end:])) or (
                    categories.object_of_verb_alone(sentence[:quantity_start], sentence[quantity_end:])) or (
                    earlier and categories.is_part_of_previous(sentence[:quantity_start], sentence[quantity_end:])):
                # "three killed", "the toll rose to 45", "killing 12.", "killed seven fighters and wounded 15",
                # "260 fighters, including 53 who were badly wounded"
                phrase_end, noun, words = quantity_end, None, ""
            elif categories.of_the_event(sentence[quantity_end:]) or (
                    figure_before and not earlier and not sentence[:quantity_start].strip(" \"“")
                    and categories.made_of(sentence[quantity_end:])):
                # "Eight of the dead were police officers", "... killed 30 people. Twelve were children."
                part = categories.of_the_event(sentence[quantity_end:])
                phrase_end, noun, words = quantity_end + (part[2] if part else 0), None, ""
            elif earlier and categories.is_gapped(sentence[:quantity_start], sentence[quantity_end:]):
                phrase_end, noun, words, gapped = quantity_end, None, "", True
            elif (earlier or figure_before) and categories.continues_a_count(
                    sentence[quantity_start:quantity_end], sentence[quantity_end:]):
                # "A further 300 followed on Saturday": more of the people of the figure before
                phrase_end, noun, words, gapped = quantity_end, None, "", True
                crossed = earlier is None
                earlier = earlier or figure_before
            else:
                context = categories.noun_from_context(previous_sentence + " " + sentence[: quantity_start])
                about = categories.count_named_before(sentence[:quantity_start])
                asked = categories.count_asked(previous_sentence, sentence[:quantity_start])
                if asked is not None:  # "We don't know how many are left inside. Maybe 5,000, maybe more."
                    about = about or asked
                elif context is None and (about is None or categories.category_in(about, "none")[0] == OTHER):
                    continue  # "the number of injuries reached 595" needs no people noun, a count of nothing known does
                elif context is not None and not (about is not None or _THERE_BEFORE.search(sentence[:quantity_start])):
                    continue
                phrase_end = quantity_end
                noun, words = (context.noun, context.phrase) if context else (None, "")
        else:
            phrase_end, noun, words = phrase.end, phrase.noun, phrase.phrase
        kind = categories.noun_class(noun)
        category, category_text = categories.choose_category(sentence, quantity_start, phrase_end, kind)
        if noun in categories.NOUN_CATEGORY and category != categories.NOUN_CATEGORY[noun] and (_DIGIT.search(
                sentence, phrase_end, max(phrase_end, sentence.find(category_text, phrase_end)))
                or (categories.NOUN_CATEGORY[noun] == "killed" and noun != "casualties")):
            # ("17 bodies were pulled from the rubble": the dead are never rescued or evacuated)
            # "773 corpses and 2,880 injured people": the verb after the next number is that number's
            category, category_text = categories.NOUN_CATEGORY[noun], noun
        continues_before = crossed or (changed and not found)
        if toll:
            category, category_text = toll, "toll"
        elif changed:  # the count of the people before it, whatever verbs follow
            category, category_text = earlier["category"], earlier["category_text"]
        elif gapped and category == OTHER:
            if crossed and not categories.follows_suit(sentence[quantity_end:]):
                continue  # "... 62 died. A further 120 were being treated": not more of the same
            if categories.forecast_after(sentence[quantity_end:]):
                continue  # "... and perhaps 300,000 more could leave": a forecast
            category, category_text = earlier["category"], earlier["category_text"]
        elif category == OTHER and earlier and (categories.is_part_of_previous(before, after_number)
                                                or categories.shares_previous_fate(before)
                                                or categories.coordinated_with(sentence[earlier["end_offset"]:quantity_start])):
            # "including 64 civilians", "107 of whom", "killed 52 fighters and 4 civilians"
            category, category_text = earlier["category"], earlier["category_text"]
        elif category == OTHER and earlier is None and figure_before and (
                categories.part_of_figure_before(before)
                or (not before.strip(" \"“") and categories.made_of(after_number))):
            # "This included 14 ...", "The captives included 20 women", "Twelve were children."
            category, category_text = figure_before["category"], figure_before["category_text"]
            continues_before = True
        elif category == OTHER and noun in categories.NOUN_CATEGORY:
            category, category_text = categories.NOUN_CATEGORY[noun], noun
        elif category == OTHER and about:  # "the number of people who have left ... rose to 59,000"
            category, category_text = categories.category_in(about, kind)
        if category != OTHER and _HYPOTHETICAL.search(sentence, max(0, quantity_start - 40), quantity_start):
            category, category_text = OTHER, "if"  # "if 1,000 fighters surrender": not something that happened
        if category != OTHER and categories.NOUN_CATEGORY.get(noun or "") != "evacuated" and _POPULATION_BEFORE.search(
                sentence, max(0, quantity_start - 40), quantity_start):  # ("home to 19,000 refugees" are displaced)
            category, category_text = OTHER, "population"  # "the city's 600,000 residents", "home to 600,000"
        described = (categories.event_in_phrase(phrase.phrase)  # (not "30 of the rescued hostages were wounded")
                     if phrase is not None and phrase.known and not phrase.phrase.lower().startswith("of ") else None)
        if described is not None and not categories.object_verb_before(before):
            category, category_text = described  # "several deceased militants", "eight wounded police officers"
        among = (categories.among_the(before) or categories.of_the_event(after_number)) if category == OTHER else None
        among = among[:2] if among else None
        if among is not None:  # "Among the dead were 4 children"
            category, category_text = among
        still_there = categories.remaining_before(sentence[:quantity_start], kind) if category == OTHER else None
        if still_there and noun is not None:
            category, category_text = still_there
        if category == OTHER and noun is None:
            continue
        if phrase and not phrase.known and category not in categories.EVENT_CATEGORIES:
            continue  # a count of a noun in no list is a figure only when an event says what happened to it
        if earlier and (noun is None or noun == "others") and not toll:
            group = earlier["group"]  # "12 civilians were killed and 30 wounded": 30 civilians
        elif noun is None:
            side = categories.subject_casualties(sentence)
            group = f"{side} fighters" if side else "people"
        else:
            group = categories.group_label(words, noun, insurgent, sentence[:quantity_start])
        ambiguous = category_text == "casualties" or (category in ("killed", "wounded") and _EITHER.search(
            sentence, max(0, quantity_start - 40), min(len(sentence), phrase_end + 60)))
        flags = quantity.flags + (("ambiguous_category",) if ambiguous else ())
        found.append({
            "offset": quantity_start, "end_offset": phrase_end, "category": category, "group": group,
            "low": low, "high": high, "best": best,
            "unit": phrase.unit if phrase else (earlier["unit"] if gapped else "people"),
            "category_text": category_text, "flags": flags,
            "trigger_after": sentence[phrase_end:],
            "continues_before": continues_before,  # counts the people of the figure before this sentence
            "perfect_object": bool(_PERFECT_BEFORE.search(sentence, max(0, quantity_start - 90), quantity_start)),
        })
    return found


def _date_for(found: dict[str, Any], sentence, times: list[dates.TimeExpression],
              inherited: dates.TimeExpression | None, published: date | None,
              quotes: tuple[tuple[int, int], ...] = (),
              heading: dates.TimeExpression | None = None) -> tuple[date | None, str, str]:
    """The day a figure refers to, the words that gave it, and how it was found (see the spec's Dates)."""
    start = sentence.start + found["offset"]
    end = sentence.start + found["end_offset"]
    if published is not None and found["category_text"] == "toll" and found["perfect_object"]:
        return published, "", "present perfect: up to publication"  # "the toll from Saturday's attack has risen to"
    in_sentence = [t for t in times if sentence.start <= t.start < sentence.end]
    chosen = dates.nearest(in_sentence, start, end, sentence.text, sentence.start)
    if (chosen is None and published is not None and _in_present_perfect(found) and not _PLUPERFECT.search(sentence.text)
            and not _MODAL_PERFECT.search(found["trigger_after"][:60])):
        return published, "", "present perfect: up to publication"  # its own tense, not a day carried from before
    if chosen is None:
        earlier = [t for t in times if t.end <= sentence.start]
        chosen = earlier[-1] if earlier else None
    if chosen is None and inherited is not None:
        return inherited.day, inherited.text, dates.BASIS_INHERITED if inherited.day else inherited.basis
    if chosen is None and heading is not None:
        return heading.day, heading.text, dates.BASIS_HEADING
    if chosen is not None and chosen.kind == "period":
        until = _period_end(in_sentence, sentence)
        if until is not None:  # "by 3 March, 10,000 had left since the evacuations began": up to 3 March
            return until.day, f"{chosen.text} (by {until.text})", dates.BASIS_PERIOD_TO_DAY
    if chosen is not None and chosen.kind == "month":
        event = _event_day_before(chosen, times, sentence, start)
        if event is not None:  # "on 18 March, an airstrike killed ... according to a report in November 2021"
            return event.day, event.text, dates.BASIS_EVENT_BEFORE_REPORT
    if chosen is not None:
        said = _day_said(chosen, in_sentence, quotes, published)
        return (said, chosen.text, dates.BASIS_SAID_ON) if said else (chosen.day, chosen.text, chosen.basis)
    if published is not None and not _PLUPERFECT.search(sentence.text):
        if found["category"] in ("remaining", "strength"):
            return published, "", dates.BASIS_NOW
        if _in_present_perfect(found):
            return published, "", "present perfect: up to publication"
        words_to_trigger = found["trigger_after"].split(found["category_text"])[0] if found["category_text"] else ""
        if _PRESENT_BEFORE_TRIGGER.search(words_to_trigger):
            return published, "", dates.BASIS_NOW  # "310,000 people are internally displaced": about now
    return None, "", dates.BASIS_NONE


def _in_present_perfect(found: dict[str, Any]) -> bool:
    """Whether a figure's own verb is in the present perfect ("have surrendered", "has killed 40")."""
    words_to_trigger = found["trigger_after"].split(found["category_text"])[0] if found["category_text"] else ""
    return bool(_PRESENT_PERFECT.search(words_to_trigger) or _PERFECT_TRIGGER.match(found["category_text"])
                or found["perfect_object"])


def _narrative_date(when: tuple[date | None, str, str], start: int, times: list[dates.TimeExpression],
                    carried_day: date | None, story_year: int | None) -> tuple[date | None, str, str]:
    """The day of a figure in a story with no publication date (an encyclopedia's account), whose
    "now" is the last day it named before the figure: "On 13 February, ... 425 civilians within the
    past 24 hours" is 13 February; a figure with no time words is on the day last named ("a day named
    in a paragraph dates the figures under it until another day is named"). A vague period ("in
    recent years") or a month stays without a day."""
    named = [t for t in times if t.day and t.kind in dates.DAY_KINDS and t.end <= start]
    now = named[-1].day if named else carried_day
    if now is None:
        return when
    if not when[1]:  # no time words for the figure
        return now, "", dates.BASIS_NARRATIVE
    chosen = next((t for t in times if t.text == when[1]), None)  # the expression `_date_for` chose
    if chosen is None:
        return when
    if chosen.kind in ("period", "today", "yesterday", "days_ago", "weekday", "day_before"):
        again = dates.find_time_expressions(chosen.text, now, now, story_year=story_year)
        if again and again[0].day:
            return again[0].day, chosen.text, dates.BASIS_NARRATIVE_PERIOD
    return when


_FRONT_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE_FIELD = re.compile(r"^[\s•*-]*(?:date|time)\d?\s*:?\s*(?P<value>.*)$", re.I | re.M)


def _front_matter_year(front: str) -> int | None:
    """The year a page states above its body: its infobox's date field, else the first year there."""
    field = _DATE_FIELD.search(front)
    for text in ((field.group("value"),) if field else ()) + (front,):
        year = _FRONT_YEAR.search(text)
        if year:
            return int(year.group())
    return None


def _event_day_before(month: dates.TimeExpression, times: list[dates.TimeExpression], sentence,
                      start: int) -> dates.TimeExpression | None:
    """A day named earlier in the paragraph that a later month ("revealed in November 2021") comes
    after: the month is when the figure was reported, the day when it happened."""
    year = _FRONT_YEAR.search(month.text)
    days = [t for t in times if t.day and t.kind == "date" and t.end <= start and t.end <= month.start]
    if not days or year is None:
        return None
    day = days[-1]
    named = dates.find_time_expressions(month.text.split()[-2] + " 1 " + year.group(), None)
    first_of_month = named[0].day if named else None
    return day if first_of_month and first_of_month > day.day else None


def _period_end(in_sentence: list[dates.TimeExpression], sentence) -> dates.TimeExpression | None:
    """The stated day a sentence's period runs up to: "by 3 March", "as of Tuesday"."""
    for expression in in_sentence:
        if expression.day is None or expression.kind not in dates.DAY_KINDS:
            continue
        if _BY_DAY.search(sentence.text, max(0, expression.start - sentence.start - 8), expression.start - sentence.start):
            return expression
    return None


_BY_DAY = re.compile(r"\b(?:by|as\s+of|as\s+at|until)\s+(?:on\s+)?$", re.I)


def _heading(paragraph: Paragraph, times: list[dates.TimeExpression]) -> dates.TimeExpression | None:
    """The day ("9 February", "12–13 March", "Tue 12 Mar 2019 11.42 GMT") or month ("March 2019") that a
    paragraph consists of, as a timeline's heading; None for a paragraph with other words."""
    if len(paragraph.text) > 48 or len(times) != 1 or times[0].kind not in ("date", "month"):
        return None
    expression = times[0]
    rest = (paragraph.text[: expression.start - paragraph.start] + " "
            + paragraph.text[expression.end - paragraph.start :])
    return expression if _HEADING_REST.fullmatch(rest) else None


_HEADING_REST = re.compile(
    r"[\W\d]*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)?[\W\d]*(?:(?:[ap]\.?m\.?|gmt|utc|bst|cet|et)\b[\W\d]*)?",
    re.I)


def _timeline_entry_day(paragraph: Paragraph, times: list[dates.TimeExpression]) -> date | None:
    """The day of a timeline entry ("9 February: ...", "• March 1, 2019 – ..."), which its "since
    December" and "today" count from; None for a paragraph that is not one."""
    first = times[0] if times else None
    if first is None or first.kind != "date" or first.day is None:
        return None
    head = paragraph.text[: first.start - paragraph.start]
    tail = paragraph.text[first.end - paragraph.start :]
    return first.day if _ENTRY_HEAD.fullmatch(head) and _ENTRY_TAIL.match(tail) else None


_ENTRY_HEAD = re.compile(r"[\W\d]{0,4}(?:on\s+)?", re.I)  # a bullet or a list number before the day
_ENTRY_TAIL = re.compile(r"\s*[:–—-]\s")


def _day_said(chosen: dates.TimeExpression, in_sentence: list[dates.TimeExpression],
              quotes: tuple[tuple[int, int], ...], published: date | None) -> date | None:
    """'"... today," he told AFP on Tuesday': a relative day inside a quotation counts from the day
    the quotation was given, when the sentence names it outside the quotation."""
    def quoted(expression: dates.TimeExpression) -> bool:
        return any(start <= expression.start < end for start, end in quotes)

    if published is None or chosen.day is None or chosen.kind not in _RELATIVE_KINDS or not quoted(chosen):
        return None
    given = next((t for t in in_sentence if t.day and t.kind in ("weekday", "date") and not quoted(t)), None)
    return given.day + (chosen.day - published) if given else None


_RELATIVE_KINDS = ("today", "yesterday", "days_ago")


def _as_date(value: Any) -> date | None:
    if type(value) is date:  # most values: read without pandas
        return value
    if value is None or pd.isna(value):  # NaT is a datetime too, so test for missing first
        return None
    return pd.Timestamp(value).date()


def read_figures(path: str | Path) -> pd.DataFrame:
    """A figures table written by `tally extract` (CSV or Parquet), checked against `FIGURES`."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix.lower() == ".csv":
        # Only empty cells of the nullable columns are missing: a group called "None" is text.
        frame = pd.read_csv(path, dtype={"source": str, "claim_id": str}, keep_default_na=False,
                            na_values={column: [""] for column in _NULLABLE_COLUMNS})
    else:
        raise ValueError(f"{path}: unknown table format (use .csv or .parquet)")
    return figures_frame(frame)


def filter_figures(figures: pd.DataFrame, categories: Sequence[str] = (), outlets: Sequence[str] = (),
                   start: str | date | None = None, end: str | date | None = None,
                   include_other: bool = False) -> pd.DataFrame:
    """The figures of the given categories and outlets (empty: all), dated within [start, end].

    With a start or end day, figures with no day are left out, since they cannot be placed
    in the window. Figures of category 'other' are left out unless asked for.
    """
    keep = pd.Series(True, index=figures.index)
    if categories:
        keep &= figures["category"].isin(list(categories))
    elif not include_other:
        keep &= figures["category"] != OTHER
    if outlets:
        keep &= figures["outlet"].isin(list(outlets))
    if start:
        keep &= figures["date"] >= pd.Timestamp(start)
    if end:
        keep &= figures["date"] <= pd.Timestamp(end)
    return figures[keep].reset_index(drop=True)


def as_list(value: str | int | float | Sequence[str] | None) -> list[str]:
    """A notebook parameter as a list: 'a, b' -> ['a', 'b']; a list stays a list; empty -> []."""
    if value is None:
        return []
    if isinstance(value, (int, float)):  # papermill's -p reads "7" as the number 7
        value = str(value)
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def load_figures(figures_path: str | Path = "", sources_dir: str | Path = "") -> pd.DataFrame:
    """The figures table from a file written by `tally extract`, or extracted from a sources folder."""
    if figures_path:
        return read_figures(figures_path)
    if not sources_dir:
        raise ValueError("give a figures table (figures_path) or a folder of sources (sources_dir)")
    from tally.sources import load_sources

    return extract_figures(load_sources(sources_dir))

"""The day a figure refers to, from the words around it and the publication date.

`find_time_expressions` finds the words that place something in time ("on
Tuesday", "March 12", "in the past month", "last year"); `resolve` turns one into
a day, or into no day when the words name a period that does not end at
publication. The rules are the figures spec's: weekdays resolve to the latest
such day on or before publication; a period ending at publication gives the
publication date; anything vaguer gives no date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateutil import parser as date_parser

from tally.sentences import CaselessPattern, fold_case, words_of

# Patterns are written in lower case and searched in case-folded text (see `fold_case`).
_MONTH_NAMES = ("january|february|march|april|may|june|july|august|september|october|november|december|"
                "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_MONTH = rf"(?:{_MONTH_NAMES})\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_SMALL_COUNT = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|few|\d+)"
_UNITS = r"(?:days?|nights?|weeks?|months?|years?|hours?|decades?)"
_DAY = (rf"(?:{_MONTH}\s+\d{{1,2}}(?![,.]\d)(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
        r"|\d{4}-\d{2}-\d{2})\b")

_MONTH_WORDS = frozenset(_MONTH_NAMES.split("|"))
_UNIT_WORDS = frozenset("day days night nights week weeks month months year years hour hours decade decades".split())
_YEARS = frozenset(str(y) for y in range(1900, 2100))


@dataclass(frozen=True)
class _Kind:
    """One kind of time expression: its pattern, and the words a text must hold for it to match.

    `needs` is a conjunction of alternatives: every set in it must share a word
    with the text. It lets a paragraph skip the kinds it cannot contain, because
    one big alternation tried at every word is the costliest search in the extractor.
    """

    name: str
    pattern: str
    needs: tuple[frozenset[str], ...]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Kinds of time expression, tried in this order at each position (first match wins).
_KINDS: tuple[_Kind, ...] = (
    _Kind("date", _DAY,
          (_MONTH_WORDS | {"iso-date"},)),
    _Kind("period", rf"(?:in|over|during|within|for)\s+(?:the\s+)?(?:past|last)\s+(?:{_SMALL_COUNT}\s+|few\s+|several\s+|couple\s+of\s+)?{_UNITS}\b",
          (_words("past last"), _UNIT_WORDS)),
    _Kind("period", r"(?:in|over)\s+recent\s+(?:days|weeks|months|years)\b|so\s+far\b|to\s+date\b|this\s+(?:week|month|year)\b(?!\s+ago)",
          (_words("recent far date this"),)),
    # "since Jan 9", "since Monday", "since the start of the offensive", "since 2014": a period up to publication
    _Kind("period", rf"since\s+the\s+[\w-]+(?:\s+[\w-]+)?\s+(?:on|of)\s+{_DAY}", (_words("since"), _MONTH_WORDS)),
    # "since fighting started", "since the clashes erupted": the war's own start, a period up to publication
    _Kind("period", r"since\s+(?:the\s+)?(?:fighting|clashes|war|conflict|offensive|siege|battle|violence|hostilities|"
                    r"bombardment|assault|invasion|truce|ceasefire|cease-fire)\s+(?:first\s+)?(?:began|started|erupted|broke\s+out|"
                    r"resumed|escalated)\b", (_words("since"),)),
    _Kind("period", rf"since\s+(?:the\s+(?:start|beginning|launch)\s+of\s+(?:the\s+|this\s+|its\s+)?(?:(?:final|last|latest|new|current|military|ground)\s+)?[\w-]+|(?:(?:the|its|their|his|her|[\w-]+['’]s)\s+(?:[\w'’-]+\s+){{0,2}}(?:was\s+)?(?:began|started|resumed|launched|opened)"
                    rf"\s+(?:on\s+|in\s+)?)?(?:{_DAY}|(?:{_MONTH_NAMES})\b|(?:19|20)\d\d\b|{_WEEKDAY}\b))",
          (_words("since"),)),
    _Kind("days_ago", rf"(?P<ago>{_SMALL_COUNT})\s+days?\s+ago\b", (_words("ago"),)),
    _Kind("days_before", rf"(?P<before>{_SMALL_COUNT})\s+days?\s+(?:prior|earlier|before)\b(?!\s+(?:the|to|a|an|his|her|its|their)\b)",
          (_words("prior earlier before"), _words("day days"))),
    _Kind("vague", r"(?:last|previous|earlier\s+this|late\s+last|early\s+last)\s+(?:week|month|year|decade|summer|winter|spring|autumn|fall)\b",
          (_words("last previous this"), _words("week month year decade summer winter spring autumn fall"))),
    _Kind("vague", r"(?:at|by|towards?)\s+the\s+(?:end|start|beginning)\s+of\s+(?:the|last|this)\s+(?:year|month|week)\b",
          (_words("end start beginning"),)),
    _Kind("vague", rf"(?:for\s+(?:nearly\s+|about\s+|almost\s+|more\s+than\s+|over\s+|roughly\s+)?{_SMALL_COUNT}\s+{_UNITS}|for\s+(?:days|weeks|months|years|decades)|several\s+{_UNITS}|{_SMALL_COUNT}\s+{_UNITS}\s+ago)\b",
          (_UNIT_WORDS,)),
    # "by January 2019": no day, but the year that a timeline's later "On 9 February" is in
    _Kind("month", rf"(?:(?:in|by|during|until|from|early|late|mid-?)\s+)*{_MONTH}\s+(?:19|20)\d\d\b",
          (_MONTH_WORDS, _YEARS)),
    _Kind("vague", rf"in\s+(?:early\s+|late\s+|mid-?)?(?:{_MONTH_NAMES})\b(?!\s+\d)|(?:in|during)\s+(?:19|20)\d\d\b",
          (_MONTH_WORDS | _YEARS,)),
    _Kind("weekday", rf"(?:(?:early|late|on|last|this|past)\s+)?(?P<weekday>{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?\b",
          (frozenset(_WEEKDAYS),)),
    _Kind("yesterday", r"yesterday\b|last\s+night\b", (_words("yesterday night"),)),
    _Kind("day_before", r"the\s+(?:day|night)\s+before\b|the\s+previous\s+(?:day|night)\b", (_words("before previous"),)),
    _Kind("day_after", r"the\s+(?:next|following)\s+(?:day|morning|night)\b|the\s+day\s+after\b|a\s+day\s+later\b",
          (_words("next following after later"),)),
    _Kind("today", r"today\b|tonight\b|this\s+(?:morning|afternoon|evening)\b|overnight\b|currently\b",
          (_words("today tonight overnight morning afternoon evening currently"),)),
    _Kind("same_day", r"(?:earlier|later)\s+(?:in\s+the\s+day|that\s+day|on\s+the\s+same\s+day)\b|the\s+same\s+day\b|by\s+midday\b|at\s+dawn\b",
          (_words("earlier later same midday dawn"),)),
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_NEEDED_WORDS = frozenset().union(*(need for kind in _KINDS for need in kind.needs))


@lru_cache(maxsize=4096)
def _possible_kinds(words: frozenset[str]) -> tuple[int, ...]:
    """The kinds of time expression a text holding `words` (of `_NEEDED_WORDS`) may contain."""
    return tuple(i for i, kind in enumerate(_KINDS) if all(not need.isdisjoint(words) for need in kind.needs))


@lru_cache(maxsize=512)
def _pattern_for(kinds: tuple[int, ...]) -> re.Pattern:
    """One alternation of the given kinds, in their order, under a single leading word boundary
    (a boundary inside every branch makes the engine try each branch at every character),
    for case-folded text. Every kind begins with a letter or digit, so only a word's start is
    tried, not its end (a boundary with a word character after it)."""
    return re.compile(r"\b(?=\w)(?:" + "|".join(f"(?P<k{i}>{_KINDS[i].pattern})" for i in kinds) + ")")


BASIS_STATED = "stated date"
BASIS_WEEKDAY = "weekday before publication"
BASIS_RELATIVE = "relative to publication"
BASIS_SAME_DAY = "same day as the story's last dated event"
BASIS_DAY_BEFORE = "day before the story's last dated event"
BASIS_DAY_AFTER = "day after the story's last dated event"
BASIS_DAYS_BEFORE = "days counted back from the story's last dated event"
BASIS_EVENT_BEFORE_REPORT = "the day of the event, named before the month it was reported in"
BASIS_NARRATIVE = "the day the story last named (no publication date)"
BASIS_NARRATIVE_PERIOD = "period or relative day counted from the day the story last named (no publication date)"
BASIS_SAID_ON = "relative to the day the quotation was given"
BASIS_STORY_YEAR = "stated day, in the year the story last named"
BASIS_PERIOD = "period ending at publication"
BASIS_PERIOD_TO_DAY = "period ending at the day the sentence says it ran to"
BASIS_NOW = "figure about the present: publication date"
BASIS_HEADING = "the day heading above the paragraph"
BASIS_INHERITED = "same speaker as the previous paragraph, which is dated"
BASIS_VAGUE = "period not ending at publication: no day"
BASIS_NONE = "no date stated"
# Kinds that name one day, which later "earlier in the day" and "the day before" refer to.
DAY_KINDS = ("date", "weekday", "yesterday", "days_ago", "day_before", "day_after")


@dataclass(frozen=True)
class TimeExpression:
    """Words that place something in time, and the day they give (None for a vague period)."""

    start: int
    end: int
    text: str
    kind: str
    day: date | None
    basis: str
    year: int | None = None  # the year it names as the story's year ("in January 2019"), if any


def find_time_expressions(text: str, published: date | None, last_day: date | None = None,
                          offset: int = 0, words: frozenset[str] | None = None,
                          story_year: int | None = None) -> list[TimeExpression]:
    """Time expressions in `text`, each resolved against the publication date.

    `last_day` is the latest day the story has named before `text`, which
    'earlier in the day' refers to; `story_year` the year it last named ("January
    2019"), which a day without a year is in when the publication date is unknown.
    """
    found: list[TimeExpression] = []
    if words is None:
        words = words_of(text)
    if "-" in text and _ISO_DATE.search(text):
        words = words | {"iso-date"}
    possible = _possible_kinds(words & _NEEDED_WORDS)
    if not possible:
        return found
    for match in _pattern_for(possible).finditer(fold_case(text)):
        kind = _KINDS[int(match.lastgroup[1:])].name
        day, basis = resolve(kind, match, published, last_day, story_year)
        if day is not None and kind in DAY_KINDS:
            last_day = day
        year = year_named(kind, match.group(), text[max(0, match.start() - 5) : match.start()],
                          text[match.end() : match.end() + 2])
        story_year = year or story_year
        found.append(TimeExpression(offset + match.start(), offset + match.end(), text[match.start():match.end()],
                                    kind, day, basis, year))
    return found


def year_named(kind: str, words: str, before: str = "", after: str = "") -> int | None:
    """The year a full date or a month and year names ("12 February 2019", "by January 2019"); not
    the year of a month that is part of a name ("the November 2015 Paris attacks"), given the
    text `before` and `after` the words."""
    if kind == "month" and (_NAME_FOLLOWS.match(after) or _THE_BEFORE.search(before)):
        return None
    year = _YEAR.search(words) if kind in ("date", "month") else None
    return int(year.group()) if year else None


_NAME_FOLLOWS = re.compile(r" [A-Z]")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)


def resolve(kind: str, match: re.Match, published: date | None, last_day: date | None,
            story_year: int | None = None) -> tuple[date | None, str]:
    """The day a time expression of `kind` names, and how it was found."""
    if kind in ("vague", "month"):
        return None, BASIS_VAGUE
    if kind == "date":
        if published is None and not _YEAR.search(match.group()):
            # Which year is a day without one in? An encyclopedia's timeline has said it before.
            if story_year is None:
                return None, "publication date unknown"
            return _explicit_day(f"{match.group()} {story_year}", None), BASIS_STORY_YEAR
        return _explicit_day(match.group(), published), BASIS_STATED
    # Days counted from the story's own last day ("the day before", "the next day", "earlier that day").
    if kind == "day_before" and last_day:
        return last_day - timedelta(days=1), BASIS_DAY_BEFORE
    if kind == "day_after":
        return (last_day + timedelta(days=1), BASIS_DAY_AFTER) if last_day else (None, BASIS_NONE)
    if kind == "same_day" and last_day:
        return last_day, BASIS_SAME_DAY
    if kind == "days_before":
        count = match.group("before").lower()
        number = int(count) if count.isdigit() else _WORD_COUNTS.get(count)
        reference = last_day or published
        if number is None or reference is None:
            return None, BASIS_VAGUE
        return reference - timedelta(days=number), BASIS_DAYS_BEFORE
    if published is None:
        return None, "publication date unknown"
    if kind == "period":
        return published, BASIS_PERIOD
    if kind == "weekday":
        wanted = _WEEKDAYS.index(match.group("weekday").lower())
        return published - timedelta(days=(published.weekday() - wanted) % 7), BASIS_WEEKDAY
    if kind == "yesterday":
        return published - timedelta(days=1), BASIS_RELATIVE
    if kind == "day_before":
        return published - timedelta(days=1), BASIS_RELATIVE
    if kind == "days_ago":
        count = match.group("ago").lower()
        number = int(count) if count.isdigit() else _WORD_COUNTS.get(count)
        if number is None:
            return None, BASIS_VAGUE
        return published - timedelta(days=number), BASIS_RELATIVE
    if kind == "today":
        return published, BASIS_RELATIVE
    return published, BASIS_SAME_DAY


_WORD_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}


def _explicit_day(words: str, published: date | None) -> date | None:
    """A stated day; without a year, the latest such day on or before publication."""
    return _stated_day(words, published or date.today())


@lru_cache(maxsize=8192)
def _stated_day(words: str, reference: date) -> date | None:
    # Cached: a story names the same few days again and again. The usual shapes ("March 12",
    # "12 March 2019", "2019-03-12") are read here; dateutil (slow) reads the rest.
    parsed = _usual_day(words, reference)
    if parsed is None:
        try:
            parsed = date_parser.parse(words, default=datetime.combine(reference.replace(day=1),
                                                                       datetime.min.time())).date()
        except (ValueError, OverflowError):
            return None
    elif parsed is _NO_SUCH_DAY:
        return None
    if not _YEAR.search(words) and parsed > reference:
        try:
            parsed = parsed.replace(year=parsed.year - 1)
        except ValueError:
            return None
    return parsed


_MONTH_NUMBER = {name: number for number, names in enumerate(
    ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
     "september sep sept", "october oct", "november nov", "december dec"), start=1) for name in names.split()}
_USUAL_DAY = re.compile(
    rf"(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>[1-9]\d{{3}}))?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>{_MONTH_NAMES})\.?(?:,?\s+(?P<year2>[1-9]\d{{3}}))?"
    r"|(?P<iso_year>[1-9]\d{3})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})", re.I)
_NO_SUCH_DAY = date.min  # "February 30": the words have a usual shape but name no day


def _usual_day(words: str, reference: date) -> date | None:
    """The day of words in one of the usual shapes, as dateutil reads them with `reference`'s year
    for a missing one; `_NO_SUCH_DAY` for an impossible day; None for another shape."""
    found = _USUAL_DAY.fullmatch(words)
    if found is None:
        return None
    if found["iso_year"]:
        year, month, day = int(found["iso_year"]), int(found["iso_month"]), int(found["iso_day"])
    else:
        month = _MONTH_NUMBER[(found["month"] or found["month2"]).lower()]
        day = int(found["day"] or found["day2"])
        if not 1 <= day <= 31:
            return None  # dateutil reads "Oct 33" as October 2033
        year = int(found["year"] or found["year2"] or reference.year)
    try:
        return date(year, month, day)
    except ValueError:
        return _NO_SUCH_DAY


def nearest(expressions: list[TimeExpression], start: int, end: int, text: str = "",
            text_start: int = 0) -> TimeExpression | None:
    """The expression closest to the span [start, end), by characters between them.

    With the sentence's `text` (starting at offset `text_start`), an expression in the
    span's own clause wins over a nearer one across ", and" or ";" ("400 left on
    Sunday, and 120 were evacuated Monday": 120 on Monday)."""
    def distance(expression: TimeExpression) -> tuple[bool, int]:
        if expression.end <= start:
            gap = (expression.end, start)
        elif expression.start >= end:
            gap = (end, expression.start)
        else:
            return False, 0
        between = text[gap[0] - text_start : gap[1] - text_start]
        return bool(between and _CLAUSE_SEPARATOR.search(between)), gap[1] - gap[0]
    return min(expressions, key=distance, default=None)


_CLAUSE_SEPARATOR = re.compile(r";|,\s*(?:and|while|but|whereas|with)\b")


# What span of time a figure counts (the figures table's `period` and `period_start`).
PERIOD_TOTAL = "total"  # a running total up to its day: "since January", "so far", "the death toll"
PERIOD_DAY = "day"  # what happened on its day: "on Tuesday 300 left"
PERIOD_CURRENT = "current"  # how many there are on its day: "5,000 remain", "the group has 2,000 fighters"
PERIOD_UNKNOWN = "unknown"  # no day and no words saying it is a total
PERIODS = (PERIOD_TOTAL, PERIOD_DAY, PERIOD_CURRENT, PERIOD_UNKNOWN)
# Words beside a figure that make it a total since some start.
_TOTAL_WORDS = CaselessPattern(
    r"\b(?:in\s+total|a\s+total\s+of|total(?:l?ing|s|led|ed)?|(?:death|casualty|civilian)\s+tolls?|tolls?|tally|"
    r"cumulative(?:ly)?|altogether|overall|so\s+far|to\s+date|thus\s+far|until\s+now|up\s+to\s+now|in\s+all|"
    r"since|as\s+of|in\s+the\s+(?:past|last)|over\s+the\s+(?:past|last)|between\s+\d{1,2}\s+\w+\s+and|"
    r"between\s+\w+\.?\s+\d{1,2}\s+and|(?:have|has)\s+(?:\w+\s+){0,2}(?:been|fled|died|risen|reached|climbed|"
    r"grown|passed|surpassed|topped))\b")  # not "has left": "has left behind mines"
# "since 10 March", "between 10 March and 23 March", "from 1 March to": where a sentence starts its period
_PERIOD_FROM = re.compile(rf"\b(?:since|between|from)\s+(?:the\s+)?(?P<day>{_DAY})")
_TOTAL_BASES = ("period", BASIS_NARRATIVE_PERIOD, "present perfect")
_PAST_SPAN = re.compile(rf"(?:past|last)\s+(?:(?P<count>{_SMALL_COUNT})\s+|few\s+|several\s+|couple\s+of\s+)?(?P<unit>{_UNITS})\b",
                        re.I)
_UNIT_DAYS = {"day": 1, "night": 1, "week": 7, "month": 30, "year": 365, "hour": 1 / 24, "decade": 3650}
_SINCE = re.compile(r"\bsince\b", re.I)


def figure_period(category: str, date_text: str, date_basis: str, near_words: str, day: date | None,
                  published: date | None, infobox: bool = False) -> tuple[str, date | None]:
    """What span a figure counts, and the day that span starts where the words give one.

    `near_words` are the words of the figure's clause (a total is said beside its number:
    "a total of", "the death toll rose to", "so far"); `date_text` and `date_basis` are how
    its day was found. An infobox's figures are the whole battle's totals, with no start;
    people still inside and a force's strength are levels ('current'), not totals.
    """
    if category in ("remaining", "strength"):  # a level, even "a total of 5,000 remain"
        return PERIOD_CURRENT, None
    vague = date_basis == BASIS_VAGUE  # "last month": a past span, not a running total
    if infobox or (not vague and (date_basis.startswith(_TOTAL_BASES) or _TOTAL_WORDS.search(near_words))):
        if day is None:  # "last week, 300 were killed": no day, so no start either
            return PERIOD_TOTAL, None
        start = period_start(date_text, day, published)
        if start is None:
            stated = _PERIOD_FROM.search(fold_case(near_words))
            start = _explicit_day(stated.group("day"), day) if stated else None
        return PERIOD_TOTAL, start if start is None or start <= day else None
    return (PERIOD_DAY if day is not None else PERIOD_UNKNOWN), None


def period_start(date_text: str, end: date | None, published: date | None) -> date | None:
    """The first day of a period the words name ("since January 9", "in the past week",
    "since the offensive began on 4 March", "since 2014"); None when they name no day.
    A month or a year alone starts on its first day."""
    if not date_text:
        return None
    reference = end or published
    span = _PAST_SPAN.search(date_text)
    if span is not None and reference is not None:
        count = (span.group("count") or "1").lower()
        number = int(count) if count.isdigit() else _WORD_COUNTS.get(count)
        if number is None:
            return None
        unit = span.group("unit").lower().rstrip("s")
        days = max(1, round(number * _UNIT_DAYS[unit]))  # "the past 24 hours" is the day itself
        return reference - timedelta(days=days - 1)
    since = _SINCE.search(date_text)
    if since is None:
        return None
    rest = date_text[since.end():]
    for found in find_time_expressions(rest, reference):
        if found.kind in ("date", "weekday", "yesterday", "days_ago") and found.day is not None:
            return found.day if reference is None or found.day <= reference else None
    named = re.search(rf"\b(?P<month>{_MONTH_NAMES})\b|\b(?P<year>(?:19|20)\d\d)\b", fold_case(rest))
    if named is None:
        return None
    if named.group("year"):
        return date(int(named.group("year")), 1, 1)
    if reference is None:
        return None
    return _explicit_day(f"{named.group('month')} 1", reference)

"""Reading a captured web page: where the article body is, and what the page says about itself.

A capture is the text of a news page as it was saved: a headline, byline lines,
the article, and page furniture around it (donation banners, section labels,
related-headline lines, photo captions, comment prompts, mailing-list footers).
These rules look at the shape of each line, not at any particular site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from dateutil import parser as date_parser

# Lines that are page furniture wherever they appear. Each names a kind of
# furniture seen on news sites in general, not a sentence of one site; beside each pattern, the
# lower-case text it cannot match without (any one of them), so that a line is searched only for
# the kinds whose text it holds.
_FURNITURE_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("donat",), r"donat(e|ion)"), (("subscribe",), r"\bsubscribe\b"), (("newsletter",), r"newsletter"),
    (("mailing list",), r"mailing list"), (("sign up",), r"\bsign up\b"), (("comment",), r"comments?\s*$"),
    (("commenting",), r"commenting"), (("share ",), r"\bshare (this|on)\b"), (("follow us",), r"\bfollow us\b"),
    (("advertisement",), r"advertisement"), (("read more",), r"\bread more\b"), (("click here",), r"\bclick here\b"),
    (("all rights reserved",), r"all rights reserved"), (("copyright",), r"copyright"), (("©",), r"©"),
    (("cookie",), r"\bcookies?\b"),
    (("related",), r"^related( (articles|stories|coverage|content))?:?\s*$"),
    ((":",), r"^(related|see also|also read|watch|listen|more)\s*:"),  # a link to another story: "RELATED: ..."
    (("/",), r"\[[^\[\]]{2,60}/[^\[\]]{2,40}\]\s*$"),  # a caption's credit: "[Rodi Said/Reuters]"
    (("file", "photo", "image", "video"), r"^(file|photo|image|video)\s*[-–—:|]"),
    (("caption", "copyright", "playback", "source"), r"^(image|media|video)\s+(caption|copyright|playback|source)\b"),
    (("(",), r"\((photo|image|file)\b"), (("photo:",), r"\bphoto:"), (("image:",), r"\bimage:"),
    (("getty images",), r"getty images"), (("ap photo",), r"\bAP Photo\b"), (("source:",), r"^source:"),
    (("^", "↑"), r"^\^\s|^↑\s"), (("retrieved ",), r"\bretrieved \d"),  # a wiki's reference list and footer
    (("last edited on",), r"last edited on"), (("creative commons",), r"creative commons"),
    ((" by",), r"^(additional )?(reporting|writing|editing) by\b"),
    (("contributed ",), r"contributed (reporting )?to this report"),
    (("people are talking",), r"people are talking about this"), (("ads info",), r"ads info"),  # an embedded tweet's card
    (("other tweets",), r"other tweets"), (("replying to @",), r"^replying to @"),
    (("trust principles",), r"trust principles"), ((" read",), r"^\d+\s+min(ute)?s?\ read$"),  # a wire story's credits
    (("(this ",), r"^\(this (story|version)\b"),
)
_FURNITURE_SEARCHES = tuple((needs, re.compile(pattern, re.IGNORECASE)) for needs, pattern in _FURNITURE_KINDS)
_FURNITURE = re.compile("|".join(f"(?:{pattern})" for _, pattern in _FURNITURE_KINDS), re.IGNORECASE)
# Letters that re.IGNORECASE takes for an ASCII letter though lower() keeps them apart ("ſ" is "s",
# also the Kelvin sign, dotless i, dotted capital I): a search that stands in lower-cased text for a
# case-insensitive one cannot be used on text holding one (here: a line is searched whole).
ODD_CASE = re.compile("[\u017f\u212a\u0131\u0130]")
# Every furniture pattern above holds one of these words or stems; a line without them is not furniture.
_FURNITURE_WORDS = frozenset(
    "subscribe newsletter mailing sign comment comments commenting share follow advertisement read click reserved "
    "copyright cookie cookies related file photo image video getty source see also watch listen more retrieved edited "
    "creative reporting writing editing contributed trust min minute minutes mins story version talking ads tweets replying media".split())
_FURNITURE_STEMS = ("donat", "newsletter", "advertisement", "©", "^", "↑")  # also inside longer words
_LOWER_WORD = re.compile(r"[a-z]+")

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_WORDS = rf"(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_BYLINE = re.compile(
    rf"^By\s+(?P<author>[A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z0-9][\w.'’-]*){{0,5}}?)"
    rf"\s*[,|–—-]?\s*(?:(?:Updated|Published)?:?\s*(?P<date>{DATE_WORDS}))?\s*$"
)
# A line that is a date, maybe with a time and "Updated ..." after it ("March 6, 2019 / 4:12 PM / Updated 3 hours
# ago"); a date followed by words ("March 6, 2019 – The SDF declares ...") is a timeline entry, not a dateline.
_DATE_LINE = re.compile(
    rf"^(?:(?:Published|Updated|Posted)(?:\s+on)?:?\s*)?(?P<date>{DATE_WORDS})"
    r"(?:\s*[/|•·,–—-]?\s*(?:(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{2,5}\b)?|updated\b[^/|]{0,40}"
    r"|\d+\s+min(?:ute)?s?\s+read))*\s*$", re.I)
# A heading after which a page holds only its back matter (an encyclopedia's reference list, links out).
_BACK_MATTER = re.compile(
    r"^(?:references|notes|citations|footnotes|bibliography|further\s+reading|external\s+links|see\s+also)"
    r"\s*(?:\[\s*edit\s*\])?:?$", re.I)
# "Home > Syria", "News / World / Middle East": where the page sits in its site, not its headline.
_BREADCRUMB = re.compile(r"^home\s*[>›»/|]|\s[>›»]\s|\s/\s.*\s/\s", re.I)
_SOURCE_LINE = re.compile(r"^Source:\s*(?P<value>.+?)\s*$", re.I)
# A sentence ends in . ! ? or : and maybe a closing quote or bracket after it, and an encyclopedia's
# reference marks ("[14]", "[a]").
_TERMINAL = re.compile(r"[.!?:;…][\"”’')\]]*(?:\[\w{1,4}\])*$")


class Line(NamedTuple):
    """One non-empty line of a capture, with its offsets in the text (a named tuple: every line of
    every article is one, and a tuple is made five times faster than a frozen dataclass)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CaptureFacts:
    """What a capture says about itself, and where its body is."""

    title: str | None
    author: str | None
    published: date | None
    source_line: str | None
    body_start: int
    body_end: int


def split_lines(text: str) -> list[Line]:
    """Non-empty lines of `text`, stripped, with offsets into `text`."""
    lines = []
    position = 0  # where `raw` starts in `text`
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = position + (len(raw) - len(raw.lstrip()))
            lines.append(Line(start, start + len(stripped), stripped))
        position += len(raw) + 1
    return lines


def is_furniture(line: str) -> bool:
    """True for a line that belongs to the page around the article (banners, captions, footers).

    Furniture is short; a long paragraph is never checked.
    """
    return len(line) < 400 and _short_line_is_furniture(line)


# This runs on every line of every article, twice (reading the capture, then cutting its body
# into paragraphs): the cache holds about a chunk of articles' lines, all shorter than 400 characters.
@lru_cache(maxsize=1 << 15)
def _short_line_is_furniture(line: str) -> bool:
    lowered = line.lower()
    if (_FURNITURE_WORDS.isdisjoint(_LOWER_WORD.findall(lowered)) and not any(s in lowered for s in _FURNITURE_STEMS)
            and not line.endswith("]")):
        return False  # none of the words any furniture pattern needs: skip the costly search
    if ODD_CASE.search(line):
        return bool(_FURNITURE.search(line))
    return any(pattern.search(line) for needs, pattern in _FURNITURE_SEARCHES if any(text in lowered for text in needs))


def is_prose(line: str) -> bool:
    """True for a line that reads as article prose rather than a headline, label or link.

    Prose either ends like a sentence or is too long to be a headline.
    """
    return not is_furniture(line) and _reads_as_prose(line)


def _reads_as_prose(line: str) -> bool:
    if _INFOBOX_FIELD.match(line):
        return False  # "- Result: Iraqi forces capture the city ...": a field of an infobox, however long
    words = len(line.split())
    return (words >= 5 and bool(_TERMINAL.search(line))) or words >= 20


# A field of an encyclopedia's infobox rendered as a list: "- Strength1: ...", "- Partof: ...".
_INFOBOX_FIELD = re.compile(r"-\s+[A-Z][A-Za-z]{1,15}(?:\s[A-Za-z]{1,15})?\d?:\s")


def parse_day(text: str) -> date | None:
    """A calendar day from words like 'March 12, 2019' or '2019-03-12', or None."""
    if _ISO_DAY.fullmatch(text):  # a manifest's usual shape, read without dateutil (0.1 ms a day)
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # "2019-13-01": dateutil reads some of these another way
    try:
        return date_parser.parse(text, fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


_ISO_DAY = re.compile(r"[12]\d{3}-\d{2}-\d{2}")


def read_capture(text: str) -> CaptureFacts:
    """Find the title, byline, 'Source:' line and article body of a plain-text capture."""
    lines = split_lines(text)
    # Each line's shape is judged once: the title and body searches below look at it again.
    furniture = [is_furniture(line.text) for line in lines]
    prose = [not furniture[i] and _reads_as_prose(line.text) for i, line in enumerate(lines)]
    author = published = source_line = None
    byline_index = None
    for index, line in enumerate(lines):
        byline = _BYLINE.match(line.text)
        if byline and byline_index is None and not prose[index]:
            byline_index = index
            author = byline.group("author").strip()
            if byline.group("date"):
                published = parse_day(byline.group("date"))
            continue
        dated = _DATE_LINE.match(line.text)
        if dated and published is None:
            published = parse_day(dated.group("date"))
        source = _SOURCE_LINE.match(line.text)
        if source:
            source_line = source.group("value")

    title = _find_title(lines, prose, furniture, byline_index, source_line)
    body = _find_body(lines, prose, title, byline_index)
    if body:
        body_start, body_end = body[0].start, body[-1].end
    elif infobox_end(lines):  # an infobox and no article under it (a capture cut short)
        body_start = body_end = lines[infobox_end(lines) - 1].end
    else:  # no prose at all: the whole text is the body, and the loader warns
        body_start, body_end = 0, len(text)
    return CaptureFacts(title, author, published, source_line, body_start, body_end)


def _find_title(lines: list[Line], prose: list[bool], furniture: list[bool], byline_index: int | None,
                source_line: str | None) -> str | None:
    def headline_like(i: int) -> bool:
        # A dateline ("March 12, 2019 / 6:03 AM / Updated 7 hours ago") is not a headline either.
        # Asked only of the lines that could be the title (most of a page's lines are not).
        return (not prose[i] and not furniture[i] and not _DATE_LINE.match(lines[i].text)
                and not _BREADCRUMB.search(lines[i].text))

    if source_line and any(line.text == source_line and headline_like(i) for i, line in enumerate(lines)):
        return source_line  # a republication names its original headline
    if byline_index is not None and byline_index > 0 and headline_like(byline_index - 1):
        return lines[byline_index - 1].text
    first_prose = next((i for i in range(len(lines)) if prose[i]), len(lines))
    return next((line.text for i, line in enumerate(lines[:first_prose])
                 if len(line.text.split()) >= 3 and headline_like(i)), None)


def _find_body(lines: list[Line], prose: list[bool], title: str | None, byline_index: int | None) -> list[Line]:
    start = 0
    if byline_index is not None:
        start = byline_index + 1
    elif title is not None:
        start = next((i + 1 for i, line in enumerate(lines) if line.text == title), 0)
    start = max(start, infobox_end(lines))
    stop = next((i for i in range(start, len(lines)) if _BACK_MATTER.match(lines[i].text)
                 and any(prose[start:i])), len(lines))
    found = [i for i in range(start, stop) if prose[i]]
    if not found:
        return []
    return lines[found[0] : found[-1] + 1]


# An encyclopedia infobox's labels: a section on a line of its own ("Casualties and losses | |||"),
# or a field rendered as a list ("- Strength1: ...").
_INFOBOX_SECTION = re.compile(
    r"[\s|•*-]*(?:strength|casualties(?:\s+and\s+losses)?|belligerents|commanders\s+and\s+leaders|units\s+involved)"
    r"[\s|]*", re.I)


_INFOBOX_CUE = re.compile(r"[\s|•*-]*(?:strength|casualties|belligerents|commanders|units)|-\s+[A-Z][A-Za-z]{1,15}\d?:", re.I)


def infobox_end(lines: list[Line]) -> int:
    """The index of the first line after a page's infobox (0 when it has none).

    The infobox runs to its last label and the value lines under it: lines that do not read as
    an article's paragraph (shorter than 20 words, or than 12 when they end like a sentence)."""
    last = -1
    inside = False
    if not any(_INFOBOX_CUE.match(line.text) for line in lines[:80]):
        return 0  # most pages have no infobox: one cheap test per line instead of the searches below
    for index, line in enumerate(lines):
        if _INFOBOX_SECTION.fullmatch(line.text) or _INFOBOX_FIELD.match(line.text):
            last, inside = index, True
            continue
        words = len(line.text.split())
        in_table = line.text.rstrip().endswith("|")  # a row of the infobox's table: "Ali Gibril †[6] ... | |||"
        value = line.text[:1].isdigit()  # "150,000–200,000 troops, including ...[68]": a value, though long
        if (words >= 20 and not in_table) or (words >= 12 and _TERMINAL.search(line.text) and not in_table and not value):
            if inside:
                break
            continue
        if inside:
            last = index
    return last + 1

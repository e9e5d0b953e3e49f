"""Paragraphs, sentences and quotations of an article body, with offsets into the text.

A sentence ends at . ! ? (and any closing quote after it) followed by a capital,
a digit or an opening quote, unless the word before the stop is an abbreviation
("Gen.", "U.S.", "Mr.") or an initial. This is a small rule set rather than a
model because the extractor must read thousands of articles a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from tally.capture import ODD_CASE, is_furniture, split_lines

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "maj", "capt", "cmdr", "adm", "gov", "sen", "rep",
    "st", "jr", "sr", "prof", "rev", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co", "ltd", "brig", "pvt", "cpl", "fig", "approx",
    "incl", "excl", "est",
}
_STOP = re.compile(r"[.!?…]+[\"”’')\]]*(?:\[\d{1,3}\])*\s+(?=[\"“‘(\[…]*[A-Z0-9])"  # "[6]": a reference mark
                   r"|(?<=[a-z]{3})\.(?=[A-Z][a-z])")  # "killed.The": a full stop that lost its space
_QUOTE_MARK = re.compile(r"[\"“”]")
_WORD_OR_YEAR = re.compile(r"[a-z]+|(?<!\d)\d{4}(?!\d)")


class Sentence(NamedTuple):
    """One sentence of a paragraph, with its offsets in the document's text."""

    start: int
    end: int
    text: str


class _lazy:
    """A property computed once, on first use: functools.cached_property without the lock it
    takes on Python 3.11, which cost more than the cutting it saves here."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute, self.name = compute, compute.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value  # found before this descriptor from now on
        return value


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the body: its sentences and the spans inside quotation marks.

    Sentences and quotations are cut when first asked for: only paragraphs that hold a
    number need them, and most paragraphs hold none."""

    index: int
    start: int
    end: int
    text: str
    words: frozenset[str]  # its lower-case words and four-digit numbers, for cheap tests before costly searches

    @_lazy
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(split_sentences(self.text, self.start))

    @_lazy
    def quotes(self) -> tuple[tuple[int, int], ...]:
        return tuple(self._quotes[0])

    @property
    def ends_inside_quote(self) -> bool:
        """Whether a quotation is still open at its end (it goes on in the next paragraph)."""
        return self._quotes[1]

    @_lazy
    def _quotes(self) -> tuple[list[tuple[int, int]], bool]:
        return _quotes(self.text, self.start)


def paragraphs(text: str, body_start: int = 0, body_end: int | None = None) -> list[Paragraph]:
    """The body's paragraphs (one per line of the capture), page furniture left out."""
    body_end = len(text) if body_end is None else body_end
    result = []
    for line in split_lines(text[body_start:body_end]):
        if is_furniture(line.text):
            continue
        start = body_start + line.start
        result.append(Paragraph(len(result), start, start + len(line.text), line.text, words_of(line.text)))
    return result


def fold_case(text: str) -> str:
    """`text` in lower case, each character kept at its offset.

    Searching folded text with a lower-case pattern finds what the same pattern finds
    with re.IGNORECASE in the original, at the same offsets, two to three times faster:
    Python's engine skips a branch of an alternation by its first letter only when
    matching is case-sensitive. The rare character whose lower case is longer ('İ')
    is left as it is, so that offsets stay valid.
    """
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text)


_ESCAPES_AND_GROUP_NAMES = re.compile(r"\\[A-Za-z]|\(\?P<\w+>|\(\?P=\w+\)")
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")


class CaselessPattern:
    """A case-insensitive regular expression searched in case-folded text (`fold_case`), where the
    engine can skip branches by their first letter; the match it returns is the case-insensitive
    pattern's own, made at the place found, on the original text (so its groups keep their case).

    `pattern` must be written in lower case (escapes such as \\W aside) with no inline flags.
    Text holding one of the odd-case characters (`capture.ODD_CASE`) is searched as it is,
    case-insensitively."""

    def __init__(self, pattern: str) -> None:
        bare = _ESCAPES_AND_GROUP_NAMES.sub("", pattern)
        if bare != bare.lower() or _INLINE_FLAGS.search(bare):
            raise ValueError(f"a caseless pattern is written in lower case with no inline flags: {pattern!r}")
        self.pattern = pattern
        self.caseless = re.compile(pattern, re.IGNORECASE)
        self.folded = re.compile(pattern)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        if ODD_CASE.search(text):
            return self.caseless.search(text, pos, end)
        found = self.folded.search(fold_case(text), pos, end)
        return self.caseless.match(text, found.start(), end) if found else None

    def findall_folded(self, text: str) -> list[Any]:
        """What `findall` of the case-insensitive pattern finds, in lower case."""
        if ODD_CASE.search(text):
            return [found.lower() if isinstance(found, str) else tuple(part.lower() for part in found)
                    for found in self.caseless.findall(text)]
        return self.folded.findall(fold_case(text))


def literal_alternation(phrases: Sequence[str]) -> str:
    """A regular expression matching exactly what `"|".join(map(re.escape, phrases))` matches, tried
    in the same order, with the phrases that share a first character under one branch
    ("a(?:bout|round)" for "about|around").

    Python's engine tries every branch of an alternation at every position it searches; shared
    first characters make it try a letter once. Phrases with different first characters can never
    both match at one place, so grouping them changes nothing; within a group the order is kept,
    and an empty phrase (a phrase that is a prefix of one before it) keeps its place."""
    phrases = list(phrases)
    firsts = list(dict.fromkeys(phrase[:1] for phrase in phrases if phrase))
    if any(not first.isascii() for first in firsts) and any(
            re.fullmatch(re.escape(a), b, re.I) for a in firsts for b in firsts if a != b):
        return "|".join(map(re.escape, phrases))  # "ı" and "i" are one letter to re.I: keep the order as it is
    if "" in phrases[:-1]:  # an empty phrase matches anywhere: what follows it must stay after it
        cut = phrases.index("")
        before = [literal_alternation(phrases[:cut])] if cut else []
        return "|".join([*before, "", literal_alternation(phrases[cut + 1 :])])
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        groups.setdefault(phrase[:1], []).append(phrase[1:])
    branches = []
    for first, rests in groups.items():
        if not first:
            branches.append("")
        elif len(rests) == 1:
            branches.append(re.escape(first + rests[0]))
        else:
            branches.append(re.escape(first) + "(?:" + literal_alternation(rests) + ")")
    return "|".join(branches)


_SMALL_WORDS = frozenset("a an the of in on at to for and or but by from with as into near after".split())


@lru_cache(maxsize=256)  # asked of a paragraph once for each capitalised verb in it
def in_title_case(text: str) -> bool:
    """Whether `text` is written as a headline, its words capitalised ("UN Says 300 Fled Example Town")."""
    words = text.split()
    # A headline has at most a fifth of its counted words in lower case, and it counts no more
    # words than it has: prose is known for what it is a few words in.
    most = len(words) // 5
    counted = lower = 0
    for word in words:
        first = word[:1]
        if first.isalpha() and word.lower() not in _SMALL_WORDS:
            counted += 1
            if first.islower():
                lower += 1
                if lower > most:
                    return False
    return counted >= 3 and lower <= counted // 5


def words_of(text: str) -> frozenset[str]:
    """The lower-case words and four-digit numbers of `text`."""
    return frozenset(_WORD_OR_YEAR.findall(text.lower()))


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of one paragraph, with offsets shifted by `offset`."""
    sentences = []
    begin = 0
    for stop in _STOP.finditer(text):
        if text[stop.start()] == "." and _is_abbreviation(word_before(text, stop.start())):
            continue
        end = stop.end()
        piece = text[begin:end].rstrip()
        if piece:
            sentences.append(Sentence(offset + begin, offset + begin + len(piece), piece))
        begin = end
    piece = text[begin:].rstrip()
    if piece:
        sentences.append(Sentence(offset + begin, offset + begin + len(piece), piece))
    return sentences


_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")


def word_before(text: str, end: int) -> str:
    """The word (ASCII letters and dots, from its first letter) that ends at `end`; "" if none.
    What `([A-Za-z][A-Za-z.]*)$` finds searching text[:end], read backwards from `end`, so that
    a long paragraph is not searched from its start at every full stop."""
    if end and text[end - 1] == "\n":  # "$" also matches before a newline at the end
        end -= 1
    start = end
    while start and text[start - 1] in _WORD_CHARS:
        start -= 1
    while start < end and text[start] == ".":  # the word starts at its first letter
        start += 1
    return text[start:end]


def _is_abbreviation(word: str) -> bool:
    if not word:
        return False
    word = word.rstrip(".")
    if "." in word or (len(word) == 1 and word.isupper()):
        return True  # U.S, U.N, an initial
    return word.lower() in _ABBREVIATIONS


def _quotes(text: str, offset: int) -> tuple[list[tuple[int, int]], bool]:
    """Spans inside quotation marks (offsets shifted by `offset`), and whether the last is left
    open. An open quote runs to the paragraph's end, as a quotation that goes on into the next
    paragraph does in news copy."""
    if '"' not in text and "“" not in text and "”" not in text:
        return [], False  # most paragraphs quote no one
    spans = []
    opened: int | None = None
    for mark in _QUOTE_MARK.finditer(text):
        char = mark.group()
        if opened is None and char in "\"“":
            opened = mark.start()
        elif opened is not None and char in "\"”":
            spans.append((offset + opened, offset + mark.end()))
            opened = None
    if opened is not None:
        spans.append((offset + opened, offset + len(text)))
    return spans, opened is not None

"""Reading quantity expressions: "more than 4,000", "hundreds", "4,000 to 5,000", "forty-six".

`QUANTITY` finds candidate expressions in text; `read_quantity` turns one into
bounds. The bounds follow the figures spec: an exact or approximate number gives
low = high = N, "more than N" leaves high open, "up to N" leaves low open, and
vague words ("hundreds") have fixed ranges. `best` is the value a chart plots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

from tally.sentences import fold_case, literal_alternation, words_of

# Vague amounts and the bounds the spec gives them, longest phrase first.
VAGUE_BOUNDS: dict[str, tuple[int, int]] = {
    "hundreds of thousands": (200_000, 999_999),
    "tens of thousands": (20_000, 99_999),
    "several thousands": (3_000, 9_999),  # "several thousands of people": as "several thousand"
    "several thousand": (3_000, 9_999),
    "several hundreds": (300, 999),
    "several hundred": (300, 999),
    "several dozens": (36, 99),
    "several dozen": (36, 99),
    "thousands": (2_000, 9_999),
    "hundreds": (200, 999),
    "scores": (40, 99),
    "dozens": (24, 99),
    "several": (3, 9),
}
# Amounts said with an article, which number-word libraries do not read.
ARTICLE_AMOUNTS: dict[str, int] = {
    "half a million": 500_000,
    "half a dozen": 6,
    "a dozen": 12,
    "a pair": 2,
    "a hundred": 100,
    "a thousand": 1_000,
    "a million": 1_000_000,
}
SCALES = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_LOWER = ("more than", "over", "at least", "upwards of", "in excess of", "just over", "well over", "no fewer than", "no less than")
_UPPER = ("up to", "as many as", "as high as", "at most", "no more than", "not more than", "fewer than", "less than", "just under", "under", "as few as")
_APPROX = ("about", "around", "nearly", "almost", "some", "roughly", "approximately", "an estimated", "estimated",
           "close to", "closer to", "only", "another", "a further", "an additional", "just", "perhaps", "possibly", "maybe", "at minimum")
_QUALIFIERS = sorted(_LOWER + _UPPER + _APPROX, key=len, reverse=True)
_QUALIFIER_SET = frozenset(_QUALIFIERS)
_LONGEST_QUALIFIER = max(map(len, _QUALIFIERS))

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety").split()
# Word lists become alternations grouped by first letter (`literal_alternation`): the same matches, faster.
_NUMBER_WORD = "(?:%s)" % literal_alternation(sorted(_SMALL, key=len, reverse=True) + ["hundred", "thousand", "million",
                                                                                       "billion"])
_WORDS = rf"(?:{literal_alternation(_SMALL)})(?:(?:\s+|-|\s+and\s+){_NUMBER_WORD})*(?:\s+dozen\b)?"  # "two dozen"
_VAGUE = literal_alternation(list(VAGUE_BOUNDS))
_ARTICLE = literal_alternation(list(ARTICLE_AMOUNTS))
# "March 5 300 people" is a day and a number, not 5,300.
_NOT_A_DAY = "".join(f"(?<!{month}[ ])(?<!{month}\\.[ ])" for month in (
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august september "
    "october november december").split())
_DIGITS = (
    r"(?:\d{1,3}(?:,\d{3})+(?![\d])"  # 20,000
    r"|\d{1,3}(?:\.\d{3})+(?![\d.,])"  # 3.500 (a dot as thousands separator)
    rf"|(?=\d){_NOT_A_DAY}\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?![\d.,])"  # 10 000 (a space between groups)
    r"|\d+,\d{1,2}(?![\d])"  # 20,00 (malformed, read and flagged)
    r"|\d+(?:\.\d+)?)"  # 38, 2.5
    r"(?:\s+(?:thousand|million|billion)|k\b)?"  # "22k": thousands, in headlines and infoboxes
)
_ONE_NUMBER = rf"(?:{_VAGUE}|{_ARTICLE}|{_DIGITS}|{_WORDS})"
_QUALIFIER = literal_alternation(_QUALIFIERS)
# An encyclopedia's reference marks may stand inside a range: "400[51]–13,000".
_MARKS = r"(?:\[\w{1,4}\])*"

QUANTITY = re.compile(
    rf"""
    (?<![\w$€£.,/#-])
    (?:(?:{_QUALIFIER})\s+|[~>]\s*)?
    (?:(?:between|from)\s+)?
    (?P<first>{_ONE_NUMBER})
    (?:{_MARKS}\s*(?:[-–—−]|to|and|or)\s*(?P<second>{_ONE_NUMBER})(?!\s*[-–—−]\s*\d))?
    (?P<open>,?\s+or\s+more|\s*\+|-plus)?
    (?![\w%$€£/]|[.,]\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# The same pattern for case-folded text (its words are all lower case): see `fold_case`.
_QUANTITY_FOLDED = re.compile(QUANTITY.pattern, re.VERBOSE)


def quantity_spans(text: str) -> list[tuple[int, int]]:
    """Where `QUANTITY` matches in `text`, left to right: the candidate quantity expressions.
    "handed over 115": the particle of a verb, not a bound (the expression starts at the number)."""
    folded = fold_case(text)
    if "over" not in folded:  # most sentences: no particle to look for
        return [match.span() for match in _QUANTITY_FOLDED.finditer(folded)]
    spans = []
    for match in _QUANTITY_FOLDED.finditer(folded):
        start, end = match.span()
        if folded.startswith("over", start) and _PARTICLE_VERB_BEFORE.search(folded, max(0, start - 16), start):
            start += len(folded[start:].split(None, 1)[0]) + (len(folded[start + 4 :]) - len(folded[start + 4 :].lstrip()))
        spans.append((start, end))
    return spans


# Verbs whose particle is "over": "handed over", "turned over", "took over", "passed over".
_PARTICLE_VERB_BEFORE = re.compile(r"\b(?:hand|hands|handed|handing|turn|turns|turned|turning|took|take|takes|taken|"
                                   r"taking|pass|passed|passing|won|win|wins|winning|bring|brought|sign|signed)\s+$")


@dataclass(frozen=True)
class Quantity:
    """The bounds that a quantity expression allows; None is an open bound."""

    low: int | None
    high: int | None
    best: int | None
    flags: tuple[str, ...] = ()


class NotAQuantity(ValueError):
    """The words match the shape of a quantity but do not count anything (a year span, a lone 'a')."""


def read_number(words: str) -> tuple[int, int, tuple[str, ...]]:
    """Bounds of one number expression (digits, number words or a vague word), and flags."""
    phrase = " ".join(words.lower().split())
    if phrase in VAGUE_BOUNDS:
        low, high = VAGUE_BOUNDS[phrase]
        return low, high, ("vague",)
    if phrase in ARTICLE_AMOUNTS:
        value = ARTICLE_AMOUNTS[phrase]
        return value, value, ()
    if phrase.endswith(" dozen"):  # "two dozen": a number of twelves
        low, high, flags = read_number(phrase.removesuffix(" dozen"))
        return low * 12, high * 12, flags
    spaced = _SPACED_GROUPS.fullmatch(phrase)
    if spaced:  # "10 000": the groups are read as if commas stood between them
        phrase = spaced.group(1).replace(" ", ",") + spaced.group(2)
    digits = _DIGITS_AND_SCALE.fullmatch(phrase)
    if digits:
        value, flags = _read_digits(digits.group(1), scaled=digits.group(2) is not None)
        if digits.group(2):
            value = value * SCALES[digits.group(2)]
        value = int(round(value))
        return value, value, flags
    try:
        value = text2num(phrase.replace(" and ", " "), "en")
    except ValueError as error:
        raise NotAQuantity(phrase) from error
    return value, value, ()


_DIGITS_AND_SCALE = re.compile(r"([\d.,]+)(?: ?(thousand|million|billion|k))?")
_SPACED_GROUPS = re.compile(r"(\d{1,3}(?: \d{3})+)((?: (?:thousand|million|billion))?)")


_COMMA_GROUPS = re.compile(r"\d{1,3}(,\d{3})+")
_DOT_GROUPS = re.compile(r"\d{1,3}(\.\d{3})+")
_SHORT_LAST_GROUP = re.compile(r"(\d+),(\d{1,2})")


def _read_digits(text: str, scaled: bool) -> tuple[float, tuple[str, ...]]:
    if _COMMA_GROUPS.fullmatch(text):
        return float(text.replace(",", "")), ()
    if _DOT_GROUPS.fullmatch(text) and not scaled:
        return float(text.replace(".", "")), ("dot_thousands",)
    malformed = _SHORT_LAST_GROUP.fullmatch(text)
    if malformed:
        # A comma group that is too short is a thousands group missing digits: "20,00" -> 20,000.
        return float(malformed.group(1)) * 1000, ("malformed_number",)
    return float(text.replace(",", "")), ()


@lru_cache(maxsize=8192)  # the same words ("hundreds", "more than 1,000") recur from article to article
def read_quantity(expression: str) -> Quantity:
    """Bounds of a whole quantity expression such as 'as many as 4,000 to 5,000'.

    Raises NotAQuantity for words of a quantity's shape that count nothing,
    such as a span of years ('2012-13').
    """
    quantity = _read_quantity(expression)
    if quantity is None:
        raise NotAQuantity(expression)
    return quantity


@lru_cache(maxsize=8192)
def _read_quantity(expression: str) -> Quantity | None:
    """`read_quantity`, None for not a quantity; cached, as the same few expressions ("two",
    "hundreds", "1,000") come back in story after story."""
    try:
        return _read_quantity_uncached(expression)
    except NotAQuantity:
        return None


def _read_quantity_uncached(expression: str) -> Quantity:
    match = QUANTITY.fullmatch(expression.strip())
    if match is None:
        raise NotAQuantity(expression)
    lowered = " ".join(expression.lower().split())
    qualifier = _qualifier_of(lowered)
    if lowered.startswith(">"):  # ">25,000": more than
        qualifier = "more than"
    first_low, first_high, flags = read_number(match.group("first"))
    low, high = first_low, first_high
    if match.group("second"):
        if _is_year_span(match.group("first"), match.group("second")):
            raise NotAQuantity(expression)
        second_low, second_high, second_flags = read_number(match.group("second"))
        flags = tuple(dict.fromkeys(flags + second_flags))
        low, high = min(first_low, second_low), max(first_high, second_high)
        if match.group("open"):  # "20,000–30,000+": at least the low end, the top open
            high = None
    elif qualifier in _LOWER or match.group("open"):
        high = None
    elif qualifier in _UPPER:
        low = None
    return Quantity(low, high, best_value(low, high), flags)


def _qualifier_of(lowered: str) -> str | None:
    """The longest qualifier (`_QUALIFIERS`) followed by a space that `lowered` starts with, if any:
    its words before each space looked up, not every qualifier tried."""
    found = None
    position = lowered.find(" ")
    while 0 < position <= _LONGEST_QUALIFIER:
        if lowered[:position] in _QUALIFIER_SET:
            found = lowered[:position]
        position = lowered.find(" ", position + 1)
    return found


def best_value(low: int | None, high: int | None) -> int | None:
    """The value to plot: the midpoint of a closed range, else the bound that is given."""
    if low is not None and high is not None:
        return (low + high) // 2 if low != high else low
    return low if low is not None else high


def _is_year_span(first: str, second: str) -> bool:
    """'2012-13' or '2014 to 2019' name years, not a range of people."""
    if not (first.isdigit() and second.isdigit() and len(first) == 4):
        return False
    if not 1800 <= int(first) <= 2100:
        return False
    return len(second) == 2 or (len(second) == 4 and 1800 <= int(second) <= 2100)


# every word a quantity can be said with (a test holds it to VAGUE_BOUNDS and ARTICLE_AMOUNTS)
_NUMBER_WORDS = frozenset(_SMALL) | {"hundred", "hundreds", "thousand", "thousands", "dozen", "dozens", "scores",
                                     "several", "million", "millions", "pair"}
_DIGIT = re.compile(r"\d")


def might_hold_a_number(text: str, words: frozenset[str] | None = None) -> bool:
    """A cheap test that `text` has digits or number words, before the costly QUANTITY search.

    `words` are the text's lower-case words, when the caller has them already."""
    if _DIGIT.search(text):
        return True
    return not _NUMBER_WORDS.isdisjoint(words if words is not None else words_of(text))

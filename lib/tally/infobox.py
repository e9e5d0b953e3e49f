"""Figures in an encyclopedia page's infobox: the summary box of forces and losses above the article.

An infobox is not prose: it is a list of labelled cells ("Strength", "Casualties and
losses") whose values are terse items ("40,000+ Iraqi soldiers", "2,000+ killed (Iraqi
claim)", "Killed or Wounded: 848+ civilians (U.N. report)"). Captures render it in several
ways, all read here by the shape of their lines, not by site:

- key and value on one line: "- Strength1: 40,000+ Iraqi soldiers, 20,000 paramilitaries";
- a label on a line of its own, the values on the lines under it, maybe with table pipes:
  "Strength | |||||" then "20,000–30,000+[38]" and "| 400[51]–13,000 |";
- labels that credit the lines under them: "US estimate:", "Afghan government claim:",
  "As per media reports:", until a party's heading ("Taliban: c.", "Equipment:").

Within a value, items are cut at ", " before a number, at ";" and at table pipes; each
number's category is the first category word after it ("killed", "wounded", "displaced"),
else the label before it ("Killed or Wounded:"), else, for a number in brackets, that of the
item it belongs to ("204 residents killed (4 children)"); under "Strength" every count of
people is a strength. Who is credited: a bracket of the item ("(per Iraq and US)", "(Iraqi
claim)", "(U.N. report)") or the last credit label before it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from tally import dates
from tally.attribution import known_body_label
from tally.capture import Line, split_lines
from tally.categories import OTHER, find_triggers
from tally.lexicon import LEXICON
from tally.quantities import NotAQuantity, Quantity, quantity_spans, read_quantity
from tally.sentences import CaselessPattern

STRENGTH, CASUALTIES = "strength", "casualties"
# A label on a line of its own, with maybe bullets, pipes or dashes around it.
_SECTION_HEADING = re.compile(
    r"[\s|•*-]*(?P<label>strength|casualties(?:\s+and\s+losses)?|losses|belligerents|combatants|commanders(?:\s+and\s+leaders)?"
    r"|units(?:\s+involved)?|result|location|territorial\s+changes|date|place)[\s|]*", re.I)
# "- Strength1: ...", "Casualties3: ...": a key and its value on one line.
_KEY_VALUE = re.compile(r"[\s•*-]*(?P<key>[A-Z][A-Za-z ]{1,24}?)\d?\s*:\s*(?P<value>.*)")
_STRENGTH_KEY = re.compile(r"strength", re.I)
_OTHER_FIELD = re.compile(
    r"conflict|part\s*of|date|place|location|result|territory|territorial\s+changes|combatants?|belligerents?"
    r"|commanders?|units|map(?:\s+\w+)?|coordinates|caption|image|status|time|objective|outcome|casus\s+belli", re.I)
_CASUALTY_KEY = re.compile(r"casualties|losses", re.I)
_CREDIT_WORDS = r"claims?|estimates?|reports?|figures?|count|survey|study|investigation"
# "Ukrainian claim:", "US estimate:", "SAF Claim[9]", "Ukrainian claim (13 April – 26 May):"
_CREDIT_LABEL = re.compile(
    rf"(?P<who>(?:[\w.'’-]+\s+){{0,4}}?[\w.'’-]+)\s+(?P<word>{_CREDIT_WORDS})\b(?:\s*\([^()]*\))?(?:\[\w{{1,4}}\])*\s*"
    r"(?::|(?=[~>]?\d))", re.I)
# "Per Russian Military:", "As per media reports:", "Official figure as per US and Afghan government:"
_PER_LABEL = re.compile(r"(?:^|[,:]\s*|\b(?:figures?|official)\s+)(?:as\s+)?per\s+(?P<who>[^,:;()|\[\]]{1,60}?)\s*:", re.I)
# What each label needs, found in one quick search: the label searches try up to five words at
# every position and cost most of an infobox's reading, and most lines hold neither.
_CREDIT_WORD = re.compile(rf"\s(?:{_CREDIT_WORDS})\b", re.I)
_PER_WORD = re.compile(r"per\s", re.I)
# Credits inside a bracket: "(per Iraq and US)", "(Iraqi claim)", "(according to one estimate)".
_BRACKET = re.compile(r"\((?P<inner>[^()]*)\)")
_BRACKET_CREDIT = re.compile(
    rf"(?:^|;\s*|\s)(?:(?:as\s+)?per|according\s+to)\s+(?P<per>[^;,()]{{2,60}}?)\s*$"
    rf"|(?:^|;\s*)(?P<who>(?:[\w.'’-]+\s+){{0,4}}?[\w.'’-]+)\s+(?P<word>{_CREDIT_WORDS})\b", re.I)
# Credits that are no one: "(official figure)", "Other estimates" stays as written.
_NOBODY = frozenset("official officially unofficial initial estimated the an a".split())
_KEEP_WORD = frozenset("other others one another some western independent various media".split())
# A party's heading that ends the credit carried from a label line: "Taliban: c.", "Equipment:".
_PARTY_HEADING = re.compile(r"[^\d:]{1,40}:\s*(?:c\.)?\s*")
# Cuts between items: ", " before a number, ";", table pipes, bullets, "----".
_ITEM_CUT = re.compile(
    r",\s+(?=[~>]?\d|(?:dozens|hundreds|thousands|several|some|about|around|over|more\s+than|at\s+least)\b)"
    r"|;|\s\|\s?|\|(?:(?<=^\|)|$)|•|-{3,}", re.I)  # every branch starts with a character: the engine skips to one
_REFERENCE_MARK = re.compile(r"\[\w{1,4}\]")
_YEAR_BEFORE_NAME = re.compile(r"(?:19|20)\d\d\s[A-Z]")
_CREDIT_AFTER = re.compile(rf"\s+(?:{_CREDIT_WORDS})\b", re.I)
# Words that say what happened to the people of an item, beyond the article triggers.
_CASUALTY_WORD = re.compile(r"\bcasualt(?:y|ies)\b", re.I)
# What happened that is none of the categories, or things that are not people.
_NOT_A_CATEGORY = re.compile(
    r"\b(?:captured|missing|abducted|kidnapped|prisoners?|deserted|defected|destroyed|damaged|detained|arrested"
    r"|in\s+hiding|vehicles?|tanks?|aircraft|helicopters?|villages?|districts?|advisers|advisors|instructors)\b", re.I)
_PEOPLE_WORDS = re.compile(r"[A-Za-z][\w'’-]*")


@dataclass(frozen=True)
class InfoboxFigure:
    """One count of people in an infobox, with offsets in the page's text."""

    start: int
    end: int
    category: str
    category_text: str
    group: str
    quantity: Quantity
    flags: tuple[str, ...]
    attribution: str | None
    line: str


def infobox_figures(text: str, end: int, lines: list[Line] | None = None) -> list[InfoboxFigure]:
    """The figures of the infobox in `text[:end]` (the page above its article body); `lines`, when
    given, are `split_lines(text[:end])`, which the caller may have already."""
    if not _might_hold_an_infobox(text[:end]):
        return []
    figures: list[InfoboxFigure] = []
    section: str | None = None
    carried: str | None = None  # the credit of a label line ("US estimate:") over the lines under it
    for line in split_lines(text[:end]) if lines is None else lines:
        heading = _SECTION_HEADING.fullmatch(line.text)
        if heading:
            section, carried = _section_of(heading.group("label")), None
            continue
        value_start = line.start
        key_value = _KEY_VALUE.fullmatch(line.text)
        credit_only = _credit_only(line.text) if key_value or section is not None else None
        if key_value and not credit_only:
            key = key_value.group("key")
            if _STRENGTH_KEY.search(key):
                section = STRENGTH
            elif _CASUALTY_KEY.search(key):
                section = CASUALTIES
            elif _OTHER_FIELD.fullmatch(key):
                section = None  # "- Commander1: ...": another field of the infobox
            if section is not None and (_STRENGTH_KEY.search(key) or _CASUALTY_KEY.search(key)):
                value_start = line.start + key_value.start("value")
                carried = None
        if section is None:
            continue
        if credit_only is not None:
            carried = credit_only
            continue
        if _PARTY_HEADING.fullmatch(line.text) and not any(c.isdigit() for c in line.text):
            carried = None
            continue
        found = _line_figures(text, value_start, line.end, section, carried)
        figures.extend(found)
    return figures


_BULLET = re.compile(r"\s*[•*]\s+\S")


def result_lines(text: str, end: int, lines: list[Line] | None = None) -> list[tuple[int, int]]:
    """Bullet lines of an infobox that are sentences, outside its strength and losses ("• ISIL captured
    the town and executed thousands of its men", "• Forces evacuate most of the 50,000 people trapped on
    the mountain"): (start, end) offsets, to be read as the body's sentences are (`lines` as for
    `infobox_figures`)."""
    found = []
    section: str | None = None
    for line in split_lines(text[:end]) if lines is None else lines:
        heading = _SECTION_HEADING.fullmatch(line.text)
        if heading:
            section = _section_of(heading.group("label"))
        elif section is None and _BULLET.match(line.text) and len(line.text.split()) >= 7:
            found.append((line.start, line.end))
    return found


_INFOBOX_WORDS = CaselessPattern(r"strength|casualties|losses")


def _might_hold_an_infobox(front: str) -> bool:
    return bool(front) and bool(_INFOBOX_WORDS.search(front))


def _section_of(label: str) -> str | None:
    label = label.lower()
    if label.startswith("strength"):
        return STRENGTH
    if label.startswith(("casualties", "losses")):
        return CASUALTIES
    return None


def _credit_only(line: str) -> str | None:
    """The credit a line consisting of a credit label gives ("US estimate:" -> "US"), else None."""
    stripped = (_REFERENCE_MARK.sub("", line) if "[" in line else line).strip(" ,|")
    for pattern in _label_patterns(stripped):
        match = pattern.search(stripped)
        if match and not stripped[match.end():].strip(" ,|") and not any(c.isdigit() for c in stripped[:match.start()]):
            return _credit_label(match.group("who"), match.groupdict().get("word"))
    return None


def _label_patterns(text: str) -> tuple[re.Pattern, ...]:
    """The credit-label patterns (`_CREDIT_LABEL`, `_PER_LABEL`, in that order) that may match in `text`."""
    return tuple(pattern for pattern, needed in ((_CREDIT_LABEL, _CREDIT_WORD), (_PER_LABEL, _PER_WORD))
                 if needed.search(text))


def _credit_label(who: str, word: str | None) -> str | None:
    """A speaker's label for an infobox credit: "Ukrainian" (claim) -> "Ukraine", "U.N." -> the
    United Nations' label, "Other" (estimates) -> "Other estimates"; None for no one."""
    who = _CREDIT_LEAD.sub("", who.strip(" ,:;")).strip()
    if not who or who.lower() in _NOBODY:
        return None
    words = who.split()
    if word and (words[-1].lower() in _KEEP_WORD or word.lower() in ("survey", "study", "investigation")):
        return f"{who} {word}"
    if len(words) == 1 and words[0].lower() in _KEEP_WORD:
        return who
    return _COUNTRY_BY_DEMONYM.get(who) or known_body_label(who) or who


_CREDIT_LEAD = re.compile(r"^(?:as\s+)?per\s+|^according\s+to\s+", re.I)
_COUNTRY_BY_DEMONYM = {demonym: country.name for country in LEXICON.countries for demonym in country.demonyms}


@dataclass
class _Item:
    start: int
    end: int
    credit: str | None


def _line_figures(text: str, start: int, end: int, section: str, carried: str | None) -> list[InfoboxFigure]:
    """The figures of one value line (or the value part of a key-value line) at text[start:end]."""
    value = text[start:end]
    spans = _count_spans(value)
    if not spans:
        return []
    bracket_spans = [m.span() for m in _BRACKET.finditer(value)]
    items = _items(value, carried)
    figures = []
    item_category: dict[int, tuple[str, str, tuple[str, ...]]] = {}
    for quantity_start, quantity_end in spans:
        try:
            quantity = read_quantity(value[quantity_start:quantity_end])
        except NotAQuantity:
            continue
        item_index, item = next(((i, it) for i, it in enumerate(items) if it.start <= quantity_start < it.end),
                                (len(items) - 1, items[-1]))
        bracket = next(((s, e) for s, e in bracket_spans if s < quantity_start < e), None)
        stop = min([s for s, _ in spans if s > quantity_start] + [item.end]
                   + [s for s, _ in bracket_spans if s > quantity_end] + ([bracket[1]] if bracket else []))
        tail = value[quantity_end:stop]
        category, category_text, flags = _category(tail)
        if category is None:  # "Killed or Wounded: 848+ civilians": the label before the number
            label = re.split(r"[,;]", value[item.start:quantity_start])[-1]
            category, category_text, flags = _category(label if label.rstrip().endswith(":") else "")
        if category is None and bracket and item_index in item_category:
            category, category_text, flags = item_category[item_index]  # "(4 children)" of "204 killed"
        if category is None:
            category, category_text, flags = (STRENGTH, "strength", ()) if section == STRENGTH else (OTHER, "", ())
        if section == STRENGTH and category == OTHER and _NOT_A_CATEGORY.search(tail):
            continue  # "12 advisers": a deployment, not the force's strength
        if bracket is None:
            item_category.setdefault(item_index, (category, category_text, flags))
        if category == OTHER:
            continue
        credit = _bracket_credit(value, bracket, item) or item.credit
        figures.append(InfoboxFigure(
            start + quantity_start, start + quantity_end, category, category_text,
            _group(tail, value[item.start:quantity_start], section), quantity, flags + quantity.flags,
            credit, value.strip(" |")))
    return figures


def _count_spans(value: str) -> list[tuple[int, int]]:
    """Quantity spans of a value, without reference marks ("[38]") and days ("(14–17 May)")."""
    times = [(t.start, t.end) for t in dates.find_time_expressions(value, None)]
    spans = []
    for quantity_start, quantity_end in quantity_spans(value):
        if value[quantity_start - 1 : quantity_start] == "[" and value[quantity_end : quantity_end + 1] == "]":
            continue
        if any(s < quantity_end and quantity_start < e for s, e in times):
            continue
        if _CREDIT_AFTER.match(value, quantity_end) or _YEAR_BEFORE_NAME.fullmatch(value, quantity_start, quantity_end + 2):
            continue  # "according to one estimate", "(2017 Plos Medical survey)": a source, not a count
        if any(s == quantity_end + len(value[quantity_end:]) - len(value[quantity_end:].lstrip(" –-"))
               for s, _ in times):
            continue  # "14–17 May": the first day of a span of days
        spans.append((quantity_start, quantity_end))
    return spans


def _items(value: str, carried: str | None) -> list[_Item]:
    """The items of a value, each with the credit label standing before it ("Ukrainian claim:, 10,000
    killed"); a label's credit holds until the next label."""
    inside = _inside_brackets(value)
    labels = _label_patterns(value)
    marks = [(m.start(), m.end(), None, False) for m in _ITEM_CUT.finditer(value) if not inside(m.start())]
    marks += [(m.start("who"), m.end(), _credit_label(m.group("who"), m.group("word")), True)
              for m in (_CREDIT_LABEL.finditer(value) if _CREDIT_LABEL in labels else ()) if not inside(m.start())]
    marks += [(m.start("who"), m.end(), _credit_label(m.group("who"), None), True)
              for m in (_PER_LABEL.finditer(value) if _PER_LABEL in labels else ()) if not inside(m.start())]
    items = []
    item_start, credit = 0, carried
    for mark_start, mark_end, label, is_label in sorted(marks):
        if mark_start < item_start:
            continue  # inside a mark already taken
        if mark_start > item_start:
            items.append(_Item(item_start, mark_start, credit))
        item_start = mark_end
        if is_label:
            credit = label
    items.append(_Item(item_start, len(value), credit))
    return items


def _inside_brackets(value: str) -> Callable[[int], bool]:
    """Whether the character at a position of `value` stands inside round brackets (a stray ")"
    closes none). Asked at a few places of a value: the depth is kept only where it changes."""
    if "(" not in value:
        return lambda position: False
    changes: list[int] = []  # where the depth changes
    depths: list[int] = []  # the depth from there on
    depth = 0
    for bracket in _ROUND_BRACKET.finditer(value):
        if bracket.group() == "(":
            depth += 1
        elif depth:
            depth -= 1
        else:
            continue
        changes.append(bracket.start())
        depths.append(depth)

    def inside(position: int) -> bool:
        changed = bisect.bisect_right(changes, position)
        return bool(changed) and depths[changed - 1] > 0

    return inside


_ROUND_BRACKET = re.compile(r"[()]")


def _bracket_credit(value: str, bracket: tuple[int, int] | None, item: _Item) -> str | None:
    """A credit in a bracket of the item: "(per Iraq and US)", "(Iraqi claim; denied by the Taliban)".

    A credit just after a number inside a bracket ("(2,500 according to one estimate)") is that
    number's alone; one that stands for the whole bracket ("(...; per Yazda)", "(U.N. report)")
    covers the item."""
    for match in _BRACKET.finditer(value, item.start, item.end + 1):
        if match.end() > item.end + 1:
            continue
        credit = _BRACKET_CREDIT.search(match.group("inner"))
        if credit is None:
            continue
        inner = match.group("inner")
        before_credit = inner[: credit.start()]
        holds_number = bool(re.search(r"\d", _REFERENCE_MARK.sub("", before_credit)))
        whole = not holds_number or ";" in inner[: credit.start() + 2]
        mine = bracket is not None and bracket == match.span()
        if whole or mine:
            who = credit.group("per") or credit.group("who")
            label = _credit_label(who, credit.group("word"))
            if label:
                return label
    return None


_AMBIGUOUS_JOIN = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:or|and/or)\s+\w+|^\W*,\s*\w+(?:,\s*\w+)*,?\s+or\s+\w+", re.I)


def _category(words: str) -> tuple[str | None, str, tuple[str, ...]]:
    """The category an item's words give ("killed", "captured or surrendered"), its words and flags;
    None when they name no category."""
    triggers = [t for t in find_triggers(words) if t.category not in ("remaining", "strength")]
    casualty = _CASUALTY_WORD.search(words)
    other = _NOT_A_CATEGORY.search(words)
    first = min([t.start for t in triggers] + ([casualty.start()] if casualty else []), default=None)
    if first is None:
        return (OTHER, other.group(), ()) if other else (None, "", ())
    if other and other.start() < first and not re.fullmatch(r"\s+(?:or|and/or)\s+", words[other.end():first]):
        return OTHER, other.group(), ()  # "4,200 to 10,800 abducted"; not "captured or surrendered"
    if casualty and casualty.start() == first:
        return "killed", casualty.group(), ("ambiguous_category",)
    trigger = next(t for t in triggers if t.start == first)
    flags: tuple[str, ...] = ()
    joined = words[trigger.end :]
    if (other and other.start() < first) or _AMBIGUOUS_JOIN.match(joined) and (
            _NOT_A_CATEGORY.match(joined.split(" or ")[-1].strip(" ,")) or find_triggers(joined[:40])):
        flags = ("ambiguous_category",)
    return trigger.category, words[trigger.start : trigger.end], flags


_GROUP_END = re.compile(r"\b(?:captured|missing|in\s+total|casualties|according|including|per)\b|[(),;:|]", re.I)
_LEADING_JOIN = re.compile(r"^(?:of|or|and)\s+")
_PARTY_LABEL = re.compile(r"([A-Z][\w.'’ -]{1,40}?):\s*$")


def _group(tail: str, label: str, section: str) -> str:
    """Who an item counts: its own words ("Iraqi soldiers"), else the party it is listed under."""
    head = _REFERENCE_MARK.sub("", tail)
    triggers = find_triggers(head)
    if triggers:
        head = head[: triggers[0].start]
    head = _GROUP_END.split(head, maxsplit=1)[0]
    words = _LEADING_JOIN.sub("", " ".join(_PEOPLE_WORDS.findall(head))).strip()
    if words:
        return words
    party = _PARTY_LABEL.search(_REFERENCE_MARK.sub("", label))
    if party:
        return party.group(1).strip()
    return "fighters" if section == STRENGTH else "people"

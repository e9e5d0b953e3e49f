"""What a number counts: the people it is about (group) and what happened to them (category).

The category comes from trigger phrases near the number ("poured out of",
"surrendered", "killing", "still inside"); the group from the noun the number
counts ("IS fighters", "civilians", "Yazidi women"). The word lists are about
how reporters write about sieges and battles in general, not about one article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from tally.lexicon import LEXICON
from tally.sentences import CaselessPattern, fold_case, in_title_case, literal_alternation

CATEGORIES = ("evacuated", "surrendered", "killed", "wounded", "rescued", "remaining", "strength")
OTHER = "other"

# Nouns that count people (data: lexicon/nouns.toml, extended by a user lexicon). Armed nouns name
# fighters; troop nouns name deployed soldiers, which count as figures only when something happened
# to them (killed, wounded, ...).
ARMED_NOUNS = LEXICON.nouns_of("armed")
TROOP_NOUNS = LEXICON.nouns_of("troops")
CIVILIAN_NOUNS = LEXICON.nouns_of("civilian")
PEOPLE_NOUNS = ARMED_NOUNS | TROOP_NOUNS | CIVILIAN_NOUNS
# Containers counted instead of people: "46 truckloads of men, women and children".
UNIT_NOUNS = LEXICON.nouns_of("containers")
# What a count beside an event word can be instead of people: "20 airstrikes", "three houses".
NOT_PEOPLE = LEXICON.nouns_of("not_people")
# Words that count the people of a noun named before them: "12 killed", "10 wounded".
PEOPLE_PARTICIPLES = re.compile(
    r"(?:more )?(?:of (?:them|whom|those) )?(?:(?:who|that) (?:had |have |has )?)?(?:were |are |was |is |have been |had been |has been )?"
    r"(?:found )?(?:killed|martyred|dead|died|wounded|injured|hurt|missing|rescued|freed|"
    r"evacuated|displaced|captured|arrested|detained|surrendered)\b"
    # verbs only people do: "more than 5,000 came out yesterday"
    r"|(?:more )?(?:(?:who|that) )?(?:have |had |has )?(?:fled|escaped|defected|arrived|(?:came|walked|poured|streamed) out|gave themselves up)\b"
    # "only 65,000 remain."
    r"|(?:still )?remain(?:s|ed)?(?= (?:in|inside|there|behind|trapped|holed)\b|\s*[.,;]|$)"
    # a headline's present tense: "Hundreds Escape Besieged Town", "Thousands Flee", "Dozens Die"
    r"|(?:more )?(?:flee|escape|die|surrender|pour out|stream out)\b",
    re.I)

# Armed groups as reporters name them, with the short name used for the group column
# (data: lexicon/armed_groups.toml, extended by a user lexicon).
ORGANISATIONS: dict[str, tuple[str, ...]] = {group.name: group.aliases for group in LEXICON.groups}
# Organisations that the armed nouns "jihadis", "militants" and "terrorists" refer to.
INSURGENTS = {group.name for group in LEXICON.groups if group.kind == "insurgent"}
# Non-state forces whose name alone counts their fighters: "killed 25 al-Shabaab", "5,000 Taliban".
_NON_STATE_ALIASES = {alias for group in LEXICON.groups if group.kind != "state" for alias in group.aliases}
_ALIASES = sorted({a for aliases in ORGANISATIONS.values() for a in aliases}, key=len, reverse=True)
# The lookahead of first letters lets the engine skip every other position (a lookbehind first would not):
# twice as fast over a whole article, which main_insurgent reads for every source.
_ORGANISATION = re.compile(
    r"(?=[%s])(?<![\w-])(%s)(?![\w-])" % ("".join(sorted({re.escape(a[0]) for a in _ALIASES})),
                                          literal_alternation(_ALIASES)))
_ALIAS_TO_NAME = {alias: name for name, aliases in ORGANISATIONS.items() for alias in aliases}
_NON_STATE_AFTER = re.compile(
    r"\s+(?:of\s+the\s+)?(?P<name>%s)(?![\w-])" % literal_alternation(
        sorted(_NON_STATE_ALIASES, key=len, reverse=True)))

# Trigger phrases (data: lexicon/events.toml). A longer phrase masks a shorter one inside it, so
# that "refused to surrender" counts as remaining, not surrendered, and "remained active" as strength.
def _phrase_pattern(phrase: str) -> str:
    """A plain phrase of a vocabulary file as a pattern: whole words, any spaces between them."""
    return r"\b" + r"\s+".join(map(re.escape, phrase.split())) + r"\b"


_TRIGGERS: dict[str, tuple[str, ...]] = {
    category: LEXICON.event(category).patterns + tuple(map(_phrase_pattern, LEXICON.event(category).words))
    for category in CATEGORIES
}
# "there may be 5,000 ..." just before a number: people still there, when nothing else says what happened.
_EXISTENTIAL = re.compile(
    r"\bthere (?:(?:could|may|might|would|will|must)(?: still)? be|(?:are|were|is|was)(?: still)?)\s+\W*$", re.I)
# Possession just before a number: "IS still has tens of thousands of fighters", "could have 30,000 followers".
_POSSESSION = re.compile(r"\b(?:has|have|had|command|commands|boasts?|musters?|fields?|could\s+muster|consist(?:s|ed)?\s+of|"
                         r"comprised?|number(?:s|ed)?|totall?ed)\s+(?:as many as\s+|up to\s+|some\s+)?\W*$", re.I)



def _branch(pattern: str) -> str:
    return pattern.removeprefix(r"\b")


# One group per category, in the order above, under a single leading word boundary: with a
# boundary inside each of seventy branches, the engine tried every branch at every character.
# Every trigger begins with a letter, so only a word's start is tried, not its end (`\b(?=\w)`).
_TRIGGER = re.compile(
    r"\b(?=\w)(?:" + "|".join(f"(?P<{category}>" + "|".join(_branch(p) for p in patterns) + ")"
                        for category, patterns in _TRIGGERS.items()) + ")",
    re.I,
)
_TRIGGER_FOLDED = re.compile(_TRIGGER.pattern)
# Left of the number, only verb forms that take it as their object count ("killing 38", "the
# evacuation of"): data, the `objects` of lexicon/events.toml, each with its category.
_OBJECT_CATEGORY: dict[str, str] = {}
for _category in (*CATEGORIES, OTHER):
    for _verb in LEXICON.event(_category).objects:
        _OBJECT_CATEGORY.setdefault(" ".join(_verb.lower().split()), _category)
_OBJECT_VERBS = CaselessPattern(
    r"\b(?P<verb>" + "|".join(r"\s+".join(map(re.escape, verb.split()))
                              for verb in sorted(_OBJECT_CATEGORY, key=len, reverse=True)) + r")\d{0,2}\s+"
    r"(?:(?:a|an|the)\s+[a-z]+\s+and\s+(?:his|her|their|its)\s+)?"  # "killed a farmer and his three brothers"
    r"(?:(?:the|some|its|their|his|her|at least|an estimated|about|more than|nearly|another|approximately|around|"
    r"roughly|over|up to|remaining|other|fellow)\s+){0,3}\W*$")  # "released their remaining 89"
_OBJECT_REACH = 80  # characters before a number that hold its verb and determiners ("claimed the lives of at least")
_NUMBER_NEXT = re.compile(
    r"\s+(?:(?:at\s+least|about|some|more\s+than|nearly|around|almost|over|up\s+to|as\s+many\s+as|another)\s+)?\d", re.I)
_DASH_ASIDE = re.compile(  # "fighters and family members—as many as 7,000 people—left": the noun may end later
    r"(?:\s*[\w-]+){0,2}?\s*(?:[—–]|\s-\s)[^—–;:.]{1,80}?(?:[—–]|\s-\s)"
    r"|\s*,\s*(?:including|among them|most of them|mostly|many of them|mainly|some of them)\b[^,;:.]{1,80},")
_CLAUSE_BREAK = re.compile(r"[;:—–]|\s-\s|,\s*(?:while|whereas)\b", re.I)


@dataclass(frozen=True)
class Trigger:
    category: str
    start: int
    end: int


def find_triggers(sentence: str) -> list[Trigger]:
    """Trigger phrases in a sentence, longer ones masking the shorter ones inside them."""
    folded = fold_case(sentence)
    # Case-folded text is searched faster (see `fold_case`), but "left Baghuz" needs its capital.
    pattern, text = (_TRIGGER, sentence) if "left" in folded else (_TRIGGER_FOLDED, folded)
    return [Trigger(match.lastgroup, match.start(), match.end()) for match in pattern.finditer(text)]


def choose_category(sentence: str, quantity_start: int, phrase_end: int, noun_class: str) -> tuple[str, str]:
    """The category of the number at [quantity_start, phrase_end) of `sentence`, and the words that gave it.

    A verb just before the number that takes it as object ("killing 38") wins;
    otherwise the nearest trigger after the noun phrase in the same clause
    ("3,000 people ... poured out"); otherwise context before the number
    ("IS still has ...", "there may be ...").
    """
    before = sentence[:quantity_start]
    after = sentence[phrase_end:]
    aside = _DASH_ASIDE.match(after)
    if aside:  # "3,000 militants — many of them foreigners — are still hiding", "260 fighters, including 53 ..., were"
        after = after[aside.end():]
    if after[:2].lstrip()[:1] in ("—", "–") and before.count("—") + before.count("–") == 1:
        after = after.lstrip()[1:]  # the number stands in an aside between dashes: the main clause's verb is its
    obj = _OBJECT_VERBS.search(before, max(0, len(before) - _OBJECT_REACH))  # the verb stands just before
    if obj and not obj.group().rstrip().endswith(",") and fold_case(obj.group("verb")) != "left":
        # ("left 20 dead" reads from the words after the number)
        category = _OBJECT_CATEGORY[" ".join(fold_case(obj.group("verb")).split())]
        if _THREAT_BEFORE.search(before, max(0, obj.start() - 40), obj.start()):
            return OTHER, "threat"  # "threatened to kill hundreds": no one was
        return _not_yet(_allowed(category, noun_class), before[: obj.start()], noun_class), obj.group().strip()
    clause_end = _CLAUSE_BREAK.search(after)
    window = after[: clause_end.start()] if clause_end else after
    next_figure = _NEXT_FIGURE.search(window) if ("," in window or ";" in window) else None
    if next_figure:  # "5,000 fighters, 1,306 militants killed": the verb after the next number is that number's
        window = window[: next_figure.start()]
    best: tuple[int, Trigger] | None = None
    for trigger in find_triggers(window):
        if _NUMBER_NEXT.match(window, trigger.end):
            continue  # "... and freed 24 captives": the verb of the next number, not of this one
        if _OWN_OBJECT_NEXT.match(window, trigger.end) and _AND_BEFORE.search(window, 0, trigger.start):
            continue  # "abducted 25 students and killed a teacher": the verb of another object
        if window[trigger.start].isupper() and _NAME_WORD_BEFORE.search(window, 0, trigger.start) and not in_title_case(sentence):
            continue  # "the International Rescue Committee said": a word of a name, not a verb
        gap = len(window[: trigger.start].split())
        if trigger.category == "strength" and (gap > 2 or best is not None):
            continue  # "four gunmen stormed": the attackers' own verb, next to them; any other event comes first
        if gap <= 12 and (best is None or gap < best[0] or best[1].category == "strength"):
            best = (gap, trigger)
    strength = _strength_cue(window)
    if best and not (strength is not None and strength <= best[0] and noun_class == "armed"):
        words = window[best[1].start : best[1].end]
        return _not_yet(_allowed(best[1].category, noun_class, words), window[: best[1].start], noun_class), words
    if noun_class == "armed" and (strength is not None or _POSSESSION.search(before)):
        return "strength", "has" if strength is None else "at large"
    if noun_class == "armed" and _UNDER_FIRE_FROM.search(before):
        return "strength", "fire from"  # "came under fire from five to seven militants": the force engaged
    if _EXISTENTIAL.search(before):
        if noun_class == "armed" and _ATTACKER_BEFORE_OR_IN.search(sentence):
            return "strength", "there were"  # "there were two attackers": the attack's force
        return _allowed("remaining", noun_class), "there are"
    return OTHER, ""


# An attack named around the count: "there were two attackers", "the gunmen who stormed ..."
_ATTACKER_BEFORE_OR_IN = re.compile(r"\b(?:attack(?:ers?|ed|s)?|assailants?|gunmen|raid(?:ers|ed)?|stormed|bombers?)\b",
                                    re.I)
_UNDER_FIRE_FROM = re.compile(r"\b(?:fire|attack|assault|ambush)\s+(?:(?:from|by)\s+)?(?:at\s+least\s+|some\s+|about\s+)?\W*$",
                              re.I)  # (a range's "from" is the quantity's own: "fire from five to seven")


# The plain `words` of strength in events.toml say that people took part in an attack ("stormed").
_ATTACK_WORDS = re.compile("|".join(map(_phrase_pattern, LEXICON.event("strength").words)) or r"(?!)", re.I)
_THREAT_BEFORE = re.compile(r"\b(?:threat\w*|vow\w*|promis\w*|pledg\w*|swore|swear\w*|vow)\s+(?:\w+\s+)?to\s+$", re.I)
_OWN_OBJECT_NEXT = re.compile(r"\s+(?:a|an|his|her|their|its|one)\s+[a-z]", re.I)
_AND_BEFORE = re.compile(r"\b(?:and|then|but)\s+$", re.I)
_EVACUATION_VERB = re.compile(r"evacuat|airlift|flown\s+out|rescu|escap", re.I)
_BESIEGED_VERB = re.compile(r"besieged|trapped|encircled|surrounded|holed", re.I)
_STRENGTH_RIGHT = CaselessPattern("|".join(LEXICON.event("strength").patterns))  # not the attackers' verbs


def _strength_cue(window: str) -> int | None:
    match = _STRENGTH_RIGHT.search(window)
    return len(window[: match.start()].split()) if match else None


# A list whose items each carry their own verb ("34,000 civilians evacuated, 1,306 militants killed"): the
# verb after the next item is that item's. Not a list with one verb at its end ("258 fighters, 10 others
# and 20 civilians have been killed").
_NAME_WORD_BEFORE = re.compile(r"[A-Z][\w.'’-]*\s+$")
_NEXT_FIGURE = re.compile(
    r"[,;]\s+(?:(?:more\s+than|about|some|at\s+least|nearly|around|over|another)\s+)?\d[\d,.]*"
    r"(?:\s+[A-Za-z][\w-]*){0,3}?\s+(?:killed|dead|died|wounded|injured|evacuated|displaced|surrendered|captured|"
    r"missing|freed|released|rescued|executed|arrested|detained)\b", re.I)


def _not_yet(category: str, before_trigger: str, noun_class: str) -> str:
    """People who hope or prepare to leave, or who may be killed, are still there."""
    if category == "evacuated" and intended(before_trigger):
        return _allowed("remaining", noun_class, "trapped")
    if category == "killed" and in_the_future(before_trigger):
        return _allowed("remaining", noun_class, "trapped")
    if category in ("evacuated", "surrendered", "rescued", "wounded") and _FORECAST_BEFORE.search(before_trigger[-40:]):
        return OTHER  # "perhaps 300,000 more could leave in the coming days": a forecast, not a figure
    return category


def forecast_after(after: str) -> bool:
    """Whether the words after a count say what may yet happen ("300,000 more could leave")."""
    return bool(_FORECAST_AFTER.match(after))


_FORECAST_AFTER = re.compile(r"\s+(?:more\s+|others?\s+)?(?:will|could|may|might|would|(?:are|is)\s+(?:expected|likely|"
                             r"set|due)\s+to)\b", re.I)
_FORECAST_BEFORE = re.compile(r"\b(?:will|could|may|might|would|(?:are|is)\s+(?:expected|likely|set|due)\s+to)\s+"
                              r"(?:\w+\s+)?(?:be\s+)?$", re.I)


def _allowed(category: str, noun_class: str, words: str = "") -> str:
    """Troops deployed are not figures; only what happened to them is. Troops that withdraw are a
    deployment ending, but troops or personnel evacuated or airlifted out were taken to safety."""
    if noun_class == "troops" and category == "evacuated" and _EVACUATION_VERB.search(words):
        return category
    if noun_class == "troops" and category == "remaining" and _BESIEGED_VERB.search(words):
        return category  # "400 soldiers were besieged in the camp": still there, not deployed
    if noun_class == "troops" and category in ("remaining", "strength", "evacuated"):
        return OTHER
    if category == "strength" and noun_class not in ("armed", "none") and not _ATTACK_WORDS.search(words):
        return "remaining"  # (people who took part in an attack are its force, whatever the noun)
    return category


def noun_class(noun: str | None) -> str:
    """'armed', 'troops', 'civilian' or 'none' for the head noun a number counts."""
    if noun is None:
        return "none"
    word = noun.lower()
    if word in ARMED_NOUNS:
        return "armed"
    if word in TROOP_NOUNS:
        return "troops"
    return "civilian"


_EVENT_NOUNS = frozenset({"deaths", "fatalities", "bodies", "injuries", "lives", "casualties"})
_ITS = re.compile(r"^(?:of\s+)?(?:its|their)\b", re.I)  # "11 of its fighters"


def organisation_in(words: str) -> str | None:
    """The short name of the first armed group named in `words`, if any."""
    match = _ORGANISATION.search(words)
    return _ALIAS_TO_NAME[match.group(1)] if match else None


def main_insurgent(text: str) -> str | None:
    """The insurgent group an article names most: what its 'militants' and 'jihadis' are."""
    counts = Counter(map(_ALIAS_TO_NAME.__getitem__, _ORGANISATION.findall(text)))  # one group: findall gives it
    ranked = [name for name, _ in counts.most_common() if name in INSURGENTS]
    return ranked[0] if ranked else None


_QUOTE_CHARS = re.compile(r"[“”\"']")
_LEADING_FILLER = re.compile(r"^(?:of\s+)?(?:the\s+)?(?:more\s+)?", re.I)


def group_label(phrase: str, noun: str | None, article_insurgent: str | None, before: str = "") -> str:
    """A readable group for the noun phrase a number counts: 'IS fighters', 'civilians', 'Yazidi women'.

    `before` is the sentence up to the number: "the SDF said 11 of its fighters" are SDF fighters."""
    if noun is None or noun.lower() in _EVENT_NOUNS:
        return "people"  # "60 deaths" counts people, whoever they were
    kind = noun_class(noun)
    organisation = organisation_in(phrase)
    if organisation is None and _ITS.search(phrase):
        named = list(_ORGANISATION.finditer(before))
        organisation = _ALIAS_TO_NAME[named[-1].group(1)] if named else None
    if kind == "armed":
        organisation = organisation or article_insurgent
        head = "followers and fighters" if "follower" in phrase.lower() else "fighters"
        return f"{organisation} {head}" if organisation else head
    if kind == "troops":
        return f"{organisation} troops" if organisation else "troops"
    words = _QUOTE_CHARS.sub("", phrase).strip()
    words = _LEADING_FILLER.sub("", words)
    return words or noun


@dataclass(frozen=True)
class NounPhrase:
    """The people a number counts: head noun, the whole phrase, where it ends, and a unit if not people.
    `known` is False for a noun in no list, read as people only where an event word says what
    happened to them ("nine staff were killed")."""

    noun: str
    phrase: str
    end: int
    unit: str = "people"
    known: bool = True


_TOKEN = re.compile(r"\s*([“”\"'‘’]|#?[A-Za-z][\w.'’-]*|\S)")  # "#ISIS fighters" in tweets
_STOP_WORDS = {
    "were", "was", "are", "is", "be", "been", "have", "has", "had", "will", "would", "could", "may", "might", "who",
    "which", "that", "in", "on", "at", "from", "to", "with", "by", "for", "into", "near", "inside", "across", "after",
    "before", "during", "since", "as", "than", "or", "but", "per", "each", "a", "an", "killed", "wounded", "died",
    "dead", "injured", "said", "says", "told", "also", "still", "there", "it", "they", "he", "she", "we", "all",
    "percent", "kilometers", "kilometres", "miles", "meters", "metres", "years", "days", "hours", "weeks", "months",
    "times", "tons", "dollars", "km", "sq", "square",
}
_QUOTES = {"“", "”", '"', "'", "‘", "’"}


def noun_phrase_after(sentence: str, position: int) -> NounPhrase | None:
    """The people noun phrase that starts at `position` (just after a number), if there is one.

    'hundreds of Islamic State fighters and their families' -> fighters;
    '46 truckloads of men, women, and children' -> men, counted in truckloads;
    '25 al-Shabaab' -> fighters (a non-state force's name counts its fighters);
    '20 coalition airstrikes' -> None.
    """
    return _people_noun_phrase(sentence, position) or _fighters_named(sentence, position)


def _fighters_named(sentence: str, position: int) -> NounPhrase | None:
    """'killed 25 al-Shabaab', '5,000 Taliban': the fighters of a non-state force named alone."""
    match = _NON_STATE_AFTER.match(sentence, position)
    if match is None:
        return None
    return NounPhrase("fighters", match.group("name"), match.end())


def _people_noun_phrase(sentence: str, position: int) -> NounPhrase | None:
    pos = position
    taken = 0
    unit = "people"
    words: list[str] = []
    while taken < 5:
        match = _TOKEN.match(sentence, pos)
        if match is None:  # the sentence ends
            return _unknown_noun_phrase(sentence, position, words, pos, unit)
        token = match.group(1)
        pos = match.end()
        if token in _QUOTES:
            continue
        lowered = token.lower().lstrip("#").rstrip(".")
        if lowered in ("and", "or") and not words:
            return None  # "killed thousands and displaced ...": a second verb, not a noun phrase
        if lowered in ("of", "the") and (taken == 0 or words[-1:] in (["of"], ["truckloads"])):
            words.append(lowered)
            continue
        if lowered in UNIT_NOUNS and unit == "people" and re.match(r"\s+(?:of|carrying)\s", sentence[pos:]):
            unit = lowered
            words.append(token)
            continue
        if (lowered in PEOPLE_NOUNS or (lowered.endswith(".") and lowered[:-1] in PEOPLE_NOUNS)
                or _DEMONYMS.fullmatch(token.rstrip("."))):
            if token.endswith("."):  # the sentence's full stop, not part of the noun
                lowered, pos = lowered.rstrip("."), pos - 1
            if lowered == "service":
                members = re.match(r"\s+members\b", sentence[pos:])
                if not members:
                    return None
                pos += members.end()
            end = _coordinated_end(sentence, pos)
            phrase = sentence[position:end].strip(" ,“”\"")
            return NounPhrase(lowered, phrase, end, unit)
        if (_is_event_word(lowered) and token.islower() and taken < 3
                and (described := _people_noun_phrase(sentence, pos)) is not None and described.known):
            # "several deceased militants", "eight wounded police officers": an event said as an adjective
            return NounPhrase(described.noun, sentence[position : described.end].strip(" ,“”\""), described.end,
                              described.unit)
        if ((lowered in _STOP_WORDS or (lowered in _CLAUSE_WORDS and lowered not in ("and", "or"))) and token.islower()) \
                or not token.lstrip("#")[:1].isalnum() or token[:1].isdigit():
            # a stop word, punctuation or another number ends the phrase: its last word is its head
            return _unknown_noun_phrase(sentence, position, words, pos - len(match.group()), unit)
        if lowered in NOT_PEOPLE or _is_event_word(lowered):
            return None  # "20 airstrikes", "three houses"; "Four Killed" in a headline
        words.append(token)
        taken += 1
    return None


# Words that end a noun phrase whose head is in no list ("14 conscripts and wounded ...").
_CLAUSE_WORDS = frozenset({"and", "or", "nor", "if", "unless", "whether", "because", "so", "then", "not", "yet",
                           "when", "where", "while", "though", "although"})
_PRONOUNS_AFTER = frozenset({"them", "whom", "those", "us", "these", "which"})
# Words that stand after a count without being what it counts ("12 more", "five such").
_NOT_A_HEAD = frozenset({"more", "such", "other", "these", "those", "them", "whom", "each", "every", "of", "the",
                         "and", "or", "including", "among", "altogether", "apiece", "total", "least", "most", "alone"})


@lru_cache(maxsize=65536)  # asked of every word after every number; the words repeat
def _is_event_word(word: str) -> bool:
    return bool(find_triggers(word)) or word in _OBJECT_CATEGORY or bool(PEOPLE_PARTICIPLES.fullmatch(word))


def _unknown_noun_phrase(sentence: str, position: int, words: list[str], end: int, unit: str) -> NounPhrase | None:
    """A noun in no list after a count is read as people ("nine staff", "40 worshipers", "three U.S.
    servicemembers"); whether it is a figure is left to its event word. Not a head: a function word,
    an abbreviation or a capitalised word alone (a name, not a noun)."""
    cut = next((i for i, word in enumerate(words) if word in ("and", "or")), None)
    if cut is not None:  # "14 conscripts and wounded ...": the phrase ends before its conjunction
        words = words[:cut]
        if words:
            end = sentence.find(words[-1], position) + len(words[-1])
    content = [word for word in words if word.lower() not in ("of", "the")]
    if not content or unit != "people" or any(word.lower() in _PRONOUNS_AFTER for word in content):
        return None  # ("15 of them seriously": a part of the figure before, read as such)
    head = content[-1].lstrip("#").rstrip(".")
    lowered = head.lower()
    if (lowered in _NOT_A_HEAD or lowered in NOT_PEOPLE or not re.fullmatch(r"[A-Za-z][a-z'’-]*[a-z]", head)
            or _is_event_word(lowered)):
        return None
    if head[0].isupper() and not in_title_case(sentence):
        return None  # "5 Monday", "40 Ansar Beit": a name, unless the whole line is in title case
    if lowered.endswith(("ed", "ing")):
        return None  # "Kurdistan 24 reported", "wounding 12 according to": a verb, not a noun
    while end > position and sentence[end - 1] in " ,“”\"":
        end -= 1
    phrase = sentence[position:end].strip(" ,“”\"")
    return NounPhrase(lowered, phrase, end, unit, known=False)


# People named by where they are from: "5.6 million Syrians", "300 Iraqis", "Lebanese", "Alawites".
_DEMONYMS = re.compile(r"[A-Z][a-z]{2,}(?:ians|ans|(?<!s)is|ese|ites)")
_COORDINATED = re.compile(r"(?:,?\s*(?:and|or)\s+|,\s*)(?:their\s+|other\s+)?([A-Za-z-]+)")


def _coordinated_end(sentence: str, pos: int) -> int:
    """Extend a noun phrase over coordinated people nouns: 'men, women, and children'."""
    while True:
        match = _COORDINATED.match(sentence, pos)
        if not match or match.group(1).lower() not in PEOPLE_NOUNS:
            return pos
        pos = match.end()


_CONTEXT_NOUN = re.compile(r"\b(?:number|numbers|count|tally|total) of|\bhow many", re.I)
# A number given as the value of a count named before it: "the number of evacuees ... has risen to 59,000".
_VALUE_OF_COUNT = re.compile(
    r"\b(?:number|numbers|count|tally|total)(?: of\b|(?=\s+\w+ed\b))(?P<about>[^.;]*?)\b(?:to|at|reached|reaches|hit|hits|is|was|be|"
    r"stands at|stood at|totals|totalled|totaled|passed|exceeded|topped)\s+\W*$", re.I)


def noun_from_context(text: str) -> NounPhrase | None:
    """A people noun named before the number: 'the number of ISIS jihadis ... could be more than 1,000'."""
    for match in reversed(list(_CONTEXT_NOUN.finditer(text))):
        words = re.findall(r"[\w-]+", text[match.end() : match.end() + 60])[:4]
        for index, word in enumerate(words):
            if word.lower() in PEOPLE_NOUNS:
                return NounPhrase(word.lower(), " ".join(words[: index + 1]), -1)
    return None


_AUXILIARIES = re.compile(r"\s*(?:(?:have|has|had|were|was|are|is|been|being|reportedly|also|all|now|later|since|"
                          r"either|who|that|had)\s+)*", re.I)
_ADVERBS = re.compile(r"\s*(?:\w+ly\s+)+", re.I)  # "leaving 9 badly hurt" (but "several willingly complied" as it is)


def event_right_after(after: str) -> bool:
    """Whether the words right after a bare number say what happened to its people ("Hundreds have
    died", "3,400 admitted to hospitals with injuries", "as many as 3,000 had sought shelter")."""
    rest = after[_AUXILIARIES.match(after).end():][:60]
    adverbs = _ADVERBS.match(rest)
    for words in (rest, rest[adverbs.end():] if adverbs else None):
        triggers = find_triggers(words) if words else []
        if triggers and triggers[0].start == 0 and triggers[0].category in EVENT_CATEGORIES:
            return True
    return False


# What happened, said by an event word; "remaining" and "strength" are read from weaker cues ("inside").
EVENT_CATEGORIES = frozenset({"killed", "wounded", "evacuated", "rescued", "surrendered"})


def object_of_verb_alone(before: str, after: str) -> bool:
    """Whether the number between `before` and `after` is a verb's object with its noun left out
    ("killed seven fighters and wounded 15 in ...", not "evacuated over ten days")."""
    return bool(_OBJECT_VERBS.search(before, max(0, len(before) - _OBJECT_REACH)) and _OBJECT_END.match(after))


# What may follow a verb's bare object: the clause's end, a time or place, another verb of the same
# subject ("killing five and wounding four"), or a clause about when ("killed one before he entered").
_OBJECT_END = re.compile(
    r"\s*(?:more\b\s*)?(?:[,.;:)]|$|(?:on|in|at|by|during|over|overnight|yesterday|today|later|earlier|before|after|"
    r"when|while|as|near|outside|inside|across|since|from|including|among|according|and\s+\w+(?:ing|ed)|"
    r"the\s+(?:next|following|previous)\s+day)\b)", re.I)


_HOW_MANY = re.compile(r"\bhow\s+many\b(?P<about>[^.?!;]*)", re.I)
_ANSWER_START = re.compile(r"[\W]*(?:(?:maybe|perhaps|possibly|probably)\b[\W]*)?$", re.I)


def count_asked(previous_sentence: str, before: str) -> str | None:
    """The words about the people a sentence's first number answers for, when the sentence before
    asked how many there are ("We don't know how many are left inside." "Maybe 5,000.")."""
    if not _ANSWER_START.match(before) or "how" not in previous_sentence.lower():
        return None
    asked = list(_HOW_MANY.finditer(previous_sentence))
    return asked[-1].group("about").strip(" ,\"”") or None if asked else None


def count_named_before(before: str) -> str | None:
    """The words about the people of a count whose value follows ('who have left the enclave'), if any."""
    match = _VALUE_OF_COUNT.search(before)
    return match.group("about") if match else None


def category_in(words: str, noun_class: str) -> tuple[str, str]:
    """The category of the first trigger in `words`, and its words; 'other' if there is none
    ("civilian casualties" are killed, and flagged where they are read)."""
    triggers = find_triggers(words)
    if not triggers:
        casualties = _CASUALTIES.search(words)
        return ("killed", "casualties") if casualties else (OTHER, "")
    return _allowed(triggers[0].category, noun_class), words[triggers[0].start : triggers[0].end]


_CASUALTIES = re.compile(r"\bcasualt(?:y|ies)\b", re.I)


def subject_casualties(sentence: str) -> str | None:
    """The side that 'suffered' losses in a sentence: 'the SDF had suffered minimal casualties' -> 'SDF'."""
    match = re.search(r"([\w.-]+(?:\s+[\w.-]+){0,3})\s+(?:had\s+|has\s+|have\s+)?(?:suffered|lost|losses)", sentence)
    return organisation_in(match.group(1)) if match else None


# Nouns that say what happened by themselves: "100 bodies were found" (data: `nouns` of events.toml).
# casualties: killed or wounded, flagged ambiguous_category where it is read.
NOUN_CATEGORY = {noun.lower(): category for category in CATEGORIES for noun in LEXICON.event(category).nouns}
# "the death toll rose to 45", "the toll from Sunday's attack on the hotel has risen to at least 16"
_TOLL = re.compile(r"\b(?:(?P<kind>death|casualty|injury)\s+)?toll\b(?:(?:[^.;]|\.(?=\w|\s+[a-z])){0,120}?\b(?:to|at|of|reached|hit|is|was|"
                   r"stands at))?\s+\W*$", re.I)
_PART_OF = re.compile(  # "including 64 civilians", "– 14 Israelis and three Thais –", "441 civilians (341 men, ...)"
    r"(?:(?:\b(?:including|among them|of whom|of them|among whom|(?:which|that|who)\s+included|comprising|mostly|mainly)"
    r"|\s[–—]|\s-)\s+|\(\s*)(?:at least\s+|some\s+|about\s+|around\s+)?\W*$", re.I)
# "107 of whom were ...": a number that counts part of the people before it
_PART_AFTER = re.compile(r"\s+of\s+(?:whom|them|those)\b", re.I)
# "This included 14 foreigners ...": the sentence counts part of the figure before it
_PART_OF_BEFORE_SENTENCE = re.compile(
    r"^\W*(?:this|these|that|they|those|the\s+(?:[a-z-]+\s+){0,2}?[a-z-]+)\s+(?:also\s+)?(?:included|includes|include|"
    r"comprised)\s+"  # "This included 14 foreigners", "The captives included 20 women"
    r"(?:at least\s+|some\s+|about\s+)?\W*$", re.I)
# "which decreased to 90,000", "This number was raised to 100": a count of the people before it, changed
_CHANGED_TO = re.compile(
    r"\b(?:rose|risen|rising|increased|decreased|fell|fallen|dropped|climbed|grew|grown|jumped|raised|reduced|revised|"
    r"swelled|went\s+up|went\s+down)\s+to\s+(?:at\s+least\s+|about\s+|around\s+|nearly\s+|more\s+than\s+|some\s+)?\W*$", re.I)


# "7,000 left on Wednesday and another 2,500 on Thursday": the second number leaves out the
# noun and verb of the figure before it, and is followed by a time, a place or the clause's end.
_GAP_BEFORE = re.compile(r"(?:\b(?:and|while|then|plus)|,)\s*$", re.I)
_GAP_AFTER = re.compile(
    r"\s*(?:more\b\s*)?(?:[,.;)]|$|(?:on|in|at|by|during|over|overnight|yesterday|today|later|earlier|"
    r"the\s+(?:next|following|previous)\s+day)\b)", re.I)


def is_gapped(before: str, after: str) -> bool:
    """Whether the number between `before` and `after` counts what the figure before it counted."""
    return bool(_GAP_BEFORE.search(before) and _GAP_AFTER.match(after))


_CONTINUING = re.compile(r"(?:another|a\s+further|an\s+additional)\s", re.I)
_MORE_AFTER = re.compile(r"\s+more\b(?!\s+than)", re.I)


def continues_a_count(quantity_text: str, after: str) -> bool:
    """Whether a number with no noun adds to the figure before it: "another 500", "a further 300", "300 more"."""
    return bool(_CONTINUING.match(quantity_text) or _MORE_AFTER.match(after))


_FOLLOWS_SUIT = re.compile(r"\s+(?:more\s+)?(?:followed|did\s+(?:the\s+)?same|joined\s+them|came\s+after)\b", re.I)


def follows_suit(after: str) -> bool:
    """Whether the words after a number say its people did what the figure before said ("followed")."""
    return bool(_FOLLOWS_SUIT.match(after))


_REMAINING_BEFORE = re.compile(r"\b(?:remaining|last)\s+\W*$", re.I)


_AMONG_BEFORE = re.compile(r"\bamong\s+(?:the|those)\s+(?P<event>[a-z]+(?:\s+[a-z]+)?)\s+(?:were|was|are|is)\s+"
                           r"(?:at\s+least\s+|some\s+|about\s+)?\W*$", re.I)


def object_verb_before(before: str) -> bool:
    """Whether a verb that takes the count as its object stands just before it ("killing 38")."""
    return bool(_OBJECT_VERBS.search(before, max(0, len(before) - _OBJECT_REACH)))


def event_in_phrase(phrase: str) -> tuple[str, str] | None:
    """An event said by an adjective inside the noun phrase ("several deceased militants", "the 3,000
    displaced families"): its category and word, when nothing else says what happened."""
    triggers = [t for t in find_triggers(phrase) if t.category in EVENT_CATEGORIES]
    return (triggers[0].category, phrase[triggers[0].start : triggers[0].end]) if triggers else None


def among_the(before: str) -> tuple[str, str] | None:
    """'Among the dead were 4 children', 'among those wounded are ...': the event the count is part of."""
    match = _AMONG_BEFORE.search(before[-60:])
    if match is None:
        return None
    event = match.group("event")
    triggers = find_triggers(event)
    category = triggers[0].category if triggers else NOUN_CATEGORY.get(event.lower())
    return (category, event) if category in EVENT_CATEGORIES else None


def remaining_before(before: str, noun_class: str) -> tuple[str, str] | None:
    """'the remaining 2,000 fighters', 'the last 500 civilians': people still there, when nothing
    else says what happened to them; the category and its words."""
    match = _REMAINING_BEFORE.search(before[-30:])
    return (_allowed("remaining", noun_class), match.group().strip()) if match else None


def toll_category(before: str) -> str | None:
    """'the death toll rose to 45': a count with no noun that a toll names."""
    match = _TOLL.search(before)
    if match is None:
        return None
    return "wounded" if (match.group("kind") or "").lower() == "injury" else "killed"


def is_part_of_previous(before: str, after: str = "") -> bool:
    """'15 hostages, including four children', '17 hostages – 14 Israelis and three Thais –',
    '240 prisoners, 107 of whom were ...': the second number is part of the first."""
    return bool(_PART_OF.search(before) or _PART_AFTER.match(after))


_MADE_OF = re.compile(r"\s+(?:were|was|are|is)\s+(?:(?:also|all|mostly)\s+)?(?:[A-Za-z-]+\s+){0,2}?(?P<noun>[A-Za-z-]+)\b")
_OF_THE_EVENT = re.compile(r"\s+of\s+(?:the|those)\s+(?P<event>[a-z]+)\b", re.I)


def made_of(after: str) -> bool:
    """Whether a count opening a sentence says who some of the people before were ("Twelve were children.")."""
    match = _MADE_OF.match(after)
    return bool(match) and match.group("noun").lower() in PEOPLE_NOUNS and not find_triggers(after[: match.end()])


def of_the_event(after: str) -> tuple[str, str, int] | None:
    """'Eight of the dead', 'three of the injured': part of the people an event befell; its category, its
    word and where the words end (what follows may tell what befell the part: "... of the rescued were wounded")."""
    match = _OF_THE_EVENT.match(after)
    if match is None:
        return None
    event = match.group("event")
    triggers = find_triggers(event)
    category = triggers[0].category if triggers else NOUN_CATEGORY.get(event.lower())
    return (category, event, match.end()) if category in EVENT_CATEGORIES else None


def part_of_figure_before(before: str) -> bool:
    """'This included 14 foreigners': a sentence that counts part of the previous sentence's figure."""
    return bool(_PART_OF_BEFORE_SENTENCE.match(before))


def changed_count(before: str) -> bool:
    """'which decreased to 90,000', 'This number was raised to 100': the count before it, changed."""
    return bool(_CHANGED_TO.search(before[-60:]))


_COORDINATED_FIGURE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|as\s+well\s+as\s+|plus\s+)$", re.I)


def coordinated_with(between: str) -> bool:
    """Whether a figure is coordinated with the one before it ('killed 52 fighters and 4 civilians'):
    only "and", "or" or a comma stand between the two noun phrases."""
    return bool(_COORDINATED_FIGURE.fullmatch(between))


# A planned or wished-for leaving: the people are still there ("preparing to evacuate its 60 citizens",
# "crammed into the airport hoping to escape").
_INTENT_BEFORE = re.compile(
    r"\b(?:hop\w*|tr(?:y|ies|ied|ying)|wait\w*|want\w*|seek\w*|prepar\w*|plan\w*|attempt\w*|desperate|eager|need\w*|"
    r"struggl\w*|mission|efforts?|bid|unable|scrambl\w*|ready)\s+(?:\w+\s+){0,2}?to\s+(?:be\s+)?$", re.I)
# What might happen to people still there: "will most likely be massacred", "could be killed"
_FUTURE_BEFORE = re.compile(r"\b(?:will|would|could|might|may|risk|at\s+risk\s+of|likely\s+to)\b(?:\s+\w+){0,3}\s+$", re.I)


def intended(before_trigger: str) -> bool:
    """Whether a leaving verb is one hoped or prepared for, not done ("preparing to evacuate")."""
    return bool(_INTENT_BEFORE.search(before_trigger[-60:]))


def in_the_future(before_trigger: str) -> bool:
    """Whether a verb is said of what may happen ("will most likely be massacred")."""
    return bool(_FUTURE_BEFORE.search(before_trigger[-50:]))


_ALONG_WITH = re.compile(r"\b(?:along|together)\s+with\s+\W*$|\bas\s+well\s+as\s+\W*$", re.I)


def shares_previous_fate(before: str) -> bool:
    """'1,000 civilians remained trapped, along with 500 militants': the second number went through
    what the first did."""
    return bool(_ALONG_WITH.search(before[-40:]))

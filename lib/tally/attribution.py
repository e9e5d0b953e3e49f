"""Who is quoted for a figure, and which news agency the article took it from.

`SpeechReader` walks an article's paragraphs in order, finding speech events
("Bali said", "said Mustafa Bali", "according to officials", "Citing SANA, the AP
notes", "told Reuters") and keeping what later references need: the people
named so far and their roles (for "the SDF spokesman"), the last speaker (for
"he said", "they warned", "it adds"). News agencies named as speakers go to the
cited outlet, except the article's own outlet, which is quoted like any source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from tally.capture import parse_day
from tally.lexicon import LEXICON
from tally.sentences import CaselessPattern, fold_case, in_title_case, literal_alternation

# News organisations as articles name them, with the short name for the cited_outlet column
# (data: lexicon/outlets.toml, extended by a user lexicon).
OUTLETS: dict[str, tuple[str, ...]] = {outlet.name: outlet.aliases for outlet in LEXICON.outlets}
_OUTLET_BY_ALIAS = {alias.lower(): name for name, aliases in OUTLETS.items() for alias in aliases}
_OUTLET_ALIAS = literal_alternation(sorted(_OUTLET_BY_ALIAS, key=len, reverse=True))
_STAFF = r"(?:correspondents?|reporters?|journalists?|photographers?|tally|count|team|crew)"
_OUTLET_STAFF = re.compile(rf"\b({_OUTLET_ALIAS})\s+{_STAFF}\b", re.I)
_STAFF_WORDS = re.compile(_STAFF, re.I)  # a cheap test before the long search above
_OUTLET_AT_START = re.compile(rf"(?:the\s+)?({_OUTLET_ALIAS})\b", re.I)

_VERBS = (
    "said|says|say|told|tells|added|adds|noted|notes|reported|reports|report|warned|warns|warn|tweeted|tweets|"
    "stated|states|estimated|estimates|estimate|claimed|claims|announced|announces|confirmed|confirms|"
    "acknowledged|acknowledges|explained|suggested|suggests|suggest|cautioned|cautions|caution|insisted|"
    "indicated|revealed|reveals|voiced|wrote|writes|posted|believe|believes|believed|put|puts|counted|"
    "recorded|documented|disclosed|alleged|quoted|asserted|observed|show|shows|showed|affirmed|affirms|"
    "concluded|concludes|informed|informs"
)
_VERB_WORDS = frozenset(_VERBS.split("|"))
_AUXILIARY_WORDS = ("has", "have", "had", "also", "later", "then", "previously", "earlier", "reportedly", "separately")
_AUXILIARIES = re.compile(r"(?:\b(?:%s)\s+)+$" % "|".join(_AUXILIARY_WORDS), re.I)
_LOWER_WORD = re.compile(r"[a-z]+")
_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(?:a|an|the)\s+$", re.I)
_INVERTED = re.compile(
    r"[,.!?]?[\"”’]\s*(?P<verb>said|says|added|adds|noted|notes|told|wrote|warned|tweeted)\s+"
    r"(?P<who>(?:the\s+|a\s+|an\s+)?(?:[A-Z][\w.'’-]*|[a-z-]+)(?:\s+(?:[A-Z][\w.'’-]*|of|for|and|[a-z-]+)){0,6}?)"
    r"(?=[,.;]|\s+(?:on|in|at|to|who|after|before)\b|$)")
_INVERTED_VERBS = frozenset("said says added adds noted notes told wrote warned tweeted".split())


def _may_be_inverted(paragraph: str, words: frozenset[str] | None) -> bool:
    """Whether `_INVERTED` can match: it needs a closing quotation mark and one of its verbs."""
    return ('"' in paragraph or "”" in paragraph or "’" in paragraph) and (
        words is None or not _INVERTED_VERBS.isdisjoint(words))


# "according to X", and "..., per the SDF." (per followed by a name, not "per day")
_ACCORDING = re.compile(  # a stop after a capital letter is an abbreviation's: "the U.N. refugee agency"
    r"(?:\b(?i:according\s+to)|,\s*(?i:per)(?=\s+(?:the\s|[A-Z])))\s+(?P<who>(?:[^,.;:“”\"]|(?<=\b[A-Z])\.(?=[A-Z]|\s+[a-z])){3,80})")
# "the SDF released their figures", "the ministry issued a new toll": a body publishing its count speaks
_RELEASED = re.compile(
    r"\b(?:released|published|issued|put\s+out)\s+(?:(?:their|its|his|her|a|an|the|new|latest|updated|own|final|"
    r"official|daily|weekly)\s+){0,3}(?:figures|statistics|data|report|tally|toll|count|numbers|statement|estimates?)\b", re.I)
_CITING = re.compile(
    rf"\bciting\s+(?P<who>[^,;]{{2,90}}?),\s*(?:the\s+)?(?P<outlet>{_OUTLET_ALIAS})(?:\s*\([A-Z]+\))?\s+"
    rf"(?:also\s+)?(?:notes|noted|reports|reported|said|says|writes|wrote)\b", re.I)
# "The Interfax news agency also cited Petro Poroshenko as telling ...": the agency passes on his words
_CITED_AS = re.compile(
    rf"(?:the\s+)?(?P<outlet>{_OUTLET_ALIAS})(?:\s+news\s+agency)?\s+(?:also\s+|earlier\s+)?cited\s+"
    rf"(?P<who>[^,.;:“”\"]{{2,80}}?)\s+as\s+(?:saying|telling|stating)\b", re.I)
# "told Reuters", "told the Kurdish news agency ANHA", "told the pan-Arab daily Asharq Al-Awsat"
_TOLD_OUTLET = re.compile(rf"\btold\s+(?:the\s+)?(?:[\w-]+\s+){{0,4}}?(?P<outlet>{_OUTLET_ALIAS})\b", re.I)
_DATELINE = re.compile(rf"^[A-Z][A-Za-z0-9 .,'/-]{{2,60}}\((?P<outlet>{_OUTLET_ALIAS})\)\s*[-–—]", re.M | re.I)
# Where a speaker's noun phrase starts, reading leftwards from its verb: after a stop,
# a comma or quotation mark, or a word that opens a clause. Two patterns rather than one
# alternation, so that the engine can skip to the next punctuation mark or word start.
_CLAUSE_PUNCTUATION = re.compile(  # a bracketed acronym inside a name ("the ... Affairs (OCHA) for Syria") opens none
    r"(?:[.!?](?<=[a-z0-9”\"’)][.!?])\s|(?<=[\s(][A-Z]{2})[A-Z]*\.\s(?=[A-Z])|[,;:“”\"—–]|\((?![A-Z][A-Za-z.&-]{1,12}\))"
    r"|\s-(?=\s)|\s--\s)\s*")  # "ARTEMIVSK, Ukraine -- Ukraine's president says": a dateline's end  # "... to the SDF. The UN said": an acronym may end a sentence ("U.S." does not)  # " - ": a dateline's end
_CLAUSE_WORD = re.compile(  # for case-folded text
    r"\b(?:that|although|though|while|but|because|as|after|when|whereas|noting|saying|adding|"
    r"since|if|and\s+that|where|which|who)\b\s*")
_PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "organisation"}
# "We estimate ..." inside a quotation: the speaker is whoever the quotation belongs to.
_FIRST_PERSON = {"i", "we"}
# Speech whose words are someone else's: "its observers estimate", "we estimate" (inside a quotation).
_SOMEONE_ELSES = ("possessive", "first_person")
# Speech verbs that follow a comma and come before their speaker: "..., said the Observatory."
_COMMA_VERBS = frozenset("said says added adds noted notes wrote warned tweeted reported reports".split())
_INVERTED_AFTER_COMMA = re.compile(
    rf",\s*(?P<verb>{'|'.join(sorted(_COMMA_VERBS, key=len, reverse=True))})\s+"
    r"(?P<who>(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Yesterday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\b)"
    r"(?:the\s+[\w-]+|[A-Z][\w.'’-]*)(?:\s+(?:[A-Z][\w.'’-]*|of|for|and|[a-z-]+)){0,6}?)"
    r"(?=[,.;]|\s+(?:on|in|at|to|who|after|before)\b|$)")
_NAMED_AFTER_DESCRIPTION = re.compile(
    r"\b(?:agency|monitor|broadcaster|channel|network|outlet|group|organi[sz]ation)\s+([A-Z]{2,}[a-z]?)$")
_ACRONYM_AT_END = re.compile(r"\s*\(([A-Z][A-Za-z.&]{1,12})\)\s*$")
# "Mustafa Bali (@mustefabali) tweeted": the account's handle is not part of the speaker.
_HANDLE_AT_END = re.compile(r"\s*\(@\w+\)\s*$")
# "Adnan Afrin, an SDF commander, said", "An official, who asked not to be named, said":
# the speaker is the phrase before the aside.
_ASIDE_AT_END = re.compile(  # ", in a post on the Telegram messaging app," too
    r",\s*(?:a|an|the|who|which|one\s+of|with|citing|in\s+(?:a|an|his|her|its|their)|speaking|writing)\s[^,;:“”\"]{2,80},\s*$", re.I)
# "Syrian state media, citing local sources, reported": the source cited is who is quoted
_CITING_ASIDE = re.compile(r",\s*citing\s+(?P<who>[^,;:“”\"]{2,80}),\s*$", re.I)
_RELATIVE_AT_END = re.compile(r",\s*(?:which|who)\s+(?:(?:has|have|had|also|later)\s+)*$", re.I)
_SPEAKER_NOUNS = re.compile(
    r"\b(?:officials?|sources?|spokes(?:man|woman|person)|commanders?|officers?|reports?|estimates?|agency|ministry|"
    r"statement|observatory|monitor|group|intelligence|military|army|police|authorities|council|committee|"
    r"envoy|minister|president|leaders?(?:ship)?|analysts?|witness(?:es)?|residents?|activists?|diplomats?|"
    r"coalition|government|office|forces|command|pentagon|media|press|experts?|chief|governor|mayor|"
    r"department|medics?|doctors?|organi[sz]ation|observers?|drivers|workers|survivors|volunteers|rescuers|"
    r"refugees|evacuees|villagers|teams?|investigation|inquiry|survey|study|researchers?|nurses|journalists?|"
    r"reporters?|correspondents?|rangers|staff|personnel|families|relatives|fighters)\b", re.I)
_PLURAL_SPEAKER = re.compile(
    r"\b(?:officials|sources|reports|estimates|commanders|officers|authorities|leaders|analysts|witnesses|"
    r"residents|activists|diplomats|experts|medics|doctors|observers|monitors|people|lawmakers|troops|drivers|"
    r"workers|survivors|volunteers|rescuers|refugees|evacuees|villagers|researchers|nurses|journalists|families)\b", re.I)
_ROLE_WORDS = CaselessPattern(
    r"\b(spokes(?:man|woman|person)|official|commander|officer|minister|envoy|president|adviser|advisor|chief|"
    r"leader|general|director|head|analyst|researcher|governor|mayor|ambassador|secretary)\b")
# "the Britain-based monitor", "the war monitor": a description, not a name (its words are lower
# case, or compounds like "Britain-based"); these nouns refer back to the body quoted last.
_BODY_DESCRIPTION = re.compile(r"(?i:the)\s+(?:(?:[a-z]+|[A-Z][\w.]*-(?:based|run|funded))\s+){0,3}(?P<noun>[a-z]+)")
# Descriptions that refer back only to a body whose name says it is one ("the ministry", "the monitor").
_NAMED_KINDS = {"ministry": ("ministry",), "committee": ("committee",), "mission": ("mission",), "office": ("office",),
                "monitor": ("observatory", "monitor", "watch", "rights"), "watchdog": ("observatory", "monitor", "watch",
                                                                                      "rights"),
                "observatory": ("observatory",)}
_BODY_REFERENCES = frozenset("monitor watchdog observatory charity group agency ministry organisation organization "
                              "body office mission committee".split())
_TITLES = re.compile(r"^(?:(?:Gen|Col|Lt|Maj|Capt|Sgt|Adm|Brig|Dr|Mr|Mrs|Ms|Prof|Sen|Rep|Gov)\.?\s+)+")
# A capital first, outside any group, lets the engine skip to the next capital letter.
_NAME = re.compile(r"[A-Z](?:[a-z][\w'’-]*|\.)(?:\s+(?:al-|bin\s+|de\s+|van\s+)?[A-Z](?:[a-z][\w'’-]*|\.))+")
# "Its spokesman, Andrej Mahecic, said": the name in the aside is the speaker.
_NAME_ASIDE_AT_END = re.compile(rf",\s*(?P<who>{_NAME.pattern})\s*,\s*$")
_LEADING_NOISE = re.compile(r"^(?:the|a|an|other|also|some|its|their|many|top|two|three|several)\s+", re.I)
_APPOSITIVE_ROLE = re.compile(r",\s*(?:a|an|the)\s+(?P<role>[^,.;]{3,80})")  # matched just after a name


@dataclass(frozen=True)
class TweetSignoff:
    """The line under an embedded tweet: '— Mustafa Bali (@mustefabali) March 5, 2019'."""

    name: str
    handle: str
    day: date | None


_SIGNOFF = re.compile(r"^[—–-]\s*(?P<name>[^()@\n]{2,60}?)\s*\(@(?P<handle>\w{1,30})\)\s*(?P<day>.*?)\s*$")


def tweet_signoff(line: str) -> TweetSignoff | None:
    """The author and day of the embedded tweet that `line` closes, if it is such a line."""
    match = _SIGNOFF.match(line)
    if match is None:
        return None
    day = parse_day(match.group("day")) if match.group("day") else None
    return TweetSignoff(match.group("name"), match.group("handle"), day)


_HANDLE_LINE = re.compile(r"@\w{1,30}")
_CARD_TIME = re.compile(r"\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*[-–·•|]\s*(?P<day>.{6,30})")


def tweet_card(before: Sequence[str], after: Sequence[str]) -> TweetSignoff | None:
    """The author and day of a tweet embedded as a card, given the paragraphs before and after the
    tweet's text: a name line and a handle line above it ("Mustafa Bali" / "@mustefabali"), and
    below it, after its counts, the time it was posted ("5:30 PM - Mar 12, 2019")."""
    if len(before) < 2 or not _HANDLE_LINE.fullmatch(before[-1]):
        return None
    name = before[-2]
    if len(name.split()) > 5 or _TERMINAL_MARK.search(name):
        return None
    day = None
    for line in [line.strip() for line in after if line.strip()][:3]:
        posted = _CARD_TIME.fullmatch(line)
        if posted:
            day = parse_day(posted.group("day"))
            break
    return TweetSignoff(name, before[-1][1:], day)


_TERMINAL_MARK = re.compile(r"[.!?:]$")


def outlet_named(text: str) -> str | None:
    """The news organisation whose name `text` starts with ("Al Jazeera and news agencies" -> "Al Jazeera")."""
    match = _OUTLET_AT_START.match(text.strip())
    return _OUTLET_BY_ALIAS[match.group(1).lower()] if match else None


@dataclass
class Speech:
    """One speech event: where its verb is, who spoke, and the agency it went to."""

    start: int
    end: int
    speaker: str | None
    speaker_kind: str
    outlet: str | None
    pluperfect: bool = False


@dataclass
class Attribution:
    speaker: str | None
    outlet: str | None


@dataclass
class SpeechReader:
    """Reads speech events paragraph by paragraph, resolving references to earlier speakers."""

    own_outlet: str | None
    text: str
    people: dict[str, set[str]] = field(default_factory=dict)  # full name -> role words
    last: dict[str, Speech] = field(default_factory=dict)  # speaker kind -> last speech of that kind
    roles: dict[str, Speech] = field(default_factory=dict)  # role word -> last speaker introduced by it

    def __post_init__(self) -> None:
        dateline = _DATELINE.search(self.text[:600])
        self.dateline_outlet = self._foreign_outlet(dateline.group("outlet")) if dateline else None

    def read_paragraph(self, paragraph_text: str, offset: int, words: frozenset[str] | None = None) -> list[Speech]:
        """Speech events in one paragraph, in order; updates what later paragraphs can refer to.

        `words` (the paragraph's lower-case words), when given, let it skip searches for
        words the paragraph does not hold."""
        self._learn_people(paragraph_text)
        # (verb start, end, speaker words, pluperfect, agency of a "citing" clause)
        found: list[tuple[int, int, str, bool, str | None]] = []
        lowered = paragraph_text.lower()
        for match in (_CITING.finditer(paragraph_text) if "citing" in lowered else ()):
            found.append((match.start(), match.end(), match.group("who"), False, match.group("outlet")))
        for match in (_CITED_AS.finditer(paragraph_text) if " cited " in lowered else ()):
            found.append((match.start(), match.end(), match.group("who"), False, match.group("outlet")))
        for match in (_INVERTED.finditer(paragraph_text) if _may_be_inverted(paragraph_text, words) else ()):
            found.append((match.start("verb"), match.end(), match.group("who"), False, None))
        if "," in paragraph_text and (words is None or not _COMMA_VERBS.isdisjoint(words)):
            for match in _INVERTED_AFTER_COMMA.finditer(paragraph_text):
                speaker, kind = self._resolve(match.group("who"))
                if speaker or kind == "outlet":  # not "..., said the final push had been delayed"
                    found.append((match.start("verb"), match.end(), match.group("who"), False, None))
        for match in (_ACCORDING.finditer(paragraph_text) if "according" in lowered or " per " in lowered else ()):
            found.append((match.start(), match.end(), match.group("who"), False, None))
        for match in (_RELEASED.finditer(paragraph_text) if "released" in lowered or "published" in lowered
                      or "issued" in lowered else ()):
            subject = _subject_before(paragraph_text, match.start())
            if subject:
                found.append((match.start(), match.end(), subject, False, None))
        verbs = _speech_verbs(paragraph_text, words)
        for verb_start, verb_end, phrase_start, pluperfect in verbs:
            if any(start <= verb_start < end for start, end, *_ in found):
                continue
            subject = _subject_before(paragraph_text, phrase_start)
            if subject:
                found.append((verb_start, verb_end, subject, pluperfect, None))
        events: list[Speech] = []
        for start, end, who, pluperfect, citing_outlet in sorted(found, key=lambda item: item[0]):
            if citing_outlet is not None:
                body = _prefer_acronym(who)
                event = Speech(offset + start, offset + end, known_body_label(body) or body, "organisation",
                               self._foreign_outlet(citing_outlet))
            else:
                event = self._speech(who, start, end, paragraph_text, offset, pluperfect)
            if event is None:
                continue
            events.append(event)
            if event.speaker:
                self.last[event.speaker_kind] = event
                role = _ROLE_WORDS.search(who) if event.speaker_kind in ("organisation", "group") else None
                if role is not None and not _DEFINITE.match(who):  # "a UN spokesperson", "a spokesman for the X"
                    self.last["role"] = event
                    self.roles[role.group(1).lower()] = event
        return events

    def speaker_named(self, name: str) -> Speech | None:
        """A speech event for a speaker named outside any sentence (a tweet's sign-off line)."""
        speaker, kind = self._resolve(name)
        return Speech(0, 0, speaker, kind, None) if speaker else None

    def _speech(self, who: str, start: int, end: int, paragraph: str, offset: int, pluperfect: bool) -> Speech | None:
        told = _TOLD_OUTLET.match(paragraph, start)
        outlet = self._foreign_outlet(told.group("outlet")) if told else None
        speaker, kind = self._resolve(who.strip())
        if kind in _SOMEONE_ELSES:
            return Speech(offset + start, offset + end, None, kind, outlet, pluperfect)
        if outlet is None and _STAFF_WORDS.search(who):  # "according to an AFP correspondent": the agency too
            staff = _OUTLET_STAFF.search(who)
            outlet = self._foreign_outlet(staff.group(1)) if staff else None
        if speaker is None and kind != "outlet" and outlet is None:
            return None  # "he told the BBC" with no one named before still cites the BBC
        if kind == "outlet":
            outlet_name = speaker
            if outlet_name == self.own_outlet:
                speaker, kind = outlet_name, "organisation"
            else:  # "according to The New York Times", "Reuters reported": the agency is the source quoted
                speaker, outlet = outlet_name, outlet_name
                self.last["organisation"] = Speech(offset + start, offset + end, outlet_name, "organisation", outlet_name)
        if outlet is None and kind in ("person", "group") and speaker:
            previous = self.last.get(kind)
            if previous and previous.speaker == speaker and who.lower() in _PRONOUNS:
                outlet = previous.outlet
        return Speech(offset + start, offset + end, speaker, kind, outlet, pluperfect)

    def _resolve(self, who: str) -> tuple[str | None, str]:
        """Who a speaker phrase means: a pronoun, a role, a short name, a full name, a body or an outlet."""
        who = _speaker_words(who)
        if not who:
            return None, "none"
        lowered = who.lower().removeprefix("the ")
        if lowered in _OUTLET_BY_ALIAS:
            if self._acronym_names_a_party(who.removeprefix("the ")):
                return _PARTY_NAMES_BY_ACRONYM[who.removeprefix("the ")][0], "organisation"
            return _OUTLET_BY_ALIAS[lowered], "outlet"
        if lowered in _FIRST_PERSON:
            return None, "first_person"
        if lowered in _PRONOUNS:
            kind = _PRONOUNS[lowered]
            previous = self.last.get(kind) or (self.last.get("person") if kind == "group" else None)
            body = self.last.get("organisation") if kind == "group" else None
            if body is not None and (previous is None or body.start > previous.start):
                previous = body  # "the SDF released ... They put their casualties at ...": bodies are "they" too
            if kind == "organisation" and previous is None:
                return None, "none"  # "it said" with no body named before: no one to quote (was a KeyError)
            if previous is None and kind == "person" and self.last.get("role") is not None:
                previous = self.last["role"]  # "A spokesman for the Taliban says ... He said": the spokesman
            return (previous.speaker, previous.speaker_kind) if previous else (None, kind)
        if lowered.startswith(("its ", "their ", "his ", "her ")):
            return None, "possessive"
        name = _person_name(who)
        if name and known_body_label(name) is None:  # "Doctors Without Borders" is a body, not a person
            full = self._full_name(name)
            return full, "person"
        role = _ROLE_WORDS.search(who)
        if role and _DEFINITE.match(who):
            for person in reversed(list(self.people)):
                if role.group(1).lower() in self.people[person]:
                    return person, "person"
            earlier = self.roles.get(role.group(1).lower())
            if earlier is not None and len(who.split()) <= 3:  # "the spokesperson said": the one named before
                return earlier.speaker, earlier.speaker_kind
        if len(who.split()) > (16 if "(" in who else 12):  # "a spokeswoman for the UN High Commissioner for Refugees"
            return None, "none"
        cleaned = _body_words(who)
        body = self._body_meant(cleaned, who)
        if not body or not (body[:1].isupper() or _SPEAKER_NOUNS.search(body)):
            return None, "none"
        kind = "group" if body == cleaned and _PLURAL_SPEAKER.search(cleaned) else "organisation"
        return known_body_label(body) or body, kind

    def _acronym_names_a_party(self, acronym: str) -> bool:
        """Whether letters that name a news agency name an armed group or a body in this story instead
        ("AA" is Anadolu Agency in one story, the Arakan Army in another): the story spells out the
        party's name and not the agency's."""
        parties = _PARTY_NAMES_BY_ACRONYM.get(acronym)
        if not parties:
            return False
        agency = _OUTLET_BY_ALIAS[acronym.lower()]
        spelled = [alias for alias in OUTLETS[agency] if len(alias) > len(acronym) + 2]
        return any(name in self.text for name in parties) and not any(name in self.text for name in spelled)

    def _body_meant(self, cleaned: str, who: str) -> str:
        """The body quoted before that a shorter reference means: "the Observatory" after "the Syrian
        Observatory for Human Rights"; "the Britain-based monitor" for the monitor quoted last."""
        bodies = [e for e in (self.last.get("organisation"), self.last.get("group")) if e is not None and (
            e.speaker_kind == "organisation" or known_body_label(e.speaker or "") is not None)]
        previous = max(bodies, key=lambda e: e.start) if bodies else None  # "Doctors Without Borders" is a "they"
        if previous is None or previous.speaker is None or not cleaned or previous.speaker == cleaned:
            return cleaned
        if (len(cleaned) > 3 and cleaned.lower() in previous.speaker.lower()
                and re.search(rf"\b{re.escape(cleaned)}\b", previous.speaker, re.I)):
            return previous.speaker
        description = _BODY_DESCRIPTION.fullmatch(who.strip())
        noun = description.group("noun").lower() if description else ""
        if noun in _BODY_REFERENCES and any(word in previous.speaker.lower() for word in _NAMED_KINDS.get(noun, ("",))):
            return previous.speaker  # ("the ministry" only for a ministry, "the monitor" for a monitor)
        return cleaned

    def _full_name(self, name: str) -> str:
        """A short name ('Bali') means the person of that surname named before ('Mustafa Bali')."""
        if " " not in name:
            for person in reversed(list(self.people)):
                if person.split()[-1] == name:
                    return person
        return name

    def _learn_people(self, paragraph: str) -> None:
        """Remember named people and the role words around them ('SDF spokesman Mustafa Bali',
        'Mustafa Bali, a spokesman for the SDF')."""
        for match in _NAME.finditer(paragraph):
            words = match.group().split()
            titled = set()
            while len(words) > 2 and _ROLE_WORDS.findall_folded(words[0]):  # "Governor Ivan Petrenko"
                titled |= set(_ROLE_WORDS.findall_folded(words.pop(0)))
            name = _capitalised_person_name(" ".join(words))
            if name is None or _OF_BEFORE.search(paragraph, max(0, match.start() - 12), match.start()):
                continue  # "a UN spokesperson in New York": a place
            roles = titled | set(_ROLE_WORDS.findall_folded(paragraph[max(0, match.start() - 40) : match.start()]))
            appositive = _APPOSITIVE_ROLE.match(paragraph, match.end())
            if appositive:
                roles |= set(_ROLE_WORDS.findall_folded(appositive.group("role")))
            self.people.setdefault(name, set()).update(roles)
            self.people[name] = self.people.pop(name)  # most recently named last

    def _foreign_outlet(self, alias: str) -> str | None:
        name = _OUTLET_BY_ALIAS.get(alias.lower().removeprefix("the "), alias)
        return None if name == self.own_outlet else name


def person_with_role(role_words: str, text: str) -> str | None:
    """The person a text names with a role ("governor" -> "Ivan Petrov" where it says "Governor Ivan
    Petrov said" or "Ivan Petrov, the regional governor,"): the first so named; None if none is."""
    role = _ROLE_WORDS.search(role_words)
    if role is None:
        return None
    reader = SpeechReader(own_outlet=None, text="")
    for paragraph in text.split("\n"):
        if role.group(1).lower() in paragraph.lower():
            reader._learn_people(paragraph)
    return next((person for person, roles in reader.people.items() if role.group(1).lower() in roles), None)


_DEFINITE = re.compile(r"(?:the|this|that)\s", re.I)  # "the spokesman", "this official"
# Acronyms that are also an agency's name -> the longer names of the armed groups and bodies they abbreviate.
_PARTY_NAMES_BY_ACRONYM: dict[str, tuple[str, ...]] = {}
for _party_aliases in ([g.aliases for g in LEXICON.groups] + [(b.short or "", b.name, *b.aliases) for b in LEXICON.bodies]):
    for _acronym in _party_aliases:
        if _acronym and _acronym.isupper() and _acronym.lower() in _OUTLET_BY_ALIAS:
            _PARTY_NAMES_BY_ACRONYM[_acronym] = _PARTY_NAMES_BY_ACRONYM.get(_acronym, ()) + tuple(
                alias for alias in _party_aliases if len(alias) > len(_acronym) + 2)


def _speech_verbs(paragraph: str, words: frozenset[str] | None = None) -> list[tuple[int, int, int, bool]]:
    """Speech verbs in a paragraph: (verb start, verb end, start of its auxiliaries, pluperfect).

    Only the verbs among the paragraph's words (`words`, when given) are searched for:
    one pattern of fifty verbs would be tried at every character of every paragraph.
    """
    present = _VERB_WORDS.intersection(words if words is not None else _LOWER_WORD.findall(paragraph.lower()))
    if not present:
        return []
    found = []
    for word in _verbs_pattern(frozenset(present)).finditer(paragraph.lower()):
        start, end = word.span()
        if (start and paragraph[start - 1].isalnum()) or (end < len(paragraph) and paragraph[end].isalnum()):
            continue  # part of a longer token ("said2")
        if _ARTICLE_BEFORE.search(paragraph, max(0, start - 5), start):
            continue  # "an estimated 20 fighters": an adjective, not speech
        if (paragraph[start].isupper() and start and paragraph[start - 1] == " "
                and paragraph[start - 2 : start - 1] not in ".!?:\"“" and not in_title_case(paragraph)):
            continue  # "the United States": a capital inside a sentence starts a name (not in "UN Says 300 Fled")
        before = paragraph[max(0, start - 60):start]
        if before[-1:] == " " and _PASSIVE_BEFORE.search(before, max(0, len(before) - 24)):
            continue  # "are believed to", "was reported": the words before are what is said, not who said it
        auxiliaries = None
        if before[-1:].isspace() and before.rstrip().lower().endswith(_AUXILIARY_WORDS):  # cheap test first
            auxiliaries = _AUXILIARIES.search(paragraph, max(0, start - 60), start)
        phrase_start = auxiliaries.start() if auxiliaries else start
        pluperfect = bool(auxiliaries and re.match(r"had\b", auxiliaries.group(), re.I))
        found.append((start, end, phrase_start, pluperfect))
    return found


_GENERIC_PAPERS = re.compile(r"(?:(?:the|latest|new|our|recent|initial|preliminary)\s+)*(?:reports?|figures|data|"
                             r"estimates?|statistics|numbers|counts?|tallies)", re.I)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", re.I)
@lru_cache(maxsize=1024)
def _verbs_pattern(verbs: frozenset[str]) -> re.Pattern:
    """The given verbs as whole lower-case words (as `_LOWER_WORD` cuts them)."""
    return re.compile(r"(?<![a-z])(?:" + literal_alternation(sorted(verbs, key=len, reverse=True)) + r")(?![a-z])")


def _subject_before(paragraph: str, verb_start: int) -> str | None:
    """The words between the clause start and a speech verb: the speaker's noun phrase."""
    window = paragraph[max(0, verb_start - 120) : verb_start]
    if "(@" in window:
        window = _HANDLE_AT_END.sub("", window)
    acronym = _ACRONYM_AT_END.search(window) if window.rstrip().endswith(")") else None
    if acronym:  # "The Syrian Democratic Forces (SDF) said": the bracket does not open a clause
        named = _subject_before(window[: acronym.start()] + " ", len(window[: acronym.start()]) + 1)
        return f"{named} ({acronym.group(1)})" if named else None
    subject = window[_clause_start(window):].strip()
    relative = _RELATIVE_AT_END.search(window) if not subject else None
    if relative:  # "The SDF, which said ...": the speaker is what "which" stands for
        window = window[: relative.start()]
        subject = window[_clause_start(window):].strip()
    if not subject and window.rstrip().endswith(","):
        named = _NAME_ASIDE_AT_END.search(window)
        aside = None if named else _ASIDE_AT_END.search(window)
        if named:
            subject = named.group("who")
        elif aside and _CITING_ASIDE.match(window, aside.start()):
            subject = _CITING_ASIDE.match(window, aside.start()).group("who").strip()
        elif aside:
            window = window[: aside.start()]
            subject = window[_clause_start(window):].strip()
    if not subject or len(subject.split()) > (16 if "(" in subject else 10):
        return None
    return subject


# What a body published stands for the body: "figures from the UN", "the latest UN figures", "a tally by AFP".
_PAPER = r"(?:figures|data|statistics|estimates?|tally|count|statement|report|numbers)"
_PAPER_WORD = re.compile(_PAPER)  # a cheap test, in lower-cased text, before the two matches below
_PAPER_FROM = re.compile(
    rf"^(?:the\s+|a\s+|an\s+)?(?:(?:latest|new|official|preliminary|own)\s+)?{_PAPER}\s+"
    r"(?:from|by|of|released\s+by|issued\s+by|compiled\s+by)\s+(?P<who>.+)$", re.I)
_PAPER_OF = re.compile(
    r"^(?:the\s+|a\s+)?(?:(?:latest|new|official|preliminary)\s+)?(?P<who>[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*)*)"
    rf"\s+{_PAPER}$")
# "officials speaking on condition of anonymity": who they are, not how they spoke
_HOW_THEY_SPOKE = re.compile(r",?\s+(?:speaking|who\s+(?:spoke|asked|requested|declined))\b.*$", re.I)


# "a statement released by the SDF on Tuesday evening": when it spoke is not part of the speaker.
_WHEN_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday yesterday today tonight night morning "
                        "afternoon evening week earlier later overnight".split())
_WHEN_AT_END = re.compile(
    r"(?:\s+(?:on|late|early|earlier|later|last|this))?\s+(?:" + literal_alternation(sorted(_WHEN_WORDS)) + ")"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*$", re.I)


@lru_cache(maxsize=4096)  # a story's speakers come back paragraph after paragraph ("he said")
def _speaker_words(who: str) -> str:
    """The words of a speaker phrase that name the speaker: spaces made single, the noun phrase
    (`_noun_phrase_of`), what they published or when they spoke left out (`_speaker_behind`)."""
    return _speaker_behind(_noun_phrase_of(" ".join(who.split()).strip(" ,")))


@lru_cache(maxsize=4096)
def _body_words(who: str) -> str:
    """The name of the body a speaker phrase names: leading words such as "the" dropped, its acronym
    preferred, and a name after its description ("the Syrian state news agency SANA")."""
    cleaned = _prefer_acronym(_LEADING_NOISE.sub("", who))
    cleaned = _PUBLISHED_AFTER.sub("", cleaned)
    named = _NAMED_AFTER_DESCRIPTION.search(cleaned)
    return named.group(1) if named else cleaned  # the name, not its description


_PUBLISHED_AFTER = re.compile(r"\s+(?:issued|published|released|cited|quoted)\b.*$")


def _speaker_behind(who: str) -> str:
    """The speaker a phrase names behind what it published or how it spoke, without when it spoke."""
    if " " in who and who[who.rfind(" ") + 1 :].lower() in _WHEN_WORDS:  # a cheap test before the search
        who = _WHEN_AT_END.sub("", who) or who
    lowered = who.lower()
    if "speaking" in lowered or "who " in lowered:
        who = _HOW_THEY_SPOKE.sub("", who)
    if not _PAPER_WORD.search(lowered):
        return who
    paper = _PAPER_FROM.match(who) or _PAPER_OF.match(who)
    return paper.group("who").strip() if paper else who


_TRAILING_AUXILIARIES = re.compile(
    r"(?:\s+(?:did|does|do|would|will|could|can|may|might|must|should|is|are|was|were|not|n't|also|still|"
    r"had|has|have))+\s*$", re.I)
_LEADING_TIME = re.compile(
    r"^(?:(?:on|late|early|by|last)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)"
    r"(?:\s+(?:morning|afternoon|evening|night))?,?\s+|^on\s+\d{1,2}\s+[a-z]+,?\s+|^on\s+[a-z]+\s+\d{1,2},?\s+", re.I)
# Speech verbs that cannot be nouns ("reports", "estimates" and "claims" can): one inside a speaker's
# words means they hold a clause.
_CLAUSE_VERBS = frozenset(word for word in _VERB_WORDS if word.endswith("ed") or word in ("said", "told", "wrote"))
_NOT_A_SUBJECT = re.compile(r"^(?:there|here|it\s+(?:is|was)|this|that|these|those)\b", re.I)


@lru_cache(maxsize=4096)  # the same speaker words recur from paragraph to paragraph
def _noun_phrase_of(who: str) -> str:
    """The noun phrase of a speaker's words, not a clause around it: "U.S. officials affirmed they
    did not" -> "they"; "On Monday the SDF" -> "the SDF"; "There are" -> ""."""
    who = _LEADING_TIME.sub("", _TRAILING_AUXILIARIES.sub("", who))
    words = who.split()
    verbs = [i for i, word in enumerate(words) if word.lower() in _CLAUSE_VERBS]
    if verbs and len(words) > 1:
        who = " ".join(words[verbs[-1] + 1 :])
    if _NOT_A_SUBJECT.match(who) or who.endswith(("'s", "’s")):
        return ""  # "There are ...", "Wednesday's report": no one
    return who


def _clause_start(window: str) -> int:
    """Where the last clause in `window` starts (0 if it has no clause opener)."""
    start = 0
    for match in _CLAUSE_PUNCTUATION.finditer(window):
        start = match.end()
    # A clause word before the last punctuation ends before it does: search only after it.
    for match in _CLAUSE_WORD.finditer(fold_case(window), start):
        start = match.end()
    return start


# "the ... Committee of the Red Cross", "a UN spokesperson in New York": a body's or a place's name, not a person's
_OF_BEFORE = re.compile(r"\b(?:of|in|at|from|near|outside|inside)(?:\s+the)?\s*$", re.I)


@lru_cache(maxsize=4096)
def _person_name(who: str) -> str | None:
    """The person's name in a speaker phrase ('SDF spokesman Mustafa Bali' -> 'Mustafa Bali')."""
    stripped = _TITLES.sub("", who.strip())
    if re.fullmatch(r"[A-Z][a-z][\w'’-]+", stripped) and not _is_organisation(stripped):
        return stripped  # a surname alone
    names = [m.group() for m in _NAME.finditer(stripped)]
    if not names:
        return None
    name = _TITLES.sub("", names[-1])
    head, tail = stripped[: stripped.rfind(names[-1])], stripped[stripped.rfind(names[-1]) + len(names[-1]):].strip()
    if tail or _is_organisation(name) or len(name.split()) < 2 or _OF_BEFORE.search(head):
        return None  # "the International Committee of the Red Cross" is not a person called Red Cross
    return name


_ORGANISATION_WORDS = re.compile(
    r"\b(?:Forces|State|Democratic|Observatory|Rights|Agency|Ministry|Army|Council|Group|Office|News|Department|"
    r"Command|Coalition|Front|Party|Committee|Organi[sz]ation|Nations|Union|Intelligence|Defense|Defence|"
    r"Syrian|Kurdish|Iraqi|American|Turkish|Russian|Islamic|Other|Top|Senior|Society|Association|Institute|"
    r"Foundation|Federation|Authority|Services?|Crescent|Programme|Program|Fund|Network|Centre|Center|Commission|"
    r"Mission|Bureau|Movement|Alliance)\b|^(?:The|A|An|This|That)\s")


@lru_cache(maxsize=8192)  # a story names the same people and bodies paragraph after paragraph
def _capitalised_person_name(capitalised: str) -> str | None:
    """The person's name capitalised words (as `_NAME` finds them) give, titles dropped; None for a
    single word or a body's name."""
    name = _TITLES.sub("", capitalised)
    if len(name.split()) < 2 or _is_organisation(name):
        return None
    return name


def _is_organisation(name: str) -> bool:
    return bool(_ORGANISATION_WORDS.search(name)) or name.lower() in _OUTLET_BY_ALIAS


# Bodies often quoted in war reporting (data: lexicon/bodies.toml). A speaker is labelled with its
# full name and acronym ("Syrian Democratic Forces (SDF)") however the article names it, so that a
# table or chart by speaker counts "the SDF" and "the Syrian Democratic Forces" as one.
KNOWN_BODIES = LEXICON.bodies
_LABEL_BY_NAME = {name.replace(".", "").lower(): body.label for body in reversed(KNOWN_BODIES)
                  for name in (body.name, body.short, *body.aliases) if name}
# What comes before or after a body's name without changing which body it is.
_BODY_NAME = re.compile(
    r"(?:the\s+)?(?:[\w.]+-(?:based|backed|led|run|funded)\s+|state-run\s+|Kurdish\s+|U\.?S\.?\s+)*"
    r"(?P<name>.+?)(?:\s*\((?P<short>[A-Z]{2,})\))?", re.I)
_REGION_AFTER = re.compile(r"\s+(?:for|in)\s+[A-Z][\w-]+$")  # "the ... Affairs (OCHA) for Syria": its office there
_BODY_STAFF = r"spokes(?:man|woman|person)|officials?|commanders?|officers?|sources?"
_ROLE_FOR_BODY = re.compile(  # "a spokesman for the SDF"
    rf"(?:an?\s+|the\s+)?(?P<role>{_BODY_STAFF})\s+(?:for|of|with|from|in)\s+(?P<body>.+)", re.I)
_BODY_ROLE = re.compile(  # "an SDF official", "the SDF's media office"
    r"(?:an?\s+|the\s+)?(?P<body>[\w.-]+(?:\s+[\w.-]+){0,5}?)(?:'s|’s)?\s+"
    rf"(?P<role>{_BODY_STAFF}|media\s+office|statement)")


@lru_cache(maxsize=4096)  # the same speakers recur from article to article
def known_body_label(phrase: str) -> str | None:
    """'the U.S.-backed Syrian Democratic Forces', 'SDF' -> 'Syrian Democratic Forces (SDF)';
    'a spokesman for the SDF' -> 'Syrian Democratic Forces (SDF) spokesman'; None for another body."""
    role = _ROLE_FOR_BODY.fullmatch(phrase.strip()) or _BODY_ROLE.fullmatch(phrase.strip())
    if role:
        label = known_body_label(role.group("body"))
        return f"{label} {role.group('role').lower()}" if label else None
    for candidate in (phrase.strip(), _REGION_AFTER.sub("", phrase.strip())):
        match = _BODY_NAME.fullmatch(candidate)
        if match is None:
            continue
        for name in (match.group("short"), match.group("name")):
            if name and name.replace(".", "").lower() in _LABEL_BY_NAME:
                return _LABEL_BY_NAME[name.replace(".", "").lower()]
    return None


def _prefer_acronym(phrase: str) -> str:
    """'the state-run Syrian Arab News Agency (SANA)' -> 'SANA'."""
    acronym = re.search(r"\(([A-Z]{2,})\)\s*$", phrase.strip())
    return acronym.group(1) if acronym else phrase.strip()


def attribute(position: int, sentence_start: int, sentence_end: int, events: list[Speech],
              quotes: tuple[tuple[int, int], ...], default_outlet: str | None) -> Attribution:
    """Who is quoted for the figure at `position`, given its paragraph's speech events and quotations.

    The nearest speech event before it in its sentence ("X said N ..."), else the
    nearest after it ("N ..., X said"); inside a quotation, the speaker of that
    quotation; otherwise the article's own narration (no speaker).
    """
    in_sentence = [e for e in events if sentence_start <= e.start < sentence_end]
    before = [e for e in in_sentence if e.start < position]
    after = [e for e in in_sentence if e.start >= position]
    chosen = None
    if before:
        chosen = before[-1]
        if chosen.speaker_kind in _SOMEONE_ELSES:
            chosen = before[-2] if len(before) > 1 else None
    if chosen is None and after:
        chosen = after[0]
    quote_speaker = _quote_speaker(position, quotes, events)
    if (chosen is not None and quote_speaker is not None and chosen.speaker and _GENERIC_PAPERS.fullmatch(chosen.speaker)
            and any(start <= position < end and start <= chosen.start < end for start, end in quotes)):
        # '"Latest reports show 40 killed," the UN tweeted': reports with no one named are the quoted speaker's
        # (a party named inside a quotation keeps its words: '"... sources have said there may be 5,000"')
        chosen = quote_speaker
    if chosen is None:
        chosen = quote_speaker
    if chosen is None:
        return Attribution(None, default_outlet)
    if chosen.outlet and chosen.speaker == chosen.outlet:
        # "..., a UNHCR spokeswoman said, according to Reuters": the agency passed on another's words
        other = next((e for e in in_sentence if e.speaker and e.speaker != e.outlet
                      and e.speaker_kind not in _SOMEONE_ELSES), None)
        if other is not None:
            return Attribution(other.speaker, chosen.outlet)
    passed_on = next((e.outlet for e in in_sentence if e.outlet and e.speaker == e.outlet), None)  # "according to Reuters"
    outlet = chosen.outlet or (quote_speaker.outlet if quote_speaker else None) or passed_on or default_outlet
    return Attribution(chosen.speaker, outlet)


def _quote_speaker(position: int, quotes: tuple[tuple[int, int], ...], events: list[Speech]) -> Speech | None:
    for start, end in quotes:
        if start <= position < end:
            after = [e for e in events if end - 2 <= e.start <= end + 40]
            before = [e for e in events if start - 60 <= e.end <= start + 2]
            return (after or before or [None])[0]
    return None

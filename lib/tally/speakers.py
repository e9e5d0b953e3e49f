"""One label per speaker within a corpus: run after extraction, on the whole figures table.

The extractor writes who is quoted as the article wrote it ("Kursk Governor Alexei
Smirnov", "Aleksey Smirnov", "Smirnov"). `speaker_labels` gives every such text one
label per person, found across the corpus:

- a person is a first name and a surname; titles before them ("Governor", "Kursk
  Governor", "regional governor") are not part of the name;
- spellings and transliterations of one name are one person: names are compared
  folded (`fold_name`: "Alexei", "Alexey", "Aleksey" and "Aleksei" all fold alike);
- a surname alone ("Smirnov", "Governor Smirnov") is the person of that surname
  when the corpus has exactly one such person;
- a role alone ("the governor", "the regional governor") is the person the corpus
  gives that title before a name ("Kursk Governor Alexei Smirnov"), when only one has it;
- the label is the spelling written most often (the first seen among equals).

Organisations and roles without a name ("officials", "the UN") keep their words.
The words as written stay in `attribution`; the label goes beside them (`speaker`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

_TITLE_WORDS = frozenset("""governor gov gov. president mayor minister spokesman spokeswoman spokesperson general gen gen.
    colonel col col. major commander chief head director secretary senator ambassador prime deputy acting regional
    acting lieutenant lt lt. adm admiral captain sergeant dr dr. mr mr. mrs mrs. ms ms. sir king queen prince emir sheikh
    envoy representative rep rep. official officer leader chairman chairwoman""".split())
_NOT_NAMES = frozenset("""the of and for in on at to said says according ministry office army forces force council
    agency committee department government organization organisation union nations news press reports media
    officials sources authorities observatory command military""".split())
_NAME_WORD = re.compile(r"^[A-Z][a-z’'-]+$|^[A-Z][a-z]*[A-Z][a-z]+$|^[A-Z]\.$")  # Smirnov, O'Brien, McAllister, T.


@dataclass(frozen=True)
class PersonName:
    """A person's name as written: first name (may be empty) and surname."""

    first: str
    surname: str

    @property
    def written(self) -> str:
        return f"{self.first} {self.surname}".strip()


def fold_name(name: str) -> str:
    """A name folded so that its transliterations compare equal: 'Alexei', 'Alexey', 'Aleksey',
    'Aleksei' -> 'alexi'; 'Sergey', 'Sergei' -> 'sergi'; doubled letters count once."""
    folded = name.lower().replace("’", "").replace("'", "")
    for before, after in (("ks", "x"), ("kh", "h"), ("yu", "iu"), ("ya", "ia"), ("ey", "i"), ("ei", "i"),
                          ("iy", "i"), ("ii", "i"), ("y", "i"), ("j", "i"), ("w", "v"), ("ck", "k")):
        folded = folded.replace(before, after)
    return re.sub(r"(.)\1+", r"\1", folded)


def person_name(who: str) -> PersonName | None:
    """The person named at the end of `who` after any titles: 'Kursk Governor Alexei Smirnov' ->
    Alexei Smirnov; 'Governor Smirnov' -> Smirnov; None when `who` names no person ("U.N. officials")."""
    words = who.replace(",", " ").split()
    if not words or any(word.lower() in _NOT_NAMES for word in words):
        return None
    name: list[str] = []
    for word in reversed(words):
        if word.lower().rstrip(".") in _TITLE_WORDS or word.lower() in _TITLE_WORDS or not _NAME_WORD.match(word):
            break
        name.insert(0, word)
    titled = len(name) < len(words)
    if not name or len(name) > 3 or (len(name) == 1 and not titled and len(words) > 1):
        return None
    if len(name) == 1:
        return PersonName("", name[0])
    return PersonName(" ".join(name[:-1]), name[-1])


def speaker_labels(attributions: pd.Series) -> pd.Series:
    """Per figure (same index), one label for the person quoted: spellings, transliterations, titles
    and a surname alone after the full name merged (see the module's notes); other speakers keep
    their words; missing stays missing."""
    written = [who for who in attributions.dropna().astype(str)]
    counts = Counter(written)
    names = {who: person_name(who) for who in counts}
    people: dict[tuple[str, str], Counter] = {}  # (folded first, folded surname) -> spellings written
    for who, name in names.items():
        if name is not None and name.first:
            people.setdefault((fold_name(name.first), fold_name(name.surname)), Counter())[name.written] += counts[who]
    titles: dict[str, set[tuple[str, str]]] = {}  # a title word ("governor") -> the people it was given to
    for who, name in names.items():
        if name is not None and name.first:
            for word in _title_words(who):
                titles.setdefault(word, set()).add((fold_name(name.first), fold_name(name.surname)))
    by_surname: dict[str, list[tuple[str, str]]] = {}
    for key in people:
        by_surname.setdefault(key[1], []).append(key)
    labels: dict[str, str] = {}
    for who, name in names.items():
        if name is None:  # a role alone ("the governor") is the one person the corpus gives that title
            holders = set.intersection(*(titles.get(word, set()) for word in _role_words(who))) \
                if _role_words(who) else set()
            labels[who] = _most_written(people[holders.pop()]) if len(holders) == 1 else who
            continue
        surname = fold_name(name.surname)
        if name.first:
            key = (fold_name(name.first), surname)
        elif len(by_surname.get(surname, [])) == 1:
            key = by_surname[surname][0]
        else:  # no full name, or several people of that surname: the words as written
            labels[who] = who
            continue
        labels[who] = _most_written(people[key])
    return attributions.map(labels).where(attributions.notna(), None)


def _title_words(who: str) -> set[str]:
    """The title words written before a person's name: 'Kursk Governor Alexei Smirnov' -> {'governor'}."""
    return {word.lower().rstrip(".") for word in who.split() if word.lower().rstrip(".") in _TITLE_WORDS}


def _role_words(who: str) -> set[str]:
    """The title words of a role written alone ('the regional governor' -> {'governor'}); empty when
    `who` holds anything but titles, 'the' and 'regional' ('U.N. officials', 'the ministry')."""
    words = [word.lower().rstrip(".,") for word in who.split()]
    if not words or any(word not in _TITLE_WORDS | {"the", "a", "regional", "local"} for word in words):
        return set()
    return {word for word in words if word in _TITLE_WORDS} - {"regional", "acting", "deputy"}


def _most_written(spellings: Counter) -> str:
    """The spelling written most often, the first seen among equals."""
    return max(spellings.items(), key=lambda item: item[1])[0]


def with_speakers(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures with `speaker`: one label per person quoted (`speaker_labels`), beside `attribution`,
    which keeps the words as written."""
    return figures.assign(speaker=speaker_labels(figures["attribution"]))

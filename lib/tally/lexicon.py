"""The word lists a user extends for a new conflict: armed groups, news outlets, well-known
bodies, countries, the event words of each category and the nouns a count can name.

They are data, in `lib/tally/lexicon/*.toml` (each file documents its entries), read once
when tally starts. A user lexicon adds to them or replaces entries: a TOML file with any of
the same tables (`[[group]]`, `[[outlet]]`, `[[body]]`, `[[country]]`), named by
`tally --lexicon FILE` or by the environment variable `TALLY_LEXICON` (several files
separated by the path separator, ':' on Linux). An entry whose `name` is already known
replaces the bundled one; others are added. Vocabulary adds up instead: an `[[event]]` of a
category or a `[[nouns]]` of a kind adds its words to the bundled ones (`events.toml`,
`nouns.toml`). Worker processes inherit the variable, so
every core reads with the same words.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

BUNDLED = Path(__file__).with_name("lexicon")
ENVIRONMENT_VARIABLE = "TALLY_LEXICON"
GROUP_KINDS = ("insurgent", "militia", "state")
EVENT_CATEGORIES = ("evacuated", "surrendered", "killed", "wounded", "rescued", "remaining", "strength", "other")
NOUN_KINDS = ("armed", "troops", "civilian", "containers", "not_people")
# table name in a file -> (bundled file, required keys, list keys, optional text keys)
_TABLES = {
    "group": ("armed_groups.toml", ("name", "aliases", "kind"), ("aliases",), ()),
    "outlet": ("outlets.toml", ("name", "aliases"), ("aliases",), ()),
    "body": ("bodies.toml", ("name",), ("aliases",), ("short",)),
    "country": ("countries.toml", ("name", "demonyms"), ("demonyms",), ()),
}
# vocabulary tables: entries add up by their key (category, kind) instead of replacing by name
_VOCABULARY = {
    "event": ("events.toml", "category", EVENT_CATEGORIES, ("words", "patterns", "objects", "nouns")),
    "nouns": ("nouns.toml", "kind", NOUN_KINDS, ("words",)),
}


class LexiconError(ValueError):
    """A lexicon file that cannot be used: the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class ArmedGroup:
    name: str
    aliases: tuple[str, ...]
    kind: str  # one of GROUP_KINDS


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Body:
    name: str
    short: str | None
    aliases: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short})" if self.short else self.name


@dataclass(frozen=True)
class Country:
    name: str
    demonyms: tuple[str, ...]


@dataclass(frozen=True)
class EventWords:
    """What says that something happened to the people a count counts, for one category."""

    category: str
    words: tuple[str, ...]  # plain phrases after the count ("sought refuge")
    patterns: tuple[str, ...]  # regular expressions after the count, for forms a list cannot say
    objects: tuple[str, ...]  # verb forms taking the count as object, before it ("killing")
    nouns: tuple[str, ...]  # people nouns that say it by themselves ("bodies", "refugees")


@dataclass(frozen=True)
class Lexicon:
    groups: tuple[ArmedGroup, ...]
    outlets: tuple[Outlet, ...]
    bodies: tuple[Body, ...]
    countries: tuple[Country, ...]
    events: tuple[EventWords, ...] = ()
    nouns: dict[str, frozenset[str]] | None = None  # kind -> lower-case nouns

    def event(self, category: str) -> EventWords:
        """The event words of one category (empty if none are known)."""
        return next((e for e in self.events if e.category == category), EventWords(category, (), (), (), ()))

    def nouns_of(self, kind: str) -> frozenset[str]:
        return (self.nouns or {}).get(kind, frozenset())


def _read_toml(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise LexiconError(f"{path}: cannot be read ({error.strerror or error})") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LexiconError(f"{path}: not a TOML file: {error}") from error
    unknown = set(data) - set(_TABLES) - set(_VOCABULARY)
    if unknown:
        raise LexiconError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}; a lexicon has [[group]], "
                           f"[[outlet]], [[body]], [[country]], [[event]] and [[nouns]]")
    return data


def _vocabulary_entries(path: Path, table: str) -> list[dict]:
    """The [[event]] or [[nouns]] entries of one file, checked (the message names file, entry, problem)."""
    import re

    entries = _read_toml(path).get(table, [])
    if not isinstance(entries, list):
        raise LexiconError(f"{path}: '{table}' must be an array of tables ([[{table}]])")
    _, key, allowed, lists = _VOCABULARY[table]
    for number, entry in enumerate(entries, 1):
        where = f"{path}: [[{table}]] number {number}"
        if entry.get(key) not in allowed:
            raise LexiconError(f"{where}: {key} must be one of {', '.join(allowed)}, not {entry.get(key)!r}")
        extra = set(entry) - {key, *lists}
        if extra:
            raise LexiconError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        for name in lists:
            value = entry.get(name, [])
            if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
                raise LexiconError(f"{where}: {name} must be a list of non-empty strings")
        for pattern in entry.get("patterns", []):
            try:
                re.compile(pattern)
            except re.error as error:
                raise LexiconError(f"{where}: pattern {pattern!r} is not a regular expression ({error})") from None
    return entries


def _entries(path: Path, table: str) -> list[dict]:
    data = _read_toml(path)
    entries = data.get(table, [])
    if not isinstance(entries, list):
        raise LexiconError(f"{path}: '{table}' must be an array of tables ([[{table}]])")
    _, required, lists, texts = _TABLES[table]
    for number, entry in enumerate(entries, 1):
        where = f"{path}: [[{table}]] number {number}" + (f" ({entry.get('name')!r})" if entry.get("name") else "")
        missing = [key for key in required if key not in entry]
        if missing:
            raise LexiconError(f"{where}: missing {', '.join(missing)}")
        extra = set(entry) - set(required) - set(lists) - set(texts)
        if extra:
            raise LexiconError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        if not isinstance(entry["name"], str) or not entry["name"].strip():
            raise LexiconError(f"{where}: name must be a non-empty string")
        for key in lists:
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
                raise LexiconError(f"{where}: {key} must be a list of non-empty strings")
        for key in texts:
            if key in entry and not isinstance(entry[key], str):
                raise LexiconError(f"{where}: {key} must be a string")
        if table == "group" and entry["kind"] not in GROUP_KINDS:
            raise LexiconError(f"{where}: kind must be one of {', '.join(GROUP_KINDS)}, not {entry['kind']!r}")
    return entries


def user_files() -> list[Path]:
    """The user lexicon files named by `TALLY_LEXICON`."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def load_lexicon(extra: list[Path] | None = None) -> Lexicon:
    """The bundled lexicon with the user files (`extra`, else those `TALLY_LEXICON` names) laid over it."""
    files = user_files() if extra is None else extra
    merged: dict[str, dict[str, dict]] = {}
    for table, (bundled, *_rest) in _TABLES.items():
        by_name: dict[str, dict] = {}
        for path in (BUNDLED / bundled, *files):
            for entry in _entries(path, table):
                by_name[entry["name"]] = entry  # a user's entry of the same name replaces the bundled one
        merged[table] = by_name
    return Lexicon(
        groups=tuple(ArmedGroup(e["name"], tuple(e["aliases"]), e["kind"]) for e in merged["group"].values()),
        outlets=tuple(Outlet(e["name"], tuple(e["aliases"])) for e in merged["outlet"].values()),
        bodies=tuple(Body(e["name"], e.get("short") or None, tuple(e.get("aliases", ())))
                     for e in merged["body"].values()),
        countries=tuple(Country(e["name"], tuple(e["demonyms"])) for e in merged["country"].values()),
        events=tuple(EventWords(category, *(tuple(dict.fromkeys(lists[name])) for name in
                                            ("words", "patterns", "objects", "nouns")))
                     for category, lists in _vocabulary("event", files).items()),
        nouns={kind: frozenset(word.lower() for word in lists["words"])
               for kind, lists in _vocabulary("nouns", files).items()},
    )


def _vocabulary(table: str, files: list[Path]) -> dict[str, dict[str, list[str]]]:
    """Key (category or kind) -> list name -> the bundled words followed by the users' words."""
    bundled, key, allowed, lists = _VOCABULARY[table]
    merged = {value: {name: [] for name in lists} for value in allowed}
    for path in (BUNDLED / bundled, *files):
        for entry in _vocabulary_entries(path, table):
            for name in lists:
                merged[entry[key]][name].extend(entry.get(name, []))
    return merged


# Read once, when the extractor's modules are imported: their patterns are built from it.
LEXICON = load_lexicon()

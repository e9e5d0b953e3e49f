"""Property-based tests: the quantity reader and the extractor over arbitrary text."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tally.figures import figures_in_document
from tally.quantities import QUANTITY, NotAQuantity, read_quantity

# Text that looks like news copy often enough to reach the deep paths: number words, digits,
# qualifiers, people nouns, verbs, dates and punctuation, mixed with arbitrary characters.
PIECES = st.sampled_from([
    "more than", "up to", "about", "at least", "as many as", "or more", "hundreds", "tens of thousands", "dozens",
    "several hundred", "two hundred", "forty-six", "3.500", "20,00", "4,000 to 5,000", "200-300", "2012-13",
    "people", "fighters", "civilians", "were killed", "fled", "surrendered", "still inside", "said", "told Reuters",
    "according to officials", "on Tuesday", "March 5, 2019", "yesterday", "“", "”", '"', ".", ",", "\n", " ",
    "<script>", "</script>", "&amp;", "\x00", "Mr.", "U.S.", "(AP) -",
    # the paths that carry context between sentences and paragraphs
    "It said", "he said", "they said", "We", "the day before", "the next day", "since", "which said", ", said the",
    "[3]", "10 000", "two dozen", ":", "\u2022 9 February:", "a further", "another", "incl.", "including", "\u2014",
    "\u2014 Mustafa Bali (@mustefabali) March 5, 2019", "(@handle)", "figures from the UN", "By January 2019",
])
NEWSLIKE = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NEWSLIKE, st.text(max_size=80)))
def test_read_quantity_keeps_its_bounds_in_order(text):
    for match in QUANTITY.finditer(text):
        try:
            quantity = read_quantity(match.group())
        except NotAQuantity:
            continue
        if quantity.low is not None and quantity.high is not None:
            assert quantity.low <= quantity.high
        if quantity.best is not None:
            assert quantity.low is None or quantity.low <= quantity.best
            assert quantity.high is None or quantity.best <= quantity.high
        assert read_quantity(match.group()) == quantity  # the same input, the same output


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NEWSLIKE, st.one_of(st.none(), st.dates(min_value=pd.Timestamp("1990-01-01").date(),
                                               max_value=pd.Timestamp("2030-12-31").date())))
def test_extractor_on_arbitrary_text(text, published):
    document = {"source": "x.txt", "text": text, "body_start": 0, "body_end": len(text),
                "published": published, "outlet": "Example Daily", "site": None, "title": None, "url": None}
    rows = figures_in_document(document)
    for row in rows:
        assert 0 <= row["start"] < row["end"] <= len(text)
        assert row["quantity_text"] == text[row["start"]:row["end"]]
        assert row["sentence"] and row["sentence"] in text
        low, high, best = row["low"], row["high"], row["best"]
        if low is not None and high is not None:
            assert low <= high
        if best is not None:
            assert (low is None or low <= best) and (high is None or best <= high)
    assert figures_in_document(dict(document)) == rows


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aZq.. \n1é-", max_size=12), st.integers(min_value=0, max_value=12))
def test_the_word_before_a_full_stop_is_what_the_regular_expression_finds(text, end):
    # `word_before` reads backwards for speed; it must agree with the search it replaced.
    import re

    from tally.sentences import word_before

    end = min(end, len(text))
    found = re.compile(r"([A-Za-z][A-Za-z.]*)$").search(text, 0, end)
    assert word_before(text, end) == (found.group(1) if found else "")


_MONTHS = ["January", "Jan", "February", "Feb", "March", "Mar.", "april", "May", "June", "Jun", "July", "Aug",
           "September", "Sept.", "Sep", "October", "Oct", "November", "Nov", "December", "Dec"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_MONTHS), st.integers(min_value=0, max_value=40), st.sampled_from(["", "st", "th", "rd"]),
       st.sampled_from(["", " ", ", "]), st.integers(min_value=1000, max_value=9999), st.integers(0, 2),
       st.dates(min_value=__import__("datetime").date(1900, 1, 1)))
def test_the_usual_shapes_of_a_day_read_as_dateutil_reads_them(month, day, suffix, comma, year, shape, reference):
    # `dates._usual_day` reads "March 12", "12 of March 2019", "2019-03-12" without dateutil (for speed);
    # wherever it answers, it must give dateutil's day (or none where dateutil finds no such day).
    from datetime import datetime

    from dateutil import parser as date_parser

    from tally import dates

    year_words = f"{comma}{year}" if comma else ""
    words = [f"{month} {day}{suffix}{year_words}", f"{day}{suffix} of {month}{year_words}",
             f"{year}-{day % 14:02d}-{day:02d}"][shape]
    mine = dates._usual_day(words, reference)
    if mine is None:
        return  # another shape: dateutil reads it
    try:
        theirs = date_parser.parse(words, default=datetime.combine(reference.replace(day=1),
                                                                   datetime.min.time())).date()
    except (ValueError, OverflowError):
        theirs = None
    assert (None if mine is dates._NO_SUCH_DAY else mine) == theirs


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet="ab .ıI", max_size=4), min_size=1, max_size=8), st.text(alphabet="ab .cıIi", max_size=16),
       st.sampled_from(["", "c", "b\\b", "(?!a)"]))
def test_a_grouped_alternation_matches_as_the_plain_one(phrases, text, after):
    # `literal_alternation` groups phrases by first letter for speed; whatever follows the
    # alternation (and so whatever backtracking it forces), it must find what the plain one finds.
    import re

    from tally.sentences import literal_alternation
    plain = re.compile("(?:%s)%s" % ("|".join(re.escape(phrase) for phrase in phrases), after))
    grouped = re.compile("(?:%s)%s" % (literal_alternation(phrases), after))
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in re.finditer(grouped.pattern, text, re.I | re.X)] == \
        [m.span() for m in re.finditer(plain.pattern, text, re.I | re.X)]


FURNITURE_PIECES = st.sampled_from([
    "Related:", "SEE ALSO:", "(Photo: AP)", "[Rodi Said/Reuters]", "Getty Images", "sign up", "Comments", "5 min read",
    "Reporting by", "(This story", "^ ", "↑ ", "Retrieved 3", "© 2019", "cookies", "ads info", "emailing list",
    "share on", "follow us", "donation", "AP PHOTO", "Watch", "video", "image", "caption", "more", "read", "the", ":",
    "/", "(", "ſubscribe", "İmage:", "additional", "contributed reporting to this report", "Other Tweets",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(FURNITURE_PIECES, st.text(max_size=6)), min_size=1, max_size=6).map(" ".join))
def test_a_line_searched_for_its_kinds_of_furniture_is_what_the_whole_search_finds(line):
    # Each kind of furniture is searched only where its words are; that must find what searching
    # the line for every kind finds (once the cheap word test lets the line through).
    from tally.capture import _FURNITURE, _FURNITURE_SEARCHES
    lowered = line.lower()
    by_kind = any(pattern.search(line) for needs, pattern in _FURNITURE_SEARCHES if any(t in lowered for t in needs))
    if not any(character in line for character in "\u017f\u212a\u0131\u0130"):  # those lines take the whole search
        assert by_kind == bool(_FURNITURE.search(line))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1000, max_value=2999), st.integers(min_value=0, max_value=19),
       st.integers(min_value=0, max_value=39))
def test_a_day_in_iso_shape_reads_as_dateutil_reads_it(year, month, day):
    # parse_day reads "2019-03-12" without dateutil; it must give dateutil's day, or its None.
    from dateutil import parser as date_parser

    from tally.capture import parse_day
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        expected = date_parser.parse(text, fuzzy=False).date()
    except (ValueError, OverflowError):
        expected = None
    assert parse_day(text) == expected


QUALIFIER_PIECES = st.sampled_from([
    "more", "than", "more than", "up", "to", "up to", "as", "many", "as many as", "no", "fewer", "less", "just",
    "over", "well", "an", "estimated", "a", "further", "some", "about", "at", "least", "minimum", "just over",
    "just under", "under", "4,000", "hundreds", "", " ", "\t",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(QUALIFIER_PIECES, st.text(max_size=4)), max_size=6).map(" ".join))
def test_the_qualifier_of_an_expression_is_the_first_of_the_list_it_starts_with(text):
    # _qualifier_of looks up the words before each space; it must give what trying every
    # qualifier of the list (longest first) gives, on text as the reader lowers and spaces it.
    from tally.quantities import _QUALIFIERS, _qualifier_of
    lowered = " ".join(text.lower().split())
    assert _qualifier_of(lowered) == next((q for q in _QUALIFIERS if lowered.startswith(q + " ")), None)


CASELESS_PIECES = st.sampled_from([
    "killed", "KILLED", "Killing", "the", "at least", "left", "evacuation of", "spokesman", "Spokes", "Minister",
    "in total", "So far", "has risen", "fighters", "Strength", "remain", "3,000", "12", "\u0130", "\u0131", "\u017f",
    "\u212a", "K\u0131lled", "\u017fince", ",", ".", " ", "\u2014", "-",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(CASELESS_PIECES, st.text(max_size=4)), max_size=12).map(" ".join),
       st.integers(min_value=0, max_value=60))
def test_a_caseless_pattern_finds_what_the_case_insensitive_one_finds(text, pos):
    # The folded search must give the case-insensitive pattern's own match, groups and all,
    # odd-case characters included (those texts are searched as they are).
    from tally.attribution import _ROLE_WORDS
    from tally.categories import _OBJECT_VERBS, _STRENGTH_RIGHT
    from tally.dates import _TOTAL_WORDS
    for caseless in (_ROLE_WORDS, _OBJECT_VERBS, _STRENGTH_RIGHT, _TOTAL_WORDS):
        plain = re.compile(caseless.pattern, re.I)
        found, expected = caseless.search(text, pos), plain.search(text, pos)
        assert (found and (found.span(), found.groups())) == (expected and (expected.span(), expected.groups()))
        assert caseless.findall_folded(text) == [
            item.lower() if isinstance(item, str) else tuple(part.lower() for part in item)
            for item in plain.findall(text)]


def test_a_caseless_pattern_must_be_written_in_lower_case_without_inline_flags():
    from tally.sentences import CaselessPattern
    assert CaselessPattern(r"(?P<verb>said)\W+\d").search("He SAID: 30").group("verb") == "SAID"
    for written in (r"[A-Z]\w+ said", r"(?i:said)", r"(?-i:Said)"):
        try:
            CaselessPattern(written)
        except ValueError as error:
            assert "lower case" in str(error)
        else:
            raise AssertionError(f"{written!r} was taken")


TRIGGER_PIECES = st.sampled_from([
    "killed", "Killed", "were killed", "died", "fled", "left Baghuz", "left the", "have left", "left.", "still inside",
    "remain", "surrendered", "gave themselves up", "evacuated", "out of", "wounded", "at large", "-", "'", "’", "_",
    "3,000", "people", ",", ".", " ", "\n", "(", ")", "\u0130", "\u0131",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(TRIGGER_PIECES, st.text(max_size=4)), max_size=12).map(lambda pieces: "".join(pieces)))
def test_the_trigger_search_tried_only_at_word_starts_finds_what_the_plain_search_finds(text):
    # _TRIGGER is tried only where a word starts (every trigger begins with a letter); it must
    # find what the same alternation after a plain word boundary finds.
    from tally.categories import _TRIGGER, _TRIGGER_FOLDED, _TRIGGERS, _branch
    assert all(re.match(r"(?:\(\?:)*\w", _branch(pattern)) for patterns in _TRIGGERS.values() for pattern in patterns)
    alternation = "|".join(f"(?P<{category}>" + "|".join(_branch(pattern) for pattern in patterns) + ")"
                           for category, patterns in _TRIGGERS.items())
    for pattern in (_TRIGGER, _TRIGGER_FOLDED):
        plain = re.compile(rf"\b(?:{alternation})", pattern.flags)
        assert [(m.lastgroup, m.span()) for m in pattern.finditer(text)] == \
            [(m.lastgroup, m.span()) for m in plain.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="()a ,", max_size=30))
def test_a_position_inside_brackets_is_what_counting_them_gives(value):
    # _inside_brackets keeps the depth only where it changes; it must agree with counting the
    # brackets character by character (a stray ")" closes none).
    from tally.infobox import _inside_brackets
    inside = _inside_brackets(value)
    depth = 0
    for position, character in enumerate(value):
        depth += character == "("
        depth -= character == ")" and depth > 0
        assert inside(position) == (depth > 0)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["UN", "Says", "says", "the", "The", "of", "300", "Fled", "fled", "a", "İ", "ı", "-",
                                 "Town", "town", "“Quote”", "and"]), max_size=14).map(" ".join))
def test_title_case_stopping_early_is_what_counting_every_word_gives(text):
    # in_title_case stops at the first lower-case word too many; it must agree with counting them all.
    from tally.sentences import _SMALL_WORDS, in_title_case
    words = [word for word in text.split() if word[:1].isalpha() and word.lower() not in _SMALL_WORDS]
    assert in_title_case(text) == (len(words) >= 3 and sum(word[:1].islower() for word in words) <= len(words) // 5)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(PIECES, st.sampled_from(["-", "'", "12", "2019", "2019-03-12", "last week", "the day before",
                                                    "in early March", "since the offensive began on 4 March"]),
                          st.text(max_size=4)), max_size=14).map("".join))
def test_the_time_search_tried_only_at_word_starts_finds_what_the_plain_search_finds(text):
    # The time-expression pattern is tried only where a word starts (every kind begins with a
    # letter or digit); it must find what the same alternation after a plain word boundary finds.
    from tally.dates import _KINDS, _pattern_for
    from tally.sentences import fold_case
    kinds = tuple(range(len(_KINDS)))
    plain = re.compile(r"\b(?:" + "|".join(f"(?P<k{i}>{_KINDS[i].pattern})" for i in kinds) + ")")
    folded = fold_case(text)
    assert [(m.lastgroup, m.span()) for m in _pattern_for(kinds).finditer(folded)] == \
        [(m.lastgroup, m.span()) for m in plain.finditer(folded)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["which", "that", "and that", "said", "The", "UN", "SDF.", "U.S.", " ", "  ", ",", ";",
                                 ":", "“", "(OCHA)", "(", " - ", " -- ", "-", ".", "x.", "as", "while", "\u0130", "who"]),
                max_size=16).map("".join))
def test_a_clause_start_searched_after_the_last_punctuation_is_what_the_whole_search_finds(window):
    # _clause_start looks for clause words only after the last clause punctuation; it must give
    # what searching the whole window for both gives.
    from tally.attribution import _CLAUSE_PUNCTUATION, _CLAUSE_WORD, _clause_start
    from tally.sentences import fold_case
    ends = [m.end() for m in _CLAUSE_PUNCTUATION.finditer(window)] + [
        m.end() for m in _CLAUSE_WORD.finditer(fold_case(window))]
    assert _clause_start(window) == max(ends, default=0)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["|", " ", ",", ", ", ";", "a", "12", "•", "-", "---", "dozens", "ſome", "SOME", "\n",
                                 "more than", "~5"]), max_size=12).map("".join))
def test_the_item_cut_written_to_start_with_a_character_finds_what_the_plain_cut_finds(value):
    # _ITEM_CUT writes "a pipe at the start or the end" as a pipe first, so that the engine can skip
    # to the characters a cut starts with; it must cut where the plain anchored branches cut.
    from tally.infobox import _ITEM_CUT
    plain = re.compile(
        r",\s+(?=[~>]?\d|(?:dozens|hundreds|thousands|several|some|about|around|over|more\s+than|at\s+least)\b)"
        r"|;|\s\|\s?|^\||\|$|•|-{3,}", re.I)
    assert [m.span() for m in _ITEM_CUT.finditer(value)] == [m.span() for m in plain.finditer(value)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=4, max_size=4),
       st.lists(st.booleans(), min_size=4, max_size=4), st.sampled_from(["UN", "Στρατός", "İdlib", "A"]))
def test_a_headline_repeated_with_other_spaces_and_case_is_read_as_the_headline(spaces, upper, first):
    # headlines() compares a line's first word before its whole words: a repeat of the headline
    # with other spaces and case must still be read, its figure found.
    words = [first, "says", "300", "fled"]
    title = " ".join(words)
    repeat = "".join(space + (word.upper() if up else word.lower()) for space, word, up in zip(spaces, words, upper))
    text = f"{repeat}\nBy A Reporter\n\nNothing here holds a count of anyone at all, as the report says.\n"
    document = {"source": "x.txt", "text": text, "body_start": text.index("Nothing"), "body_end": len(text),
                "published": pd.Timestamp("2019-03-05").date(), "outlet": None, "site": None, "title": title,
                "url": None}
    rows = [row for row in figures_in_document(document) if row["paragraph"] == -1]
    assert [row["quantity_text"] for row in rows] == ["300"]

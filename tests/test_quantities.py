"""Reading quantity expressions: the figures spec's table, and cases number-word libraries get wrong."""

from __future__ import annotations

import pytest
from text_to_num import text2num

from tally.quantities import QUANTITY, NotAQuantity, quantity_spans, read_quantity
from tally.sentences import fold_case


@pytest.mark.parametrize(
    "words, low, high, best",
    [
        ("38", 38, 38, 38),
        ("three", 3, 3, 3),
        ("forty-six", 46, 46, 46),
        ("two hundred", 200, 200, 200),
        ("about 3,000", 3000, 3000, 3000),
        ("nearly 5,000", 5000, 5000, 5000),
        ("an estimated 20,000", 20000, 20000, 20000),
        ("more than 4,000", 4000, None, 4000),
        ("at least 12", 12, None, 12),
        ("up to 1,000", None, 1000, 1000),
        ("as many as 30,000", None, 30000, 30000),
        ("fewer than 50", None, 50, 50),
        ("4,000 to 5,000", 4000, 5000, 4500),
        ("as many as 4,000 to 5,000", 4000, 5000, 4500),
        ("200-300", 200, 300, 250),
        ("between 200 and 300", 200, 300, 250),
        ("several", 3, 9, 6),
        ("dozens", 24, 99, 61),
        ("scores", 40, 99, 69),
        ("hundreds", 200, 999, 599),
        ("several hundred", 300, 999, 649),
        ("thousands", 2000, 9999, 5999),
        ("several thousand", 3000, 9999, 6499),
        ("tens of thousands", 20000, 99999, 59999),
        ("hundreds of thousands", 200000, 999999, 599999),
        ("hundreds, or more", 200, None, 200),
        ("500 or more", 500, None, 500),
        ("3.500", 3500, 3500, 3500),
        ("2.5 million", 2500000, 2500000, 2500000),
        ("a dozen", 12, 12, 12),
        # infobox and headline forms
        ("20,000–30,000+", 20000, None, 20000),  # a range whose top carries + : at least the low end
        ("400[51]–13,000", 400, 13000, 6700),  # a reference mark inside a range
        ("300−500", 300, 500, 400),  # a minus sign as the dash
        ("~500", 500, 500, 500),
        (">25,000", 25000, None, 25000),
        ("nearly 22k", 22000, 22000, 22000),
    ],
)
def test_spec_table(words, low, high, best):
    quantity = read_quantity(words)
    assert (quantity.low, quantity.high, quantity.best) == (low, high, best)


def test_malformed_number_is_read_the_likely_way_and_flagged():
    quantity = read_quantity("20,00")
    assert (quantity.low, quantity.high) == (20000, 20000)
    assert "malformed_number" in quantity.flags


def test_bare_hundreds_is_vague_although_the_library_reads_one_hundred():
    assert text2num("hundreds", "en") == 100  # why vague words never reach the library
    assert (read_quantity("hundreds").low, read_quantity("hundreds").high) == (200, 999)


def test_comma_thousands_are_one_number_not_two():
    assert [m.group() for m in QUANTITY.finditer("killed 1,200 people")] == ["1,200"]
    assert read_quantity("1,200").low == 1200


@pytest.mark.parametrize("words", ["2012-13", "2014 to 2019", "1998-2003"])
def test_year_spans_are_not_ranges(words):
    with pytest.raises(NotAQuantity):
        read_quantity(words)


def test_numbers_inside_names_and_codes_are_not_found():
    text = "UNITED24 and F-16 jets, COVID-19, a 24/7 watch and #Baghouz"
    assert [m.group() for m in QUANTITY.finditer(text)] == []


@pytest.mark.parametrize("text", [
    "More than 4,000 militants and About 200 Civilians; AS MANY AS 5,000 TO 6,000 FIGHTERS",
    "İstanbul said Hundreds fled, then Dozens more — a further Three Hundred",
])
def test_quantity_spans_in_folded_text_equal_the_case_insensitive_pattern(text):
    # quantity_spans searches a lower-cased copy with a case-sensitive pattern (faster);
    # it must find what QUANTITY finds with IGNORECASE, at the same offsets.
    assert quantity_spans(text) == [m.span() for m in QUANTITY.finditer(text)]
    assert quantity_spans(text)


def test_folding_case_keeps_every_offset():
    text = "İDLİB: About 300 Fled"  # 'İ'.lower() is two characters
    folded = fold_case(text)
    assert len(folded) == len(text) and folded.endswith("about 300 fled")


@pytest.mark.parametrize(
    "words, low, high",
    [
        ("10 000", 10000, 10000),
        ("12\u00a0000", 12000, 12000),  # a no-break space between the groups
        ("some 4 000 to 5 000", 4000, 5000),
        ("two dozen", 24, 24),
        ("three dozen", 36, 36),
    ],
)
def test_spaced_thousands_and_dozens(words, low, high):
    quantity = read_quantity(words)
    assert (quantity.low, quantity.high) == (low, high)


def test_a_day_then_a_number_is_not_one_spaced_number():
    assert [m.group() for m in QUANTITY.finditer("On March 5 300 people left.")] == ["5", "300"]  # not "5 300"


def test_an_alternative_after_or_is_not_joined_to_a_range_that_follows():
    text = "15,000 or 40,000–60,000"
    assert [text[a:b] for a, b in quantity_spans(text)] == ["15,000", "40,000–60,000"]


def test_every_worded_amount_passes_the_cheap_number_test():
    """might_hold_a_number must not skip a sentence whose only amount is a word ("a pair", "scores")."""
    from tally.quantities import ARTICLE_AMOUNTS, VAGUE_BOUNDS, might_hold_a_number

    for phrase in (*VAGUE_BOUNDS, *ARTICLE_AMOUNTS):
        assert might_hold_a_number(f"They counted {phrase} of them."), phrase

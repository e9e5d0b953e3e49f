"""Stage 2: figures from text, on sentences written for these tests in the styles tally meets:
wire copy, tweets quoted in articles, encyclopedia-style timelines, features."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tally.figures import FIGURES, extract_figures, figures_in_document

PUBLISHED = pd.Timestamp("2019-03-14")  # a Thursday


def figures_of(text: str, published=PUBLISHED, outlet: str | None = "Example Daily") -> list[dict]:
    document = {"source": "test.txt", "text": text, "body_start": 0, "body_end": len(text), "published": published,
                "outlet": outlet, "site": None, "title": None, "url": None}
    return [row for row in figures_in_document(document) if row["category"] != "other"]


def only(text: str, **kwargs) -> dict:
    rows = figures_of(text, **kwargs)
    assert len(rows) == 1, [r["quantity_text"] for r in rows]
    return rows[0]


@pytest.mark.parametrize(
    "text, category, low, high",
    [
        ("About 3,000 people poured out of the enclave.", "evacuated", 3000, 3000),
        ("Thousands of civilians streamed out of the town.", "evacuated", 2000, 9999),
        ("Some 400 residents fled the village.", "evacuated", 400, 400),
        ("Two hundred civilians were evacuated from the old city.", "evacuated", 200, 200),
        ("Forty-six fighters surrendered to government forces.", "surrendered", 46, 46),
        ("More than 150 militants gave themselves up.", "surrendered", 150, None),
        ("The strike killed 8 people.", "killed", 8, 8),
        ("The death toll rose to 45.", "killed", 45, 45),
        ("At least 30 people were injured.", "wounded", 30, None),
        ("Rescuers freed 15 hostages.", "rescued", 15, 15),
        ("Up to 2,000 fighters are refusing to surrender.", "remaining", None, 2000),
        ("There are nearly 5,000 people still inside.", "remaining", 5000, 5000),
        ("The group still has tens of thousands of fighters.", "strength", 20000, 99999),
        ("Between 200 and 300 militants remain holed up in the enclave.", "remaining", 200, 300),
        ("Several hundred families left the camp.", "evacuated", 300, 999),
        ("Dozens of fighters surrendered.", "surrendered", 24, 99),
    ],
)
def test_category_and_bounds(text, category, low, high):
    row = only(text)
    assert (row["category"], row["low"], row["high"]) == (category, low, high)


def test_two_figures_in_one_sentence_share_the_group():
    killed, wounded = figures_of("At least 12 civilians were killed and 30 wounded in air strikes on the town.")
    assert (killed["category"], killed["low"], killed["high"]) == ("killed", 12, None)
    assert (wounded["category"], wounded["low"], wounded["group"]) == ("wounded", 30, "civilians")


def test_a_part_of_a_figure_keeps_its_category():
    hostages, children = figures_of("Rescuers freed 15 hostages, including four children, late Saturday.")
    assert children["category"] == "rescued" and children["low"] == 4
    assert hostages["date"] == date(2019, 3, 9)


def test_noun_in_the_previous_sentence():
    row = only("He spoke about the number of foreign fighters. There could be more than 1,000.")
    assert (row["category"], row["low"], row["group"]) == ("remaining", 1000, "fighters")


@pytest.mark.parametrize(
    "text",
    [
        "The United States keeps 5,000 troops in Iraq.",
        "Coalition jets carried out 20 airstrikes on the town.",
        "The tunnels run for more than two kilometers.",
        "The caliphate once covered a third of Syria.",
        "The fighting began in 2014 and peaked in 2017.",
        "Aid worth $20 million arrived on March 3.",
        "The group fired two rockets at the base.",
        "A few fighters and many civilians remained.",
    ],
)
def test_things_that_are_not_figures(text):
    assert figures_of(text) == []


def test_wire_copy_dateline_names_the_cited_agency():
    row = only("BEIRUT (Reuters) - At least 12 civilians were killed on Wednesday, a war monitor said.")
    assert row["cited_outlet"] == "Reuters"
    assert row["attribution"] == "war monitor"
    assert row["date"] == date(2019, 3, 13)


def test_tweet_quoted_in_an_article():
    text = ("“#BREAKING: 3.500 civilians evacuated from #Baghouz today,” SDF spokesman Mustafa Bali tweeted. "
            "He later said 120 fighters had surrendered.")
    evacuated, surrendered = figures_of(text)
    assert (evacuated["category"], evacuated["low"], evacuated["flags"]) == ("evacuated", 3500, "dot_thousands")
    assert evacuated["attribution"] == "Mustafa Bali"
    assert evacuated["date"] == date(2019, 3, 14)
    assert surrendered["attribution"] == "Mustafa Bali"


def test_timeline_entries_take_their_stated_dates():
    text = ("On 20 February 2019, around 2,000 people were evacuated from the enclave.\n\n"
            "On 1 March, the SDF said 3,000 fighters had surrendered.")
    evacuated, surrendered = figures_of(text)
    assert evacuated["date"] == date(2019, 2, 20)
    assert surrendered["date"] == date(2019, 3, 1)
    assert surrendered["attribution"] == "Syrian Democratic Forces (SDF)"


@pytest.mark.parametrize(
    "text, expected, basis_word",
    [
        ("On Monday, 46 families left the camp.", date(2019, 3, 11), "weekday"),
        ("Yesterday, 12 people were killed.", date(2019, 3, 13), "relative"),
        ("Over 500 people have fled in the past week.", date(2019, 3, 14), "period"),
        ("Last year, 300 people were killed.", None, "no day"),
        ("The strike killed 8 people.", None, "no date"),
        ("Some 1,000 fighters are still inside the town.", date(2019, 3, 14), "present"),
        ("Officials said on March 5, 2019 that 200 civilians were evacuated.", date(2019, 3, 5), "stated"),
        ("ON TUESDAY, 40 PEOPLE WERE RESCUED.", date(2019, 3, 12), "weekday"),  # searched case-folded
        ("Officials said on MARCH 5 that 200 civilians were evacuated.", date(2019, 3, 5), "stated"),
    ],
)
def test_dates(text, expected, basis_word):
    row = only(text)
    assert row["date"] == expected
    assert basis_word in row["date_basis"]


def test_speaker_named_in_the_sentence_before_and_cited_agency():
    text = ("Mustafa Bali, a spokesman for the SDF, told Reuters the assault had begun.\n\n"
            "The SDF spokesman told Reuters an estimated 20,00 people had left in recent weeks.")
    row = only(text)
    assert row["attribution"] == "Mustafa Bali"
    assert row["cited_outlet"] == "Reuters"
    assert (row["low"], row["flags"]) == (20000, "malformed_number")


def test_citing_one_agency_through_another():
    row = only("Citing the state-run Syrian Arab News Agency (SANA), the AP notes that a mine killed 20 people.")
    assert (row["attribution"], row["cited_outlet"]) == ("SANA", "AP")


def test_the_articles_own_outlet_is_a_speaker_not_a_cited_agency():
    row = only("Example Daily reported that thousands of jihadis remained active abroad.")
    assert row["attribution"] == "Example Daily" and row["cited_outlet"] is None


def test_offsets_point_at_the_words_and_the_table_checks():
    text = "Intro line that is prose enough to be a body line here.\n\nAbout 3,000 people poured out of the town."
    document = {"source": "a.txt", "text": text, "body_start": 0, "body_end": len(text), "published": PUBLISHED,
                "outlet": "X", "site": None, "title": "T", "url": None}
    figures = extract_figures(pd.DataFrame([document]))
    FIGURES.validate(figures)
    row = figures.iloc[0]
    assert text[row["start"] : row["end"]] == "About 3,000 people" == row["quantity_text"]
    assert row["sentence"] == "About 3,000 people poured out of the town."
    assert row["claim_id"]


def test_unknown_publication_date_leaves_weekdays_undated():
    row = only("On Monday, 46 families left the camp.", published=None)
    assert row["date"] is None


def test_time_patterns_are_written_in_lower_case():
    # They are searched in case-folded text without IGNORECASE: a capital would never match.
    import re

    from tally import dates

    for kind in dates._KINDS:
        assert not re.search(r"(?<![\\?])[A-Z]", kind.pattern.replace("(?P<", "")), kind.pattern


def test_one_of_a_group_is_a_person_not_a_count():
    assert figures_of("One of the women said her husband was killed.") == []


def test_a_dateline_is_not_part_of_the_speaker():
    row = only("BEIRUT (Reuters) - U.S.-backed forces said on Tuesday they had evacuated about 2,000 civilians.")
    assert (row["attribution"], row["cited_outlet"]) == ("U.S.-backed forces", "Reuters")


def test_a_dateline_with_a_day_names_the_cited_agency():
    row = only("DAMASCUS, March 5 (AP) — More than 500 militants surrendered overnight, a spokesman said.")
    assert row["cited_outlet"] == "AP"


def test_speaker_after_a_comma_without_a_quotation():
    killed, wounded = figures_of("Four SDF fighters were killed and 13 injured in the fighting, said the Observatory.")
    assert killed["attribution"] == wounded["attribution"] == "Observatory"
    assert only("Some 300 people fled, said Wednesday's report by the monitor.")["attribution"] is None


def test_we_inside_a_quotation_is_the_quotations_speaker():
    row = only("\"We estimate there are still 1,500 to 2,000 fighters inside,\" Adnan Afrin, an SDF commander, "
               "told reporters.")
    assert (row["category"], row["low"], row["high"]) == ("remaining", 1500, 2000)
    assert row["attribution"] == "Adnan Afrin"


def test_a_number_that_leaves_out_the_noun_and_verb_of_the_one_before():
    first, second = figures_of("Some 7,000 people left on Wednesday and another 2,500 on Thursday, the SDF said.")
    assert (first["category"], first["date"]) == ("evacuated", date(2019, 3, 13))
    assert (second["category"], second["group"], second["low"], second["date"]) == (
        "evacuated", "people", 2500, date(2019, 3, 14))
    assert figures_of("The strike killed 8 people and damaged 3 buildings.")[1:] == []


@pytest.mark.parametrize(
    "text, category",
    [
        ("The SDF said 3,000 jihadists had been captured, while 400 were killed.", "surrendered"),
        ("The group had lost 1,300 men in the battle.", "killed"),
        ("About 5,000 people left overnight.", "evacuated"),
        ("About 5,000 people left in the town are starving.", "remaining"),
        ("The fighting displaced 6,500 people, the UN said.", "evacuated"),
        ("At least 12 children starved to death in the camp.", "killed"),
        ("Five people were maimed by the blast.", "wounded"),
        ("IS could muster as many as 30,000 fighters across Iraq and Syria.", "strength"),
    ],
)
def test_more_ways_of_saying_what_happened(text, category):
    assert figures_of(text)[0]["category"] == category


@pytest.mark.parametrize(
    "text, date_text",
    [
        ("Since Jan 9, 34,000 people have left the pocket.", "Since Jan 9"),
        ("More than 60,000 people have streamed out since December.", "since December"),
        ("Some 1,300 fighters have been killed since the start of the offensive.", "since the start of the offensive"),
    ],
)
def test_since_a_day_is_a_period_ending_at_publication(text, date_text):
    row = only(text)
    assert (row["date"], row["date_text"], row["date_basis"]) == (date(2019, 3, 14), date_text,
                                                                  "period ending at publication")


def test_a_timelines_day_before_is_the_day_before_its_entry():
    text = ("20 February 2019 – Around 2,000 people are evacuated in trucks.\n"
            "1 March 2019 – Fighting resumes after some 3,000 militants surrendered the day before.")
    evacuated, surrendered = figures_of(text)
    assert evacuated["date"] == date(2019, 2, 20)
    assert (surrendered["date"], surrendered["date_text"]) == (date(2019, 2, 28), "the day before")


def test_a_tweet_with_a_handle_hashtags_and_an_abbreviation():
    text = ("The SDF's Mustafa Bali (@mustefabali) tweeted: \"Around 2,000 civilians, incl. 300 #ISIS fighters, "
            "were evacuated today from #Baghouz.\"")
    civilians, fighters = figures_of(text)
    assert (civilians["category"], civilians["low"], civilians["attribution"]) == ("evacuated", 2000, "Mustafa Bali")
    assert (fighters["category"], fighters["group"], fighters["low"]) == ("evacuated", "IS fighters", 300)
    assert fighters["date"] == date(2019, 3, 14)


def test_an_aside_between_dashes_does_not_end_the_clause():
    row = only("At least 3,000 ISIS militants — many of them foreigners — are still believed to be hiding in tunnels.")
    assert (row["category"], row["group"], row["low"], row["high"]) == ("remaining", "IS fighters", 3000, None)


@pytest.mark.parametrize(
    "text, category, low",
    [
        ("The number of people who have left the enclave since December has risen to 59,000, the IRC said.",
         "evacuated", 59000),
        ("Officials put the number of evacuees at 10,000.", "evacuated", 10000),
    ],
)
def test_a_number_given_as_the_value_of_a_count(text, category, low):
    row = only(text)
    assert (row["category"], row["low"]) == (category, low)


def test_the_speaker_before_an_aside_clause():
    row = only("An SDF commander, who asked not to be named, said about 1,500 fighters were still holed up.")
    assert (row["category"], row["attribution"]) == ("remaining", "Syrian Democratic Forces (SDF) commander")


def test_a_verbs_object_with_its_noun_left_out():
    killed, wounded = figures_of("IS fighters killed seven SDF fighters and wounded 15 in a counterattack.")
    assert (wounded["category"], wounded["group"], wounded["low"]) == ("wounded", "SDF fighters", 15)
    assert [r["quantity_text"] for r in figures_of("Some 20,000 people were evacuated over ten days.")] == [
        "Some 20,000 people"]


def test_a_verb_that_takes_the_next_number_does_not_say_what_happened_to_this_one():
    text = "SDF fighters detained about 200 suspected militants and freed 24 Yazidi captives."
    rows = figures_in_document({"source": "t", "text": text, "body_start": 0, "body_end": len(text),
                                "published": PUBLISHED, "outlet": None, "site": None, "title": None, "url": None})
    assert [(r["low"], r["category"]) for r in rows] == [(200, "other"), (24, "rescued")]


@pytest.mark.parametrize(
    "text, category",
    [
        ("The Red Cross said 4,000 people had arrived at al-Hol in the past 48 hours.", "evacuated"),
        ("Some 200 people, mostly women and children, were taken to safety.", "evacuated"),
    ],
)
def test_arriving_at_a_camp_or_being_taken_to_safety_is_evacuation(text, category):
    assert only(text)["category"] == category


def test_an_organisation_named_with_of_is_not_a_persons_name():
    row = only("The International Committee of the Red Cross said 4,000 people had arrived at the camp.")
    assert row["attribution"] == "International Committee of the Red Cross (ICRC)"


def test_more_wounded_after_a_toll():
    killed, wounded = figures_of("Around 10 people were killed and dozens more were wounded.")
    assert (wounded["category"], wounded["low"], wounded["high"]) == ("wounded", 24, 99)


def test_as_high_as_is_an_upper_bound():
    row = only("According to Bali, the number of fighters still inside could be as high as 2,000.")
    assert (row["category"], row["low"], row["high"], row["attribution"]) == ("remaining", None, 2000, "Bali")


def test_unknown_publication_date_leaves_a_day_without_a_year_undated():
    assert only("On March 1, 46 families left the camp.", published=None)["date"] is None
    assert only("On March 1, 2019, 46 families left the camp.", published=None)["date"] == date(2019, 3, 1)


def test_an_estimated_is_not_a_speaker():
    row = only("An estimated 20 SDF fighters have been killed since the offensive resumed on March 1, he said.")
    assert row["attribution"] is None  # no earlier speaker for "he"; not "An"
    assert (row["date"], row["date_basis"]) == (date(2019, 3, 14), "period ending at publication")


def test_an_encyclopedia_timeline_without_a_publication_date():
    text = ("By January 2019, the group held a small pocket. An estimated 20,000 civilians were in it.[3]\n"
            "On 9 February, the offensive began.[4] By 12 February, around 20,000 civilians had been evacuated, "
            "according to the SDF.[5]\n"
            "On 20 February, some 50 trucks carrying women and children left the village.[6] The next day, the SDF "
            "said that between 200 and 300 fighters remained inside.[7]")
    evacuated, trucks, remaining = figures_of(text, published=None)
    assert (evacuated["date"], evacuated["attribution"]) == (date(2019, 2, 12), "Syrian Democratic Forces (SDF)")
    assert (trucks["date"], trucks["unit"], trucks["attribution"]) == (date(2019, 2, 20), "trucks", None)
    assert (remaining["date"], remaining["date_text"], remaining["low"]) == (date(2019, 2, 21), "The next day", 200)
    assert all(row["quantity_text"] not in ("3", "4", "5", "6", "7") for row in figures_of(text, published=None))


def test_a_trigger_in_the_present_perfect_dates_the_figure_at_publication():
    row = only("Hundreds of people, mainly women and children, have left the last enclave.")
    assert (row["date"], row["date_basis"]) == (date(2019, 3, 14), "present perfect: up to publication")


def test_its_fighters_belong_to_the_organisation_named_before():
    row = only("According to the SDF, 11 of its fighters were killed in the final week.")
    assert (row["group"], row["category"]) == ("SDF fighters", "killed")
    assert only("The SDF said 300 militants and their wives surrendered.")["group"] == "fighters"


@pytest.mark.parametrize(
    "text, attribution, cited_outlet",
    [
        ("Some 2,000 people were evacuated on Tuesday, according to an AFP correspondent.", "AFP correspondent",
         "AFP"),
        ("\"More than 3,000 terrorists surrendered,\" he told the BBC.", None, "BBC"),
    ],
)
def test_an_agencys_own_staff_or_an_unnamed_speaker_still_cite_the_agency(text, attribution, cited_outlet):
    row = only(text)
    assert (row["attribution"], row["cited_outlet"]) == (attribution, cited_outlet)


def test_handing_themselves_over_is_surrender():
    assert only("Kurdistan 24 reported that nearly 200 IS fighters had handed themselves over.")["category"] == (
        "surrendered")


def test_a_part_named_in_a_comma_aside_keeps_its_own_verb():
    text = ("More than 260 Ukrainian fighters, including 53 who were badly wounded, were evacuated from the "
            "steelworks on Monday, the military said.")
    evacuated, wounded = figures_of(text, published=pd.Timestamp("2022-05-20"))
    assert (evacuated["category"], evacuated["low"], evacuated["high"]) == ("evacuated", 260, None)
    assert (wounded["category"], wounded["group"], wounded["low"]) == ("wounded", "Ukrainian fighters", 53)
    assert evacuated["date"] == wounded["date"] == date(2022, 5, 16)


def test_since_a_weekday_is_a_period_ending_at_publication():
    row = only("The ministry said 1,730 soldiers had surrendered since Monday.")
    assert (row["date"], row["date_text"]) == (date(2019, 3, 14), "since Monday")


def test_a_further_number_in_the_next_sentence_counts_the_same_people():
    first, further = figures_of("Roughly 500 people emerged from the enclave on Friday. A further 300 followed on "
                                "Saturday.")
    assert (further["category"], further["group"], further["low"], further["date"]) == (
        "evacuated", "people", 300, date(2019, 3, 9))
    assert figures_of("Coalition jets struck 20 targets. Another 5 were hit.") == []


def test_an_embedded_tweet_is_its_authors_and_dated_by_its_sign_off():
    text = ("SDF spokesman Mustafa Bali posted on Twitter:\n"
            "Around 3,000 terrorists surrendered to our forces in #Baghouz today. pic.twitter.com/x1y2z3\n"
            "— Mustafa Bali (@mustefabali) March 5, 2019\n"
            "The Observatory said thousands more people had left.")
    tweet, observatory = figures_of(text, published=pd.Timestamp("2019-03-06"))
    assert (tweet["category"], tweet["attribution"], tweet["date"]) == ("surrendered", "Mustafa Bali", date(2019, 3, 5))
    assert (observatory["group"], observatory["attribution"]) == ("people", "Observatory")


def test_the_paragraph_after_a_colon_is_the_speakers():
    text = "Mustafa Bali, the SDF spokesman, wrote:\nSome 500 fighters have surrendered since the morning."
    assert only(text)["attribution"] == "Mustafa Bali"


def test_a_time_in_the_figures_own_clause_wins_over_a_nearer_one_across_and():
    first, second = figures_of("Nearly 400 people were evacuated by bus on Sunday, and 120 were evacuated Monday.")
    assert (first["date"], second["date"]) == (date(2019, 3, 10), date(2019, 3, 11))


def test_a_verb_in_the_present_perfect_before_the_number_dates_it_at_publication():
    row = only("The fighting has displaced more than 7,000 families.")
    assert (row["category"], row["date"]) == ("evacuated", date(2019, 3, 14))


def test_a_quotation_that_goes_on_into_the_next_paragraph_keeps_its_speaker():
    text = ("Mustafa Bali, a spokesman for the SDF, said the final push had been delayed.\n"
            "\u201cWe have been surprised,\u201d he said. \u201cMore than 5,000 came out yesterday alone.\n"
            "\u201cWe think there are still about 1,000 fighters inside.\u201d")
    came_out, inside = figures_of(text)
    assert (came_out["category"], came_out["low"], came_out["attribution"]) == ("evacuated", 5000, "Mustafa Bali")
    assert (inside["category"], inside["attribution"]) == ("remaining", "Mustafa Bali")


def test_a_name_set_off_by_commas_after_a_role_is_the_speaker():
    assert only("Its spokesman, Andrej Mahecic, said 62 people had died on the way.")["attribution"] == (
        "Andrej Mahecic")


def test_a_further_number_doing_something_else_is_not_more_of_the_same():
    rows = figures_of("The agency said 62 people had died on the way. Later it added that a further 120 were being "
                      "treated for malnutrition.")
    assert [row["low"] for row in rows] == [62]


def test_the_speaker_of_a_relative_clause_is_what_it_refers_to():
    assert only("The SDF, which said 20,000 people had left, paused its advance.")["attribution"] == "Syrian Democratic Forces (SDF)"


def test_a_relative_day_inside_a_quotation_counts_from_the_day_it_was_given():
    row = only("\u201cWe evacuated 2,000 people yesterday,\u201d Bali told AFP on Tuesday.")
    assert (row["date"], row["date_text"], row["cited_outlet"]) == (date(2019, 3, 11), "yesterday", "AFP")


def test_a_timeline_entrys_periods_end_on_its_day():
    text = ("\u2022 9 February: The SDF launches its final offensive. Around 20,000 civilians have left since December.\n"
            "\u2022 20 February: 50 trucks carrying some 2,000 people leave the enclave.")
    since, trucks = figures_of(text, published=pd.Timestamp("2019-03-25"))
    assert (since["date"], since["date_text"]) == (date(2019, 2, 9), "since December")
    assert since["date_basis"] == "period ending at the timeline entry's day"
    assert (trucks["category"], trucks["low"], trucks["date"]) == ("evacuated", 2000, date(2019, 2, 20))


def test_it_said_with_no_body_named_before_reads_the_figure_without_a_speaker():
    # This used to raise KeyError, and the whole article was skipped as a problem.
    row = only("It said 300 people fled.")
    assert (row["category"], row["attribution"]) == ("evacuated", None)


@pytest.mark.parametrize(
    "text, attribution, cited_outlet",
    [
        ("According to figures from the UN, 60,000 people have fled.", "United Nations (UN)", None),
        ("According to the latest UN figures, 60,000 people have fled.", "United Nations (UN)", None),
        ("UN figures show that 60,000 people have fled.", "United Nations (UN)", None),
        # an agency that is the source quoted is the speaker as well as the cited outlet
        ("Some 500 fighters surrendered, according to a tally by AFP.", "AFP", "AFP"),
        ("According to Kurdish officials speaking on condition of anonymity, 500 fighters surrendered.",
         "Kurdish officials", None),
    ],
)
def test_what_a_body_published_is_quoted_as_the_body(text, attribution, cited_outlet):
    row = only(text)
    assert (row["attribution"], row["cited_outlet"]) == (attribution, cited_outlet)


@pytest.mark.parametrize(
    "text, category",
    [
        ("If 1,000 fighters surrender, the battle will end.", "other"),
        ("Unless the remaining 2,000 fighters surrender, the assault will resume.", "remaining"),
        ("The evacuation of the last 500 civilians is expected to take two days.", "remaining"),
        ("The remaining 2,000 fighters surrendered on Sunday.", "surrendered"),
    ],
)
def test_what_may_happen_is_not_what_happened_and_the_remaining_are_still_there(text, category):
    rows = figures_in_document({"source": "t", "text": text, "body_start": 0, "body_end": len(text),
                                "published": PUBLISHED, "outlet": None, "site": None, "title": None, "url": None})
    assert [row["category"] for row in rows] == [category]


def test_a_number_along_with_another_shares_what_happened_to_it():
    civilians, militants = figures_of("Some 1,000 civilians remained trapped in the village, along with between "
                                      "500 and 600 militants.")
    assert (militants["category"], militants["low"], militants["high"]) == ("remaining", 500, 600)
    assert civilians["category"] == "remaining"


def test_a_period_that_runs_to_a_stated_day_is_dated_that_day():
    row = only("By 3 March, the SDF said more than 10,000 people had left since the start of the evacuations.")
    assert (row["date"], row["date_basis"]) == (date(2019, 3, 3), "period ending at the day the sentence says it ran to")
    assert "since the start of the evacuations" in row["date_text"]


@pytest.mark.parametrize(
    "text, attribution",
    [
        ("The SDF said 300 fighters surrendered.", "Syrian Democratic Forces (SDF)"),
        ("The U.S.-backed Syrian Democratic Forces said 300 fighters surrendered.", "Syrian Democratic Forces (SDF)"),
        ("A spokesman for the Syrian Democratic Forces said 300 fighters surrendered.",
         "Syrian Democratic Forces (SDF) spokesman"),
        ("The UN refugee agency said 3,000 people fled.", "UN refugee agency (UNHCR)"),
        ("The Example Relief Society said 3,000 people fled.", "Example Relief Society"),
    ],
)
def test_a_well_known_body_has_one_label_however_it_is_named(text, attribution):
    assert only(text)["attribution"] == attribution


@pytest.mark.parametrize(
    "second",
    ["The Observatory said 12 more were wounded.", "The Britain-based monitor said 12 more were wounded.",
     "The war monitor said 12 more were wounded."],
)
def test_a_body_referred_back_to_is_the_body_quoted_before(second):
    first, more = figures_of("The Syrian Observatory for Human Rights said 40 people were killed. " + second)
    assert first["attribution"] == more["attribution"] == "Syrian Observatory for Human Rights (SOHR)"


def test_martyred_fighters_are_killed_and_when_a_statement_came_is_not_its_speaker():
    killed, wounded = figures_of('"Today, 2 of our fighters were martyred and 5 others were wounded," Bali tweeted.')
    assert (killed["category"], wounded["category"]) == ("killed", "wounded")
    row = only("According to a statement released by the SDF on Tuesday evening, the number of fighters killed "
               "since the start of the final battle had reached 1,306.")
    assert (row["attribution"], row["low"]) == ("Syrian Democratic Forces (SDF)", 1306)
    assert row["date_text"] == "since the start of the final battle"


def test_people_trucked_to_a_camp_were_evacuated():
    assert only("Around 29,000 people have been trucked to al-Hol since January.")["category"] == "evacuated"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Children under five accounted for most of the 60 deaths.", [("killed", "people", 60, 60)]),
        ("Of the 3,000 who surrendered, many were foreigners.", [("surrendered", "people", 3000, 3000)]),
        ("Thousands of fighters and family members\u2014as many as 7,000 people\u2014left on Wednesday.",
         [("evacuated", "fighters", 2000, 9999), ("evacuated", "people", None, 7000)]),
    ],
)
def test_deaths_who_did_it_and_numbers_in_a_dashed_aside(text, expected):
    assert [(r["category"], r["group"], r["low"], r["high"]) for r in figures_of(text)] == expected


def test_people_named_by_where_they_are_from():
    row = only("More than 5.6 million Syrians have fled the country since 2011.")
    assert (row["category"], row["group"], row["low"], row["high"]) == ("evacuated", "Syrians", 5_600_000, None)
    assert figures_of("The convoy of 12 Chinooks landed at the base.") == []


def test_a_tweet_embedded_as_a_card_is_its_authors_and_dated_when_posted():
    text = ("The Syrian Democratic Forces (SDF) said hundreds of fighters had surrendered over the past two days.\n"
            "Mustafa Bali\n@mustefabali\n"
            "Over 3000 terrorists surrendered to our forces today. Our operation continues.\n"
            "1,234\n5:30 PM - Mar 12, 2019\n567 people are talking about this\n")
    first, tweet = figures_of(text, published=pd.Timestamp("2019-03-13"))
    assert first["attribution"] == "Syrian Democratic Forces (SDF)"  # the bracket does not open a clause
    assert (tweet["attribution"], tweet["date"], tweet["low"]) == ("Mustafa Bali", date(2019, 3, 12), 3000)


def test_a_timelines_day_headings_date_the_paragraphs_under_them():
    text = ("A timeline of the siege, from February to March 2019.\nFebruary 2019\n9 February\n"
            "Around 1,500 fighters were believed to be inside the village.\n12\u201313 March\n"
            "Over 3,000 people surrendered over two days.\n"
            "The group said 11,000 of its fighters had been killed since 2014.\n")
    inside, surrendered, since = figures_of(text, published=None)
    assert (inside["date"], inside["date_basis"]) == (date(2019, 2, 9), "the day heading above the paragraph")
    assert surrendered["date"] == date(2019, 3, 13)
    assert (since["date"], since["date_text"]) == (date(2019, 3, 13), "since 2014")


def test_a_body_named_after_its_description_is_its_name():
    assert only("The Syrian state news agency SANA reported that 20 civilians were killed.")["attribution"] == "SANA"


def test_people_who_remain_at_a_clauses_end_are_still_there():
    row = only("Fighters are advancing on the village, where an estimated 5,000 militants and their families remain.")
    assert (row["category"], row["low"]) == ("remaining", 5000)


@pytest.mark.parametrize(
    "text, outlet",
    [
        ("Some 300 militants surrendered, Bali told the Kurdish news agency ANHA.", "Hawar News Agency"),
        ("Some 300 militants surrendered, Bali told the pan-Arab daily Asharq Al-Awsat.", "Asharq Al-Awsat"),
        ("Some 300 militants surrendered, Bali told reporters in the Omar oil field.", None),
    ],
)
def test_the_agency_told_may_come_after_its_description(text, outlet):
    assert only(text)["cited_outlet"] == outlet


def test_every_name_of_a_known_body_gets_the_same_label():
    from tally.attribution import known_body_label
    assert known_body_label("Doctors Without Borders") == known_body_label("MSF") == "Medecins Sans Frontieres (MSF)"
    assert known_body_label("the UN High Commissioner for Refugees") == known_body_label("UNHCR")


def test_periods_found_from_rows_are_those_found_from_a_table():
    # figures_frame finds the periods of rows it is given before building the table, and those of a
    # table (read from a file) column-wise: both must give the same periods and the same table.
    from tally.figures import BASIS_INFOBOX, figures_frame
    common = {"source": "a.txt", "group": "people", "unit": "people", "flags": "", "claim_id": "",
              "paragraph": 0, "outlet": "Example Daily", "published": pd.Timestamp("2019-03-12"),
              "category_text": "", "attribution": None, "cited_outlet": None, "site": None, "title": None,
              "url": None}
    rows = [
        {**common, "start": 0, "end": 3, "quantity_text": "300", "category": "killed", "low": 300, "high": 300,
         "best": 300, "date": date(2019, 3, 10), "date_text": "since Sunday", "date_basis": "stated date",
         "sentence": "A total of 300 have been killed since Sunday."},
        {**common, "start": 10, "end": 15, "quantity_text": "5,000", "category": "remaining", "low": 5000,
         "high": 5000, "best": 5000, "date": None, "date_text": "", "date_basis": "no date stated",
         "sentence": "About 5,000 remain inside."},
        {**common, "start": 20, "end": 22, "quantity_text": "40", "category": "killed", "low": 40, "high": 40,
         "best": 40, "date": None, "date_text": "", "date_basis": BASIS_INFOBOX, "sentence": "40 killed",
         "paragraph": -1, "published": pd.NaT},
        {**common, "start": 30, "end": 32, "quantity_text": "12", "category": "wounded", "low": 12, "high": 12,
         "best": 12, "date": date(2019, 3, 11), "date_text": "Monday", "date_basis": "weekday before publication",
         "sentence": "12 were wounded on Monday.", "period": "day", "period_start": None},
    ]
    from_rows, from_table = figures_frame(rows), figures_frame(pd.DataFrame(rows))
    assert from_rows["period"].tolist() == ["total", "current", "total", "day"]
    assert from_rows["period_start"].iloc[0] == pd.Timestamp("2019-03-10")
    pd.testing.assert_frame_equal(from_rows, from_table)

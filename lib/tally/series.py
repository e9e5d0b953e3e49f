"""What may be joined by a line, and what may be compared: kinds of group and series.

A chart's line, a reconciled row and a disagreement compare figures only when they
count the same thing: one category, one *kind of group* (civilians, fighters of one
side, or people in general) and one *kind of period* (running totals, or levels such
as "still inside"). A line also belongs to one outlet. This module names those kinds
and finds, in a figures table, the points a line may join:

- only figures of a series period (a running total or a level), with a day, whose
  number was reported as such (an exact figure or the bound of an open one: never a
  range's midpoint or a vague word's middle);
- one point per outlet, series and day: the highest figure that outlet reported that
  day (a running total only grows; several figures of one day stay points of their own);
- a running total that falls to less than half of the outlet's previous one starts a
  new line, and the figure is flagged for review (`DROP_NOTE`); so does a figure more
  than `MAX_GAP_DAYS` after the one before (another story, not an update), unflagged.
"""

from __future__ import annotations

import re

import pandas as pd

from tally import dates

PEOPLE = "people"
CIVILIANS = "civilians"
FIGHTERS = "fighters"
SERIES_PERIODS = (dates.PERIOD_TOTAL, dates.PERIOD_CURRENT)
DROP_RATIO = 0.5  # a running total below half the one before is not the same series
DROP_NOTE = "running total fell by more than half"
MAX_GAP_DAYS = 60  # an outlet's updates of one series come days or weeks apart: beyond this, a new line
_FIGHTER_WORDS = frozenset("""fighter fighters troop troops soldier soldiers militant militants servicemen serviceman
    servicemembers mercenaries mercenary paramilitaries paramilitary combatants combatant insurgents insurgent
    jihadists jihadist rebels rebel army forces force militia militiamen gunmen guerrillas marines
    personnel followers members""".split())
_CIVILIAN_WORDS = frozenset("""civilian civilians residents resident children child women woman refugees refugee
    evacuees evacuee inhabitants villagers patients passengers displaced families elderly""".split())
_NOT_A_SIDE = frozenset("""remaining combat-oriented combat innocent local other more of and the their its some all
    security foreign wounded dead""".split())
_WORD = re.compile(r"[\w.'’-]+")


def group_kind(group: str) -> str:
    """The kind of group a figure counts: 'civilians', 'fighters (IS)', 'fighters', or 'people'.

    Fighters are told apart by side, from the words before (or after "of") the noun:
    'IS fighters' -> 'fighters (IS)', 'servicemen of KPF' -> 'fighters (KPF)'. A group that
    mixes civilians and fighters, or names neither, is 'people'.
    """
    words = _WORD.findall(group or "")
    lowered = [word.lower() for word in words]
    fighter = [i for i, word in enumerate(lowered) if word in _FIGHTER_WORDS]
    civilian = any(word in _CIVILIAN_WORDS for word in lowered)
    if fighter and not civilian:
        noun = fighter[-1]
        side_words = words[:fighter[0]]
        if "of" in lowered[noun:]:
            side_words = words[lowered.index("of", noun) + 1:]
        side = " ".join(w for w in side_words if w.lower() not in _NOT_A_SIDE and (w[0].isupper() or "-" in w
                                                                                 or w.isupper()))
        return f"{FIGHTERS} ({side})" if side else FIGHTERS
    if civilian and not fighter:
        return CIVILIANS
    return PEOPLE


def group_kinds(groups: pd.Series) -> pd.Series:
    """`group_kind` of every group (each distinct group read once)."""
    distinct = {group: group_kind(group) for group in groups.dropna().unique()}
    return groups.map(distinct).fillna(PEOPLE)


def series_points(figures: pd.DataFrame, value: str = "best", reported: pd.Series | None = None) -> pd.DataFrame:
    """Per figure (same index), where it stands in its outlet's series: `series` (a key naming
    outlet, category, kind of group and kind of period; empty when the figure is in none), `on_line`
    (it is the point the line passes through that day), `segment` (lines break where a running
    total falls by more than half) and `note` (`DROP_NOTE` and the value before, else empty).

    `value` is the column holding each figure's reported number (a chart's rows may name another);
    `reported` says which rows' numbers were reported as such (by default: all but ranges and
    vague figures, read from `low`, `high` and `flags`).
    """
    result = pd.DataFrame({"series": "", "on_line": False, "segment": 0, "note": ""}, index=figures.index)
    if figures.empty:
        return result
    if reported is None:
        bounds = figures[["low", "high"]].astype("Float64")
        closed_range = bounds["low"].notna() & bounds["high"].notna() & (bounds["low"] != bounds["high"])
        reported = ~closed_range & ~figures["flags"].fillna("").str.contains(r"\bvague\b")
    days = pd.to_datetime(figures["date"]) if "date" in figures else pd.to_datetime(figures["day"])
    numbers = figures[value].astype("Float64")
    candidate = (figures["period"].isin(SERIES_PERIODS) & days.notna() & numbers.notna() & reported)
    if not candidate.any():
        return result
    kinds = figures.get("group_kind")
    kinds = kinds if kinds is not None else group_kinds(figures["group"])
    keys = (figures["outlet"].fillna("unknown outlet").astype(str) + " · " + figures["category"].astype(str)
            + " · " + kinds.astype(str) + " · " + figures["period"].astype(str))
    result.loc[candidate, "series"] = keys[candidate]
    chosen = pd.DataFrame({"key": keys[candidate], "day": days[candidate], "value": numbers[candidate].astype(float),
                           "period": figures.loc[candidate, "period"]})
    chosen = chosen.sort_values(["key", "day", "value"], ascending=[True, True, False], kind="stable")
    chosen = chosen[~chosen.duplicated(["key", "day"])]
    result.loc[chosen.index, "on_line"] = True
    for _, line in chosen.groupby("key", sort=False):
        segment, before, before_day = 0, None, None
        for index, number, period, day in zip(line.index, line["value"], line["period"], line["day"]):
            if before is not None and (day - before_day).days > MAX_GAP_DAYS:
                segment += 1
            elif before is not None and period == dates.PERIOD_TOTAL and number < DROP_RATIO * before:
                segment += 1
                result.loc[index, "note"] = f"{DROP_NOTE} (from {before:,.0f} on {before_day:%Y-%m-%d})"
            result.loc[index, "segment"] = segment
            before, before_day = number, day
    return result

"""Stage 3: figures -> claims.

A claim is one figure as the world reported it: the same number of the same
people, for the same kind of event, on compatible days, possibly printed by
several outlets. `link_claims` gives every figure its `claim_id`; `claims_table`
makes one row per claim (checked against `CLAIMS`), so that charts can count a
claim once and show who reported it.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pandera.pandas as pa

CLAIMS = pa.DataFrameSchema(
    {
        "claim_id": pa.Column(str, unique=True, description="identifier shared by the figures of one claim"),
        "category": pa.Column(str, description="what happened to the people"),
        "group": pa.Column(str, description="who they are, as the first report put it"),
        "low": pa.Column("Int64", nullable=True, description="lowest count"),
        "high": pa.Column("Int64", nullable=True, description="highest count"),
        "best": pa.Column("Int64", nullable=True, description="value to plot"),
        "date": pa.Column(pa.DateTime, nullable=True, description="the day the claim refers to, when any report dates it"),
        "first_published": pa.Column(pa.DateTime, nullable=True, description="when the claim was first printed"),
        "reports": pa.Column("Int64", pa.Check.ge(1), description="how many figures (rows) report it"),
        "sources": pa.Column("Int64", pa.Check.ge(1), description="how many sources report it"),
        "outlets": pa.Column(str, description="outlets that report it, ', '-separated"),
        "attributions": pa.Column(str, description="who is quoted for it, ', '-separated"),
    },
    strict=True,
    name="claims",
)
# The figures columns `claims_table` reads.
CLAIM_INPUT_COLUMNS = ("claim_id", "category", "group", "low", "high", "best", "date", "published", "source", "start",
                       "outlet", "attribution")
_GROUP_WORD = re.compile(r"[a-z]+")


def _group_words(group: str) -> frozenset[str]:
    words = {w.rstrip("s") for w in _GROUP_WORD.findall(group.lower())} - {"and", "their", "of", "the", "mostly", "all"}
    return frozenset(words)


def link_claims(figures: pd.DataFrame) -> pd.DataFrame:
    """Give each figure a claim_id: figures with the same category, unit and bounds, compatible
    dates (equal, or one undated) and overlapping group words share one."""
    return ClaimLinker().link(figures)


class ClaimLinker:
    """Links figures to claims one table at a time, so that a stream of chunks gets the same
    claim ids as the whole table would.

    A figure joins the claim of the first earlier figure with the same category,
    unit and bounds, a compatible date and a group word in common. Instead of
    scanning earlier figures, the linker keeps, per (bounds, date, word) and per
    (bounds, word), the first figure seen: memory grows with distinct claims, not
    with the text read.
    """

    def __init__(self) -> None:
        self._position = 0
        self._by_day: dict[tuple, tuple[int, str]] = {}  # (key, date or None, word) -> first (position, claim)
        self._any_day: dict[tuple, tuple[int, str]] = {}  # (key, word) -> first (position, claim)

    def link(self, figures: pd.DataFrame) -> pd.DataFrame:
        """A copy of `figures` with `claim_id` filled in, continuing from the tables linked before."""
        claim_ids = []
        columns = [figures[name].tolist() for name in ("category", "unit", "low", "high", "group", "date",
                                                        "source", "start")]
        for category, unit, low, high, group, date, source, start in zip(*columns):
            key = (category, unit, _bound(low), _bound(high))
            words = _group_words(group)
            date = None if pd.isna(date) else date
            if date is None:
                found = [self._any_day.get((key, word)) for word in words]
            else:
                found = [self._by_day.get((key, day, word)) for word in words for day in (date, None)]
            earlier = min((hit for hit in found if hit is not None), default=None)
            claim = earlier[1] if earlier else _claim_name(key, date, source, start)
            entry = (self._position, claim)
            for word in words:
                self._by_day.setdefault((key, date, word), entry)
                self._any_day.setdefault((key, word), entry)
            self._position += 1
            claim_ids.append(claim)
        linked = figures.copy()
        linked["claim_id"] = pd.Series(claim_ids, index=figures.index, dtype=object)
        return linked


def _bound(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _claim_name(key: tuple, date, source: str, start: int) -> str:
    category, unit, low, high = key
    amount = f"{low if low is not None else ''}-{high if high is not None else ''}"
    day = date.strftime("%Y-%m-%d") if date is not None else "undated"
    digest = hashlib.sha1(f"{source}:{start}".encode()).hexdigest()[:6]
    return f"{category}:{amount}:{day}:{digest}"


def claims_table(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per claim, with how many sources and which outlets report it."""
    if figures.empty:
        return CLAIMS.validate(pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in CLAIMS.columns}))
    ordered = figures.sort_values(["published", "source", "start"], na_position="last")
    grouped = ordered.groupby("claim_id", sort=False)
    table = pd.DataFrame({
        "claim_id": list(grouped.groups),
        "category": grouped["category"].first().values,
        "group": grouped["group"].first().values,
        "low": grouped["low"].first().values,
        "high": grouped["high"].first().values,
        "best": grouped["best"].first().values,
        "date": grouped["date"].min().values,
        "first_published": grouped["published"].min().values,
        "reports": grouped.size().values,
        "sources": grouped["source"].nunique().values,
    })
    for column, values in (("outlets", "outlet"), ("attributions", "attribution")):
        table[column] = _joined_per_claim(ordered, values, table["claim_id"])
    for column in ("low", "high", "best", "reports", "sources"):
        table[column] = table[column].astype("Int64")
    for column in ("date", "first_published"):
        table[column] = pd.to_datetime(table[column]).astype("datetime64[us]")
    return CLAIMS.validate(table)


def _joined_per_claim(ordered: pd.DataFrame, column: str, claim_ids: pd.Series) -> list[str]:
    """Per claim, the distinct non-empty values of `column` in order, ', '-joined.

    Most claims have one value: only those with several are joined in Python (a
    per-group function over a large archive's claims takes minutes)."""
    pairs = ordered[["claim_id", column]].dropna()
    pairs = pairs[pairs[column].astype(str) != ""].drop_duplicates()
    several = pairs["claim_id"].duplicated(keep=False)
    joined = dict(zip(pairs.loc[~several, "claim_id"], pairs.loc[~several, column].astype(str)))
    for claim, values in pairs[several].groupby("claim_id", sort=False)[column]:
        joined[claim] = ", ".join(str(value) for value in values)
    return [joined.get(claim, "") for claim in claim_ids]


def _dtype(column: str) -> str:
    if column in ("low", "high", "best", "reports", "sources"):
        return "Int64"
    if column in ("date", "first_published"):
        return "datetime64[us]"
    return "str"


def disagreements(figures: pd.DataFrame) -> pd.DataFrame:
    """Per category and day, what each outlet reported, where two or more outlets report that day.

    Rows are sorted with the widest disagreement first (highest best value over lowest).
    """
    dated = figures[figures["date"].notna() & figures["best"].notna()].copy()
    dated["outlet"] = dated["outlet"].fillna("unknown outlet")
    rows = []
    for (category, day), group in dated.groupby(["category", "date"], sort=True):
        if group["outlet"].nunique() < 2:
            continue
        reported = "; ".join(
            f"{outlet}: " + ", ".join(sorted(set(part["quantity_text"]), key=str.lower))
            for outlet, part in group.groupby("outlet", sort=True))
        lowest, highest = int(group["best"].min()), int(group["best"].max())
        rows.append({"category": category, "day": day.strftime("%Y-%m-%d"), "outlets": group["outlet"].nunique(),
                     "lowest": lowest, "highest": highest,
                     "spread": round(highest / lowest, 1) if lowest else None, "reported": reported})
    columns = ["category", "day", "outlets", "lowest", "highest", "spread", "reported"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["spread", "category"], ascending=[False, True], kind="stable").reset_index(drop=True)

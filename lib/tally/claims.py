"""Stage 3: figures -> claims.

A claim is one figure as the world reported it: the same number of the same
people, for the same kind of event, on compatible days, possibly printed by
several outlets. `link_claims` gives every figure its `claim_id`; `claims_table`
makes one row per claim (checked against `CLAIMS`), so that charts can count a
claim once and show who reported it.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

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
    (bounds, word), the first figure seen, in `index`: a dict by default, or an
    `ArchiveClaims` (a SQLite file) for an archive whose claims do not fit in memory.
    """

    def __init__(self, index: FirstSeenIndex | None = None) -> None:
        self.index: FirstSeenIndex = index if index is not None else MemoryIndex()

    def link(self, figures: pd.DataFrame) -> pd.DataFrame:
        """A copy of `figures` with `claim_id` filled in, continuing from the tables linked before."""
        columns = ([_plain_values(figures[name]) for name in ("category", "unit")]
                   + [[_bound(value) for value in figures[name].tolist()] for name in ("low", "high")]
                   + [_plain_values(figures[name]) for name in ("group", "source", "start")])
        rows = []
        for category, unit, low, high, group, source, start, day in zip(*columns, _iso_days(figures["date"])):
            key = (category, unit, low, high)
            amount = f"{category}\x1f{unit}\x1f{low}\x1f{high}"
            words = _sorted_group_words(group)
            # Where this figure looks for an earlier one, and where it is filed for later ones.
            anyday = [_slot("any", amount, word) for word in words]
            if day is None:
                looks = anyday
                files = [_slot("day", amount, "undated", word) for word in words] + anyday
            else:
                on_day = [_slot("day", amount, day, word) for word in words]
                looks = [slot for pair in zip(on_day, [_slot("day", amount, "undated", word) for word in words])
                         for slot in pair]
                files = on_day + anyday
            rows.append((key, day, source, start, looks, files))
        earlier = self.index.lookup({slot for row in rows for slot in row[4]})
        claim_ids, new_entries = [], {}
        position = self.index.size
        for key, day, source, start, looks, files in rows:
            first = None  # the earliest figure filed where this one looks
            for slot in looks:
                entry = new_entries.get(slot) or earlier.get(slot)
                if entry and (first is None or entry < first):
                    first = entry
            claim = first[1] if first else _claim_name(key, day, source, start)
            for slot in files:
                if slot not in earlier and slot not in new_entries:
                    new_entries[slot] = (position, claim)
            position += 1
            claim_ids.append(claim)
        self.index.add(new_entries, position)
        linked = figures.copy()
        linked["claim_id"] = pd.Series(claim_ids, index=figures.index, dtype=object)
        return linked


def _plain_values(values: pd.Series) -> list:
    """A column's values as Python objects, None for a missing one (pandas' NA, NaN or NaT)."""
    listed = values.tolist()
    if values.hasnans:
        return [None if pd.isna(value) else value for value in listed]
    return listed


@lru_cache(maxsize=1 << 12)  # a handful of groups ("people", "civilians") come back figure after figure
def _sorted_group_words(group: str) -> tuple[str, ...]:
    return tuple(sorted(_group_words(group)))


def _iso_days(values: pd.Series) -> list[str | None]:
    """Days as 'YYYY-MM-DD' text, None where there is none."""
    return [v if isinstance(v, str) else None for v in pd.to_datetime(values).dt.strftime("%Y-%m-%d")]


def _slot(*parts: str) -> int:
    """A stable 64-bit number for an index slot (same in every process and run). The parts are
    text already (days as ISO dates): the repr of a pandas Timestamp cost more than the hash."""
    return int.from_bytes(hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest(), "big", signed=True)


class FirstSeenIndex:
    """Where `ClaimLinker` keeps the first figure seen per slot: (position, claim_id)."""

    size: int  # figures linked so far

    def lookup(self, slots: set[int]) -> dict[int, tuple[int, str]]:
        raise NotImplementedError

    def add(self, entries: dict[int, tuple[int, str]], size: int) -> None:
        raise NotImplementedError


class MemoryIndex(FirstSeenIndex):
    """The index as a dict: for tables that fit in memory."""

    def __init__(self) -> None:
        self.size = 0
        self._first: dict[int, tuple[int, str]] = {}

    def lookup(self, slots: set[int]) -> dict[int, tuple[int, str]]:
        return {slot: self._first[slot] for slot in slots if slot in self._first}

    def add(self, entries: dict[int, tuple[int, str]], size: int) -> None:
        self._first.update(entries)
        self.size = size


class ArchiveClaims(FirstSeenIndex):
    """Claims of an archive, kept in a SQLite file so that memory stays flat however many there are.

    It is the linker's index and, as linked tables are `add_figures`-ed, the store
    `claims_batches` reads the claims table from (the same table as `claims_table` of
    all the figures, written in batches). The file is temporary unless a path is given.
    """

    _BATCH = 5_000  # rows per claims batch: larger batches cost memory (pandas, checks) for no speed

    def __init__(self, path: str | Path | None = None) -> None:
        import sqlite3

        self.size = 0
        self._db = sqlite3.connect("" if path is None else str(path))  # "": a temporary file SQLite deletes
        self._db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;
            DROP TABLE IF EXISTS first_seen; DROP TABLE IF EXISTS figures;
            CREATE TABLE first_seen (slot INTEGER PRIMARY KEY, position INTEGER, claim_id TEXT);
            CREATE TABLE figures (claim_id TEXT, category TEXT, grp TEXT, low INTEGER, high INTEGER,
                                  best INTEGER, date TEXT, published TEXT, source TEXT, start INTEGER,
                                  outlet TEXT, attribution TEXT);
        """)

    def lookup(self, slots: set[int]) -> dict[int, tuple[int, str]]:
        found: dict[int, tuple[int, str]] = {}
        ordered = list(slots)
        for index in range(0, len(ordered), 900):  # SQLite takes at most 999 parameters
            part = ordered[index:index + 900]
            query = f"SELECT slot, position, claim_id FROM first_seen WHERE slot IN ({','.join('?' * len(part))})"
            found.update((slot, (position, claim)) for slot, position, claim in self._db.execute(query, part))
        return found

    def add(self, entries: dict[int, tuple[int, str]], size: int) -> None:
        self._db.executemany("INSERT OR IGNORE INTO first_seen VALUES (?, ?, ?)",
                             ((slot, position, claim) for slot, (position, claim) in entries.items()))
        self.size = size

    def add_figures(self, figures: pd.DataFrame) -> None:
        """Keep what the claims table needs of a linked figures table."""
        def number(values: pd.Series) -> list[int | None]:
            return [None if v is None else int(v) for v in _plain_values(values)]

        def text(values: pd.Series) -> list[str | None]:
            return [v if isinstance(v, str) else None for v in values.tolist()]

        rows = zip(figures["claim_id"].tolist(), figures["category"].tolist(), figures["group"].tolist(),
                   number(figures["low"]), number(figures["high"]), number(figures["best"]),
                   _iso_days(figures["date"]), _iso_days(figures["published"]), figures["source"].tolist(),
                   number(figures["start"]),
                   text(figures["outlet"]), text(figures["attribution"]))
        self._db.executemany("INSERT INTO figures VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def claims_batches(self) -> Iterator[pd.DataFrame]:
        """The claims table, in batches, in the order `claims_table` gives (first report first)."""
        self._db.executescript("""
            DROP TABLE IF EXISTS ordered; DROP TABLE IF EXISTS claims;
            CREATE TEMP TABLE ordered AS SELECT *, ROW_NUMBER() OVER (
                ORDER BY published IS NULL, published, source, start) AS rank FROM figures;
            CREATE TEMP TABLE claims AS SELECT claim_id, MIN(rank) AS first_rank,
                MIN(CASE WHEN best IS NOT NULL THEN rank END) AS best_rank, MIN(date) AS date,
                MIN(published) AS first_published, COUNT(*) AS reports, COUNT(DISTINCT source) AS sources
                FROM ordered GROUP BY claim_id;
            CREATE INDEX temp.ordered_rank ON ordered(rank);
        """)
        claims = self._db.execute("""
            SELECT c.claim_id, first.category, first.grp, first.low, first.high, with_best.best, c.date,
                   c.first_published, c.reports, c.sources
            FROM claims c JOIN ordered first ON first.rank = c.first_rank
                 LEFT JOIN ordered with_best ON with_best.rank = c.best_rank
            ORDER BY c.first_rank""")
        joined = {column: self._joined(column) for column in ("outlet", "attribution")}
        while True:
            batch = claims.fetchmany(self._BATCH)
            if not batch:
                break
            frame = pd.DataFrame(batch, columns=["claim_id", "category", "group", "low", "high", "best", "date",
                                                 "first_published", "reports", "sources"])
            frame["outlets"] = [next(joined["outlet"]) for _ in range(len(frame))]
            frame["attributions"] = [next(joined["attribution"]) for _ in range(len(frame))]
            yield _claims_frame(frame)

    def _joined(self, column: str) -> Iterator[str]:
        """Per claim in claims order, its distinct non-empty values of `column` in report order, joined."""
        values = self._db.execute(f"""
            SELECT c.first_rank, v.value FROM claims c LEFT JOIN (
                SELECT claim_id, {column} AS value, MIN(rank) AS value_rank FROM ordered
                WHERE {column} IS NOT NULL AND {column} != '' GROUP BY claim_id, {column}) v
                ON v.claim_id = c.claim_id
            ORDER BY c.first_rank, v.value_rank""")
        for _, group in itertools.groupby(values, key=lambda row: row[0]):
            yield ", ".join(value for _, value in group if value is not None)

    def close(self) -> None:
        self._db.close()


def _bound(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _claim_name(key: tuple, day: str | None, source: str, start: int) -> str:
    category, unit, low, high = key
    amount = f"{low if low is not None else ''}-{high if high is not None else ''}"
    day = day or "undated"
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
    return _claims_frame(table)


def _claims_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Claims columns to their types (counts as nullable integers, days as dates), checked."""
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


def _intervals(figures: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each figure's lowest and highest count as floats; an open side is 0 below, infinity above."""
    low = figures["low"].astype("Float64").astype(float)
    high = figures["high"].astype("Float64").astype(float)
    return low.fillna(0.0), high.fillna(float("inf"))


def _comparable(figures: pd.DataFrame, frequency: str | None = None) -> pd.DataFrame:
    """Dated figures with a number, keyed for comparison: `kind` of group (`series.group_kind`), the
    `day` (or the first day of the week with frequency "W-SUN") as text, and their interval."""
    from tally.series import group_kinds

    dated = figures[figures["date"].notna() & figures[["low", "high", "best"]].notna().any(axis=1)].copy()
    days = pd.to_datetime(dated["date"])
    if frequency:
        days = days.dt.to_period(frequency).dt.start_time
    dated["day"] = days.dt.strftime("%Y-%m-%d")
    dated["kind"] = group_kinds(dated["group"])
    dated["outlet"] = dated["outlet"].fillna("unknown outlet")
    dated["lowest"], dated["highest"] = _intervals(dated)
    return dated


def _words(part: pd.DataFrame) -> str:
    """What each outlet reported, in its words: 'BBC: 3,000; VOA: about 5,000, 6,000'."""
    return "; ".join(f"{outlet}: " + ", ".join(sorted(set(rows["quantity_text"]), key=str.lower))
                     for outlet, rows in part.groupby("outlet", sort=True))


def disagreements(figures: pd.DataFrame) -> pd.DataFrame:
    """Where two or more outlets report figures that cannot both be right: the same category, kind of
    group (civilians, fighters of one side, people) and kind of period, on the same day, whose ranges
    do not overlap ("several thousand" and "several thousand" agree). `spread` is the highest lowest
    count over the lowest highest count; rows are sorted with the widest spread first.
    """
    dated = _comparable(figures)
    rows = []
    for (category, kind, period, day), group in dated.groupby(["category", "kind", "period", "day"], sort=True):
        if group["outlet"].nunique() < 2:
            continue
        floor, ceiling = group["lowest"].max(), group["highest"].min()  # the highest low, the lowest high
        if floor <= ceiling:  # one count fits every figure: they agree
            continue
        rows.append({"category": category, "kind": kind, "period": period, "day": day,
                     "outlets": group["outlet"].nunique(), "lowest": int(ceiling), "highest": int(floor),
                     "spread": round(floor / ceiling, 1) if ceiling else None, "reported": _words(group)})
    columns = ["category", "kind", "period", "day", "outlets", "lowest", "highest", "spread", "reported"]
    table = pd.DataFrame(rows, columns=columns)
    table["spread"] = table["spread"].astype(float)
    return table.sort_values(["spread", "category", "day"], ascending=[False, True, True], kind="stable",
                             na_position="first").reset_index(drop=True)


def reconciled(figures: pd.DataFrame, frequency: str | None = None) -> pd.DataFrame:
    """What the sources say, per category, kind of group and day (or week, with frequency "W-SUN"):
    the lowest and the highest figure reported (in words, with who reported them), how many
    independent reports there are (a claim printed by several outlets counts once), how many
    articles, and each outlet's latest running total up to that day.
    """
    from tally.charts import value_text

    dated = _comparable(figures, frequency)
    totals = dated[dated["period"] == "total"].sort_values(["day", "published"], kind="stable")
    rows = []
    for (category, kind, day), group in dated.groupby(["category", "kind", "day"], sort=True):
        low_row = group.loc[group["lowest"].idxmin()]
        high_row = group.loc[group["highest"].idxmax()] if group["highest"].lt(float("inf")).all() \
            else group.loc[group["lowest"].idxmax()]
        upto = totals[(totals["category"] == category) & (totals["kind"] == kind) & (totals["day"] <= day)]
        latest = upto.drop_duplicates("outlet", keep="last").sort_values("outlet")
        rows.append({
            "category": category, "kind": kind, "day": day,
            "lowest": _said_by(group, low_row, value_text), "highest": _said_by(group, high_row, value_text),
            "claims": group["claim_id"].nunique(), "articles": group["source"].nunique(),
            "outlets": group["outlet"].nunique(),
            "latest_totals": "; ".join(f"{row.outlet}: {value_text(row.low, row.high)} ({row.day})"
                                       for row in latest.itertuples()),
        })
    columns = ["category", "kind", "day", "lowest", "highest", "claims", "articles", "outlets", "latest_totals"]
    return pd.DataFrame(rows, columns=columns)


def _said_by(group: pd.DataFrame, row: pd.Series, value_text) -> str:
    """A figure in words with every outlet of `group` that reported the same bounds: '3,000 (BBC, VOA)'."""
    same = group[(group["lowest"] == row["lowest"]) & (group["highest"] == row["highest"])]
    return f"{value_text(row['low'], row['high'])} ({', '.join(sorted(set(same['outlet'])))})"

"""The columns parsed once, at import, so the ranker need not parse them on every run.

Migration 0015 adds them (see there); the pure rules are the ranker's own
(matching.normalise.title_occupations, matching.ranking.profiles), so a stored value is
exactly what the ranker would compute. New postings are inserted with their
`title_occupation` (`new_title_keys`, read by merge_postings_new.sql); a stored posting whose
title changes gets it in a step of its own (`reset_changed_titles` before the merge,
`fill_title_occupations` after it); participants get theirs in the import
batch itself (pipelines/participants.py), and `fill_participants` fills profiles stored
before the migration.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from resque.matching.normalise import title_occupations
from resque.matching.ranking import profiles as pf
from resque.warehouse.sqlfiles import registered, sql

TITLES_SCHEMA = pa.schema([("title", pa.string()), ("title_occupation", pa.string())])
LANGUAGE_LEVELS = pa.map_(pa.string(), pa.int32())
PARTICIPANTS_SCHEMA = pa.schema(
    [
        ("participant_id", pa.string()),
        ("desired_occupation_keys", pa.list_(pa.string())),
        ("language_levels", LANGUAGE_LEVELS),
    ]
)


def reset_changed_titles(con: duckdb.DuckDBPyConnection) -> None:
    """Before the staged postings are merged: forget the key of every title they change."""
    con.execute(sql("parsed_reset_title_occupations"))


def new_title_keys(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """`title_occupation` of each distinct title of the staged postings not stored yet, for
    the insert of merge_postings_new.sql (registered as `title_occupations`)."""
    titles = [row[0] for row in con.execute(sql("parsed_new_titles")).fetchall()]
    return _title_keys(titles)


def _title_keys(titles: list[str]) -> pa.Table:
    """The titles beside their title_occupation (matching.normalise.title_occupations)."""
    keys = title_occupations(pd.Series(titles, dtype=object)).tolist() if titles else []
    return pa.table({"title": titles, "title_occupation": keys}, schema=TITLES_SCHEMA)


def fill_title_occupations(con: duckdb.DuckDBPyConnection) -> int:
    """Derive `title_occupation` for the postings without one, once per distinct title, in
    one UPDATE; returns how many titles were derived."""
    titles = [row[0] for row in con.execute(sql("parsed_missing_titles")).fetchall()]
    if not titles:
        return 0
    with registered(con, title_occupations=_title_keys(titles)):
        con.execute(sql("parsed_fill_title_occupations"))
    return len(titles)


def parsed_profiles(wishes: pd.Series, languages: pd.Series) -> dict[str, list]:
    """`desired_occupation_keys` and `language_levels` of stored (or importing) profiles."""
    return {
        "desired_occupation_keys": [pf.wish_keys(v) for v in wishes],
        "language_levels": [pf.language_levels(v) for v in languages],
    }


def fill_participants(con: duckdb.DuckDBPyConnection) -> int:
    """Parse the wishes and languages of the profiles stored without them (migration 0015's
    data step); returns how many profiles were filled."""
    frame = con.sql(sql("parsed_missing_participants")).to_arrow_table().to_pandas()
    if frame.empty:
        return 0
    table = pa.table(
        {
            "participant_id": frame["participant_id"].astype(object).tolist(),
            **parsed_profiles(frame["desired_occupations"], frame["languages"]),
        },
        schema=PARTICIPANTS_SCHEMA,
    )
    with registered(con, participant_parsed=table):
        con.execute(sql("parsed_fill_participants"))
    return len(frame)


def fill_all(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 0015's data step: every stored posting and profile gets its parsed columns."""
    fill_title_occupations(con)
    fill_participants(con)

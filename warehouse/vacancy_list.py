"""The partners' circulating list (issue 16): what goes out, and the partners' word coming back.

`list_rows` reads the active vacancies the list shows; `resolve_ids` tells which vacancy a
returned Stellen-ID stands for now (dedup may have merged it since the list went out);
`store_notes` writes a returned list's accepted rows to `vacancy_notes` and its refused rows
to `rejects`, inside the caller's transaction. No vacancy is changed or deleted: a partner's
"nein" shows in the view `vacancy_partner_reports` and in `reported_closed`.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from resque.warehouse.db import registered, sql

NOTE_COLUMNS = [
    "vacancy_id",
    "listed_id",
    "still_open",
    "places",
    "start_date",
    "contact_known_at",
    "note",
    "row_number",
]
REJECT_COLUMNS = ["row_number", "listed_id", "reason"]


def list_rows(
    con: duckdb.DuckDBPyConnection, *, source: str | None = None, since: dt.date | None = None
) -> pd.DataFrame:
    """The active vacancies for the list, by employer and title.

    Args:
        source: only vacancies with a source whose name contains this ('messe').
        since: only vacancies first seen on or after this day.
    Returns:
        vacancy_id, title, employer, postcode, city, working_time, start_date, places and
        sources (the source slugs, for reports/source_names.py to render).
    """
    params = {"source": source, "since": since}
    return con.execute(sql("vacancy_list_rows"), params).df()


def resolve_ids(con: duckdb.DuckDBPyConnection, listed: list[str]) -> dict[str, str]:
    """{listed id: the vacancy id it stands for now}; ids that name no vacancy are missing."""
    if not listed:
        return {}
    listed_ids = pd.DataFrame({"listed_id": pd.Series(listed, dtype=object)})
    with registered(con, listed_ids=listed_ids):
        rows = con.execute(sql("vacancy_list_resolve")).fetchall()
    return dict(rows)


def store_notes(
    con: duckdb.DuckDBPyConnection,
    notes: pd.DataFrame,
    refused: pd.DataFrame,
    *,
    partner: str,
    run_id: int,
    received_at: dt.datetime,
) -> int:
    """Insert a returned list's notes (NOTE_COLUMNS) and refused rows (REJECT_COLUMNS).

    Call inside the step's transaction. Returns how many notes were new: a row that repeats
    the partner's latest note on the same vacancy is not stored again.
    """
    before = _count(con)
    params = {"partner": partner, "run_id": run_id}
    with registered(con, new_notes=_typed_notes(notes)):
        con.execute(sql("vacancy_list_insert_notes"), {**params, "received_at": received_at})
    if len(refused):
        with registered(con, refused_rows=refused[REJECT_COLUMNS]):
            con.execute(sql("vacancy_list_insert_rejects"), params)
    return _count(con) - before


def _typed_notes(notes: pd.DataFrame) -> pd.DataFrame:
    """The notes with column types DuckDB reads unambiguously, also when a column is empty."""
    frame = notes.reindex(columns=NOTE_COLUMNS).copy()
    frame["still_open"] = frame["still_open"].astype("boolean")
    frame["places"] = frame["places"].astype("Int32")
    frame["row_number"] = frame["row_number"].astype("int64")
    frame["start_date"] = pd.to_datetime(frame["start_date"]).astype("datetime64[us]")
    for column in ("vacancy_id", "listed_id", "contact_known_at", "note"):
        frame[column] = frame[column].astype("string")
    return frame


def _count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(sql("vacancy_list_count_notes")).fetchall()[0][0]


def reported_closed(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """Active vacancies whose latest word from some partner is 'no longer open' (none in a
    warehouse not yet upgraded to migration 13, which a read-only `resque status` may open)."""
    if not con.execute(sql("vacancy_list_has_reports")).fetchall()[0][0]:
        return pd.DataFrame(columns=["vacancy_id", "title", "employer", "partner", "reported"])
    return con.execute(sql("vacancy_list_reported_closed"), {"limit": limit}).df()

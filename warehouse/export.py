"""Approving match runs, and reading and recording what goes to the employer service.

A match run's list leaves the warehouse only after a job coach approved the run
(`resque approve RUN_ID`); every written list is recorded in `exports` with its month,
recipient, author, row counts and the checksums of its files.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb
import pandas as pd

from resque.errors import ResqueError
from resque.warehouse.db import sql, transaction
from resque.warehouse.runs import utcnow

EXPORT_COLUMNS = [
    "vacancy_id",
    "title",
    "employer",
    "postcode",
    "city",
    "sources",
    "participant_id",
    "rank",
    "score",
    "distance_km",
    "reasons",
]


def _run(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, Any]:
    """The run's row with its approval; a one-line error when there is no such run."""
    frame = con.execute(sql("export_run"), {"run_id": run_id}).df()
    if frame.empty:
        raise ResqueError(f"no run {run_id}")
    row = frame.iloc[0].to_dict()
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


def approve_match_run(
    con: duckdb.DuckDBPyConnection, run_id: int, approved_by: str, note: str | None = None
) -> dict[str, Any]:
    """Record that a job coach checked a match run and releases it for export.

    Args:
        run_id: a succeeded match run (see `resque status`).
        approved_by: who approves (recorded with the time).
    Returns:
        {'run_id', 'approved_by', 'approved_at', 'matches', 'dropped'}: 'matches' counts the
        rows kept after a review, 'dropped' those a coach took out. Raises ResqueError when
        the run is not a succeeded match run or is already approved.
    """
    run = _run(con, run_id)
    if run["kind"] != "match":
        raise ResqueError(f"run {run_id} is a {run['kind']} run, not a match run")
    if run["status"] != "succeeded":
        raise ResqueError(f"match run {run_id} {run['status']}; only a succeeded run is approved")
    if run["approved_by"]:
        raise ResqueError(
            f"match run {run_id} was already approved by {run['approved_by']} "
            f"on {run['approved_at']:%Y-%m-%d %H:%M} UTC"
        )
    if not approved_by or not approved_by.strip():
        raise ResqueError("say who approves: --by NAME")
    now = utcnow()
    with transaction(con):
        con.execute(
            "insert into match_approvals values (?, ?, ?, ?)",
            [run_id, approved_by.strip(), now, note],
        )
    dropped = dropped_rows(con, run_id)
    return {
        "run_id": run_id,
        "approved_by": approved_by.strip(),
        "approved_at": now,
        "matches": int(run["matches"] or 0) - dropped,
        "dropped": dropped,
    }


def dropped_rows(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """How many of the run's rows a review dropped (docs/flows.md: Review)."""
    frame = con.execute(sql("review_run_rows"), {"run_id": run_id}).df()
    return int(frame["dropped"].sum())


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """'2026-12' -> (2026-12-01 00:00, 2027-01-01 00:00); a one-line error otherwise."""
    try:
        start = dt.datetime.strptime(month, "%Y-%m")
    except ValueError as exc:
        raise ResqueError(f"month must be YYYY-MM, e.g. 2026-12, not {month!r}") from exc
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following


def approved_run(
    con: duckdb.DuckDBPyConnection, month: str, run_id: int | None = None
) -> dict[str, Any]:
    """The approved match run to export for `month`: `run_id`, else the newest approved one.

    Returns:
        The run's row (run_id, started_at, approved_by, approved_at, ...). Raises ResqueError
        when the run is not approved or no approved run started before the month ended.
    """
    _, before = month_bounds(month)
    if run_id is None:
        found = con.execute(sql("export_latest_approved_run"), {"before": before}).fetchone()[0]
        if found is None:
            raise ResqueError(
                f"no approved match run for {month}: a job coach checks a match run and "
                "approves it with 'resque approve RUN_ID'"
            )
        run_id = int(found)
    run = _run(con, run_id)
    if run["kind"] != "match" or run["status"] != "succeeded":
        raise ResqueError(f"run {run_id} is not a succeeded match run")
    if not run["approved_by"]:
        raise ResqueError(
            f"match run {run_id} is not approved; a job coach approves it with "
            f"'resque approve {run_id}'"
        )
    return run


def export_rows(con: duckdb.DuckDBPyConnection, run_id: int) -> tuple[pd.DataFrame, int]:
    """The run's list for the employer service, as stored, and how many matches were left out.

    Rows a coach dropped in review are not part of the list. `reasons` is the stored JSON
    and `sources` the source slugs: reports/employer_service.py renders both for readers.

    Returns:
        (rows with EXPORT_COLUMNS, number of matches whose participant is no longer active
        or whose vacancy closed or was merged since the run).
    """
    frame = con.sql(sql("export_rows"), params={"run_id": run_id}).df()
    sendable = frame["is_sendable"].astype(bool)
    rows = frame.loc[sendable].reset_index(drop=True)
    return rows[EXPORT_COLUMNS], int((~sendable).sum())


def reserve_export_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id of the export about to be written (it goes into the file names)."""
    return con.execute("select nextval('export_id_seq')").fetchone()[0]


def record_export(con: duckdb.DuckDBPyConnection, export_id: int, **values: Any) -> None:
    """Insert one `exports` row (columns: see migration 0004) in its own transaction."""
    values = {**values, "export_id": export_id, "files": json.dumps(values["files"])}
    with transaction(con):
        con.execute(sql("export_insert"), values)

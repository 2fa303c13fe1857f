"""The `runs` log: one row per import, crawl, dedup or match step."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from warehouse.db import sql


def utcnow() -> dt.datetime:
    """Now, as the naive UTC timestamp the warehouse stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    """Reserve a run id before the step's transaction starts."""
    # fetchall, not fetchone: DuckDB 2 results stream, and an unfinished one blocks register()
    return con.execute("select nextval('run_id_seq')").fetchall()[0][0]


def database_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file behind a connection, asked while it still answers; None when in memory."""
    rows = con.execute(sql("database_file")).fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def record_run_anew(path: str, run_id: int, **fields: Any) -> None:
    """Write a runs row through a new connection (the old one's database was invalidated)."""
    con = duckdb.connect(path)
    try:
        record_run(con, run_id, **fields)
    finally:
        con.close()


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    kind: str,
    source: str | None,
    started_at: dt.datetime,
    status: str,
    counts: dict[str, int] | None = None,
    error: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write the finished step's row (inside the step's transaction when it succeeded)."""
    counts = counts or {}
    con.execute(
        "insert into runs (run_id, kind, source, started_at, finished_at, status, rows_in,"
        " rows_loaded, rows_rejected, rows_new, rows_updated, rows_deactivated, error, details)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            kind,
            source,
            started_at,
            utcnow(),
            status,
            counts.get("rows_in"),
            counts.get("rows_loaded"),
            counts.get("rows_rejected"),
            counts.get("rows_new"),
            counts.get("rows_updated"),
            counts.get("rows_deactivated"),
            error,
            json.dumps(details or {}, ensure_ascii=False, default=str),
        ],
    )

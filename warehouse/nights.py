"""The nightly run's own `runs` row (kind 'run'): opened before its first step, closed after.

The flow (flows.py `nightly`) opens the row, runs its steps `within` it (runs.py), so each
step's row names it in `parent_run_id`, and closes it: status, the steps that failed, and
what each source held then (`run_source_counts`), which `resque status` compares night
against night. It closes it before publishing the snapshot, so the snapshot holds the
finished night; a publish that fails re-closes it as failed (`fail_night`). A night whose
process died keeps status 'running' and no counts.
"""

from __future__ import annotations

import json

import duckdb

from resque.warehouse.db import sql, transaction
from resque.warehouse.runs import next_run_id, utcnow

KIND = "run"


def open_night(con: duckdb.DuckDBPyConnection) -> int:
    """Write the nightly run's row, status 'running'; returns its run id."""
    run_id = next_run_id(con)
    con.execute(sql("runs_open_night"), {"run_id": run_id, "started_at": utcnow()}).fetchall()
    return run_id


def close_night(con: duckdb.DuckDBPyConnection, run_id: int, failed: list[str]) -> None:
    """Close the row; `failed`: the flow's failed steps ('<step> <name>'), with a row or not.

    The row and the sources' counts land together or not at all.
    """
    counts = con.execute(sql("status_sources")).fetchall()
    words = f"{len(failed)} step(s) failed: {', '.join(failed)}" if failed else ""
    with transaction(con):
        con.execute(
            sql("runs_close_night"),
            {
                "run_id": run_id,
                "finished_at": utcnow(),
                "failed": words,
                "details": json.dumps({"failed_steps": failed}, ensure_ascii=False),
            },
        ).fetchall()
        rows = [[run_id, source, entity, n, active] for source, entity, n, active, _ in counts]
        if rows:  # an empty warehouse holds nothing to keep (executemany refuses no rows)
            con.executemany(sql("runs_insert_source_counts"), rows)


def fail_night(con: duckdb.DuckDBPyConnection, run_id: int, failed: list[str], cause: str) -> None:
    """Re-close a closed night as failed: a step after the close (the publish) failed.

    `failed`: all the night's failed steps, that one last; `cause`: that step's error. The
    counts kept at the close stay: they are what the sources held.
    """
    words = f"{len(failed)} step(s) failed: {', '.join(failed)} ({cause.splitlines()[0]})"
    con.execute(
        sql("runs_fail_night"),
        {
            "run_id": run_id,
            "finished_at": utcnow(),
            "error": words,
            "details": json.dumps({"failed_steps": failed}, ensure_ascii=False),
        },
    ).fetchall()

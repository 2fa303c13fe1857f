"""The `runs` log: one row per import, crawl, dedup or match step.

A step keeps its row through `step_run`: the success row lands in the step's own
transaction, a failed row after that transaction rolled back (`record_failure`). A step run
by the nightly flow names the flow's own row in `parent_run_id` (`within`, warehouse/nights.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd

from resque.warehouse.db import sql

log = logging.getLogger(__name__)
# A step's wording of its failure for runs.error; None: the exception leaves no failed row.
Describe = Callable[[BaseException], str | None]
# The nightly run whose steps are being recorded. A context variable, so that every step
# function keeps its signature: the flow runs its tasks in its own thread and context.
_parent_run: ContextVar[int | None] = ContextVar("parent_run", default=None)


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


def run_rejects(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """A run's rejected rows: row number, source ref, reason and the row as read (text)."""
    return con.execute(sql("run_rejects"), {"run_id": run_id}).df()


@contextlib.contextmanager
def within(parent_run_id: int) -> Iterator[None]:
    """Every runs row written inside names `parent_run_id` (the nightly run) as its parent."""
    token = _parent_run.set(parent_run_id)
    try:
        yield
    finally:
        _parent_run.reset(token)


def set_error(con: duckdb.DuckDBPyConnection, run_id: int, error: str) -> None:
    """The cause of a step that loaded yet went wrong (a degraded crawl), on its row."""
    con.execute(sql("runs_set_error"), {"error": error, "run_id": run_id}).fetchall()


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
        sql("runs_insert"),
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
            _parent_run.get(),
        ],
    )


def record_failure(
    con, run_id, kind, source, started, message, details, db_file: str | None = None
) -> str | None:
    """The failed step's runs row, written after its transaction rolled back.

    A write that failed for want of space makes DuckDB invalidate the whole database:
    `con` (useless from then on) is closed and, given `db_file`, the row is written
    through a fresh connection. Returns None once written, else why it could not be.
    """
    fields = {
        "kind": kind,
        "source": source,
        "started_at": started,
        "status": "failed",
        "error": message,
        "details": details,
    }
    try:
        record_run(con, run_id, **fields)
        return None
    except duckdb.FatalException as exc:
        if db_file is None:
            return _not_recorded(run_id, exc)
        con.close()  # DuckDB reopens the file only once no connection holds the old instance
        try:
            record_run_anew(db_file, run_id, **fields)
            return None
        except duckdb.Error as again:
            return _not_recorded(run_id, again)
    except duckdb.Error as exc:
        return _not_recorded(run_id, exc)


def _not_recorded(run_id: int, exc: Exception) -> str:
    """Why a failed run's row could not be written (logged; the step's error names it)."""
    reason = str(exc).splitlines()[0]
    log.warning("could not record the failed run %s: %s", run_id, reason)
    return reason


def unrecorded_note(reason: str | None) -> str:
    """The tail of a step's error line when its failed runs row could not be written."""
    if reason is None:
        return ""
    return f"; the failed run could not be recorded either ({reason[:200]})"


def _as_is(exc: BaseException) -> str | None:
    """An error's own text; an interrupt (not an Exception) is not recorded as a failure."""
    return str(exc) if isinstance(exc, Exception) else None


class StepRun:
    """One step's runs row: the body writes its success, an exception leaves a failed row.

    Use through `step_run`. The failed row is written after the body's own transaction
    rolled back, so the warehouse holds what it held before plus that row; the exception
    then propagates, for the caller to word the error it raises.
    """

    def __init__(self, con, *, kind: str, source: str | None, details, describe: Describe):
        self.con, self.kind, self.source = con, kind, source
        self.details = details  # the dict itself: a failed row holds it as the body left it
        self.describe = describe
        self.run_id, self.started = next_run_id(con), utcnow()
        self.db_file = database_file(con)  # asked now: an invalidated `con` cannot answer
        self.error: str | None = None  # the failed row's error, once the body raised
        self.unrecorded: str | None = None  # why that row could not be written, if not

    def succeeded(
        self,
        *,
        counts: dict[str, int] | None = None,
        details: dict[str, Any] | None = None,
        status: str = "succeeded",
    ) -> None:
        """The success row; call it inside the step's transaction so both land or neither.

        `details` default to the step's; `status` is 'degraded' for a crawl that loaded.
        """
        record_run(
            self.con,
            self.run_id,
            kind=self.kind,
            source=self.source,
            started_at=self.started,
            status=status,
            counts=counts,
            details=self.details if details is None else details,
        )

    def __enter__(self) -> StepRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if exc is not None:
            self.error = self.describe(exc)
            if self.error is not None:
                self.unrecorded = record_failure(
                    self.con, self.run_id, self.kind, self.source, self.started,
                    self.error, self.details, self.db_file,
                )  # fmt: skip
        return False  # never swallowed: the caller words what it raises


def step_run(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    source: str | None = None,
    details: dict[str, Any] | None = None,
    describe: Describe = _as_is,
) -> StepRun:
    """Reserve a step's run id and start time now; `with` it around the step's work.

    Created before the caller's `try`, its `error` and `unrecorded` are there for the
    caller's `except` to word the one line it raises.

    Args:
        details: the failed row's details (and the success row's unless it gives its own).
        describe: the failed row's error for an exception (default its text); None for an
            exception the step does not record as a failed run.
    """
    return StepRun(con, kind=kind, source=source, details=details, describe=describe)


def failure_words(
    step: str, as_written: tuple[type[BaseException], ...] = ()
) -> Callable[[BaseException], str | None]:
    """The error text of a failed step's row: '<step> failed (...)' for a database or memory
    error, the `as_written` errors (the step's own one-line errors) as they read, and a bug
    by its type (recorded, then reported)."""

    def words(exc: BaseException) -> str | None:
        if isinstance(exc, (duckdb.Error, MemoryError)):
            return f"{step} failed ({str(exc).splitlines()[0]})"
        if isinstance(exc, as_written):
            return str(exc)
        return f"{type(exc).__name__}: {exc}" if isinstance(exc, Exception) else None

    return words

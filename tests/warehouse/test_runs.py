"""The runs log's step context: one succeeded row, or the warehouse as before plus a failed row."""

from __future__ import annotations

import json

import duckdb
import pytest

from resque.warehouse.db import open_warehouse, transaction
from resque.warehouse.runs import step_run
from tests.conftest import dump_tables, query

RUN_ROWS = "select run_id, kind, source, status, rows_in, error, details from runs order by run_id"


@pytest.fixture
def warehouse(db):
    """A migrated warehouse with one row in a scratch table (and no run yet)."""
    con = open_warehouse(db)
    con.execute("create table notes (note varchar)")
    con.execute("insert into notes values ('before')")
    con.close()
    return db


def test_a_step_that_succeeds_leaves_exactly_its_succeeded_row(warehouse):
    db = warehouse
    con = open_warehouse(db)
    with (
        step_run(con, kind="import", source="ihk", details={"path": "a.csv"}) as run,
        transaction(con),
    ):
        con.execute("insert into notes values ('during')")
        run.succeeded(counts={"rows_in": 1})
    con.close()
    assert query(db, "select note from notes order by note") == [("before",), ("during",)]
    assert query(db, RUN_ROWS) == [
        (run.run_id, "import", "ihk", "succeeded", 1, None, json.dumps({"path": "a.csv"}))
    ]
    assert run.error is None and run.unrecorded is None


def test_a_step_may_give_its_success_row_details_of_its_own(warehouse):
    db = warehouse
    con = open_warehouse(db)
    with step_run(con, kind="dedup", details={"full": True}) as run:
        run.succeeded(details={"merges": 2})
    con.close()
    assert query(db, "select status, details from runs") == [("succeeded", '{"merges": 2}')]


def test_a_failed_step_leaves_the_warehouse_as_it_was_plus_one_failed_row(warehouse):
    db = warehouse
    before = dump_tables(db)
    con = open_warehouse(db)
    details = {"path": "a.csv"}
    run = step_run(con, kind="import", source="ihk", details=details)
    with pytest.raises(RuntimeError, match="^disk on fire$"), run, transaction(con):
        con.execute("insert into notes values ('during')")
        details["columns"] = 3  # the failed row holds the details as the body left them
        run.succeeded(counts={"rows_in": 1})
        raise RuntimeError("disk on fire")
    con.close()
    assert dump_tables(db) == before
    failed = json.dumps({"path": "a.csv", "columns": 3})
    assert query(db, RUN_ROWS) == [
        (run.run_id, "import", "ihk", "failed", None, "disk on fire", failed)
    ]
    assert run.error == "disk on fire" and run.unrecorded is None


def test_the_step_words_its_failed_row_and_may_leave_an_exception_unrecorded(warehouse):
    db = warehouse
    con = open_warehouse(db)

    def describe(exc: BaseException) -> str | None:
        return f"match failed: {exc}" if isinstance(exc, ValueError) else None

    with pytest.raises(ValueError), step_run(con, kind="match", describe=describe):
        raise ValueError("no vacancies")
    unrecorded = step_run(con, kind="match", describe=describe)
    with pytest.raises(KeyError), unrecorded:
        raise KeyError("bug")
    con.close()
    assert query(db, "select status, error from runs") == [("failed", "match failed: no vacancies")]
    assert unrecorded.error is None


class Invalidated:
    """A connection whose database DuckDB invalidated once `broken` (as on a full disk)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.broken, self.closed = con, False, False

    def execute(self, *args, **kwargs):
        if self.broken:
            raise duckdb.FatalException("database has been invalidated because of a previous error")
        return self.con.execute(*args, **kwargs)

    def close(self) -> None:
        self.closed = True
        self.con.close()


def test_after_duckdb_invalidated_the_database_the_failed_row_goes_through_the_file(warehouse):
    db = warehouse
    con = Invalidated(open_warehouse(db))
    run = step_run(con, kind="import", source="ihk", details={"path": "a.csv"})
    with pytest.raises(duckdb.FatalException, match="No space left"), run:
        con.broken = True
        raise duckdb.FatalException("Could not write file: No space left on device")
    assert con.closed  # closed first: DuckDB reopens the file only without the old instance
    assert run.unrecorded is None
    assert query(db, "select run_id, status, error from runs") == [
        (run.run_id, "failed", "Could not write file: No space left on device")
    ]


def test_when_the_file_cannot_take_the_failed_row_either_the_run_says_why(warehouse, monkeypatch):
    db = warehouse
    con = Invalidated(open_warehouse(db))

    def no_space(*args, **kwargs):
        raise duckdb.IOException("Could not write file: No space left on device")

    monkeypatch.setattr("resque.warehouse.runs.record_run_anew", no_space)
    run = step_run(con, kind="import", source="ihk")
    with pytest.raises(duckdb.FatalException), run:
        con.broken = True
        raise duckdb.FatalException("Could not write file: No space left on device")
    assert run.unrecorded == "Could not write file: No space left on device"
    assert query(db, "select count(*) from runs") == [(0,)]

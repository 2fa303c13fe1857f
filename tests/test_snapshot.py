"""The analysts' snapshot: consistent copy, Parquet, readable while a writer holds the warehouse."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.conftest import query
from warehouse.db import open_warehouse
from warehouse.snapshot import parquet_dir, publish_snapshot, snapshot_path


@pytest.fixture
def published(sample_db):
    con = open_warehouse(sample_db)
    try:
        summary = publish_snapshot(con, sample_db)
    finally:
        con.close()
    return sample_db, summary


def test_snapshot_sits_beside_the_warehouse(tmp_path):
    assert snapshot_path(tmp_path / "resque.duckdb") == tmp_path / "resque.analytics.duckdb"
    assert parquet_dir(tmp_path / "resque.duckdb") == tmp_path / "resque.analytics.parquet"


def test_snapshot_copies_tables_and_views_but_no_raw_payloads(published):
    db, summary = published
    snapshot = snapshot_path(db)
    assert summary["tables"]["postings"] == query(db, "select count(*) from postings")[0][0]
    assert query(snapshot, "select count(*) from postings") == query(
        db, "select count(*) from postings"
    )
    tables = {r[0] for r in query(snapshot, "select table_name from duckdb_tables()")}
    assert "raw_records" not in tables and {"postings", "vacancies", "runs"} <= tables
    columns = {
        r[0]
        for r in query(
            snapshot, "select column_name from duckdb_columns() where table_name = 'rejects'"
        )
    }
    assert "payload" not in columns and "reason" in columns
    for view in ("weekly_vacancies", "duplicates_per_source", "match_coverage"):
        assert (
            query(snapshot, f"select count(*) from {view}")[0][0]
            == query(db, f"select count(*) from {view}")[0][0]
        )
    runs = query(db, "select kind, status from runs where run_id = ?", [summary["run_id"]])
    assert runs == [("snapshot", "succeeded")]


def test_parquet_files_hold_the_same_rows(published):
    db, summary = published
    folder = parquet_dir(db)
    assert {p.stem for p in folder.glob("*.parquet")} == set(summary["tables"])
    assert pq.read_table(folder / "postings.parquet").num_rows == summary["tables"]["postings"]
    assert not list(db.parent.glob(".*.tmp"))


def test_republishing_replaces_the_snapshot_while_a_reader_keeps_the_old_one(published):
    db, _ = published
    reader = duckdb.connect(str(snapshot_path(db)), read_only=True)
    before = reader.execute("select count(*) from runs").fetchone()[0]
    con = open_warehouse(db)
    try:
        publish_snapshot(con, db)
    finally:
        con.close()
    assert reader.execute("select count(*) from runs").fetchone()[0] == before
    reader.close()
    assert query(snapshot_path(db), "select count(*) from runs")[0][0] == before + 1


HOLD_WRITER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("begin transaction")
    con.execute("update postings set last_seen = last_seen")
    print("holding", flush=True)
    time.sleep(120)
    """
)


def test_query_reads_the_snapshot_while_another_process_writes(published, resque):
    db, _ = published
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "holding"
        result = resque("--db", db, "query", "select count(*) as n from postings")
        assert result.code == 0, result.err
        assert result.out.split() == [
            "n",
            str(query(snapshot_path(db), "select count(*) from postings")[0][0]),
        ]
        live = resque("--db", db, "query", "--live", "select 1")
        assert live.code == 1 and "in use by another process" in live.err
    finally:
        writer.kill()
        writer.wait()

"""The analysts' snapshot: consistent copy, Parquet, readable while a writer holds the warehouse."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess

import duckdb
import pyarrow.parquet as pq
import pytest

from resque.warehouse.db import open_warehouse
from resque.warehouse.snapshot import (
    VIEWS_FILE,
    parquet_dir,
    publish_snapshot,
    snapshot_path,
)
from tests.conftest import query


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


def test_query_reads_the_snapshot_while_another_process_writes(published, resque, held_open):
    db, _ = published
    held_open(db, "write")
    result = resque("--db", db, "query", "select count(*) as n from postings")
    assert result.code == 0, result.err
    assert result.out.split() == [
        "n",
        str(query(snapshot_path(db), "select count(*) from postings")[0][0]),
    ]
    live = resque("--db", db, "query", "--live", "select 1")
    assert live.code == 1 and "in use by another process" in live.err


# What the snapshot holds about participants (docs/schema.md, "What the snapshot holds"):
# pinned here, apart from warehouse/snapshot.py, so that widening it is a visible decision.
PARTICIPANT_COLUMNS = {
    "participants": [
        "participant_id",
        "desired_occupations",
        "working_time",
        "accepts_shift",
        "radius_km",
        "available_from",
        "is_active",
        "source",
        "updated_at",
        "first_run_id",
        "last_run_id",
        "n_skills",
        "n_qualifications",
        "n_languages",
        "n_licences",
    ],
    "matches": ["run_id", "participant_id", "vacancy_id", "rank", "score", "distance_km"],
    "match_approvals": ["run_id", "approved_by", "approved_at"],
    "forgotten_participants": [
        "forgotten_at",
        "reason",
        "participants_removed",
        "matches_removed",
        "rejects_removed",
    ],
    "rejects": ["run_id", "source", "row_number", "source_ref", "reason"],
}
# Free text of one imported profile: skills, qualification, language, home town.
FREE_TEXT = ["Quokkapflege", "Quokkadiplom", "Quokkisch", "Quokkahausen"]
HEADER = (
    "Teilnehmer-ID;Wunschberufe;Kompetenzen;Sprachen;Qualifikationen (anerkannt/nicht "
    "anerkannt);Führerscheine;Arbeitszeit;PLZ/Ort;Umkreis km;verfügbar ab"
)
PROFILE = (
    'TN-QUOKKA-1;Lagerhelfer;"Quokkapflege; Kommissionierung";"Deutsch B1; Quokkisch B2";'
    "Quokkadiplom (nicht anerkannt);B;Vollzeit;04316 Quokkahausen;20;sofort"
)


def columns_of(path, table: str) -> list[str]:
    rows = query(
        path,
        "select column_name from duckdb_columns() where table_name = ? order by column_index",
        [table],
    )
    return [r[0] for r in rows]


@pytest.mark.parametrize("table", sorted(PARTICIPANT_COLUMNS))
def test_snapshot_holds_exactly_the_allowed_participant_columns(published, table):
    db, _ = published
    assert columns_of(snapshot_path(db), table) == PARTICIPANT_COLUMNS[table]
    parquet = pq.read_schema(parquet_dir(db) / f"{table}.parquet")
    assert parquet.names == PARTICIPANT_COLUMNS[table]


def test_snapshot_leaves_out_raw_records_and_the_key_fingerprint(published):
    db, summary = published
    tables = {r[0] for r in query(snapshot_path(db), "select table_name from duckdb_tables()")}
    assert not tables & {"raw_records", "pseudonym_keys"}
    assert set(summary["tables"]) == tables
    assert query(snapshot_path(db), "select sum(n_skills) > 0 from participants") == [(True,)]


def text_in_snapshot(db) -> str:
    """Every value of every table of the snapshot and of its Parquet files, as text."""
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        values = [repr(con.execute(f'select * from "{n}"').fetchall()) for n in names]
    finally:
        con.close()
    values += [repr(pq.read_table(p).to_pylist()) for p in parquet_dir(db).glob("*.parquet")]
    return "\n".join(values)


def test_participant_free_text_never_reaches_the_snapshot(sample_db, resque, tmp_path):
    profiles = tmp_path / "kompetenzanalyse_quokka.csv"
    profiles.write_text(f"{HEADER}\n{PROFILE}\n", encoding="utf-8")
    imported = resque("--db", sample_db, "import", "participants", profiles)
    assert imported.code == 0, imported.err
    stored = repr(
        query(sample_db, "select skills, languages, qualifications, city from participants")
    )
    assert all(value in stored for value in FREE_TEXT)
    con = open_warehouse(sample_db)
    try:
        publish_snapshot(con, sample_db)
    finally:
        con.close()
    text = text_in_snapshot(sample_db)
    assert "Lagerhelfer" in text  # the wish is kept
    written = [snapshot_path(sample_db), *parquet_dir(sample_db).rglob("*")]
    written += list(sample_db.parent.glob(".*"))  # no leftover copy either
    for value in FREE_TEXT:
        assert value not in text
        for path in written:
            if path.is_file():
                assert value.encode() not in path.read_bytes(), path.name


# --- what analysts open it with (issue 16) ----------------------------------------------------

# The views analysts query, and the format DuckDB 1.5 reads (storage version v1.5.0).
ANALYST_VIEWS = ("weekly_vacancies", "duplicates_per_source", "match_coverage", "vacancy_summary")
STORAGE_FORMAT_V1_5 = 68


def storage_format(path) -> int:
    """The storage format number in a DuckDB file's header (after 8 bytes, the magic b'DUCK')."""
    with open(path, "rb") as file:
        magic, number = struct.unpack("<8x4sQ", file.read(20))
    assert magic == b"DUCK"
    return number


def view_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {v: con.execute(f"select count(*) from {v}").fetchone()[0] for v in ANALYST_VIEWS}


def test_snapshot_is_written_in_the_format_duckdb_1_5_reads(published):
    db, _ = published
    assert storage_format(snapshot_path(db)) == STORAGE_FORMAT_V1_5


def test_views_sql_defines_the_views_over_the_parquet_files(published, tmp_path, monkeypatch):
    db, summary = published
    folder = parquet_dir(db)
    script = (folder / VIEWS_FILE).read_text(encoding="utf-8")
    with duckdb.connect(str(snapshot_path(db)), read_only=True) as snapshot:
        expected = view_counts(snapshot)
    assert all(expected.values())
    # As the analyst runs it: from inside the folder (`duckdb -c ".read views.sql"`) ...
    monkeypatch.chdir(folder)
    with duckdb.connect() as con:
        con.execute(script)
        con.execute(script)  # read twice: create or replace
        assert view_counts(con) == expected
        assert (
            con.execute("select count(*) from postings").fetchone()[0]
            == (summary["tables"]["postings"])
        )
    # ... or from anywhere, with the folder as DuckDB's file search path.
    monkeypatch.chdir(tmp_path)
    with duckdb.connect() as con:
        con.execute("set file_search_path = ?", [str(folder)])
        con.execute(script)
        assert view_counts(con) == expected


def duckdb_cli() -> str:
    """The DuckDB command-line client: $RESQUE_DUCKDB_CLI, else `duckdb` on the PATH."""
    found = os.environ.get("RESQUE_DUCKDB_CLI") or shutil.which("duckdb")
    if not found:
        pytest.skip(
            "no DuckDB CLI: set RESQUE_DUCKDB_CLI or put `duckdb` on the PATH "
            "(pip install duckdb-cli in a venv of its own; .ci/run does)"
        )
    return found


def cli_rows(cli: str, *args: str, cwd=None) -> list[str]:
    done = subprocess.run(
        [cli, "-csv", "-noheader", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.slow
def test_the_duckdb_cli_opens_the_snapshot_and_the_parquet_views(published):
    cli = duckdb_cli()
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout
    db, summary = published
    with duckdb.connect(str(snapshot_path(db)), read_only=True) as snapshot:
        expected = view_counts(snapshot)
    counts = [f"select count(*) from {view}" for view in ("postings", *ANALYST_VIEWS)]
    want = [str(summary["tables"]["postings"]), *map(str, expected.values())]
    commands = [arg for sql in counts for arg in ("-c", sql)]
    snapshot_rows = cli_rows(cli, "-readonly", str(snapshot_path(db)), *commands)
    assert snapshot_rows == want, version
    parquet_rows = cli_rows(cli, "-c", f".read {VIEWS_FILE}", *commands, cwd=parquet_dir(db))
    assert parquet_rows == want, version

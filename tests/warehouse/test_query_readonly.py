"""`resque query` only reads: every attack of issue 11, finding 1, on the snapshot and --live.

Each attack must be refused with one line saying what is allowed, print nothing of the file
it aimed at, and leave the warehouse, the snapshot and its Parquet folder byte for byte as
they were, with no new file beside them. A second test runs the file attacks straight on
the locked connection, without the statement check, to show the connection alone holds too.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from resque.warehouse.db import open_warehouse
from resque.warehouse.query import open_locked, run_query
from resque.warehouse.snapshot import publish_snapshot, snapshot_path
from tests.warehouse.test_snapshot import HEADER, PROFILE

KEY_MARKER = "KEYMARKER7f3a9c"
CSV_MARKER = "CSVMARKER51be0d"
MODES = ["snapshot", "live"]

# The attacks of the issue, literally where they can be: {db} the warehouse, {key} a stand-in
# for the pseudonym key file (also at ~/.config/resque/pseudonym.key), {csv} a CSV file,
# {dir} the warehouse's folder.
ATTACKS = {
    "attach_read_write_then_delete": "attach '{db}' as rw (READ_WRITE); delete from rw.runs",
    "attach_read_write": "attach '{db}' as rw (READ_WRITE)",
    "attach_read_only_then_raw_records": "attach '{db}' as w (READ_ONLY); "
    "select payload from w.raw_records",
    "attach_read_only": "attach '{db}' as w (READ_ONLY)",
    "copy_over_the_warehouse": "copy (select 1) to '{db}' (format csv)",
    "copy_a_file_into_a_table": "copy postings from '{csv}'",
    "export_database": "export database '{dir}/exported'",
    "read_text_of_the_key_in_home": "select content from "
    "read_text('~/.config/resque/pseudonym.key')",
    "read_text_of_the_key": "select content from read_text('{key}')",
    "read_blob_of_the_key": "select content from read_blob('{key}')",
    "read_csv_of_passwd": "select * from read_csv('/etc/passwd')",
    "read_csv_auto": "select * from read_csv_auto('{csv}')",
    "read_json": "select * from read_json_auto('{csv}')",
    "read_parquet": "select * from read_parquet('{dir}/*.analytics.parquet/*.parquet')",
    "parquet_scan": "select * from parquet_scan('{dir}/*.analytics.parquet/*.parquet')",
    "sniff_csv": "select * from sniff_csv('{csv}')",
    "glob_of_home": "select * from glob('~/**')",
    "query_function": "select * from query('select 1')",
    "query_table_of_raw_records": "select * from query_table('raw_records')",
    "set_external_access": "set enable_external_access = true",
    "unlock_configuration": "set lock_configuration = false",
    "reset_a_setting": "reset threads",
    "pragma": "pragma enable_profiling",
    "pragma_version": "pragma version",
    "call_pragma": "call pragma_version()",
    "install": "install httpfs",
    "install_community": "install h3 from community",
    "load": "load parquet",
    "two_statements": "select 1; select 2",
    "select_then_delete": "select count(*) from postings; delete from postings",
    "cte_hides_a_table_function": "with k as (select * from read_text('{key}')) select * from k",
    "subquery_hides_a_table_function": "select (select content from read_text('{key}'))",
    "lateral_table_function": "select * from postings, lateral (select * from glob(postings.url))",
    "from_shorthand": "from read_text('{key}')",
    "replacement_scan": "select * from '{csv}'",
    "replacement_scan_from_shorthand": "from '{csv}'",
    "replacement_scan_outside_the_cte_scope": 'select * from (with "{csv}" as (select 1) '
    'select * from "{csv}"), "{csv}"',
    "replacement_scan_in_a_later_cte": 'with a as (select * from "{csv}"), "{csv}" as '
    "(select 1) select * from a",
    "describe_a_file": "describe '{csv}'",
    "summarize_a_file": "summarize '{csv}'",
    "show_a_file": "show '{csv}'",
    "explain_analyze_copy": "explain analyze copy (select 1) to '{dir}/x.csv'",
    "explain_a_table_function": "explain select * from read_text('{key}')",
    "delete": "delete from postings",
    "update": "update runs set status = 'succeeded'",
    "create_table": "create table x as select 1",
    "drop_table": "drop table runs",
    "checkpoint": "checkpoint",
    "detach": "detach snapshot",
    "use": "use system",
}
# Analysts' queries that must keep working.
READING = [
    "select count(*) as n from postings",
    "with a as (select source from postings), b as (select * from a) select count(*) from b",
    "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) from r",
    "describe postings",
    "describe",
    "show tables",
    "show all tables",
    "show postings",
    "summarize postings",
    "summarize select title from vacancies",
    "explain select count(*) from vacancies",
    "explain analyze select count(*) from vacancies",
    "select * from weekly_vacancies",
    "select * from duplicates_per_source",
    "select * from match_coverage",
    "from vacancies select vacancy_id limit 3",
    "select unnest(sources) as source from vacancies limit 2",
    "select * from range(3)",
    "select * from information_schema.columns limit 2",
    "select table_name from duckdb_tables()",
    "select v.title, count(*) from vacancies v join postings p using (vacancy_id) group by all",
]


@pytest.fixture(scope="module")
def published(filled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with its snapshot, a stand-in key in a scratch home, a CSV beside them."""
    folder = tmp_path_factory.mktemp("query")
    db = Path(shutil.copy(filled_db, folder / "resque.duckdb"))
    con = open_warehouse(db)
    try:
        publish_snapshot(con, db)
    finally:
        con.close()
    key = folder / "home" / ".config" / "resque" / "pseudonym.key"
    key.parent.mkdir(parents=True)
    key.write_text(KEY_MARKER + "\n")
    (folder / "notes.csv").write_text(f"a,b\n{CSV_MARKER},1\n")
    return db


@pytest.fixture(scope="module")
def first_digests(published: Path) -> dict[str, str]:
    """The bytes of every file before the first attack, for the last test to compare."""
    return digests(published.parent)


@pytest.fixture(autouse=True)
def _home(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`~` is the scratch home holding the stand-in key."""
    monkeypatch.setenv("HOME", str(published.parent / "home"))


def state(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under the folder with its size and modification time (any write moves it)."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def digests(folder: Path) -> dict[str, str]:
    """Every file under the folder with the sha256 of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def attack_text(name: str, db: Path) -> str:
    folder = db.parent
    return ATTACKS[name].format(
        db=db, key=folder / "home/.config/resque/pseudonym.key", csv=folder / "notes.csv",
        dir=folder,
    )  # fmt: skip


def mode_args(mode: str) -> list[str]:
    return ["--live"] if mode == "live" else []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_is_refused_and_changes_nothing(published, first_digests, resque, mode, attack):
    before = state(published.parent)
    result = resque("--db", published, "query", *mode_args(mode), attack_text(attack, published))
    assert result.code == 1
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("resque: error: query refused (")
    assert "queries are read-only: one SELECT" in result.err
    for secret in (KEY_MARKER, CSV_MARKER, "root:"):
        assert secret not in result.out + result.err
    assert state(published.parent) == before


# The attacks that reach for a file: each fails on the locked connection itself too.
FILE_ATTACKS = [
    "copy_over_the_warehouse",
    "copy_a_file_into_a_table",
    "export_database",
    "read_text_of_the_key_in_home",
    "read_text_of_the_key",
    "read_blob_of_the_key",
    "read_csv_of_passwd",
    "read_parquet",
    "sniff_csv",
    "glob_of_home",
    "replacement_scan",
    "describe_a_file",
    "set_external_access",
    "unlock_configuration",
    "install",
    "install_community",
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("attack", FILE_ATTACKS)
def test_locked_connection_alone_refuses_files_and_settings(published, mode, attack):
    path = published if mode == "live" else snapshot_path(published)
    before = state(published.parent)
    con = open_locked(path)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(attack_text(attack, published)).fetchall()
    finally:
        con.close()
    assert state(published.parent) == before


@pytest.mark.parametrize("mode", MODES)
def test_locked_connection_cannot_attach_the_other_database(published, mode):
    other = snapshot_path(published) if mode == "live" else published
    con = open_locked(published if mode == "live" else snapshot_path(published))
    try:
        with pytest.raises(duckdb.Error):
            con.execute(f"attach '{other}' as other (read_only)")
    finally:
        con.close()


def test_query_connection_runs_with_external_access_off_and_locked(published):
    settings = run_query(
        snapshot_path(published),
        "select current_setting('enable_external_access') as external,"
        " current_setting('lock_configuration') as locked,"
        " current_setting('autoinstall_known_extensions') as autoinstall,"
        " current_setting('autoload_known_extensions') as autoload,"
        " current_setting('allow_community_extensions') as community",
    )
    assert settings.iloc[0].tolist() == [False, True, False, False, False]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("sql", READING)
def test_analyst_queries_still_work(published, resque, mode, sql):
    result = resque("--db", published, "query", *mode_args(mode), sql)
    assert result.code == 0, result.err
    assert result.out.strip()


@pytest.mark.parametrize("mode", MODES)
def test_csv_output_still_works(published, resque, mode):
    result = resque(
        "--db", published, "query", *mode_args(mode), "--csv",
        "select source, count(*) as n from postings group by source order by source",
    )  # fmt: skip
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "source,n" and len(lines) > 2


def test_snapshot_query_cannot_name_raw_records(published, resque):
    result = resque("--db", published, "query", "select payload from raw_records")
    assert result.code == 1 and "no table or view named 'raw_records'" in result.err


def test_a_typo_in_sql_keeps_duckdbs_own_message(published, resque):
    result = resque("--db", published, "query", "selec 1")
    assert result.code == 1 and "syntax error" in result.err.lower()
    assert result.err.count("\n") == 1


# --- how old the snapshot is (issue 16.2) ----------------------------------------------------

LAG = re.compile(r"^snapshot of \d\d\.\d\d\. \d\d:\d\d, (.+) since — --live for the warehouse$")


def lag_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("snapshot of")]


@pytest.mark.parametrize("mode", MODES)
def test_a_current_snapshot_says_nothing_of_its_age(published, resque, mode):
    result = resque("--db", published, "query", *mode_args(mode), "select 1 as n")
    assert result.code == 0, result.err
    assert lag_lines(result.err) == []


@pytest.fixture
def stale(sample_db: Path, resque, tmp_path: Path) -> Path:
    """A warehouse whose snapshot was published before two imports of one profile file."""
    with open_warehouse(sample_db) as con:
        publish_snapshot(con, sample_db)
    profiles = tmp_path / "kompetenzanalyse_lag.csv"
    profiles.write_text(f"{HEADER}\n{PROFILE}\n", encoding="utf-8")
    for _ in range(2):
        imported = resque("--db", sample_db, "import", "participants", profiles)
        assert imported.code == 0, imported.err
    return sample_db


def test_a_snapshot_behind_the_warehouse_says_so_in_one_line(stale, resque):
    result = resque("--db", stale, "query", "select count(*) as n from participants")
    assert result.code == 0, result.err
    (line,) = lag_lines(result.err)
    assert LAG.match(line).group(1) == "2 imports"
    # the answer is the snapshot's, from before the imports
    live = resque("--db", stale, "query", "--live", "select count(*) as n from participants")
    assert live.code == 0 and lag_lines(live.err) == []
    assert int(result.out.split()[-1]) == int(live.out.split()[-1]) - 1


def test_a_snapshot_behind_a_held_warehouse_says_nothing_more(stale, resque, held_open):
    held_open(stale, "write")
    result = resque("--db", stale, "query", "select count(*) as n from postings")
    assert result.code == 0, result.err
    assert lag_lines(result.err) == []


def test_after_every_attack_each_file_holds_the_same_bytes(published, first_digests):
    """Last in this module: the warehouse, snapshot and Parquet files, byte for byte."""
    assert digests(published.parent) == first_digests

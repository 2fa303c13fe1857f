"""The resque command as users meet it: init, run on the samples, status, query, config errors."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES, query


def total_postings(db):
    return query(db, "select count(*) from postings")[0][0]


def test_init_creates_and_then_keeps_the_schema(db, resque):
    first = resque("--db", db, "init")
    assert first.code == 0 and "applied 0001_init.sql" in first.out
    second = resque("--db", db, "init")
    assert second.code == 0 and "applied" not in second.out


def test_run_loads_every_bundled_file_source(sample_db):
    counts = dict(query(sample_db, "select source, count(*) from postings group by 1"))
    assert counts["jobmesse_leipzig_2026"] == 240
    assert counts["arbeitgeberservice"] == 117  # 120 rows, 3 planted bad ones rejected
    assert counts["ihk_lehrstellen_export"] == 60
    assert query(sample_db, "select count(*) from employers where source = 'firmenliste'") == [
        (82,)
    ]


@pytest.mark.slow  # a second whole `resque run` (15 s): CI's slow step runs it
def test_second_run_is_idempotent_and_prints_a_summary(sample_db, resque):
    before = query(sample_db, "select count(*), count(distinct content_hash) from postings")
    again = resque("--db", sample_db, "run")
    assert again.code == 0
    assert "arbeitgeberservice: 120 rows read, 117 loaded (0 new, 0 changed)" in again.out
    assert f"{before[0][0]} postings" in again.out.splitlines()[-1]
    assert query(sample_db, "select count(*), count(distinct content_hash) from postings") == before


def test_apprenticeship_default_from_the_config(sample_db):
    rows = query(
        sample_db,
        "select distinct employment_type from postings where source = 'ihk_lehrstellen_export'",
    )
    assert rows == [("apprenticeship",)]


def test_status_shows_sources_runs_and_rejects(sample_db, resque):
    result = resque("--db", sample_db, "status")
    assert result.code == 0
    for text in ("jobmesse_leipzig_2026", "firmenliste", "succeeded", "invalid postcode '041O9'"):
        assert text in result.out
    # the session's `resque run` as one nightly run: its every step, then the verdict
    assert "== Latest nightly run" in result.out and "\nverdict: OK: 14 steps in" in result.out


def test_query_prints_a_table_and_csv(sample_db, resque):
    table = resque("--db", sample_db, "query", "select count(*) as n from postings")
    assert table.code == 0 and table.out.split() == ["n", str(total_postings(sample_db))]
    as_csv = resque("--db", sample_db, "query", "select 'a;b' as x, 1 as y", "--csv")
    assert as_csv.out.splitlines() == ["x,y", "a;b,1"]


def test_query_is_read_only(sample_db, resque):
    before = total_postings(sample_db)
    result = resque("--db", sample_db, "query", "delete from postings")
    assert result.code == 1
    assert "read-only" in result.err.lower()
    assert total_postings(sample_db) == before


def test_query_with_bad_sql_is_one_line(sample_db, resque):
    result = resque("--db", sample_db, "query", "select nope from postings")
    assert result.code == 1 and result.err.count("\n") == 1


def test_query_without_database_says_what_to_do(tmp_path, resque):
    result = resque("--db", tmp_path / "none.duckdb", "query", "select 1")
    assert result.code == 1 and "resque init" in result.err


def test_db_from_environment(tmp_path, resque, monkeypatch):
    monkeypatch.setenv("RESQUE_DB", str(tmp_path / "env.duckdb"))
    assert resque("init").code == 0
    assert (tmp_path / "env.duckdb").exists()


def test_config_typo_names_the_key(tmp_path, resque):
    config = tmp_path / "c.toml"
    config.write_text('[sources.a]\ntype = "file"\npth = "x.csv"\n', encoding="utf-8")
    result = resque("--config", config, "--db", tmp_path / "x.duckdb", "run")
    assert result.code == 1 and "[sources.a]: unknown key 'pth'" in result.err


def test_config_syntax_error_names_the_line(tmp_path, resque):
    config = tmp_path / "c.toml"
    config.write_text('[sources.a]\ntype = "file"\npath = \n', encoding="utf-8")
    result = resque("--config", config, "--db", tmp_path / "x.duckdb", "run")
    assert result.code == 1 and "invalid TOML" in result.err and "line 3" in result.err


def test_a_failing_source_does_not_stop_the_others(tmp_path, resque):
    config = tmp_path / "c.toml"
    config.write_text(
        f'[sources.broken]\npath = "missing.csv"\n'
        f'[sources.good]\npath = "{SAMPLES / "arbeitgeberservice_2026-11.csv"}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "x.duckdb"
    result = resque("--config", config, "--db", db, "run")
    assert result.code == 1 and "1 source(s) failed: broken" in result.err
    assert query(db, "select source, status from runs where kind = 'import' order by run_id") == [
        ("broken", "failed"),
        ("good", "succeeded"),
    ]


def test_corrupt_database_file_is_refused_not_overwritten(tmp_path, resque):
    db = tmp_path / "corrupt.duckdb"
    db.write_bytes(b"this is not a database" * 100)
    result = resque("--db", db, "init")
    assert result.code == 1 and str(db) in result.err
    assert db.read_bytes() == b"this is not a database" * 100

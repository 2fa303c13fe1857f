"""The resque command as users meet it: init, run on the samples, status, query, config errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from resque import cli
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


# --- the command line itself: -v anywhere, logging, words ------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["-v", "run"],
        ["run", "-v"],
        ["run", "--verbose"],
        ["status", "--runs", "3", "-v"],
        ["dedup", "explain", "v1", "-v"],
        ["eval", "match", "labels.csv", "-v"],
        ["participants", "forget", "P-1", "-v"],
        ["export", "employer-service", "--out", "x", "-v"],
    ],
)
def test_verbose_is_taken_before_or_after_any_command(argv):
    assert cli.build_parser().parse_args(argv).verbose is True


@pytest.mark.parametrize("argv", [["run"], ["dedup", "explain", "v1"], ["eval", "dedup", "x"]])
def test_without_verbose_it_is_off(argv):
    assert cli.build_parser().parse_args(argv).verbose is False


def test_both_eval_stages_are_there():
    parser = cli.build_parser()
    assert parser.parse_args(["eval", "dedup", "a.csv"]).handler is cli.cmd_eval_dedup
    assert parser.parse_args(["eval", "match", "a.csv"]).handler is cli.cmd_eval_match


def test_the_cli_reads_no_private_argparse_state():
    assert "._actions" not in Path(cli.__file__).read_text(encoding="utf-8")


def test_verbose_logs_resque_progress_not_other_libraries(tmp_path, resque, capsys):
    root_handlers = list(logging.getLogger().handlers)
    result = resque("--db", tmp_path / "w.duckdb", "init", "-v")
    assert result.code == 0
    assert " INFO resque.warehouse.db: applied migration 0001_init.sql" in result.err
    assert logging.getLogger().handlers == root_handlers  # the root logger is left alone
    logging.getLogger("httpx").info('HTTP Request: GET http://127.0.0.1/api/health "200 OK"')
    logging.getLogger("resque.test").info("resque's own line")
    err = capsys.readouterr().err
    assert "resque's own line" in err and "HTTP Request" not in err


def test_quiet_without_verbose(tmp_path, resque):
    result = resque("--db", tmp_path / "w.duckdb", "init")
    assert result.code == 0 and result.err == ""


def test_dedup_summary_says_what_merged_means():
    first = {"mode": "full", "compared": 458, "postings": 458, "matched_pairs": 95}
    line = cli._dedup_line({**first, "vacancies": 388, "merges": 0, "splits": 0})
    assert line == (
        "dedup (full): 458 of 458 postings compared, 95 pairs matched, 458 postings in 388 "
        "vacancies; of the vacancies earlier runs formed 0 merged into another, 0 split"
    )
    later = {"mode": "incremental", "compared": 20, "postings": 478, "matched_pairs": 7}
    line = cli._dedup_line({**later, "vacancies": 12, "merges": 1, "splits": 0})
    assert "7 pairs matched, 12 vacancies rebuilt" in line and "1 merged into another" in line


def test_import_writes_its_rejects(tmp_path, resque):
    rejects = tmp_path / "rejects.csv"
    result = resque(
        "--db",
        tmp_path / "w.duckdb",
        "import",
        "vacancies",
        SAMPLES / "arbeitgeberservice_2026-11.csv",
        "--source",
        "ags",
        "--rejects",
        rejects,
    )
    assert result.code == 0
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "row_number,source_ref,reason,payload" and len(lines) == 4

"""Erasure on request and the retention period: gone everywhere, and not coming back."""

from __future__ import annotations

import datetime as dt
import stat

import pytest

from resque.errors import ResqueError
from resque.pipelines.config import load_config
from resque.warehouse.db import opened, rewrite
from resque.warehouse.erasure import apply_retention, id_hash
from resque.warehouse.snapshot import publish_snapshot, snapshot_path
from tests.conftest import SAMPLES, dump_tables, pseudonym_of, query

PARTICIPANTS = SAMPLES / "teilnehmende_kompetenzanalyse.csv"


def mentions(db, participant_id):
    """How often the pseudonym appears in participants, matches and rejects."""
    return query(
        db,
        """
        select (select count(*) from participants where participant_id = $1)
             + (select count(*) from matches where participant_id = $1)
             + (select count(*) from rejects where source_ref = $1)""",
        [participant_id],
    )[0][0]


@pytest.fixture
def someone(sample_db):
    """A participant of the sample run who has matches."""
    [(participant_id,)] = query(
        sample_db, "select participant_id from matches group by 1 order by 1 limit 1"
    )
    return participant_id


def test_forget_removes_the_person_everywhere_and_keeps_only_a_hash(sample_db, resque, someone):
    with opened(sample_db) as con:
        publish_snapshot(con, sample_db)
    result = resque("--db", sample_db, "participants", "forget", someone, "--by", "coach")
    assert result.code == 0, result.err
    assert mentions(sample_db, someone) == 0
    assert mentions(snapshot_path(sample_db), someone) == 0
    assert query(sample_db, "select id_hash, forgotten_by, reason from forgotten_participants") == [
        (id_hash(someone), "coach", "request")
    ]
    assert someone not in str(dump_tables(sample_db))


def test_forgetting_leaves_no_bytes_of_the_person_in_the_file(sample_db, resque, someone):
    """DuckDB frees deleted rows' blocks without clearing them; forget rewrites the file."""
    with opened(sample_db) as con:
        con.execute("checkpoint")
    assert someone.encode() in sample_db.read_bytes()
    before = {t: rows for t, rows in dump_tables(sample_db).items() if t != "runs"}
    assert resque("--db", sample_db, "participants", "forget", someone).code == 0
    assert someone.encode() not in sample_db.read_bytes()
    assert stat.S_IMODE(sample_db.stat().st_mode) == 0o600
    after = dump_tables(sample_db)
    assert after["vacancies"] == before["vacancies"] and after["postings"] == before["postings"]
    assert len(after["participants"]) == len(before["participants"]) - 1


def test_a_rewritten_warehouse_keeps_its_schema_and_sequences(sample_db):
    schema = (
        "select table_name, column_name, data_type from duckdb_columns() order by all",
        "select view_name, sql from duckdb_views() where not internal order by all",
        "select table_name, constraint_type, constraint_text from duckdb_constraints() "
        "order by all",
        "select sequence_name, last_value from duckdb_sequences() order by all",
    )
    before = [query(sample_db, q) for q in schema]
    rewrite(sample_db)
    assert [query(sample_db, q) for q in schema] == before
    with opened(sample_db) as con:  # migrations recorded: nothing is applied again
        assert con.execute("select count(*) from runs").fetchall()[0][0] > 0


def test_a_forgotten_pseudonym_is_not_imported_again(sample_db, resque, someone):
    assert resque("--db", sample_db, "participants", "forget", someone).code == 0
    again = resque("--db", sample_db, "import", "participants", PARTICIPANTS)
    assert again.code == 0 and "1 rejected" in again.out
    assert mentions(sample_db, someone) == 0
    assert query(sample_db, "select count(*) from rejects where reason like 'forgotten%'") == [(1,)]


def test_forgetting_an_unknown_participant_changes_nothing(sample_db, resque):
    before = dump_tables(sample_db)
    result = resque("--db", sample_db, "participants", "forget", "TN-NOBODY")
    assert result.code == 1 and f"no participant {pseudonym_of('TN-NOBODY')!r}" in result.err
    assert "TN-NOBODY" not in result.err
    unknown = resque("--db", sample_db, "participants", "forget", "p-0000-0000-0000")
    assert unknown.code == 1 and "no participant 'P-0000-0000-0000'" in unknown.err
    assert dump_tables(sample_db) == before


def test_retention_forgets_profiles_no_import_confirmed(sample_db, someone):
    long_ago = dt.datetime(2024, 1, 1)
    with opened(sample_db) as con:
        con.execute(
            "update participants set updated_at = ? where participant_id = ?", [long_ago, someone]
        )
        assert apply_retention(con, None)["participants"] == 0
        removed = apply_retention(con, 12)
    assert removed["participants"] == 1
    assert mentions(sample_db, someone) == 0
    assert query(sample_db, "select reason, forgotten_by from forgotten_participants") == [
        ("retention", "retention")
    ]
    assert query(sample_db, "select count(*) from participants")[0][0] > 0


@pytest.mark.parametrize("value", ["0", "-3", "'twelve'", "true"])
def test_retention_setting_is_checked(tmp_path, value):
    config = tmp_path / "c.toml"
    config.write_text(f"[privacy]\nretention_months = {value}\n", encoding="utf-8")
    with pytest.raises(ResqueError, match=r"\[privacy\]: retention_months must be a whole number"):
        load_config(config)


def test_retention_setting_is_read(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[privacy]\nretention_months = 18\n", encoding="utf-8")
    assert load_config(config).retention_months == 18

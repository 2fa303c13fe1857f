"""Keyed participant pseudonyms: the hash, where the key comes from, and what it protects."""

from __future__ import annotations

import hashlib
import logging
import re
import stat
from pathlib import Path

import pytest

from resque.errors import ResqueError
from resque.matching.privacy import (
    is_pseudonym,
    key_fingerprint,
    participant_pseudonym,
    pseudonym,
    source_id_key,
)
from resque.pipelines.config import load_config
from resque.pipelines.pseudonym_key import default_key_path, load_key, parse_key
from resque.warehouse.db import open_warehouse
from resque.warehouse.erasure import id_hash
from tests.conftest import SAMPLES, TEST_KEY, dump_tables, pseudonym_of, query

KEY = bytes.fromhex(TEST_KEY)
OTHER_KEY = "fedcba9876543210" * 4
SAMPLE = SAMPLES / "teilnehmende_kompetenzanalyse.csv"
HEADER = "Teilnehmer-ID;Wunschberuf;Kompetenzen;PLZ/Ort;Umkreis km"
FORMAT = re.compile(r"^P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def write_csv(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def key_file(folder: Path, text: str = OTHER_KEY, mode: int = 0o600) -> Path:
    path = folder / "pseudonym.key"
    path.write_text(text + "\n", encoding="ascii")
    path.chmod(mode)
    return path


def warehouse_text(db: Path) -> str:
    """Every row of every table (runs included) as one string, to search for a value."""
    return str(dump_tables(db, skip=()))


# --- the hash ------------------------------------------------------------------------------


def test_a_pseudonym_is_short_readable_and_keyed():
    made = pseudonym("TN-2026-001", KEY)
    assert FORMAT.match(made) and is_pseudonym(made) and is_pseudonym(made.lower())
    unkeyed = hashlib.sha256(source_id_key("TN-2026-001").encode()).hexdigest()
    assert made.replace("-", "")[1:].lower() not in unkeyed
    assert made != pseudonym("TN-2026-001", bytes.fromhex(OTHER_KEY))
    assert made != pseudonym("TN-2026-002", KEY)


def test_the_same_person_written_differently_keeps_the_pseudonym():
    assert pseudonym(" tn-2026-001 ", KEY) == pseudonym("TN-2026-001", KEY)
    assert pseudonym("TN 2026\t001", KEY) == pseudonym("TN 2026 001", KEY)


def test_no_collision_among_a_hundred_thousand_ids():
    made = {pseudonym(f"TN-{i:06d}", KEY) for i in range(100_000)}
    assert len(made) == 100_000


def test_a_short_key_is_not_used():
    with pytest.raises(ValueError):
        pseudonym("TN-1", b"short")


def test_a_source_id_needs_the_key_a_pseudonym_does_not():
    made = pseudonym("TN-1", KEY)
    assert participant_pseudonym(made.lower(), None) == made
    assert participant_pseudonym("TN-1", KEY) == made
    with pytest.raises(ValueError):
        participant_pseudonym("TN-1", None)


# --- where the key comes from ------------------------------------------------------------


@pytest.mark.parametrize("text", ["abc123", "0123456789abcdef" * 2 + "0", "g" * 40, "ab" * 15])
def test_a_short_or_malformed_key_is_refused_without_echoing_it(text):
    with pytest.raises(ResqueError, match="at least 32 hexadecimal") as error:
        parse_key(text, "RESQUE_PSEUDONYM_KEY")
    assert text not in str(error.value)


def test_the_environment_key_beats_key_files(tmp_path, monkeypatch):
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY_FILE", str(key_file(tmp_path)))
    assert load_key().secret == KEY
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    assert load_key().secret == bytes.fromhex(OTHER_KEY)


def test_the_key_file_variable_beats_the_config(tmp_path, monkeypatch):
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    configured = key_file(tmp_path)
    other = tmp_path / "env"
    other.mkdir()
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY_FILE", str(key_file(other, TEST_KEY)))
    assert load_key(configured).secret == KEY
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY_FILE")
    assert load_key(configured).secret == bytes.fromhex(OTHER_KEY)


def test_the_config_names_a_key_file_relative_to_itself(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[privacy]\nkey_file = "secrets/p.key"\n', encoding="utf-8")
    assert load_config(config).key_file == tmp_path / "secrets" / "p.key"
    config.write_text("[privacy]\nkey_file = 7\n", encoding="utf-8")
    with pytest.raises(ResqueError, match=r"\[privacy\]: key_file must be a file name"):
        load_config(config)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_is_refused(tmp_path, monkeypatch, db, resque, mode):
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    path = key_file(tmp_path, mode=mode)
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY_FILE", str(path))
    result = resque("--db", db, "import", "participants", SAMPLE)
    assert result.code == 1 and result.err.count("\n") == 1
    assert f"mode {mode:04o}" in result.err and f"chmod 600 {path}" in result.err
    assert OTHER_KEY not in result.err
    assert query(db, "select count(*) from participants") == [(0,)]


def test_a_configured_key_file_that_is_missing_is_an_error_not_a_new_key(
    tmp_path, monkeypatch, db, resque
):
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY_FILE", str(tmp_path / "absent.key"))
    result = resque("--db", db, "import", "participants", SAMPLE)
    assert result.code == 1 and "no such pseudonym key file" in result.err
    assert not (tmp_path / "absent.key").exists() and not default_key_path().exists()


# --- keygen --------------------------------------------------------------------------------


def test_keygen_writes_an_owner_only_key_and_never_overwrites(tmp_path, monkeypatch, resque):
    out = tmp_path / "keys" / "resque.key"
    made = resque("participants", "keygen", "--out", out)
    assert made.code == 0, made.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    secret = out.read_text(encoding="ascii").strip()
    assert len(secret) == 64 and secret not in made.out + made.err
    assert key_fingerprint(bytes.fromhex(secret)) in made.out
    again = resque("participants", "keygen", "--out", out)
    assert again.code == 1 and "never overwritten" in again.err
    assert out.read_text(encoding="ascii").strip() == secret
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY_FILE", str(out))
    assert load_key().secret == bytes.fromhex(secret)


def test_keygen_refuses_a_path_inside_a_repository(tmp_path, resque):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    result = resque("participants", "keygen", "--out", tmp_path / "repo" / "conf" / "p.key")
    assert result.code == 1 and "inside the repository" in result.err
    assert not (tmp_path / "repo" / "conf").exists()


def test_two_keys_from_keygen_differ(tmp_path, resque):
    for name in ("a.key", "b.key"):
        assert resque("participants", "keygen", "--out", tmp_path / name).code == 0
    assert (tmp_path / "a.key").read_text() != (tmp_path / "b.key").read_text()


# --- the first import without a key, and imports with the wrong key -------------------------


def test_without_a_key_the_first_import_makes_one_in_the_config_home(
    tmp_path, monkeypatch, db, resque, caplog
):
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    with caplog.at_level(logging.DEBUG):
        result = resque("--db", db, "import", "participants", SAMPLE)
    assert result.code == 0, result.err
    path = tmp_path / "xdg" / "resque" / "pseudonym.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    warning = [r for r in caplog.records if r.levelno == logging.WARNING and "back it up" in r.msg]
    assert len(warning) == 1 and str(path) in warning[0].getMessage()
    secret = path.read_text(encoding="ascii").strip()
    assert secret not in caplog.text + result.out + result.err + warehouse_text(db)
    stored = {row[0] for row in query(db, "select participant_id from participants")}
    assert pseudonym("TN-2026-001", bytes.fromhex(secret)) in stored
    again = resque("--db", db, "import", "participants", SAMPLE)
    assert "40 loaded (0 new, 0 changed)" in again.out


def test_the_relative_xdg_config_home_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_key_path() == tmp_path / ".config" / "resque" / "pseudonym.key"


def test_a_different_key_is_refused_and_changes_nothing(tmp_path, monkeypatch, db, resque):
    assert resque("--db", db, "import", "participants", SAMPLE).code == 0
    before = dump_tables(db)
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY", OTHER_KEY)
    result = resque("--db", db, "import", "participants", SAMPLE)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "the pseudonym key differs from the one used for the 40 participants" in result.err
    assert key_fingerprint(KEY) in result.err and OTHER_KEY not in result.err
    assert dump_tables(db) == before
    failed = query(db, "select status from runs order by run_id desc limit 1")
    assert failed == [("failed",)]


def test_with_no_key_left_a_keyed_warehouse_makes_no_new_key(tmp_path, monkeypatch, db, resque):
    assert resque("--db", db, "import", "participants", SAMPLE).code == 0
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "fresh"))
    result = resque("--db", db, "import", "participants", SAMPLE)
    assert result.code == 1 and "no pseudonym key found" in result.err
    assert key_fingerprint(KEY) in result.err
    assert not (tmp_path / "fresh").exists()


def test_the_warehouse_records_the_key_fingerprint_only(db, resque):
    assert resque("--db", db, "import", "participants", SAMPLE).code == 0
    assert query(db, "select fingerprint from pseudonym_keys") == [(key_fingerprint(KEY),)]
    details = query(db, "select details->>'key_fingerprint' from runs")
    assert details == [(key_fingerprint(KEY),)]
    assert TEST_KEY not in warehouse_text(db)


# --- the same person in later files -------------------------------------------------------


def test_a_reimport_with_the_id_written_differently_updates_the_same_profile(db, resque, tmp_path):
    first = write_csv(tmp_path / "a.csv", "TN-2026-001;Koch;HACCP;04109 Leipzig;20")
    assert resque("--db", db, "import", "participants", first).code == 0
    second = write_csv(tmp_path / "b.csv", " tn-2026-001 ;Koch;HACCP, Kasse;04109 Leipzig;20")
    result = resque("--db", db, "import", "participants", second)
    assert "1 loaded (0 new, 1 changed)" in result.out
    rows = query(db, "select participant_id, skills from participants")
    assert rows == [(pseudonym_of("TN-2026-001"), ["HACCP", "Kasse"])]


def test_one_person_twice_in_a_file_is_a_duplicate(db, resque, tmp_path):
    path = write_csv(
        tmp_path / "a.csv", "TN-7;Koch;HACCP;04109 Leipzig;20", "tn-7;Koch;Kasse;04109 Leipzig;20"
    )
    result = resque("--db", db, "import", "participants", path)
    assert "1 loaded" in result.out and "1 rejected" in result.out
    assert query(db, "select reason, source_ref from rejects") == [
        ("duplicate of row 2 (same participant id)", pseudonym_of("TN-7"))
    ]


def test_no_source_id_is_stored_anywhere(db, resque, tmp_path):
    long_id = "TN-" + "9" * 70
    path = write_csv(
        tmp_path / "ids.csv",
        "TN-2026-901;Koch;HACCP;04109 Leipzig;20",
        "TN-2026-902;Koch;HACCP;04109 Leipzig;bis zum Mond",
        f"{long_id};Koch;HACCP;04109 Leipzig;20",
    )
    assert resque("--db", db, "import", "participants", path).code == 0
    text = warehouse_text(db)
    assert "TN-2026-90" not in text and "9" * 70 not in text
    assert pseudonym_of("TN-2026-901") in text and pseudonym_of("TN-2026-902") in text


# --- commands that take a participant ------------------------------------------------------


def test_pseudonym_command_prints_what_the_warehouse_stores(db, resque):
    assert resque("--db", db, "import", "participants", SAMPLE).code == 0
    result = resque("--db", db, "participants", "pseudonym", "TN-2026-001", "tn-2026-002")
    assert result.code == 0
    assert result.out.splitlines() == [
        f"TN-2026-001\t{pseudonym_of('TN-2026-001')}",
        f"tn-2026-002\t{pseudonym_of('TN-2026-002')}",
    ]
    stored = {row[0] for row in query(db, "select participant_id from participants")}
    assert pseudonym_of("TN-2026-002") in stored


def test_pseudonym_command_without_a_key_says_where_to_put_one(tmp_path, monkeypatch, resque):
    monkeypatch.delenv("RESQUE_PSEUDONYM_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = resque("participants", "pseudonym", "TN-1")
    assert result.code == 1 and "no pseudonym key" in result.err
    assert not (tmp_path / "resque").exists()


def test_forget_by_source_id_and_the_person_stays_forgotten(sample_db, resque, tmp_path):
    who = pseudonym_of("TN-2026-003")
    result = resque("--db", sample_db, "participants", "forget", "TN-2026-003", "--by", "coach")
    assert result.code == 0, result.err
    assert "TN-2026-003" not in result.out + result.err
    assert (
        query(sample_db, "select count(*) from participants where participant_id = ?", [who])[0][0]
        == 0
    )
    assert query(sample_db, "select id_hash from forgotten_participants") == [(id_hash(who),)]
    comeback = write_csv(tmp_path / "new.csv", "tn-2026-003 ;Koch;HACCP;04109 Leipzig;20")
    again = resque("--db", sample_db, "import", "participants", comeback)
    assert "0 loaded" in again.out and "1 rejected" in again.out


def test_forget_with_another_key_is_refused(sample_db, resque, monkeypatch):
    before = dump_tables(sample_db)
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY", OTHER_KEY)
    result = resque("--db", sample_db, "participants", "forget", "TN-2026-003")
    assert result.code == 1 and "the pseudonym key differs" in result.err
    assert dump_tables(sample_db) == before


# --- warehouses from before keyed pseudonyms -------------------------------------------------


def test_migration_removes_profiles_stored_under_their_source_ids(db):
    con = open_warehouse(db)
    con.execute("insert into participants (participant_id, updated_at) values ('TN-9', now())")
    con.execute("insert into forgotten_participants values (?, now(), 'c', 'request', 1, 0, 0)",
                [id_hash("TN-2026-004")])  # fmt: skip
    con.execute("drop table pseudonym_keys")
    con.execute("delete from schema_migrations where version = 6")
    con.close()
    open_warehouse(db).close()
    assert query(db, "select count(*) from participants") == [(0,)]
    assert query(db, "select count(*) from forgotten_participants") == [(1,)]


def test_an_erasure_recorded_before_keyed_pseudonyms_still_holds(db, resque):
    con = open_warehouse(db)
    con.execute("insert into forgotten_participants values (?, now(), 'c', 'request', 1, 0, 0)",
                [id_hash("TN-2026-004")])  # fmt: skip
    con.close()
    result = resque("--db", db, "import", "participants", SAMPLE)
    assert "39 loaded" in result.out and "1 rejected" in result.out
    stored = {row[0] for row in query(db, "select participant_id from participants")}
    assert pseudonym_of("TN-2026-004") not in stored


def test_pseudonym_command_refuses_a_key_other_than_the_warehouses(db, resque, monkeypatch):
    assert resque("--db", db, "import", "participants", SAMPLE).code == 0
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY", OTHER_KEY)
    result = resque("--db", db, "participants", "pseudonym", "TN-2026-001")
    assert result.code == 1 and result.out == ""
    assert "key differs" in result.err and len(result.err.strip().splitlines()) == 1


def test_a_mistyped_pseudonym_is_named_not_hashed(db, resque):
    assert resque("--db", db, "import", "participants", SAMPLE).code == 0
    typo = pseudonym_of("TN-2026-001")[:-1] + "O"  # no O in the alphabet
    result = resque("--db", db, "participants", "forget", typo)
    assert result.code == 1
    assert "not a valid pseudonym" in result.err and typo in result.err


def test_ids_with_typographic_dashes_are_the_same_person():
    assert pseudonym("TN\u20112026\u2011001", KEY) == pseudonym("TN-2026-001", KEY)
    assert pseudonym("TN\u20132026\u2013001", KEY) == pseudonym(" tn-2026-001", KEY)


def test_a_forgotten_person_with_a_bad_row_leaves_no_pseudonym_in_rejects(db, resque, tmp_path):
    assert resque("--db", db, "import", "participants", SAMPLE).code == 0
    assert resque("--db", db, "participants", "forget", "TN-2026-001").code == 0
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    rows = [row for row in SAMPLE.read_text(encoding="utf-8").splitlines() if "TN-2026-001;" in row]
    bad_radius = rows[0].replace(";20;", ";zehn;")
    path = tmp_path / "again.csv"
    path.write_text("\n".join([header, bad_radius, rows[0], rows[0]]) + "\n", encoding="utf-8")
    result = resque("--db", db, "import", "participants", path, "--rejects", tmp_path / "r.csv")
    assert result.code == 0, result.err
    forgotten = pseudonym_of("TN-2026-001")
    assert forgotten not in warehouse_text(db)
    assert forgotten not in (tmp_path / "r.csv").read_text(encoding="utf-8")


def test_keygen_checks_the_path_it_writes(resque, tmp_path, monkeypatch):
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    monkeypatch.chdir(repository)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = resque("participants", "keygen", "--out", "k.key")
    assert result.code == 1 and "inside the repository" in result.err
    assert not (repository / "k.key").exists()
    result = resque("participants", "keygen", "--out", "~/k.key")
    assert result.code == 0, result.err
    assert (tmp_path / "home" / "k.key").exists() and not (repository / "~").exists()


def test_a_key_file_is_whole_or_absent(tmp_path, monkeypatch):
    """The key is linked into place from a written temporary file: no empty key file."""
    from resque.pipelines import pseudonym_key

    path = tmp_path / "keys" / "pseudonym.key"

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pseudonym_key.os, "fsync", full_disk)
    with pytest.raises(ResqueError, match="cannot create the key file"):
        pseudonym_key.write_new_key(path)
    assert not path.exists() and list(path.parent.iterdir()) == []
    monkeypatch.undo()
    key = pseudonym_key.write_new_key(path)
    assert pseudonym_key.read_key_file(path).fingerprint == key.fingerprint

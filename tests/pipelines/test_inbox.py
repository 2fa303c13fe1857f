"""The inbox folder: which source a dropped file belongs to, its guards, where it goes after."""

from __future__ import annotations

import datetime as dt
import errno
import os
import resource
import shutil
import signal
import stat
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from resque import flows
from resque.errors import ResqueError
from resque.pipelines import inbox
from resque.pipelines.config import load_config
from resque.pipelines.inbox import (
    import_inbox_file,
    inbox_source,
    pending_files,
    source_name_from_file,
)
from resque.warehouse.db import open_warehouse
from tests.conftest import SAMPLES, query
from tests.pipelines.test_hostile_input import huge_shared_strings

EMPLOYER_SERVICE = SAMPLES / "arbeitgeberservice_2026-11.csv"
PROFILES = SAMPLES / "teilnehmende_kompetenzanalyse.csv"


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("Arbeitgeberservice_2026-12.csv", "arbeitgeberservice"),
        ("Liste Bäckerei Müller 01.12.2026.xlsx", "liste_baeckerei_mueller"),
        ("jobmesse_leipzig_2026.xlsx", "jobmesse_leipzig_2026"),  # a configured name as it is
        ("stellen-20261201.jsonl", "stellen"),
    ],
)
def test_source_name_from_the_file_name(name, source):
    assert source_name_from_file(Path(name), ["jobmesse_leipzig_2026"]) == source


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "resque.toml"
    path.write_text(
        '[inbox]\npath = "inbox"\n'
        f'[sources.arbeitgeberservice]\npath = "{EMPLOYER_SERVICE}"\n'
        'write_mode = "snapshot"\nmap = { "Vergütung" = "description" }\n'
        f'[sources.lehrstellen]\npath = "{SAMPLES / "ihk_lehrstellen.jsonl"}"\n'
        'defaults = { employment_type = "apprenticeship" }\n'
        f'[sources.kompetenzanalyse]\npath = "{PROFILES}"\n'
        'entity = "participants"\nwrite_mode = "snapshot"\n'
        f'[sources.kompetenzanalyse_dezember]\npath = "{PROFILES}"\n'
        'entity = "vacancies"\n',  # a careless config
        encoding="utf-8",
    )
    (tmp_path / "inbox").mkdir()
    return load_config(path)


def drop(config, source: Path | bytes, name: str, age: float = 3600) -> Path:
    """A file in the inbox, its mtime `age` seconds ago (as cp -p or rsync -a leave it)."""
    target = config.inbox / name
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        shutil.copy(source, target)
    os.utime(target, (time.time() - age, time.time() - age))
    return target


def import_one(db: Path, config, file: Path):
    """import_inbox_file as the nightly task runs it: its own connection, closed after."""
    con = open_warehouse(db)
    try:
        return import_inbox_file(con, file, config)
    finally:
        con.close()


def failed_files(config) -> list[str]:
    folder = config.inbox / "failed"
    return sorted(p.name.split("_", 1)[1] for p in folder.iterdir()) if folder.is_dir() else []


def every_inbox_byte(config) -> bytes:
    """The content of every file anywhere under the inbox folder."""
    return b"".join(p.read_bytes() for p in config.inbox.rglob("*") if p.is_file())


# --- which source --------------------------------------------------------------------------------


def test_a_configured_source_lends_its_settings(config):
    file = drop(config, EMPLOYER_SERVICE, "arbeitgeberservice_2026-12.csv")
    source = inbox_source(file, config)
    assert (source.name, source.write_mode, source.path) == ("arbeitgeberservice", "snapshot", file)
    assert source.map == {"Vergütung": "description"}


def test_a_file_of_no_configured_source_is_refused_not_imported_as_vacancies(config, db):
    file = drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "neue_liste.jsonl")
    with pytest.raises(ResqueError, match="no source configured for 'neue_liste'") as info:
        import_one(db, config, file)
    assert "\n" not in str(info.value)
    assert not file.exists()
    assert failed_files(config) == ["neue_liste.jsonl", "neue_liste.jsonl.error.txt"]
    note = next((config.inbox / "failed").glob("*.error.txt")).read_text(encoding="utf-8")
    assert "no source configured for 'neue_liste'" in note
    assert query(db, "select source, status from runs") == [("neue_liste", "failed")]
    assert query(db, "select count(*) from postings") == [(0,)]
    assert query(db, "select count(*) from raw_records") == [(0,)]


def test_a_sidecar_names_source_and_settings(config):
    file = drop(config, SAMPLES / "firmenliste_hwk_ihk.csv", "scan.csv")
    (config.inbox / "scan.csv.toml").write_text(
        'source = "firmen_hwk"\nentity = "employers"\nallow_shrink = true\n', encoding="utf-8"
    )
    source = inbox_source(file, config)
    assert (source.name, source.entity, source.max_shrink) == ("firmen_hwk", "employers", 1.0)
    (config.inbox / "scan.csv.toml").write_text('quelle = "x"\n', encoding="utf-8")
    with pytest.raises(ResqueError, match="unknown key 'quelle'"):
        inbox_source(file, config)
    (config.inbox / "scan.csv.toml").write_text('allow_shrink = "ja"\n', encoding="utf-8")
    with pytest.raises(ResqueError, match="allow_shrink must be true or false"):
        inbox_source(file, config)


def test_imported_files_move_to_done_and_failed(config, db):
    good = drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "lehrstellen_2026-12.jsonl")
    (config.inbox / "lehrstellen_2026-12.jsonl.toml").write_text(
        'write_mode = "merge"\n', encoding="utf-8"
    )
    bad = drop(config, b"", "lehrstellen_leer.csv")
    (config.inbox / "lehrstellen_leer.csv.toml").write_text(
        'source = "lehrstellen"\n', encoding="utf-8"
    )
    result = import_one(db, config, good)
    with pytest.raises(ResqueError):
        import_one(db, config, bad)
    assert (result.source, result.counts.rows_loaded) == ("lehrstellen", 60)
    assert not good.exists() and not bad.exists()
    done = sorted(p.name for p in (config.inbox / "done").iterdir())
    assert [n.split("_", 1)[1] for n in done] == [
        "lehrstellen_2026-12.jsonl",
        "lehrstellen_2026-12.jsonl.toml",
    ]
    assert "lehrstellen_leer.csv.error.txt" in failed_files(config)
    assert query(db, "select distinct employment_type from postings") == [("apprenticeship",)]
    assert query(db, "select source, status from runs order by run_id") == [
        ("lehrstellen", "succeeded"),
        ("lehrstellen", "failed"),
    ]


# --- a list of people is never imported as anything else (finding 3) -------------------------

PEOPLE = (  # a "Beruf" column: a vacancy import without the guard takes it as the title
    b"Teilnehmer-ID;Name;Telefon;Beruf;Wunschberuf;Kompetenzen;PLZ/Ort\n"
    b"TN-2026-901;Anna Schmidt;0176 12345678;Verkaeuferin;Lager;Wareneingang;04315 Leipzig\n"
    b"TN-2026-902;Ben Meyer;0341 1234567;Koch;Koch;HACCP;04109 Leipzig\n"
)


@pytest.mark.parametrize(
    ("name", "sidecar"),
    [
        ("Kompetenzanalyse Dezember.csv", None),  # its source is configured as vacancies
        ("liste.csv", 'source = "stellen"\nentity = "vacancies"\n'),
        ("stellen_2026-12.csv", 'source = "stellen"\n'),
    ],
    ids=["config says vacancies", "sidecar says vacancies", "sidecar names a source"],
)
def test_a_participant_list_under_another_name_never_lands_in_raw_records(
    config, db, name, sidecar
):
    file = drop(config, PEOPLE, name)
    if sidecar:
        file.with_name(name + ".toml").write_text(sidecar, encoding="utf-8")
    with pytest.raises(ResqueError, match="looks like a list of people") as info:
        import_one(db, config, file)
    assert "Anna" not in str(info.value) and "0176" not in str(info.value)
    assert query(db, "select count(*) from raw_records") == [(0,)]
    assert query(db, "select count(*) from postings") == [(0,)]
    assert query(db, "select count(*) from rejects") == [(0,)]
    assert [status for (status,) in query(db, "select status from runs")] == ["failed"]
    assert name in failed_files(config)


def test_a_participant_file_meets_the_privacy_guard(config, db):
    people = drop(config, PEOPLE, "kompetenzanalyse_2026-12.csv")
    with pytest.raises(ResqueError, match="identify a person"):
        import_one(db, config, people)
    assert query(db, "select count(*) from participants") == [(0,)]
    assert "kompetenzanalyse_2026-12.csv" in failed_files(config)


# --- what stays in the folder (finding 9) ------------------------------------------------------


def test_files_in_failed_are_owner_only(config, db):
    previous = os.umask(0o022)  # a shell's usual umask, not the CLI's 077
    try:
        file = drop(config, b"A;B\n1;2\n", "kaputt.csv")  # no title column
        file.chmod(0o644)
        file.with_name(file.name + ".toml").write_text('source = "x"\n', encoding="utf-8")
        with pytest.raises(ResqueError):
            import_one(db, config, file)
    finally:
        os.umask(previous)
    failed = list((config.inbox / "failed").iterdir())
    assert len(failed) == 3  # the file, its sidecar and the error beside them
    assert {stat.S_IMODE(p.stat().st_mode) for p in failed} == {0o600}


def test_an_imported_participant_file_is_deleted_and_forget_leaves_no_trace(config, db, resque):
    drop(config, PROFILES, "kompetenzanalyse_2026-12.csv")
    result = import_one(db, config, config.inbox / "kompetenzanalyse_2026-12.csv")
    assert (result.entity, result.counts.rows_loaded) == ("participants", 40)
    assert resque("--db", db, "participants", "forget", "TN-2026-001").code == 0
    assert b"TN-2026-001" not in every_inbox_byte(config)
    assert not list(config.inbox.rglob("*kompetenzanalyse*.csv"))
    assert result.details["inbox_file"] == "deleted after import"


def old_name(days: float, name: str) -> str:
    """A name as _file_away gives it, stamped `days` ago."""
    stamp = dt.datetime.now() - dt.timedelta(days=days)
    return f"{stamp:%Y%m%d-%H%M%S}_{name}"


def test_retention_deletes_old_files_left_in_done_and_failed(config, db):
    names = {days: old_name(days, "kompetenzanalyse.csv") for days in (400, 10)}
    for where, days in (("done", 400), ("failed", 400), ("failed", 10)):
        folder = config.inbox / where
        folder.mkdir(exist_ok=True)
        shutil.copy(PROFILES, folder / names[days])
    counts = flows.retention.fn(str(db), 12, str(config.inbox))
    assert counts["inbox_files"] == 2
    assert [p.name for p in config.inbox.rglob("*.csv")] == [names[10]]
    assert inbox.clear_expired(config.inbox, None) == 0  # no retention period: nothing goes
    assert inbox.clear_expired(config.inbox, 1, dt.datetime.now() + dt.timedelta(days=40)) == 1
    assert b"TN-2026-001" not in every_inbox_byte(config)


# --- half-copied files (finding 8) -----------------------------------------------------------


def test_a_file_growing_between_two_looks_waits(config):
    stable = drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "fertig.jsonl")
    copying = drop(config, EMPLOYER_SERVICE.read_bytes()[:3000], "arbeitgeberservice.csv")
    drop(config, SAMPLES / "ihk_lehrstellen.jsonl", ".versteckt.jsonl")
    (config.inbox / "fertig.jsonl.toml").write_text("", encoding="utf-8")
    old = copying.stat().st_mtime

    def copy_goes_on(seconds: float) -> None:
        assert seconds == 0.05
        with copying.open("ab") as handle:  # cp -p / rsync -a: more bytes, the old mtime
            handle.write(EMPLOYER_SERVICE.read_bytes()[3000:6000])
        os.utime(copying, (old, old))

    assert pending_files(config.inbox, 0.05, wait=copy_goes_on) == [stable]
    assert pending_files(config.inbox, 0.0) == [copying, stable]  # held still: taken now


@pytest.fixture
def loaded_source(config, db):
    """The employer-service list imported whole, as a snapshot source, through the inbox."""
    result = import_one(
        db, config, drop(config, EMPLOYER_SERVICE, "arbeitgeberservice_2026-11.csv")
    )
    assert result.counts.rows_loaded == 117
    return db


def active_postings(db) -> int:
    return query(db, "select count(*) from postings where is_active")[0][0]


def head_of_the_list(size: int, whole_lines: bool) -> bytes:
    data = EMPLOYER_SERVICE.read_bytes()[:size]
    return data[: data.rindex(b"\n") + 1] if whole_lines else data


@pytest.mark.parametrize(
    ("whole_lines", "message"),
    [(False, "last row is cut off"), (True, "would deactivate 105 of its 117 active postings")],
    ids=["cut mid-line", "cut at a line end"],
)
def test_the_first_3000_bytes_of_a_snapshot_list_deactivate_nothing(
    config, loaded_source, whole_lines, message
):
    db = loaded_source
    half = drop(config, head_of_the_list(3000, whole_lines), "arbeitgeberservice_2026-12.csv")
    with pytest.raises(ResqueError, match=message):
        import_one(db, config, half)
    assert active_postings(db) == 117
    assert query(db, "select status, rows_deactivated from runs order by run_id desc limit 1") == [
        ("failed", None)
    ]
    assert "arbeitgeberservice_2026-12.csv" in failed_files(config)


def test_allow_shrink_in_the_sidecar_lets_a_real_shrink_through(config, loaded_source):
    db = loaded_source
    shrunk = drop(config, head_of_the_list(3000, True), "arbeitgeberservice_2026-12.csv")
    shrunk.with_name(shrunk.name + ".toml").write_text("allow_shrink = true\n", encoding="utf-8")
    assert import_one(db, config, shrunk).counts.rows_deactivated == 105
    assert active_postings(db) == 12


# --- poison files (finding 7) ------------------------------------------------------------------


POISON = {
    "csv field over 128 KB": ("gift.csv", lambda: b"Titel;Firma\n" + b"x" * 200_000 + b";A\n"),
    "json nested 990 deep": (
        "gift.jsonl",
        lambda: ('{"titel": "Koch", "x": ' + '{"a": ' * 990 + "1" + "}" * 990 + "}\n").encode(),
    ),
    "100,000-column header": (
        "gift.csv",
        lambda: (";".join(["Titel"] + [f"c{i}" for i in range(100_000)]) + "\nKoch;1\n").encode(),
    ),
    "xlsx shared string of 200 MB": ("gift.xlsx", lambda: huge_shared_strings(200)),
}


@pytest.mark.parametrize("case", POISON, ids=list(POISON))
def test_a_poison_file_is_set_aside_and_the_next_file_imports(config, db, monkeypatch, case):
    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook was parsed before its sizes were checked")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    name, make = POISON[case]
    poison = drop(config, make(), name)
    poison.with_name(name + ".toml").write_text('source = "lehrstellen"\n', encoding="utf-8")
    good = drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "lehrstellen_2026-12.jsonl")
    outcomes = []
    for file in pending_files(config.inbox, 0.0):  # the nightly run: each file in turn
        try:
            outcomes.append(import_one(db, config, file).counts.rows_loaded)
        except ResqueError as exc:
            outcomes.append(str(exc))
    refusal, loaded = outcomes
    assert loaded == 60
    assert refusal.startswith(f"{poison}: refused") and "\n" not in refusal
    assert failed_files(config) == [name, name + ".error.txt", name + ".toml"]
    assert not poison.exists() and not good.exists()
    runs = query(db, "select status, error from runs order by run_id")
    assert runs == [("failed", refusal), ("succeeded", None)]


def test_a_full_disk_sets_the_file_aside_with_a_failed_run(config, db):
    """A real write failure (a file-size cap, as a full disk): rolled back, recorded, moved."""
    one = drop(config, b"Referenznummer;Titel\nA1;Koch\n", "lehrstellen_2026-11.csv")
    import_one(db, config, one)
    rows = "".join(f"R{i};Lagerhelfer {i} (m/w/d);Firma {i % 300};04109\n" for i in range(30_000))
    big = drop(
        config, ("Referenznummer;Titel;Firma;PLZ\n" + rows).encode(), "lehrstellen_2026-12.csv"
    )
    limit = db.stat().st_size + (1 << 20)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        with pytest.raises(ResqueError, match="load failed") as info:
            import_one(db, config, big)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
    assert "\n" not in str(info.value)
    assert query(db, "select count(*) from postings") == [(1,)]
    assert query(db, "select status, error from runs order by run_id") == [
        ("succeeded", None),
        ("failed", str(info.value)),
    ]
    assert "lehrstellen_2026-12.csv" in failed_files(config)


def test_when_not_even_the_failed_run_can_be_written_the_line_says_so(config, db, monkeypatch):
    def no_space(*args, **kwargs):
        raise duckdb.IOException(f"Could not write file: {os.strerror(errno.ENOSPC)}")

    def invalidated(*args, **kwargs):
        raise duckdb.FatalException("database has been invalidated because of a previous error")

    file = drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "lehrstellen_2026-12.jsonl")
    monkeypatch.setattr("resque.warehouse.load.load_staged", invalidated)
    monkeypatch.setattr("resque.pipelines.importer.load_staged", invalidated)
    monkeypatch.setattr("resque.warehouse.runs.record_run", invalidated)
    monkeypatch.setattr("resque.warehouse.runs.record_run_anew", no_space)
    with pytest.raises(ResqueError) as info:
        import_one(db, config, file)
    line = str(info.value)
    assert "load failed" in line and "\n" not in line
    assert "the failed run could not be recorded either" in line
    assert "No space left on device" in line
    note = next((config.inbox / "failed").glob("*.error.txt")).read_text(encoding="utf-8")
    assert note == line + "\n"

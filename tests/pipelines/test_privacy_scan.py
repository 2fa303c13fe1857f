"""After a full run, an approved export and a refused participant file, nothing is personal.

Scans every text value of the warehouse and of the analyst snapshot, the export files, the
command output and every log record for e-mail addresses, phone numbers, the values of the
refused file and the participants' ids as the source file wrote them (only their keyed
pseudonyms may be stored or shown). Log records must not carry profile content either: no
participant's skills or wished occupations.
"""

from __future__ import annotations

import csv
import logging
import re
import shutil
import stat
from pathlib import Path

import duckdb
import openpyxl
import pytest

from resque.warehouse.db import opened
from resque.warehouse.snapshot import publish_snapshot, snapshot_path
from tests.conftest import SAMPLES, TEST_KEY, TESTS, captured_logs, query, run_cli

FIXTURES = TESTS / "fixtures" / "participants"
REFUSED = FIXTURES / "teilnehmende_mit_personendaten.csv"
PARTICIPANTS = SAMPLES / "teilnehmende_kompetenzanalyse.csv"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+49|0049|\b0)[1-9][0-9 /()-]{6,}[0-9]\b")
# profile text shorter than this ('SAP', 'Kasse') is too common to tell a leak from chance
MIN_PROFILE_TEXT = 8


def refused_values() -> set[str]:
    """Every value of the refused file's identifying columns."""
    with REFUSED.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    columns = ["Vorname", "Nachname", "Geburtsdatum", "E-Mail", "Staatsangehörigkeit"]
    return {row[c] for row in rows for c in columns}


def sample_profiles() -> list[dict[str, str]]:
    with PARTICIPANTS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def source_ids() -> set[str]:
    """The participant ids of the sample file and the refused file, as the files write them."""
    with REFUSED.open(encoding="utf-8") as handle:
        refused = {row["Teilnehmer-ID"] for row in csv.DictReader(handle, delimiter=";")}
    return {row["Teilnehmer-ID"] for row in sample_profiles()} | refused


def profile_texts() -> set[str]:
    """The sample participants' skills and wished occupations, one item each."""
    items = set()
    for row in sample_profiles():
        for column in ("Wunschberufe", "Kompetenzen"):
            items |= {item.strip() for item in row[column].split(";")}
    return {item for item in items if len(item) >= MIN_PROFILE_TEXT}


def text_values(db: Path) -> list[str]:
    """Every non-null text value of every table and view's text columns."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where data_type in ('VARCHAR', 'JSON') or data_type like 'VARCHAR[]'"
        ).fetchall()
        values = []
        for table, column in columns:
            rows = con.execute(
                f'select distinct "{column}"::varchar from "{table}" where "{column}" is not null'
            )
            values += [row[0] for row in rows.fetchall()]
        return values
    finally:
        con.close()


def leaks(values: list[str]) -> list[str]:
    secrets = refused_values() | source_ids() | {TEST_KEY}
    return [v for v in values if EMAIL.search(v) or PHONE.search(v) or any(s in v for s in secrets)]


@pytest.fixture(scope="module")
def exported(filled_run, tmp_path_factory):
    """The sample warehouse after a refused import, an approval, an export, a look-up of one
    participant's list and an erasure (the last two by source id), with the session run's
    output and log records and those of these commands; once for this module's scans."""
    tmp_path = tmp_path_factory.mktemp("scanned")
    sample_db = Path(shutil.copy(filled_run.db, tmp_path / "samples.duckdb"))
    resque = run_cli
    with captured_logs() as records:
        refused = resque("--db", sample_db, "import", "participants", REFUSED)
        assert refused.code == 1 and "Vorname" in refused.err
        again = resque("--db", sample_db, "import", "participants", PARTICIPANTS)
        assert again.code == 0, again.err
        run_id = query(sample_db, "select max(run_id) from runs where kind = 'match'")[0][0]
        # a review drop by source id: the drop table holds the pseudonym only
        reviewed = resque(
            "--db", sample_db, "review", str(run_id), "--drop-participant", "TN-2026-002"
        )
        assert reviewed.code == 0, reviewed.err
        approved = resque("--db", sample_db, "approve", str(run_id), "--by", "coach")
        assert approved.code == 0, approved.err
        out = tmp_path / "export"
        done = resque(
            "--db", sample_db, "export", "employer-service", "--out", out, "--to", "AG-S Leipzig"
        )
        assert done.code == 0, done.err
        listed = resque("--db", sample_db, "match", "--participant", "TN-2026-001")
        assert listed.code == 0 and "== Stellen für P-" in listed.out, listed.err
        forgot = resque("--db", sample_db, "participants", "forget", "TN-2026-002")
        assert forgot.code == 0, forgot.err
        with opened(sample_db) as con:
            publish_snapshot(con, sample_db)
    output = filled_run.output + "".join(
        r.out + r.err for r in (refused, again, reviewed, approved, done, listed, forgot)
    )
    return sample_db, out, output, filled_run.records + records


def test_warehouse_holds_nothing_personal(exported):
    db, _, _, _ = exported
    assert leaks(text_values(db)) == []


def test_snapshot_holds_nothing_personal(exported):
    db, _, _, _ = exported
    snapshot = snapshot_path(db)
    assert snapshot.exists()
    assert leaks(text_values(snapshot)) == []


def test_exports_and_output_hold_nothing_personal(exported):
    _, out, output, _ = exported
    files = sorted(out.iterdir())
    assert {f.suffix for f in files} == {".xlsx", ".csv"}
    values = [output]
    for file in files:
        if file.suffix == ".csv":
            values.append(file.read_text(encoding="utf-8-sig"))
        else:
            book = openpyxl.load_workbook(file, read_only=True)
            values += [
                str(c)
                for sheet in book
                for row in sheet.iter_rows(values_only=True)
                for c in row
                if c
            ]
    assert leaks(values) == []


def test_log_records_hold_nothing_personal(exported):
    *_, records = exported
    layout = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = [layout.format(record) for record in records]  # with any traceback
    names = {record.name for record in records}
    # the run and the commands did log: the import, the flow's tasks, the erasure
    assert {
        "resque.pipelines.participants",
        "resque.warehouse.erasure",
        "prefect.task_runs",
    } <= names
    assert leaks(lines) == []
    texts = profile_texts()
    assert len(texts) > 40
    assert [line for line in lines if any(text in line for text in texts)] == []


def test_the_scan_would_see_a_leak():
    assert leaks(["participant TN-2026-017 imported"]) and leaks(["x 0176 12345678"])
    assert not leaks(["participant P-4XKM-9T2B-QHZ7 imported"])


def test_files_resque_creates_are_owner_only(exported):
    db, out, _, _ = exported
    for path in [db, snapshot_path(db), *out.iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path

"""After a full run, an approved export and a refused participant file, nothing is personal.

Scans every text value of the warehouse and of the analyst snapshot, the export files and
the command output for e-mail addresses, phone numbers and the values of the refused file.
"""

from __future__ import annotations

import csv
import re
import stat
from pathlib import Path

import duckdb
import openpyxl
import pytest

from tests.conftest import query
from warehouse.db import opened
from warehouse.snapshot import publish_snapshot, snapshot_path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "participants"
REFUSED = FIXTURES / "teilnehmende_mit_personendaten.csv"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+49|0049|\b0)[1-9][0-9 /()-]{6,}[0-9]\b")


def refused_values() -> set[str]:
    """Every value of the refused file's identifying columns."""
    with REFUSED.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    columns = ["Vorname", "Nachname", "Geburtsdatum", "E-Mail", "Staatsangehörigkeit"]
    return {row[c] for row in rows for c in columns}


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
    secrets = refused_values()
    return [v for v in values if EMAIL.search(v) or PHONE.search(v) or any(s in v for s in secrets)]


@pytest.fixture
def exported(sample_db, tmp_path, resque):
    """The sample warehouse after a refused import, an approval and an export."""
    refused = resque("--db", sample_db, "import", "participants", REFUSED)
    assert refused.code == 1 and "Vorname" in refused.err
    run_id = query(sample_db, "select max(run_id) from runs where kind = 'match'")[0][0]
    assert resque("--db", sample_db, "approve", str(run_id), "--by", "coach").code == 0
    out = tmp_path / "export"
    done = resque(
        "--db", sample_db, "export", "employer-service", "--out", out, "--to", "AG-S Leipzig"
    )
    assert done.code == 0, done.err
    with opened(sample_db) as con:
        publish_snapshot(con, sample_db)
    return sample_db, out, refused.out + refused.err + done.out + done.err


def test_warehouse_holds_nothing_personal(exported):
    db, _, _ = exported
    assert leaks(text_values(db)) == []


def test_snapshot_holds_nothing_personal(exported):
    db, _, _ = exported
    snapshot = snapshot_path(db)
    assert snapshot.exists()
    assert leaks(text_values(snapshot)) == []


def test_exports_and_output_hold_nothing_personal(exported):
    _, out, output = exported
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


def test_files_resque_creates_are_owner_only(exported):
    db, out, _ = exported
    for path in [db, snapshot_path(db), *out.iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path

"""`resque query SQL --excel OUT` (issue 16): German-Excel CSV or a workbook, read back here."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import openpyxl
import pytest

from tests.conftest import SAMPLES, query

# One row of every kind a query returns: text, a double, a decimal, a date, a timestamp,
# text a spreadsheet would run, a negative number, nothing, a boolean, a ';' inside text.
ROW = (
    "select 'Köchin' as title, 3.5::double as score, 12.25::decimal(6, 2) as amount, "
    "date '2026-12-01' as start, timestamp '2026-12-01 14:30:00' as seen, "
    "'=HYPERLINK(\"http://x\")' as evil, -2 as n, null as nothing, true as flag, "
    "'a;b' as semi"
)

COLUMNS = ["title", "score", "amount", "start", "seen", "evil", "n", "nothing", "flag", "semi"]


@pytest.fixture
def db(tmp_path: Path, resque) -> Path:
    path = tmp_path / "w.duckdb"
    assert resque("--db", path, "init").code == 0
    return path


def test_csv_is_what_german_excel_opens(db, tmp_path, resque):
    out = tmp_path / "ergebnis.csv"
    result = resque("--db", db, "query", ROW, "--excel", out)
    assert result.code == 0 and result.out == f"{out}: 1 rows\n"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 only from a BOM
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n") and "Köchin" in text
    header, row = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    assert header == COLUMNS
    assert row == [
        "Köchin",
        "3,5",
        "12,25",
        "01.12.2026",
        "01.12.2026 14:30:00",
        '\'=HYPERLINK("http://x")',
        "-2",
        "",
        "WAHR",
        "a;b",
    ]


def test_xlsx_has_a_bold_frozen_header_and_typed_cells(db, tmp_path, resque):
    out = tmp_path / "ergebnis.xlsx"
    assert resque("--db", db, "query", ROW, "--excel", out).code == 0
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header == COLUMNS
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["title"].value == "Köchin"
    assert cells["score"].value == 3.5 and cells["n"].value == -2
    assert float(cells["amount"].value) == 12.25
    assert cells["start"].value == dt.datetime(2026, 12, 1)  # an Excel date, not text
    assert cells["start"].number_format == "DD.MM.YYYY"
    assert cells["seen"].value == dt.datetime(2026, 12, 1, 14, 30)
    assert cells["seen"].number_format == "DD.MM.YYYY HH:MM:SS"
    evil = cells["evil"]
    assert evil.data_type == "s" and evil.quotePrefix  # shown as text, never run
    assert evil.value == '=HYPERLINK("http://x")'
    assert cells["nothing"].value is None and cells["flag"].value is True
    evil_width = sheet.column_dimensions["F"].width
    assert evil_width >= len(evil.value) and sheet.column_dimensions["A"].width >= 8


def test_xlsx_holds_many_rows_and_an_empty_result(db, tmp_path, resque):
    out = tmp_path / "viele.xlsx"
    sql = "select range as i, range / 4 as q from range(3000)"
    assert resque("--db", db, "query", sql, "--excel", out).code == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 3001 and sheet.cell(3001, 2).value == 2999 / 4
    empty = tmp_path / "leer.csv"
    assert resque("--db", db, "query", "select 1 as x where false", "--excel", empty).code == 0
    assert empty.read_bytes() == "\ufeffx\r\n".encode()


def test_an_out_path_in_a_missing_folder_is_one_line_before_the_query(db, tmp_path, resque):
    out = tmp_path / "nicht_da" / "ergebnis.xlsx"
    result = resque("--db", db, "query", "select * from no_such_table", "--excel", out)
    assert result.code == 1 and result.out == ""
    assert result.err == f"resque: error: {out}: the folder {out.parent} does not exist\n"
    assert not out.parent.exists()


@pytest.mark.parametrize("name", ["w.duckdb", "copy.csv", "w.duckdb.wal", "postings.parquet"])
def test_a_database_is_never_overwritten(db, tmp_path, resque, name):
    target = tmp_path / name
    if name == "copy.csv":
        target.write_bytes(db.read_bytes())  # a database under any name
    elif name == "w.duckdb.wal":
        target.write_bytes(b"\x00" * 64)  # the log of an interrupted writer
    elif name.endswith(".parquet"):
        duckdb.execute(f"copy (select 1 as x) to '{target}' (format parquet)")
    before = target.read_bytes()
    result = resque("--db", db, "query", "select 1 as x", "--excel", target)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "is a DuckDB database, its log or a Parquet file" in result.err
    assert target.read_bytes() == before
    assert query(db, "select count(*) > 0 from schema_migrations") == [(True,)]


def test_a_folder_as_out_is_one_line(db, tmp_path, resque):
    result = resque("--db", db, "query", "select 1 as x", "--excel", tmp_path)
    assert result.code == 1 and "is a folder" in result.err and result.err.count("\n") == 1


def test_a_refused_statement_writes_no_file(db, tmp_path, resque):
    out = tmp_path / "ergebnis.csv"
    result = resque("--db", db, "query", "delete from runs", "--excel", out)
    assert result.code == 1 and "read-only" in result.err
    assert not out.exists() and list(tmp_path.glob(".ergebnis*")) == []


def test_csv_and_excel_together_are_a_usage_error(db, tmp_path, resque, capsys):
    with pytest.raises(SystemExit) as stopped:
        resque("--db", db, "query", "select 1", "--csv", "--excel", tmp_path / "x.csv")
    assert stopped.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_postings_written_for_excel_import_back_unchanged(db, tmp_path, resque, suffix):
    sample = SAMPLES / "arbeitgeberservice_2026-11.csv"
    first = resque("--db", db, "import", "vacancies", sample, "--source", "ags")
    assert first.code == 0 and "117 loaded" in first.out
    out = tmp_path / f"postings{suffix}"
    assert resque("--db", db, "query", "--live", "select * from postings", "--excel", out).code == 0
    again = resque("--db", db, "import", "vacancies", out, "--source", "ags")
    assert again.code == 0 and "117 loaded (0 new, 0 changed), 0 rejected" in again.out

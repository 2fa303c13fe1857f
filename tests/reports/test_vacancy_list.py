"""`resque export vacancies` (issue 16): the partners' circulating list, XLSX and CSV."""

from __future__ import annotations

import csv
import shutil
import stat
from pathlib import Path

import openpyxl
import pytest

from resque.reports.vacancy_list import ID_HEADER, LIST_COLUMNS, PARTNER_COLUMNS
from tests.conftest import query
from tests.reports.vacancy_list_support import (
    FORMULA_TITLE,
    build_warehouse,
    export_list,
    sheet_rows,
)

PARTNER_HEADERS = [header for header, _ in PARTNER_COLUMNS.values()]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("vacancy-list"))


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built, tmp_path / "w.duckdb"))


def test_the_fairs_list_has_the_id_first_the_vacancies_and_empty_partner_columns(
    db, resque, tmp_path
):
    xlsx, csv_file = export_list(resque, db, tmp_path / "out", "--source", "messe", "--csv")
    assert xlsx.name.endswith("_messe.xlsx") and csv_file.suffix == ".csv"
    rows = sheet_rows(xlsx)
    assert list(rows[0])[0] == ID_HEADER == "Stellen-ID (nicht ändern)"
    assert list(rows[0])[-5:] == [
        "Noch offen? (ja/nein)",
        "Plätze",
        "Beginn",
        "Ansprechpartner bekannt bei",
        "Hinweis",
    ]
    ids = {r[0] for r in query(db, "select vacancy_id from vacancies where 'M-1' <> ''")}
    assert {r[ID_HEADER] for r in rows} <= ids and len(rows) == 3  # the fair's three only
    baker = next(r for r in rows if r["Stelle"] == "Bäcker*in (m/w/d)")
    assert baker["Arbeitgeber"] == "Bäckerei Größe & Söhne GmbH"
    assert (baker["PLZ"], baker["Ort"], baker["Arbeitszeit"]) == ("04103", "Leipzig", "Vollzeit")
    assert baker["Beginn laut Liste"].date().isoformat() == "2027-08-01"
    assert baker["Plätze laut Liste"] == 2
    # sources by their display names (the bundled config names the fair's list)
    assert baker["Quellen"] == "Jobmesse Leipzig 2026 (Liste der Veranstalter)"
    assert all(r[h] is None for r in rows for h in PARTNER_HEADERS)
    for path in (xlsx, csv_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_filter_every_active_vacancy_is_listed(db, resque, tmp_path):
    [xlsx] = export_list(resque, db, tmp_path / "out")
    # by employer, as a German reader looks them up: 'Übel AG' under U
    assert [r["Arbeitgeber"] for r in sheet_rows(xlsx)] == [
        "Bäckerei Größe & Söhne GmbH",
        "Gasthaus Zur Linde",
        "Lager Nord GmbH",
        "Übel AG",
    ]
    result = resque(
        "--db", db, "export", "vacancies", "--out", tmp_path / "x", "--since", "2099-01-01"
    )
    assert result.code == 1
    assert result.err.strip() == (
        "resque: error: no active vacancy first seen since 2099-01-01: no list written"
    )
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_a_formula_in_the_data_stays_text_in_both_files(db, resque, tmp_path):
    xlsx, csv_file = export_list(resque, db, tmp_path / "out", "--csv")
    sheet = openpyxl.load_workbook(xlsx)["Stellen"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA_TITLE]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].quotePrefix  # text, shown as typed
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert [c for row in rows for c in row if "HYPERLINK" in c] == ["'" + FORMULA_TITLE]
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert "Bäckerei Größe & Söhne GmbH" in {row[2] for row in rows}


def test_the_list_is_printable_protected_and_explained(db, resque, tmp_path):
    [xlsx] = export_list(resque, db, tmp_path / "out")
    book = openpyxl.load_workbook(xlsx)
    sheet = book["Stellen"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref
    # the id and the list's columns are locked, the partner's open
    assert sheet.protection.sheet
    width = len(LIST_COLUMNS)
    assert sheet.cell(2, 1).protection.locked
    assert all(not sheet.cell(2, width + i).protection.locked for i in range(1, 6))
    assert sheet.cell(2, 2).alignment.wrap_text
    notes = {c.value: c.comment.text for c in sheet[1] if c.comment}
    assert "nicht ändern" in notes[ID_HEADER].lower()
    assert "Keine Namen von Personen" in notes["Ansprechpartner bekannt bei"]
    choices = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert choices and choices[0].formula1 == '"ja,nein"'
    guide = " ".join(str(c.value) for row in book["Anleitung"].iter_rows() for c in row if c.value)
    assert "Stellen-ID nicht ändern" in guide and "Keine Namen von Personen" in guide


def test_the_export_is_a_run(db, resque, tmp_path):
    [xlsx] = export_list(resque, db, tmp_path / "out")
    [(kind, status, rows, details)] = query(
        db, "select kind, status, rows_loaded, details from runs where kind = 'export'"
    )
    assert (kind, status, rows) == ("export", "succeeded", 4)
    assert str(xlsx) in details

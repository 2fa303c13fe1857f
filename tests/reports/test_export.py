"""The employer-service list: approval gate, content read back, no personal data, safe cells."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import stat
from pathlib import Path

import duckdb
import openpyxl
import pytest

from resque.reports.employer_service import HEADERS
from tests.conftest import query

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"(\+49|\b0)[\d /-]{7,}\d")
PSEUDONYM = re.compile(r"^P-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
MONTH = "2026-12"


@pytest.fixture
def db(matched_copy: Path) -> Path:
    """The sample warehouse with the participants and one unapproved match run (a copy)."""
    return matched_copy


def latest_match_run(db: Path) -> int:
    return query(db, "select max(run_id) from runs where kind = 'match' and status = 'succeeded'")[
        0
    ][0]


def export(resque, db: Path, out: Path, *extra: str):
    return resque("--db", db, "export", "employer-service", "--out", out, "--month", MONTH, *extra)


def workbook_rows(path: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path)["Vorschläge"]
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_no_list_leaves_the_warehouse_without_approval(db, resque, tmp_path):
    out = tmp_path / "out"
    result = export(resque, db, out)
    assert result.code == 1 and "no approved match run for 2026-12" in result.err
    assert "resque approve" in result.err
    assert not out.exists() or not any(out.iterdir())
    assert query(db, "select count(*) from exports") == [(0,)]


def test_a_named_unapproved_run_is_refused(db, resque, tmp_path):
    run = latest_match_run(db)
    result = export(resque, db, tmp_path / "out", "--run", str(run))
    assert result.code == 1 and f"match run {run} is not approved" in result.err


def test_approval_records_who_and_when_once(db, resque, monkeypatch):
    run = latest_match_run(db)
    monkeypatch.setenv("USER", "jkeller")
    first = resque("--db", db, "approve", run)
    assert first.code == 0 and f"match run {run}" in first.out and "jkeller" in first.out
    again = resque("--db", db, "approve", run, "--by", "someone else")
    assert again.code == 1 and "already approved by jkeller" in again.err
    rows = query(db, "select run_id, approved_by, approved_at is not null from match_approvals")
    assert rows == [(run, "jkeller", True)]


def test_only_succeeded_match_runs_can_be_approved(db, resque):
    import_run = query(db, "select min(run_id) from runs where kind = 'import'")[0][0]
    result = resque("--db", db, "approve", import_run, "--by", "coach")
    assert result.code == 1 and "not a match run" in result.err
    assert (
        resque("--db", db, "approve", 999999, "--by", "coach").err.strip().endswith("no run 999999")
    )


@pytest.fixture
def exported(db, resque, tmp_path):
    """The approved sample run exported: (db, result, xlsx, csv)."""
    assert resque("--db", db, "approve", latest_match_run(db), "--by", "J. Keller").code == 0
    result = export(resque, db, tmp_path / "out", "--to", "Arbeitgeberservice Leipzig")
    assert result.code == 0, result.err
    files = sorted((tmp_path / "out").iterdir())
    xlsx = next(f for f in files if f.suffix == ".xlsx")
    csv_file = next(f for f in files if f.suffix == ".csv")
    return db, result, xlsx, csv_file


def test_export_writes_the_approved_run_as_xlsx_and_csv(exported):
    db, result, xlsx, csv_file = exported
    run = latest_match_run(db)
    matches = query(db, "select count(*) from matches where run_id = ?", [run])[0][0]
    rows = workbook_rows(xlsx)
    assert rows[0] == tuple(HEADERS.values())
    assert 0 < len(rows) - 1 <= matches
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    assert tuple(lines[0]) == rows[0] and len(lines) == len(rows)
    assert [r[6] for r in rows[1:]] == [line[6] for line in lines[1:]]
    assert f"{len(rows) - 1} rows" in result.out


def test_workbook_is_readable_frozen_and_german(exported):
    _, _, xlsx, _ = exported
    book = openpyxl.load_workbook(xlsx)
    sheet = book["Vorschläge"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert all(sheet.column_dimensions[c].width >= 8 for c in "ABCDEFGHIJK")
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["D"].width
    info = dict(row for row in book["Info"].iter_rows(values_only=True))
    assert info["Freigegeben von"] == "J. Keller" and info["Monat"] == MONTH


def test_export_carries_no_personal_data(exported):
    db, _, xlsx, csv_file = exported
    rows = workbook_rows(xlsx)
    pseudonyms = {r[6] for r in rows[1:]}
    assert pseudonyms and all(PSEUDONYM.match(p) for p in pseudonyms)
    known = {r[0] for r in query(db, "select participant_id from participants")}
    assert pseudonyms <= known
    # the only participant column is the pseudonym
    assert [h for h in rows[0] if "Teilnehm" in h or "Person" in h] == [
        "Teilnehmende (Pseudonym)",
        "Rang für die Person",
    ]
    cells = [str(v) for row in rows for v in row if v is not None]
    cells += [
        str(v)
        for row in openpyxl.load_workbook(xlsx)["Info"].iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    text = "\n".join(cells) + csv_file.read_text(encoding="utf-8-sig")
    assert not EMAIL.search(text)
    assert not PHONE.search(text)


def test_files_are_owner_only_and_recorded(exported):
    db, _, xlsx, csv_file = exported
    for path in (xlsx, csv_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = query(
        db, "select month, recipient, match_run_id, rows_written, files::varchar from exports"
    )
    assert len(rows) == 1
    month, recipient, run, written, files = rows[0]
    assert (month, recipient, run) == (MONTH, "Arbeitgeberservice Leipzig", latest_match_run(db))
    assert written == len(workbook_rows(xlsx)) - 1
    recorded = {Path(f["path"]).name: f["sha256"] for f in json.loads(files)}
    for path in (xlsx, csv_file):
        assert recorded[path.name] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_formula_injection_is_written_as_text(db, resque, tmp_path):
    run = latest_match_run(db)
    con = duckdb.connect(str(db))
    vacancy = con.execute(
        "select vacancy_id from matches where run_id = ? order by rank limit 1", [run]
    ).fetchone()[0]
    attack = '=HYPERLINK("http://evil.example/x","Klick")'
    con.execute(
        "update vacancies set title = ?, employer = '@SUM(1+1)' where vacancy_id = ?",
        [attack, vacancy],
    )
    con.close()
    assert resque("--db", db, "approve", run, "--by", "coach").code == 0
    assert export(resque, db, tmp_path / "out").code == 0
    xlsx = next((tmp_path / "out").glob("*.xlsx"))
    sheet = openpyxl.load_workbook(xlsx)["Vorschläge"]
    hit = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == vacancy)
    assert hit[1].value == attack and hit[1].data_type == "s" and hit[1].quotePrefix
    assert hit[2].value == "@SUM(1+1)" and hit[2].data_type == "s"
    text = next((tmp_path / "out").glob("*.csv")).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and ";=HYPERLINK" not in text and ";'@SUM(1+1);" in text


def test_participants_who_left_are_not_sent(db, resque, tmp_path):
    run = latest_match_run(db)
    gone = query(db, "select participant_id from matches where run_id = ? limit 1", [run])[0][0]
    con = duckdb.connect(str(db))
    con.execute("update participants set is_active = false where participant_id = ?", [gone])
    con.close()
    assert resque("--db", db, "approve", run, "--by", "coach").code == 0
    result = export(resque, db, tmp_path / "out")
    assert result.code == 0
    rows = workbook_rows(next((tmp_path / "out").glob("*.xlsx")))
    assert gone not in {r[6] for r in rows}
    left = query(
        db, "select count(*) from matches where run_id = ? and participant_id = ?", [run, gone]
    )
    assert query(db, "select left_out from exports")[0][0] >= left[0][0] > 0


def test_bad_month_is_one_line(db, resque, tmp_path):
    result = resque(
        "--db", db, "export", "employer-service", "--out", tmp_path, "--month", "12/2026"
    )
    assert result.code == 1 and "month must be YYYY-MM" in result.err

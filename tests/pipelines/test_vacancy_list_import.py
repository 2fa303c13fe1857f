"""`resque import vacancy-list FILE --partner NAME` (issue 16): a partner's filled-in copy of the
circulating list comes back, each row tied to its vacancy by the Stellen-ID."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import dump_tables, query
from tests.reports.vacancy_list_support import build_warehouse, export_list, fill

OPEN, PLACES, START = "Noch offen? (ja/nein)", "Plätze", "Beginn"
CONTACT, NOTE = "Ansprechpartner bekannt bei", "Hinweis"
BAKER, STOCK, FORMULA = (
    "Bäcker*in (m/w/d)",
    "Lagerhelfer*in",
    '=HYPERLINK("http://evil.example","klick")',
)
COOK = "Koch/Köchin"
PHONE = "0341 9876543"
UMLAUTS = "Übernahme nach der Ausbildung möglich; Größe des Betriebs: 12, Straßenbahn vor Ort"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("vacancy-list-import"))


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built, tmp_path / "w.duckdb"))


@pytest.fixture
def listed(db: Path, resque, tmp_path: Path) -> Path:
    """The list of every active vacancy, as handed out."""
    [xlsx] = export_list(resque, db, tmp_path / "out")
    return xlsx


def ids(db: Path) -> dict[str, str]:
    """{title: vacancy id}."""
    return dict(query(db, "select title, vacancy_id from vacancies"))


def notes(db: Path) -> list[tuple]:
    return query(
        db,
        "select v.title, n.partner, n.still_open, n.places, n.start_date::varchar, "
        "n.contact_known_at, n.note from vacancy_notes as n join vacancies as v using "
        "(vacancy_id) order by v.title",
    )


def give_back(resque, db: Path, path: Path, partner: str = "ihk_leipzig", *extra):
    return resque("--db", db, "import", "vacancy-list", path, "--partner", partner, *extra)


def test_the_partners_word_is_stored_beside_its_vacancy(db, listed, resque, tmp_path):
    before = query(db, "select count(*), count(*) filter (where is_active) from postings")
    back = fill(
        listed,
        tmp_path / "ihk.xlsx",
        {
            BAKER: {OPEN: "nein", NOTE: UMLAUTS},
            STOCK: {OPEN: "ja", PLACES: 3, START: "01.09.2027", CONTACT: "IHK zu Leipzig"},
        },
    )
    result = give_back(resque, db, back)
    assert result.code == 0, result.err
    assert result.out.startswith("ihk_leipzig: 4 rows read, 2 notes stored (1 reported closed)")
    assert notes(db) == [
        (BAKER, "ihk_leipzig", False, None, None, None, UMLAUTS),
        (STOCK, "ihk_leipzig", True, 3, "2027-09-01", "IHK zu Leipzig", None),
    ]
    # attached, not added: no posting, no vacancy more, and none closed by the partner's "nein"
    assert query(db, "select count(*), count(*) filter (where is_active) from postings") == before
    assert query(db, "select count(*) from vacancies where is_active") == [(4,)]
    [(run_id, kind, source, status, rows_in, loaded)] = query(
        db,
        "select run_id, kind, source, status, rows_in, rows_loaded from runs "
        "where source = 'ihk_leipzig'",
    )
    assert (kind, source, status, rows_in, loaded) == ("import", "ihk_leipzig", "succeeded", 4, 2)
    assert query(db, "select distinct run_id, listed_id = vacancy_id from vacancy_notes") == [
        (run_id, True)
    ]
    status = resque("--db", db, "status")
    closed = status.out.split("== Active vacancies a partner reported closed")[1]
    assert ids(db)[BAKER] in closed and "ihk_leipzig" in closed and STOCK not in closed


def test_hostile_rows_are_refused_one_line_each_and_the_rest_is_kept(db, listed, resque, tmp_path):
    book = openpyxl.load_workbook(listed)
    sheet = book["Stellen"]
    headers = {c.value: c.column for c in sheet[1]}
    by_title = {row[1].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    sheet.cell(by_title[BAKER], headers[NOTE]).value = f"Rückruf unter {PHONE}"
    sheet.cell(by_title[STOCK], headers[CONTACT]).value = "Frau Schmidt"
    formula_text = sheet.cell(by_title[COOK], headers[NOTE])
    formula_text.value, formula_text.data_type = '=HYPERLINK("http://x.example","hier")', "s"
    sheet.cell(by_title[FORMULA], headers[OPEN]).value = "ja"
    sheet.cell(by_title[FORMULA], headers[NOTE]).value = '=HYPERLINK("http://x.example")'
    stray = sheet.max_row + 1
    sheet.cell(stray, 1).value = "v-getippt"
    sheet.cell(stray, headers[OPEN]).value = "nein"
    sheet.cell(stray + 1, 1).value = "Herr Meier 0171 2345678"
    sheet.cell(stray + 1, headers[NOTE]).value = "neu"
    sheet.cell(stray + 2, headers[OPEN]).value = "vielleicht"
    book.save(tmp_path / "back.xlsx")
    rejects_file = tmp_path / "rejects.csv"
    result = give_back(resque, db, tmp_path / "back.xlsx", "hwk", "--rejects", rejects_file)
    assert result.code == 0, result.err
    assert "0 notes stored" in result.out and "7 rejected" in result.out
    assert notes(db) == []
    rejected = query(
        db, "select row_number, source_ref, reason, payload from rejects where source = 'hwk'"
    )
    reasons = {row[0]: row[2] for row in rejected}
    assert reasons == {
        by_title[BAKER]: "Hinweis: holds a phone number; the list takes no personal data",
        by_title[STOCK]: "Ansprechpartner bekannt bei: holds a contact person; the list takes "
        "the organisation only",
        by_title[COOK]: "Hinweis: a formula, not a value; write plain text",
        by_title[FORMULA]: "Hinweis: a formula, not a value; write plain text",
        stray: "Stellen-ID 'v-getippt' names no vacancy of this warehouse",
        stray + 1: "Stellen-ID: holds personal data, not an id of the list",
        stray + 2: "no Stellen-ID: a row is read only with the id the list gave it",
    }
    assert all(row[3] is None for row in rejected)  # the content is not kept
    everything = repr(dump_tables(db, skip=()))
    for secret in (PHONE, "Schmidt", "Meier", "2345678", "x.example"):
        assert secret not in everything
    with rejects_file.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 7
    status = resque("--db", db, "status")
    assert "v-getippt" in status.out and PHONE not in status.out


def test_the_same_list_twice_adds_nothing_and_an_empty_cell_takes_back_nothing(
    db, listed, resque, tmp_path
):
    first = fill(listed, tmp_path / "a.xlsx", {BAKER: {OPEN: "nein", PLACES: 2}})
    assert give_back(resque, db, first).code == 0
    again = give_back(resque, db, first)
    assert "0 notes stored" in again.out and "1 already known" in again.out
    later = fill(listed, tmp_path / "b.xlsx", {BAKER: {NOTE: "Gespräch im Januar"}})
    assert give_back(resque, db, later).code == 0
    assert len(notes(db)) == 2
    report = query(
        db,
        "select still_open, places, notes from vacancy_partner_reports where vacancy_id = ?",
        [ids(db)[BAKER]],
    )
    assert report == [(False, 2, 2)]


def test_the_csv_copy_comes_back_too(db, resque, tmp_path):
    _, csv_file = export_list(resque, db, tmp_path / "out", "--csv")
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        if row[1] == COOK:
            row[header.index(OPEN)] = "Nein"
            row[header.index(NOTE)] = "Köchin gefunden, Stelle besetzt (laut Kammer)"
    back = tmp_path / "zurück.csv"
    with back.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    result = give_back(resque, db, back, "stadt_leipzig")
    assert result.code == 0, result.err
    assert notes(db) == [
        (
            COOK,
            "stadt_leipzig",
            False,
            None,
            None,
            None,
            "Köchin gefunden, Stelle besetzt (laut Kammer)",
        )
    ]


def test_a_ragged_csv_line_is_one_reject_too(db, resque, tmp_path):
    stock = ids(db)[STOCK]
    back = tmp_path / "kurz.csv"
    back.write_text(
        f"Stellen-ID (nicht ändern);Noch offen? (ja/nein);Hinweis\n{stock};nein;\n"
        f"{stock};ja;eins;zwei;{PHONE}\n",
        encoding="utf-8",
    )
    result = give_back(resque, db, back)
    assert result.code == 0, result.err
    assert "1 notes stored (1 reported closed)" in result.out and "1 rejected" in result.out
    assert query(
        db,
        "select row_number, source_ref, reason, payload from rejects where source = 'ihk_leipzig'",
    ) == [(3, None, "row has 5 fields, the header has 3", None)]
    assert notes(db) == [(STOCK, "ihk_leipzig", False, None, None, None, None)]
    assert PHONE not in repr(dump_tables(db, skip=()))


def test_a_merged_vacancy_takes_the_note_under_its_new_id(db, listed, resque, tmp_path):
    baker, stock = ids(db)[BAKER], ids(db)[STOCK]
    back = fill(listed, tmp_path / "back.xlsx", {BAKER: {OPEN: "ja"}})
    con = __import__("duckdb").connect(str(db))
    try:  # as dedup would have merged the baker into the stock-keeper's vacancy meanwhile
        con.execute("update postings set vacancy_id = ? where vacancy_id = ?", [stock, baker])
        con.execute("delete from vacancies where vacancy_id = ?", [baker])
        con.execute(
            "insert into vacancy_events values (99, 'merge', ?, ?, 1, now()::timestamp)",
            [baker, stock],
        )
    finally:
        con.close()
    assert give_back(resque, db, back).code == 0
    assert query(db, "select listed_id, vacancy_id from vacancy_notes") == [(baker, stock)]


def test_a_file_without_the_id_column_changes_nothing_but_a_failed_run(db, resque, tmp_path):
    bad = tmp_path / "liste.csv"
    bad.write_text("Stelle;Hinweis\nKoch;besetzt\n", encoding="utf-8")
    before = dump_tables(db)
    result = give_back(resque, db, bad)
    assert result.code == 1 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert "no vacancy_id column found" in result.err
    assert dump_tables(db) == before
    assert query(db, "select status from runs where source = 'ihk_leipzig'") == [("failed",)]


def test_the_partner_is_named(db, listed, resque):
    result = resque("--db", db, "import", "vacancy-list", listed)
    assert result.code == 1
    assert result.err.strip() == (
        "resque: error: import vacancy-list: --partner NAME is required, e.g. ihk_leipzig"
    )

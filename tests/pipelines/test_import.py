"""`resque import`: formats, idempotence, snapshots, rejects, and bad input that changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import os

import openpyxl
import pytest

from tests.conftest import dump_tables, query

HEADER = (
    "Referenznummer;Stellentitel;Arbeitgeber;PLZ;Arbeitsort;Eintrittsdatum;Anzahl Stellen;Vergütung"
)
LIST_A = [
    "R1;Lagerhelfer (m/w/d);Müller Logistik GmbH;04109;Leipzig;ab sofort;2;14 €",
    "R2;Koch/Köchin;Gaststätte Zur Linde;04416;Markkleeberg;01.12.2026;1;",
    "R3;Pflegehelfer*in;Pflegedienst Sonne;4177;Leipzig;März 2027;2-3;",
]


def write_list(path, rows, header=HEADER, encoding="cp1252"):
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def postings(
    db,
    columns="source_ref, title, employer, postcode, city, start_date, start_text, "
    "is_immediate_start, places, is_active",
):
    return query(db, f"select {columns} from postings order by source_ref")


def test_csv_import_normalises_values(tmp_path, db, resque):
    result = resque(
        "--db", db, "import", "vacancies", write_list(tmp_path / "l.csv", LIST_A), "--source", "as"
    )
    assert result.code == 0, result.err
    assert "3 rows read, 3 loaded (3 new, 0 changed), 0 rejected" in result.out
    assert postings(db) == [
        (
            "R1",
            "Lagerhelfer (m/w/d)",
            "Müller Logistik GmbH",
            "04109",
            "Leipzig",
            None,
            "ab sofort",
            True,
            2,
            True,
        ),
        (
            "R2",
            "Koch/Köchin",
            "Gaststätte Zur Linde",
            "04416",
            "Markkleeberg",
            dt.date(2026, 12, 1),
            "01.12.2026",
            False,
            1,
            True,
        ),
        (
            "R3",
            "Pflegehelfer*in",
            "Pflegedienst Sonne",
            "04177",
            "Leipzig",
            dt.date(2027, 3, 1),
            "März 2027",
            False,
            3,
            True,
        ),
    ]


def test_unknown_columns_stay_in_the_raw_payload(tmp_path, db, resque):
    resque(
        "--db", db, "import", "vacancies", write_list(tmp_path / "l.csv", LIST_A), "--source", "as"
    )
    payload = query(db, "select payload->>'Vergütung' from raw_records where source_ref = 'R1'")
    assert payload == [("14 €",)]


def test_xlsx_import_with_german_headers(tmp_path, db, resque):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Jobmesse Leipzig – Stellenangebote"])
    sheet.append([])
    sheet.append(["Aussteller", "Stellenbezeichnung", "PLZ", "Ort", "Beginn", "Anzahl"])
    sheet.append(
        ["ProTemp GmbH", "Staplerfahrer (m/w/d)", 4109, "Leipzig", dt.datetime(2027, 1, 15), 3]
    )
    book.save(tmp_path / "messe.xlsx")
    assert (
        resque("--db", db, "import", "vacancies", tmp_path / "messe.xlsx", "--source", "messe").code
        == 0
    )
    [(ref, title, employer, postcode, city, start, *_)] = postings(db)
    assert (title, employer, postcode, city, start) == (
        "Staplerfahrer (m/w/d)",
        "ProTemp GmbH",
        "04109",
        "Leipzig",
        dt.date(2027, 1, 15),
    )
    assert ref.startswith("h:")  # no id column: a hash of what identifies the posting


def test_jsonl_import(tmp_path, db, resque):
    path = tmp_path / "lehrstellen.jsonl"
    path.write_text(
        '{"angebotsnr": "LS-1", "beruf": "Koch", "betrieb": "Hotel A", "plz": "04109"}\n'
        '{"angebotsnr": "LS-2", "beruf": "Bäcker", "betrieb": "Bäckerei B", "plz": 4416}\n',
        encoding="utf-8",
    )
    assert resque("--db", db, "import", "vacancies", path, "--source", "ihk").code == 0
    assert query(
        db, "select source_ref, title, occupation, employer, postcode from postings order by 1"
    ) == [
        ("LS-1", "Koch", "Koch", "Hotel A", "04109"),
        ("LS-2", "Bäcker", "Bäcker", "Bäckerei B", "04416"),
    ]


def test_map_option_names_an_unknown_header(tmp_path, db, resque):
    path = write_list(tmp_path / "l.csv", ["1;Koch;Linde"], header="Nr;Was wir suchen;Wer")
    failed = resque("--db", db, "import", "vacancies", path, "--source", "x")
    assert failed.code == 1 and "no title column found" in failed.err and "--map" in failed.err
    ok = resque(
        "--db",
        db,
        "import",
        "vacancies",
        path,
        "--source",
        "x",
        "--map",
        "Was wir suchen=title",
        "--map",
        "Wer=employer",
        "--map",
        "Nr=source_ref",
    )
    assert ok.code == 0, ok.err
    assert query(db, "select source_ref, title, employer from postings") == [("1", "Koch", "Linde")]


def test_reimport_of_the_same_file_changes_nothing(tmp_path, db, resque):
    path = write_list(tmp_path / "l.csv", LIST_A)
    resque("--db", db, "import", "vacancies", path, "--source", "as")
    before = dump_tables(db, skip=("runs", "postings", "vacancies"))
    stable = "* exclude (last_seen, last_run_id)"
    postings_before = postings(db, stable)
    again = resque("--db", db, "import", "vacancies", path, "--source", "as")
    assert "3 loaded (0 new, 0 changed)" in again.out
    assert dump_tables(db, skip=("runs", "postings", "vacancies")) == before
    assert postings(db, stable) == postings_before


def test_changed_row_is_updated_and_its_new_payload_kept(tmp_path, db, resque):
    resque(
        "--db", db, "import", "vacancies", write_list(tmp_path / "a.csv", LIST_A), "--source", "as"
    )
    changed = [LIST_A[0].replace("Lagerhelfer", "Lagerhelfer Nachtschicht"), *LIST_A[1:]]
    result = resque(
        "--db", db, "import", "vacancies", write_list(tmp_path / "b.csv", changed), "--source", "as"
    )
    assert "3 loaded (0 new, 1 changed)" in result.out
    assert query(db, "select title from postings where source_ref = 'R1'") == [
        ("Lagerhelfer Nachtschicht (m/w/d)",)
    ]
    assert query(db, "select count(*) from raw_records where source_ref = 'R1'") == [(2,)]


def test_full_import_deactivates_what_the_new_list_lacks(tmp_path, db, resque):
    resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "a.csv", LIST_A),
        "--source",
        "as",
        "--full",
    )
    result = resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "b.csv", LIST_A[:2]),
        "--source",
        "as",
        "--full",
    )
    assert "1 deactivated" in result.out
    assert query(db, "select source_ref, is_active from postings order by 1") == [
        ("R1", True),
        ("R2", True),
        ("R3", False),
    ]
    back = resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "c.csv", LIST_A),
        "--source",
        "as",
        "--full",
    )
    assert back.code == 0
    assert query(db, "select count(*) from postings where is_active") == [(3,)]


def test_import_without_full_never_deactivates(tmp_path, db, resque):
    resque(
        "--db", db, "import", "vacancies", write_list(tmp_path / "a.csv", LIST_A), "--source", "as"
    )
    resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "b.csv", LIST_A[:1]),
        "--source",
        "as",
    )
    assert query(db, "select count(*) from postings where is_active") == [(3,)]


def test_full_import_of_another_source_leaves_this_one_alone(tmp_path, db, resque):
    resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "a.csv", LIST_A),
        "--source",
        "as",
        "--full",
    )
    resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "b.csv", LIST_A[:1]),
        "--source",
        "fair",
        "--full",
    )
    assert query(
        db, "select source, count(*) from postings where is_active group by 1 order by 1"
    ) == [("as", 3), ("fair", 1)]


BAD_ROWS = [
    "R4;;Firma ohne Titel;04109;Leipzig;;;",
    "R5;Maler (m/w/d);Malerbetrieb;041O9;Leipzig;;;",
    "R1;Lagerhelfer (m/w/d);Müller Logistik GmbH;04109;Leipzig;ab sofort;2;14 €",
    "R6;Koch;zu viele;Felder;04109;Leipzig;;;;",
]


def test_rejected_rows_are_listed_and_the_good_rows_load(tmp_path, db, resque):
    rejects = tmp_path / "rejects.csv"
    result = resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "l.csv", LIST_A + BAD_ROWS),
        "--source",
        "as",
        "--rejects",
        rejects,
    )
    assert result.code == 0
    assert "7 rows read, 3 loaded (3 new, 0 changed), 4 rejected" in result.out
    with rejects.open(encoding="utf-8") as handle:
        rows = [(r["row_number"], r["reason"]) for r in csv.DictReader(handle)]
    assert rows == [
        ("5", "no title"),
        ("6", "invalid postcode '041O9'"),
        ("7", "duplicate of row 2 (same id R1)"),
        ("8", "row has 10 fields, the header has 8"),
    ]
    status = resque("--db", db, "status")
    assert "invalid postcode '041O9'" in status.out and "duplicate of row 2" in status.out


def test_employers_import(tmp_path, db, resque):
    path = tmp_path / "firmen.csv"
    path.write_text(
        "Firma,Branche,Straße,PLZ,Ort,Internet\n"
        "MÜLLER LOGISTIK GMBH & CO KG,Logistik,Hafenstr. 1,4109,Leipzig,www.mueller-example.de\n",
        encoding="utf-8-sig",
    )
    assert resque("--db", db, "import", "employers", path, "--source", "firmen").code == 0
    assert query(db, "select name, name_normalised, sector, postcode, url from employers") == [
        (
            "Müller Logistik GmbH & Co KG",
            "mueller logistik",
            "Logistik",
            "04109",
            "https://www.mueller-example.de",
        )
    ]


# --- bad input: one line, non-zero exit, a failed runs row, and the warehouse as it was ---------


def _junk(path, size):
    with path.open("wb") as handle:
        block = os.urandom(1 << 20)
        for _ in range(size >> 20):
            handle.write(block)
    return path


BAD_INPUTS = {
    "missing file": lambda p: p / "nope.csv",
    "empty file": lambda p: (p / "e.csv").write_bytes(b"") and p / "e.csv" or p / "e.csv",
    "binary renamed .csv": lambda p: _junk(p / "b.csv", 1 << 20),
    "no title column": lambda p: write_list(p / "n.csv", ["1;2"], header="Spalte A;Spalte B"),
    "truncated xlsx": lambda p: (
        (p / "t.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 64) and p / "t.xlsx"
    ),
    "mixed encodings": lambda p: (
        (p / "m.csv").write_bytes(
            "Titel;Ort\nKöchin;Leipzig\n".encode() + "Bäcker;Grimma\n".encode("cp1252")
        )
        and p / "m.csv"
    ),
    "100 MB of junk": lambda p: _junk(p / "junk.csv", 100 << 20),
    "header only, as a snapshot": lambda p: write_list(p / "h.csv", []),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_changes_nothing_but_the_runs_log(tmp_path, db, resque, case):
    resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "good.csv", LIST_A),
        "--source",
        "as",
    )
    before = dump_tables(db)
    runs_before = query(db, "select count(*) from runs")[0][0]
    path = BAD_INPUTS[case](tmp_path)
    result = resque("--db", db, "import", "vacancies", path, "--source", "as", "--full")
    assert result.code == 1
    assert result.err.startswith("resque: error: ") and result.err.count("\n") == 1
    assert str(path) in result.err
    assert "Traceback" not in result.err
    assert dump_tables(db) == before
    assert query(db, "select count(*) from runs")[0][0] == runs_before + 1
    assert query(db, "select status, error is not null from runs order by run_id desc limit 1") == [
        ("failed", True)
    ]


def test_bad_source_name_is_refused(tmp_path, db, resque):
    result = resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "l.csv", LIST_A),
        "--source",
        "../x",
    )
    assert result.code == 1 and "source name '../x'" in result.err


def test_unknown_map_field_is_refused_before_anything_runs(tmp_path, db, resque):
    result = resque(
        "--db",
        db,
        "import",
        "vacancies",
        write_list(tmp_path / "l.csv", LIST_A),
        "--source",
        "as",
        "--map",
        "Stellentitel=titel",
    )
    assert result.code == 1 and "unknown field 'titel'" in result.err


# --- a snapshot that would deactivate most of its source is refused (finding 8) ----------------

TEN = [f"R{i};Lagerhelfer {i} (m/w/d);Firma {i};04109;Leipzig;;1;" for i in range(1, 11)]


def full_import(db, path, resque, *extra):
    return resque("--db", db, "import", "vacancies", path, "--source", "as", "--full", *extra)


def test_a_snapshot_deactivating_most_of_a_source_is_refused_and_changes_nothing(
    tmp_path, db, resque
):
    assert full_import(db, write_list(tmp_path / "a.csv", TEN), resque).code == 0
    before = dump_tables(db)
    result = full_import(db, write_list(tmp_path / "b.csv", TEN[:2]), resque)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "would deactivate 8 of its 10 active postings (80%; at most 30% allowed)" in result.err
    assert "--allow-shrink" in result.err and str(tmp_path / "b.csv") in result.err
    assert dump_tables(db) == before
    assert query(db, "select status from runs order by run_id") == [("succeeded",), ("failed",)]


def test_allow_shrink_lets_a_real_shrink_through(tmp_path, db, resque):
    full_import(db, write_list(tmp_path / "a.csv", TEN), resque)
    result = full_import(db, write_list(tmp_path / "b.csv", TEN[:2]), resque, "--allow-shrink")
    assert result.code == 0 and "8 deactivated" in result.out


@pytest.mark.parametrize(
    ("setting", "allowed"),
    [
        ("[import]\nmax_shrink = 0.9\n", True),
        ("[import]\nmax_shrink = 0.5\n", False),
        ('[sources.as]\npath = "a.csv"\nmax_shrink = 0.9\n', True),
        ('[import]\nmax_shrink = 0.9\n[sources.as]\npath = "a.csv"\nmax_shrink = 0.1\n', False),
    ],
    ids=["import allows", "import refuses", "the source allows", "the source beats import"],
)
def test_max_shrink_comes_from_the_config(tmp_path, db, resque, setting, allowed):
    config = tmp_path / "resque.toml"
    config.write_text(setting, encoding="utf-8")
    full_import(db, write_list(tmp_path / "a.csv", TEN), resque)
    shrunk = write_list(tmp_path / "b.csv", TEN[:2])
    result = full_import(db, shrunk, lambda *args: resque("--config", config, *args))
    assert (result.code == 0) is allowed, result.err


@pytest.mark.parametrize("value", ["1.5", "-0.1", '"30%"', "true"])
def test_max_shrink_must_be_a_share(tmp_path, resque, value):
    config = tmp_path / "resque.toml"
    config.write_text(f"[import]\nmax_shrink = {value}\n", encoding="utf-8")
    result = resque("--config", config, "status")
    assert result.code == 1 and "max_shrink must be a number from 0 to 1" in result.err


# --- a list of people is imported as participants or not at all (finding 3) --------------------

PEOPLE_HEADERS = {
    "participant list": "Teilnehmer-ID;Name;Telefon;Wunschberuf;Stellentitel",
    "birth dates": "Stellentitel;Vorname;Nachname;Geburtsdatum",
    "names and phones": "Stellentitel;Name;Telefon",
    "a header cell holding a person": "Stellentitel;Geburtsdatum Anna Schmidt 03.04.1988",
}


@pytest.mark.parametrize("case", PEOPLE_HEADERS, ids=list(PEOPLE_HEADERS))
def test_a_list_of_people_is_not_imported_as_vacancies(tmp_path, db, resque, case):
    header = PEOPLE_HEADERS[case]
    cells = ["TN-1", "Anna Schmidt", "0176 12345678", "Koch", "Koch"][: header.count(";") + 1]
    path = write_list(tmp_path / "l.csv", [";".join(cells)], header=header)
    result = resque("--db", db, "import", "vacancies", path, "--source", "as")
    assert result.code == 1 and "looks like a list of people" in result.err
    assert "Anna" not in result.err and "0176" not in result.err
    assert query(db, "select count(*) from raw_records") == [(0,)]
    assert query(db, "select status from runs") == [("failed",)]


def test_vacancy_and_company_lists_with_contact_columns_still_import(tmp_path, db, resque):
    jobs = write_list(
        tmp_path / "j.csv",
        ["R1;Koch;Linde;Hauptstr. 1;04109;Leipzig;Führerschein B;Deutsch B1"],
        header="Referenznummer;Stellentitel;Firma;Straße;PLZ;Ort;Führerschein;Sprachkenntnisse",
    )
    firms = write_list(
        tmp_path / "f.csv",
        ["Linde GmbH;Herr;0341 1234567;info@linde-example.de"],
        header="Name;Anrede;Telefon;E-Mail",
    )
    assert resque("--db", db, "import", "vacancies", jobs, "--source", "as").code == 0
    assert resque("--db", db, "import", "employers", firms, "--source", "fi").code == 0

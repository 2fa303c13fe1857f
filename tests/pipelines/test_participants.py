"""Importing participant profiles: the privacy guard first, then clean pseudonymous profiles."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import openpyxl
import pytest

from resque import cli
from resque.matching.privacy import personal_data_in_text, protected_kind
from tests.conftest import SAMPLES, TESTS, dump_tables, pseudonym_of, query

FIXTURES = TESTS / "fixtures" / "participants"
SAMPLE = SAMPLES / "teilnehmende_kompetenzanalyse.csv"
HEADER = (
    "Teilnehmer-ID;Wunschberuf;Kompetenzen;Sprachen;Führerschein;Arbeitszeit;PLZ/Ort;Umkreis km"
)
ROW = "TN-1;Koch;HACCP;Deutsch B1;B;Vollzeit;04109 Leipzig;20"


def write_csv(folder: Path, header: str, *rows: str, name: str = "tn.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The sample profiles imported once for the module."""
    db = tmp_path_factory.mktemp("participants") / "template.duckdb"
    assert cli.main(["--db", str(db), "import", "participants", str(SAMPLE)]) == 0
    return db


@pytest.fixture
def loaded(template, tmp_path) -> Path:
    """A warehouse that already holds the sample profiles (so 'nothing changed' means something)."""
    copy = tmp_path / "loaded.duckdb"
    shutil.copy(template, copy)
    return copy


# --- accepted files ---------------------------------------------------------------------------


def test_sample_file_loads_every_profile(db, resque):
    result = resque("--db", db, "import", "participants", SAMPLE)
    assert result.code == 0, result.err
    assert "40 rows read, 40 loaded (40 new, 0 changed), 0 rejected" in result.out
    assert query(db, "select count(*) from participants where is_active")[0][0] == 40


def test_profile_fields_are_parsed(loaded):
    row = query(
        loaded,
        "select desired_occupations, skills, languages, licences, working_time, accepts_shift,"
        " postcode, city, radius_km, source from participants where participant_id = ?",
        [pseudonym_of("TN-2026-001")],
    )[0]
    assert row[0] == ["Lagerhelfer", "Kommissionierer"]
    assert row[1] == ["Kommissionierung mit Handscanner", "Verpackung", "Wareneingang"]
    assert row[2] == ["Deutsch A2", "Arabisch Muttersprache"]
    assert row[3] == ["Stapler"]
    assert row[4:6] == ("full_time", True)
    assert row[6:] == ("04315", "Leipzig", 20.0, "kompetenzanalyse")


def test_reimport_changes_nothing_and_runs_are_recorded(loaded, resque):
    result = resque("--db", loaded, "import", "participants", SAMPLE)
    assert "40 loaded (0 new, 0 changed)" in result.out
    runs = query(loaded, "select kind, status, details->>'entity' from runs order by run_id")
    assert runs == [("import", "succeeded", "participants")] * 2


def test_no_raw_payload_of_a_participant_is_kept(loaded):
    assert query(loaded, "select count(*) from raw_records")[0][0] == 0


def test_rows_without_id_or_duplicated_are_rejected_without_content(db, resque, tmp_path):
    path = write_csv(tmp_path, HEADER, ROW, ";Koch;HACCP;;;;;", ROW.replace("Koch", "Bäcker"))
    result = resque("--db", db, "import", "participants", path)
    assert "3 rows read, 1 loaded (1 new, 0 changed), 2 rejected" in result.out
    rejects = query(db, "select row_number, reason, payload from rejects order by row_number")
    assert rejects == [
        (3, "no participant id", None),
        (4, "duplicate of row 2 (same participant id)", None),
    ]


def test_a_list_without_a_licence_column_stores_the_licences_as_unknown(db, resque, tmp_path):
    # NULL, not []: the ranker reads [] as 'holds none' and hides every job asking for one
    stated = write_csv(tmp_path, HEADER, ROW, ROW.replace("TN-1", "TN-2").replace(";B;", ";;"))
    assert resque("--db", db, "import", "participants", stated).code == 0
    header = HEADER.replace("Führerschein;", "")
    unstated = write_csv(tmp_path, header, ROW.replace("TN-1", "TN-3").replace("B;", ""),
                         name="other.csv")  # fmt: skip
    assert resque("--db", db, "import", "participants", unstated).code == 0
    counts = query(db, "select count(*) filter (where licences = ['B']), count(*) filter"
                       " (where len(licences) = 0), count(*) filter (where licences is null)"
                       " from participants")  # fmt: skip
    assert counts == [(1, 1, 1)]  # stated B; stated, left empty: none; no column: unknown


def test_full_snapshot_deactivates_participants_who_left(loaded, resque, tmp_path):
    path = write_csv(tmp_path, HEADER, ROW.replace("TN-1", "TN-2026-001"))
    result = resque("--db", loaded, "import", "participants", path, "--full")
    assert "39 deactivated" in result.out
    assert query(loaded, "select count(*) from participants where is_active")[0][0] == 1


def test_xlsx_file_with_english_headers(db, resque, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Participant ID", "Desired occupations", "Skills", "Languages", "Licences",
                  "Working time", "Postcode", "City", "Radius km", "Available from"])  # fmt: skip
    sheet.append(["P-7", "Cook", "HACCP", "German B2; English C1", "CE", "part time", 4109,
                  "Leipzig", 15, "01.03.2027"])  # fmt: skip
    book.save(tmp_path / "profiles.xlsx")
    assert resque("--db", db, "import", "participants", tmp_path / "profiles.xlsx").code == 0
    row = query(db, "select languages, licences, postcode, radius_km, available_from::varchar"
                " from participants")[0]  # fmt: skip
    assert row == (["Deutsch B2", "Englisch C1"], ["CE"], "04109", 15.0, "2027-03-01")


# --- the privacy guard: refused columns ----------------------------------------------------


REFUSED_HEADERS = [
    ("Name", "name"),
    ("Vorname", "name"),
    ("Nachname", "name"),
    ("Geburtsdatum", "date of birth"),
    ("Date of birth", "date of birth"),
    ("Alter", "date of birth"),
    ("Adresse", "address"),
    ("Straße", "address"),
    ("Telefon", "phone"),
    ("Handy", "phone"),
    ("E-Mail", "e-mail"),
    ("Staatsangehörigkeit", "nationality"),
    ("Nationality", "nationality"),
    ("Geschlecht", "gender"),
    ("Gender", "gender"),
    ("Anrede", "gender"),
    ("Religion", "religion"),
    ("Konfession", "religion"),
    ("Aufenthaltstitel", "residence permit"),
    ("Duldung", "residence permit"),
    ("Residence permit", "residence permit"),
    ("Foto", "photo"),
    ("Photo", "photo"),
    ("Schwerbehinderung", "health or disability"),
    ("Familienstand", "family"),
    ("Sozialversicherungsnummer", "identity number"),
]


@pytest.mark.parametrize(("header", "kind"), REFUSED_HEADERS)
def test_each_identifying_column_refuses_the_whole_file(loaded, resque, tmp_path, header, kind):
    before = dump_tables(loaded)
    path = write_csv(tmp_path, f"{HEADER};{header}", f"{ROW};geheim-wert-123")
    result = resque("--db", loaded, "import", "participants", path)
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert f"'{header}' ({kind})" in result.err and "nothing imported" in result.err
    assert dump_tables(loaded) == before
    failed = query(loaded, "select status, error from runs order by run_id desc limit 1")[0]
    assert failed[0] == "failed" and "geheim-wert-123" not in failed[1]


def test_refused_fixture_names_all_its_identifying_columns(loaded, resque):
    before = dump_tables(loaded)
    result = resque("--db", loaded, "import", "participants",
                    FIXTURES / "teilnehmende_mit_personendaten.csv")  # fmt: skip
    assert result.code == 1
    for header in ("Vorname", "Nachname", "Geburtsdatum", "E-Mail", "Staatsangehörigkeit"):
        assert f"'{header}'" in result.err
    assert dump_tables(loaded) == before


@pytest.mark.parametrize(
    "header",
    ["Teilnehmer-ID", "Pseudonym", "Wunschberuf(e)", "Kompetenzen", "Fähigkeiten", "Sprachen",
     "Qualifikationen (anerkannt/nicht anerkannt)", "Führerschein(e)", "Arbeitszeit", "PLZ/Ort",
     "Wohnort", "Umkreis/Mobilität km", "verfügbar ab", "Mobilität"],
)  # fmt: skip
def test_profile_headers_are_not_mistaken_for_personal_data(header):
    assert protected_kind(header) is None


# --- the privacy guard: contact data in values ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("HACCP, anna.beispiel@example.org", "an e-mail address"),
        ("Rückfragen: tn (at) example (dot) org", "an e-mail address"),
        ("Kasse, Tel. 0341 1234567", "a phone number"),
        ("+49 176 12345678", "a phone number"),
        ("0176-12345678", "a phone number"),
        ("(0341) 123 45 67", "a phone number"),
    ],
)
def test_contact_data_in_a_value_refuses_the_file(loaded, resque, tmp_path, caplog, cell, kind):
    before = dump_tables(loaded)
    path = write_csv(tmp_path, HEADER, ROW, f"TN-2;Koch;{cell};Deutsch B1;;;04109 Leipzig;20")
    with caplog.at_level(logging.DEBUG):
        result = resque("--db", loaded, "import", "participants", path)
    assert result.code == 1
    assert f"row 3, column 'Kompetenzen' holds what looks like {kind}" in result.err
    assert cell not in result.err and cell not in caplog.text
    assert dump_tables(loaded) == before


def test_refused_value_fixture_stores_nothing(loaded, resque):
    before = dump_tables(loaded)
    result = resque("--db", loaded, "import", "participants",
                    FIXTURES / "teilnehmende_mit_kontakt_im_text.csv")  # fmt: skip
    assert result.code == 1
    assert "row 2, column 'Kompetenzen'" in result.err and "(and 1 more cells)" in result.err
    assert dump_tables(loaded) == before


def test_a_phone_number_stored_as_a_spreadsheet_number_is_refused(loaded, resque, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Pseudonym", "Wunschberuf", "Kompetenzen", "Rückruf"])
    book.active.append([4711001, "Koch", "HACCP", 17612345678])
    book.save(tmp_path / "profiles.xlsx")
    before = dump_tables(loaded)
    result = resque("--db", loaded, "import", "participants", tmp_path / "profiles.xlsx")
    assert (
        result.code == 1 and "row 2, column 'Rückruf' holds what looks like a phone" in result.err
    )
    assert "17612345678" not in result.err and dump_tables(loaded) == before


@pytest.mark.parametrize(
    "text",
    ["verfügbar ab 01.08.2027", "04109 Leipzig", "25 km", "Deutsch B1; Englisch A2",
     "MS Office 2016", "Schicht 06-14 Uhr", "TN-2026-001", "2019-2021 Koch in Aleppo"],
)  # fmt: skip
def test_ordinary_profile_text_is_not_taken_for_contact_data(text):
    assert personal_data_in_text(text) is None

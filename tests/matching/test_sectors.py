"""Sectors as WZ 2008 (issue 13, item 5): the rule, its data files, the warehouse and the report."""

from __future__ import annotations

import csv

import duckdb
import pytest

from resque.matching.sectors import SECTION_DIVISIONS, WZ, normalise_sector, section_of, wz_names
from resque.warehouse.db import migrate
from resque.warehouse.figures import report_data
from tests.conftest import ROOT, query, schema_before

DATA = ROOT / "matching" / "data"


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Zeitarbeit", "Personaldienstleistung", "Arbeitnehmerüberlassung", "Zeitarbeit (Logistik)"],
)
def test_the_four_temporary_work_bars_of_the_issue_are_one_division(text):
    assert normalise_sector(text) == WZ("N", "78")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("78.20", WZ("N", "78")),
        ("WZ 2008: 43.22", WZ("F", "43")),
        ("49", WZ("H", "49")),
        ("N", WZ("N")),
        ("Abschnitt C", WZ("C")),
    ],
)
def test_a_wz_code_in_the_data_maps_directly(text, expected):
    assert normalise_sector(text) == expected


def test_an_official_wz_name_maps_without_a_synonym():
    assert normalise_sector("Herstellung von Möbeln") == WZ("C", "31")


def test_text_that_allows_only_the_section_gets_no_division():
    assert normalise_sector("Logistik") == WZ("H")


def test_parts_that_agree_give_their_section_and_named_division():
    assert normalise_sector("Spedition/Logistik") == WZ("H", "52")
    assert normalise_sector("Handwerk - Maler") == WZ("F", "43")


def test_parts_that_disagree_give_nothing():
    assert normalise_sector("Zeitarbeit, Logistik") is None


def test_a_trade_in_brackets_names_the_sector_when_the_rest_does_not():
    assert normalise_sector("Handwerk (SHK)") == WZ("F", "43")


def test_a_label_before_the_text_is_ignored():
    assert normalise_sector("Gewerk: Dachdecker") == WZ("F", "43")


@pytest.mark.parametrize("text", [None, "", "   ", "Quatsch", "12345"])
def test_unknown_or_empty_text_is_no_guess(text):
    assert normalise_sector(text) is None


# --- the data files ---------------------------------------------------------------------------


def test_wz_table_holds_21_sections_and_88_divisions():
    codes = wz_names()
    assert sorted(c for c in codes if c.isalpha()) == list("ABCDEFGHIJKLMNOPQRSTU")
    assert len([c for c in codes if c.isdigit()]) == 88
    assert all(section_of(c) in SECTION_DIVISIONS for c in codes if c.isdigit())


def test_every_synonym_names_a_real_section_and_a_division_inside_it():
    with (DATA / "wz2008_synonyms.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["section"] in SECTION_DIVISIONS, row
        if row["division"]:
            assert row["division"] in wz_names(), row
            assert section_of(row["division"]) == row["section"], row
    texts = [row["text"] for row in rows]
    assert len(texts) == len(set(texts)) and all(t == t.lower().strip() for t in texts)


# --- warehouse and report ---------------------------------------------------------------------

HEADER = "Referenznummer;Stellentitel;Arbeitgeber;PLZ;Arbeitsort;Branche"
ROWS = [
    "R1;Lagerhelfer (m/w/d);Zeitwerk GmbH;04109;Leipzig;Zeitarbeit",
    "R2;Helfer Logistik;Personal Plus GmbH;04109;Leipzig;Personaldienstleistung",
    "R3;Kommissionierer;Überlass GmbH;04109;Leipzig;Arbeitnehmerüberlassung",
    "R4;Staplerfahrer;Lagerzeit GmbH;04109;Leipzig;Zeitarbeit (Logistik)",
    "R5;Verkäufer;Laden GmbH;04109;Leipzig;",
    "R6;Tüftler;Irgendwas GmbH;04109;Leipzig;Sonderbares",
]


def _import(tmp_path, resque, db):
    path = tmp_path / "liste.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    assert resque("--db", db, "import", "vacancies", path, "--source", "as").code == 0


def test_postings_keep_the_raw_sector_beside_its_wz_codes(tmp_path, resque, db):
    _import(tmp_path, resque, db)
    rows = query(
        db,
        "select source_ref, sector, sector_wz_section, sector_wz_division from postings"
        " order by source_ref",
    )
    assert rows == [
        ("R1", "Zeitarbeit", "N", "78"),
        ("R2", "Personaldienstleistung", "N", "78"),
        ("R3", "Arbeitnehmerüberlassung", "N", "78"),
        ("R4", "Zeitarbeit (Logistik)", "N", "78"),
        ("R5", None, None, None),
        ("R6", "Sonderbares", None, None),
    ]


def test_report_groups_by_wz_section_and_says_ohne_angabe_only_without_a_sector(
    tmp_path, resque, db
):
    _import(tmp_path, resque, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        sectors = report_data(con)["sectors"]
    finally:
        con.close()
    assert list(sectors.itertuples(index=False, name=None)) == [
        ("N Erbringung von sonstigen wirtschaftlichen Dienstleistungen", 4),
        ("nicht zugeordnet", 1),
        ("ohne Angabe", 1),
    ]


def test_weekly_vacancies_view_groups_by_wz_section(tmp_path, resque, db):
    _import(tmp_path, resque, db)
    rows = query(
        db,
        "select sector_wz_section, sum(new_vacancies) from weekly_vacancies"
        " group by all order by 1 nulls last",
    )
    assert rows == [("N", 4), (None, 2)]


def test_migration_0009_fills_the_wz_columns_of_rows_stored_before_it(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    try:
        schema_before(con, 9)
        con.execute(
            "insert into postings (posting_id, source, source_ref, title, sector, first_seen,"
            " last_seen, first_run_id, last_run_id, content_hash, vacancy_id) values"
            " ('p1', 's', 'r1', 'Helfer', 'Zeitarbeit', now(), now(), 1, 1, 'h', 'v1')"
        )
        con.execute("insert into vacancies select * from vacancy_summary")
        assert migrate(con)[0] == "0009_sector_wz.sql"  # and the later ones
        assert con.execute(
            "select sector_wz_section, sector_wz_division from postings"
        ).fetchall() == [("N", "78")]
        assert con.execute(
            "select sector, sector_wz_section, sector_wz_division from vacancies"
        ).fetchall() == [("Zeitarbeit", "N", "78")]
        assert con.execute("select name from wz2008 where code = '78'").fetchall() == [
            ("Vermittlung und Überlassung von Arbeitskräften",)
        ]
    finally:
        con.close()

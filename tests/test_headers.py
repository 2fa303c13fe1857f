"""Header synonyms: which file column feeds which record field."""

import pytest

from pipelines.errors import ResqueError
from pipelines.headers import header_key, map_columns, parse_overrides, require_columns


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Angebots-Nr.", "angebotsnr"),
        ("Straße", "strasse"),
        ("  PLZ ", "plz"),
        ("Veröffentlicht am", "veroeffentlichtam"),
        ("Anzahl Stellen", "anzahlstellen"),
    ],
)
def test_header_key(header, key):
    assert header_key(header) == key


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Stellenbezeichnung", "title"),
        ("Titel", "title"),
        ("TITEL", "title"),
        ("Job title", "title"),
        ("Firma", "employer"),
        ("Unternehmen", "employer"),
        ("Arbeitgeber", "employer"),
        ("PLZ", "postcode"),
        ("Postleitzahl", "postcode"),
        ("Ort", "city"),
        ("Arbeitsort", "city"),
        ("Straße", "street"),
        ("Strasse", "street"),
        ("Beschreibung", "description"),
        ("Link", "url"),
        ("URL", "url"),
        ("Angebots-Nr.", "source_ref"),
        ("Referenznummer", "source_ref"),
        ("ID", "source_ref"),
        ("Beginn", "start_date"),
        ("Eintrittsdatum", "start_date"),
        ("Anzahl", "places"),
        ("Plätze", "places"),
        ("Branche", "sector"),
        ("Arbeitszeit", "working_time"),
        ("Veröffentlicht am", "posted_at"),
    ],
)
def test_each_synonym_maps_to_its_field(header, field):
    mapping = map_columns(
        ["Stellenbezeichnung", header] if field != "title" else [header], "vacancies"
    )
    assert mapping[field] == header


def test_beruf_is_occupation_when_a_title_column_exists():
    mapping = map_columns(["Stellenbezeichnung", "Beruf", "Firma"], "vacancies")
    assert mapping["title"] == "Stellenbezeichnung"
    assert mapping["occupation"] == "Beruf"


def test_beruf_alone_is_title_and_occupation():
    mapping = map_columns(["Beruf", "Betrieb", "PLZ"], "vacancies")
    assert mapping["title"] == "Beruf"
    assert mapping["occupation"] == "Beruf"


def test_better_synonym_wins_over_weaker_one():
    mapping = map_columns(["Ort", "Arbeitsort"], "vacancies")
    assert mapping["city"] == "Arbeitsort"


def test_nested_json_keys_match_by_their_last_part():
    mapping = map_columns(["titel", "arbeitsort.plz", "arbeitsort.ort"], "vacancies")
    assert mapping["postcode"] == "arbeitsort.plz"
    assert mapping["city"] == "arbeitsort.ort"


def test_unknown_columns_are_left_alone():
    mapping = map_columns(["Titel", "Vergütung", "Bemerkung"], "vacancies")
    assert set(mapping.values()) == {"Titel"}


def test_override_beats_synonyms():
    mapping = map_columns(["Job", "Titel"], "vacancies", {"Job": "description"})
    assert mapping["description"] == "Job"
    assert mapping["title"] == "Titel"


def test_parse_overrides_checks_fields():
    assert parse_overrides(["Job Name=title"], "vacancies") == {"Job Name": "title"}
    with pytest.raises(ResqueError, match="unknown field 'titel'"):
        parse_overrides(["Job=titel"], "vacancies")
    with pytest.raises(ResqueError, match="expected 'Column=field'"):
        parse_overrides(["title"], "vacancies")


def test_override_of_missing_column_is_an_error():
    with pytest.raises(ResqueError, match="does not have: Nope"):
        map_columns(["Titel"], "vacancies", {"Nope": "title"})


def test_missing_title_column_is_named_in_one_line():
    columns = ["Spalte A", "Spalte B"]
    with pytest.raises(ResqueError, match="no title column found .*Spalte A, Spalte B") as info:
        require_columns(map_columns(columns, "vacancies"), columns, "vacancies", "x.csv")
    assert "\n" not in str(info.value)


def test_employer_headers():
    mapping = map_columns(["Firma", "Branche", "Straße", "PLZ", "Ort", "Internet"], "employers")
    assert mapping == {
        "name": "Firma",
        "sector": "Branche",
        "street": "Straße",
        "postcode": "PLZ",
        "city": "Ort",
        "url": "Internet",
    }

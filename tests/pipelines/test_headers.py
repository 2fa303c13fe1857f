"""Header synonyms: which file column feeds which record field."""

import pytest

from resque.errors import ResqueError
from resque.pipelines.headers import header_key, map_columns, parse_overrides, require_columns


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


# --- the record's own field names and common English headers (issue 13, item 7) --------------


def _own_fields() -> list[tuple[str, str]]:
    from resque.pipelines.record import record_fields

    return [
        (entity, name)
        for entity in ("vacancies", "employers", "participants")
        for name in record_fields(entity)
        if name != "source"  # set by the importer, never read from a file
    ]


@pytest.mark.parametrize(("entity", "field"), _own_fields())
def test_record_field_name_is_its_own_header(entity, field):
    assert map_columns([field], entity).get(field) == field


def test_a_file_of_every_record_field_maps_each_to_itself():
    from resque.pipelines.record import record_fields

    fields = [f for f in record_fields("vacancies") if f != "source"]
    mapping = map_columns(fields, "vacancies")
    assert mapping == {field: field for field in fields}


def test_start_text_beats_the_parsed_start_date():
    # a warehouse export carries both; the text as written ('ab sofort') loses nothing
    mapping = map_columns(["title", "start_date", "start_text"], "vacancies")
    assert mapping["start_date"] == "start_text"


@pytest.mark.parametrize(
    ("entity", "header", "field"),
    [
        ("participants", "mobility", "radius_km"),
        ("participants", "mobility_km", "radius_km"),
        ("participants", "Mobility (km)", "radius_km"),
        ("participants", "radius", "radius_km"),
        ("participants", "max_distance_km", "radius_km"),
        ("participants", "zip", "postcode"),
        ("participants", "town", "city"),
        ("participants", "desired_jobs", "desired_occupations"),
        ("participants", "availability", "available_from"),
        ("vacancies", "zip", "postcode"),
        ("vacancies", "ZIP code", "postcode"),
        ("vacancies", "company", "employer"),
        ("vacancies", "Company name", "employer"),
        ("vacancies", "town", "city"),
        ("vacancies", "job_id", "source_ref"),
        ("vacancies", "external_id", "source_ref"),
        ("vacancies", "contract type", "employment_type"),
        ("vacancies", "date_published", "posted_at"),
        ("vacancies", "closing date", "valid_through"),
        ("vacancies", "positions", "places"),
        ("employers", "company", "name"),
        ("employers", "company_name", "name"),
        ("employers", "source_ref", "source_ref"),
        ("employers", "town", "city"),
    ],
)
def test_common_english_header_is_recognised(entity, header, field):
    required = {"vacancies": "title", "employers": "name", "participants": "participant_id"}
    columns = [header] if field == required[entity] else [required[entity], header]
    assert map_columns(columns, entity)[field] == header

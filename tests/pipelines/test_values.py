"""Tests for the scalar normalisation functions of the normalise stage."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resque.pipelines.values import (
    clean_line,
    clean_text,
    is_immediate_start,
    normalise_employment_type,
    normalise_name,
    normalise_postcode,
    normalise_url,
    normalise_working_time,
    parse_coordinate,
    parse_german_date,
    parse_places,
    split_postcode_city,
    weekly_hours,
)

NAN = float("nan")
D = dt.date

# --- clean_text / clean_line -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Kaufmann im Einzelhandel", "Kaufmann im Einzelhandel"),
        ("  Lager\xa0 und\t\tLogistik  ", "Lager und Logistik"),
        ("Zeile 1   \r\nZeile 2", "Zeile 1\nZeile 2"),
        ("a\r\n\r\n\r\n\r\nb", "a\n\nb"),
        ("a\n\nb", "a\n\nb"),
        ("a \n b", "a\nb"),
        ("a\rb", "a\nb"),
        ("x\x00y\x07z", "xyz"),
        ("Soft\xadhyphen\u200b", "Softhyphen"),
        ("\ufeffBOM", "BOM"),
        ("Mu\u0308ller", "Müller"),  # NFD from macOS -> NFC
        ("", None),
        ("   ", None),
        ("-", None),
        ("--", None),
        ("/", None),
        ("n/a", None),
        ("N/A", None),
        ("k.A.", None),
        ("k. A.", None),
        ("keine Angabe", None),
        (" Keine Angabe ", None),
        ("null", None),
        ("NULL", None),
        ("None", None),
        ("nan", None),
        ("#N/A", None),
        ("k.\nA.", "k.\nA."),  # only a whole-line placeholder counts in free text
        (None, None),
        (3, "3"),
        (3.0, "3"),
        (3.5, "3.5"),
        (-0.0, "0"),
        (NAN, None),
        (math.inf, None),
        (True, "True"),
        (D(2026, 4, 1), "2026-04-01"),
        (dt.datetime(2026, 4, 1), "2026-04-01"),
        (dt.datetime(2026, 4, 1, 8, 30), "2026-04-01T08:30:00"),
        (Decimal("12.50"), "12.50"),
        (Decimal("NaN"), None),
        ("Bäcker/in".encode(), "Bäcker/in"),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fachkraft für Lagerlogistik", "Fachkraft für Lagerlogistik"),
        ("Fachkraft\nfür\n\n\nLagerlogistik", "Fachkraft für Lagerlogistik"),
        ("  Haupt-\tstraße 5 \r\n", "Haupt- straße 5"),
        ("Leipzig\u2028Mitte", "Leipzig Mitte"),
        ("k.\nA.", None),
        ("n/a", None),
        (None, None),
        (4109.0, "4109"),
    ],
)
def test_clean_line(value, expected):
    assert clean_line(value) == expected


def test_clean_text_of_an_int_too_long_for_str():
    assert clean_text(10**5000) is None  # str() refuses ints past 4300 digits


WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


@pytest.mark.parametrize("char", WHITESPACE, ids=[f"U+{ord(c):04X}" for c in WHITESPACE])
def test_every_whitespace_char_is_handled(char):
    assert clean_line(f"a{char}b") in ("a b", "ab")  # 'ab' for control chars
    assert clean_text(f"a{char}{char}b") in ("a b", "a\nb", "a\n\nb", "ab")


# --- postcode / city -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04109", "04109"),
        (4109, "04109"),
        (4109.0, "04109"),
        ("4109", "04109"),
        ("4109.0", "04109"),
        ("D-04109", "04109"),
        ("DE 04109", "04109"),
        ("DE-04109", "04109"),
        ("04109 Leipzig", "04109"),
        ("Leipzig 04109", "04109"),
        (" 04109 ", "04109"),
        ("99998", "99998"),
        ("01001", "01001"),
        (1001, "01001"),
        ("00000", None),
        ("01000", None),
        (1000, None),
        ("99999", None),
        ("041091", None),
        (41091, "41091"),  # a valid PLZ (Mönchengladbach) as a number
        (410910, None),
        ("Leipzig", None),
        ("123", None),
        (123, None),
        ("12345-6789", None),
        ("04109 / 04103", None),  # two postcodes: ambiguous
        (4109.5, None),
        (NAN, None),
        (None, None),
        ("", None),
        (True, None),
        ("０４１０９", None),  # full-width digits are not ASCII
        ("04109\u00b2", "04109"),
    ],
)
def test_normalise_postcode(value, expected):
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04109 Leipzig", ("04109", "Leipzig")),
        ("D-04109 Leipzig", ("04109", "Leipzig")),
        ("Leipzig", (None, "Leipzig")),
        ("04109", ("04109", None)),
        ("Leipzig (04109)", ("04109", "Leipzig")),
        ("Leipzig 04109", ("04109", "Leipzig")),
        ("Leipzig, 04109", ("04109", "Leipzig")),
        ("04109 Leipzig, Sachs", ("04109", "Leipzig, Sachs")),
        ("06108 Halle (Saale)", ("06108", "Halle (Saale)")),
        ("Halle (Saale)", (None, "Halle (Saale)")),
        ("04109 - Leipzig", ("04109", "Leipzig")),
        ("  04109\xa0 Leipzig ", ("04109", "Leipzig")),
        ("00000 Leipzig", (None, "Leipzig")),
        ("4109", ("04109", None)),
        (4109, ("04109", None)),
        ("12345-6789", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
        (NAN, (None, None)),
    ],
)
def test_split_postcode_city(value, expected):
    assert split_postcode_city(value) == expected


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01.04.2026", D(2026, 4, 1)),
        ("1.4.2026", D(2026, 4, 1)),
        ("1.4.26", D(2026, 4, 1)),
        ("01.04.2026 08:30", D(2026, 4, 1)),
        ("01.04.2026, 08:30 Uhr", D(2026, 4, 1)),
        ("2026-04-01", D(2026, 4, 1)),
        ("2026-04-01T08:30:00Z", D(2026, 4, 1)),
        ("2026-04-01T08:30:00+02:00", D(2026, 4, 1)),
        ("2026-04-01T23:30:00-05:00", D(2026, 4, 1)),  # the date as written, no tz shift
        ("2026-04-01 08:30:00.123", D(2026, 4, 1)),
        ("01/04/2026", D(2026, 4, 1)),
        ("01-04-2026", D(2026, 4, 1)),
        (dt.datetime(2026, 4, 1, 8, 30), D(2026, 4, 1)),
        (dt.datetime(2026, 4, 1, 23, 0, tzinfo=dt.UTC), D(2026, 4, 1)),
        (D(2026, 4, 1), D(2026, 4, 1)),
        (46113, D(2026, 4, 1)),
        (46113.75, D(2026, 4, 1)),
        (20000, None),  # 1954: a serial, but before 1990
        (19999, None),
        (80001, None),
        ("April 2026", D(2026, 4, 1)),
        ("Apr. 2026", D(2026, 4, 1)),
        ("Aug 2026", D(2026, 8, 1)),
        ("März 2026", D(2026, 3, 1)),
        ("Maerz 2026", D(2026, 3, 1)),
        ("Mai 2026", D(2026, 5, 1)),
        ("DEZEMBER 2026", D(2026, 12, 1)),
        ("04/2026", D(2026, 4, 1)),
        ("04.2026", D(2026, 4, 1)),
        ("2026-04", D(2026, 4, 1)),
        ("1. August 2026", D(2026, 8, 1)),
        ("01. Aug. 2026", D(2026, 8, 1)),
        ("Montag, 1. April 2026", D(2026, 4, 1)),
        ("zum 01.08.2026", D(2026, 8, 1)),
        ("ab 01.08.2026", D(2026, 8, 1)),
        ("ab dem 01.08.2026", D(2026, 8, 1)),
        ("Beginn: 01.08.2026", D(2026, 8, 1)),
        ("ab August 2026", D(2026, 8, 1)),
        (" 01.04.2026 ", D(2026, 4, 1)),
        ("31.02.2026", None),
        ("32.01.2026", None),
        ("01.13.2026", None),
        ("13/2026", None),
        ("ab sofort", None),
        ("nach Vereinbarung", None),
        ("Herbst 2026", None),
        ("", None),
        ("01.01.1989", None),
        ("01.01.1990", D(1990, 1, 1)),
        ("31.12.2100", D(2100, 12, 31)),
        ("01.01.2101", None),
        (D(1900, 1, 1), None),
        ("26-04-01", None),  # yy-mm-dd or dd-mm-yy: ambiguous
        ("01.04.2026 und 02.04.2026", None),
        (None, None),
        (NAN, None),
        (True, None),
        ("2026", None),
    ],
)
def test_parse_german_date(value, expected):
    assert parse_german_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "ab sofort",
        "sofort",
        "Sofort!",
        "asap",
        "ASAP",
        "ab sofort oder später",
        "zum nächstmöglichen Zeitpunkt",
        "zum naechstmoeglichen Zeitpunkt",
        "nächstmöglich",
        "schnellstmöglich",
        "immediately",
        "per sofort",
    ],
)
def test_is_immediate_start_true(value):
    assert is_immediate_start(value) is True


@pytest.mark.parametrize(
    "value",
    [None, "", "01.08.2026", "nach Vereinbarung", "August 2026", "nicht sofort", 1, NAN,
     D(2026, 8, 1)],
)  # fmt: skip
def test_is_immediate_start_false(value):
    assert is_immediate_start(value) is False


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        ("3.0", 3),
        ("3 Stellen", 3),
        ("1 Platz", 1),
        ("2 Plätze", 2),
        ("3x", 3),
        ("ca. 5", 5),
        ("ca.5", 5),
        ("2-3", 3),
        ("2 – 3", 3),
        ("2 bis 3", 3),
        ("10+", 10),
        ("bis zu 4", 4),
        ("mehrere", None),
        ("diverse", None),
        ("unbegrenzt", None),
        (0, None),
        ("0", None),
        (-1, None),
        ("-1", None),
        (10000, 10000),
        (10001, None),
        ("20000 Plätze", None),
        (2.5, None),
        ("2,5", None),
        (NAN, None),
        (math.inf, None),
        (True, None),
        (False, None),
        (None, None),
        ("", None),
        (10**400, None),
    ],
)
def test_parse_places(value, expected):
    assert parse_places(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40 Std./Woche", 40.0),
        ("30 h", 30.0),
        ("38,5 Stunden", 38.5),
        ("20-25 Std.", 25.0),
        ("Vollzeit (40h)", 40.0),
        ("40-Stunden-Woche", 40.0),
        ("zwischen 20 und 30 Wochenstunden", 30.0),
        ("8 Std./Tag", 40.0),
        ("43,3 Std. im Monat", 10.0),  # a minijob's monthly hours are not weekly hours
        ("40", 40.0),
        (40, 40.0),
        (38.5, 38.5),
        ("Vollzeit", None),
        ("70 Std.", None),
        ("0,5 h", None),
        (0, None),
        (61, None),
        ("8-17 Uhr", None),
        (None, None),
        (NAN, None),
        (True, None),
    ],
)
def test_weekly_hours(value, expected):
    assert weekly_hours(value) == expected


# --- categories ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ausbildung", "apprenticeship"),
        ("Ausbildungsplatz", "apprenticeship"),
        ("Lehrstelle", "apprenticeship"),
        ("Azubi", "apprenticeship"),
        ("duale Ausbildung", "apprenticeship"),
        ("Berufsausbildung", "apprenticeship"),
        ("Ausbildung/Duales Studium", "apprenticeship"),
        ("AUSBILDUNG", "apprenticeship"),
        ("Duales Studium", "dual_study"),
        ("duales studium", "dual_study"),
        ("Praktikum", "internship"),
        ("Praktikant", "internship"),
        ("Einstiegsqualifizierung", "internship"),
        ("EQ", "internship"),
        ("Zeitarbeit", "temporary_agency"),
        ("Arbeitnehmerüberlassung", "temporary_agency"),
        ("Arbeitnehmerueberlassung", "temporary_agency"),
        ("AÜ", "temporary_agency"),
        ("Personaldienstleistung", "temporary_agency"),
        ("Teilzeitarbeit", "work"),
        ("Minijob", "minijob"),
        ("538-Euro-Job", "minijob"),
        ("520-Euro-Job", "minijob"),
        ("geringfügig", "minijob"),
        ("geringfuegige Beschaeftigung", "minijob"),
        ("freiberuflich", "self_employed"),
        ("selbstständig", "self_employed"),
        ("SELBSTAENDIGKEIT", "self_employed"),
        ("Honorar", "self_employed"),
        ("Arbeit", "work"),
        ("Festanstellung", "work"),
        ("unbefristet", "work"),
        ("befristet", "work"),
        ("Anstellung", "work"),
        ("Arbeitsstelle", "work"),
        ("Job", "work"),
        ("sozialversicherungspflichtig", "work"),
        (1, "work"),
        (2, "self_employed"),
        (4, "apprenticeship"),
        (34, "internship"),
        ("1", "work"),
        ("4", "apprenticeship"),
        ("34", "internship"),
        (4.0, "apprenticeship"),
        (3, None),
        ("99", None),
        ("Weiterbildung", None),
        ("", None),
        (None, None),
        (NAN, None),
        (True, None),
    ],
)
def test_normalise_employment_type(value, expected):
    assert normalise_employment_type(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Vollzeit", "full_time"),
        ("VZ", "full_time"),
        ("full-time", "full_time"),
        ("40 Std.", "full_time"),
        ("Vollzeit (40h)", "full_time"),
        ("Teilzeit", "part_time"),
        ("TZ", "part_time"),
        ("part-time", "part_time"),
        ("20 Std./Woche", "part_time"),
        ("Vollzeit/Teilzeit", "full_or_part_time"),
        ("VZ/TZ", "full_or_part_time"),
        ("Voll- oder Teilzeit", "full_or_part_time"),
        ("Schicht", "shift"),
        ("Schichtdienst", "shift"),
        ("2-Schicht", "shift"),
        ("3-Schicht", "shift"),
        ("Wechselschicht", "shift"),
        ("Nachtschicht", "shift"),
        ("Vollzeit im 3-Schicht-System", "full_time"),
        ("Minijob", "minijob"),
        ("geringfügig", "minijob"),
        ("Homeoffice", None),
        ("HEIMTELEARBEIT", None),
        ("SHIFT", "shift"),
        ("SCHICHT", "shift"),
        ("MINIJOB", "minijob"),
        ("SNW", "shift"),
        ("35 Stunden", "full_time"),
        ("34,5 Stunden", "part_time"),
        ("8 Std./Tag", "full_time"),
        (40, "full_time"),
        ("unbekannt", None),
        ("", None),
        (None, None),
        (NAN, None),
    ],
)
def test_normalise_working_time(value, expected):
    assert normalise_working_time(value) == expected


# --- URLs and coordinates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://x.de/a", "https://x.de/a"),
        ("http://x.de/a?b=1#c", "http://x.de/a?b=1#c"),
        ("www.x.de/jobs", "https://www.x.de/jobs"),
        ("x.de", "https://x.de"),
        ("  https://x.de/a \n", "https://x.de/a"),
        ("HTTPS://x.de", "https://x.de"),
        ("//x.de/a", "https://x.de/a"),
        ("x.de:8080/a", "https://x.de:8080/a"),
        ("müller-bau.de", "https://müller-bau.de"),
        ("mailto:info@x.de", None),
        ("javascript:void(0)", None),
        ("tel:0341123", None),
        ("ftp://x.de", None),
        ("info@x.de", None),
        ("keine Website", None),
        ("localhost", None),
        ("https://x.de/a b", None),
        ("z.B.", None),
        ("", None),
        (None, None),
        (3, None),
        (NAN, None),
    ],
)
def test_normalise_url(value, expected):
    assert normalise_url(value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (51.34, "lat", 51.34),
        ("51.34", "lat", 51.34),
        ("51,34", "lat", 51.34),
        (" 12,375 ", "lon", 12.375),
        ("-0,5", "lon", -0.5),
        (51, "lat", 51.0),
        (90, "lat", 90.0),
        (91, "lat", None),
        (-91.0, "lat", None),
        (179.9, "lon", 179.9),
        (181, "lon", None),
        (0.0, "lat", 0.0),
        (0.0, "lon", 0.0),
        (NAN, "lat", None),
        (math.inf, "lon", None),
        ("abc", "lat", None),
        ("51.3.4", "lat", None),
        (None, "lat", None),
        (True, "lat", None),
        (51.0, "height", None),
        (10**400, "lat", None),
    ],
)
def test_parse_coordinate(value, kind, expected):
    assert parse_coordinate(value, kind) == expected


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("MÜLLER LOGISTIK GMBH", "Müller Logistik GmbH"),
        ("Müller Logistik GmbH", "Müller Logistik GmbH"),
        ("müller logistik", "müller logistik"),  # not shouting: kept as written
        ("IBM", "IBM"),  # 4 chars or fewer: kept
        ("BMW AG", "BMW AG"),  # vowelless words are kept as acronyms
        ("BÄCKEREI SCHMIDT GMBH & CO. KG", "Bäckerei Schmidt GmbH & Co. KG"),
        ("FÖRDERVEREIN E.V.", "Förderverein e.V."),
        ("HANDEL E.K.", "Handel e.K."),
        ("HAUS UND HOF UG (HAFTUNGSBESCHRÄNKT)", "Haus und Hof UG (haftungsbeschränkt)"),
        ("MEYER OHG", "Meyer OHG"),
        ("MEYER GBR", "Meyer GbR"),
        ("MEYER SE", "Meyer SE"),
        ("MEYER VERWALTUNGS MBH", "Meyer Verwaltungs mbH"),
        ("DR. MÜLLER'S PRAXIS", "Dr. Müller's Praxis"),
        ("KFZ-SERVICE MEIER", "KFZ-Service Meier"),
        ("GROß GMBH", "Groß GmbH"),
        ("MEYER I.V. HANDEL", "Meyer I.V. Handel"),  # 'i.V.' is no legal form
        ("MEYER İ.G.", "Meyer İ.G."),
        ("  MÜLLER\nLOGISTIK  GMBH ", "Müller Logistik GmbH"),
        ("", None),
        (None, None),
        ("n/a", None),
    ],
)
def test_normalise_name(value, expected):
    assert normalise_name(value) == expected


# --- properties ------------------------------------------------------------------------------

# Characters the parsers look for, so generated text reaches their deeper branches.
_PARSER_CHARS = st.sampled_from(
    list("0123456789 .,-/:+()°'xhTZäöüßİſDEVGIKLmbHgAaStdu\n\t\xa0\u2028")
)
ANY_TEXT = st.one_of(st.text(), st.text(_PARSER_CHARS))
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    ANY_TEXT,
    st.integers(),
    st.floats(),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(dt.UTC))),
)

UNARY = [
    clean_text,
    clean_line,
    normalise_postcode,
    split_postcode_city,
    parse_german_date,
    is_immediate_start,
    parse_places,
    normalise_employment_type,
    normalise_working_time,
    weekly_hours,
    normalise_url,
    normalise_name,
]


@pytest.mark.parametrize("function", UNARY, ids=lambda f: f.__name__)
@given(value=ANY_VALUE)
def test_never_raises(function, value):
    function(value)


@given(value=ANY_VALUE, kind=st.sampled_from(["lat", "lon", "x"]))
def test_parse_coordinate_never_raises_and_stays_in_range(value, kind):
    result = parse_coordinate(value, kind)
    assert result is None or (kind != "x" and abs(result) <= {"lat": 90, "lon": 180}[kind])


def _is_postcode(result: str | None) -> bool:
    return result is None or (
        len(result) == 5 and result.isascii() and result.isdigit() and 1001 <= int(result) <= 99998
    )


@given(value=ANY_VALUE)
def test_postcode_is_none_or_five_digits_in_range(value):
    assert _is_postcode(normalise_postcode(value))
    assert _is_postcode(split_postcode_city(value)[0])


@given(number=st.integers(1001, 99998))
def test_postcode_round_trips(number):
    text = f"{number:05d}"
    assert normalise_postcode(number) == normalise_postcode(text) == text
    assert split_postcode_city(f"{text} Ort") == (text, "Ort")


@given(value=ANY_VALUE)
def test_places_is_none_or_in_range(value):
    result = parse_places(value)
    assert result is None or (type(result) is int and 1 <= result <= 10000)


@given(value=ANY_VALUE)
def test_clean_text_is_idempotent(value):
    once = clean_text(value)
    assert clean_text(once) == once


@given(value=ANY_VALUE)
def test_clean_line_is_one_clean_line(value):
    once = clean_line(value)
    assert once is None or ("\n" not in once and once == once.strip())
    assert clean_line(once) == once


@given(day=st.dates(D(1990, 1, 1), D(2100, 12, 31)))
def test_dates_round_trip(day):
    assert parse_german_date(day.strftime("%d.%m.%Y")) == day
    assert parse_german_date(day.isoformat()) == day
    assert parse_german_date(f"{day.day}.{day.month}.{day.year}") == day


@given(value=ANY_VALUE)
def test_date_is_none_or_in_range(value):
    result = parse_german_date(value)
    assert result is None or 1990 <= result.year <= 2100


@given(value=ANY_VALUE)
def test_hours_are_none_or_plausible(value):
    result = weekly_hours(value)
    assert result is None or 1 <= result <= 60


@pytest.mark.parametrize(
    "function",
    [normalise_employment_type, normalise_working_time, normalise_url, normalise_name],
    ids=lambda f: f.__name__,
)
@given(value=ANY_VALUE)
def test_normalisers_are_idempotent(function, value):
    once = function(value)
    assert function(once) == once

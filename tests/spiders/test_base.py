"""spiders.base: the address and text helpers the HTML spiders share, and the privacy filters
(matching/privacy.py) they apply."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from resque.matching.privacy import REMOVED, has_personal_data, scrub_personal_data
from resque.spiders.base import (
    SourceSpider,
    arg_list,
    label_key,
    lines_of,
    paragraphs_of,
    postal_address,
    resolve_relative_date,
    split_address,
    split_place,
    squish,
)


@pytest.mark.parametrize(
    "text",
    [
        "s.krueger@haustechnik-wurzen-example.de",
        "bewerbung(at)datenwerk-leipzig-example(dot)de",
        "info [at] firma-example [dot] de",
        "Tel.: 03425 8521-0",
        "(0341) 123 45 67",
        "03425 / 8521-0",
        "+49 341 1234567",
        "Mobil 0171 5550123",
        "Frau Sabine Krüger",
        "Herrn Dr. Jens Vogel",
    ],
)
def test_contact_data_is_found(text):
    assert has_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "04109 Leipzig",
        "Ausbildungsbeginn 01.08.2027",
        "LS-2026-79964",
        "2026-004711",
        "Kaufmann/-frau im Einzelhandel",
        "Bürokauffrau",
        "Hauptstraße 74, 04808 Wurzen, 24,8 km",
        "Als Frau oder Mann bist du willkommen",
        "30 Tage Urlaub, 25 Kolleginnen und Kollegen",
        "www.haustechnik-wurzen-example.de",
    ],
)
def test_ordinary_text_is_not_contact_data(text):
    assert not has_personal_data(text)


def test_scrub_replaces_each_contact_detail():
    text = "Fragen an Frau Sabine Krüger, 0341 12345-67 oder s.krueger@firma-example.de. Danke"
    assert scrub_personal_data(text) == f"Fragen an {REMOVED}, {REMOVED} oder {REMOVED}. Danke"


def test_scrub_leaves_text_without_contact_data_alone():
    text = "Ausbildungsbeginn 01.08.2027 in 04808 Wurzen."
    assert scrub_personal_data(text) == text


def test_split_address_keeps_company_and_address_only():
    lines = [
        "Haustechnik Wurzen GmbH",
        "Hauptstraße 121",
        "04808 Wurzen",
        "Ansprechpartnerin: Frau Sabine Krüger",
        "Tel.: 03425 8521-0",
        "E-Mail:",
        "s.krueger@haustechnik-wurzen-example.de",
    ]
    address = split_address(lines)
    assert (address.company, address.street, address.postcode, address.city) == (
        "Haustechnik Wurzen GmbH",
        "Hauptstraße 121",
        "04808",
        "Wurzen",
    )


def test_split_address_skips_person_lines_before_the_company():
    address = split_address(["Ansprechpartner:", "Herr Vogel", "Elektro Mockau GmbH"])
    assert (address.company, address.postcode) == ("Elektro Mockau GmbH", None)


def test_split_address_keeps_companies_whose_name_starts_like_a_label():
    assert split_address(["Telekom Shop Leipzig GmbH", "D-04109 Leipzig"]).company == (
        "Telekom Shop Leipzig GmbH"
    )


def test_postal_address_takes_the_line_before_the_postcode_as_street():
    lines = ["Haus am Park", "Lindenallee 128", "04668 Grimma"]
    assert postal_address(lines) == ("Lindenallee 128", "04668", "Grimma")


def test_postal_address_without_postcode():
    assert postal_address(["Lindenallee 128"]) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04109\xa0Leipzig", ("04109", "Leipzig")),
        ("Leipzig", (None, "Leipzig")),
        ("  ", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_place(text, expected):
    assert split_place(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heute", "28.11.2026"),
        ("Gestern", "27.11.2026"),
        ("vor 3 Tagen", "25.11.2026"),
        ("vor einem Tag", "27.11.2026"),
        ("vor 2 Wochen", "14.11.2026"),
        ("21.10.2026", "21.10.2026"),
        (None, None),
    ],
)
def test_relative_dates_count_back_from_today(text, expected):
    assert resolve_relative_date(text, dt.date(2026, 11, 28)) == expected


def test_text_helpers_squish_entities_and_noise():
    node = Selector(
        text="<div><p>Bei uns&nbsp;lernst\n  du <b>alles</b>.</p><ul><li>A</li></ul></div>"
    )
    div = node.css("div")
    assert paragraphs_of(div) == "Bei uns lernst du alles .\nA"
    assert lines_of(div) == ["Bei uns lernst du", "alles", ".", "A"]
    assert squish(" \n ") is None


def test_label_key_ignores_colon_case_and_spaces():
    assert label_key(" Gewünschter\n Schulabschluss: ") == "gewünschter schulabschluss"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        (
            '["https://a.example/", "https://b.example/"]',
            ["https://a.example/", "https://b.example/"],
        ),
        ("A, B,", ["A", "B"]),
        (["x"], ["x"]),
    ],
)
def test_arg_list(value, expected):
    assert arg_list(value) == expected


def test_source_spider_arguments():
    class Demo(SourceSpider):
        name = "demo"
        default_base_url = "https://example.org/board"

    spider = Demo(start_urls='["https://example.org/a"]')
    assert (spider.source, spider.base_url, spider.start_urls) == (
        "demo",
        "https://example.org/board/",
        ["https://example.org/a"],
    )
    assert spider.url("suche.html", {"ort": "Leipzig", "beruf": None}) == (
        "https://example.org/board/suche.html?ort=Leipzig"
    )
    local = Demo(source="mirror", base_url="file:///srv/sites/demo")
    assert local.url("angebote/suche.html") == "file:///srv/sites/demo/angebote/suche.html"

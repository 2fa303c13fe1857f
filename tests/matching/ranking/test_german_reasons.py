"""Reasons and source names in German, rendered from the stored reasons dict (issue 14, item 5)."""

from __future__ import annotations

import math
import textwrap

import pytest

from resque.errors import ResqueError
from resque.matching.ranking import explain
from resque.pipelines.config import load_config
from resque.reports.source_names import display_name, display_names

STORED = {  # a reasons dict as the ranker stores it (English facts, JSON in matches.reasons)
    "summary": 'wish "Lagerhelfer" ~ "Lagerhelfer*in" (0.94); 4.7 km (radius 20 km)',
    "wish": "Lagerhelfer",
    "title": "Lagerhelfer*in",
    "occupation_similarity": 0.94,
    "skills": [],
    "distance_km": 4.7,
    "radius_km": 20,
    "located_by": "postcode",
    "licences_required": ["Stapler"],
    "licences_welcome_held": [],
    "licences_welcome_missing": [],
    "working_time_wished": None,
    "working_time_offered": None,
    "shift_work": False,
    "start": None,
    "available_from": None,
    "languages": None,
}


def test_the_issue_example_reads_as_written():
    assert explain.coach_summary(STORED) == (
        "Wunschberuf Lagerhelfer passt zu „Lagerhelfer*in“ (0,94) · 4,7 km (Umkreis 20 km) · "
        "Staplerschein verlangt und vorhanden"
    )


@pytest.mark.parametrize(
    "value, decimals, text",
    [
        (4.7, 1, "4,7"),
        (0.3, 2, "0,30"),
        (1234.56, 1, "1.234,6"),
        (0.0, 1, "0,0"),
        (-2.5, 1, "-2,5"),
    ],
)
def test_decimal_comma(value, decimals, text):
    assert explain.de_number(value, decimals) == text


def test_every_aspect_in_german():
    reasons = {
        **STORED,
        "skills": ["Kommissionierung", "Lagerverwaltung"],
        "radius_km": 12.5,
        "licences_required": ["CE"],
        "licences_welcome_held": ["Stapler"],
        "licences_welcome_missing": ["B"],
        "working_time_offered": "part_time",
        "working_time_wished": "full_or_part_time",
        "shift_work": True,
        "start": "2027-02-01",
        "available_from": "2026-12-15",
        "languages": "Deutsch B1 held, B2 asked (1 short); Englisch not listed, A2 asked (2 short)",
    }
    assert explain.coach_lines(reasons) == [
        "Wunschberuf Lagerhelfer passt zu „Lagerhelfer*in“ (0,94)",
        "Kenntnisse: Kommissionierung, Lagerverwaltung",
        "4,7 km (Umkreis 12,5 km)",
        "Führerschein CE verlangt und vorhanden",
        "Staplerschein erwünscht und vorhanden",
        "Führerschein B erwünscht, nicht vorhanden",
        "Arbeitszeit: Teilzeit, mit Schichten (gewünscht: Voll- oder Teilzeit)",
        "Sprachen: Deutsch B2 verlangt, B1 vorhanden (1 Stufe darunter); "
        "Englisch A2 verlangt, nicht angegeben (2 Stufen darunter)",
        "Beginn 01.02.2027, verfügbar ab 15.12.2026",
    ]


def test_start_now_unknown_distance_and_unknown_wording():
    reasons = {
        **STORED,
        "distance_km": math.nan,
        "start": "immediately",
        "available_from": None,
        "languages": "Deutsch native held, C1 asked; Klingonisch something else",
    }
    lines = explain.coach_lines(reasons)
    assert "Entfernung unbekannt (Ort fehlt), Umkreis nicht geprüft" in lines
    assert "Beginn sofort, verfügbar ab nicht angegeben" in lines
    assert "Sprachen: Deutsch C1 verlangt, Muttersprache vorhanden; Klingonisch something else" in (
        lines
    )


def test_no_reason_restates_the_vacancy_title_without_evidence():
    reasons = {**STORED, "wish": "", "title": "Elektroniker (m/w/d)", "occupation_similarity": 0.1}
    text = explain.coach_summary(reasons)
    assert "Elektroniker" not in text and "verwandt" not in text and "related" not in text
    assert text.startswith("4,7 km (Umkreis 20 km)")
    assert not explain.has_evidence(reasons)


def test_related_evidence_is_named_in_words():
    group = {"kind": "kldb_group", "group": "513", "name": "Lagerwirtschaft"}
    reasons = {**STORED, "wish": None, "related_evidence": group}
    assert explain.coach_lines(reasons)[0] == (
        "verwandter Beruf: gleiche Berufsgruppe 513 Lagerwirtschaft"
    )
    assert explain.has_evidence(reasons)
    seen = {"kind": "cooccurrence", "with": "Fachkraft für Lagerlogistik", "count": 12}
    line = explain.coach_lines({**reasons, "related_evidence": seen})[0]
    assert line.startswith("verwandter Beruf: ") and "„Fachkraft für Lagerlogistik“" in line
    assert "12-mal" in line
    # evidence of a kind this version does not know claims nothing
    odd = explain.coach_lines({**reasons, "related_evidence": {"kind": "gut feeling"}})
    assert not any("verwandt" in line for line in odd)


def test_the_stored_english_summary_is_not_used():
    reasons = {**STORED, "summary": 'related to "Lagerhelfer*in"', "wish": ""}
    assert "related" not in explain.coach_summary(reasons)


@pytest.mark.parametrize(
    "slug, name",
    [
        ("ba_jobsuche", "Jobsuche der Bundesagentur für Arbeit"),
        ("ihk_lehrstellen", "IHK-Lehrstellenbörse"),
        ("hwk_lehrstellen", "Lehrstellen-Radar der Handwerkskammern"),
        ("jobmesse_leipzig_2026", "Jobmesse Leipzig 2026"),
        ("firmenliste", "Firmenliste der Partner (Papierliste)"),
        ("ihk_ausbildung_halle", "IHK Ausbildung Halle"),
        ("stellenliste-nord", "Stellenliste Nord"),
        ("papierliste_caritas", "Papierliste Caritas"),
    ],
)
def test_sources_have_names_a_reader_knows(slug, name):
    assert display_name(slug) == name


def test_a_configured_display_name_wins(tmp_path):
    config = tmp_path / "resque.toml"
    config.write_text(
        textwrap.dedent(
            """
            [sources.ba_jobsuche]
            type = "file"
            display_name = "BA-Jobbörse"
            [sources.messe_x]
            type = "file"
            """
        ),
        encoding="utf-8",
    )
    names = load_config(config).source_display_names()
    assert names == {"ba_jobsuche": "BA-Jobbörse"}
    assert display_names(["ba_jobsuche", "messe_x", "ba_jobsuche"], names) == "BA-Jobbörse, Messe X"


def test_an_empty_display_name_is_refused(tmp_path):
    config = tmp_path / "resque.toml"
    config.write_text('[sources.x]\ntype = "file"\ndisplay_name = " "\n', encoding="utf-8")
    with pytest.raises(ResqueError, match="display_name must be a non-empty text"):
        load_config(config)

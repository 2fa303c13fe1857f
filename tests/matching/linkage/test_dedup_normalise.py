"""Normalisation rules of the dedup stage: each variation German job ads show, one case each."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resque.matching.linkage.occupations import occupation_group
from resque.matching.normalise import (
    city_key,
    client_key,
    employer_key,
    hours_of_texts,
    is_agency,
    posting_hours,
    pre_clean_titles,
    strip_context,
    title_key,
    title_occupations,
    town_key,
)
from tests.conftest import TESTS


@pytest.mark.parametrize(
    "title",
    [
        "Lagerhelfer (m/w/d)",
        "Lagerhelfer (w/m/d)",
        "Lagerhelfer (m/w/x)",
        "Lagerhelfer (d/m/w)",
        "Lagerhelfer (m|w|d)",
        "Lagerhelfer m/w/d",
        "Lagerhelfer (all genders)",
        "Lagerhelfer (gn)",
        "Lagerhelfer (m/f/d)",
        "Lagerhelfer (m/w/div)",
        "LAGERHELFER (M/W/D)",
        "Lagerhelfer*in",
        "Lagerhelfer:in",
        "Lagerhelfer/-in",
        "Lagerhelfer/in",
        "Lagerhelfer(in)",
        "Lagerhelfer_in",
        "LagerhelferIn",
        "Lagerhelferin",
        "Lagerhelfer*innen (m/w/d)",
    ],
)
def test_gender_markers_and_forms_reduce_to_the_base_form(title):
    assert title_key(title) == "lagerhelfer"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kaufmann/-frau für Büromanagement", "kaufmann bueromanagement"),
        ("Kauffrau/Kaufmann für Büromanagement", "kaufmann bueromanagement"),
        ("Kauffrau für Büromanagement", "kaufmann bueromanagement"),
        ("Pflegefachfrau/-mann", "pflegefachmann"),
        ("Koch/Köchin", "koch"),
        ("Köchin", "koch"),
        ("Koch*Köchin", "koch"),
        ("Kassierer / Kassiererin", "kassierer"),
        ("Friseurin / Friseur", "friseur"),
        ("Verkäufer*in", "verkaeufer"),
        ("Helfer:in im Lager", "helfer lager"),
        ("Mitarbeiter/-in Lager", "mitarbeiter lager"),
        ("Staatlich anerkannte/r Erzieher/-in", "staatlich anerkannte erzieher"),
        ("Fachlageristin", "fachlagerist"),
        ("Reinigungskräfte", "reinigungskraft"),
    ],
)
def test_gendered_word_forms(title, expected):
    assert title_key(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Lagerhelfer - Vollzeit",
        "Lagerhelfer – Vollzeit",
        "Lagerhelfer in Vollzeit",
        "Lagerhelfer in Teilzeit",
        "Lagerhelfer (Vollzeit/Teilzeit)",
        "Lagerhelfer ab sofort",
        "Lagerhelfer, unbefristet",
        "Lagerhelfer - Schichtarbeit",
        "Lagerhelfer im 3-Schicht-System",
        "Lagerhelfer – Quereinstieg möglich",
        "Lagerhelfer in Leipzig",
        "Lagerhelfer in Leipzig-Plagwitz",
        "Lagerhelfer in Leipzig (Gohlis)",
        "Lagerhelfer in 04109 Leipzig",
        "Lagerhelfer in Halle (Saale)",
        "Lagerhelfer (m/w/d) in Teilzeit (20 Std./Woche)",
        "Lagerhelfer (m/w/d) ab sofort in Leipzig - Vollzeit",
    ],
)
def test_working_time_start_and_place_tails_are_dropped(title):
    assert title_key(title) == "lagerhelfer"


@pytest.mark.parametrize(
    "title",
    [
        "Wir suchen: Lagerhelfer (m/w/d)",
        "Gesucht: Lagerhelfer",
        "Ab sofort gesucht: Lagerhelfer*in",
        "Stellenangebot: Lagerhelfer",
        "Muster Logistik GmbH: Lagerhelfer (m/w/d)",
    ],
)
def test_prefixes_and_employer_names_before_a_colon_are_dropped(title):
    assert title_key(title) == "lagerhelfer"


def test_words_that_tell_jobs_apart_are_kept():
    assert title_key("Mitarbeiter in der Produktion") == "mitarbeiter produktion"
    assert title_key("Elektroniker für Betriebstechnik (m/w/d)") == "elektroniker betriebstechnik"
    assert title_key("Ausbildung zum Koch (m/w/d) 2027") == "ausbildung koch 2027"
    assert title_key("Kaufmann im Einzelhandel") == "kaufmann einzelhandel"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Mitarbeiter - Werkschutz, unbefristet", "mitarbeiter werkschutz"),  # not '- TZ'
        ("Ingenieur Naturschutz - Vollzeit", "ingenieur naturschutz"),
        ("Lagerhelfer - TZ", "lagerhelfer"),
        ("Arzt in Weiterbildung (m/w/d) Neurologie", "arzt weiterbildung neurologie"),
        ("Pflegefachkraft in Leitungsfunktion", "pflegefachkraft leitungsfunktion"),
        ("Koch in Leipzig", "koch"),
    ],
)
def test_tails_are_words_not_word_endings_and_a_place_is_a_place(title, expected):
    assert title_key(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Lagerhelfer (m/w/d) in Leipzig (Wahren)", "lagerhelfer"),
        ("Koch in Frankfurt am Main", "koch"),
        ("Verkäufer in 04109 Leipzig-Plagwitz", "verkaeufer"),
        ("Bauhelfer (m/w/d) in Brandenburg an der Havel", "bauhelfer"),
        ("Maschinenbediener (m/w/d) in Jessen (Elster) Seyda", "maschinenbediener"),
        # what follows 'in' names the job: the cheap cut before title_key must keep it
        ("Arzt in Weiterbildung – Kardiologie", "arzt weiterbildung kardiologie"),
        ("Arzt in Weiterbildung (m/w/d) Neurologie", "arzt weiterbildung neurologie"),
        ("PhD in AI & Data Science for Cancer Research", "phd ai data science for cancer research"),
    ],
)
def test_title_occupations_cut_a_place_and_only_a_place(title, expected):
    assert title_occupations(pd.Series([title])).tolist() == [expected]


def _labelled_titles() -> pd.Series:
    folder = TESTS / "data" / "dedup"
    frames = [
        pd.read_csv(path, sep=";", dtype=str, usecols=["Stellentitel"])
        for path in sorted(folder.glob("*/*.csv"))
        if path.name != "labels.csv"
    ]
    return pd.concat(frames)["Stellentitel"].dropna().drop_duplicates().reset_index(drop=True)


def test_the_column_pre_clean_never_changes_a_key():
    """pre_clean_titles cuts in Arrow what title_key cuts anyway; on every title of the
    labelled sets the key of the pre-cleaned title is the key of the title."""
    titles = _labelled_titles()
    cleaned = pre_clean_titles(titles)
    assert len(titles) > 5000
    assert [title_key(t) for t in titles] == [title_key(c) for c in cleaned]


def test_empty_titles_have_no_key():
    assert title_key(None) is None
    assert title_key("   ") is None


def test_employer_and_town_words_are_stripped_only_if_something_remains():
    assert strip_context("lagerhelfer muster", "muster logistik", "leipzig") == "lagerhelfer"
    assert strip_context("lagerhelfer leipzig", None, "leipzig") == "lagerhelfer"
    assert strip_context("muster", "muster", None) == "muster"


@pytest.mark.parametrize(
    "name",
    [
        "Müller Logistik GmbH & Co. KG",
        "Müller Logistik GmbH & Co KG",
        "Müller Logistik GmbH u. Co. KG",
        "Müller Logistik GmbH",
        "Müller Logistik Gmbh",
        "Müller Logistik G.m.b.H.",
        "MÜLLER LOGISTIK GMBH",
        "Müller  Logistik AG",
        "Müller Logistik e.V.",
        "Müller Logistik eV",
        "Müller Logistik gemeinnützige GmbH",
        "Müller Logistik UG (haftungsbeschränkt)",
        "Mueller Logistik",
    ],
)
def test_legal_forms_and_spelling_of_employers(name):
    assert employer_key(name) == "mueller logistik"


@pytest.mark.parametrize(
    ("city", "town"),
    [
        ("Leipzig", "leipzig"),
        ("LEIPZIG", "leipzig"),
        ("04109 Leipzig", "leipzig"),
        ("Leipzig, Sachs", "leipzig"),
        ("Leipzig, Sachsen", "leipzig"),
        ("Leipzig-Plagwitz", "leipzig"),
        ("Leipzig (Gohlis)", "leipzig"),
        ("Halle (Saale)", "halle"),
        ("Halle/Saale", "halle"),
        ("Bad Düben", "bad dueben"),
    ],
)
def test_town_spellings(city, town):
    assert town_key(city) == town


def test_city_key_keeps_the_district_and_missing_places_have_no_key():
    assert city_key("Leipzig-Plagwitz") == "leipzig plagwitz"
    assert town_key("Bad Düben") != town_key("Bad Lausick")
    assert town_key(None) is None
    assert town_key("04109") is None


def test_weekly_hours_from_title_or_description():
    assert posting_hours("Verkäufer (m/w/d) 20 Std./Woche") == 20
    assert posting_hours("Verkäufer (m/w/d)", "Teilzeit mit 25 Stunden pro Woche.") == 25
    assert posting_hours("Verkäufer (m/w/d)", "Stundenlohn ab 14,50 €.") is None


@pytest.mark.parametrize(
    "text",
    [
        "Verkäufer (m/w/d) 20 Std./Woche",
        "Teilzeit mit 25 Stunden pro Woche.",
        "Wir betreiben 3 Häuser in Leipzig. Teilzeit 30 Std./Woche",
        "2 Höfe, 20-25 Stunden pro Woche",
        "Minijob, 40 Std./Monat",
        "8 Std./Tag",
        "Stundenlohn ab 14,50 €.",
        "40\u00a0Std. in der Woche",
        None,
        "",
    ],
)
def test_hours_over_a_column_are_the_scalar_rule_row_by_row(text):
    """hours_of_texts cuts passages out in Arrow first; the result is posting_hours' own."""
    column = pd.Series(["Lager", text, "30 Stunden"], dtype=object)
    expected = [posting_hours(v) for v in column]
    got = [None if np.isnan(h) else h for h in hours_of_texts(column)]
    assert got == expected


def test_agencies_and_their_clients():
    assert is_agency("Personalservice Mitte GmbH")
    assert is_agency("Nordsachsen Zeitarbeit GmbH")
    assert not is_agency("Elster Logistik GmbH & Co. KG")
    assert (
        client_key("Einsatz bei einem Logistikdienstleister in Leipzig.") == "logistikdienstleister"
    )
    assert (
        client_key("Unser Kunde ist ein Logistikdienstleister in Halle.") == "logistikdienstleister"
    )
    assert client_key("Im Kundeneinsatz bei einer Klinik (Markranstädt).") == "klinik"
    assert client_key("Aufgaben: Kommissionierung.") is None


@pytest.mark.parametrize(
    ("title", "group"),
    [
        ("staplerfahrer", "staplerfahrer"),
        ("gabelstaplerfahrer", "staplerfahrer"),
        ("flurfoerderzeugfuehrer", "staplerfahrer"),
        ("lagermitarbeiter mit staplerschein", "staplerfahrer"),
        ("helfer lager logistik", "lagerhelfer"),
        ("fachkraft lagerlogistik", "fachkraft_lagerlogistik"),
        ("elektroniker betriebstechnik", "elektroniker_betriebstechnik"),
        ("elektroniker energie gebaeudetechnik", "elektroniker_gebaeudetechnik"),
        ("kundenservicemitarbeiter", "kundenservice"),
        ("sternekoch", "koch"),
        ("astronaut", None),
    ],
)
def test_occupation_groups(title, group):
    assert occupation_group(title) == group


def test_postings_without_employer_or_town_are_normalised():
    import pandas as pd

    from resque.matching.linkage.dedup import normalise

    raw = pd.DataFrame(
        {
            "title": ["Koch Müller GmbH", "Koch", "Lagerhelfer Leipzig"],
            "employer": ["Müller GmbH", None, None],
            "city": [None, None, "Leipzig"],
            "description": [None, "Vollzeit 40 Std.", None],
        }
    )
    out = normalise(raw)
    assert out["title_key"].tolist()[1:] == ["koch", "lagerhelfer"]

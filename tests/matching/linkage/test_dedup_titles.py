"""Title evidence: distinct jobs of one employer stay apart, rewordings of one job do not.

The cases are the false merges found on real postings (issue 12): wards and departments of
a hospital, specialisations of one trade, unrelated jobs at one industrial site.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from resque.matching.linkage import dedup as md
from resque.matching.linkage.classifier import DIRECTION, SUPPORT, default_model
from resque.matching.linkage.titles import compare_pair, conflicts_within, title_words
from resque.matching.normalise import title_key

HOSPITAL = {
    "source": "ba_jobsuche",
    "employer": "Universitätsklinikum Musterstadt",
    "postcode": "91054",
    "city": "Erlangen",
    "street": None,
    "description": None,
    "working_time": "full_time",
    "employment_type": None,
    "start_date": None,
    "places": None,
    "posted_at": dt.date(2026, 11, 1),
}


def _words(*titles: str):
    keys = np.array([title_key(t) for t in titles], dtype=object)
    return title_words(keys)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Gesundheits- und Krankenpfleger (m/w/d) Dermatologie",
            "Gesundheits- und Krankenpfleger Notaufnahme",
        ),
        (
            "Elektroniker für Betriebstechnik (m/w/d)",
            "Elektroniker für Energie- und Gebäudetechnik",
        ),
        ("Pflegefachkraft Station 5", "Pflegefachkraft Station 7"),
        ("CNC-Fräser (m/w/d)", "Mitarbeiter Werkzeugorganisation (m/w/d)"),
        ("Trockenbaumonteur/in", "Handwerklich geschickte Helfer (m/w/d) gesucht!"),
        ("Fertigungsmitarbeiter (m/w/d)", "Produktions- und Montagewerker (m/w/d) in Kulmbach"),
        ("Anlagenmechaniker SHK Kältetechnik", "Anlagenmechaniker SHK Lüftungstechnik"),
    ],
)
def test_distinctive_words_on_both_sides_are_different_jobs(a, b):
    assert compare_pair(_words(a, b), 0, 1)[0] is True


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lagerhelfer (m/w/d)", "Helfer:in im Lager"),
        ("Staplerfahrer", "Gabelstaplerfahrer (m/w/d)"),
        ("Produktionshelfer", "Helfer Produktion - Vollzeit"),
        ("Gärtner GaLaBau", "Gärtner Garten- und Landschaftsbau (m/w/d)"),
        ("Anlagenmechaniker SHK", "Anlagenmechaniker Sanitär-, Heizungs- und Klimatechnik"),
        ("Sachbearbeiter Buchhaltung", "Sachbearbeiter Finanzbuchhaltung"),
        ("Verkäufer (m/w/d)", "Bäckereifachverkäufer*in"),
        ("Kraftfahrer Klasse CE", "Fahrer CE (m/w/d)"),
    ],
)
def test_rewordings_and_more_detail_are_not_different_jobs(a, b):
    assert compare_pair(_words(a, b), 0, 1)[0] is False


def test_a_rare_word_on_one_side_weighs_more_than_a_common_one():
    # 'kaeltetechnik' is in one title of five, 'mitarbeiter' in four of them
    words = _words(
        "Servicetechniker Kältetechnik",
        "Servicetechniker",
        "Mitarbeiter Servicetechniker",
        "Mitarbeiter Lager",
        "Mitarbeiter Empfang",
        "Mitarbeiter Küche",
    )
    rare = compare_pair(words, 0, 1)
    common = compare_pair(words, 2, 1)
    assert rare[0] is False and common[0] is False  # one side only: evidence, not a rule
    assert rare[1] > common[1] > 0
    assert rare[2] == 1.0 and common[2] == 0.0  # 'mitarbeiter' is generic, not distinctive


def _hospital(titles: list[str]) -> pd.DataFrame:
    rows = [{**HOSPITAL, "posting_id": f"p{i}", "title": t} for i, t in enumerate(titles)]
    return md.normalise_and_prepare(pd.DataFrame(rows))


def test_same_employer_same_place_and_missing_fields_never_outweigh_different_titles():
    # ward against ward: distinctive words; a vague title against a job: below the floor
    frame = _hospital(
        [
            "Gesundheits- und Krankenpfleger Dermatologie",
            "Gesundheits- und Krankenpfleger Notaufnahme",
            "Mitarbeiter (m/w/d)",
            "Reinigungskraft",
        ]
    )
    pairs = pd.DataFrame({"left": [0, 2], "right": [1, 3], "blocking_rule": ["test"] * 2})
    scored = md.score_pairs(frame, pairs, default_model())
    assert (scored["decision"] == "non-match").all()
    assert (scored["rule"] == "different_title").all()


def test_the_bundled_model_keeps_every_weight_to_its_direction():
    model = default_model()
    for name, weight, direction in zip(
        model.features, model.coefficients, model.directions, strict=True
    ):
        assert direction == DIRECTION[name]
        assert weight * direction >= 0, name
    # no agreement outside the title enters the model except through the title gate
    assert not set(SUPPORT) & set(model.features)


def test_a_chain_through_a_vague_title_does_not_join_two_different_jobs():
    """A ~ B and B ~ C were compared and accepted; A and C never were, and name different
    wards. They end up in different vacancies."""
    frame = _hospital(
        ["Pflegefachkraft Dermatologie", "Pflegefachkraft", "Pflegefachkraft Notaufnahme"]
    )
    pairs = pd.DataFrame(
        {"left": [0, 1], "right": [1, 2], "probability": [0.9, 0.9], "rule": [None, None]}
    )
    labels = md.cluster_pairs(frame, pairs, threshold=0.5)
    assert labels[0] != labels[2]
    assert labels[1] in (labels[0], labels[2])  # the vague posting joins one of them


def test_conflicts_are_found_inside_clusters_whether_compared_or_not():
    titles = ["Koch Frühstück", "Koch", "Koch Bankett", "Koch Frühstück"]
    keys = np.array([title_key(t) for t in titles], dtype=object)
    codes, distinct = pd.factorize(keys)
    clash = conflicts_within(title_words(distinct), codes, np.zeros(4, dtype=int))
    assert sorted(tuple(sorted(pair)) for pair in clash.tolist()) == [(0, 2), (2, 3)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Senior Data Engineer (m/w/d)", "Data Engineer (m/w/d)"),
        ("Junior Controller", "Senior Controller"),
        ("Werkstudent Marketing", "Praktikant Marketing"),
    ],
)
def test_a_different_level_is_a_different_job(a, b):
    """Found on real postings: one employer posts 'Senior X' and 'X' on one day."""
    assert compare_pair(_words(a, b), 0, 1)[0] is True

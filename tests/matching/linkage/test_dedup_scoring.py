"""Comparisons, hard rules and the decision on prepared posting pairs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz

from resque.matching.linkage import comparisons
from resque.matching.linkage import dedup as md
from resque.matching.linkage.classifier import default_model

BASE = {
    "posting_id": "p1",
    "source": "a",
    "title": "Lagerhelfer (m/w/d)",
    "employer": "Muster Logistik GmbH",
    "postcode": "04109",
    "city": "Leipzig",
    "street": "Hauptstraße 1",
    "description": "Kommissionierung per Handscanner und Verpackung. Wir bieten 14,50 €.",
    "working_time": "full_time",
    "employment_type": None,
    "start_date": dt.date(2027, 1, 1),
    "places": 2,
    "posted_at": dt.date(2026, 11, 1),
}


def _prepared(*changes: dict) -> pd.DataFrame:
    rows = [{**BASE, "posting_id": f"p{i}", **change} for i, change in enumerate(changes)]
    return md.normalise_and_prepare(pd.DataFrame(rows))


def _score(*changes: dict) -> pd.Series:
    frame = _prepared(*changes)
    pairs = pd.DataFrame({"left": [0], "right": [1], "blocking_rule": ["test"]})
    return md.score_pairs(frame, pairs, default_model()).iloc[0]


def test_a_repost_with_cosmetic_changes_is_a_match():
    pair = _score(
        {},
        {
            "source": "b",
            "title": "Lagerhelfer*in - Vollzeit",
            "employer": "MUSTER LOGISTIK GMBH & CO. KG",
            "postcode": None,
            "city": "04109 Leipzig",
            "description": "Verpackung und Kommissionierung per Handscanner.",
        },
    )
    assert pair["decision"] == "match"
    assert pair["probability"] > 0.9
    assert pair["title"] == 1.0 and pair["employer"] == 1.0


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"postcode": "04105"}, "different_postcode"),
        ({"postcode": None, "city": "Halle (Saale)"}, "different_town"),
        ({"title": "Lagerhelfer (m/w/d) 20 Std./Woche"}, None),
        ({"employment_type": "apprenticeship"}, "different_kind"),
    ],
)
def test_hard_rules_decide_whatever_the_text_says(change, rule):
    pair = _score({"title": "Lagerhelfer (m/w/d) 30 Std./Woche"} if rule is None else {}, change)
    assert pair["decision"] == "non-match"
    assert pair["probability"] == 0.0
    assert pair["rule"] == (rule or "different_hours")


def test_a_different_job_at_the_same_employer_is_no_match():
    pair = _score(
        {},
        {
            "title": "Berufskraftfahrer CE (m/w/d)",
            "description": "Nahverkehrstouren und Belieferung von Filialen.",
            "places": 1,
        },
    )
    assert pair["decision"] == "non-match"
    assert pair["occupation_differ"] == 1.0


def test_features_say_missing_apart_from_different():
    frame = _prepared({}, {"description": None, "street": None, "places": None})
    left, right = np.array([0]), np.array([1])
    features = comparisons.compare(frame, left, right, comparisons.COSTLY_COMPARISONS)
    assert features["description_missing"].iloc[0] == 1.0
    assert features["description"].iloc[0] == 0.0
    cheap = comparisons.compare(frame, left, right, comparisons.CHEAP_COMPARISONS)
    assert cheap["places_missing"].iloc[0] == 1.0 and cheap["places"].iloc[0] == 0.0


def test_working_time_conflicts():
    frame = _prepared({}, {"working_time": "part_time"}, {"working_time": "full_or_part_time"})
    left, right = np.array([0, 0]), np.array([1, 2])
    features = comparisons.WorkingTimeComparison().features(frame, left, right)
    assert features["working_time_conflict"].tolist() == [1.0, 0.0]


def test_the_model_uses_only_features_the_comparisons_produce():
    frame = _prepared({}, {})
    pairs = pd.DataFrame({"left": [0], "right": [1], "blocking_rule": ["test"]})
    evidence = md.pair_features(frame, pairs)
    assert set(default_model().features) <= set(evidence.features.columns)


def test_fuzzy_scores_per_distinct_pair_equal_scores_per_pair():
    frame = _prepared(
        {},
        {"title": "Lagerhelfer*in"},
        {"title": "Lagerarbeiter (m/w/d)"},
        {"title": "Staplerfahrer"},
        {"street": None},
    )
    left, right = np.array([0, 0, 1, 0, 2, 4, 3]), np.array([1, 1, 2, 2, 0, 3, 3])
    features = comparisons.compare(frame, left, right, comparisons.CHEAP_COMPARISONS)
    titles = frame["title_key"].tolist()
    expected = [
        fuzz.token_set_ratio(titles[a], titles[b]) / 100 for a, b in zip(left, right, strict=True)
    ]
    assert features["title"].tolist() == pytest.approx(expected)
    streets = comparisons.compare(frame, left, right, comparisons.COSTLY_COMPARISONS)
    assert streets["street_missing"].tolist() == [0, 0, 0, 0, 0, 1, 0]
    assert streets["street"].iloc[5] == 0.0


AGENCY = {"description": None, "street": None, "start_date": None}


def test_agencies_here_counts_differently_named_agencies_per_place_and_job():
    frame = _prepared(
        {**AGENCY, "employer": "Zeitarbeit Nord GmbH"},
        {**AGENCY, "employer": "Zeitarbeit Nord GmbH", "source": "b"},
        {**AGENCY, "employer": "Personalservice Mitte GmbH"},
        {**AGENCY, "employer": "Jobs Sachsen GmbH"},
        {**AGENCY, "employer": "Jobs Sachsen GmbH", "postcode": "04105"},
        {**AGENCY, "employer": "Jobs Sachsen GmbH", "title": "Koch (m/w/d)"},
        {},
    )
    assert md.agencies_here(frame).tolist() == [3, 3, 3, 3, 1, 1, 3]


AGENCY_NAMES = [
    "Zeitarbeit Nord GmbH",
    "Personalservice Mitte GmbH",
    "Jobs Sachsen GmbH",
    "Elbtal Personal GmbH",
    "Atlas Personaldienstleistungen GmbH",
]


def _two_agencies_among(agencies: int, **change) -> pd.Series:
    """The scored pair of the first two of `agencies` agencies posting the same job there."""
    rows = [{**AGENCY, "employer": name, **change} for name in AGENCY_NAMES[:agencies]]
    frame = _prepared(*rows)
    pairs = pd.DataFrame({"left": [0], "right": [1], "blocking_rule": ["test"]})
    return md.score_pairs(frame, pairs, default_model()).iloc[0]


def test_across_agencies_the_odds_fall_with_how_many_agencies_post_the_job():
    # the two ads share a start date, something more specific than title and place
    pairs = [_two_agencies_among(n, start_date=dt.date(2027, 1, 1)) for n in (2, 3, 5)]
    offsets = [pair["crowd_offset"] for pair in pairs]
    assert offsets == pytest.approx([-np.log(2), -np.log(3), -np.log(5)], abs=1e-6)
    probabilities = [pair["probability"] for pair in pairs]
    assert probabilities[0] > probabilities[1] > probabilities[2]
    assert all(pair["rule"] is None for pair in pairs)  # graded evidence, not a hard rule


def test_two_agencies_sharing_only_title_and_place_are_two_openings():
    pair = _two_agencies_among(2)
    assert pair["rule"] == "agencies_without_shared_evidence"
    assert pair["decision"] == "non-match"
    same_client = _two_agencies_among(2, description="Einsatz bei einem Paketdienst in Leipzig.")
    assert same_client["rule"] is None and same_client["client_same"] == 1


def test_the_crowd_adjustment_only_weighs_on_pairs_of_two_different_agencies():
    same_agency = _prepared(
        {**AGENCY, "employer": "Zeitarbeit Nord GmbH"},
        {**AGENCY, "employer": "Zeitarbeit Nord GmbH", "source": "b"},
        *({**AGENCY, "employer": name} for name in AGENCY_NAMES[1:]),
    )
    pairs = pd.DataFrame({"left": [0], "right": [1], "blocking_rule": ["test"]})
    pair = md.score_pairs(same_agency, pairs, default_model()).iloc[0]
    assert same_agency["agencies_here"].iloc[0] == 5
    assert pair["crowd_offset"] == 0.0
    assert pair["decision"] == "match"


def test_employers_sharing_only_common_words_are_different_employers():
    frame = _prepared(
        {"employer": "Aue Mitte Transporte GmbH"},
        {"employer": "Moor Mitte Transporte GmbH"},
        {"employer": "Aue Mitte Transporte"},
        *({"employer": f"{word} Mitte Transporte GmbH"} for word in ("Nord", "Elbe", "Saale")),
    )
    left, right = np.array([0, 0]), np.array([1, 2])
    features = comparisons.compare(frame, left, right, comparisons.CHEAP_COMPARISONS)
    assert features["employer"].iloc[0] >= comparisons.SAME_EMPLOYER  # alike by token set
    assert features["employer_idf"].iloc[0] < comparisons.SAME_EMPLOYER_IDF  # rare words differ
    assert features["employer_idf"].iloc[1] == pytest.approx(1.0)
    assert comparisons.employer_rule(features).tolist() == ["different_employer", None]


def test_an_employer_name_with_a_branch_added_is_the_same_employer():
    frame = _prepared(
        {"employer": "Muster Logistik GmbH"},
        {"employer": "Muster Logistik GmbH Niederlassung Leipzig"},
        *({"employer": f"{word} Logistik GmbH"} for word in ("Nord", "Elbe", "Saale")),
    )
    features = comparisons.compare(
        frame, np.array([0]), np.array([1]), comparisons.CHEAP_COMPARISONS
    )
    assert features["employer"].iloc[0] == 1.0
    assert features["employer_idf"].iloc[0] < comparisons.SAME_EMPLOYER_IDF
    assert comparisons.employer_rule(features).tolist() == [None]


def test_idf_vectors_are_scikit_learns_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = np.array(
        ["aue mitte transporte", "moor mitte transporte", "mitte mitte", "elbtal", "x y z x"],
        dtype=object,
    )
    ours = comparisons._idf_vectors(texts).toarray()
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, lowercase=False)
    theirs = vectorizer.fit_transform(texts).toarray()
    # the same vocabulary in another column order: compare the pairwise cosines
    assert ours @ ours.T == pytest.approx(theirs @ theirs.T)
    assert np.sort(ours, axis=1) == pytest.approx(np.sort(theirs, axis=1))

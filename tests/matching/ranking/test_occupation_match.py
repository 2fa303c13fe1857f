"""Occupations in ranking (issue 14, items 2-4): labels met, honest related rows, German reasons.

The ranker ties a participant to a vacancy by the wish's title, by an occupation both share
(the vacancy's own label or a predicted one), by a KldB occupation group, or by words of the
related vacancies that the participant brings. A row with none of these is not suggested,
and no reason restates the vacancy's own title as if it explained anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resque.matching.occupation_model import MIN_LINEAR, OccupationModel
from resque.matching.ranking import explain
from resque.matching.ranking.ranker import Settings, rank
from tests.conftest import TESTS
from tests.matching.ranking.test_ranker import GAZETTEER, TODAY, job, person

CARE = "Gesundheits- und Krankenpfleger/in"


@pytest.fixture(scope="module")
def care_model() -> OccupationModel:
    """Seed names plus postings that teach `Pflegefachmann` is the care label."""
    titles = ["Pflegefachmann (m/w/d)", "Pflegefachmann", "Pflegefachfrau (w/m/d)"]
    return OccupationModel.fit(titles, [CARE] * 3)


def ranked(people, jobs, model=None, **settings) -> pd.DataFrame:
    return rank(
        pd.DataFrame(people),
        pd.DataFrame(jobs),
        gazetteer=GAZETTEER,
        today=TODAY,
        settings=Settings(**settings),
        occupations=model,
    )


def test_a_synonym_without_shared_letters_meets_through_the_label(care_model):
    # the vacancy's title shares no word with the wish; its label is what the wish names
    people = [person(desired_occupations=["Pflegefachmann"], skills=[])]
    jobs = [job("v1", title="Krankenpfleger (m/w/d) Station 4", occupation=CARE,
                description="Grundpflege und Behandlungspflege")]  # fmt: skip
    out = ranked(people, jobs, care_model)
    assert out["vacancy_id"].tolist() == ["v1"]
    evidence = out["related_evidence"].iloc[0]
    assert evidence["kind"] == "occupation" and evidence["name"] == CARE
    assert evidence["wish"] == "Pflegefachmann" and evidence["confidence"] == 1.0
    line = explain.coach_lines({"related_evidence": evidence, "distance_km": 5.0})[0]
    assert line == f"Wunschberuf Pflegefachmann: Beruf „{CARE}“ (KldB 81302)"


def test_an_unlabelled_vacancy_is_labelled_by_the_model_and_says_how_sure(care_model):
    people = [person(desired_occupations=["Gesundheits- und Krankenpfleger"], skills=[])]
    jobs = [job("v1", title="Pflegefachfrau gesucht", occupation=None, description="")]
    out = ranked(people, jobs, care_model)
    evidence = out["related_evidence"].iloc[0]
    assert evidence["kind"] == "occupation" and evidence["name"] == CARE
    assert 0 < evidence["confidence"] < 1  # a prediction, not the source's own label


def test_same_kldb_group_is_named_as_the_evidence_never_the_title():
    # Fachlagerist/in (51312) and Lagerhelfer/in (51311) share group 513, not the title
    people = [person(desired_occupations=["Lagerhelfer"], skills=[])]
    jobs = [job("v1", title="Fachlagerist (m/w/d)", occupation="Fachlagerist/in", description="")]
    out = ranked(people, jobs)
    row = out.iloc[0]
    assert row["wish"] is None  # the titles are too far apart to explain it
    assert row["related_evidence"]["kind"] == "kldb_group"
    assert row["related_evidence"]["group"] == "513"
    reasons = explain.coach_lines({**row.to_dict(), "related_evidence": row["related_evidence"]})
    assert reasons[0].startswith("verwandter Beruf: gleiche Berufsgruppe 513 Lagerwirtschaft")
    summary = explain.summaries(out).iloc[0]
    assert "Fachlagerist (m/w/d)" not in summary and "related to" not in summary
    assert summary.startswith("same occupation group 513")


def test_a_row_without_evidence_is_not_suggested():
    # a cook's vacancy for a painter: different KldB areas, no shared title, no shared skill
    people = [person(desired_occupations=["Maler und Lackierer"], skills=["Tapezieren"])]
    jobs = [
        job("v1", title="Koch (m/w/d)", occupation="Koch/Köchin",
            description="Wir suchen dich für unseres Team, Schulabschluss mittlerer Reife."),
        job("v2", title="Maler und Lackierer (m/w/d)", occupation=None,
            description="Wir suchen dich für unseres Team, Schulabschluss mittlerer Reife."),
    ]  # fmt: skip
    out = ranked(people, jobs)
    assert out["vacancy_id"].tolist() == ["v2"]


def test_related_by_context_only_names_words_the_participant_brings():
    # warehouse and production helpers share packing; the participant packs
    people = [person(desired_occupations=["Lagerhelfer"], skills=["Verpackung"])]
    lager = "Verpackung und Versand von Waren, Kommissionierung im Lager."
    produktion = "Verpackung von Waren an der Linie, Maschinen bestücken in der Produktion."
    jobs = [
        *[job(f"l{i}", title="Lagerhelfer (m/w/d)", description=lager) for i in range(3)],
        *[job(f"p{i}", title="Produktionshelfer (m/w/d)", description=produktion)
          for i in range(3)],
    ]  # fmt: skip
    out = ranked(people, jobs)
    related = out[out["vacancy_id"].str.startswith("p")]
    for evidence, wish in zip(related["related_evidence"], related["wish"], strict=True):
        if wish is None and evidence and evidence["kind"] == "context":
            assert evidence["words"] and set(evidence["words"]) <= {"Verpackung"}
    # every row is explained by something a coach can check
    assert (out["wish"].notna() | out["related_evidence"].notna()).all()


def test_a_distant_title_is_no_reason():
    # 'Bauhelfer' ~ 'Lagerhelfer*in' share only 'helfer' (the example, 0.12)
    people = [person(desired_occupations=["Bauhelfer"], skills=[])]
    jobs = [job("v1", title="Lagerhelfer*in", occupation=None, description="")]
    out = ranked(people, jobs)
    assert out.empty or out["wish"].isna().all()


@pytest.fixture(scope="module")
def eval_ranked(eval_frames) -> pd.DataFrame:
    people, jobs = eval_frames
    return rank(people, jobs, gazetteer=GAZETTEER, today=TODAY, settings=Settings(top=10))


def test_every_row_of_the_eval_set_has_evidence_and_no_title_as_reason(eval_ranked):
    out = eval_ranked
    assert len(out)
    assert (out["wish"].notna() | out["related_evidence"].notna()).all()
    assert not explain.summaries(out).str.contains("related to").any()


@pytest.fixture(scope="module")
def eval_frames():

    folder = TESTS / "data" / "matching"
    vacancies = pd.read_csv(folder / "vacancies.csv", dtype=str)
    participants = pd.read_csv(folder / "participants.csv", dtype=str)
    jobs = pd.DataFrame(
        {
            "vacancy_id": vacancies.iloc[:, 0],
            "title": vacancies["Stellentitel"],
            "description": vacancies.get("Beschreibung"),
            "postcode": vacancies.get("PLZ"),
            "city": vacancies.get("Arbeitsort"),
        }
    )
    people = pd.DataFrame(
        {
            "participant_id": participants.iloc[:, 0],
            "desired_occupations": participants.filter(like="Wunsch")
            .iloc[:, 0]
            .map(lambda v: [w.strip() for w in str(v).split(";")]),
        }
    )
    return people, jobs


def test_spelling_variants_of_a_label_find_their_kldb_code():
    model = OccupationModel.fit()
    assert model.describe("Fachkraft für Lagerlogistik (m/w/d)").kldb == "51312"
    assert model.describe("Quantenmagier/in").kldb is None


def test_with_enough_labels_a_linear_model_labels_postings():
    # two occupations, each with MIN_LINEAR/2 postings, told apart by their descriptions
    n = MIN_LINEAR // 2 + 1
    titles = ["Mitarbeiter (m/w/d)"] * (2 * n)
    texts = ["Wareneingang, Kommissionierung, Stapler"] * n + ["Grundpflege, Pflegeheim"] * n
    labels = ["Lagerhelfer/in"] * n + ["Pflegehelfer/in"] * n
    model = OccupationModel.fit(titles, labels, descriptions=texts)
    assert model.linear is not None
    names, confidence = model.predict(
        ["Mitarbeiter (m/w/d)"] * 2, ["Kommissionierung im Lager", "Grundpflege im Heim"]
    )
    assert names.tolist() == ["Lagerhelfer/in", "Pflegehelfer/in"]
    assert np.all((confidence > 0.5) & (confidence <= 1))
    top, scores = model.predict_top(["Mitarbeiter (m/w/d)"], ["Stapler"], 2)
    assert top.shape == (1, 2) and scores[0, 0] >= scores[0, 1]


def test_a_shorter_list_is_the_head_of_the_longer_one(eval_frames, eval_ranked):
    # rows are only dropped for lack of evidence before the top k are chosen, so nobody
    # gets fewer than k rows while an evidenced one further down exists
    people, jobs = eval_frames
    three = rank(people, jobs, gazetteer=GAZETTEER, today=TODAY, settings=Settings(top=3))
    ten = eval_ranked
    for pid, longer in ten.groupby("participant_id"):
        shorter = three[three["participant_id"] == pid]["vacancy_id"].tolist()
        assert shorter == longer.sort_values("rank")["vacancy_id"].tolist()[:3], pid


def test_descriptions_sharing_no_word_fall_back_to_titles():
    n = MIN_LINEAR // 2 + 1
    titles = ["Lagerhelfer (m/w/d)"] * n + ["Pflegehelfer (m/w/d)"] * n
    labels = ["Lagerhelfer/in"] * n + ["Pflegehelfer/in"] * n
    texts = ["einmalig"] + [""] * (2 * n - 1)  # no word in two descriptions
    model = OccupationModel.fit(titles, labels, descriptions=texts)
    assert model.linear is not None
    assert model.predict(["Pflegehelfer"], [""])[0].tolist() == ["Pflegehelfer/in"]


def test_a_posting_with_nothing_to_read_gets_no_occupation():
    n = MIN_LINEAR // 2 + 1
    titles = ["Lagerhelfer (m/w/d)"] * n + ["Pflegehelfer (m/w/d)"] * n
    labels = ["Lagerhelfer/in"] * n + ["Pflegehelfer/in"] * n
    model = OccupationModel.fit(titles, labels, descriptions=["Lager"] * n + ["Pflege"] * n)
    names, confidence = model.predict(["", "Lagerhelfer"], [None, ""])
    assert names.tolist() == [None, "Lagerhelfer/in"] and confidence[0] == 0


ALTENPFLEGE = "Pflegehelfer/in - Altenpflege"
CARE_TEXT = "Grundpflege, Pflegeheim, Bewohner"


@pytest.fixture(scope="module")
def field_model() -> OccupationModel:
    """A linear model: care postings under a title that names nothing, warehouse postings
    under `Lagerhelfer`, told apart within the warehouse by their descriptions."""
    n = MIN_LINEAR // 3 + 1
    titles = ["Mitarbeiter (m/w/d)"] * n + ["Lagerhelfer (m/w/d)"] * (2 * n)
    texts = [CARE_TEXT] * n + ["Kommissionierung, Pakete"] * n + ["Stapler, Wareneingang"] * n
    labels = [ALTENPFLEGE] * n + ["Lagerhelfer/in"] * n + ["Fachkraft - Lagerlogistik"] * n
    model = OccupationModel.fit(titles, labels, descriptions=texts)
    assert model.linear is not None
    return model


def test_a_title_naming_an_occupation_keeps_the_description_within_its_field(field_model):
    # the description of a warehouse job at a care group talks about care; the title says
    # warehouse: the description may choose among warehouse occupations, not move to care
    model = field_model
    # the title names no occupation: the description decides
    assert model.predict(["Mitarbeiter (m/w/d)"], [CARE_TEXT])[0].tolist() == [ALTENPFLEGE]
    titles, texts = ["Lagerhelfer (m/w/d)"] * 2, [CARE_TEXT, f"{CARE_TEXT}, Stapler"]
    names, scores = model.predict_top(titles, texts, 3)
    assert ALTENPFLEGE not in names.tolist()[0] + names.tolist()[1]
    assert set(names[0, :2]) == {"Lagerhelfer/in", "Fachkraft - Lagerlogistik"}
    assert names[1, 0] == "Fachkraft - Lagerlogistik"  # within the field, the description chooses
    assert names[0, 2] is None and scores[0, 2] == 0  # ruled out, not a weak guess


def test_the_ranker_meets_no_occupation_the_title_rules_out(field_model):
    people = [person(desired_occupations=["Pflegehelfer Altenpflege"], skills=[])]
    jobs = [
        job("store", title="Lagerhelfer (m/w/d)", description=CARE_TEXT),
        job("care", title="Mitarbeiter (m/w/d)", description=CARE_TEXT),
    ]
    out = ranked(people, jobs, field_model).set_index("vacancy_id")
    assert out.loc["care", "related_evidence"]["name"] == ALTENPFLEGE
    assert "store" not in out.index or out.loc["store", "related_evidence"]["kind"] != "occupation"

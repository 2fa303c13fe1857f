"""The ranker: hard constraints, scoring, ties, explanations, and what it may never see."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resque.matching.privacy import protected_kind
from resque.matching.ranking import explain
from resque.matching.ranking import profiles as pf
from resque.matching.ranking.geo import build_gazetteer, locate
from resque.matching.ranking.ranker import PARTICIPANT_INPUT, VACANCY_INPUT, Settings, rank

TODAY = dt.date(2026, 11, 20)
GAZETTEER = build_gazetteer(
    pd.DataFrame(
        {
            "postcode": ["04109", "04425", "04838", "01067"],
            "place": ["Leipzig", "Taucha", "Eilenburg", "Dresden"],
            "lat": [51.3396, 51.3833, 51.4598, 51.0509],
            "lon": [12.3713, 12.4833, 12.6334, 13.7383],
        }
    )
)


def person(**fields) -> dict:
    base = {
        "participant_id": "P1",
        "desired_occupations": ["Lagerhelfer"],
        "skills": ["Kommissionierung", "Verpackung"],
        "languages": ["Deutsch B1"],
        "qualifications": [],
        "licences": [],
        "working_time": None,
        "accepts_shift": None,
        "postcode": "04109",
        "city": "Leipzig",
        "radius_km": 30.0,
        "available_from": None,
    }
    return base | fields


def job(vacancy_id: str = "v1", **fields) -> dict:
    base = {
        "vacancy_id": vacancy_id,
        "title": "Lagerhelfer (m/w/d)",
        "occupation": None,
        "description": "Kommissionierung und Verpackung in unserem Lager.",
        "postcode": "04425",
        "city": "Taucha",
        "lat": None,
        "lon": None,
        "working_time": "full_time",
        "start_date": None,
        "is_immediate_start": True,
    }
    return base | fields


def ranked(people: list[dict], jobs: list[dict], **kwargs) -> pd.DataFrame:
    top = kwargs.pop("top", 10)
    return rank(
        pd.DataFrame(people),
        pd.DataFrame(jobs),
        gazetteer=GAZETTEER,
        today=TODAY,
        settings=Settings(top=top, **kwargs),
    )


def ids(frame: pd.DataFrame) -> list[str]:
    return frame.sort_values(["participant_id", "rank"])["vacancy_id"].tolist()


# --- hard constraints ------------------------------------------------------------------------


def test_distance_within_the_radius():
    far = job("far", postcode="01067", city="Dresden")
    assert ids(ranked([person()], [job("near"), far])) == ["near"]
    wide = ranked([person(radius_km=150)], [job("near"), far])
    assert ids(wide) == ["near", "far"]
    assert wide.set_index("vacancy_id").loc["far", "distance_km"] == pytest.approx(100, abs=5)


def test_unknown_place_is_kept_but_ranked_below_a_known_near_one():
    unknown = job("nowhere", postcode=None, city=None)
    frame = ranked([person()], [unknown, job("near")])
    assert ids(frame) == ["near", "nowhere"]
    row = frame.set_index("vacancy_id").loc["nowhere"]
    assert np.isnan(row["distance_km"]) and pd.isna(row["located_by"])
    assert "distance unknown" in explain.reason_json(frame.iloc[[1]])[0]


def test_required_licence_is_a_hard_constraint():
    driver = job("ce", title="Berufskraftfahrer CE (m/w/d)", description="Touren im Nahverkehr.")
    wish = {"desired_occupations": ["Berufskraftfahrer"]}
    assert ranked([person(**wish, licences=["B"])], [driver]).empty
    assert ids(ranked([person(**wish, licences=["CE"])], [driver])) == ["ce"]


def test_unstated_licences_are_not_checked_and_the_reason_says_so():
    # a partner's list without a licence column (None) states nothing: 'holds none' would
    # hide every job that asks for a licence from all its participants
    driver = job("ce", title="Berufskraftfahrer CE (m/w/d)", description="Führerschein CE nötig.")
    wish = {"desired_occupations": ["Berufskraftfahrer"]}
    assert ranked([person(**wish, licences=[])], [driver]).empty  # stated: none held
    frame = ranked([person(**wish, licences=None)], [driver])
    assert ids(frame) == ["ce"]
    [reasons] = explain.reason_dicts(frame)
    assert reasons["licences_unstated"] == ["CE"] and not reasons["licences_required"]
    assert "Führerschein CE verlangt, im Profil nicht angegeben" in explain.coach_lines(reasons)
    assert "licence required: CE (not stated in the profile)" in explain.lines(reasons)


@pytest.mark.parametrize(
    ("text", "held", "matched"),
    [
        ("Erforderlich: Führerschein Klasse B.", [], False),
        ("Erforderlich: Führerschein Klasse B.", ["CE"], True),  # CE includes B
        ("Voraussetzung: gültiger Staplerschein.", [], False),
        ("Voraussetzung: gültiger Staplerschein.", ["Stapler"], True),
        ("Staplerschein von Vorteil.", [], True),  # welcome, not required
        ("Der Staplerschein kann bei uns erworben werden.", [], True),
        ("FS Kl. B erforderlich.", [], False),
        # 'fs' ending a verb is no licence: 'darfst du' is not the tractor class T
        ("Führerschein Klasse B erforderlich. Darauf darfst du dich freuen.", ["B"], True),
    ],
)
def test_licence_requirements_from_the_vacancy_text(text, held, matched):
    frame = ranked([person(licences=held)], [job(description=text)])
    assert (not frame.empty) == matched


def test_working_time_and_shifts():
    part = person(working_time="part_time")
    assert ranked([part], [job(working_time="full_time")]).empty
    assert not ranked([part], [job(working_time="full_or_part_time")]).empty
    no_shift = person(accepts_shift=False)
    assert ranked([no_shift], [job(description="Arbeit im 3-Schicht-System.")]).empty
    assert not ranked([no_shift], [job()]).empty


def test_start_date_against_available_from():
    later = person(available_from=dt.date(2027, 6, 1))
    assert ranked([later], [job(start_date=dt.date(2027, 1, 1), is_immediate_start=False)]).empty
    fits = job(start_date=dt.date(2027, 6, 15), is_immediate_start=False)
    assert not ranked([later], [fits]).empty
    open_start = job(start_date=None, is_immediate_start=False)  # 'nach Vereinbarung'
    assert not ranked([later], [open_start]).empty


def test_participant_with_no_fitting_vacancy_gets_nothing():
    pilot = person(participant_id="P9", desired_occupations=["Pilot"], skills=["Navigation"])
    frame = ranked([pilot, person()], [job("a"), job("b", title="Koch (m/w/d)")])
    assert set(frame["participant_id"]) == {"P1"}


# --- scoring, ties, top-k ---------------------------------------------------------------------


def test_compound_occupations_meet_and_the_field_counts_more_than_the_role():
    wish = person(desired_occupations=["Lagerfachkraft"], skills=[])
    jobs = [
        job("logistik", title="Fachkraft für Lagerlogistik (m/w/d)", description=""),
        job("pflege", title="Pflegefachkraft (m/w/d)", description=""),
    ]
    frame = ranked([wish], jobs)
    assert ids(frame)[0] == "logistik"
    similarity = frame.set_index("vacancy_id")["occupation_similarity"]
    assert similarity["logistik"] > similarity.get("pflege", 0)


def test_ties_are_broken_by_distance_then_vacancy_id_whatever_the_input_order():
    jobs = [job("v3"), job("v1"), job("v2", postcode="04109", city="Leipzig"), job("v0")]
    first = ranked([person()], jobs)
    again = ranked([person()], list(reversed(jobs)))
    assert ids(first) == ids(again) == ["v2", "v0", "v1", "v3"]
    assert first["rank"].tolist() == [1, 2, 3, 4]


def test_top_k_per_participant():
    jobs = [job(f"v{i}") for i in range(6)]
    people = [person(participant_id="A"), person(participant_id="B")]
    frame = ranked(people, jobs, top=2)
    assert frame.groupby("participant_id").size().to_dict() == {"A": 2, "B": 2}


def test_blocks_do_not_change_the_result():
    people = [person(participant_id=f"P{i}", postcode=pc) for i, pc in
              enumerate(["04109", "04425", "04838", None] * 3)]  # fmt: skip
    jobs = [job(f"v{i}", postcode=pc) for i, pc in enumerate(["04109", "04425", "04838", None] * 4)]
    whole = ranked(people, jobs)
    tiny = ranked(people, jobs, block_pairs=3)
    columns = ["participant_id", "vacancy_id", "rank", "score"]
    pd.testing.assert_frame_equal(whole[columns], tiny[columns])


def test_blocks_searched_on_two_threads_give_what_one_gives():
    people = [person(participant_id=f"P{i}", postcode=pc) for i, pc in
              enumerate(["04109", "04425", "04838", None] * 3)]  # fmt: skip
    jobs = [job(f"v{i}", postcode=pc) for i, pc in enumerate(["04109", "04425", "04838", None] * 4)]
    one = ranked(people, jobs, block_pairs=3, workers=1)
    two = ranked(people, jobs, block_pairs=3, workers=2)
    assert len(one) == 120  # 12 participants, their 10 best each
    pd.testing.assert_frame_equal(one, two)


def test_a_model_handed_in_as_a_function_is_fitted_once_and_its_failure_surfaces():
    from resque.matching.occupation_model import OccupationModel

    calls = []

    def fit() -> OccupationModel:
        calls.append(1)
        return OccupationModel.fit(["Lagerhelfer (m/w/d)"], ["Lagerhelfer/in"])

    kwargs = dict(gazetteer=GAZETTEER, today=TODAY)
    frame = rank(pd.DataFrame([person()]), pd.DataFrame([job()]), occupations=fit, **kwargs)
    assert calls == [1] and ids(frame) == ["v1"]

    def broken() -> OccupationModel:
        raise ValueError("no model tonight")

    with pytest.raises(ValueError, match="no model tonight"):
        rank(pd.DataFrame([person()]), pd.DataFrame([job()]), occupations=broken, **kwargs)


def test_one_vacancy_on_demand_scores_as_in_the_full_run():
    people = [person(participant_id=f"P{i}") for i in range(3)]
    jobs = [job("a"), job("b", title="Kommissionierer (m/w/d)")]
    full = ranked(people, jobs).set_index(["participant_id", "vacancy_id"])["score"]
    only = rank(pd.DataFrame(people), pd.DataFrame(jobs), gazetteer=GAZETTEER, today=TODAY,
                per="vacancy", only_vacancies=["b"])  # fmt: skip
    for row in only.itertuples():
        assert row.score == full[(row.participant_id, "b")]


# --- explanations -----------------------------------------------------------------------------


def test_reasons_name_the_wish_skills_distance_and_constraints():
    frame = ranked(
        [person(licences=["Stapler"])],
        [
            job(
                description="Kommissionierung mit Handscanner. Staplerschein erforderlich. "
                "Deutschkenntnisse B2."
            )
        ],  # fmt: skip
    )
    reasons = json.loads(explain.reason_json(frame)[0])
    assert reasons["wish"] == "Lagerhelfer" and reasons["occupation_similarity"] == 1.0
    assert reasons["skills"] == ["Kommissionierung"]
    assert reasons["distance_km"] == pytest.approx(8.7, abs=1) and reasons["radius_km"] == 30
    assert reasons["located_by"] == "postcode" and reasons["licences_required"] == ["Stapler"]
    assert reasons["languages"] == "Deutsch B1 held, B2 asked (1 short)"
    text = explain.lines(reasons)
    assert text[0] == 'wish "Lagerhelfer" ~ "Lagerhelfer (m/w/d)" (1.00)'
    assert "licence required: Stapler (held)" in text
    assert any(line.endswith("km away (radius 30 km, located by postcode)") for line in text)


def varied_matches() -> pd.DataFrame:
    """Matches with every kind of fact: licences required and welcome, languages, shifts, a
    start date, an unknown place, a related occupation instead of a wish."""
    return ranked(
        [
            person(licences=["Stapler"], available_from=dt.date(2026, 12, 1)),
            person(
                participant_id="P2",
                desired_occupations=["Kommissionierer"],
                working_time="full_or_part_time",
                accepts_shift=True,
            ),
        ],
        [
            job(
                description="Kommissionierung mit Handscanner. Staplerschein erforderlich. "
                "Führerschein B wünschenswert. Deutschkenntnisse B2. Arbeit im Schichtdienst."
            ),
            job(
                "v2",
                postcode=None,
                city=None,
                start_date=dt.date(2027, 1, 15),
                is_immediate_start=False,
            ),
            job("v3", title="Lagerarbeiter (m/w/d)", working_time="part_time"),
        ],
    )


def test_reason_dicts_are_the_stored_json_read_back():
    """A list ranked on demand explains its matches as a stored run does, value for value."""
    frame = varied_matches()
    assert len(frame) >= 4 and frame["distance_km"].isna().any()
    assert explain.reason_dicts(frame) == [json.loads(t) for t in explain.reason_json(frame)]


def test_reason_dicts_round_and_blank_as_the_json_does():
    """Floats of many places (float32 among them, in nested facts too), NaN and infinity,
    NumPy arrays and booleans come out as the stored JSON reads back."""
    frame = varied_matches().head(2).copy()
    frame["distance_km"] = [4.23456789, np.inf]
    frame["occupation_similarity"] = np.array([0.87654321, 0.1], dtype=np.float32)
    frame["skills"] = [np.array(["Verpackung", "Kommissionierung"]), np.array([], dtype=object)]
    frame["components"] = [{"skills": np.float32(0.33333334), "gap": np.nan}, {"n": np.int64(2)}]
    frame["shift_work"] = np.array([True, False])
    reasons = explain.reason_dicts(frame)
    assert reasons == [json.loads(t) for t in explain.reason_json(frame)]
    assert reasons[0]["distance_km"] == 4.235 and reasons[1]["distance_km"] is None
    assert reasons[0]["components"] == {"skills": 0.333, "gap": None}
    assert reasons[0]["shift_work"] is True and reasons[1]["skills"] == []


def test_reason_dicts_refuse_a_fact_without_a_json_form():
    frame = varied_matches().head(1).copy()
    frame["languages"] = [object()]
    with pytest.raises(TypeError, match="no JSON form"):
        explain.reason_dicts(frame)


# --- protected attributes never reach the ranker ---------------------------------------------


def test_the_input_allow_lists_hold_no_protected_attribute():
    for column in PARTICIPANT_INPUT + VACANCY_INPUT:
        assert protected_kind(column) is None, column


@pytest.mark.parametrize("column", ["Staatsangehörigkeit", "gender", "Geburtsdatum", "Religion",
                                    "name", "Aufenthaltstitel"])  # fmt: skip
def test_a_protected_column_is_refused(column):
    people = pd.DataFrame([person()]).assign(**{column: "x"})
    with pytest.raises(ValueError, match="protected attributes"):
        rank(people, pd.DataFrame([job()]), gazetteer=GAZETTEER, today=TODAY)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=3, max_size=3))
def test_other_extra_columns_never_change_the_output(values):
    people = [person(participant_id=f"P{i}") for i in range(3)]
    jobs = [job("a"), job("b", postcode="04838"), job("c", title="Kommissionierer")]
    plain = ranked(people, jobs)
    extra = rank(
        pd.DataFrame(people).assign(note=values, Herkunft_code=values[::-1]),
        pd.DataFrame(jobs).assign(note=values),
        gazetteer=GAZETTEER,
        today=TODAY,
    )
    pd.testing.assert_frame_equal(plain, extra)


# --- parsing profiles and places --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("Deutsch B1; Englisch A2", {"Deutsch": 3, "Englisch": 2}),
        ("Deutsch (B2), Arabisch Muttersprache", {"Deutsch": 4, "Arabisch": 7}),
        ("German C1", {"Deutsch": 5}),
    ],
)
def test_languages_with_cefr_levels(text, levels):
    assert pf.language_levels(pf.parse_languages(text)) == levels


def test_languages_a_vacancy_asks_for():
    assert pf.required_languages("Deutsch mind. B2 sowie Englischkenntnisse") == {
        "Deutsch": 4,
        "Englisch": 2,
    }
    assert pf.required_languages("Wir bieten das Deutschlandticket.") == {}
    assert pf.required_languages("Deutsch B1, Englisch von Vorteil") == {"Deutsch": 3}


def test_places_are_located_by_postcode_area_and_town():
    lat, _lon, precision = locate(
        GAZETTEER,
        pd.Series(["04109", "04499", None, None]),
        pd.Series([None, None, "Leipzig-Grünau", "Atlantis"]),
    )
    assert precision.tolist() == [1, 2, 3, 4]
    assert np.isnan(lat[3]) and lat[2] == pytest.approx(51.34, abs=0.01)


PARALLEL_CHECK = """
import os
from resque.matching.ranking import parsing

serial_chunk = parsing.parse_chunk


def marked(texts):
    return [dict(item, pid=os.getpid()) for item in serial_chunk(texts)]


texts = [f"Staplerschein erforderlich, Deutsch B{i % 2 + 1}, Schicht {i}" for i in range(40)]
serial = parsing.Parsing(texts, workers=1).result()
parsing.PARALLEL_FROM, parsing.parse_chunk = 10, marked
parallel = parsing.Parsing(texts, workers=2).result()
assert {item.pop("pid") for item in parallel} - {os.getpid()}, "no worker process ran"
assert parallel == serial
assert parsing._FORKED_TEXTS == [], "the texts stay referenced after the parse"

# a parse given up half-way (the ranker failed meanwhile) leaves no worker behind
import multiprocessing
abandoned = parsing.Parsing(texts, workers=2)
assert multiprocessing.active_children()
abandoned.close()
assert not multiprocessing.active_children()
"""


ORPHAN_CHECK = """
import multiprocessing, sys, time
from resque.matching.ranking import parsing

parsing.PARALLEL_FROM = 10
parsing.parse_chunk = lambda texts: time.sleep(60)  # the workers are busy when it is killed
pending = parsing.Parsing([str(i) for i in range(40)], workers=2)
print(" ".join(str(child.pid) for child in multiprocessing.active_children()), flush=True)
time.sleep(60)
"""


def test_parse_workers_end_when_the_ranking_process_is_killed():
    # `resque match` killed mid-ranking never shuts its pool down
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_CHECK], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers, "no worker process started"
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    alive = [pid for pid in workers if _alive(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers {alive} outlived the killed ranking process"


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie of this test's own children does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def test_vacancy_texts_parsed_in_worker_processes_equal_a_serial_parse():
    # in a fresh interpreter: forking is only used while a process runs one Python thread,
    # and the test session may have others
    result = subprocess.run([sys.executable, "-c", PARALLEL_CHECK], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

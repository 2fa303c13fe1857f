"""Matching with optional columns missing or empty: never a crash, and every constraint that can
still be checked holds (issue 14, item 1)."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resque.matching.ranking import explain
from resque.matching.ranking import profiles as pf
from resque.matching.ranking.geo import build_gazetteer
from resque.matching.ranking.ranker import (
    PARTICIPANT_REQUIRED,
    RESULT_COLUMNS,
    VACANCY_REQUIRED,
    rank,
)
from tests.conftest import TESTS, query

EVAL = TESTS / "data" / "matching"
TODAY = dt.date(2026, 11, 20)
DEFAULT_RADIUS = 30.0  # Settings.default_radius_km: the radius of a participant who gave none

# --- the CLI: a partner's list without some columns -------------------------------------------

OPTIONAL_FILE_COLUMNS = ("Kompetenzen", "Sprachen", "Qualifikationen", "Führerschein",
                         "Arbeitszeit", "PLZ", "Ort", "Umkreis", "verfügbar ab")  # fmt: skip


def _without(columns: tuple[str, ...], out: Path) -> Path:
    """The evaluation participants with `columns` cut out of the file."""
    with (EVAL / "participants.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, name in enumerate(rows[0]) if name not in columns]
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[row[i] for i in keep] for row in rows])
    return out


@pytest.mark.parametrize(
    "dropped", [("Sprachen",), OPTIONAL_FILE_COLUMNS], ids=["no-languages", "wishes-only"]
)
def test_match_runs_on_a_participant_list_without_optional_columns(dropped, db, resque, tmp_path):
    # regression: without a languages column `resque match` failed with "cannot reshape array
    # of size 0 into shape (64,1)" (the level matrix of participants who list no language)
    people = _without(dropped, tmp_path / "participants.csv")
    for command in (
        ["import", "vacancies", EVAL / "vacancies.csv", "--source", "eval_matching"],
        ["import", "participants", people],
        ["match", "--today", TODAY.isoformat()],
    ):
        result = resque("--db", db, *command)
        assert result.code == 0, result.err
    matched = query(db, "select count(distinct participant_id), count(*) from matches")[0]
    assert matched[0] >= 40 and matched[1] >= 150, matched


# --- rank(): every combination of optional columns dropped or emptied --------------------------

PLACES = {  # postcode: (town, lat, lon)
    "04109": ("Leipzig", 51.3396, 12.3713),
    "04425": ("Taucha", 51.3833, 12.4833),
    "04838": ("Eilenburg", 51.4598, 12.6334),
    "01067": ("Dresden", 51.0509, 13.7383),
}
GAZETTEER = build_gazetteer(
    pd.DataFrame(
        [(code, town, lat, lon) for code, (town, lat, lon) in PLACES.items()],
        columns=["postcode", "place", "lat", "lon"],
    )
)
TOWNS = {town: (lat, lon) for town, lat, lon in PLACES.values()}

PEOPLE = pd.DataFrame(
    [
        # P1 fits v-base whatever is dropped: same place, no licence asked, no other constraint
        ("P1", "Lagerhelfer", "Kommissionierung; Verpackung", "Deutsch B1", "Staplerschein",
         "B", "full_time", True, "04109", "Leipzig", 30.0, None),
        ("P2", "Berufskraftfahrer; Lagerhelfer", "Touren", "Deutsch B2", None,
         "B", "part_time", False, "04838", "Eilenburg", 10.0, dt.date(2027, 6, 1)),
        ("P3", "Lagerhelfer; Berufskraftfahrer", "Verpackung", "Deutsch A2; Englisch B1", None,
         "CE", "full_time", True, "01067", "Dresden", 20.0, None),
        ("P4", "Kommissionierer; Lagerhelfer", "Inventur", "Englisch B2", "Gabelstapler",
         "Stapler, B", "full_or_part_time", None, "04425", "Taucha", 50.0, dt.date(2027, 2, 1)),
    ],
    columns=["participant_id", "desired_occupations", "skills", "languages", "qualifications",
             "licences", "working_time", "accepts_shift", "postcode", "city", "radius_km",
             "available_from"],
)  # fmt: skip
JOBS = pd.DataFrame(
    [
        ("v-base", "Lagerhelfer (m/w/d)", None, "Kommissionierung und Verpackung im Lager.",
         "04109", "Leipzig", None, None, "full_time", None, True),
        ("v-far", "Lagerhelfer*in", "Lagerhelfer", "Verpackung. Deutsch B2 erforderlich.",
         "01067", "Dresden", None, None, "full_time", None, True),
        ("v-ce", "Berufskraftfahrer CE (m/w/d)", "Berufskraftfahrer",
         "Erforderlich: Führerschein Klasse CE. Touren im Nahverkehr.",
         "04838", "Eilenburg", None, None, "full_time", None, True),
        ("v-part", "Lagerhelfer in Teilzeit", None, "Inventur im Lager.",
         "04425", "Taucha", None, None, "part_time", dt.date(2027, 1, 4), False),
        ("v-late", "Kommissionierer (m/w/d)", None, "Kommissionierung im Schichtbetrieb.",
         "04838", "Eilenburg", None, None, "shift", dt.date(2026, 12, 1), False),
        ("v-coords", "Lagermitarbeiter (m/w/d)", None, "Wareneingang und Verpackung.",
         None, "Leipzig", 51.30, 12.40, "full_or_part_time", None, None),
    ],
    columns=["vacancy_id", "title", "occupation", "description", "postcode", "city", "lat",
             "lon", "working_time", "start_date", "is_immediate_start"],
)  # fmt: skip
OPTIONAL_PEOPLE = [c for c in PEOPLE.columns if c not in PARTICIPANT_REQUIRED]
OPTIONAL_JOBS = [c for c in JOBS.columns if c not in VACANCY_REQUIRED]
EMPTY = (None, np.nan, pd.NA, "", "  ")


def _is_known(value: object) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


# what happens to one optional column: kept, dropped, emptied, or emptied in every other row
TREATMENT = st.tuples(
    st.sampled_from(["keep", "drop", "empty", "some"]), st.sampled_from(EMPTY), st.booleans()
)


def _treated(frame: pd.DataFrame, optional: list[str], treatments, dtype) -> pd.DataFrame:
    out = frame.copy()
    for column, (how, empty, odd) in zip(optional, treatments, strict=True):
        if how == "drop":
            out = out.drop(columns=column)
            continue
        values = out[column].astype(object)
        rows = np.arange(len(out)) % 2 == int(odd) if how == "some" else np.ones(len(out), bool)
        if how != "keep":
            values[rows] = [empty] * int(rows.sum())
        out[column] = values
        texts = values.dropna()
        if dtype and len(texts) and texts.map(lambda v: isinstance(v, str)).all():
            out[column] = values.astype(dtype)
    return out


def _records(frame: pd.DataFrame, key: str, columns) -> dict[str, dict[str, object]]:
    """id -> {column: value as given, None when missing, empty or dropped}."""
    cells = {c: frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in columns}
    return {
        row_id: {c: v if _is_known(v := cells[c][i]) else None for c in columns}
        for i, row_id in enumerate(frame[key])
    }


def _place(row: dict[str, object]) -> tuple[float, float] | None:
    """Where a row is, looked up independently of the ranker: coordinates, postcode, town."""
    if row.get("lat") is not None and row.get("lon") is not None:
        return float(row["lat"]), float(row["lon"])
    if row["postcode"] in PLACES:
        return PLACES[row["postcode"]][1:]
    return TOWNS.get(row["city"])


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _day(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _stated(value: object) -> bool:
    return value is not None and value is not pd.NA and not isinstance(value, float)


def _check_pair(person: dict, job: dict, match: dict) -> None:
    """Every hard constraint whose facts both sides still state holds for a shown pair."""
    p, v = match["participant_id"], match["vacancy_id"]
    radius = person["radius_km"] if person["radius_km"] is not None else DEFAULT_RADIUS
    here, there = _place(person), _place(job)
    if here is not None and there is not None:
        assert match["distance_km"] == pytest.approx(_km(here, there), abs=0.1), (p, v)
        assert match["distance_km"] <= radius, (p, v)
    else:
        assert np.isnan(match["distance_km"]), (p, v)
    # the ranker reads licences and shifts from title, occupation and description together
    text = pf.parse_vacancy_text(
        "\n".join(job[c] or "" for c in ("title", "occupation", "description"))
    )
    # a required licence is offered only to a holder where the licences are stated ('' or
    # [] states none); unstated ones (None, NaN, NA) are not checked, and the reason says so
    required = pf.licence_mask(text["required"])
    if _stated(person["licences"]):
        held = pf.licence_mask(pf.parse_licences(person["licences"]))
        assert required & ~held == 0, (p, v)
    elif required:
        assert match["licences_unstated"] and not match["licences_required"], (p, v)
    assert pf.working_time_fits(person["working_time"], job["working_time"]), (p, v)
    shift = job["working_time"] == "shift" or text["shift"]
    refuses = person["accepts_shift"] is not None and not person["accepts_shift"]
    assert not (refuses and shift), (p, v)
    available, start = _day(person["available_from"]), _day(job["start_date"])
    if available and start and not job["is_immediate_start"]:
        assert available <= max(start, TODAY) + dt.timedelta(days=31), (p, v)


@settings(max_examples=30, deadline=None)  # 30 draws: the default suite stays under 3 minutes
@given(
    st.lists(TREATMENT, min_size=len(OPTIONAL_PEOPLE), max_size=len(OPTIONAL_PEOPLE)),
    st.lists(TREATMENT, min_size=len(OPTIONAL_JOBS), max_size=len(OPTIONAL_JOBS)),
    st.sampled_from([None, "str", "string"]),  # pandas 3 string dtypes (NaN or pd.NA missing)
)
def test_rank_runs_and_keeps_the_constraints_it_can_check(person_how, job_how, dtype):
    people = _treated(PEOPLE, OPTIONAL_PEOPLE, person_how, dtype)
    jobs = _treated(JOBS, OPTIONAL_JOBS, job_how, dtype)
    frame = rank(people, jobs, gazetteer=GAZETTEER, today=TODAY)
    assert list(frame.columns) == list(RESULT_COLUMNS)
    assert ("P1", "v-base") in set(zip(frame["participant_id"], frame["vacancy_id"], strict=True))
    assert frame["score"].between(0, 1).all()
    person = _records(people, "participant_id", PEOPLE.columns)
    job = _records(jobs, "vacancy_id", JOBS.columns)
    for match in frame.to_dict("records"):
        _check_pair(person[match["participant_id"]], job[match["vacancy_id"]], match)
    assert len(explain.reason_json(frame)) == len(frame)

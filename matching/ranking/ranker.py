"""Ranking vacancies for participants: text similarity under hard constraints, top-k per person.

Pure functions, no I/O. `rank()` takes two frames whose columns are an explicit allow-list
(PARTICIPANT_INPUT, VACANCY_INPUT); a frame that carries a protected attribute (a name,
birth date, nationality, gender, ...) is refused, and any other extra column is dropped
before anything is computed, so no such value can influence a score.

How a pair is scored (docs/matching.md has the full story):

- occupation: TF-IDF over character 3-5-grams of the wished occupations and the vacancy
  titles, the first half of each word weighted up ('Lagerfachkraft' ~ 'Fachkraft für
  Lagerlogistik', nearer than 'Pflegefachkraft'), or the similarity of the words vacancies
  of both titles use (related occupations, learned); the best-matching wish counts.
  Computed between distinct texts only with sparse_dot_topn, then spread to vacancies by a
  sparse product.
- skills: the share (IDF-weighted) of the participant's skill, qualification and wish terms
  that the vacancy text names, also inside compounds ('Pflege' in 'Grundpflege').
- a pair is a candidate when the occupation is similar enough; the hard constraints then
  filter: distance within the participant's radius (when both places are known), every
  licence the vacancy requires, working time and shifts, start date vs available from.
- score = weighted occupation + skills + closeness + language fit (CEFR level asked vs held).

Participants are processed in geographic blocks whose candidate pairs stay below a bound,
each with a budget of vacancies from their best occupations (a second pass without the
budget serves those left short), so memory is flat however many participants and
vacancies there are; no dense participants x vacancies matrix is ever built.

The parts, each a module of this package: inputs (allow-lists, both frames as arrays),
parsing (the vacancy texts, in forked workers), titles and skills (the two text indexes),
blocks (the candidate search), constraints (hard constraints and the score), facts (the
rows behind the reasons); settings holds the thresholds and weights.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from resque.matching.occupation_model import OccupationModel
from resque.matching.ranking import geo as geo_
from resque.matching.ranking.blocks import search
from resque.matching.ranking.constraints import language_matrices
from resque.matching.ranking.facts import MATCH_COLUMNS, RESULT_COLUMNS, as_frame, empty_matches
from resque.matching.ranking.inputs import (
    PARTICIPANT_INPUT,
    PARTICIPANT_REQUIRED,
    VACANCY_INPUT,
    VACANCY_REQUIRED,
    Jobs,
    People,
    add_parsed,
    allowed_columns,
    prepare_jobs,
    prepare_people,
)
from resque.matching.ranking.occupation_match import (
    OccupationChannel,
    key_occupations,
    model_for,
)
from resque.matching.ranking.settings import Settings
from resque.matching.ranking.skills import SkillIndex
from resque.matching.ranking.titles import TitleIndex

# what callers import from here (warehouse/ranking.py, the tests), wherever it now lives
__all__ = [
    "MATCH_COLUMNS",
    "PARTICIPANT_INPUT",
    "PARTICIPANT_REQUIRED",
    "RESULT_COLUMNS",
    "VACANCY_INPUT",
    "VACANCY_REQUIRED",
    "Settings",
    "allowed_columns",
    "rank",
]

log = logging.getLogger(__name__)


def rank(
    participants: pd.DataFrame,
    vacancies: pd.DataFrame,
    *,
    gazetteer: geo_.Gazetteer,
    today: dt.date,
    settings: Settings | None = None,
    per: str = "participant",
    only_participants: list[str] | None = None,
    only_vacancies: list[str] | None = None,
    occupations: OccupationModel | Callable[[], OccupationModel] | None = None,
) -> pd.DataFrame:
    """Rank vacancies for participants (or participants for vacancies), with reasons.

    Args:
        participants, vacancies: frames with the PARTICIPANT_REQUIRED and VACANCY_REQUIRED
            columns; the other PARTICIPANT_INPUT and VACANCY_INPUT columns may be missing or
            empty (unknown). A protected column raises ValueError.
        gazetteer: postcode and town coordinates (matching.ranking.geo.build_gazetteer).
        today: the date start dates and availability are compared with.
        per: 'participant' for each participant's best vacancies, 'vacancy' for each
            vacancy's best participants.
        only_participants, only_vacancies: rank just these ids; the others still shape
            the text statistics, so scores equal those of a full run.
        occupations: the occupation model (matching.occupation_model), or a function that
            fits it (called while the vacancy texts are parsed); None learns one from the
            vacancies' own labels and the seed.
    Returns:
        One row per match: participant_id, vacancy_id, rank (1 = best), score (0..1),
        distance_km (NaN when unknown) and the facts behind it (explain.REASON_FIELDS;
        explain.reason_json() makes the stored reasons of them).
    """
    settings = settings or Settings()
    clock = _Clock()
    participants = allowed_columns(
        participants, PARTICIPANT_INPUT, "participants", PARTICIPANT_REQUIRED
    )
    vacancies = allowed_columns(vacancies, VACANCY_INPUT, "vacancies", VACANCY_REQUIRED)
    jobs, parsing = prepare_jobs(vacancies, gazetteer, today, settings.workers)
    try:  # the texts are parsed in worker processes meanwhile
        people = prepare_people(participants, gazetteer, today, settings)
        clock.lap(f"{len(people.ids)} profiles read")
        if not len(people.ids) or not len(jobs.ids):
            return empty_matches()
        channel = _occupation_channel(
            people, vacancies.reset_index(drop=True), jobs, occupations, settings
        )
        clock.lap(f"occupations labelled ({len(channel.vocabulary)} occupations)")
        add_parsed(jobs, parsing.result())
    finally:
        parsing.close()
    clock.lap(f"{len(jobs.ids)} vacancy texts read")
    language_matrices(people, jobs)
    titles = TitleIndex(people, jobs, settings, channel)
    clock.lap(f"occupations compared ({len(jobs.keys)} distinct vacancy titles)")
    skills = SkillIndex(people, jobs, settings)
    rows = _selected(people.ids, only_participants)
    cols = _selected(jobs.ids, only_vacancies)
    clock.lap("skill terms indexed")
    best = _search_all(rows, cols, people, jobs, titles, skills, per, settings, clock)
    if not best:
        return empty_matches()
    frame = as_frame(best, people, jobs, titles, skills, settings)
    clock.lap(f"{len(frame)} matches explained")
    return frame


def _search_all(rows, cols, people, jobs, titles, skills, per, settings, clock) -> dict | None:
    """The best pairs, searched within each participant's candidate budget first; those
    left with fewer than `top` are searched again without it."""
    best = search(
        rows, cols, people, jobs, titles, skills, per, settings.candidate_budget, settings
    )
    if per != "participant" or not settings.candidate_budget:
        return best
    # a participant whose best occupations' vacancies all break a constraint (no licence
    # for any of the driving jobs) is searched again over every occupation
    counts = np.bincount(best["p"], minlength=len(people.ids)) if best else None
    short = rows if counts is None else rows[counts[rows] < settings.top]
    if len(short):
        again = search(short, cols, people, jobs, titles, skills, per, 0, settings)
        if best and again:
            keep = ~np.isin(best["p"], short)
            best = {k: np.concatenate([best[k][keep], again[k]]) for k in best}
        else:
            best = best or again
    clock.lap(f"searched again for {len(short)} participants with few matches")
    return best


def _occupation_channel(
    people: People,
    frame: pd.DataFrame,
    jobs: Jobs,
    model: OccupationModel | Callable[[], OccupationModel] | None,
    settings: Settings,
) -> OccupationChannel:
    """Occupations of wishes and vacancy texts (a text takes its vacancies' occupations)."""
    if callable(model):  # fitted only now, while the vacancy texts are being parsed
        model = model()
    model = model or model_for(frame)
    by_key = key_occupations(frame, jobs.key_codes, jobs.keys, model, settings.labels)
    return OccupationChannel(people.wishes, by_key, len(jobs.keys), model, settings.labels)


class _Clock:
    """Logs how long each phase took (INFO), for `resque -v match` and the benchmark."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        """Log `what` with the time since the previous lap."""
        now = time.perf_counter()
        log.info("%s in %.1f s", what, now - self.last)
        self.last = now


def _selected(ids: np.ndarray, wanted: list[str] | None) -> np.ndarray:
    """Row indices of the wanted ids (all rows when None)."""
    if wanted is None:
        return np.arange(len(ids))
    return np.flatnonzero(np.isin(ids, np.asarray(wanted, dtype=object)))

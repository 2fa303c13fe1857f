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
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import math
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sparse_dot_topn import sp_matmul_topn

from resque.matching.normalise import occupation_text, strip_context, town_key
from resque.matching.occupation_model import OccupationModel
from resque.matching.privacy import protected_columns
from resque.matching.ranking import explain
from resque.matching.ranking import geo as geo_
from resque.matching.ranking import profiles as pf
from resque.matching.ranking.occupation_match import (
    LabelSettings,
    OccupationChannel,
    key_occupations,
    model_for,
)

log = logging.getLogger(__name__)

# The only columns the ranker reads. Each is a job-related fact; none identifies a person
# or is a protected attribute (tests/matching/ranking/test_ranker.py checks both).
PARTICIPANT_INPUT = (
    "participant_id",
    "desired_occupations",
    "skills",
    "languages",
    "qualifications",
    "licences",
    "working_time",
    "accepts_shift",
    "postcode",
    "city",
    "radius_km",
    "available_from",
)
VACANCY_INPUT = (
    "vacancy_id",
    "title",
    "occupation",
    "description",
    "postcode",
    "city",
    "lat",
    "lon",
    "working_time",
    "start_date",
    "is_immediate_start",
    "occupation_predicted",
    "occupation_confidence",
)
# The columns a frame must have; every other allowed column is optional: when it is missing
# or empty (None, NaN, pd.NA) the fact is unknown, and unknown facts never drop a pair
# (except licences: a vacancy that requires one is only offered to a holder).
PARTICIPANT_REQUIRED = ("participant_id", "desired_occupations")
VACANCY_REQUIRED = ("vacancy_id", "title")
MATCH_COLUMNS = ("participant_id", "vacancy_id", "rank", "score", "distance_km", "reasons")
# What rank() returns: the stored columns without reasons, then the facts behind the reasons.
RESULT_COLUMNS = tuple(dict.fromkeys([*MATCH_COLUMNS[:-1], *explain.REASON_FIELDS]))
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights of the ranker; the defaults are tuned on tests/data/matching."""

    top: int = 10
    default_radius_km: float = 30.0
    min_occupation: float = 0.1  # title similarity that makes a pair a candidate
    min_score: float = 0.2  # below this a pair is too weak to show at all
    start_grace_days: int = 31  # available up to a month after the start still fits
    unknown_distance_factor: float = 0.3  # closeness credit when a place is unknown
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "occupation": 0.6,
            "skills": 0.2,
            "distance": 0.12,
            "language": 0.08,
        }
    )
    key_candidates: int = 400  # vacancy texts kept per wished occupation
    max_keys: int = 200  # similar and related vacancy texts a participant is compared with
    candidate_budget: int = 1000  # per participant: best occupations until this many vacancies
    workers: int = 2  # processes parsing vacancy texts (the machine has 2 cores)
    same_occupation: float = 0.6  # title similarity taken as the wished occupation itself
    context_weight: float = 1.0  # related occupations (similar context) score up to this
    max_context_share: float = 0.5  # words in more occupations' contexts than this are noise
    block_pairs: int = 3_000_000  # candidate pairs per block (memory bound)
    max_term_share: float = 0.25  # terms in more vacancies than this say nothing
    # below this title similarity a wish does not explain a vacancy: the pair needs an
    # agreeing occupation or occupation group (matching.occupation_match) to be suggested
    title_floor: float = 0.2
    context_floor: float = 0.15  # a related occupation by context alone, at least this close
    labels: LabelSettings = field(default_factory=LabelSettings)


@dataclass
class _People:
    """The participant side, parsed into arrays."""

    ids: np.ndarray
    wishes: list[list[str]]
    terms: list[dict[str, str]]
    wish_terms: list[dict[str, str]]
    skill_entries: list[list[str]]
    languages: list[dict[str, int]]
    licences: np.ndarray
    licence_codes: list[list[str]]
    working_time: np.ndarray
    accepts_shift: np.ndarray
    available: np.ndarray
    radius: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    points: np.ndarray
    precision: np.ndarray
    holds: np.ndarray | None = None  # participants x languages asked anywhere: CEFR level


@dataclass
class _Jobs:
    """The vacancy side, parsed into arrays."""

    ids: np.ndarray
    titles: np.ndarray
    key_codes: np.ndarray
    keys: np.ndarray
    text_codes: np.ndarray  # each vacancy's distinct text (title, occupation, description)
    working_time: np.ndarray
    offers_shift: np.ndarray  # the working time says shifts (the text may say so too)
    start: np.ndarray
    points: np.ndarray
    precision: np.ndarray
    tie_rank: np.ndarray
    today: float
    # read from the texts (_add_parsed), once the worker processes have parsed them
    terms: list[dict[str, str]] = field(default_factory=list)
    required: np.ndarray | None = None
    required_codes: list[list[str]] = field(default_factory=list)
    welcomes: np.ndarray | None = None
    preferred_codes: list[list[str]] = field(default_factory=list)
    languages: list[dict[str, int]] = field(default_factory=list)
    shift: np.ndarray | None = None
    asks: np.ndarray | None = None  # vacancies x languages: CEFR level asked (0: none)
    language_names: list[str] = field(default_factory=list)


def allowed_columns(
    frame: pd.DataFrame,
    allowed: tuple[str, ...],
    what: str,
    required: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The frame cut to its allow-list; a protected column is an error, others are dropped.

    Only the `required` columns (all allowed ones when None) must be present; a missing
    optional column is added as unknown. Every missing value becomes None: pandas 3 hands
    in pd.NA and NaN (string dtype), which compare and convert to bool unlike None.
    """
    found = protected_columns([c for c in frame.columns if c not in allowed])
    if found:
        names = ", ".join(f"{name} ({kind})" for name, kind in found)
        raise ValueError(f"{what} carry protected attributes the ranker must never see: {names}")
    missing = [c for c in (allowed if required is None else required) if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lack required columns: {', '.join(missing)}")
    return pd.DataFrame(
        {column: _unknown_as_none(frame, column) for column in allowed}, index=frame.index
    )


def _unknown_as_none(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as objects with None for every missing value and blank text (all None when
    absent): an empty cell says nothing, not 'no' ('' would refuse shifts)."""
    if column not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    column_values = frame[column]
    values = column_values.astype(object)
    if isinstance(column_values.dtype, pd.StringDtype):  # text only: one vectorised strip
        blank = column_values.str.strip().eq("").fillna(False).to_numpy(dtype=bool)
    else:
        blank = np.fromiter(
            (isinstance(v, str) and not v.strip() for v in values), dtype=bool, count=len(values)
        )
    return values.where(values.notna() & ~blank, None)


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
    jobs, parsing = _prepare_jobs(vacancies, gazetteer, today, settings.workers)
    try:  # the texts are parsed in worker processes meanwhile
        people = _prepare_people(participants, gazetteer, today, settings)
        clock.lap(f"{len(people.ids)} profiles read")
        if not len(people.ids) or not len(jobs.ids):
            return _empty_matches()
        channel = _occupation_channel(
            people, vacancies.reset_index(drop=True), jobs, occupations, settings
        )
        clock.lap(f"occupations labelled ({len(channel.vocabulary)} occupations)")
        _add_parsed(jobs, parsing.result())
    finally:
        parsing.close()
    clock.lap(f"{len(jobs.ids)} vacancy texts read")
    _language_matrices(people, jobs)
    titles = _TitleIndex(people, jobs, settings, channel)
    clock.lap(f"occupations compared ({len(jobs.keys)} distinct vacancy titles)")
    skills = _SkillIndex(people, jobs, settings)
    rows = _selected(people.ids, only_participants)
    cols = _selected(jobs.ids, only_vacancies)
    clock.lap("skill terms indexed")
    best = _search(
        rows, cols, people, jobs, titles, skills, per, settings.candidate_budget, settings
    )
    if per == "participant" and settings.candidate_budget:
        # a participant whose best occupations' vacancies all break a constraint (no licence
        # for any of the driving jobs) is searched again over every occupation
        counts = np.bincount(best["p"], minlength=len(people.ids)) if best else None
        short = rows if counts is None else rows[counts[rows] < settings.top]
        if len(short):
            again = _search(short, cols, people, jobs, titles, skills, per, 0, settings)
            if best and again:
                keep = ~np.isin(best["p"], short)
                best = {k: np.concatenate([best[k][keep], again[k]]) for k in best}
            else:
                best = best or again
        clock.lap(f"searched again for {len(short)} participants with few matches")
    if not best:
        return _empty_matches()
    frame = _as_frame(best, people, jobs, titles, skills, settings)
    clock.lap(f"{len(frame)} matches explained")
    return frame


def _occupation_channel(
    people: _People,
    frame: pd.DataFrame,
    jobs: _Jobs,
    model: OccupationModel | Callable[[], OccupationModel] | None,
    settings: Settings,
) -> OccupationChannel:
    """Occupations of wishes and vacancy texts (a text takes its vacancies' occupations)."""
    if callable(model):  # fitted only now, while the vacancy texts are being parsed
        model = model()
    model = model or model_for(frame)
    by_key = key_occupations(frame, jobs.key_codes, jobs.keys, model, settings.labels)
    return OccupationChannel(people.wishes, by_key, len(jobs.keys), model, settings.labels)


def _search(rows, cols, people, jobs, titles, skills, per, budget, settings) -> dict | None:
    """The best pairs for `rows` x `cols` under every constraint (None if there are none)."""
    cost = titles.pairs_per_person(budget)

    def one(block_reach):
        block, reach = block_reach
        pairs = _candidates(block, reach, titles, skills, budget)
        seen = len(pairs["p"])
        pairs = _feasible(pairs, people, jobs, settings)
        if not len(pairs["p"]):
            return seen, None
        _score(pairs, people, jobs, settings)
        pairs = {key: value[pairs["score"] >= settings.min_score] for key, value in pairs.items()}
        return seen, _top(pairs, per, settings.top, jobs)

    blocks = _blocks(rows, cols, people, jobs, cost, settings)
    with ThreadPoolExecutor(max_workers=max(settings.workers, 1)) as pool:
        results = list(pool.map(one, blocks))
    pairs_seen = sum(seen for seen, _ in results)
    found = [top for _, top in results if top is not None]
    log.info("%s candidate pairs for %s participants", pairs_seen, len(rows))
    if not found:
        return None
    best = {key: np.concatenate([f[key] for f in found]) for key in found[0]}
    return _top(best, per, settings.top, jobs)


class _Clock:
    """Logs how long each phase took (INFO), for `resque -v match` and the benchmark."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        log.info("%s in %.1f s", what, now - self.last)
        self.last = now


def _selected(ids: np.ndarray, wanted: list[str] | None) -> np.ndarray:
    """Row indices of the wanted ids (all rows when None)."""
    if wanted is None:
        return np.arange(len(ids))
    return np.flatnonzero(np.isin(ids, np.asarray(wanted, dtype=object)))


def _empty_matches() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in RESULT_COLUMNS})


# --- preparing both sides --------------------------------------------------------------------


def _day(value: object) -> float:
    """Days since 1970 for a date, NaN for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return np.nan
    if isinstance(value, pd.Timestamp | dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return float((value - EPOCH).days)
    return np.nan


def _working_time_code(value: object) -> int:
    return pf.WORKING_TIMES.index(value) if value in pf.WORKING_TIMES else -1


def _prepare_people(
    frame: pd.DataFrame, gazetteer: geo_.Gazetteer, today: dt.date, settings: Settings
) -> _People:
    """Parse the participant frame once into arrays."""
    frame = frame.reset_index(drop=True)
    lat, lon, precision = geo_.locate(gazetteer, frame["postcode"], frame["city"])
    radius = pd.to_numeric(frame["radius_km"], errors="coerce").to_numpy(dtype=float)
    radius = np.where(np.isnan(radius), settings.default_radius_km, radius)
    available = np.array([_day(v) for v in frame["available_from"]], dtype=float)
    today_day = float((today - EPOCH).days)
    available = np.where(np.isnan(available) | (available < today_day), today_day, available)
    licence_codes = [pf.parse_licences(v) for v in frame["licences"]]
    shift = frame["accepts_shift"].map(lambda v: -1 if v is None or v is pd.NA else int(bool(v)))
    return _People(
        ids=frame["participant_id"].astype(str).to_numpy(dtype=object),
        wishes=[[w for w in pf.split_list(v)] for v in frame["desired_occupations"]],
        terms=[
            pf.terms(" ; ".join(pf.split_list(s) + pf.split_list(q)))
            for s, q in zip(frame["skills"], frame["qualifications"], strict=True)
        ],
        skill_entries=[
            pf.split_list(s) + pf.split_list(q)
            for s, q in zip(frame["skills"], frame["qualifications"], strict=True)
        ],
        wish_terms=[pf.terms(" ; ".join(pf.split_list(v))) for v in frame["desired_occupations"]],
        languages=[pf.language_levels(v) for v in frame["languages"]],
        licences=np.array([pf.licence_mask(c) for c in licence_codes], dtype=np.int64),
        licence_codes=licence_codes,
        working_time=np.array([_working_time_code(v) for v in frame["working_time"]], np.int8),
        accepts_shift=shift.to_numpy(dtype=np.int8),
        available=available,
        radius=radius,
        lat=lat,
        lon=lon,
        points=geo_.unit_vectors(lat, lon),
        precision=precision,
    )


class _Parsing:
    """parse_vacancy_text for every text; large lists are split over worker processes, which
    parse while this process goes on (the occupation model is fitted meanwhile)."""

    def __init__(self, texts: list[str], workers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._parsed: list[dict] | None = None
        # forking is only safe while this process runs one Python thread (not inside a
        # Prefect task runner, for one); elsewhere the texts are parsed here, more slowly
        forkable = sys.platform == "linux" and threading.active_count() == 1
        if workers < 2 or len(texts) < PARALLEL_FROM or not forkable:
            self._texts = texts
            return
        chunk = -(-len(texts) // (workers * 4))
        bounds = [(i, min(i + chunk, len(texts))) for i in range(0, len(texts), chunk)]
        # the workers inherit the texts when forked: sending them would hold this process's
        # lock on Python objects (the GIL) while it fits the occupation model
        global _FORKED_TEXTS
        _FORKED_TEXTS = texts
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        self._parts = self._pool.map(_parse_forked, bounds)

    def result(self) -> list[dict]:
        if self._parsed is None:
            if self._pool is None:
                self._parsed = _parse_chunk(self._texts)
            else:
                try:
                    self._parsed = [item for part in self._parts for item in part]
                finally:
                    self.close()
        return self._parsed

    def close(self) -> None:
        global _FORKED_TEXTS
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        _FORKED_TEXTS = []


_FORKED_TEXTS: list[str] = []  # the texts _Parsing's forked workers read


def _parse_forked(bounds: tuple[int, int]) -> list[dict]:
    return _parse_chunk(_FORKED_TEXTS[bounds[0] : bounds[1]])


PARALLEL_FROM = 20_000  # below this, starting processes costs more than it saves


def _parse_chunk(texts: list[str]) -> list[dict]:
    return [pf.parse_vacancy_text(t) for t in texts]


def _prepare_jobs(
    frame: pd.DataFrame, gazetteer: geo_.Gazetteer, today: dt.date, workers: int = 1
) -> tuple[_Jobs, _Parsing]:
    """The vacancy frame as arrays, and its distinct texts being parsed (_add_parsed)."""
    frame = frame.reset_index(drop=True)
    lat, lon, precision = geo_.locate(
        gazetteer, frame["postcode"], frame["city"], frame["lat"], frame["lon"]
    )
    # titles repeat endlessly across a region: each distinct title is reduced once, after a
    # cheap cut of place tails ('... in Leipzig (Wahren)') that would make most unique
    titles = frame["title"].fillna("").astype(str).str.replace(_PLACE_TAIL, "", regex=True)
    title_codes, distinct_titles = pd.factorize(titles)
    title_keys = np.asarray([occupation_text(t) for t in distinct_titles], dtype=object)
    keys = pd.Series(title_keys[title_codes], dtype=object)
    stated = frame["occupation"].notna().to_numpy()
    if stated.any():  # a stated occupation (chamber lists) adds its words to the title's
        extra = [occupation_text(o) for o in frame.loc[stated, "occupation"]]
        keys[stated] = [
            " ".join(dict.fromkeys(f"{k} {e}".split()))
            for k, e in zip(keys[stated], extra, strict=True)
        ]
    city_codes, cities = pd.factorize(frame["city"])
    town_of = np.asarray([town_key(c) or "" for c in cities] + [""], dtype=object)
    towns = pd.Series(town_of[city_codes], dtype=object)
    pair_codes, pairs = pd.factorize(keys + "\x1f" + towns)
    stripped = [strip_context(k, None, t or None) for k, t in (x.split("\x1f") for x in pairs)]
    key_codes, key_values = pd.factorize(pd.Series(stripped, dtype=object))
    key_codes = key_codes[pair_codes]
    text_codes, distinct = pd.factorize(_join_texts(frame))
    today_day = float((today - EPOCH).days)
    start = np.array([_day(v) for v in frame["start_date"]], dtype=float)
    immediate = frame["is_immediate_start"].fillna(False).to_numpy(dtype=bool)
    start = np.where(immediate | (start < today_day), today_day, start)
    ids = frame["vacancy_id"].astype(str).to_numpy(dtype=object)
    offered = frame["working_time"]
    jobs = _Jobs(
        ids=ids,
        titles=frame["title"].to_numpy(dtype=object),
        key_codes=key_codes.astype(np.int64),
        keys=np.asarray(key_values, dtype=object),
        text_codes=text_codes,
        working_time=np.array([_working_time_code(v) for v in offered], dtype=np.int8),
        offers_shift=offered.to_numpy(dtype=object) == "shift",
        start=start,
        points=geo_.unit_vectors(lat, lon),
        precision=precision,
        tie_rank=np.argsort(np.argsort(ids, kind="stable"), kind="stable"),
        today=today_day,
    )
    return jobs, _Parsing(list(distinct), workers)


def _add_parsed(jobs: _Jobs, parsed: list[dict]) -> None:
    """What the texts say: terms, licences, languages and shifts, per vacancy."""
    codes = jobs.text_codes
    jobs.terms = [parsed[c]["terms"] for c in codes]
    jobs.required_codes = [parsed[c]["required"] for c in codes]
    jobs.required = np.array([pf.licence_mask(r) for r in jobs.required_codes], dtype=np.int64)
    jobs.preferred_codes = [parsed[c]["preferred"] for c in codes]
    jobs.welcomes = np.array([pf.licence_mask(r) for r in jobs.preferred_codes], dtype=np.int64)
    jobs.languages = [parsed[c]["languages"] for c in codes]
    jobs.shift = np.array([parsed[c]["shift"] for c in codes], dtype=bool) | jobs.offers_shift


_PLACE_TAIL = r"\s+(?:in|bei|nahe|Raum|Region)\s+[A-ZÄÖÜ][^,;|]*$"


def _join_texts(frame: pd.DataFrame) -> pd.Series:
    """Title, occupation and description as one text per vacancy."""
    parts = [frame[c].fillna("").astype(str) for c in ("title", "occupation", "description")]
    return parts[0] + "\n" + parts[1] + "\n" + parts[2]


def _language_matrices(people: _People, jobs: _Jobs) -> None:
    """Levels held and asked as small matrices over the languages any vacancy asks for."""
    names = sorted({name for asked in jobs.languages for name in asked})
    jobs.language_names = names
    jobs.asks = _level_matrix(jobs.languages, names)
    people.holds = _level_matrix(people.languages, names)


def _level_matrix(levels: list[dict[str, int]], names: list[str]) -> np.ndarray:
    """Rows x `names`: the CEFR level of each (0: none); built row by row, because a frame
    of dicts that are all empty has no rows (no participant lists a language)."""
    column = {name: i for i, name in enumerate(names)}
    out = np.zeros((len(levels), len(names)), dtype=np.int8)
    for row, found in enumerate(levels):
        for name, level in found.items():
            if name in column:
                out[row, column[name]] = level
    return out


# --- the two text channels -------------------------------------------------------------------


class _TitleIndex:
    """Occupation similarity: participant x vacancy-text matrix of the best wish's cosine."""

    def __init__(
        self, people: _People, jobs: _Jobs, settings: Settings, channel: OccupationChannel
    ) -> None:
        self.channel = channel
        wish_keys = [[occupation_text(w) for w in ws] for ws in people.wishes]
        distinct = sorted({k for ks in wish_keys for k in ks if k})
        self.wish_index = {k: i for i, k in enumerate(distinct)}
        self.vectorizer = TfidfVectorizer(
            analyzer=pf.occupation_ngrams, sublinear_tf=True, dtype=np.float32
        )
        job_keys = [k if k else " " for k in jobs.keys]
        # fitted on wishes too: n-grams only a wish has ('raum' in 'raumpfleger') must stay
        # in its vector, or the rest ('pfleger') would make it look like every care job
        self.vectorizer.fit([*job_keys, *distinct])
        x_jobs = self.vectorizer.transform(job_keys)
        n_keys = len(job_keys)
        if distinct:
            x_wish = self.vectorizer.transform(distinct)
            self.similarity = sp_matmul_topn(
                x_wish,
                x_jobs.T.tocsr(),
                top_n=min(settings.key_candidates, n_keys),
                threshold=settings.min_occupation * 0.5,
                sort=False,
            ).tocsr()
        else:
            self.similarity = sp.csr_matrix((0, n_keys), dtype=np.float32)
        self.title_by_person = self._best_wish(wish_keys, len(people.ids), n_keys)
        # vacancy text key -> vacancies, as a one-hot matrix for the spreading product
        n_jobs = len(jobs.ids)
        self.spread = sp.csr_matrix(
            (np.ones(n_jobs, np.float32), (jobs.key_codes, np.arange(n_jobs))),
            shape=(n_keys, n_jobs),
        )
        self.context_by_person = self._context_similarity(people, jobs, settings)
        best = _at_least(self.title_by_person, settings.title_floor).maximum(channel.scores)
        # a related occupation by context (the words its vacancies use) is a candidate only
        # where the shared words include something the participant brings, because on real
        # lists many shared words are boilerplate ('unseres', 'Schulabschluss')
        related = self.context_by_person * settings.context_weight
        brought = self.context_evidence.astype(bool)  # the participant's own words shared
        best = best.maximum(_at_least(related, settings.context_floor).multiply(brought))
        best = best.maximum(related.multiply(channel.scores.astype(bool)))
        self.by_person = _top_per_row(best.tocsr(), settings.min_occupation, settings.max_keys)
        # one occupation has many titles ('Data Engineer': hundreds): every title of a wished
        # occupation stays a candidate, the cap is for the similar and related ones
        self.by_person = self.by_person.maximum(channel.same).tocsr()
        self.spread_by_job = self.spread.tocsc()  # column slices per block are cheap
        self.key_of_job = jobs.key_codes
        self.jobs_per_key = np.bincount(jobs.key_codes, minlength=n_keys).astype(np.int64)
        self.wish_keys = wish_keys
        slots = max((len(ks) for ks in wish_keys), default=0)
        self.slot_rows = np.full((len(wish_keys), max(slots, 1)), -1, dtype=np.int64)
        for i, ks in enumerate(wish_keys):
            for k, key in enumerate(ks):
                self.slot_rows[i, k] = self.wish_index.get(key, -1)

    def _context_similarity(
        self, people: _People, jobs: _Jobs, settings: Settings
    ) -> sp.csr_matrix:
        """Participant x key similarity of the words vacancies of the wished occupation use.

        Each vacancy text key gets a context: the TF-IDF of the words of its vacancies
        ('Lager', 'Logistikzentrum', 'Verpackung' for 'kommissionierer'). A participant's
        context is that of the keys matching a wish closely; keys with a similar context
        are related occupations ('lagerhelfer'), learned from the vacancies, not a list.
        """
        stems = sorted({t for ts in jobs.terms for t in ts})
        index = {t: i for i, t in enumerate(stems)}
        rows = np.repeat(np.arange(len(jobs.terms)), [len(ts) for ts in jobs.terms])
        cols = [index[t] for ts in jobs.terms for t in ts]
        words = sp.csr_matrix(
            (np.ones(len(cols), np.float32), (rows, cols)), shape=(len(jobs.terms), len(stems))
        )
        counts = (self.spread @ words).tocsr()
        counts.data = np.log1p(counts.data)
        key_df = np.diff(counts.tocsc().indptr)
        n_keys = counts.shape[0]
        idf = np.log((1 + n_keys) / (1 + key_df)) + 1
        idf[key_df > max(2, settings.max_context_share * n_keys)] = 0
        context = normalize(counts @ sp.diags(idf.astype(np.float32)), copy=False).tocsr()
        context.eliminate_zeros()
        close = self.title_by_person.multiply(self.title_by_person >= settings.same_occupation)
        # the titles of the wished occupation count too, however they are worded
        close = close.maximum(self.channel.same.astype(bool).astype(np.float32))
        person = normalize((close @ context).tocsr(), copy=False)
        self.context, self.person_context = context, person.tocsr()
        self.context_stems = np.asarray(stems, dtype=object)
        self.context_evidence = self._brought(people, person.tocsr(), context, index)
        if not person.nnz:
            return sp.csr_matrix(self.title_by_person.shape, dtype=np.float32)
        return sp_matmul_topn(
            person.astype(np.float32),
            context.T.tocsr().astype(np.float32),
            top_n=min(settings.key_candidates, n_keys),
            threshold=settings.min_occupation / max(settings.context_weight, 1e-6) * 0.5,
        ).tocsr()

    @staticmethod
    def _brought(
        people: _People, person: sp.csr_matrix, context: sp.csr_matrix, index: dict[str, int]
    ) -> sp.csr_matrix:
        """Participants x vacancy texts: > 0 where both contexts share a word the participant
        brings (a skill, qualification or wish term): the only context a coach is shown."""
        rows, cols = [], []
        for i, (skills, wishes) in enumerate(zip(people.terms, people.wish_terms, strict=True)):
            for term in {**skills, **wishes}:
                if term in index:
                    rows.append(i)
                    cols.append(index[term])
        own = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=person.shape)
        return (person.multiply(own).tocsr() @ context.T.tocsr()).tocsr()

    def shared_words(self, person: int, key: int, brings: dict[str, str], n: int = 3) -> list:
        """The participant's own words (`brings`: stem -> as written) that make a vacancy
        text's context close to theirs, closest first."""
        mine, theirs = self.person_context, self.context
        a = slice(mine.indptr[person], mine.indptr[person + 1])
        b = slice(theirs.indptr[key], theirs.indptr[key + 1])
        _, at_a, at_b = np.intersect1d(
            mine.indices[a], theirs.indices[b], assume_unique=True, return_indices=True
        )
        weight = mine.data[a][at_a] * theirs.data[b][at_b]
        stems = self.context_stems[mine.indices[a][at_a][np.argsort(-weight, kind="stable")]]
        found = [brings[s] for s in stems if s in brings]
        return list(dict.fromkeys(found))[:n]

    def _best_wish(self, wish_keys: list[list[str]], n_people: int, n_keys: int) -> sp.csr_matrix:
        """Participant x key similarity: the maximum over the participant's wishes."""
        best = sp.csr_matrix((n_people, n_keys), dtype=np.float32)
        slots = max((len(ks) for ks in wish_keys), default=0)
        for slot in range(slots):
            rows = [i for i, ks in enumerate(wish_keys) if len(ks) > slot and ks[slot]]
            if not rows:
                continue
            picks = [self.wish_index[wish_keys[i][slot]] for i in rows]
            choose = sp.csr_matrix(
                (np.ones(len(rows), np.float32), (rows, picks)),
                shape=(n_people, self.similarity.shape[0]),
            )
            best = best.maximum(choose @ self.similarity)
        return best.tocsr()

    def pairs_per_person(self, budget: int) -> np.ndarray:
        """Upper bound of candidate pairs per participant (all regions, within the budget)."""
        pairs = np.asarray(self.by_person.astype(bool) @ self.jobs_per_key).ravel()
        return np.minimum(pairs, budget + self.jobs_per_key.max()) if budget else pairs

    def block(self, rows: np.ndarray, cols: np.ndarray, budget: int) -> sp.csr_matrix:
        """Participants `rows` x vacancies `cols`: occupation similarity (sparse).

        Each participant keeps their best-matching vacancy texts until about `budget`
        vacancies are reached: the top k come from the best occupations, and a long tail
        of weakly related ones would only cost time.
        """
        chosen = self.by_person[rows]
        if budget:
            counts = np.bincount(self.key_of_job[cols], minlength=self.by_person.shape[1])
            chosen = _within_budget(chosen, counts, budget)
        return (chosen @ self.spread_by_job[:, cols]).tocsr()

    def best_wishes(
        self, rows: np.ndarray, key_codes: np.ndarray, wishes: list[list[str]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(the wish as written that meets each vacancy text best, its cosine) per pair."""
        coo = self.similarity.tocoo()
        width = self.similarity.shape[1]
        linear = coo.row.astype(np.int64) * width + coo.col
        order = np.argsort(linear, kind="stable")
        known, values = linear[order], coo.data[order]
        best = np.zeros(len(rows), dtype=np.float32)
        slot = np.full(len(rows), -1)
        for k in range(self.slot_rows.shape[1]):
            wish_rows = self.slot_rows[rows, k]
            found = _lookup(wish_rows.astype(np.int64) * width + key_codes, known, values)
            found = np.where(wish_rows >= 0, found, 0)
            better = found > best
            best[better], slot[better] = found[better], k
        text = [wishes[i][k] if k >= 0 else "" for i, k in zip(rows, slot, strict=True)]
        return np.asarray(text, dtype=object), best


def _at_least(matrix: sp.csr_matrix, floor: float) -> sp.csr_matrix:
    """The matrix without its entries below `floor`."""
    kept = matrix.multiply(matrix >= floor).tocsr()
    kept.eliminate_zeros()
    return kept


def _within_budget(matrix: sp.csr_matrix, counts: np.ndarray, budget: int) -> sp.csr_matrix:
    """Each row's entries, best first, while the vacancies they stand for stay within budget."""
    coo = matrix.tocoo()
    order = np.lexsort((-coo.data, coo.row))
    row, col, data = coo.row[order], coo.col[order], coo.data[order]
    size = counts[col].astype(np.int64)
    running = np.cumsum(size)
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.zeros(0, int)
    before = (
        running - size - np.repeat(running[starts] - size[starts], np.diff(np.r_[starts, len(row)]))
    )
    keep = (before < budget) & (size > 0)
    out = sp.csr_matrix((data[keep], (row[keep], col[keep])), shape=matrix.shape, dtype=np.float32)
    out.sort_indices()
    return out


def _top_per_row(matrix: sp.csr_matrix, threshold: float, keep: int) -> sp.csr_matrix:
    """Each row's `keep` largest entries at or above `threshold` (the candidate keys)."""
    coo = matrix.tocoo()
    good = coo.data >= threshold
    row, col, data = coo.row[good], coo.col[good], coo.data[good]
    order = np.lexsort((-data, row))
    row, col, data = row[order], col[order], data[order]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.array([], int)
    rank = np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)]))
    chosen = rank < keep
    pruned = sp.csr_matrix(
        (data[chosen], (row[chosen], col[chosen])), shape=matrix.shape, dtype=np.float32
    )
    pruned.sort_indices()
    return pruned


@functools.lru_cache(maxsize=65536)
def _entry_terms(entry: str) -> frozenset[str]:
    """The terms of one skill entry as a participant wrote it (cached: entries repeat)."""
    return frozenset(pf.terms(entry))


class _SkillIndex:
    """Skill overlap: share of a participant's terms (IDF-weighted) that a vacancy mentions."""

    def __init__(self, people: _People, jobs: _Jobs, settings: Settings) -> None:
        self.vacancy_stems = sorted({t for ts in jobs.terms for t in ts})
        self.person_terms = [
            {**ts, **self._with_fields(ws)}
            for ts, ws in zip(people.terms, people.wish_terms, strict=True)
        ]
        vocabulary = sorted({t for ts in self.person_terms for t in ts})
        self.vocabulary = vocabulary
        self.index = {t: i for i, t in enumerate(vocabulary)}
        n_jobs, n_terms = len(jobs.ids), len(vocabulary)
        self.job_terms = self._job_matrix(jobs, n_jobs, n_terms)
        df = np.asarray(self.job_terms.sum(axis=0)).ravel()
        idf = np.log((1 + n_jobs) / (1 + df)) + 1
        useful = (df > 0) & (df <= max(1, settings.max_term_share * n_jobs))
        weight = np.where(useful, idf, 0).astype(np.float32)
        rows, cols = [], []
        for i, ts in enumerate(self.person_terms):
            for t in ts:
                rows.append(i)
                cols.append(self.index[t])
        person = sp.csr_matrix(
            (weight[cols] if cols else np.zeros(0, np.float32), (rows, cols)),
            shape=(len(people.ids), n_terms),
        )
        person.eliminate_zeros()
        totals = np.asarray(person.sum(axis=1)).ravel()
        scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
        self.by_person = sp.diags(scale.astype(np.float32)) @ person

    def _with_fields(self, wish_terms: dict[str, str]) -> dict[str, str]:
        """Wish terms plus the field each compound starts with, as vacancy texts name it.

        'lagerhelfer' adds 'lager' when some vacancy text says 'Lager': the field of a
        wished occupation ('in unserem Lager') is evidence for related jobs.
        """
        out = dict(wish_terms)
        for stem, word in wish_terms.items():
            at = bisect.bisect_left(self.vacancy_stems, stem[:4])
            best = None
            while at < len(self.vacancy_stems) and self.vacancy_stems[at] < stem:
                candidate = self.vacancy_stems[at]
                if stem.startswith(candidate) and len(candidate) >= 4:
                    best = candidate
                at += 1
            if best and best != stem:
                out.setdefault(best, word)
        return out

    def _job_matrix(self, jobs: _Jobs, n_jobs: int, n_terms: int) -> sp.csr_matrix:
        """Vacancies x participant terms: 1 where the text names the term or a compound of it."""
        vacancy_stems = sorted({t for ts in jobs.terms for t in ts})
        matches = {stem: self._vocabulary_in(stem) for stem in vacancy_stems}
        rows, cols = [], []
        for j, ts in enumerate(jobs.terms):
            found = set()
            for stem in ts:
                found.update(matches[stem])
            rows.extend([j] * len(found))
            cols.extend(found)
        data = np.ones(len(rows), np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(n_jobs, n_terms))

    def _vocabulary_in(self, stem: str) -> list[int]:
        """Participant terms a vacancy word stem holds: itself, or as head or tail of a compound."""
        found = [self.index[stem]] if stem in self.index else []
        for cut in range(5, len(stem) - 2):
            for part in (stem[:cut], stem[-cut:]):
                if part in self.index:
                    found.append(self.index[part])
        return found

    def block(self, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
        """Participants `rows` x vacancies `cols`: skill share (sparse)."""
        return (self.by_person[rows] @ self.job_terms[cols].T).tocsr()

    def matched(self, person: int, entries: list[str], job_row: int) -> list[str]:
        """The participant's skills (as written) whose terms the vacancy names."""
        start, end = self.job_terms.indptr[job_row], self.job_terms.indptr[job_row + 1]
        named = {self.vocabulary[i] for i in self.job_terms.indices[start:end]}
        return [entry for entry in entries if not named.isdisjoint(_entry_terms(entry))]


# --- blocks, candidates, constraints, scores --------------------------------------------------


def _blocks(rows, cols, people: _People, jobs: _Jobs, cost, settings: Settings):
    """(participant rows, vacancy columns) to rank together: near each other, of bounded size.

    Participants are grouped by a grid cell of about 11 x 11 km and, within it, by radius;
    a block only meets the vacancies within its largest radius of the cell's centre (and
    those whose place is unknown), so the sparse products never touch pairs the distance
    constraint would drop anyway. Blocks hold at most `block_pairs` expected pairs.
    """
    lat, lon = people.lat[rows], people.lon[rows]
    unknown = np.isnan(lat)
    cell = np.where(
        unknown,
        -1,
        np.floor(np.nan_to_num(lat) / CELL_DEGREES[0]) * 100_000
        + np.floor(np.nan_to_num(lon) / CELL_DEGREES[1]),
    )
    order = np.lexsort((people.radius[rows], cell))
    rows, cell = rows[order], cell[order]
    bounds = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1], True])
    placed = ~np.isnan(jobs.points[cols, 0])
    known_cols, unplaced = cols[placed], cols[~placed]
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        group = rows[start:end]
        if cell[start] == -1:
            yield from ((chunk, cols) for chunk in _chunks(group, cost[group], settings))
            continue
        centre = people.points[group].mean(axis=0)
        centre /= np.linalg.norm(centre)
        distance = geo_.distance_km(jobs.points[known_cols], centre[None, :])
        spread = float(geo_.distance_km(people.points[group], centre[None, :]).max())
        # no vacancy has a known place: the block meets the unplaced ones only
        share = np.mean(distance <= people.radius[group].max() + spread) if len(distance) else 0
        for chunk in _chunks(group, cost[group] * share, settings):
            limit = people.radius[chunk].max() + spread
            near = known_cols[distance <= limit]
            yield chunk, np.union1d(near, unplaced)


CELL_DEGREES = (0.1, 0.15)  # about 11 km by 11 km around 51 degrees north


def _chunks(group: np.ndarray, cost: np.ndarray, settings: Settings):
    """Consecutive slices of `group` whose summed cost stays below settings.block_pairs."""
    start, total = 0, 0.0
    for index, value in enumerate(cost + 1):
        if total + value > settings.block_pairs and index > start:
            yield group[start:index]
            start, total = index, 0.0
        total += value
    if start < len(group):
        yield group[start:]


def _candidates(block, reach, titles, skills, budget: int) -> dict[str, np.ndarray]:
    """Pairs whose occupation is similar enough, with occupation and skill similarity.

    The occupation channel (participants x vacancies, sparse) is the candidate pattern; the
    skill channel is computed for the vacancies among the candidates only and read at that
    pattern with sparse element-wise products (no Python loop).
    """
    occupation = titles.block(block, reach, budget)
    if not occupation.nnz:
        return {k: np.zeros(0, t) for k, t in (("p", int), ("v", int))} | {
            "occupation": np.zeros(0, np.float32),
            "skills": np.zeros(0, np.float32),
        }
    used = np.unique(occupation.indices)
    occupation = occupation[:, used].tocsr()
    occupation.sort_indices()
    skill = skills.block(block, reach[used])
    local_rows = np.repeat(np.arange(occupation.shape[0]), np.diff(occupation.indptr))
    return {
        "p": block[local_rows],
        "v": reach[used][occupation.indices],
        "occupation": occupation.data.astype(np.float32),
        "skills": _values_at(occupation, skill),
    }


_TINY = np.float32(1e-30)


def _lookup(keys: np.ndarray, known: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values at `keys` where `known` (sorted) has them, else 0."""
    if not len(known):
        return np.zeros(len(keys), np.float32)
    at = np.clip(np.searchsorted(known, keys), 0, len(known) - 1)
    return np.where(known[at] == keys, values[at], 0).astype(np.float32)


def _values_at(pattern: sp.csr_matrix, values: sp.csr_matrix) -> np.ndarray:
    """The entries of `values` at the nonzeros of `pattern`, in pattern order (0 if absent)."""
    base = pattern.astype(np.float32, copy=True)
    base.data[:] = _TINY  # keeps every pattern position alive in the sum
    summed = (base + values.multiply(base.astype(bool))).tocsr()
    summed.sort_indices()
    out = summed.data.astype(np.float32)
    out[out < 1e-20] = 0
    return out


_FITS = np.array(
    [
        [pf.working_time_fits(w, o) for o in (*pf.WORKING_TIMES, None)]
        for w in (*pf.WORKING_TIMES, None)
    ]
)


def _feasible(pairs, people: _People, jobs: _Jobs, settings: Settings) -> dict[str, np.ndarray]:
    """The pairs that meet every hard constraint, with their distance (NaN if unknown)."""
    p, v = pairs["p"], pairs["v"]
    distance = geo_.distance_km(people.points[p], jobs.points[v])
    known = ~np.isnan(distance)
    keep = ~known | (distance <= people.radius[p])
    keep &= (jobs.required[v] & ~people.licences[p]) == 0
    keep &= _FITS[people.working_time[p], jobs.working_time[v]]
    keep &= ~((people.accepts_shift[p] == 0) & jobs.shift[v])
    start = np.nan_to_num(jobs.start[v], nan=np.inf)  # no start stated: any availability fits
    keep &= people.available[p] <= start + settings.start_grace_days
    out = {key: value[keep] for key, value in pairs.items()}
    out["distance"] = distance[keep]
    return out


def _score(pairs, people: _People, jobs: _Jobs, settings: Settings) -> None:
    """Add closeness, language fit and the weighted score to the pairs."""
    p, v, distance = pairs["p"], pairs["v"], pairs["distance"]
    closeness = np.where(
        np.isnan(distance),
        settings.unknown_distance_factor,
        1 - np.clip(np.nan_to_num(distance) / np.maximum(people.radius[p], 1.0), 0, 1),
    )
    if jobs.asks.shape[1]:
        gaps = np.maximum(jobs.asks[v].astype(np.int16) - people.holds[p], 0).max(axis=1)
    else:
        gaps = np.zeros(len(p), dtype=np.int16)
    language = 1 - np.minimum(gaps, 3) / 3
    w = settings.weights
    score = (
        w["occupation"] * pairs["occupation"]
        + w["skills"] * pairs["skills"]
        + w["distance"] * closeness
        + w["language"] * language
    )
    pairs["closeness"] = closeness.astype(np.float32)
    pairs["language"] = language.astype(np.float32)
    pairs["score"] = np.round(score, 6)


def _top(pairs, per: str, top: int, jobs: _Jobs) -> dict[str, np.ndarray]:
    """The best `top` pairs per participant (or per vacancy): score, then nearer, then id."""
    group = pairs["p"] if per == "participant" else pairs["v"]
    other = jobs.tie_rank[pairs["v"]] if per == "participant" else pairs["p"]
    distance = np.nan_to_num(pairs["distance"], nan=np.inf)
    order = np.lexsort((other, distance, -pairs["score"], group))
    group = group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    position = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    chosen = order[position < top]
    return {key: value[chosen] for key, value in pairs.items()}


def _as_frame(best, people: _People, jobs: _Jobs, titles, skills, settings) -> pd.DataFrame:
    """The chosen pairs as the matches frame with the facts behind each (explain.REASON_FIELDS)."""
    p, v = best["p"], best["v"]
    distance = best["distance"].astype(float)
    wish, similarity = titles.best_wishes(p, jobs.key_codes[v], people.wishes)
    evidence = titles.channel.evidence(p, jobs.key_codes[v])
    # a distant title is no reason; the agreeing occupation (evidence) is
    weak = similarity < settings.title_floor
    wish = np.where(weak, None, wish)
    for i in np.flatnonzero(weak & np.array([e is None for e in evidence], dtype=bool)):
        brings = {**people.terms[p[i]], **people.wish_terms[p[i]]}
        words = titles.shared_words(p[i], jobs.key_codes[v[i]], brings)
        evidence[i] = {"kind": "context", "words": words} if words else None
    precision = np.maximum(people.precision[p], jobs.precision[v])
    frame = pd.DataFrame(
        {
            "participant_id": people.ids[p],
            "vacancy_id": jobs.ids[v],
            "score": best["score"].astype(float),
            "distance_km": np.round(distance, 1),
            "wish": wish,
            "title": jobs.titles[v],
            "occupation_similarity": np.where(weak, np.nan, np.round(similarity, 3)),
            "related_evidence": evidence,
            "skills": [
                skills.matched(i, people.skill_entries[i], j) for i, j in zip(p, v, strict=True)
            ],
            "radius_km": people.radius[p],
            "located_by": np.where(
                np.isnan(distance), None, np.asarray(geo_.PRECISION, dtype=object)[precision]
            ),
            "licences_required": [jobs.required_codes[j] for j in v],
            "working_time_wished": _names(people.working_time[p]),
            "working_time_offered": _names(jobs.working_time[v]),
            "shift_work": jobs.shift[v],
            "start": _start_facts(jobs.start[v], jobs.today),
            "available_from": _iso_dates(people.available[p]),
            "languages": _language_facts(p, v, people, jobs),
        }
    )
    held, missing = _welcome_licences(p, v, people, jobs)
    frame["licences_welcome_held"], frame["licences_welcome_missing"] = held, missing
    frame["components"] = [
        {"occupation": round(float(o), 3), "skills": round(float(k), 3),
         "distance": round(float(c), 3), "language": round(float(g), 3)}
        for o, k, c, g in zip(
            best["occupation"], best["skills"], best["closeness"], best["language"], strict=True
        )
    ]  # fmt: skip
    # a pair tied by nothing a coach can check (a context without the participant's own
    # words) is not suggested (issue 14, item 4)
    keep = (frame["wish"].notna() | frame["related_evidence"].notna()).to_numpy()
    frame = frame[keep]  # none is dropped when the search kept only evidenced pairs
    frame["_tie"] = jobs.tie_rank[v[keep]]
    frame["_distance"] = frame["distance_km"].fillna(np.inf)
    frame = frame.sort_values(
        ["participant_id", "score", "_distance", "_tie"], ascending=[True, False, True, True]
    )
    frame["rank"] = frame.groupby("participant_id").cumcount() + 1
    return frame[list(RESULT_COLUMNS)].reset_index(drop=True)


def _names(codes: np.ndarray) -> np.ndarray:
    """Working-time codes as names (None for unknown)."""
    names = np.asarray([*pf.WORKING_TIMES, None], dtype=object)
    return names[np.where(codes < 0, len(pf.WORKING_TIMES), codes)]


def _start_facts(days: np.ndarray, today: float) -> np.ndarray:
    """A vacancy's start as an ISO date, 'immediately' (ab sofort, or already past) or None."""
    out = _iso_dates(days)
    out[days == today] = "immediately"
    return out


def _iso_dates(days: np.ndarray) -> np.ndarray:
    """Days since 1970 as ISO dates; None for NaN (not stated)."""
    out = np.full(len(days), None, dtype=object)
    known = ~np.isnan(days)
    out[known] = (np.datetime64("1970-01-01") + days[known].astype("timedelta64[D]")).astype(str)
    return out


def _language_facts(p, v, people: _People, jobs: _Jobs) -> np.ndarray:
    """'Deutsch B1 held, B2 asked (1 level short)' per pair, for the languages asked."""
    out = pd.Series([""] * len(p), dtype=object)
    levels = pd.Series(["", "A1", "A2", "B1", "B2", "C1", "C2", "native"], dtype=object)
    for column, name in enumerate(jobs.language_names):
        asked = jobs.asks[v, column].astype(int)
        held = people.holds[p, column].astype(int)
        if not asked.any():
            continue
        gap = np.maximum(asked - held, 0)
        held_text = np.where(
            held > 0, name + " " + levels[held].to_numpy() + " held", name + " not listed"
        )
        text = pd.Series(held_text, dtype=object) + ", " + levels[asked].to_numpy() + " asked"
        text = text.where(gap == 0, text + " (" + pd.Series(gap).astype(str) + " short)")
        text = text.where(asked > 0, "")
        out = out.where(text == "", out.where(out == "", out + "; ") + text)
    return out.where(out != "", None).to_numpy()


def _welcome_licences(p, v, people: _People, jobs: _Jobs) -> tuple[list, list]:
    """Licences a vacancy welcomes (not requires): those the participant holds, and not."""
    held: list[list[str]] = [[] for _ in range(len(p))]
    missing: list[list[str]] = [[] for _ in range(len(p))]
    welcoming = np.flatnonzero(jobs.welcomes[v] != 0)
    for k in welcoming:
        codes = jobs.preferred_codes[v[k]]
        held[k] = [c for c in codes if pf.LICENCE_BITS[c] & people.licences[p[k]]]
        missing[k] = [c for c in codes if c not in held[k]]
    return held, missing

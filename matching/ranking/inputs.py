"""The ranker's inputs: the column allow-lists, and both frames parsed once into arrays.

A frame is cut to its allow-list before anything is read (allowed_columns), so a column
the ranker must not see cannot influence a score; every missing or blank cell becomes None
(unknown), and unknown facts never drop a pair. What the vacancy texts say is parsed in
worker processes (parsing.Parsing) and added to the vacancy side afterwards (add_parsed).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resque.matching.normalise import occupation_text, strip_context, title_occupations, town_key
from resque.matching.privacy import protected_columns
from resque.matching.ranking import geo as geo_
from resque.matching.ranking import profiles as pf
from resque.matching.ranking.parsing import Parsing
from resque.matching.ranking.settings import Settings

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
    # parsed at import (pipelines/participants.py, migration 0015); computed here when absent
    "desired_occupation_keys",
    "language_levels",
    "licence_codes",
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
    "title_occupation",  # normalise.title_occupations(title), stored at import (migration 0015)
)
# The columns a frame must have; every other allowed column is optional: when it is missing
# or empty (None, NaN, pd.NA) the fact is unknown, and unknown facts never drop a pair.
# Licences too: a vacancy that requires one is offered to a participant whose licences are
# stated only if they hold it; a stated empty list ('', []) holds none.
PARTICIPANT_REQUIRED = ("participant_id", "desired_occupations")
VACANCY_REQUIRED = ("vacancy_id", "title")


EPOCH = dt.date(1970, 1, 1)


@dataclass
class People:
    """The participant side, parsed into arrays."""

    ids: np.ndarray
    wishes: list[list[str]]
    wish_keys: list[list[str]]  # each wish as occupation text (pf.wish_keys)
    terms: list[dict[str, str]]
    wish_terms: list[dict[str, str]]
    skill_entries: list[list[str]]
    languages: list[dict[str, int]]
    licences: np.ndarray
    licence_codes: list[list[str]]
    licences_known: np.ndarray  # False: nobody stated them (no licence column), not checked
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
class Jobs:
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
    # read from the texts (add_parsed), once the worker processes have parsed them
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
    """The index of a working time in pf.WORKING_TIMES, -1 when unknown."""
    return pf.WORKING_TIMES.index(value) if value in pf.WORKING_TIMES else -1


def prepare_people(
    frame: pd.DataFrame, gazetteer: geo_.Gazetteer, today: dt.date, settings: Settings
) -> People:
    """Parse the participant frame once into arrays."""
    frame = frame.reset_index(drop=True)
    lat, lon, precision = geo_.locate(gazetteer, frame["postcode"], frame["city"])
    radius = pd.to_numeric(frame["radius_km"], errors="coerce").to_numpy(dtype=float)
    radius = np.where(np.isnan(radius), settings.default_radius_km, radius)
    available = np.array([_day(v) for v in frame["available_from"]], dtype=float)
    today_day = float((today - EPOCH).days)
    available = np.where(np.isnan(available) | (available < today_day), today_day, available)
    wishes = [pf.split_list(v) for v in frame["desired_occupations"]]
    licence_codes = _stored_or(frame, "licence_codes", "licences", pf.parse_licences)
    # a partner's list without a licence column states nothing about licences (the import
    # stores NULL, a frame None): treating that as 'holds none' hid every vacancy that asks
    # for a driving licence from all of that partner's participants
    licences_known = np.array(
        [
            _present(stored) or _present(raw)
            for stored, raw in zip(frame["licence_codes"], frame["licences"], strict=True)
        ],
        dtype=bool,
    )
    shift = frame["accepts_shift"].map(lambda v: -1 if v is None or v is pd.NA else int(bool(v)))
    return People(
        ids=frame["participant_id"].astype(str).to_numpy(dtype=object),
        wishes=wishes,
        wish_keys=_stored_or(frame, "desired_occupation_keys", "desired_occupations", pf.wish_keys),
        terms=[
            pf.terms(" ; ".join(pf.split_list(s) + pf.split_list(q)))
            for s, q in zip(frame["skills"], frame["qualifications"], strict=True)
        ],
        skill_entries=[
            pf.split_list(s) + pf.split_list(q)
            for s, q in zip(frame["skills"], frame["qualifications"], strict=True)
        ],
        wish_terms=[pf.terms(" ; ".join(pf.split_list(v))) for v in frame["desired_occupations"]],
        languages=_stored_or(frame, "language_levels", "languages", pf.language_levels, dict),
        licences=np.array([pf.licence_mask(c) for c in licence_codes], dtype=np.int64),
        licence_codes=licence_codes,
        licences_known=licences_known,
        working_time=np.array([_working_time_code(v) for v in frame["working_time"]], np.int8),
        accepts_shift=shift.to_numpy(dtype=np.int8),
        available=available,
        radius=radius,
        lat=lat,
        lon=lon,
        points=geo_.unit_vectors(lat, lon),
        precision=precision,
    )


def _stored_or(frame: pd.DataFrame, stored: str, raw: str, parse, kind=list) -> list:
    """The stored parse of each row (column `stored`, filled at import) as `kind`, or
    parse(raw) where it is missing: a frame handed in directly (tests, benchmarks) may not
    carry it. Arrow hands in lists as arrays and maps as (key, value) pairs."""
    return [
        kind(s) if _present(s) else parse(r) for s, r in zip(frame[stored], frame[raw], strict=True)
    ]


def _present(value: object) -> bool:
    """A stored list or map; pandas gives an absent column's cells as None or NaN."""
    return value is not None and not isinstance(value, float) and value is not pd.NA


def prepare_jobs(
    frame: pd.DataFrame, gazetteer: geo_.Gazetteer, today: dt.date, workers: int = 1
) -> tuple[Jobs, Parsing]:
    """The vacancy frame as arrays, and its distinct texts being parsed (add_parsed)."""
    frame = frame.reset_index(drop=True)
    lat, lon, precision = geo_.locate(
        gazetteer, frame["postcode"], frame["city"], frame["lat"], frame["lon"]
    )
    key_codes, key_values = _title_keys(frame)
    text_codes, distinct = pd.factorize(_join_texts(frame))
    today_day = float((today - EPOCH).days)
    start = _start_days(frame, today_day)
    ids = frame["vacancy_id"].astype(str).to_numpy(dtype=object)
    offered = frame["working_time"]
    jobs = Jobs(
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
    return jobs, Parsing(list(distinct), workers)


def add_parsed(jobs: Jobs, parsed: list[dict]) -> None:
    """What the texts say: terms, licences, languages and shifts, per vacancy."""
    codes = jobs.text_codes
    jobs.terms = [parsed[c]["terms"] for c in codes]
    jobs.required_codes = [parsed[c]["required"] for c in codes]
    jobs.required = np.array([pf.licence_mask(r) for r in jobs.required_codes], dtype=np.int64)
    jobs.preferred_codes = [parsed[c]["preferred"] for c in codes]
    jobs.welcomes = np.array([pf.licence_mask(r) for r in jobs.preferred_codes], dtype=np.int64)
    jobs.languages = [parsed[c]["languages"] for c in codes]
    jobs.shift = np.array([parsed[c]["shift"] for c in codes], dtype=bool) | jobs.offers_shift


def _join_texts(frame: pd.DataFrame) -> pd.Series:
    """Title, occupation and description as one text per vacancy."""
    parts = [frame[c].fillna("").astype(str) for c in ("title", "occupation", "description")]
    return parts[0] + "\n" + parts[1] + "\n" + parts[2]


def _title_keys(frame: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """(each vacancy's code, the distinct occupation texts): its title reduced to the occupation
    (with a stated occupation's words), without the town it names ('Lagerhelfer Leipzig')."""
    keys = _occupation_keys(frame)
    city_codes, cities = pd.factorize(frame["city"])
    town_of = np.asarray([town_key(c) or "" for c in cities] + [""], dtype=object)
    towns = pd.Series(town_of[city_codes], dtype=object)
    pair_codes, pairs = pd.factorize(keys + "\x1f" + towns)
    stripped = [strip_context(k, None, t or None) for k, t in (x.split("\x1f") for x in pairs)]
    key_codes, key_values = pd.factorize(pd.Series(stripped, dtype=object))
    return key_codes[pair_codes], key_values


def _occupation_keys(frame: pd.DataFrame) -> pd.Series:
    """Each vacancy's title as occupation text, with the words of a stated occupation."""
    # the warehouse stores each posting's title_occupation; reduce only the titles without
    keys = frame["title_occupation"].astype(object).copy()
    missing = keys.isna().to_numpy()
    if missing.any():
        keys[missing] = title_occupations(frame.loc[missing, "title"])
    stated = frame["occupation"].notna().to_numpy()
    if stated.any():  # a stated occupation (chamber lists) adds its words to the title's
        extra = [occupation_text(o) for o in frame.loc[stated, "occupation"]]
        keys[stated] = [
            " ".join(dict.fromkeys(f"{k} {e}".split()))
            for k, e in zip(keys[stated], extra, strict=True)
        ]
    return keys


def _start_days(frame: pd.DataFrame, today_day: float) -> np.ndarray:
    """Start dates as days since 1970; an immediate or past start counts as today."""
    start = np.array([_day(v) for v in frame["start_date"]], dtype=float)
    immediate = frame["is_immediate_start"].fillna(False).to_numpy(dtype=bool)
    return np.where(immediate | (start < today_day), today_day, start)

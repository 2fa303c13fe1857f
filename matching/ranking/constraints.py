"""Hard constraints on a pair, and the score of the pairs that meet them.

A pair is dropped when the distance exceeds the participant's radius (both places known),
the vacancy requires a licence the participant lacks, the working times do not fit, the
participant refuses shifts a vacancy works, or the participant is available too long after
the start. Unknown facts never drop a pair. Languages are no constraint but a score
component: the CEFR levels asked against those held, as small matrices.
"""

from __future__ import annotations

import numpy as np

from resque.matching.ranking import geo as geo_
from resque.matching.ranking import profiles as pf
from resque.matching.ranking.inputs import Jobs, People
from resque.matching.ranking.settings import Settings


def language_matrices(people: People, jobs: Jobs) -> None:
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


# working time wished x offered (the last of each: unknown): does it fit?
_FITS = np.array(
    [
        [pf.working_time_fits(w, o) for o in (*pf.WORKING_TIMES, None)]
        for w in (*pf.WORKING_TIMES, None)
    ]
)


def feasible(pairs, people: People, jobs: Jobs, settings: Settings) -> dict[str, np.ndarray]:
    """The pairs that meet every hard constraint, with their distance (NaN if unknown)."""
    p, v = pairs["p"], pairs["v"]
    distance = geo_.distance_km(people.points[p], jobs.points[v])
    known = ~np.isnan(distance)
    keep = ~known | (distance <= people.radius[p])
    # a required licence: held, or the participant's licences are not stated (shown as such)
    keep &= ((jobs.required[v] & ~people.licences[p]) == 0) | ~people.licences_known[p]
    keep &= _FITS[people.working_time[p], jobs.working_time[v]]
    keep &= ~((people.accepts_shift[p] == 0) & jobs.shift[v])
    start = np.nan_to_num(jobs.start[v], nan=np.inf)  # no start stated: any availability fits
    keep &= people.available[p] <= start + settings.start_grace_days
    out = {key: value[keep] for key, value in pairs.items()}
    out["distance"] = distance[keep]
    return out


def score(pairs, people: People, jobs: Jobs, settings: Settings) -> None:
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
    total = (
        w["occupation"] * pairs["occupation"]
        + w["skills"] * pairs["skills"]
        + w["distance"] * closeness
        + w["language"] * language
    )
    pairs["closeness"] = closeness.astype(np.float32)
    pairs["language"] = language.astype(np.float32)
    pairs["score"] = np.round(total, 6)

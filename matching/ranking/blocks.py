"""Candidate pairs in geographic blocks: the search that never builds a dense matrix.

Participants are grouped by grid cell and radius into blocks of a bounded number of
expected pairs; each block meets only the vacancies within reach, its candidates come from
the occupation channel (titles.TitleIndex), the hard constraints filter them
(constraints.feasible), and only the best `top` per participant (or vacancy) are kept.
Blocks run in a thread pool of settings.workers threads.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from resque.matching.ranking import geo as geo_
from resque.matching.ranking.constraints import feasible, score
from resque.matching.ranking.inputs import Jobs, People
from resque.matching.ranking.settings import Settings

log = logging.getLogger(__name__)


def search(rows, cols, people, jobs, titles, skills, per, budget, settings) -> dict | None:
    """The best pairs for `rows` x `cols` under every constraint (None if there are none)."""
    cost = titles.pairs_per_person(budget)

    def one(block_reach):
        block, reach = block_reach
        return _block_best(block, reach, people, jobs, titles, skills, per, budget, settings)

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


def _block_best(block, reach, people, jobs, titles, skills, per, budget, settings):
    """(candidate pairs seen, the block's best feasible pairs or None): one block's share,
    reduced to its top pairs at once so that a block's candidates never pile up."""
    pairs = _candidates(block, reach, titles, skills, budget)
    seen = len(pairs["p"])
    pairs = feasible(pairs, people, jobs, settings)
    if not len(pairs["p"]):
        return seen, None
    score(pairs, people, jobs, settings)
    pairs = {key: value[pairs["score"] >= settings.min_score] for key, value in pairs.items()}
    return seen, _top(pairs, per, settings.top, jobs)


def _blocks(rows, cols, people: People, jobs: Jobs, cost, settings: Settings):
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


def _values_at(pattern: sp.csr_matrix, values: sp.csr_matrix) -> np.ndarray:
    """The entries of `values` at the nonzeros of `pattern`, in pattern order (0 if absent)."""
    base = pattern.astype(np.float32, copy=True)
    base.data[:] = _TINY  # keeps every pattern position alive in the sum
    summed = (base + values.multiply(base.astype(bool))).tocsr()
    summed.sort_indices()
    out = summed.data.astype(np.float32)
    out[out < 1e-20] = 0
    return out


def _top(pairs, per: str, top: int, jobs: Jobs) -> dict[str, np.ndarray]:
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

"""The incremental run: new and changed postings compared against all, their vacancies re-clustered.

Only the postings that can share a block with a dirty one are read (same employer or place),
then the full rows of those in candidate pairs, then the other postings of the vacancies the
dirty ones join or leave, so the cost follows the number of new postings. Existing vacancies
stay whole unless a dirty posting joins or bridges them; ids stay stable (stable_ids).

Which postings to read next depends on what the run found so far: the neighbours depend on
the dirty postings' normalised keys, the full rows on the candidate pairs, the members on
the matches. The run therefore takes a `Reader`, a small explicit interface of six
questions, each answered by one query (warehouse/sql/linkage/), and returns the `RunWrites`
the warehouse stores. The alternative, a run split into phases between reads, would hand
half-finished state (keys, positions, scored pairs) to the warehouse and back five times;
with the Reader the algorithm reads top to bottom here, the warehouse only answers reads and
writes, and a test can answer the questions from frames, without a database.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from resque.matching.linkage import blocking
from resque.matching.linkage.classifier import Model
from resque.matching.linkage.dedup import (
    NORMALISED_COLUMNS,
    POSTING_COLUMNS,
    RunWrites,
    add_blocking_columns,
    cluster_pairs,
    empty_scored,
    evidence_to_keep,
    normalise,
    prepare,
    score_pairs,
    words_text,
)
from resque.matching.linkage.stable_ids import assign_ids


class Reader(Protocol):
    """The reads of an incremental run. Key frames have the columns posting_id, postcode,
    first_seen, previous_vacancy_id, is_new, is_dirty, and (but `dirty`) the normalised
    columns the last run stored, under their names in NORMALISED_COLUMNS' keys."""

    def dirty(self) -> pd.DataFrame:
        """Keys of the postings new or changed since the last run (is_dirty true)."""
        ...

    def rows(self, posting_ids: np.ndarray) -> pd.DataFrame:
        """The compared raw fields of these postings (posting_id first), in this order."""
        ...

    def neighbours(self, keys: pd.DataFrame) -> pd.DataFrame:
        """Keys of the settled postings that can share a block with one of `keys` (columns
        employer_key, postcode, town_key, title_key, place_key, and title_words as text)."""
        ...

    def members(self, vacancy_ids: np.ndarray, read: np.ndarray) -> pd.DataFrame:
        """Keys of the postings of these vacancies, but the posting ids in `read`."""
        ...

    def stored_pairs(self, posting_ids: np.ndarray) -> pd.DataFrame:
        """Stored evidence among these postings: left_posting_id, right_posting_id,
        probability, rule."""
        ...

    def taken_ids(self, candidates: np.ndarray, posting_ids: np.ndarray) -> set[str]:
        """Those of the candidate vacancy ids that postings outside `posting_ids` carry."""
        ...


def incremental_run(reader: Reader, model: Model, *, stopwatch: Any = None) -> RunWrites | None:
    """Compare the dirty postings against their neighbours and re-cluster what they touch.

    Args:
        reader: answers the run's reads (see `Reader`).
        stopwatch: optional object whose `lap(stage)` is called after each stage.
    Returns:
        What to write, or None if no posting is new or changed. `stats` holds compared,
        candidate_pairs, matched_pairs, vacancies, changed, merges, splits, involved and
        keys_read.
    """
    lap = stopwatch.lap if stopwatch is not None else lambda stage: None
    dirty_keys = reader.dirty()
    if dirty_keys.empty:
        return None
    fresh = normalise(reader.rows(dirty_keys["posting_id"].to_numpy()))
    for column in NORMALISED_COLUMNS:
        values = fresh[column]
        dirty_keys[column] = values.astype("str") if values.dtype == object else values
    lap("read_normalise")
    neighbours = reader.neighbours(block_keys(dirty_keys))
    keys = pd.concat([dirty_keys, neighbours], ignore_index=True)
    lap("read_neighbours")
    dirty = keys["is_dirty"].to_numpy(dtype=bool)
    add_blocking_columns(keys)
    pairs = blocking.candidate_pairs(keys, blocking.default_rules(), dirty=dirty)
    lap("blocking")
    scored, involved = _score(reader, keys, pairs, model)
    lap("scoring")
    keys, nodes = _affected_nodes(reader, keys, scored, dirty)
    dirty = np.concatenate([dirty, np.zeros(len(keys) - len(dirty), dtype=bool)])
    clusters = _cluster(reader, keys, nodes, scored, dirty, model.threshold)
    lap("clustering")
    node_frame = keys.iloc[nodes].assign(cluster=clusters)
    ids, events = assign_ids(node_frame, reader.taken_ids(*id_candidates(node_frame)))
    lap("stable_ids")
    changed = dirty[nodes] | (node_frame["previous_vacancy_id"].to_numpy() != ids)
    written = node_frame[changed]
    touched = pd.unique(np.concatenate([node_frame["previous_vacancy_id"].to_numpy(), ids]))
    return RunWrites(
        postings=written[POSTING_COLUMNS],
        vacancy_ids=ids[changed],
        title_words=words_text(written),
        pair_ids=keys["posting_id"].to_numpy(),
        pairs=evidence_to_keep(scored),
        events=events,
        recompared=keys.loc[dirty, "posting_id"].to_numpy(),
        vacancies=touched.astype(str),
        stats={
            "compared": int(dirty.sum()),
            "candidate_pairs": len(pairs),
            "matched_pairs": int((scored["decision"] == "match").sum()),
            "vacancies": int(len(np.unique(ids))),
            "changed": int(changed.sum()),
            "merges": int((events["event"] == "merge").sum()),
            "splits": int((events["event"] == "split").sum()),
            "involved": involved,
            "keys_read": len(keys),
        },
    )


def block_keys(dirty_keys: pd.DataFrame) -> pd.DataFrame:
    """What the neighbour search joins on (see warehouse/sql/linkage/read_neighbours.sql):
    the dirty postings' employer, postcode, town, title and place keys and title words."""
    add_blocking_columns(dirty_keys)
    columns = ["employer_key", "postcode", "town_key", "title_key", "place_key"]
    out = dirty_keys[columns].copy()
    out["title_words"] = pd.Series(words_text(dirty_keys), index=dirty_keys.index)
    return out


def _score(reader: Reader, keys, pairs, model) -> tuple[pd.DataFrame, int]:
    """Score pairs on the full rows of only the postings they involve; positions stay keys'."""
    involved = np.unique(np.concatenate([pairs["left"].to_numpy(), pairs["right"].to_numpy()]))
    if len(involved) == 0:
        return empty_scored(), 0
    rows = reader.rows(keys["posting_id"].iloc[involved].to_numpy())
    light = keys.iloc[involved].reset_index(drop=True)
    frame = prepare(pd.concat([rows.drop(columns=["posting_id"]), light], axis=1))
    local = pd.Series(np.arange(len(involved)), index=involved)
    local_pairs = pairs.assign(
        left=local[pairs["left"]].to_numpy(), right=local[pairs["right"]].to_numpy()
    )
    scored = score_pairs(frame, local_pairs, model)
    scored["left"] = involved[scored["left"].to_numpy()]
    scored["right"] = involved[scored["right"].to_numpy()]
    return scored, len(involved)


def _affected_nodes(reader: Reader, keys, scored, dirty) -> tuple[pd.DataFrame, np.ndarray]:
    """The keys with every posting of the touched vacancies added, and the node positions:
    the dirty postings and all postings of a vacancy one of them matched or left."""
    match = scored["decision"] == "match"
    linked = np.concatenate(
        [scored.loc[match, "left"].to_numpy(), scored.loc[match, "right"].to_numpy()]
    ).astype(np.int64)
    seeds = np.union1d(np.flatnonzero(dirty), linked)
    touched = pd.unique(keys["previous_vacancy_id"].to_numpy()[seeds])
    members = reader.members(touched.astype(str), keys["posting_id"].to_numpy().astype(str))
    keys = pd.concat([keys, members], ignore_index=True)
    codes = pd.factorize(keys["previous_vacancy_id"])[0]
    affected = np.isin(codes, np.unique(codes[seeds]))
    affected[seeds] = True
    return keys, np.flatnonzero(affected)


def id_candidates(node_frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The ids a new cluster might be named (its postings' arrival ids, 'p…' as 'v…'), and
    the postings the run names, whose own ids do not count as taken."""
    candidates = "v" + node_frame["posting_id"].astype(str).str.slice(1)
    return candidates.to_numpy().astype(str), node_frame["posting_id"].to_numpy().astype(str)


def _cluster(reader: Reader, keys, nodes, scored, dirty, threshold: float) -> np.ndarray:
    """Cluster the affected postings: old vacancies stay whole, dirty postings join or not."""
    position = pd.Series(np.arange(len(nodes)), index=nodes)
    inside = scored["left"].isin(nodes) & scored["right"].isin(nodes)
    local = scored.loc[inside, ["left", "right", "probability", "rule"]].assign(
        left=position[scored.loc[inside, "left"]].to_numpy(),
        right=position[scored.loc[inside, "right"]].to_numpy(),
    )
    stored = _stored_pairs(reader, keys, nodes, position, dirty)
    local = pd.concat([local, stored], ignore_index=True)
    node_keys = keys.iloc[nodes].reset_index(drop=True)
    groups = node_keys["previous_vacancy_id"].to_numpy().astype(object)
    detached = dirty[nodes]
    groups[detached] = "~" + node_keys.loc[detached, "posting_id"].to_numpy().astype(str)
    return cluster_pairs(node_keys, local, threshold, groups=groups)


def _stored_pairs(reader: Reader, keys, nodes, position, dirty) -> pd.DataFrame:
    """Evidence of earlier runs among the affected postings that are not compared again."""
    ids = keys["posting_id"].iloc[nodes][~dirty[nodes]]
    stored = reader.stored_pairs(ids.to_numpy().astype(str))
    local = pd.Series(position.to_numpy(), index=keys["posting_id"].iloc[nodes].to_numpy())
    return pd.DataFrame(
        {
            "left": local[stored["left_posting_id"]].to_numpy(),
            "right": local[stored["right_posting_id"]].to_numpy(),
            "probability": stored["probability"].to_numpy(dtype=float),
            "rule": stored["rule"].astype(object).where(stored["rule"].notna(), None).to_numpy(),
        }
    )

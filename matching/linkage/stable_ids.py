"""Stable vacancy ids: clusters change, the ids users have seen do not.

Rules (docs/dedup.md):
- A vacancy's id belongs to the cluster holding its oldest posting (by first_seen, then
  posting id). So a vacancy keeps its id when postings join or leave it, and on a split the
  part holding the oldest posting keeps the id.
- A cluster that inherits several ids (a merge) keeps the oldest vacancy's; the others are
  retired and a 'merge' event names the survivor.
- A cluster that inherits none (a part split off) is named after its oldest posting
  ('v' + the posting id without its 'p'), the id that posting got when it arrived.
- A posting imported since the last dedup run arrives as its own one-posting vacancy;
  joining an existing vacancy is not an event, only merges and splits of vacancies that a
  dedup run had already formed are.

Pure functions over a DataFrame with one row per posting.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

EVENT_COLUMNS = ["event", "vacancy_id", "other_vacancy_id", "postings"]


def singleton_id(posting_id: str) -> str:
    """The id a posting's own vacancy gets on arrival (see merge_postings_new.sql)."""
    return "v" + posting_id[1:]


def assign_ids(
    frame: pd.DataFrame, taken: set[str] | frozenset[str] = frozenset()
) -> tuple[np.ndarray, pd.DataFrame]:
    """The vacancy id of every posting after clustering, and the merge/split events.

    Args:
        frame: one row per posting with `posting_id`, `cluster` (new cluster label),
            `previous_vacancy_id`, `first_seen` and `is_new` (never seen by a dedup run).
            Every posting of each previous vacancy must be in the frame.
        taken: vacancy ids in use outside the frame; never given to a new cluster.
    Returns:
        (vacancy id per row, events with columns event, vacancy_id, other_vacancy_id, postings)
    """
    work = frame[["posting_id", "cluster", "previous_vacancy_id", "first_seen", "is_new"]].copy()
    work["age"] = _age(work)
    heirs = _heirs(work)
    chosen = heirs.sort_values(["cluster", "age"]).drop_duplicates("cluster")
    names = dict(zip(chosen["cluster"], chosen["previous_vacancy_id"], strict=True))
    used = set(names.values()) | set(taken)
    oldest = work.sort_values("age").drop_duplicates("cluster")
    for cluster, posting_id in zip(oldest["cluster"], oldest["posting_id"], strict=True):
        if cluster not in names:
            names[cluster] = _fresh_id(posting_id, work, cluster, used)
            used.add(names[cluster])
    vacancy_ids = work["cluster"].map(names).to_numpy(dtype=object)
    return vacancy_ids, _events(work.assign(vacancy_id=vacancy_ids), heirs, names)


def _age(work: pd.DataFrame) -> np.ndarray:
    """Each row's rank by (first_seen, posting_id)."""
    # Arrow ranks the ids in C++; numpy would compare a million Python strings
    ids = pa.array(work["posting_id"].to_numpy(dtype=object), pa.string())
    id_rank = np.asarray(pc.rank(ids, sort_keys="ascending", tiebreaker="first"))
    first_seen = pd.factorize(work["first_seen"], sort=True)[0]
    order = np.lexsort((id_rank, first_seen))
    age = np.empty(len(order), dtype=np.int64)
    age[order] = np.arange(len(order))
    return age


def _heirs(work: pd.DataFrame) -> pd.DataFrame:
    """Per previous vacancy: the cluster holding its oldest posting, and that posting's age."""
    oldest = work.sort_values("age").drop_duplicates("previous_vacancy_id")
    return oldest[["previous_vacancy_id", "cluster", "age"]]


def _fresh_id(posting_id: str, work: pd.DataFrame, cluster: int, used: set[str]) -> str:
    """'v' + the oldest posting's id, or a hash of the cluster's postings if that is taken."""
    candidate = singleton_id(posting_id)
    if candidate not in used:
        return candidate
    members = sorted(work.loc[work["cluster"] == cluster, "posting_id"])
    return "v" + hashlib.md5("\x1f".join(members).encode()).hexdigest()[:15]


def _events(work: pd.DataFrame, heirs: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Merges and splits of vacancies that a dedup run had already formed."""
    established = work.groupby("previous_vacancy_id", sort=False)["is_new"].all()
    established = set(established.index[~established.to_numpy()])
    heir_of = dict(zip(heirs["previous_vacancy_id"], heirs["cluster"], strict=True))
    parts = (
        work[work["previous_vacancy_id"].isin(established)]
        .groupby(["previous_vacancy_id", "cluster"], observed=True, sort=False)
        .size()
        .reset_index(name="postings")
    )
    rows = []
    for previous, cluster, count in parts.itertuples(index=False, name=None):
        now = names[cluster]
        if cluster == heir_of[previous]:
            if now != previous:
                rows.append(("merge", previous, now, int(count)))
        else:
            rows.append(("split", previous, now, int(count)))
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)

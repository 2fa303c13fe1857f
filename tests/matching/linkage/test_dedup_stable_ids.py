"""Stable vacancy ids: kept through joins, the oldest survives a merge, and a split."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from resque.matching.linkage.stable_ids import assign_ids, singleton_id

DAY = dt.datetime(2026, 11, 1)


def _frame(rows: list[tuple[str, int, str, int, bool]]) -> pd.DataFrame:
    """(posting id, cluster, previous vacancy id, day first seen, is new)."""
    return pd.DataFrame(
        [
            {
                "posting_id": p,
                "cluster": c,
                "previous_vacancy_id": v,
                "first_seen": DAY + dt.timedelta(days=d),
                "is_new": n,
            }
            for p, c, v, d, n in rows
        ]
    )


def test_new_postings_join_an_existing_vacancy_without_renumbering_or_events():
    frame = _frame([("pa", 0, "va", 0, False), ("pb", 0, "va", 1, False), ("pc", 0, "vc", 5, True)])
    ids, events = assign_ids(frame)
    assert list(ids) == ["va", "va", "va"]
    assert events.empty


def test_a_merge_keeps_the_oldest_vacancy_and_records_the_other():
    frame = _frame([("pa", 0, "va", 3, False), ("pb", 0, "vb", 1, False)])
    ids, events = assign_ids(frame)
    assert list(ids) == ["vb", "vb"]
    assert events.to_dict("records") == [
        {"event": "merge", "vacancy_id": "va", "other_vacancy_id": "vb", "postings": 1}
    ]


def test_on_a_split_the_part_with_the_oldest_posting_keeps_the_id():
    frame = _frame(
        [("pa", 0, "va", 0, False), ("pb", 1, "va", 2, False), ("pc", 1, "va", 3, False)]
    )
    ids, events = assign_ids(frame)
    assert ids[0] == "va"
    assert ids[1] == ids[2] == singleton_id("pb")
    assert events.to_dict("records") == [
        {"event": "split", "vacancy_id": "va", "other_vacancy_id": "vb", "postings": 2}
    ]


def test_brand_new_clusters_are_named_after_their_oldest_posting():
    frame = _frame([("p2", 0, "v2", 4, True), ("p1", 0, "v1", 2, True), ("p3", 1, "v3", 1, True)])
    ids, events = assign_ids(frame)
    assert list(ids) == ["v1", "v1", "v3"]
    assert events.empty


def test_ties_on_first_seen_are_broken_by_posting_id_and_taken_ids_are_avoided():
    frame = _frame([("pb", 0, "vb", 0, True), ("pa", 0, "va", 0, True)])
    assert list(assign_ids(frame)[0]) == ["va", "va"]
    split = _frame([("pa", 0, "vx", 0, False), ("pb", 1, "vx", 1, False)])
    ids, _ = assign_ids(split, taken={"vb"})
    assert ids[1] not in {"vb", "vx"} and ids[1].startswith("v")

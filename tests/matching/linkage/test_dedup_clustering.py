"""Clustering: accepted pairs become vacancies, without chaining across known differences."""

from __future__ import annotations

import numpy as np

from resque.matching.linkage.clustering import cluster


def _same(labels: np.ndarray, *nodes: int) -> bool:
    return len({labels[n] for n in nodes}) == 1


def test_connected_pairs_form_one_cluster():
    labels = cluster(
        5, np.array([0, 1, 3]), np.array([1, 2, 4]), np.array([0.9, 0.8, 0.95]), threshold=0.5
    )
    assert _same(labels, 0, 1, 2) and _same(labels, 3, 4) and not _same(labels, 0, 3)


def test_a_chain_does_not_join_two_postcodes():
    # 0 (04109) ~ 1 (no postcode) ~ 2 (04105): two branches must not merge through 1
    postcode = np.array([0, -1, 1])
    labels = cluster(
        3,
        np.array([0, 1]),
        np.array([1, 2]),
        np.array([0.9, 0.8]),
        threshold=0.5,
        exclusive=[postcode],
    )
    assert _same(labels, 0, 1) and not _same(labels, 0, 2)


def test_a_pair_known_apart_splits_a_chain_at_its_weakest_link():
    left = np.array([0, 1, 2, 0])
    right = np.array([1, 2, 3, 3])
    probability = np.array([0.95, 0.6, 0.95, 0.0])
    apart = np.array([False, False, False, True])
    labels = cluster(4, left, right, probability, threshold=0.5, apart=apart)
    assert _same(labels, 0, 1) and _same(labels, 2, 3) and not _same(labels, 1, 2)


def test_average_linkage_needs_most_compared_pairs_to_agree():
    # 2 is accepted with 0 but clearly rejected with 1: it stays out
    left = np.array([0, 0, 1])
    right = np.array([1, 2, 2])
    probability = np.array([0.95, 0.6, 0.05])
    labels = cluster(3, left, right, probability, threshold=0.5)
    assert _same(labels, 0, 1) and not _same(labels, 0, 2)


def test_giant_clusters_are_capped():
    n = 30
    left, right = np.arange(n - 1), np.arange(1, n)
    labels = cluster(n, left, right, np.full(n - 1, 0.9), threshold=0.5, max_size=10)
    assert np.bincount(labels).max() <= 10


def test_groups_stay_together_and_new_nodes_join_them():
    groups = np.array(["v1", "v1", "v2", "n3"], dtype=object)
    labels = cluster(4, np.array([2]), np.array([3]), np.array([0.9]), threshold=0.5, groups=groups)
    assert _same(labels, 0, 1) and _same(labels, 2, 3) and not _same(labels, 0, 2)

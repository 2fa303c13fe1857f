"""The benchmark's peers: the rapidfuzz baseline's blocking and the threshold rule (issue 12)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import dedup_peers  # noqa: E402


def _frame(rows: list[tuple[str | None, str | None, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["title", "employer", "postcode", "cluster"])


def test_rapidfuzz_baseline_compares_only_postings_of_one_employer_at_one_postcode():
    frame = _frame(
        [
            ("lagerhelfer", "muster logistik", "04109", "a"),
            ("helfer lager", "muster logistik", "04109", "a"),  # same words, other order
            ("lagerhelfer", "muster logistik", "04229", "b"),  # another postcode
            ("lagerhelfer", "muster logistik", None, "a"),  # no postcode: compared with none
            ("lagerhelfer", "andere logistik", "04109", "c"),  # another employer
        ]
    )
    left, right, score = dedup_peers.rapidfuzz_pairs(frame)
    assert list(zip(left, right, strict=True)) == [(0, 1)]
    assert score[0] < 100  # 'lagerhelfer' is one word, 'helfer lager' two


def test_connected_components_chain_a_to_c_through_b():
    labels = dedup_peers.components(4, np.array([0, 1]), np.array([1, 2]))
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_the_threshold_is_the_one_with_the_best_pairwise_f1_on_the_calibration_set():
    frame = _frame([(None, None, None, c) for c in ("a", "a", "b", "b", "c")])
    left, right = np.array([0, 2, 1]), np.array([1, 3, 2])
    score = np.array([90.0, 80.0, 70.0])  # the pair at 70 joins two openings
    threshold, f1 = dedup_peers.best_threshold(frame, left, right, score, [60, 75, 85])
    assert (threshold, f1) == (75, 1.0)

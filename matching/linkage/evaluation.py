"""Evaluation: how close a clustering is to the truth.

Pairwise precision/recall/F1 count pairs of postings put together (predicted) or belonging
together (true). B-cubed precision/recall/F1 average, over postings, how much of a posting's
predicted cluster is right and how much of its true cluster was found; unlike pairwise
scores they do not let a few large clusters dominate.

Large employers (`large_employer_metrics`): pairwise scores over the pairs within one
employer at one place that posts many jobs (hospitals, industrial sites, agency branches),
where a false merge of two different jobs is most likely and most costly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# An employer with at least this many postings at one place counts as large (issue 12).
LARGE_EMPLOYER_POSTINGS = 20


def _pairs(counts: np.ndarray) -> float:
    return float(np.sum(counts * (counts - 1) / 2))


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def cluster_metrics(predicted: np.ndarray | pd.Series, truth: np.ndarray | pd.Series) -> dict:
    """Pairwise and B-cubed precision, recall and F1 of `predicted` against `truth`.

    Args:
        predicted, truth: a cluster label per item, in the same order.
    Returns:
        A dict with postings, true_pairs, predicted_pairs, correct_pairs, pair_precision,
        pair_recall, pair_f1, bcubed_precision, bcubed_recall, bcubed_f1.
    """
    frame = pd.DataFrame({"p": np.asarray(predicted), "t": np.asarray(truth)})
    cell = frame.groupby(["p", "t"], sort=False).size()
    predicted_sizes = frame.groupby("p", sort=False).size()
    true_sizes = frame.groupby("t", sort=False).size()
    correct = _pairs(cell.to_numpy())
    predicted_pairs = _pairs(predicted_sizes.to_numpy())
    true_pairs = _pairs(true_sizes.to_numpy())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    n = len(frame)
    cell_p = predicted_sizes.reindex(cell.index.get_level_values("p")).to_numpy()
    cell_t = true_sizes.reindex(cell.index.get_level_values("t")).to_numpy()
    counts = cell.to_numpy()
    b_precision = float(np.sum(counts * counts / cell_p) / n) if n else 1.0
    b_recall = float(np.sum(counts * counts / cell_t) / n) if n else 1.0
    return {
        "postings": n,
        "true_pairs": int(true_pairs),
        "predicted_pairs": int(predicted_pairs),
        "correct_pairs": int(correct),
        "pair_precision": precision,
        "pair_recall": recall,
        "pair_f1": _f1(precision, recall),
        "bcubed_precision": b_precision,
        "bcubed_recall": b_recall,
        "bcubed_f1": _f1(b_precision, b_recall),
    }


def large_employer_metrics(
    employer: np.ndarray | pd.Series,
    place: np.ndarray | pd.Series,
    predicted: np.ndarray | pd.Series,
    truth: np.ndarray | pd.Series,
    min_postings: int = LARGE_EMPLOYER_POSTINGS,
) -> dict:
    """Pairwise precision, recall and F1 over the pairs inside large employers at one place.

    A group is one (employer, place) with at least `min_postings` postings; only pairs of
    postings of the same group count, predicted (same predicted cluster) or true (same true
    cluster). Postings without an employer key or place belong to no group.

    Args:
        employer, place: the employer key and place (postcode) of each posting.
        predicted, truth: a cluster label per posting, in the same order.
    Returns:
        A dict with employers (groups), postings (in them), true_pairs, predicted_pairs,
        correct_pairs, pair_precision, pair_recall, pair_f1 (1.0 where nothing to count).
    """
    frame = pd.DataFrame(
        {
            "e": pd.Series(np.asarray(employer, dtype=object)).replace("", None),
            "pl": pd.Series(np.asarray(place, dtype=object)).replace("", None),
            "p": np.asarray(predicted, dtype=object),
            "t": np.asarray(truth, dtype=object),
        }
    ).dropna(subset=["e", "pl"])
    size = frame.groupby(["e", "pl"], sort=False)["p"].transform("size")
    large = frame[size >= min_postings].copy()
    large["g"] = large.groupby(["e", "pl"], sort=False).ngroup()
    # a label per (group, cluster): cluster_metrics then counts within-group pairs only
    scores = cluster_metrics(
        large.groupby(["g", "p"], sort=False).ngroup().to_numpy(),
        large.groupby(["g", "t"], sort=False).ngroup().to_numpy(),
    )
    keys = ("true_pairs", "predicted_pairs", "correct_pairs", "pair_precision", "pair_recall")
    return {
        "employers": int(large["g"].nunique()),
        "postings": len(large),
        **{key: scores[key] for key in (*keys, "pair_f1")},
    }


def format_large_employer_metrics(metrics: dict) -> str:
    """The large-employer lines of `resque eval dedup`."""
    return "\n".join(
        [
            f"large employers      {metrics['employers']} with >= {LARGE_EMPLOYER_POSTINGS}"
            f" postings at one postcode ({metrics['postings']} postings)",
            f"large employer pairs {metrics['true_pairs']} true, {metrics['predicted_pairs']}"
            f" predicted ({metrics['correct_pairs']} correct)",
            f"large employers pairwise precision   {metrics['pair_precision']:.4f}",
            f"large employers pairwise recall      {metrics['pair_recall']:.4f}",
            f"large employers pairwise F1          {metrics['pair_f1']:.4f}",
        ]
    )


def format_metrics(metrics: dict) -> str:
    """The metrics as the lines `resque eval dedup` prints."""
    return "\n".join(
        [
            f"postings evaluated   {metrics['postings']}",
            f"true pairs           {metrics['true_pairs']}",
            f"predicted pairs      {metrics['predicted_pairs']}"
            f" ({metrics['correct_pairs']} correct)",
            f"pairwise precision   {metrics['pair_precision']:.4f}",
            f"pairwise recall      {metrics['pair_recall']:.4f}",
            f"pairwise F1          {metrics['pair_f1']:.4f}",
            f"B-cubed precision    {metrics['bcubed_precision']:.4f}",
            f"B-cubed recall       {metrics['bcubed_recall']:.4f}",
            f"B-cubed F1           {metrics['bcubed_f1']:.4f}",
        ]
    )

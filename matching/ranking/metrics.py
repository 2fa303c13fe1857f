"""Ranking quality against graded labels: nDCG@k, MRR and recall@k.

Pure functions, no I/O. Labels grade a (participant, vacancy) pair 0-3: 3 the wished
occupation, 2 the same occupational group, 1 a related one, 0 not fitting (which includes a
vacancy of the wished occupation that breaks a hard constraint, such as lying outside the
participant's radius). A pair without a label counts as 0.

- nDCG@k uses gains 2^grade - 1 and the ideal order of each participant's labels.
- MRR is the mean of 1 / rank of the first relevant vacancy (grade >= `relevant`), 0 if none.
- recall@k is the share of a participant's relevant vacancies in the top k, out of at most
  k (so that a participant with 30 relevant vacancies can still reach 1.0).

All three average over participants with at least one relevant label. Participants whose
labels hold nothing that fits are counted apart: ideally they get an empty list.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def dcg(gains: np.ndarray) -> float:
    """Discounted cumulative gain of gains in rank order."""
    if not len(gains):
        return 0.0
    return float(np.sum(gains / np.log2(np.arange(2, len(gains) + 2))))


def evaluate(matches: pd.DataFrame, labels: pd.DataFrame, k: int = 10, relevant: int = 2) -> dict:
    """Metrics of ranked `matches` (participant_id, vacancy_id, rank) against graded labels.

    Args:
        labels: participant_id, vacancy_id, relevance (a pair labelled twice keeps its max).
        relevant: the lowest grade that counts as relevant for MRR and recall.
    Returns:
        {'ndcg@k', 'mrr', 'recall@k', 'participants', 'without_fit',
        'without_fit_with_matches', 'k'}.
    """
    grades = labels.groupby(["participant_id", "vacancy_id"])["relevance"].max()
    by_person = {p: g.droplevel(0) for p, g in grades.groupby(level=0)}
    ranked = matches.sort_values(["participant_id", "rank"]).groupby("participant_id")["vacancy_id"]
    lists = {p: list(v)[:k] for p, v in ranked}
    ndcgs, rrs, recalls = [], [], []
    without_fit, false_alarms = 0, 0
    for person, graded in by_person.items():
        shown = lists.get(person, [])
        if (graded <= 0).all():
            without_fit += 1
            false_alarms += bool(shown)
            continue
        gains = np.array([2.0 ** graded.get(v, 0) - 1 for v in shown])
        ideal = 2.0 ** np.sort(graded.to_numpy(dtype=float))[::-1][:k] - 1
        ndcgs.append(dcg(gains) / dcg(ideal))
        hits = [i for i, v in enumerate(shown) if graded.get(v, 0) >= relevant]
        n_relevant = int((graded >= relevant).sum())
        rrs.append(1.0 / (hits[0] + 1) if hits else 0.0)
        if n_relevant:
            recalls.append(len(hits) / min(k, n_relevant))
    return {
        f"ndcg@{k}": float(np.mean(ndcgs)) if ndcgs else float("nan"),
        "mrr": float(np.mean(rrs)) if rrs else float("nan"),
        f"recall@{k}": float(np.mean(recalls)) if recalls else float("nan"),
        "participants": len(ndcgs),
        "without_fit": without_fit,
        "without_fit_with_matches": false_alarms,
        "k": k,
    }

"""The decision: the probability that a candidate pair is one opening, and the threshold.

A logistic regression over the comparison features (matching.comparisons). Its parameters
ship as readable JSON (matching/dedup_model.json: feature names, coefficients, intercept,
threshold, and how it was trained), so a change of model is a reviewable diff and loading
it needs no pickle. Retrain with `python benchmarks/train_dedup.py`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

MODEL_FILE = "dedup_model.json"


@dataclass
class Model:
    """A fitted pair classifier: p = sigmoid(intercept + sum(coefficient * feature))."""

    features: list[str]
    coefficients: list[float]
    intercept: float
    threshold: float
    info: dict[str, Any] = field(default_factory=dict)

    def probability(self, features: pd.DataFrame, offset: np.ndarray | None = None) -> np.ndarray:
        """Match probability per row of `features` (columns named as in `self.features`),
        with `offset` (log-odds per row, e.g. a term-frequency adjustment) added if given."""
        logit = np.full(len(features), self.intercept, dtype=np.float64)
        if offset is not None:
            logit += offset
        for name, coefficient in zip(self.features, self.coefficients, strict=True):
            logit += coefficient * features[name].to_numpy(dtype=np.float64)
        return 1.0 / (1.0 + np.exp(-logit))

    def contributions(self, row: pd.Series) -> list[tuple[str, float, float]]:
        """(feature, value, coefficient * value) for one pair, largest effect first."""
        parts = [
            (name, float(row[name]), float(coef) * float(row[name]))
            for name, coef in zip(self.features, self.coefficients, strict=True)
        ]
        return sorted(parts, key=lambda part: -abs(part[2]))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        """A model from its JSON form; unknown keys are an error, so typos do not pass."""
        return cls(
            features=list(data["features"]),
            coefficients=[float(c) for c in data["coefficients"]],
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            info=dict(data.get("info", {})),
        )


def default_model() -> Model:
    """The model bundled with the package (read like code, as a package resource)."""
    text = (resources.files("matching") / MODEL_FILE).read_text(encoding="utf-8")
    return Model.from_dict(json.loads(text))


def fit_model(
    features: pd.DataFrame,
    labels: np.ndarray,
    *,
    names: list[str],
    regularisation: float = 1.0,
    threshold: float | None = None,
) -> Model:
    """Fit the logistic regression; choose the threshold that maximises pairwise F1.

    Args:
        features: one row per labelled candidate pair.
        labels: 1 where the pair is one opening, else 0.
        names: the feature columns to use, in order.
        regularisation: inverse L2 strength (scikit-learn's C).
        threshold: a fixed threshold instead of the F1-optimal one.
    Returns:
        The model, with training-set size and F1 at the threshold in `info`.
    """
    from sklearn.linear_model import LogisticRegression

    x = features[names].to_numpy(dtype=np.float64)
    y = np.asarray(labels, dtype=int)
    fitted = LogisticRegression(C=regularisation, max_iter=5000).fit(x, y)
    model = Model(
        features=list(names),
        coefficients=[round(float(c), 6) for c in fitted.coef_[0]],
        intercept=round(float(fitted.intercept_[0]), 6),
        threshold=0.5,
    )
    probability = model.probability(features)
    model.threshold = threshold if threshold is not None else best_threshold(probability, y)
    predicted = probability >= model.threshold
    model.info = {
        "pairs": int(len(y)),
        "positive_pairs": int(y.sum()),
        "train_pair_f1": round(_f1(predicted, y), 4),
    }
    return model


def best_threshold(probability: np.ndarray, labels: np.ndarray) -> float:
    """The threshold in 0.05..0.95 (steps of 0.05) with the best pairwise F1 on these pairs."""
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    scores = [_f1(probability >= t, labels) for t in grid]
    return float(grid[int(np.argmax(scores))])


def _f1(predicted: np.ndarray, labels: np.ndarray) -> float:
    tp = float(np.sum(predicted & (labels == 1)))
    fp = float(np.sum(predicted & (labels == 0)))
    fn = float(np.sum(~predicted & (labels == 1)))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def calibration_table(probability: np.ndarray, labels: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability against the observed match rate, per probability bin."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(probability, edges) - 1, 0, bins - 1)
    frame = pd.DataFrame({"bin": which, "p": probability, "y": labels})
    table = frame.groupby("bin").agg(
        pairs=("y", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    table.index = [f"{edges[i]:.1f}-{edges[i + 1]:.1f}" for i in table.index]
    return table

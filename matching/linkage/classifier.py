"""The decision: the probability that a candidate pair is one opening, and the threshold.

A logistic regression over the comparison features (matching.comparisons) whose weights
are held to the direction the evidence can point (`DIRECTION`):

- title evidence (similarities, their levels, the same occupation group) can only raise
  the odds;
- evidence against (unshared title words, conflicting working time, different start or
  client, a long gap, a missing field) can only lower them;
- every other agreement (employer, place, start, description, street, ...) can only raise
  them, and only as far as the titles agree: it enters as its product with `title_gate`
  (`<name>_x_title`), so the same employer at the same address with a missing street adds
  nothing to two different titles.

Fitted by L-BFGS-B with the sign bounds (scipy), L2-regularised. Its parameters ship as
readable JSON (matching/linkage/dedup_model.json: feature names, coefficients, directions,
intercept, threshold, and how it was trained and calibrated), so a change of model is a
reviewable diff and loading it needs no pickle. Retrain with
`python benchmarks/train_dedup.py`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

MODEL_FILE = "dedup_model.json"

# +1: the weight may only be >= 0; -1: only <= 0; 0: free. Names not listed are free.
_TITLE_EVIDENCE = (
    "title", "title_chars", "title_partial", "title_gate", "title_100", "title_85", "title_70",
    "title_chars_90", "title_chars_75", "title_partial_90", "title_partial_75",
    "occupation_same",
)  # fmt: skip
AGAINST = (
    "title_unshared", "title_extra", "occupation_differ", "start_differ", "posted_gap",
    "working_time_conflict", "conflict_x_cross", "client_differ", "costly_skipped",
    "employer_missing", "postcode_missing", "town_missing", "places_missing",
    "description_missing", "street_missing", "both_agency", "either_agency",
)  # fmt: skip
# Agreements that count only as far as the titles agree (entered as `<name>_x_title`).
SUPPORT = (
    "employer", "employer_100", "employer_85", "employer_idf", "postcode", "town", "places",
    "source", "start_same", "working_time_same", "description", "description_90",
    "description_75", "description_60", "street", "street_90", "client_same",
    "description_x_cross", "start_x_cross",
)  # fmt: skip
DIRECTION: dict[str, int] = (
    {name: 1 for name in _TITLE_EVIDENCE}
    | {name: -1 for name in AGAINST}
    | {f"{name}_x_title": 1 for name in SUPPORT}
)


@dataclass
class Model:
    """A fitted pair classifier: p = sigmoid(intercept + sum(coefficient * feature))."""

    features: list[str]
    coefficients: list[float]
    intercept: float
    threshold: float
    info: dict[str, Any] = field(default_factory=dict)
    directions: list[int] = field(default_factory=list)

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
            directions=[int(d) for d in data.get("directions", [])],
        )


def model_features(columns: Any) -> list[str]:
    """The columns a model is fitted on: those with a direction, in the order given."""
    return [name for name in columns if name in DIRECTION]


def default_model() -> Model:
    """The model bundled with the package (read like code, as a package resource)."""
    text = (resources.files("resque.matching.linkage") / MODEL_FILE).read_text(encoding="utf-8")
    return Model.from_dict(json.loads(text))


def fit_model(
    features: pd.DataFrame,
    labels: np.ndarray,
    *,
    names: list[str],
    regularisation: float = 1.0,
    threshold: float | None = None,
    directions: dict[str, int] | None = None,
) -> Model:
    """Fit the sign-constrained logistic regression.

    Args:
        features: one row per labelled candidate pair.
        labels: 1 where the pair is one opening, else 0.
        names: the feature columns to use, in order.
        regularisation: inverse L2 strength (scikit-learn's C; the intercept is not penalised).
        threshold: the decision threshold; by default the F1-optimal one on these pairs
            (train_dedup.py calibrates it on another set instead).
        directions: +1 / -1 / 0 per feature name (default DIRECTION; missing names free).
    Returns:
        The model, with training-set size and F1 at the threshold in `info`.
    """
    from scipy.optimize import minimize

    signs = np.array([(directions or DIRECTION).get(name, 0) for name in names])
    x = features[names].to_numpy(dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    design = np.hstack([x, np.ones((len(x), 1))])
    penalty = np.append(np.full(len(names), 1.0 / regularisation), 0.0)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ w
        # log(1 + e^z) - y z, written to stay finite for large |z|
        value = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * w * w)
        gradient = design.T @ (1.0 / (1.0 + np.exp(-z)) - y) + penalty * w
        return float(value), gradient

    bounds = [(0.0, None) if d > 0 else (None, 0.0) if d < 0 else (None, None) for d in signs]
    bounds.append((None, None))  # intercept
    fitted = minimize(
        loss, np.zeros(design.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": 5000},
    )  # fmt: skip
    model = Model(
        features=list(names),
        coefficients=[round(float(c), 6) for c in fitted.x[:-1]],
        intercept=round(float(fitted.x[-1]), 6),
        threshold=0.5,
        directions=[int(d) for d in signs],
    )
    probability = model.probability(features)
    model.threshold = threshold if threshold is not None else best_threshold(probability, y)
    predicted = probability >= model.threshold
    model.info = {
        "pairs": int(len(y)),
        "positive_pairs": int(y.sum()),
        "train_pair_f1": round(_f1(predicted, y.astype(int)), 4),
    }
    return model


def best_threshold(probability: np.ndarray, labels: np.ndarray) -> float:
    """The threshold in 0.05..0.99 (steps of 0.01) with the best pairwise F1 on these pairs
    (the lowest of equals)."""
    grid = np.round(np.arange(0.05, 0.995, 0.01), 2)
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

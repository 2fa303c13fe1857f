"""The pair classifier: it recovers known parameters, and the bundled model is sound."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from resque.matching.linkage.classifier import Model, best_threshold, calibration_table, fit_model
from tests.conftest import TESTS


def test_fit_recovers_the_parameters_the_data_was_drawn_from():
    rng = np.random.default_rng(7)
    n = 40_000
    features = pd.DataFrame({"title": rng.random(n), "same_start": rng.integers(0, 2, n)})
    true_coefficients, true_intercept = np.array([6.0, -2.5]), -2.0
    logit = features.to_numpy() @ true_coefficients + true_intercept
    labels = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    model = fit_model(features, labels, names=["title", "same_start"], regularisation=1e6)
    assert np.allclose(model.coefficients, true_coefficients, atol=0.25)
    assert abs(model.intercept - true_intercept) < 0.2
    table = calibration_table(model.probability(features), labels)
    assert (table["predicted"] - table["observed"]).abs().max() < 0.05


def test_threshold_maximises_f1():
    probability = np.array([0.1, 0.3, 0.62, 0.7, 0.9])
    labels = np.array([0, 0, 1, 1, 1])
    assert 0.3 < best_threshold(probability, labels) <= 0.6


def test_model_round_trips_through_json_without_pickle():
    model = Model(["a", "b"], [1.5, -2.0], 0.25, 0.5, {"pairs": 3}, [1, -1])
    again = Model.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model
    frame = pd.DataFrame({"a": [1.0], "b": [0.0]})
    assert np.isclose(again.probability(frame)[0], 1 / (1 + np.exp(-1.75)))
    assert again.contributions(frame.iloc[0])[0] == ("a", 1.0, 1.5)


def test_sign_constraints_hold_against_the_data():
    """A supporting agreement that the data would weigh negatively is held at zero, and
    evidence against cannot turn into evidence for."""
    rng = np.random.default_rng(3)
    n = 20_000
    features = pd.DataFrame(
        {"title": rng.random(n), "postcode_x_title": rng.random(n), "posted_gap": rng.random(n)}
    )
    logit = 5 * features["title"] - 2 * features["postcode_x_title"] + 2 * features["posted_gap"]
    labels = (rng.random(n) < 1 / (1 + np.exp(-(logit - 2.5)))).astype(int)
    model = fit_model(features, labels, names=list(features.columns))
    weights = dict(zip(model.features, model.coefficients, strict=True))
    assert weights["title"] > 3
    assert weights["postcode_x_title"] == 0.0 and weights["posted_gap"] == 0.0
    assert model.directions == [1, 1, -1]


UNSEEN = TESTS / "data" / "dedup" / "unseen"


def test_bundled_model_on_a_set_it_never_saw(resque, tmp_path):
    """The whole dedup, through the commands users run, on tests/data/dedup/unseen: a
    generator seed used neither for fitting nor for calibrating the model."""
    db = tmp_path / "unseen.duckdb"
    for path in sorted(UNSEEN.glob("*.csv")):
        if path.name != "labels.csv":
            assert resque("--db", db, "import", "vacancies", path, "--source", path.stem).code == 0
    assert resque("--db", db, "dedup", "--full").code == 0
    result = resque("--db", db, "eval", "dedup", UNSEEN / "labels.csv")
    assert result.code == 0, result.err
    metrics = dict(line.rsplit(None, 1) for line in result.out.splitlines() if "  " in line)
    assert float(metrics["pairwise precision"]) >= 0.97
    assert float(metrics["pairwise F1"]) >= 0.95
    # hospitals, universities, industrial sites: distinct jobs at one address stay apart
    assert float(metrics["large employers pairwise precision"]) >= 0.95

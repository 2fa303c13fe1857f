"""The pair classifier: it recovers known parameters, and the bundled model is sound."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from matching.classifier import Model, best_threshold, calibration_table, default_model, fit_model


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
    model = Model(["a", "b"], [1.5, -2.0], 0.25, 0.5, {"pairs": 3})
    again = Model.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model
    frame = pd.DataFrame({"a": [1.0], "b": [0.0]})
    assert np.isclose(again.probability(frame)[0], 1 / (1 + np.exp(-1.75)))
    assert again.contributions(frame.iloc[0])[0] == ("a", 1.0, 1.5)


def test_bundled_model_is_trained_and_documented():
    model = default_model()
    assert len(model.features) == len(model.coefficients) > 10
    assert 0.05 <= model.threshold <= 0.95
    assert model.info["eval_pair_f1"] >= 0.95
    weights = dict(zip(model.features, model.coefficients, strict=True))
    # the domain's direction of evidence, learnt from the labelled pairs
    assert weights["occupation_differ"] < 0 and weights["working_time_conflict"] < 0
    assert weights["occupation_same"] > 0

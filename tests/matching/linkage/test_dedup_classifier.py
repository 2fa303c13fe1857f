"""The pair classifier: it recovers known parameters, training it on a small fixed set
reaches a measured quality, and the bundled model is sound on a set it never saw."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import sys

import numpy as np
import pandas as pd
import pytest

from resque.matching.linkage import dedup
from resque.matching.linkage.classifier import (
    Model,
    best_threshold,
    calibration_table,
    fit_model,
    model_features,
)
from resque.matching.linkage.evaluation import cluster_metrics
from tests.conftest import ROOT, TESTS

sys.path.insert(0, str(ROOT / "benchmarks"))
import gen_postings  # noqa: E402  (the generator of tests/data/dedup)
import train_dedup  # noqa: E402  (the training script's loading and pair features)


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


# --- training on a small fixed set: the quality it really reaches ----------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A small set made by the generator of tests/data/dedup (1,000 openings, the unseen
    set's seed), loaded as benchmarks/train_dedup.py loads one; its openings split in two
    by id. A model is trained as train_dedup.py trains one on the first half (its threshold
    the best F1 on its own pairs) and measured on the second, which it never saw."""
    folder = tmp_path_factory.mktemp("dedup-set")
    rows, truth = gen_postings.generate(1000, 303, gen_postings.occupation_subset("all"))
    gen_postings.write(folder, rows, truth)
    frame, openings = train_dedup.load_labelled(folder)
    # in a fixed order (linkage/read_postings.sql orders by posting_id for this): the candidate
    # pairs blocking finds change with the postings' order, so the scores would too
    order = np.lexsort((frame["source_ref"].to_numpy(), frame["source"].to_numpy()))
    frame, openings = frame.iloc[order].reset_index(drop=True), openings[order]
    openings = pd.factorize(openings)[0]  # numbered in that order: the halves follow it

    def half(parity: int):
        keep = openings % 2 == parity
        part, labels = frame[keep].reset_index(drop=True), pd.factorize(openings[keep])[0]
        with contextlib.redirect_stdout(io.StringIO()):  # its lines on what blocking loses
            features, same = train_dedup.training_pairs(part, labels)
        return part, labels, features, same

    _, _, features, same = half(0)
    model = fit_model(features, same, names=model_features(features.columns))
    model.threshold = best_threshold(model.probability(features), same)
    part, labels, pairs, pair_same = half(1)
    return {"model": model, "frame": part, "truth": labels, "pairs": pairs, "same": pair_same}


def quality(model: Model, sets: dict) -> dict[str, float]:
    """Pairwise scores on the unseen set's candidate pairs, the share of its look-alikes
    (candidate pairs of different openings) held apart, and the clustered result's scores."""
    said = model.probability(sets["pairs"]) >= model.threshold
    same = sets["same"] == 1
    hits = int((said & same).sum())
    precision = hits / max(1, int(said.sum()))
    recall = hits / int(same.sum())
    clusters = dedup.deduplicate(sets["frame"], model).clusters
    metrics = cluster_metrics(clusters, sets["truth"])
    return {
        "precision": precision,
        "f1": 2 * precision * recall / (precision + recall) if hits else 0.0,
        "look_alikes_apart": int((~said & ~same).sum()) / int((~same).sum()),
        "cluster_precision": metrics["pair_precision"],
        "cluster_f1": metrics["pair_f1"],
    }


# What the model trained on the small set measured on its unseen half (precision 0.990,
# F1 0.990, 7 of 18 look-alikes apart, clusters 0.995 and 0.967), a little below: the
# generator and the fit are seeded, yet the last digits move with what ran before in the
# process. Saying "same" to every candidate pair (blocking alone) has precision 0.983
# there, clusters of precision 0.989, and holds no look-alike apart.
GOOD_ENOUGH = {
    "precision": 0.987,
    "f1": 0.985,
    "look_alikes_apart": 0.3,
    "cluster_precision": 0.99,
    "cluster_f1": 0.96,
}


def short_of(measured: dict[str, float]) -> list[str]:
    return [name for name, bound in GOOD_ENOUGH.items() if measured[name] < bound]


def test_a_model_trained_on_a_small_set_reaches_the_measured_quality(trained):
    measured = quality(trained["model"], trained)
    assert short_of(measured) == [], measured


@pytest.mark.parametrize("broken", ["no weights", "weights reversed", "every pair the same"])
def test_a_broken_model_falls_short_of_that_quality(trained, broken):
    """The bounds above tell a classifier from none: blocking alone does not reach them."""
    model = copy.deepcopy(trained["model"])
    if broken == "every pair the same":
        model.threshold = 0.0
    else:
        sign = 0.0 if broken == "no weights" else -1.0
        model.coefficients = [sign * c for c in model.coefficients]
    assert short_of(quality(model, trained))


# --- the bundled model, through the commands users run ---------------------------------------

UNSEEN = TESTS / "data" / "dedup" / "unseen"


# the whole dedup on 2,200 openings: the small-set training above is its fast twin
@pytest.mark.slow
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

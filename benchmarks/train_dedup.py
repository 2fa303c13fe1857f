"""Retrain the dedup pair classifier and write matching/linkage/dedup_model.json.

    python benchmarks/train_dedup.py [--check]

Three labelled sets, each used for one thing (see tests/data/dedup/README.md):

1. fit: tests/data/dedup/train/ is imported into a scratch warehouse with the real
   importer, candidate pairs come from the real blocking and comparisons, and the
   sign-constrained logistic regression (matching.classifier) is fitted on them;
2. calibrate: on the pairs of tests/data/dedup/eval/, which the fit never sees, the
   threshold with the best pairwise F1 is chosen and the reliability curve (predicted
   probability against observed match rate per bin) is printed;
3. measure: the whole dedup (clustering included) runs on tests/data/dedup/unseen/, used
   neither for fitting nor for calibrating, and its scores go into the model's `info`.

`--check` prints without writing the model.

It lives beside the benchmarks because, like them, it is a developer tool that runs the
real stages on generated data; the fitting itself is matching.classifier.fit_model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resque.matching.linkage import blocking  # noqa: E402
from resque.matching.linkage import dedup as md  # noqa: E402
from resque.matching.linkage.classifier import (  # noqa: E402
    MODEL_FILE,
    best_threshold,
    calibration_table,
    fit_model,
    model_features,
)
from resque.matching.linkage.evaluation import cluster_metrics, format_metrics  # noqa: E402
from resque.pipelines.importer import import_file  # noqa: E402
from resque.warehouse.db import open_warehouse, sql  # noqa: E402

DATA = ROOT / "tests" / "data" / "dedup"


def load_labelled(folder: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Import a labelled folder into a scratch warehouse; prepared postings and their truth."""
    with tempfile.TemporaryDirectory() as tmp:
        con = open_warehouse(Path(tmp) / "train.duckdb")
        for path in sorted(folder.glob("*.csv")):
            if path.name != "labels.csv":
                import_file(con, path, entity="vacancies", source=path.stem)
        raw = con.sql(sql("linkage/read_postings")).to_arrow_table().to_pandas()
        con.close()
    labels = pd.read_csv(folder / "labels.csv", dtype=str)
    truth = raw.merge(labels, on=["source", "source_ref"], how="left")["cluster"]
    if truth.isna().any():
        raise SystemExit(f"{folder}: {int(truth.isna().sum())} postings without a label")
    frame = md.normalise_and_prepare(raw.drop(columns=list(md.NORMALISED_COLUMNS.values())))
    return frame, pd.factorize(truth)[0]


def training_pairs(frame: pd.DataFrame, truth: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Features and labels of the scored candidate pairs; prints what blocking and rules lose."""
    pairs = blocking.candidate_pairs(frame, blocking.default_rules())
    evidence = md.pair_features(frame, pairs)
    same = truth[pairs["left"].to_numpy()] == truth[pairs["right"].to_numpy()]
    sizes = np.bincount(truth)
    true_pairs = int(np.sum(sizes * (sizes - 1) // 2))
    print(
        f"candidate pairs {len(pairs)}; true pairs {true_pairs}, of which found by blocking "
        f"{int(same.sum())} ({same.sum() / true_pairs:.1%})"
    )
    lost = pd.Series(evidence.rule[same & ~evidence.scored]).value_counts()
    print("true pairs not scored, by rule:", dict(lost))
    print(
        "true pairs skipping costly comparisons:",
        int((same & (evidence.features["costly_skipped"] == 1)).sum()),
    )
    return evidence.features[evidence.scored], same[evidence.scored].astype(int)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fit and evaluate, do not write")
    parser.add_argument("--regularisation", type=float, default=1.0)
    args = parser.parse_args()
    frame, truth = load_labelled(DATA / "train")
    features, labels = training_pairs(frame, truth)
    model = fit_model(
        features, labels, names=model_features(features.columns),
        regularisation=args.regularisation,
    )  # fmt: skip
    for name, coef in sorted(
        zip(model.features, model.coefficients, strict=True), key=lambda x: -abs(x[1])
    ):
        print(f"  {name:28s} {coef:+8.3f}")
    calibrate_frame, calibrate_truth = load_labelled(DATA / "eval")
    calibrate_features, calibrate_labels = training_pairs(calibrate_frame, calibrate_truth)
    probability = model.probability(calibrate_features)
    model.threshold = best_threshold(probability, calibrate_labels)
    print("reliability on the calibration set (tests/data/dedup/eval, not used for fitting):")
    print(calibration_table(probability, calibrate_labels).round(3).to_string())
    print(f"threshold {model.threshold} (best pairwise F1 on the calibration pairs)")
    unseen_frame, unseen_truth = load_labelled(DATA / "unseen")
    result = md.deduplicate(unseen_frame, model)
    metrics = cluster_metrics(result.clusters, unseen_truth)
    print("unseen set (not used for fitting or calibrating):\n" + format_metrics(metrics))
    model.info.update(
        {
            "trained_on": "tests/data/dedup/train (gen_postings.py, see README.md there)",
            "calibrated_on": "tests/data/dedup/eval",
            "measured_on": "tests/data/dedup/unseen",
            "trained_at": dt.date.today().isoformat(),
            "unseen_pair_precision": round(metrics["pair_precision"], 4),
            "unseen_pair_f1": round(metrics["pair_f1"], 4),
            "unseen_bcubed_f1": round(metrics["bcubed_f1"], 4),
        }
    )
    if not args.check:
        target = ROOT / "matching" / "linkage" / MODEL_FILE
        target.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()

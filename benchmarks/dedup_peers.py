"""The peers resque's dedup is measured against (issue 12), on a warehouse resque has loaded.

    python benchmarks/dedup_peers.py {splink,rapidfuzz} DB LABELS --calibrate [--model M]
    python benchmarks/dedup_peers.py {splink,rapidfuzz} DB LABELS --threshold T [--model M]
        [--verbose]

Both read the same normalised columns resque derives (postings.title_normalised,
employer_normalised, postcode, city_normalised) from a warehouse after `resque dedup`.

- rapidfuzz: block on employer + postcode, token-set ratio of the titles >= T, connected
  components (`rapidfuzz_pairs` and `components`: the ten lines of the issue).
- Splink 5 as its documentation advises (`splink_model`): multi-level comparisons with
  term-frequency adjustments, two blocking rules, u by random sampling, m by EM, clustering
  by connected components at a match-probability threshold.

The threshold is chosen by resque's rule: the one with the best pairwise F1 on a labelled
calibration set that is not the set scored (`--calibrate` on that set prints it). As
resque's model, Splink's is trained once (on the calibration set, without its labels;
`--calibrate` saves it to --model) and applied to the set scored (its term frequencies are
those of the set scored), so that a match weight means the same on both. Each run
is one child process of bench_dedup.py, so that its time and peak memory are its own; it
prints one line `PEER key=value ...` that bench_dedup.py reads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from resque.matching.linkage.evaluation import cluster_metrics, large_employer_metrics  # noqa: E402

# Candidate thresholds: token-set ratio (0-100) and Splink match weight (log2 odds, as
# match probability 2^w / (1 + 2^w)); the calibration picks the best of them.
RAPIDFUZZ_THRESHOLDS = np.arange(50, 101, 2.5)
SPLINK_WEIGHTS = np.arange(-10, 30.1, 0.5)
# Splink's predict keeps pairs above this probability: far below any chosen threshold.
SPLINK_FLOOR = 1e-4
TOKEN_SET = 80  # Splink's token-set level (issue 12: 93% of false pairs fall below 80)


def read_postings(db: str, labels: str) -> pd.DataFrame:
    """The warehouse's normalised columns of the labelled postings, with their true cluster."""
    con = duckdb.connect(db, read_only=True)
    frame = con.sql(
        "select posting_id as unique_id, source, source_ref, nullif(title_normalised, '')"
        " as title, nullif(employer_normalised, '') as employer, nullif(postcode, '')"
        " as postcode, nullif(city_normalised, '') as town from postings order by posting_id"
    ).df()
    con.close()
    truth = pd.read_csv(labels, dtype=str)
    return frame.merge(truth, on=["source", "source_ref"]).reset_index(drop=True)


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of n items joined by the pairs (left, right): a label each."""
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def rapidfuzz_pairs(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs in one employer + postcode block and their token-set ratio of titles."""
    parts = []
    for rows in frame.groupby(["employer", "postcode"]).indices.values():
        if len(rows) > 1:
            titles = frame["title"].fillna("").to_numpy()[rows]
            score = process.cdist(titles, titles, scorer=fuzz.token_set_ratio, workers=-1)
            i, j = np.triu_indices(len(rows), 1)
            parts.append(np.c_[rows[i], rows[j], score[i, j]])
    pairs = np.concatenate(parts) if parts else np.empty((0, 3))
    return pairs[:, 0].astype(int), pairs[:, 1].astype(int), pairs[:, 2]


def token_set_ratio(left, right):
    """DuckDB function (Arrow, vectorised): rapidfuzz's token-set ratio of two text columns."""
    import pyarrow as pa

    a = [x or "" for x in left.to_pylist()]
    b = [x or "" for x in right.to_pylist()]
    return pa.array(process.cpdist(a, b, scorer=fuzz.token_set_ratio, workers=-1), pa.float64())


def _text_comparison(column: str):
    """Null; exact (term-frequency adjusted); Jaro-Winkler >= 0.92, >= 0.8; token set; else."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True),
            cll.JaroWinklerLevel(column, 0.92),
            cll.JaroWinklerLevel(column, 0.8),
            cll.CustomLevel(
                f'token_set_ratio("{column}_l", "{column}_r") >= {TOKEN_SET}',
                f"token set >= {TOKEN_SET}",
            ),
            cll.ElseLevel(),
        ],
    )


def splink_model(frame: pd.DataFrame, model: str | None = None):
    """A Splink 5 linker over `frame`: the trained model saved at `model`, else one trained
    on `frame` without labels, as Splink's documentation advises."""
    from splink import DuckDBAPI, Linker

    con = duckdb.connect()
    con.create_function(
        "token_set_ratio", token_set_ratio, ["VARCHAR", "VARCHAR"], "DOUBLE", type="arrow"
    )
    data = frame[["unique_id", "title", "employer", "postcode", "town"]].copy()
    data["title_words"] = data["title"].fillna("").str.split()
    if model is not None:
        return Linker(DuckDBAPI(con).register(data), model, log_level="ERROR")
    linker = Linker(DuckDBAPI(con).register(data), splink_settings(), log_level="ERROR")
    train_splink(linker)
    return linker


def splink_settings():
    """Comparisons and prediction blocking rules of the Splink peer."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("employer", "postcode"),
            block_on("title_words", "postcode", arrays_to_explode=["title_words"]),
        ],
        comparisons=[
            _text_comparison("title"),
            _text_comparison("employer"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("town"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def train_splink(linker) -> None:
    """Prior from near-certain pairs, u by random sampling, m by EM over two blocking rules."""
    from splink import block_on

    # the prior from pairs that are nearly certain matches; recall: many reposts reword
    linker.training.estimate_probability_two_random_records_match(
        [block_on("employer", "postcode", "title")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    # EM on two rules; each trains the comparisons the other holds fixed
    for rule in (block_on("postcode"), block_on("employer")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=1e7)


def splink_pairs(linker) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicted pairs (as row numbers of the input) and their match weight."""
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_FLOOR)
    pairs = predictions.as_pandas_dataframe()[["unique_id_l", "unique_id_r", "match_weight"]]
    return predictions, pairs


def best_threshold(frame: pd.DataFrame, left, right, score, candidates) -> tuple[float, float]:
    """The candidate threshold with the best pairwise F1 against the frame's clusters."""
    truth = frame["cluster"].to_numpy()
    results = []
    for threshold in candidates:
        keep = score >= threshold
        labels = components(len(frame), left[keep], right[keep])
        results.append((cluster_metrics(labels, truth)["pair_f1"], float(threshold)))
    f1, threshold = max(results)
    return threshold, f1


def oracle(frame: pd.DataFrame, left, right, score, candidates) -> str:
    """The threshold the scored set itself would choose (uses its labels: not a result, but
    what calibrating on another set cost)."""
    best, f1 = best_threshold(frame, left, right, score, candidates)
    return f"oracle_threshold={best} oracle_f1={f1:.4f}"


def scored(frame: pd.DataFrame, predicted: np.ndarray) -> str:
    """The key=value fields of the result line: pairwise, B-cubed, large employers, chains."""
    truth = frame["cluster"].to_numpy()
    metrics = cluster_metrics(predicted, truth)
    large = large_employer_metrics(frame["employer"], frame["postcode"], predicted, truth)
    return (
        f"P={metrics['pair_precision']:.4f} R={metrics['pair_recall']:.4f}"
        f" F1={metrics['pair_f1']:.4f} B3={metrics['bcubed_f1']:.4f}"
        f" LP={large['pair_precision']:.4f} LR={large['pair_recall']:.4f}"
        f" largest={np.bincount(pd.factorize(predicted)[0]).max()}"
        f" true_largest={np.bincount(pd.factorize(truth)[0]).max()}"
    )


def run_rapidfuzz(frame: pd.DataFrame, threshold: float | None) -> str:
    """Calibrate (threshold None) or score the rapidfuzz baseline: one result line."""
    started = time.perf_counter()
    left, right, score = rapidfuzz_pairs(frame)
    if threshold is None:
        best, f1 = best_threshold(frame, left, right, score, RAPIDFUZZ_THRESHOLDS)
        return f"RAPIDFUZZ threshold={best} calibration_f1={f1:.4f}"
    keep = score >= threshold
    labels = components(len(frame), left[keep], right[keep])
    seconds = time.perf_counter() - started
    line = f"RAPIDFUZZ seconds={seconds:.1f} pairs={len(left)} {scored(frame, labels)}"
    return f"{line} {oracle(frame, left, right, score, RAPIDFUZZ_THRESHOLDS)}"


def run_splink(frame: pd.DataFrame, threshold: float | None, model: str, verbose: bool) -> str:
    """Calibrate (threshold None: train, save the model, choose a match weight) or score
    Splink with that model and weight: one result line."""
    started = time.perf_counter()
    linker = splink_model(frame, model if threshold is not None else None)
    predictions, pairs = splink_pairs(linker)
    row = pd.Series(np.arange(len(frame)), index=frame["unique_id"])
    left = row[pairs["unique_id_l"]].to_numpy()
    right = row[pairs["unique_id_r"]].to_numpy()
    weight = pairs["match_weight"].to_numpy()
    if verbose:
        print_m_u(linker)
    if threshold is None:
        linker.misc.save_model_to_json(model, overwrite=True)
        best, f1 = best_threshold(frame, left, right, weight, SPLINK_WEIGHTS)
        return f"SPLINK threshold={best} calibration_f1={f1:.4f}"
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=threshold
    )
    result = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    labels = frame[["unique_id"]].merge(result, on="unique_id", how="left")["cluster_id"]
    seconds = time.perf_counter() - started
    line = f"SPLINK seconds={seconds:.1f} pairs={len(pairs)} {scored(frame, labels.to_numpy())}"
    return f"{line} {oracle(frame, left, right, weight, SPLINK_WEIGHTS)}"


def print_m_u(linker) -> None:
    """Splink's trained m and u per comparison level, for a sanity check."""
    model = linker.misc.save_model_to_json()
    prior = model["probability_two_random_records_match"]
    print(f"splink: probability two random records match {prior:.2e}")
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            print(
                f"splink:   {comparison['output_column_name']:9s}"
                f" {level['label_for_charts'][:42]:42s} m {m or 0:.4f}  u {u or 0:.6f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=["splink", "rapidfuzz"])
    parser.add_argument("db")
    parser.add_argument("labels")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--calibrate", action="store_true", help="print the best-F1 threshold")
    group.add_argument("--threshold", type=float, help="score the set at this threshold")
    parser.add_argument("--model", help="Splink: the trained model (written by --calibrate)")
    parser.add_argument("--verbose", action="store_true", help="print Splink's m and u")
    args = parser.parse_args()
    frame = read_postings(args.db, args.labels)
    if args.peer == "rapidfuzz":
        print(run_rapidfuzz(frame, args.threshold))
    else:
        print(run_splink(frame, args.threshold, args.model, args.verbose))


if __name__ == "__main__":
    main()

"""Dedup benchmark: generated postings with known truth through `resque dedup`, beside Splink.

    python benchmarks/bench_dedup.py [--postings 1000000] [--incremental 10000] [--vs-splink]

1. Generates postings of about postings/2.3 real openings with gen_postings.py (a seed the
   model was never trained or tuned on), as one CSV per source, and holds back
   `--incremental` of them (random postings: reposts of known openings and new ones).
2. Loads the CSVs into a scratch warehouse with the real `resque import vacancies` command
   (not timed here; bench_import.py measures imports).
3. Runs `resque dedup --full`, then imports the held-back postings and runs an incremental
   `resque dedup`; prints wall time and peak memory of each, and pairwise precision, recall
   and F1 (`resque eval dedup`) of the vacancies after each.
4. With --vs-splink, runs Splink 5 (DuckDB backend, `pip install -e '.[bench]'`) on the same
   postings, given the same normalised columns resque derives, in a child process of its
   own: EM-trained Fellegi-Sunter model, the same kind of blocking, clustering at a 0.9
   match probability; prints its time, memory and scores.

Targets (issue 4): --full on 1,000,000 postings <= 60 s and <= 4 GB, incremental +10,000
<= 5 s, pairwise F1 >= 0.95. Each step prints wall time, CPU time (user + system of the
child: on a shared machine wall time also counts waiting for a core) and peak memory.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import DATA, resque, run_measured

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gen_postings  # noqa: E402

SEED = 4242  # not a seed of tests/data/dedup (101 train, 202 eval)


_WRAPPER = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write(f'\\nPEAK_KB={u.ru_maxrss} CPU_S={u.ru_utime + u.ru_stime}\\n')\n"
    "sys.exit(p.returncode)\n"
)


def run_timed(args: list[str]) -> tuple[float, float, float, str]:
    """Like _common.run_measured, plus the child's CPU seconds (user + system).

    The machine is shared: wall time includes waiting for a core, CPU time does not.
    """
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    tail = proc.stderr.rsplit("PEAK_KB=", 1)[1].split()
    return seconds, int(tail[0]) / 1024, float(tail[1].split("=")[1]), proc.stdout


def generate(folder: Path, postings: int, held_back: int) -> None:
    """The benchmark's CSVs: base/<source>.csv, next/<source>.csv and their labels."""
    if (folder / "done").exists():
        print(f"reusing generated data in {folder}")
        return
    started = time.perf_counter()
    rows, truth = gen_postings.generate(int(postings / 2.3), SEED)
    refs = [ref for _, ref, _ in truth]
    rng = random.Random(SEED)
    later = set(rng.sample(refs, held_back)) if held_back else set()
    base = {s: [r for r in rs if r["Referenznummer"] not in later] for s, rs in rows.items()}
    extra = {s: [r for r in rs if r["Referenznummer"] in later] for s, rs in rows.items()}
    gen_postings.write(folder / "base", base, [t for t in truth if t[1] not in later])
    gen_postings.write(folder / "next", extra, [t for t in truth if t[1] in later])
    gen_postings.write(folder / "all", {}, truth)
    (folder / "done").write_text("ok")
    print(f"generated {len(truth):,} postings in {time.perf_counter() - started:.0f} s")


def import_folder(db: str, folder: Path) -> None:
    """`resque import vacancies` for every source file of a folder."""
    started = time.perf_counter()
    for path in sorted(folder.glob("*.csv")):
        if path.name != "labels.csv":
            command = resque("--db", db, "import", "vacancies", str(path), "--source", path.stem)
            run_measured(command)
    print(f"imported {folder.name} in {time.perf_counter() - started:.0f} s")


def scores(db: str, labels: Path) -> str:
    """Pairwise precision, recall, F1 from `resque eval dedup`."""
    _, _, out = run_measured(resque("--db", db, "eval", "dedup", str(labels)))
    metrics = dict(line.rsplit(None, 1) for line in out.splitlines() if "  " in line)
    return (
        f"P {float(metrics['pairwise precision']):.4f}  R {float(metrics['pairwise recall']):.4f}"
        f"  F1 {float(metrics['pairwise F1']):.4f}  (B-cubed F1 {float(metrics['B-cubed F1']):.4f})"
    )


def splink_child(db: str, labels: str) -> None:
    """Run in a child process: Splink 5 on the warehouse's postings; prints its scores."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from matching.evaluation import cluster_metrics

    con = duckdb.connect(db, read_only=True)
    frame = con.sql(
        "select posting_id as unique_id, source, source_ref, title_normalised as title,"
        " employer_normalised as employer, postcode, city_normalised as town,"
        " working_time, cast(start_date as varchar) as start_date, left(description, 400)"
        " as description from postings"
    ).df()
    con.close()
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("employer", "town"),
            block_on("postcode", "title"),
            block_on("employer", "title"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("title", [0.95, 0.88, 0.8]),
            cl.JaroWinklerAtThresholds("employer", [0.95, 0.88]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("town"),
            cl.ExactMatch("working_time"),
            cl.ExactMatch("start_date"),
            cl.JaccardAtThresholds("description", [0.8, 0.5]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("employer", "town", "title")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("employer", "town"), block_on("postcode", "title")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    result = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    seconds = time.perf_counter() - started
    truth = pd.read_csv(labels, dtype=str)
    merged = frame[["unique_id", "source", "source_ref"]].merge(result, on="unique_id")
    merged = merged.merge(truth, on=["source", "source_ref"])
    metrics = cluster_metrics(merged["cluster_id"].to_numpy(), merged["cluster"].to_numpy())
    print(
        f"SPLINK seconds={seconds:.1f} P={metrics['pair_precision']:.4f} "
        f"R={metrics['pair_recall']:.4f} F1={metrics['pair_f1']:.4f} "
        f"B3={metrics['bcubed_f1']:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--incremental", type=int, default=10_000)
    parser.add_argument("--vs-splink", action="store_true", help="also run Splink 5")
    parser.add_argument("--splink-child", nargs=2, metavar=("DB", "LABELS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.splink_child:
        splink_child(*args.splink_child)
        return
    folder = DATA / f"dedup_{args.postings}_{args.incremental}"
    generate(folder, args.postings, args.incremental)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        import_folder(db, folder / "base")
        seconds, peak, cpu, out = run_timed(resque("--db", db, "dedup", "--full"))
        print(
            f"resque dedup --full      {seconds:6.1f} s  cpu {cpu:6.1f} s  peak {peak:6.0f} MB"
            f" | {out.strip()}"
        )
        print(f"  vacancies vs truth       {scores(db, folder / 'base' / 'labels.csv')}")
        if args.vs_splink:
            labels = str(folder / "base" / "labels.csv")
            child = [sys.executable, __file__, "--splink-child", db, labels]
            seconds, peak, cpu, out = run_timed(child)
            line = next(x for x in out.splitlines() if x.startswith("SPLINK"))
            fields = dict(part.split("=") for part in line.split()[1:])
            print(
                f"splink 5 (duckdb)        {seconds:6.1f} s  cpu {cpu:6.1f} s  peak {peak:6.0f} MB"
                f" | train+predict+cluster {fields['seconds']} s (wall includes reading postings)"
            )
            print(
                f"  vacancies vs truth       P {fields['P']}  R {fields['R']}  F1 {fields['F1']}"
                f"  (B-cubed F1 {fields['B3']})"
            )
        if args.incremental:
            import_folder(db, folder / "next")
            seconds, peak, cpu, out = run_timed(resque("--db", db, "dedup"))
            label = f"resque dedup (+{args.incremental:,})"
            print(
                f"{label:24s} {seconds:6.1f} s  cpu {cpu:6.1f} s  peak {peak:6.0f} MB"
                f" | {out.strip()}"
            )
            print(f"  vacancies vs truth       {scores(db, folder / 'all' / 'labels.csv')}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()

"""Load benchmark (issue 7): the nightly steps over 1,000,000 postings and 10,000 participants.

Each step runs as the real command in its own process, so time and peak memory are printed
per step: import vacancies, import participants, dedup --full, match --top 10. Then the
whole nightly flow (`resque run`, Prefect in-process) on a fresh warehouse with a config of
the same two files, timed as one. Everything must stay within the machine's 24 GB.

    python benchmarks/bench_load.py [--postings 1000000] [--participants 10000] [--no-flow]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import DATA, resque, run_measured
from bench_match import participants, vacancies


def write_config(folder: Path, jobs: Path, people: Path) -> Path:
    """A config with the two generated files as the only sources."""
    config = folder / "load.toml"
    config.write_text(
        f'[sources.bench]\npath = "{jobs}"\nentity = "vacancies"\nwrite_mode = "snapshot"\n\n'
        f'[sources.bench_participants]\npath = "{people}"\nentity = "participants"\n',
        encoding="utf-8",
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--no-flow", action="store_true", help="skip the whole-flow run")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    jobs = DATA / f"load_vacancies_{args.postings}.csv"
    people = DATA / f"load_participants_{args.participants}.csv"
    vacancies(args.postings, rng).to_csv(jobs, sep=";", index=False)
    participants(args.participants, rng).to_csv(people, sep=";", index=False)
    print(
        f"generated {args.postings:,} postings and {args.participants:,} participants "
        f"in {time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "load.duckdb")
        steps = [
            ("import vacancies", ["import", "vacancies", str(jobs), "--source", "bench", "--full"]),
            ("import participants", ["import", "participants", str(people)]),
            ("dedup --full", ["dedup", "--full"]),
            ("match --top 10", ["match", "--top", "10"]),
        ]
        total = 0.0
        for label, command in steps:
            seconds, peak_mb, out = run_measured(resque("--db", db, *command))
            total += seconds
            print(f"{label:22s} {seconds:6.1f} s  peak {peak_mb:7.0f} MB  | {out.strip()[:150]}")
        print(f"{'steps together':22s} {total:6.1f} s")
        if not args.no_flow:
            config = write_config(Path(tmp), jobs, people)
            flow_db = str(Path(tmp) / "flow.duckdb")
            seconds, peak_mb, out = run_measured(
                resque("--config", str(config), "--db", flow_db, "run")
            )
            print(
                f"{'resque run (flow)':22s} {seconds:6.1f} s  peak {peak_mb:7.0f} MB  | "
                f"{out.strip().splitlines()[-1]}"
            )


if __name__ == "__main__":
    main()

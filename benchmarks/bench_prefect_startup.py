"""Start-up of Prefect's temporary API as `resque run` meets it, over many fresh processes.

Each round is a new Python process that enters `flows.prefect_runtime()` (the settings
`resque run` uses without PREFECT_API_URL) and runs an empty flow. It prints, per round, the
seconds from entering until the flow's body runs (the ephemeral server's start plus the flow
run's creation; what `resque run` prints as "Prefect start-up"), and as the baseline of the
same round the seconds it took to import Prefect and resque's flows. At the end: min, median,
90th percentile and max, and how many rounds would have failed under Prefect's own 20 s limit.

    python benchmarks/bench_prefect_startup.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

CHILD = """
import time
clock = time.perf_counter()
from prefect import flow
from resque.flows import prefect_runtime
imported = time.perf_counter() - clock

@flow
def empty() -> float:
    return time.perf_counter()

with prefect_runtime():
    entered = time.perf_counter()
    body = empty()
print(f"{imported:.2f} {body - entered:.2f}")
"""
PREFECT_DEFAULT_LIMIT = 20.0


def one_round() -> tuple[float, float]:
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"round failed: {proc.stderr.strip().splitlines()[-1]}")
    imported, startup = proc.stdout.split()[-2:]
    return float(imported), float(startup)


def summary(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"{label}: min {ordered[0]:.1f} s, median {statistics.median(ordered):.1f} s, "
        f"p90 {p90:.1f} s, max {ordered[-1]:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    imports, startups = [], []
    for number in range(1, rounds + 1):
        imported, startup = one_round()
        imports.append(imported)
        startups.append(startup)
        print(f"round {number:2}: imports {imported:5.1f} s, Prefect start-up {startup:5.1f} s")
    print(summary("imports (baseline)", imports))
    print(summary("Prefect start-up", startups))
    over = sum(s > PREFECT_DEFAULT_LIMIT for s in startups)
    limit = f"{PREFECT_DEFAULT_LIMIT:.0f} s"
    print(f"{over} of {rounds} start-ups took longer than Prefect's own {limit}")


if __name__ == "__main__":
    main()

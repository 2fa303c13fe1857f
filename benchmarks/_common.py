"""Shared helpers of the benchmark scripts: run the real command, report time and peak memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# The pseudonym key of the benchmarks' generated participants: a fixed, public constant, so
# that a benchmark never reads or creates the operator's real key (~/.config/resque).
BENCH_ENV = {"RESQUE_PSEUDONYM_KEY": "be4c4b3e" * 8}


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command in a child process: (wall seconds, peak RSS in MB of that child, stdout).

    The child gets the benchmark pseudonym key (BENCH_ENV) unless `env` names another.
    """
    wrapper = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(f'\\nPEAK_KB={peak}\\n'); sys.exit(p.returncode)\n"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **BENCH_ENV, **(env or {})},
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    peak_kb = int(proc.stderr.rsplit("PEAK_KB=", 1)[1].split()[0])
    return seconds, peak_kb / 1024, proc.stdout


def resque(*args: str) -> list[str]:
    """The installed console script, run with this interpreter's environment."""
    return [sys.executable, "-m", "resque.cli", *args]


def self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

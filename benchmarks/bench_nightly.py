"""The nightly flow on the bundled samples, as `resque run` runs it without a server.

Prints for a first run (empty warehouse) and a second run (nothing changed): the command's
wall time and peak memory, the flow's own time and Prefect's start-up as the command
reports them, and the snapshot's publishing time. The goal: the flow within 60 s.

    python benchmarks/bench_nightly.py
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb
from _common import resque, run_measured


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="resque-bench-nightly-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        for label in ("first run (empty warehouse)", "second run (unchanged sources)"):
            seconds, peak_mb, out = run_measured(resque("--db", str(db), "run"))
            flow, startup = re.search(r"; ([\d.]+) s \(\+ ([\d.]+) s Prefect", out).groups()
            con = duckdb.connect(str(db), read_only=True)
            snapshot = con.execute(
                "select epoch(finished_at - started_at) from runs where kind = 'snapshot' "
                "order by run_id desc limit 1"
            ).fetchone()[0]
            con.close()
            print(
                f"{label}: {seconds:.1f} s wall, {peak_mb:.0f} MB peak; flow {flow} s, "
                f"Prefect start-up {startup} s, snapshot {snapshot:.2f} s"
            )


if __name__ == "__main__":
    main()

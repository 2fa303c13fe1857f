"""What `resque status` reads: the latest nightly run as a whole, earlier nights, other steps.

A nightly run (`resque run`, the Prefect flow) is its `runs` row of kind 'run' plus the rows
naming it in `parent_run_id` (warehouse/nights.py). Its verdict:
- FAILED: a step failed (its row's error says why), or the flow named a failed step;
- DEGRADED: none failed, but a crawl was degraded or a source's active records fell sharply;
- UNFINISHED: the run's row is still 'running' (running now, or its process died);
- OK otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from resque.errors import ResqueError
from resque.warehouse.db import sql

# A sharp fall: a source lost at least half of its active records since the previous night,
# and at least 10 of them. Postings expire over weeks, so a normal night moves a source by a
# few percent; half of it gone at once is a broken site, a truncated file or a partial list
# taken as complete. The floor of 10 keeps a source of a handful of postings quiet.
SHARP_DROP_SHARE = 0.5
SHARP_DROP_MIN = 10
OTHER_STEPS_SHOWN = 20  # steps run by hand since the night started


@dataclass
class Night:
    """One nightly run: its row, its steps in order, the sources that fell sharply."""

    run_id: int
    started: str
    seconds: float | None
    status: str
    error: str | None
    steps: pd.DataFrame
    drops: pd.DataFrame

    @property
    def problems(self) -> pd.DataFrame:
        """The failed and degraded steps with the first line of their cause."""
        bad = self.steps[self.steps["status"].isin(["failed", "degraded"])]
        return bad[["run_id", "step", "source", "status", "error"]]

    @property
    def verdict(self) -> str:
        """OK, DEGRADED, FAILED or UNFINISHED, and why, in one line."""
        counts = self.steps["status"].value_counts()
        failed, degraded = int(counts.get("failed", 0)), int(counts.get("degraded", 0))
        if self.status == "running":
            return (
                f"UNFINISHED: run {self.run_id} started {self.started} and has not finished "
                f"(still running, or its process stopped); {len(self.steps)} step(s) so far"
            )
        parts = [f"{len(self.steps)} steps in {self.seconds or 0:.0f} s"]
        if failed or self.status == "failed":
            parts.append(f"{failed} failed" if failed else self.error or "a step failed")
        if degraded:
            parts.append(f"{degraded} degraded")
        if len(self.drops):
            fell = ", ".join(
                f"{d.source} {d.entity} {d.before} -> {d.now}" for d in self.drops.itertuples()
            )
            parts.append(f"{len(self.drops)} source(s) fell sharply ({fell})")
        if failed or self.status == "failed":
            word = "FAILED"
        elif degraded or len(self.drops):
            word = "DEGRADED"
        else:
            word = "OK"
        return f"{word}: " + "; ".join(parts)


def check_schema(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse opened read-only is not migrated: one line if it predates nightly runs."""
    if not con.execute(sql("status_schema_ready")).fetchall()[0][0]:
        raise ResqueError("the warehouse predates nightly runs: run 'resque init' to upgrade it")


def latest_night(con: duckdb.DuckDBPyConnection) -> Night | None:
    """The most recent nightly run, or None when none was ever recorded."""
    check_schema(con)
    rows = nights(con, limit=1)
    if not len(rows):
        return None
    row = rows.iloc[0]
    run_id = int(row["run_id"])
    return Night(
        run_id=run_id,
        started=row["started"],
        seconds=None if pd.isna(row["seconds"]) else float(row["seconds"]),
        status=row["status"],
        error=None if pd.isna(row["error"]) else row["error"],
        steps=con.execute(sql("status_night_steps"), {"run_id": run_id}).df(),
        drops=sharp_drops(con, run_id),
    )


def nights(con: duckdb.DuckDBPyConnection, *, limit: int, skip: int = 0) -> pd.DataFrame:
    """Nightly runs, newest first (after skipping the newest `skip`), one line each."""
    return con.execute(sql("status_nights"), {"limit": limit, "skip": skip}).df()


def sharp_drops(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """Sources whose active records fell sharply since the nightly run before `run_id`."""
    return con.execute(
        sql("status_drops"),
        {"run_id": run_id, "share": SHARP_DROP_SHARE, "min_drop": SHARP_DROP_MIN},
    ).df()


def other_steps(
    con: duckdb.DuckDBPyConnection, since_run_id: int, limit: int = OTHER_STEPS_SHOWN
) -> pd.DataFrame:
    """Steps run outside any nightly run after `since_run_id`, newest first."""
    return con.execute(sql("status_runs"), {"since": since_run_id, "limit": limit}).df()

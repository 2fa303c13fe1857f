"""A job coach's review of a stored match run before approval (docs/flows.md: Review).

`review_rows` reads the run as stored, with each row's flags: weak (score below
WEAK_SCORE) or without evidence (no wish met the vacancy and the reasons name no evidence
of a related occupation). `drop` records rows or whole participants a coach takes out;
each drop is one row of `match_review_drops` with who and when (the review's audit, as
`match_approvals` is the approval's). Drops are refused once a run is approved, and
everything a call names is checked before anything is written: one unknown id changes
nothing.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pandas as pd

from resque.errors import ResqueError
from resque.matching.ranking.explain import has_evidence
from resque.warehouse.db import sql, transaction
from resque.warehouse.export import _run
from resque.warehouse.runs import utcnow

# Below this score a row is flagged for a second look (the issue-14 sample export had 58 rows
# under 0.3 that no coach would pass on); docs/matching.md explains the figure.
WEAK_SCORE = 0.3


def reviewable_run(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, Any]:
    """The run's row when it is a succeeded match run; a one-line error otherwise."""
    run = _run(con, run_id)
    if run["kind"] != "match":
        raise ResqueError(f"run {run_id} is a {run['kind']} run, not a match run")
    if run["status"] != "succeeded":
        raise ResqueError(f"match run {run_id} {run['status']}; only a succeeded run is reviewed")
    return run


def review_rows(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """The run's stored rows, per participant by rank, with `reasons` as a dict and the flags.

    Columns: participant_id, rank, vacancy_id, title, employer, postcode, city, score,
    distance_km, reasons, dropped, weak, without_evidence.
    """
    reviewable_run(con, run_id)
    frame = con.execute(sql("review_run_rows"), {"run_id": run_id}).df()
    frame["reasons"] = [json.loads(text) if text else {} for text in frame["reasons"]]
    frame["dropped"] = frame["dropped"].astype(bool)
    frame["weak"] = frame["score"] < WEAK_SCORE
    frame["without_evidence"] = ~frame["reasons"].map(has_evidence).astype(bool)
    return frame


def parse_row(text: str) -> tuple[str, str]:
    """'PARTICIPANT:VACANCY' -> (participant, vacancy); a one-line error otherwise."""
    participant, colon, vacancy = str(text).partition(":")
    if not colon or not participant.strip() or not vacancy.strip():
        raise ResqueError(f"--drop takes PARTICIPANT:VACANCY, not {text!r}")
    return participant.strip(), vacancy.strip()


def drop(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    rows: list[tuple[str, str]],
    participants: list[str],
    dropped_by: str,
    note: str | None = None,
) -> int:
    """Record drops of (participant, vacancy) rows and of whole participants of a run.

    Returns:
        How many of the run's rows are newly dropped. Raises ResqueError, writing nothing,
        when the run is not a succeeded match run, is already approved, or a named row or
        participant is not in the run.
    """
    run = reviewable_run(con, run_id)
    if run["approved_by"]:
        raise ResqueError(
            f"match run {run_id} was already approved by {run['approved_by']}; "
            "a review drops rows before the approval"
        )
    if not dropped_by or not dropped_by.strip():
        raise ResqueError("say who reviews: --by NAME")
    stored = review_rows(con, run_id)
    _check_named(stored, run_id, rows, participants)
    before = int(stored["dropped"].sum())
    now = utcnow()
    with transaction(con):
        for participant, vacancy in [*rows, *((p, None) for p in participants)]:
            values = {
                "run_id": run_id,
                "participant_id": participant,
                "vacancy_id": vacancy,
                "dropped_by": dropped_by.strip(),
                "dropped_at": now,
                "note": note,
            }
            con.execute(sql("review_insert_drop"), values)
    return int(review_rows(con, run_id)["dropped"].sum()) - before


def kept_count(con: duckdb.DuckDBPyConnection, run_id: int) -> tuple[int, int]:
    """(rows kept, rows dropped) of a run after its review."""
    frame = con.execute(sql("review_run_rows"), {"run_id": run_id}).df()
    dropped = int(frame["dropped"].sum())
    return len(frame) - dropped, dropped


def _check_named(
    stored: pd.DataFrame, run_id: int, rows: list[tuple[str, str]], participants: list[str]
) -> None:
    """Every named row and participant is in the run (ids are compared, never run as SQL)."""
    people = set(stored["participant_id"])
    pairs = set(zip(stored["participant_id"], stored["vacancy_id"], strict=True))
    for participant in participants:
        if participant not in people:
            raise ResqueError(f"match run {run_id} has no row for participant {participant!r}")
    for participant, vacancy in rows:
        if (participant, vacancy) not in pairs:
            raise ResqueError(
                f"match run {run_id} has no row {participant + ':' + vacancy!r} "
                "(see 'resque review RUN_ID' for its rows)"
            )


def latest_run(con: duckdb.DuckDBPyConnection) -> int:
    """The newest succeeded match run; a one-line error when there is none."""
    found = con.execute(sql("ranking/latest_run")).fetchone()[0]
    if found is None:
        raise ResqueError("no succeeded match run yet: 'resque match' makes one")
    return int(found)


def stored_for_participant(
    con: duckdb.DuckDBPyConnection, participant_id: str, run_id: int | None = None
) -> tuple[int, pd.DataFrame]:
    """One participant's rows of a stored run (default: the newest), as the run ranked them.

    Returns:
        (run id, rows in rank order, dropped ones included with `dropped` set). Raises
        ResqueError when the run has no row for the participant.
    """
    run_id = latest_run(con) if run_id is None else run_id
    frame = review_rows(con, run_id)
    mine = frame[frame["participant_id"] == participant_id].reset_index(drop=True)
    if mine.empty:
        raise ResqueError(f"match run {run_id} has no row for participant {participant_id!r}")
    return run_id, mine

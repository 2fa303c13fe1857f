"""Erasure and retention of participant data, and the key the pseudonyms depend on.

Forgetting removes a participant from profiles, matches (and so from every future export)
and from the ids of rejected rows, in one transaction, and records that it happened with a
hash of the pseudonym only. An import meeting a forgotten pseudonym again rejects that row.
That works because pseudonyms are keyed (pipelines/pseudonym_key.py) and every import uses
the key the warehouse recorded: `check_pseudonym_key` refuses any other.

The same transaction asks for the file to be rewritten (`warehouse.db.request_rewrite`):
closing the connection, or the next writable open if that is cut short, republishes the
snapshot and rewrites the file, so the deleted rows' bytes do not stay behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

import duckdb
import pandas as pd

from resque.errors import ResqueError
from resque.warehouse.db import request_rewrite, sql, transaction
from resque.warehouse.runs import next_run_id, record_run, utcnow

log = logging.getLogger(__name__)


def id_hash(participant_id: str) -> str:
    """The stored trace of a forgotten pseudonym: enough to recognise it, not to read it.

    The pseudonym is already keyed, so its plain hash cannot be recomputed from a guessed
    source id without the key; hashing it once more keeps the pseudonym itself (as printed
    in lists sent out earlier) out of the erasure records. Records made before migration
    0006 hash the source id itself, which was the pseudonym then.
    """
    return hashlib.sha256(f"resque-forgotten\x1f{participant_id}".encode()).hexdigest()


def check_pseudonym_key(con: duckdb.DuckDBPyConnection, fingerprint: str, origin: str) -> bool:
    """Refuse a key other than the one the stored pseudonyms were made with (one line).

    Args:
        fingerprint: `key_fingerprint` of the key about to be used.
        origin: where that key came from, for the message.
    Returns:
        Whether the warehouse has a key recorded at all (False: this is the first).
    """
    stored, participants, forgotten = con.execute(sql("participants_key_check")).fetchone()
    if stored is not None and stored != fingerprint:
        raise ResqueError(
            f"{origin}: the pseudonym key differs from the one used for the {participants} "
            f"participants already stored (and {forgotten} erasure records): key fingerprint "
            f"{stored} expected, {fingerprint} given; use that key (README: 'Pseudonyms and "
            "the key'), or every participant would be stored as a new person"
        )
    return stored is not None


def recorded_key_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the key the warehouse's pseudonyms were made with, if any."""
    return con.execute(sql("participants_key_check")).fetchone()[0]


def record_pseudonym_key(
    con: duckdb.DuckDBPyConnection, fingerprint: str, run_id: int, now: dt.datetime
) -> None:
    """Remember the key of the first participant import (later ones were checked against it)."""
    params = {"fingerprint": fingerprint, "now": now, "run_id": run_id}
    con.execute(sql("participants_record_key"), params).fetchall()


def forget_participants(
    con: duckdb.DuckDBPyConnection, participant_ids: list[str], *, by: str, reason: str = "request"
) -> dict[str, int]:
    """Remove participants from profiles, matches and rejects; record it. One transaction.

    A pseudonym forgotten before is not refused: asking again finishes what a crash or a
    full disk left undone (the open already did), and removes nothing more.
    Returns:
        {'participants', 'matches', 'rejects'}: rows removed, 'already': pseudonyms forgotten
        before, and the step's 'run_id' (None when nothing was left to remove).
    """
    ids = sorted(set(participant_ids))
    known = {
        row[0]
        for row in con.execute(
            "select participant_id from participants where participant_id in (select unnest($ids))",
            {"ids": ids},
        ).fetchall()
    }
    hashes = forgotten_hashes(con)
    already = [i for i in ids if i not in known and id_hash(i) in hashes]
    unknown = [i for i in ids if i not in known and i not in already]
    if reason == "request" and unknown:
        raise ResqueError(f"no participant {unknown[0]!r} in the warehouse (nothing was removed)")
    ids = [i for i in ids if i not in already]
    if not ids:
        return {"participants": 0, "matches": 0, "rejects": 0, "already": len(already),
                "run_id": None}  # fmt: skip
    run_id, started = next_run_id(con), utcnow()
    con.register("forget_ids", pd.DataFrame({"participant_id": pd.Series(ids, dtype=object)}))
    try:
        with transaction(con):
            before = _counts(con)
            con.execute(sql("privacy_forget")).fetchall()  # results stream: finish it
            after = _counts(con)
            removed = {k: before[k] - after[k] for k in before}
            _record(con, ids, by, reason, started, removed)
            record_run(
                con,
                run_id,
                kind="forget",
                source=None,
                started_at=started,
                status="succeeded",
                counts={"rows_in": len(ids), "rows_deactivated": removed["participants"]},
                details={"reason": reason, "by": by, **removed},
            )
            request_rewrite(con, reason, run_id)
    finally:
        con.unregister("forget_ids")
    log.info("forgot %d participant(s) (%s): %s", len(ids), reason, removed)
    return {**removed, "already": len(already), "run_id": run_id}


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows that mention the participants being forgotten."""
    row = con.execute(sql("privacy_counts")).fetchone()
    return dict(zip(("participants", "matches", "rejects"), row, strict=True))


def _record(
    con, ids: list[str], by: str, reason: str, at: dt.datetime, removed: dict[str, int]
) -> None:
    """One forgotten_participants row per pseudonym, holding its hash only."""
    share = {k: v if len(ids) == 1 else 0 for k, v in removed.items()}
    for participant_id in ids:
        con.execute(
            "insert into forgotten_participants values (?, ?, ?, ?, ?, ?, ?)",
            [
                id_hash(participant_id),
                at,
                by,
                reason,
                share["participants"],
                share["matches"],
                share["rejects"],
            ],
        ).fetchall()


def expired_participants(
    con: duckdb.DuckDBPyConnection, months: int, now: dt.datetime
) -> list[str]:
    """Pseudonyms whose profile no import confirmed in the last `months` months."""
    cutoff = (pd.Timestamp(now) - pd.DateOffset(months=months)).to_pydatetime()
    return [row[0] for row in con.execute(sql("privacy_expired"), {"cutoff": cutoff}).fetchall()]


def apply_retention(con: duckdb.DuckDBPyConnection, months: int | None) -> dict[str, Any]:
    """Forget every participant older than the retention period (none when it is not set)."""
    nothing = {"participants": 0, "matches": 0, "rejects": 0, "already": 0, "run_id": None}
    if not months:
        return nothing
    expired = expired_participants(con, months, utcnow())
    if not expired:
        return nothing
    return forget_participants(con, expired, by="retention", reason="retention")


def forgotten_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Hashes of every forgotten pseudonym, for imports to refuse them."""
    return {row[0] for row in con.execute("select id_hash from forgotten_participants").fetchall()}

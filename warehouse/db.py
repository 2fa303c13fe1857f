"""Opening the warehouse file and keeping its schema current.

One writer at a time, and erasures that survive a crash:
- Every writable open (`open_warehouse`, `opened`, `resque init`) holds an exclusive
  `fcntl` lock on `.<name>.lock` beside the warehouse for the life of its connection, and
  a rewrite holds it from the copy to the rename. So no resque command can commit to the
  old file between the copy and `os.replace`. A writer that finds the lock taken fails at
  once with one line, as DuckDB itself does for a second writing process: waiting would
  only move the wait to DuckDB's own lock, and a nightly run must not hang.
- A deletion of personal data commits a row in `pending_rewrite` (migration 0008) in its
  own transaction. Whoever opens the warehouse for writing next, or closes the connection
  that deleted, republishes the snapshot and rewrites the file first (`finish_pending`).
- Scratch files of interrupted rewrites and publishes are removed by every writable open.
Read-only opens take no lock: `os.replace` swaps the whole file at once.

The files beside the warehouse (snapshot, Parquet folder, scratch copies) are named here, so
that finishing an erasure needs nothing of warehouse/snapshot.py, which imports this module:
the package registers the publish function at import (`republish_with`, warehouse/__init__.py).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from resque.errors import ResqueError
from resque.warehouse.sqlfiles import registered, sql  # noqa: F401  (db.registered, db.sql)

log = logging.getLogger(__name__)
IN_USE = "the database is in use by another process"
STILL_PENDING = (
    "the erasure is recorded and the next writable command (e.g. 'resque init') completes it"
)
PENDING_REWRITE_MIGRATION = 8  # creates the pending_rewrite table
# DuckDB's words for a file another process holds: '... Conflicting lock is held in
# /usr/bin/python3.11 (PID 4711). ...'
_HOLDER = re.compile(r"lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseInUse(ResqueError):
    """Another process holds the warehouse: it waits for a person, not for the network, so
    nobody retries it (flows.py fails the run at once)."""


def _in_use(path: Path, duckdb_message: str) -> WarehouseInUse:
    """One line naming the file, the program holding it (not its folder, which may name a
    person) and what to do."""
    found = _HOLDER.search(duckdb_message)
    holder = f" ({Path(found['program']).name}, PID {found['pid']})" if found else ""
    return WarehouseInUse(
        f"{path}: {IN_USE}{holder}; close that session (e.g. a Python or DuckDB shell that "
        "opened the file) and run again"
    )


def _migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    folder = resources.files("resque.warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def fault_point(step: str) -> None:
    """A named step of a rewrite or a snapshot publish; does nothing (tests stop here)."""


def connect(
    path: str | Path, *, read_only: bool = False, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the file; a missing, locked or corrupt file is a ResqueError, never a trace.

    Takes no writer lock: writers use `open_warehouse` or `opened`. `config`: DuckDB
    settings applied as the connection opens (the query command's lock-down).
    """
    path = Path(path)
    if read_only and not path.exists():
        raise ResqueError(f"{path}: no such database; run 'resque init' or 'resque run' first")
    _refuse_folder(path)
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.IOException as exc:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise _in_use(path, str(exc)) from exc
        raise ResqueError(f"{path}: cannot open the database ({message})") from exc
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        raise ResqueError(f"{path}: not a readable DuckDB database ({message})") from exc


def _refuse_folder(path: Path) -> None:
    """A folder where the database file should be is one line, not a DuckDB trace."""
    if path.exists() and path.is_dir():
        raise ResqueError(f"{path}: is a directory, not a database file")


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Migration versions already applied to this database."""
    con.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, name varchar not null,"
        " checksum varchar not null, applied_at timestamp not null)"
    )
    return {row[0] for row in con.execute("select version from schema_migrations").fetchall()}


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest migration applied (None before the first)."""
    return con.execute(sql("schema_version")).fetchall()[0][0]


# A migration whose SQL holds this line deletes personal data: the file is rewritten after it.
REWRITE_MARKER = "-- resque: rewrite the file after this migration"


def _fill_sectors(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 0009's data step: `wz2008` gets the official names, and every stored row
    its WZ columns. Each distinct sector text is mapped once, in Python, by the rule the
    load uses (matching/sectors.py)."""
    from resque.matching.sectors import normalise_sector, wz_names  # only this migration

    con.executemany("insert into wz2008 values (?, ?)", list(wz_names().items()))
    texts = [row[0] for row in con.execute(sql("sector_wz_texts")).fetchall()]
    mapped = [normalise_sector(text) for text in texts]
    sector_wz = pa.table(
        {
            "sector": texts,
            "section": [wz.section if wz else None for wz in mapped],
            "division": [wz.division if wz else None for wz in mapped],
        },
        schema=pa.schema(
            [("sector", pa.string()), ("section", pa.string()), ("division", pa.string())]
        ),
    )
    con.register("sector_wz", sector_wz)
    try:
        con.execute(sql("sector_wz_fill"))
    finally:
        con.unregister("sector_wz")


def _fill_parsed(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 0015's data step: the stored postings and profiles get their parsed columns,
    by the rules the import uses (warehouse/parsed.py)."""
    from resque.warehouse.parsed import fill_all  # only this migration

    fill_all(con)


def _fill_title_occupations(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 0016's data step: every posting's title_occupation by today's rule."""
    from resque.warehouse.parsed import fill_title_occupations  # only this migration

    fill_title_occupations(con)


# Data steps a migration's SQL cannot do, run in the migration's own transaction.
AFTER_MIGRATION: dict[int, Any] = {
    9: _fill_sectors,
    15: _fill_parsed,
    16: _fill_title_occupations,
}


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every pending migration, each in its own transaction; return their names.

    A migration marked with REWRITE_MARKER asks for a rewrite in its own transaction.
    """
    done = applied_versions(con)
    files = _migration_files()
    applied = []
    for version, name, text in files:
        if version in done:
            continue
        with transaction(con):
            if REWRITE_MARKER in text:  # 0006 comes before the table: create it here
                con.execute(dict((v, t) for v, _, t in files)[PENDING_REWRITE_MIGRATION])
            con.execute(text)
            if version in AFTER_MIGRATION:
                AFTER_MIGRATION[version](con)
            if REWRITE_MARKER in text:
                request_rewrite(con, name)
            con.execute(
                "insert into schema_migrations values (?, ?, ?, now()::timestamp)",
                [version, name, hashlib.sha256(text.encode()).hexdigest()[:16]],
            )
        log.info("applied migration %s", name)
        applied.append(name)
    return applied


def request_rewrite(con: duckdb.DuckDBPyConnection, reason: str, run_id: int | None = None):
    """Mark the file for a rewrite; call inside the transaction that deleted personal data."""
    con.execute(sql("rewrite_request"), {"reason": reason, "run_id": run_id}).fetchall()


def rewrite_pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a deletion still waits for the file to be rewritten."""
    return bool(con.execute(sql("rewrite_pending")).fetchone()[0])


# --- the writer lock --------------------------------------------------------------------------


def lock_path(path: str | Path) -> Path:
    """`.resque.duckdb.lock` for `resque.duckdb`: the writers' lock file (kept, never removed)."""
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


@dataclass
class _Hold:
    fd: int
    owner: int  # the thread holding it: nested opens in that thread share the lock
    depth: int = 1


_holds: dict[Path, _Hold] = {}
_holds_guard = threading.Lock()


def _acquire(path: Path) -> bool:
    """Take the writer lock, or nest in this thread's hold; True for the outermost hold."""
    key = path.resolve()
    with _holds_guard:
        hold = _holds.get(key)
        if hold is None:
            _holds[key] = _Hold(_lock_file(path), threading.get_ident())
            return True
        if hold.owner != threading.get_ident():
            raise WarehouseInUse(f"{path}: {IN_USE} (another thread of this process writes)")
        hold.depth += 1
        return False


def _release(path: Path) -> None:
    """Leave one hold of the writer lock; the last one unlocks the file."""
    key = path.resolve()
    with _holds_guard:
        hold = _holds[key]
        hold.depth -= 1
        if hold.depth == 0:
            del _holds[key]
            os.close(hold.fd)  # the only descriptor of the file here: releases the lock


def _lock_file(path: Path) -> int:
    """An exclusive lock on the lock file, or one line saying the warehouse is in use.

    A POSIX record lock (`lockf`), not `flock`: an flock is shared with every child forked
    while it is held (the ranker forks its worker pool), and such a child outliving a
    killed writer would keep the warehouse locked. A record lock belongs to this process
    alone and ends with it.
    """
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise ResqueError(f"{path}: cannot open the database ({exc.strerror})") from exc
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno not in (errno.EACCES, errno.EAGAIN):
            raise ResqueError(f"{path}: cannot lock the database ({exc.strerror})") from exc
        raise WarehouseInUse(
            f"{path}: {IN_USE} (another resque command writes to it); run again when it is done"
        ) from None
    return fd


@contextlib.contextmanager
def writer_lock(path: str | Path) -> Iterator[bool]:
    """Hold the warehouse's writer lock; yields whether this is the outermost hold."""
    path = Path(path)
    outermost = _acquire(path)
    try:
        yield outermost
    finally:
        _release(path)


def check_writable(path: str | Path) -> None:
    """Raise WarehouseInUse now if another process holds the warehouse; else do nothing.

    A cheap probe (milliseconds) for a command with a slow start-up: `resque run` starts
    Prefect and its temporary API (10-40 s) before its first step would meet the lock. It
    takes the writer lock and DuckDB's own write lock for an instant and lets both go; a
    holder that comes after it is still met by the steps (flows.py ends the run at once).
    A file that does not exist yet is nobody's.
    """
    path = Path(path)
    _refuse_folder(path)
    with writer_lock(path):
        if path.exists():
            connect(path).close()


# --- opening for writing ----------------------------------------------------------------------


class WriterConnection:
    """A writing connection that holds the writer lock until it is closed.

    Everything but `close` is the DuckDB connection's. Closing the outermost connection of
    a thread finishes a rewrite its work asked for (an erasure) before the lock is released.
    `applied` names the migrations its opening applied.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, outermost: bool, applied):
        self._con, self._path, self._outermost = con, path, outermost
        self._open = True
        self.applied: list[str] = applied

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def __enter__(self) -> WriterConnection:
        return self

    def __exit__(self, kind, *_) -> None:
        self.close(finish=kind is None)

    def close(self, *, finish: bool = True) -> None:
        """Close; then (unless `finish` is False) rewrite if an erasure asked for it."""
        if not self._open:
            return
        self._open = False
        try:
            pending = finish and self._outermost and _still_pending(self._con)
            self._con.close()
            if pending:
                finish_pending(self._path)
        finally:
            _release(self._path)


def _still_pending(con: duckdb.DuckDBPyConnection) -> bool:
    """`rewrite_pending`, or False if the connection cannot tell (the next open will)."""
    try:
        return rewrite_pending(con)
    except duckdb.Error:
        return False


def open_warehouse(path: str | Path) -> WriterConnection:
    """Open the warehouse for writing, creating it and applying migrations as needed.

    Takes the writer lock for the life of the connection; the outermost open of a thread
    first removes leftovers of interrupted rewrites and publishes and finishes a pending
    rewrite, so an erasure cut short by a kill or a full disk completes here.
    """
    path = Path(path)
    _refuse_folder(path)
    outermost = _acquire(path)
    con = None
    try:
        if outermost:
            remove_leftovers(path)
        con = connect(path)
        applied = migrate(con)
        if outermost and rewrite_pending(con):
            con.close()
            con = None
            finish_pending(path)
            con = connect(path)
    except BaseException:
        if con is not None:
            con.close()
        _release(path)
        raise
    return WriterConnection(con, path, outermost, applied)


@contextlib.contextmanager
def opened(path: str | Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one command, always closed: read-only, or migrated for writing.

    A writing one finishes a pending rewrite when it closes, unless the command failed:
    then the error stands and the next writable open finishes it.
    """
    con = connect(path, read_only=True) if read_only else open_warehouse(path)
    try:
        yield con
    except BaseException:
        if isinstance(con, WriterConnection):
            con.close(finish=False)
        else:
            con.close()
        raise
    con.close()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: everything inside lands, or nothing does."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


# --- the analysts' snapshot beside the warehouse ----------------------------------------------


def snapshot_path(db_path: str | Path) -> Path:
    """`resque.analytics.duckdb` for `resque.duckdb`: the snapshot beside its warehouse."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.analytics.duckdb")


def parquet_dir(db_path: str | Path) -> Path:
    """`resque.analytics.parquet/` for `resque.duckdb`: one Parquet file per snapshot table."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.analytics.parquet")


def scratch_leftovers(db_path: str | Path) -> list[Path]:
    """Scratch copies and folders of publishes that did not finish, whatever their pid."""
    target, folder = snapshot_path(db_path), parquet_dir(db_path)
    patterns = (f".{target.name}.*.tmp", f".{target.name}.*.tmp.wal",
                f".{folder.name}.*.tmp", f".{folder.name}.*.old")  # fmt: skip
    return sorted({p for pattern in patterns for p in target.parent.glob(pattern)})


# What republishes the snapshot when an erasure completes: (connection, warehouse path) -> Any.
# warehouse/snapshot.py imports this module, so it cannot be imported here; the package sets
# it to `snapshot.publish_snapshot` as it is imported (warehouse/__init__.py).
Publish = Callable[[duckdb.DuckDBPyConnection, Path], Any]
_republish: Publish | None = None


def republish_with(publish: Publish) -> None:
    """Register the function `finish_pending` republishes the snapshot with."""
    global _republish
    _republish = publish


# --- rewriting without the freed blocks -------------------------------------------------------


def rewrite_scratch(path: str | Path) -> Path:
    """`.resque.duckdb.rewrite`: where the fresh copy is written before it replaces the file."""
    path = Path(path)
    return path.with_name(f".{path.name}.rewrite")


def finish_pending(path: str | Path) -> None:
    """Republish the snapshot (if there is one) without the deleted rows, then rewrite.

    The fresh copy no longer holds the marker, so the erasure is complete the moment it
    replaces the file. Snapshot first: a rewrite that cleared the marker before a failed
    publish would leave the old snapshot holding the person with nothing left to say so.
    """
    path = Path(path)
    with writer_lock(path):
        fault_point("erasure.pending")
        if snapshot_path(path).exists() or parquet_dir(path).exists():
            if _republish is None:  # a bug, not a user's error: the erasure stays pending
                raise RuntimeError("no snapshot publisher registered (see republish_with)")
            try:
                with contextlib.closing(connect(path)) as con:
                    _republish(con, path)
            except ResqueError as exc:
                raise ResqueError(f"{exc}; {STILL_PENDING}") from exc
        rewrite(path)


def rewrite(path: str | Path) -> None:
    """Copy the warehouse into a fresh file and put that in place of the old one.

    DuckDB marks the blocks of deleted rows free but does not clear them: after an erasure
    the person's values would stay readable in the file, and in every backup of it, until
    the blocks happen to be reused. The copy holds only live rows (tables, views,
    constraints and sequences as they were) and no pending-rewrite marker; it is synced to
    disk before it replaces the file, and the rename is synced too. Holds the writer lock
    throughout; no connection to `path` may be open.
    """
    path = Path(path)
    fresh = rewrite_scratch(path)
    with writer_lock(path):
        remove_files(fresh)
        try:
            _fold_wal(path)
            fault_point("rewrite.copy")
            _copy_live_rows(path, fresh)
            fault_point("rewrite.copied")
            os.chmod(fresh, 0o600)
            _fsync(fresh)
            os.replace(fresh, path)
        except (duckdb.Error, OSError) as exc:
            remove_files(fresh)
            message = str(exc).splitlines()[0]
            raise ResqueError(
                f"{path}: could not rewrite the database ({message}); {STILL_PENDING}"
            ) from exc
        fault_point("rewrite.replaced")
        _fsync(path.parent)  # the rename itself must survive a power cut
    log.info("rewrote %s without the blocks of deleted rows", path)


def _fold_wal(path: Path) -> None:
    """Checkpoint a WAL left by a killed writer: it belongs to the old file, not the copy."""
    if not _wal(path).exists():
        return
    with contextlib.closing(connect(path)) as con:
        con.execute("force checkpoint")
    if _wal(path).exists():
        raise OSError(f"{_wal(path).name} is still there after a checkpoint")


def _copy_live_rows(path: Path, fresh: Path) -> None:
    """Every live row of `path` into the new file `fresh`, without the rewrite marker."""
    con = duckdb.connect()
    try:
        con.execute("attach ? as old (read_only)", [str(path)])
        con.execute("attach ? as fresh", [str(fresh)])
        con.execute("copy from database old to fresh")
        marker = con.execute(
            "select count(*) from duckdb_tables() "
            "where database_name = 'fresh' and table_name = 'pending_rewrite'"
        ).fetchone()[0]
        if marker:
            con.execute("delete from fresh.pending_rewrite")
        con.execute("detach old")
        con.execute("detach fresh")  # the last reference: checkpoints, removes the WAL
    finally:
        con.close()
    if _wal(fresh).exists():
        raise OSError(f"{_wal(fresh).name} is still there after the copy")


def _wal(path: Path) -> Path:
    return Path(f"{path}.wal")


def _fsync(path: Path) -> None:
    """Flush a file's or a folder's entry to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_files(*paths: Path) -> None:
    """Files (with their WAL) or folders, if they are there: scratch copies of the warehouse."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
            _wal(path).unlink(missing_ok=True)


def remove_leftovers(path: str | Path) -> list[Path]:
    """Remove the scratch files of interrupted rewrites and snapshot publishes; return them.

    Any process's: called with the writer lock held (or, by a publish, with the only
    writing connection DuckDB allows open), when nobody else can be rewriting or publishing
    this warehouse, so every one of them is stale. They are whole or partial copies of the
    warehouse, people included.
    """
    path = Path(path)
    found = [p for p in (rewrite_scratch(path), _wal(rewrite_scratch(path))) if p.exists()]
    found += scratch_leftovers(path)
    remove_files(*found)
    if found:
        log.info("removed %d leftover(s) of interrupted steps beside %s", len(found), path)
    return found

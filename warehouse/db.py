"""Opening the warehouse file and keeping its schema current."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import duckdb

from pipelines.errors import ResqueError

log = logging.getLogger(__name__)


def _migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    folder = resources.files("warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def sql(name: str) -> str:
    """The text of a named SQL file in warehouse/sql/."""
    return (resources.files("warehouse") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a missing, locked or corrupt file is a ResqueError, never a trace."""
    path = Path(path)
    if read_only and not path.exists():
        raise ResqueError(f"{path}: no such database; run 'resque init' or 'resque run' first")
    if path.exists() and path.is_dir():
        raise ResqueError(f"{path}: is a directory, not a database file")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise ResqueError(f"{path}: the database is in use by another process") from exc
        raise ResqueError(f"{path}: cannot open the database ({message})") from exc
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        raise ResqueError(f"{path}: not a readable DuckDB database ({message})") from exc


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Migration versions already applied to this database."""
    con.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, name varchar not null,"
        " checksum varchar not null, applied_at timestamp not null)"
    )
    return {row[0] for row in con.execute("select version from schema_migrations").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every pending migration, each in its own transaction; return their names."""
    done = applied_versions(con)
    applied = []
    for version, name, text in _migration_files():
        if version in done:
            continue
        with transaction(con):
            con.execute(text)
            con.execute(
                "insert into schema_migrations values (?, ?, ?, now()::timestamp)",
                [version, name, hashlib.sha256(text.encode()).hexdigest()[:16]],
            )
        log.info("applied migration %s", name)
        applied.append(name)
    return applied


# A migration whose SQL holds this line deletes personal data: the file is rewritten after it.
REWRITE_MARKER = "-- resque: rewrite the file after this migration"


def open_warehouse(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, creating it and applying migrations as needed."""
    con = connect(path)
    applied = migrate(con)
    texts = {name: text for _, name, text in _migration_files()}
    if any(REWRITE_MARKER in texts[name] for name in applied):
        con.close()
        rewrite(path)
        con = connect(path)
    return con


def rewrite(path: str | Path) -> None:
    """Copy the warehouse into a fresh file and put that in place of the old one.

    DuckDB marks the blocks of deleted rows free but does not clear them: after an erasure
    the person's values would stay readable in the file, and in every backup of it, until
    the blocks happen to be reused. The copy holds only live rows (tables, views,
    constraints and sequences as they were). No connection to `path` may be open.
    """
    path = Path(path)
    fresh = path.with_name(f".{path.name}.rewrite")
    fresh.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute("attach ? as old (read_only)", [str(path)])
        con.execute("attach ? as fresh", [str(fresh)])
        con.execute("copy from database old to fresh")
        con.execute("detach old")
        con.execute("detach fresh")
    except duckdb.Error as exc:
        fresh.unlink(missing_ok=True)
        message = str(exc).splitlines()[0]
        raise ResqueError(f"{path}: could not rewrite the database ({message})") from exc
    finally:
        con.close()
    os.chmod(fresh, 0o600)
    with open(fresh, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(fresh, path)
    log.info("rewrote %s without the blocks of deleted rows", path)


@contextlib.contextmanager
def opened(path: str | Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one command, always closed: read-only, or migrated for writing."""
    con = connect(path, read_only=True) if read_only else open_warehouse(path)
    try:
        yield con
    finally:
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

"""Opening the warehouse file and keeping its schema current."""

from __future__ import annotations

import contextlib
import hashlib
import logging
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


def open_warehouse(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, creating it and applying migrations as needed."""
    con = connect(path)
    migrate(con)
    return con


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

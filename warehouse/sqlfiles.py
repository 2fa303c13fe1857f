"""The named SQL statements of warehouse/sql/, one file per statement, and the tables they
read from Python.

Apart from db.py so that a module db.py calls (a migration's data step, warehouse/parsed.py)
can run its statements without importing db.py back; db.sql and db.registered are these.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from typing import Any

import duckdb


def sql(name: str) -> str:
    """The text of a named SQL file under warehouse/sql/ ('linkage/read_dirty' is a subfolder's)."""
    return (resources.files("resque.warehouse") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: Any) -> Iterator[None]:
    """Arrow tables or DataFrames registered under their names for the statements run
    inside, and unregistered however the block ends (a registration outlives a rollback)."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)

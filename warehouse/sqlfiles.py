"""The named SQL statements of warehouse/sql/, one file per statement.

Apart from db.py so that a module db.py calls (a migration's data step, warehouse/parsed.py)
can read its statements without importing db.py back; db.sql is this function.
"""

from __future__ import annotations

from importlib import resources


def sql(name: str) -> str:
    """The text of a named SQL file under warehouse/sql/ ('linkage/read_dirty' is a subfolder's)."""
    return (resources.files("resque.warehouse") / "sql" / f"{name}.sql").read_text(encoding="utf-8")

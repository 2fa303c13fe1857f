"""Helpers of the durable-erasure tests: who is forgotten, where their bytes could hide, and
stopping a rewrite or a snapshot publish at a named step (`warehouse.db.fault_point`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import duckdb

from tests.conftest import SAMPLES, pseudonym_of

PARTICIPANTS = SAMPLES / "teilnehmende_kompetenzanalyse.csv"
# The person forgotten, and a free-text value of their profile found in no other profile.
WHO_SOURCE_ID = "TN-2026-004"
FREE_TEXT = "Logistik-Ausbildung Afghanistan"


def who() -> str:
    """The pseudonym of the person forgotten (made with the tests' key)."""
    return pseudonym_of(WHO_SOURCE_ID)


def needles() -> list[str]:
    """What must not be found anywhere once the person is forgotten."""
    return [who(), FREE_TEXT, WHO_SOURCE_ID]


def every_file(folder: Path) -> list[Path]:
    """Every file under `folder`, recursively, dot-files, WALs and scratch folders included."""
    return sorted(Path(root) / name for root, _, files in os.walk(folder) for name in files)


def leaks(folder: Path, texts: list[str]) -> list[tuple[str, str]]:
    """(file, text) for every text found in a file under `folder`.

    Raw bytes first; then, since Parquet pages are compressed and DuckDB may compress
    strings, the values of every readable Parquet or DuckDB file as text.
    """
    found = []
    for path in every_file(folder):
        raw = path.read_bytes()
        decoded = _decoded(path, raw)
        found += [
            (str(path.relative_to(folder)), text)
            for text in texts
            if text.encode() in raw or text in decoded
        ]
    return found


def _decoded(path: Path, raw: bytes) -> str:
    """The values of a Parquet file or DuckDB database as text ('' for other files)."""
    try:
        if raw[:4] == b"PAR1":
            with duckdb.connect() as con:
                return repr(con.execute("select * from read_parquet(?)", [str(path)]).fetchall())
        if raw[8:12] == b"DUCK":
            with duckdb.connect(str(path), read_only=True) as con:
                tables = con.execute("select table_name from duckdb_tables()").fetchall()
                names = [row[0] for row in tables]
                return repr([con.execute(f'select * from "{n}"').fetchall() for n in names])
    except duckdb.Error:  # a half-written copy: its raw bytes were searched
        return ""
    return ""


def scratch(folder: Path) -> list[str]:
    """Names of scratch files and folders of rewrites and publishes under `folder`."""
    marks = (".rewrite", ".rewrite.wal", ".tmp", ".tmp.wal", ".old")
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(marks))


def pending(db: Path) -> int:
    """Rows of the rewrite marker (migration 0008)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from pending_rewrite").fetchone()[0]


def on_fault_point(hook: Callable[[str], None], monkeypatch=None) -> None:
    """Call `hook(step)` at every named step of a rewrite or snapshot publish (for good, or
    for one test with `monkeypatch`; on main, which had no such steps, it is never called)."""
    from resque.warehouse import db, snapshot

    for module in (db, snapshot):
        if monkeypatch is None:
            module.fault_point = hook
        else:
            monkeypatch.setattr(module, "fault_point", hook, raising=False)

"""The analysts' read-only copy of the warehouse, published at the end of each nightly run.

DuckDB lets one process write a database file, and while it does no other process can open
the file, not even read-only. So analysts query a copy: `resque.analytics.duckdb` next to
the warehouse, plus one Parquet file per table in `resque.analytics.parquet/`.

The copy is made with `ATTACH` and one `create table ... as select` per table, all inside
one transaction of the writing connection: DuckDB's MVCC gives every table as of the same
commit, so the copy is consistent by construction (a checkpoint plus a byte copy of the
file would be consistent only as long as nothing touched the file meanwhile, and would
carry free blocks and the raw payloads along). The copy is written under a temporary name
and renamed over the old one, so a reader sees either the old or the new snapshot, never
a half-written one; a reader that has the old file open keeps reading it.

Left out: `raw_records` (payloads as the sources sent them, which may name contact
persons) and the payload column of `rejects`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import ResqueError
from warehouse.db import connect, sql, transaction
from warehouse.runs import next_run_id, record_run, utcnow

log = logging.getLogger(__name__)
LEFT_OUT_TABLES = {"raw_records"}
LEFT_OUT_COLUMNS = {"rejects": ["payload"]}


def snapshot_path(db_path: str | Path) -> Path:
    """`resque.analytics.duckdb` for `resque.duckdb`: the snapshot beside its warehouse."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.analytics.duckdb")


def parquet_dir(db_path: str | Path) -> Path:
    """`resque.analytics.parquet/` for `resque.duckdb`: one Parquet file per snapshot table."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.analytics.parquet")


def publish_snapshot(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> dict[str, Any]:
    """Copy the warehouse to its read-only snapshot and Parquet folder, replacing both.

    Args:
        con: the open (writing) connection to the warehouse at `db_path`.
        db_path: the warehouse file; the snapshot is written beside it.
    Returns:
        {'run_id', 'path', 'parquet', 'tables': {name: rows}, 'rows', 'seconds'}.
        Raises ResqueError (after recording a failed 'snapshot' run) if it cannot be written;
        the previous snapshot then stays in place.
    """
    run_id, started, clock = next_run_id(con), utcnow(), time.perf_counter()
    target, folder = snapshot_path(db_path), parquet_dir(db_path)
    scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    scratch_folder = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    details: dict[str, Any] = {"path": str(target), "parquet": str(folder)}
    try:
        _remove(scratch, scratch_folder)
        tables = _copy_tables(con, scratch)
        _recreate_views(con, scratch)
        _write_parquet(scratch, scratch_folder, tables)
        os.replace(scratch, target)
        _swap_folder(scratch_folder, folder)
    except (duckdb.Error, OSError) as exc:
        _remove(scratch, scratch_folder)
        message = f"{target}: snapshot failed ({str(exc).splitlines()[0]})"
        _record(con, run_id, started, "failed", details, error=message)
        raise ResqueError(message) from exc
    details.update(
        tables=tables, rows=sum(tables.values()), seconds=round(time.perf_counter() - clock, 2)
    )
    _record(con, run_id, started, "succeeded", details)
    log.info("snapshot %s: %s tables, %s rows", target, len(tables), details["rows"])
    return {"run_id": run_id, **details}


def _copy_tables(con: duckdb.DuckDBPyConnection, scratch: Path) -> dict[str, int]:
    """Every table (but the left-out ones) into a new database file, in one transaction."""
    names = [r[0] for r in con.execute(sql("snapshot_tables")).fetchall()]
    names = [n for n in names if n not in LEFT_OUT_TABLES]
    con.execute("attach ? as snapshot", [str(scratch)])
    try:
        with transaction(con):
            for name in names:
                dropped = LEFT_OUT_COLUMNS.get(name)
                columns = f"* exclude ({', '.join(dropped)})" if dropped else "*"
                con.execute(
                    f'create table snapshot."{name}" as select {columns} from main."{name}"'
                )
            counts = {
                name: con.execute(f'select count(*) from snapshot."{name}"').fetchone()[0]
                for name in names
            }
    finally:
        con.execute("detach snapshot")
    return counts


def _recreate_views(con: duckdb.DuckDBPyConnection, scratch: Path) -> None:
    """The warehouse's views (the analyst views among them), defined again in the copy."""
    views = con.execute(sql("snapshot_views")).fetchall()
    with contextlib.closing(connect(scratch)) as copy:
        for _name, definition in views:
            copy.execute(definition)


def _write_parquet(scratch: Path, folder: Path, tables: dict[str, int]) -> None:
    """One Parquet file per table of the copy, written into a fresh folder."""
    folder.mkdir()
    with contextlib.closing(connect(scratch, read_only=True)) as copy:
        for name in tables:
            target = str(folder / f"{name}.parquet").replace("'", "''")
            copy.execute(f"copy \"{name}\" to '{target}' (format parquet, compression zstd)")


def _swap_folder(new: Path, folder: Path) -> None:
    """Put the new Parquet folder in place of the old one (two renames, then clean up)."""
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def _remove(*paths: Path) -> None:
    """Leftovers of an interrupted attempt."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)


def _record(con, run_id: int, started, status: str, details: dict, error: str | None = None):
    """The snapshot step's runs row (kind 'snapshot')."""
    record_run(
        con,
        run_id,
        kind="snapshot",
        source=None,
        started_at=started,
        status=status,
        counts={"rows_in": details.get("rows"), "rows_loaded": details.get("rows")},
        error=error,
        details=details,
    )

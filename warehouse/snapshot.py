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
a half-written one; a reader that has the old file open keeps reading it. The scratch
copies of a publish that was killed are removed by the next publish or writable open
(`warehouse.db.remove_leftovers`, any process's: only one process can write the warehouse).

What it holds is an allow-list, `SNAPSHOT_COLUMNS` (docs/schema.md, "What the snapshot
holds"): tables about vacancies and runs whole; of the tables about participants only the
listed columns, so no free-text profile field (skills, qualifications, languages), no home
postcode, no match reasons quoting the profile, no erasure hash. Left out entirely:
`raw_records` (payloads as the sources sent them, which may name contact persons),
`pseudonym_keys`, and any table a later migration adds until it is named here.

Analysts open the copy with their own DuckDB, often an older one than the pipeline's: the
file is written in the storage format of `STORAGE_VERSION`, and the Parquet folder gets a
`views.sql` that defines the tables and the analyst views over the Parquet files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from resque.errors import ResqueError
from resque.warehouse.db import (  # snapshot_path, parquet_dir: callers import them here too
    connect,
    fault_point,
    parquet_dir,
    remove_files,
    remove_leftovers,
    snapshot_path,
    sql,
    transaction,
)
from resque.warehouse.runs import next_run_id, record_run, utcnow

log = logging.getLogger(__name__)
# The storage format the snapshot is written in. DuckDB 2.x writes format 69 by default,
# which DuckDB 1.5 (the analysts' `duckdb-cli`) refuses to open; v1.5.0 (format 68) opens
# in DuckDB and duckdb-cli 1.5.0 and later, 2.x included. Older formats cannot hold VARIANT
# columns. Raise it only when every analyst's client reads the newer one (docs/schema.md).
STORAGE_VERSION = "v1.5.0"
# Beside the Parquet files: the tables as views over them, then the analyst views.
VIEWS_FILE = "views.sql"
VIEWS_HEADER = """\
-- The analysts' snapshot as views over the Parquet files beside this file (resque writes it).
-- From inside this folder:  duckdb -init views.sql
--                      or:  duckdb -c ".read views.sql" -c "select * from weekly_vacancies"
-- From elsewhere, with the folder as DuckDB's file search path:
--   duckdb -cmd "set file_search_path = 'FOLDER'" -c ".read FOLDER/views.sql"
"""
ALL = ("*",)
# Table -> the columns the snapshot gets, each `name` or `expression as name`. A table not
# named here is not copied; a column not listed stays in the warehouse.
SNAPSHOT_COLUMNS: dict[str, tuple[str, ...]] = {
    "postings": ALL,
    "vacancies": ALL,
    "employers": ALL,
    "duplicate_pairs": ALL,
    "vacancy_events": ALL,
    "runs": ALL,
    "run_source_counts": ALL,  # what each source held at each night's close (issue 16)
    "exports": ALL,
    "schema_migrations": ALL,
    "wz2008": ALL,  # the official WZ 2008 names (public reference data), for sector labels
    "rejects": ("run_id", "source", "row_number", "source_ref", "reason"),
    # Pseudonym, wish, the coded conditions of a match, and how much the profile says:
    # counts, never the free text (skills, qualifications and languages as written can
    # single a person out, and a mother tongue tells their origin), nor the home postcode.
    "participants": (
        "participant_id",
        "desired_occupations",
        "working_time",
        "accepts_shift",
        "radius_km",
        "available_from",
        "is_active",
        "source",
        "updated_at",
        "first_run_id",
        "last_run_id",
        "coalesce(len(skills), 0) as n_skills",
        "coalesce(len(qualifications), 0) as n_qualifications",
        "coalesce(len(languages), 0) as n_languages",
        "coalesce(len(licences), 0) as n_licences",
    ),
    # Without `reasons`: they quote the profile's skills and languages.
    "matches": ("run_id", "participant_id", "vacancy_id", "rank", "score", "distance_km"),
    # Without `note`, a job coach's free text.
    "match_approvals": ("run_id", "approved_by", "approved_at"),
    # A partner's word on a vacancy (issue 16), without `note`, the partner's free text; the
    # view vacancy_partner_reports reads no other column.
    "vacancy_notes": (
        "vacancy_id",
        "listed_id",
        "partner",
        "still_open",
        "places",
        "start_date",
        "contact_known_at",
        "received_at",
        "run_id",
        "row_number",
    ),
    # Without `id_hash`, which confirms a guessed pseudonym as forgotten.
    "forgotten_participants": (
        "forgotten_at",
        "reason",
        "participants_removed",
        "matches_removed",
        "rejects_removed",
    ),
}


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
        remove_leftovers(db_path)
        fault_point("snapshot.copy")
        tables = _copy_tables(con, scratch)
        _recreate_views(con, scratch)
        fault_point("snapshot.parquet")
        _write_parquet(scratch, scratch_folder, tables)
        _write_views_file(scratch, scratch_folder, tables)
        fault_point("snapshot.rename")
        os.replace(scratch, target)
        fault_point("snapshot.swap")
        _swap_folder(scratch_folder, folder)
        fault_point("snapshot.swapped")
    except (duckdb.Error, OSError) as exc:
        remove_files(scratch, scratch_folder)
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
    """The allow-listed tables and columns into a new database file, in one transaction."""
    names = [r[0] for r in con.execute(sql("snapshot_tables")).fetchall()]
    names = [n for n in names if n in SNAPSHOT_COLUMNS]
    con.execute(f"attach ? as snapshot (storage_version '{STORAGE_VERSION}')", [str(scratch)])
    try:
        with transaction(con):
            for name in names:
                columns = ", ".join(SNAPSHOT_COLUMNS[name])
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


def _write_views_file(scratch: Path, folder: Path, tables: dict[str, int]) -> None:
    """`views.sql`: the tables as views over their Parquet files, then the analyst views.

    The paths are relative, so the folder can be moved or copied whole: DuckDB reads them
    from its working directory, or from `file_search_path` (docs/schema.md).
    """
    with contextlib.closing(connect(scratch, read_only=True)) as copy:
        views = copy.execute(sql("snapshot_views")).fetchall()
    lines = [VIEWS_HEADER]
    for name in tables:
        quoted = name.replace('"', '""')
        source = f"{name}.parquet".replace("'", "''")
        lines.append(
            f"create or replace view \"{quoted}\" as select * from read_parquet('{source}');"
        )
    lines.append("")
    lines.extend(_or_replace(definition) for _name, definition in views)
    (folder / VIEWS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _or_replace(definition: str) -> str:
    """A view's `CREATE VIEW` as `CREATE OR REPLACE VIEW`, so the file can be read twice."""
    return re.sub(r"^\s*create\s+view\b", "create or replace view", definition, count=1, flags=re.I)


def _swap_folder(new: Path, folder: Path) -> None:
    """Put the new Parquet folder in place of the old one (two renames, then clean up)."""
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(new, folder)
    shutil.rmtree(old, ignore_errors=True)


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

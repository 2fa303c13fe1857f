"""The store stage and the file importer built on it.

`store()` takes records from any source (a file, a crawl), runs normalise -> validate, and
loads the batch in one transaction together with its `runs` row. A failed step rolls back
and leaves only a `runs` row with status 'failed'.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipelines import stages
from pipelines.errors import ResqueError
from pipelines.headers import map_columns, require_columns
from pipelines.readers import read_table
from warehouse.db import transaction
from warehouse.load import LoadCounts, RawRows, insert_reader_rejects, load_batch
from warehouse.runs import next_run_id, record_run, utcnow

log = logging.getLogger(__name__)
SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class StepResult:
    """What a finished import or crawl load did."""

    run_id: int
    source: str
    entity: str
    counts: LoadCounts
    details: dict[str, Any] = field(default_factory=dict)


def check_source_name(source: str) -> str:
    """Source names become ids and file names: letters, digits, '_', '.', '-' only."""
    if not SOURCE_NAME.match(source or ""):
        raise ResqueError(
            f"source name {source!r}: use letters, digits, '_', '.' or '-' (at most 64)"
        )
    return source


def _json_value(value: Any) -> Any:
    """JSON for cell values that json does not know: dates, times, numpy numbers."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def raw_rows(frame: pd.DataFrame) -> RawRows:
    """The rows as read, for the raw_records table, in frame order."""
    if all(isinstance(t, pd.StringDtype) for t in frame.dtypes):
        # all-text frames (CSV) become JSON inside DuckDB: no Python loop per row
        return RawRows(pa.Table.from_pandas(frame, preserve_index=False))
    columns = list(frame.columns)
    texts = [
        json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=_json_value)
        for row in frame.itertuples(index=False, name=None)
    ]
    return RawRows(pa.table({"payload": pa.array(texts, pa.string())}), is_json_text=True)


def store(
    con: duckdb.DuckDBPyConnection,
    records: pd.DataFrame,
    raw: RawRows,
    *,
    entity: str,
    source: str,
    kind: str,
    snapshot: bool,
    defaults: dict[str, Any] | None = None,
    bad_rows: list[tuple[int | None, str, str]] | None = None,
    details: dict[str, Any] | None = None,
    status: str = "succeeded",
) -> StepResult:
    """Normalise, validate and load one batch as one transaction with its runs row."""
    run_id, started = next_run_id(con), utcnow()
    details = dict(details or {})
    bad_rows = bad_rows or []
    try:
        batch = stages.validate(stages.normalise(records, entity, defaults), entity)
        accepted = int(batch[stages.REJECT].isna().sum())
        if snapshot and accepted == 0:
            raise ResqueError(
                f"{details.get('path', source)}: no valid row; refusing to treat an empty list "
                "as the complete list (it would deactivate everything)"
            )
        with transaction(con):
            counts = load_batch(
                con,
                entity,
                batch,
                raw,
                source=source,
                run_id=run_id,
                now=started,
                snapshot=snapshot,
            )
            insert_reader_rejects(con, bad_rows, source, run_id)
            counts.rows_in += len(bad_rows)
            counts.rows_rejected += len(bad_rows)
            record_run(
                con,
                run_id,
                kind=kind,
                source=source,
                started_at=started,
                status=status,
                counts=counts.as_dict(),
                details=details,
            )
    except ResqueError as exc:
        record_failure(con, run_id, kind, source, started, str(exc), details)
        raise
    except (duckdb.Error, OSError, MemoryError) as exc:
        message = f"{details.get('path', source)}: load failed ({str(exc).splitlines()[0]})"
        record_failure(con, run_id, kind, source, started, message, details)
        raise ResqueError(message) from exc
    log.info("%s %s: %s", kind, source, counts.as_dict())
    return StepResult(run_id, source, entity, counts, details)


def record_failure(con, run_id, kind, source, started, message, details) -> None:
    """The failed step's runs row, written after its transaction rolled back."""
    try:
        record_run(
            con,
            run_id,
            kind=kind,
            source=source,
            started_at=started,
            status="failed",
            error=message,
            details=details,
        )
    except duckdb.Error as exc:
        # the step's own error says what went wrong (often the same full disk)
        log.info("could not record the failed run %s: %s", run_id, str(exc).splitlines()[0])


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    entity: str,
    source: str,
    overrides: dict[str, str] | None = None,
    snapshot: bool = False,
    sheet: str | None = None,
    defaults: dict[str, Any] | None = None,
    key_file: Path | None = None,
) -> StepResult:
    """Import a CSV/XLSX/JSONL file of vacancies or employers as source `source`.

    Args:
        overrides: {file column: record field}, beating the header synonyms.
        snapshot: the file is the source's complete current list (`--full`).
        key_file: `[privacy] key_file`, for participant files (pipelines/pseudonym_key.py).
    Returns:
        The step's run id and counts. Raises ResqueError with one line on bad input,
        after recording a failed run; the warehouse is then as it was.
    """
    if entity == "participants":
        # profiles pass the privacy guard and keep no raw payload: their own importer
        from pipelines.participants import import_participants

        return import_participants(
            con,
            path,
            source=source,
            overrides=overrides,
            snapshot=snapshot,
            sheet=sheet,
            defaults=defaults,
            key_file=key_file,
        )
    check_source_name(source)
    details: dict[str, Any] = {"path": str(path), "snapshot": snapshot}
    run_for_errors = (con, "import", source, details)
    try:
        table = read_table(path, entity, sheet)
        details.update(table.detail)
        columns = list(table.frame.columns)
        mapping = map_columns(columns, entity, overrides)
        require_columns(mapping, columns, entity, str(path))
        details["columns"] = mapping
        records = stages.to_record_frame(table, mapping, source, entity)
        rows = raw_rows(table.frame)
    except ResqueError as exc:
        _fail_before_load(*run_for_errors, str(exc))
        raise
    return store(
        con,
        records,
        rows,
        entity=entity,
        source=source,
        kind="import",
        snapshot=snapshot,
        defaults=defaults,
        bad_rows=table.bad_rows,
        details=details,
    )


def _fail_before_load(con, kind: str, source: str, details: dict[str, Any], message: str) -> None:
    """A step that failed before loading still leaves its failed runs row."""
    record_failure(con, next_run_id(con), kind, source, utcnow(), message, details)

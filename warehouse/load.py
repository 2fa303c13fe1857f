"""Set-based loads of a validated batch into the warehouse.

The caller holds the transaction: a load either lands whole or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from resque.errors import ResqueError
from resque.warehouse.db import registered, sql
from resque.warehouse.parsed import fill_title_occupations, new_title_keys, reset_changed_titles

_TEXT, _DATE = pa.string(), pa.date32()
BATCH_SCHEMAS = {
    "vacancies": pa.schema(
        [
            (name, _TEXT)
            for name in (
                "source",
                "source_ref",
                "title",
                "employer",
                "occupation",
                "sector",
                "sector_wz_section",
                "sector_wz_division",
                "postcode",
                "city",
                "street",
            )
        ]
        + [
            ("lat", pa.float64()),
            ("lon", pa.float64()),
            ("description", _TEXT),
            ("employment_type", _TEXT),
            ("working_time", _TEXT),
            ("start_date", _DATE),
            ("start_text", _TEXT),
            ("is_immediate_start", pa.bool_()),
            ("places", pa.int32()),
            ("url", _TEXT),
            ("posted_at", _DATE),
            ("valid_through", _DATE),
            ("row_number", pa.int64()),
            ("reject_reason", _TEXT),
        ]
    ),
    "employers": pa.schema(
        [
            (name, _TEXT)
            for name in (
                "source",
                "source_ref",
                "name",
                "name_normalised",
                "sector",
                "sector_wz_section",
                "sector_wz_division",
                "postcode",
                "city",
                "street",
                "url",
            )
        ]
        + [("row_number", pa.int64()), ("reject_reason", _TEXT)]
    ),
}
TABLES = {"vacancies": "postings", "employers": "employers"}
# DuckDB keeps up to 80% of the machine's memory in buffers; a load of a million rows would
# hold them all (staged rows, payloads, the merged tables). Above this a load spills to
# DuckDB's temp directory and evicts written blocks instead. At 512 MB a 1M-row import
# spilled its staged rows while inserting them (1 s more); 1 GB with the reader's small
# blocks peaks at ~1.35 GB, under issue 16's 1.5 GB.
LOAD_MEMORY_LIMIT = "1GB"
# The postings upsert, in this order (each step's file says what it does). One MERGE of
# every column took three times as long: it rewrote all columns of every row seen again.
POSTING_MERGE_STEPS = (
    "merge_postings_seen",
    "merge_postings_wz",
    "merge_postings_changed",
    "merge_postings_new",
)
# A snapshot may always deactivate this many records, whatever the share: a list of three
# that lost one has not been cut short.
SHRINK_ALWAYS_ALLOWED = 3


@dataclass
class RawRows:
    """The rows as received: either columns of text, or one column of JSON text each."""

    table: pa.Table
    is_json_text: bool = False

    @property
    def json_expression(self) -> str:
        """SQL turning the column `raw` (see `column`) into a row's JSON payload."""
        return "raw::json" if self.is_json_text else "to_json(raw)"

    def column(self) -> pa.ChunkedArray:
        """The rows as one column, beside the batch's: the JSON text, or a struct per row
        (whose JSON is the row's own: the same payload and payload hash as before)."""
        if self.is_json_text:
            return self.table.column("payload")
        return self.table.to_struct_array()


@dataclass
class LoadCounts:
    """What one load did, as recorded in `runs`."""

    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_deactivated: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@contextlib.contextmanager
def memory_capped(con: duckdb.DuckDBPyConnection, limit: str = LOAD_MEMORY_LIMIT) -> Iterator[None]:
    """DuckDB's memory limit lowered to `limit` for a load into a database file.

    An in-memory database cannot evict its tables' blocks: it keeps its limit.
    """
    is_file = con.execute(sql("stage_memory_limit")).fetchone()[1]
    if is_file:
        con.execute(sql("stage_set_memory_limit").format(limit=limit))
    try:
        yield
    finally:
        if is_file:
            with contextlib.suppress(duckdb.Error):
                con.execute(sql("stage_reset_memory_limit"))


def load_batch(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    batch: pd.DataFrame,
    raw: RawRows,
    *,
    source: str,
    run_id: int,
    now: dt.datetime,
    snapshot: bool,
    max_shrink: float | None = None,
) -> LoadCounts:
    """Store one validated batch: `stage_batch` then `load_staged` (see there)."""
    stage_batch(con, entity, batch, raw, position=0)
    return load_staged(
        con,
        entity,
        source=source,
        run_id=run_id,
        now=now,
        snapshot=snapshot,
        max_shrink=max_shrink,
    )


def stage_batch(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    batch: pd.DataFrame,
    raw: RawRows,
    *,
    position: int,
) -> int:
    """Add one validated batch to the temp table `staged`; a load's first batch starts it.

    Args:
        batch: normalised records with `row_number` and `reject_reason` columns.
        raw: the rows as the source sent them, one per batch row, in the same order.
        position: how many rows the load staged before this batch (0 starts a new load).
    Returns:
        The position after this batch.
    """
    schema = BATCH_SCHEMAS[entity]
    table = pa.Table.from_pandas(batch[schema.names], schema=schema, preserve_index=False)
    positions = pa.array(range(position, position + table.num_rows), pa.int64())
    # read by DuckDB's scan of this function's locals, not registered: a registered view
    # stays in the catalog, and its Arrow table in memory, until the transaction ends.
    # The raw rows are a column of the same table: a positional join of two tables is
    # scanned by one thread, one table by all (twice as fast on two cores).
    table = table.append_column("position", positions)
    batch = table.append_column("raw", raw.column())  # noqa: F841
    into = "create or replace temp table staged as" if position == 0 else "insert into staged"
    con.execute(sql(f"stage_{TABLES[entity]}").format(into=into, payload=raw.json_expression))
    return position + table.num_rows


def staged_accepted(con: duckdb.DuckDBPyConnection) -> int:
    """Reject the staged load's duplicate ids (the first one stays); how many rows remain."""
    rows_in, rejected = _settle_duplicates(con)
    return rows_in - rejected


def _settle_duplicates(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Reject the staged load's duplicate ids; (rows staged, rows rejected) after that."""
    rows_in, rejected, duplicates = con.execute(sql("stage_counts")).fetchone()
    if duplicates:
        con.execute(sql("stage_duplicates"))
        rejected += duplicates
    return rows_in, rejected


def load_staged(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    *,
    source: str,
    run_id: int,
    now: dt.datetime,
    snapshot: bool,
    max_shrink: float | None = None,
) -> LoadCounts:
    """Store the staged load: upsert records, keep raw payloads, list rejects.

    Args:
        snapshot: the load is the source's complete list; records it lacks become inactive.
        max_shrink: on a snapshot, the largest share of the source's active records it may
            deactivate (None: any); more raises ShrinkRefused before anything is written.
    Returns:
        The counts for the `runs` row.
    """
    table = TABLES[entity]
    params = {"run_id": run_id, "now": now}
    rows_in, rejected = _settle_duplicates(con)
    if snapshot and max_shrink is not None:
        _refuse_shrink(con, table, source, max_shrink)
    rows_new, rows_updated = con.execute(sql("count_changes").format(table=table)).fetchone()
    if entity == "vacancies":
        reset_changed_titles(con)  # a changed title's stored key is derived anew after it
        with registered(con, title_occupations=new_title_keys(con)):  # read by the insert
            for step in POSTING_MERGE_STEPS:
                con.execute(sql(step), None if step == "merge_postings_wz" else params)
        fill_title_occupations(con)
    else:
        con.execute(sql(f"merge_{table}"), params)
    deactivated = 0
    if snapshot:
        con.execute(
            sql("deactivate_missing").format(table=table), {"run_id": run_id, "source": source}
        )
        deactivated = con.fetchone()[0]
    con.execute(sql("insert_raw_records"), {**params, "entity": entity})
    con.execute(sql("insert_rejects"), {"run_id": run_id})
    if entity == "vacancies":
        refresh_touched_vacancies(con, run_id)
    return LoadCounts(
        rows_in=rows_in,
        rows_loaded=rows_in - rejected,
        rows_rejected=rejected,
        rows_new=rows_new,
        rows_updated=rows_updated,
        rows_deactivated=deactivated,
    )


def refresh_touched_vacancies(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Rebuild the vacancies of the postings run `run_id` wrote (refresh_vacancies.sql
    rebuilds all of them): one-posting vacancies copied, merged ones summarised."""
    con.execute(sql("refresh_touched_vacancies_list"), {"run_id": run_id})
    con.execute(sql("refresh_touched_vacancies_delete"))
    con.execute(sql("refresh_touched_vacancies_single"))
    merged = con.execute(sql("refresh_touched_vacancies_merged_ids")).fetchall()
    if merged:
        ids = [row[0] for row in merged]
        con.execute(sql("refresh_touched_vacancies_merged"), {"vacancy_ids": ids})


class ShrinkRefused(ResqueError):
    """A snapshot that would deactivate too much of its source (the caller names the file)."""


def _refuse_shrink(con, table: str, source: str, max_shrink: float) -> None:
    """Refuse a snapshot that would deactivate more than `max_shrink` of the source's records.

    A list cut short (a copy still in progress, an export that stopped) looks like a
    source that lost most of its postings: that is refused, a real shrink is allowed by hand.
    """
    active, missing = con.execute(
        sql("count_missing").format(table=table), {"source": source}
    ).fetchone()
    if missing > SHRINK_ALWAYS_ALLOWED and missing > max_shrink * active:
        raise ShrinkRefused(
            f"refused, nothing changed: as the complete list of source '{source}' this would "
            f"deactivate {missing} of its {active} active {table} ({missing / active:.0%}; "
            f"at most {max_shrink:.0%} allowed); if the list really shrank, import it with "
            "--allow-shrink (inbox: allow_shrink = true in FILE.toml)"
        )


def insert_reader_rejects(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple[int | None, str, str]],
    source: str,
    run_id: int,
) -> None:
    """Rows the reader could not even parse (ragged CSV lines, broken JSON lines)."""
    if rows:
        frame = pd.DataFrame(
            {
                "run_id": run_id,
                "source": source,
                "row_number": [r[0] for r in rows],
                "reason": [r[1] for r in rows],
                "payload": [json.dumps({"text": r[2]}, ensure_ascii=False) for r in rows],
            }
        )
        with registered(con, reader_rejects=frame):
            con.execute(sql("insert_reader_rejects"))

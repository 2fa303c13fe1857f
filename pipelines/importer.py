"""The store stage and the file importer built on it.

`store()` takes records from any source (a file, a crawl), runs normalise -> validate, and
loads the batch in one transaction together with its `runs` row. A failed step rolls back
and leaves only a `runs` row with status 'failed'; on a full disk DuckDB invalidates the
database, and that row is written through a fresh connection (or its error says it could
not be, when even that fails).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from resque.errors import ResqueError
from resque.matching.privacy import protected_kind
from resque.pipelines import stages
from resque.pipelines.config import DEFAULT_MAX_SHRINK
from resque.pipelines.headers import SYNONYMS, header_key, map_columns, require_columns
from resque.pipelines.participants import import_participants
from resque.pipelines.readers import TableStream, open_table
from resque.pipelines.steps import StepResult, check_source_name, load_error
from resque.warehouse.db import transaction
from resque.warehouse.load import (
    RawRows,
    ShrinkRefused,
    insert_reader_rejects,
    load_staged,
    memory_capped,
    stage_batch,
    staged_accepted,
)
from resque.warehouse.runs import (
    Describe,
    next_run_id,
    record_failure,
    step_run,
    unrecorded_note,
    utcnow,
)

log = logging.getLogger(__name__)


# Headers that only a list of people has, whatever it was sent as: the participant fields no
# vacancy or employer list has (a participant id, desired occupations, competences, the
# radius a person travels, where they live) ...
_PARTICIPANT_FIELDS = ("participant_id", "desired_occupations", "radius_km")
_PARTICIPANT_WORDS = {"kompetenz", "kompetenzen", "kompetenzanalyse", "arbeitszeitwunsch",
                      "gewuenschtearbeitszeit", "wohnort", "wohnortplz"}  # fmt: skip
# ... a person's own name ...
_PERSON_NAMES = {"vorname", "nachname", "familienname", "geburtsname", "rufname", "firstname",
                 "lastname", "surname", "givenname", "fullname", "vornamename", "namevorname",
                 "teilnehmername", "nameteilnehmer", "tnname"}  # fmt: skip
# ... and what only people have (matching/privacy.py names the kinds). Addresses, phones,
# e-mails and customer numbers are left out: employers and vacancies have them too.
_PERSON_KINDS = {"date of birth", "nationality", "gender", "religion", "residence permit",
                 "health or disability", "family"}  # fmt: skip
_COMPANY_SALUTATIONS = {"anrede", "salutation"}  # a company's contact is 'Herr'/'Frau' too


def _participant_keys() -> set[str]:
    """Header keys of the participant-only fields (a synonym vacancies share does not count)."""
    shared = {key for entity in ("vacancies", "employers") for names in
              SYNONYMS[entity].values() for key in names}  # fmt: skip
    own = {key for field in _PARTICIPANT_FIELDS for key in SYNONYMS["participants"][field]}
    return (own - shared) | _PARTICIPANT_WORDS


def participant_headers(columns: list[str], entity: str) -> list[str]:
    """The columns that mark a file as a list of people (participants), in file order.

    Each header is judged whole and by its dotted parts ('person.vorname'). A vacancy list
    with a bare 'Name' beside a phone or e-mail column lists people too. A column is named
    by its header only when that is a word of the lists above; else by its position and
    kind, as a header cell may itself hold someone's data ('Geburtsdatum Anna ...').
    """
    vocabulary = _participant_keys() | _PERSON_NAMES
    found, names, contact = [], [], False
    for position, column in enumerate(map(str, columns), start=1):
        parts = [column, *column.split(".")] if "." in column else [column]
        keys = {header_key(part) for part in parts} - {""}
        kinds = {protected_kind(part) for part in parts} - {None}
        shown = f"'{column}'" if header_key(column) in vocabulary | {"name"} else None
        if keys & vocabulary:
            found.append(shown or f"column {position}")
        elif kinds & _PERSON_KINDS and not keys & _COMPANY_SALUTATIONS:
            found.append(shown or f"column {position} ({sorted(kinds & _PERSON_KINDS)[0]})")
        elif "name" in keys:
            names.append(shown or f"column {position} (name)")
        contact = contact or bool(kinds & {"phone", "e-mail"})
    if entity == "vacancies" and names and contact:
        found += names
    return found


def refuse_participant_list(columns: list[str], entity: str, label: str) -> None:
    """A list of people is imported as participants only, through their privacy guard."""
    found = participant_headers(columns, entity)
    if found:
        shown = ", ".join(found[:5]) + (" …" if len(found) > 5 else "")
        raise ResqueError(
            f"{label}: refused, nothing imported: the header looks like a list of people "
            f"({shown}), not of {entity}; participant profiles are imported only as "
            "participants, through the privacy guard"
        )


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
    **options: Any,
) -> StepResult:
    """Normalise, validate and load one batch as one transaction with its runs row.

    Takes the options of `store_batches`.
    """
    return store_batches(con, [(records, raw)], **options)


def store_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Iterable[tuple[pd.DataFrame, RawRows]],
    *,
    entity: str,
    source: str,
    kind: str,
    snapshot: bool,
    defaults: dict[str, Any] | None = None,
    bad_rows: list[tuple[int | None, str, str]] | None = None,
    details: dict[str, Any] | None = None,
    status: str = "succeeded",
    max_shrink: float | None = None,
) -> StepResult:
    """Normalise, validate and load batches of records as one transaction with its runs row.

    Each batch passes the stages and is staged in DuckDB before the next is read; the
    merge then runs once over the whole load. `bad_rows` may still fill while the batches
    are read (a streamed file's ragged rows). `max_shrink` guards a snapshot (see
    warehouse.load.load_staged); crawls pass None, their own guard is the degraded-crawl rule.
    """
    details = dict(details or {})
    bad_rows = bad_rows if bad_rows is not None else []
    where = details.get("path", source)
    run = step_run(con, kind=kind, source=source, details=details, describe=store_error(where))
    try:
        with run, memory_capped(con), transaction(con):
            position = 0

            def prepare(item: tuple[pd.DataFrame, RawRows]) -> tuple[pd.DataFrame, RawRows]:
                batch = stages.normalise(item[0], entity, defaults)
                return stages.validate(batch, entity, duplicates=False), item[1]

            # closed on any way out, so a failed staging also stops the reading thread
            with contextlib.closing(read_ahead(batches, prepare)) as prepared:
                for batch, raw in prepared:
                    position = stage_batch(con, entity, batch, raw, position=position)
            if snapshot and staged_accepted(con) == 0:
                raise ResqueError(
                    f"{where}: no valid row; refusing to treat an empty list "
                    "as the complete list (it would deactivate everything)"
                )
            counts = load_staged(
                con,
                entity,
                source=source,
                run_id=run.run_id,
                now=run.started,
                snapshot=snapshot,
                max_shrink=max_shrink,
            )
            insert_reader_rejects(con, bad_rows, source, run.run_id)
            counts.rows_in += len(bad_rows)
            counts.rows_rejected += len(bad_rows)
            run.succeeded(counts=counts.as_dict(), status=status)
    except ShrinkRefused:
        raise ResqueError(run.error) from None
    except (duckdb.Error, OSError, MemoryError) as exc:  # a refusal propagates as it is
        raise ResqueError(run.error + unrecorded_note(run.unrecorded)) from exc
    log.info("%s %s: %s", kind, source, counts.as_dict())
    return StepResult(run.run_id, source, entity, counts, details)


_DONE = object()


def read_ahead(items: Iterable[Any], prepare: Callable[[Any], Any]) -> Iterator[Any]:
    """`prepare(item)` for each item, computed one item ahead in a second thread.

    Reading and normalising a batch is Python and pandas; staging it is DuckDB, which
    releases the GIL: on two cores the next batch is read while this one is staged. An
    error of the reader (a refusal further down the file) is raised here, where the loop
    would have met it; when the loop stops early, the reader stops at its next batch.
    """
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(entry: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not hand((prepare(item), None)):
                    return
            hand((_DONE, None))
        except BaseException as exc:  # handed to the loop, which raises it
            hand((None, exc))

    reader = threading.Thread(target=work, name="resque-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            value, error = ready.get()
            if error is not None:
                raise error
            if value is _DONE:
                return
            yield value
    finally:
        stop.set()
        reader.join()


def store_error(where: str) -> Describe:
    """`load_error`, with a refused shrink named after the file (the loader cannot know it)."""
    loaded = load_error(where)
    return lambda exc: f"{where}: {exc}" if isinstance(exc, ShrinkRefused) else loaded(exc)


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
    max_shrink: float | None = DEFAULT_MAX_SHRINK,
) -> StepResult:
    """Import a CSV/XLSX/JSONL file of vacancies or employers as source `source`.

    A file whose header looks like a list of people is refused unless it is imported as
    participants, whose importer guards it.

    Args:
        overrides: {file column: record field}, beating the header synonyms.
        snapshot: the file is the source's complete current list (`--full`).
        key_file: `[privacy] key_file`, for participant files (pipelines/pseudonym_key.py).
        max_shrink: the largest share of the source's active records a snapshot may
            deactivate (`[import] max_shrink`); None allows any (`--allow-shrink`).
    Returns:
        The step's run id and counts. Raises ResqueError with one line on bad input,
        after recording a failed run; the warehouse is then as it was.
    """
    if entity == "participants":
        # profiles pass the privacy guard and keep no raw payload: their own importer
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
        stream = open_table(path, entity, sheet)
        details.update(stream.detail)
        columns = stream.columns
        refuse_participant_list(columns, entity, str(path))
        mapping = map_columns(columns, entity, overrides)
        require_columns(mapping, columns, entity, str(path))
        details["columns"] = mapping
    except ResqueError as exc:
        _fail_before_load(*run_for_errors, str(exc))
        raise
    return store_batches(
        con,
        _record_batches(stream, mapping, source, entity),
        entity=entity,
        source=source,
        kind="import",
        snapshot=snapshot,
        defaults=defaults,
        bad_rows=stream.bad_rows,
        details=details,
        max_shrink=max_shrink,
    )


def _record_batches(
    stream: TableStream, mapping: dict[str, str], source: str, entity: str
) -> Iterator[tuple[pd.DataFrame, RawRows]]:
    """Each batch of the file as records and as the rows it read (a refusal further down
    the file is raised by the reading, inside the load's transaction)."""
    for table in stream.batches:
        yield stages.to_record_frame(table, mapping, source, entity), raw_rows(table.frame)


def _fail_before_load(con, kind: str, source: str, details: dict[str, Any], message: str) -> None:
    """A step that failed before loading still leaves its failed runs row."""
    record_failure(con, next_run_id(con), kind, source, utcnow(), message, details)

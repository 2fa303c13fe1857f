"""Importing pseudonymous participant profiles from the competence analysis (CSV/XLSX).

Privacy comes first, before anything is stored or logged:

1. a file with a column that identifies or singles out a person (name, birth date,
   address, phone, e-mail, nationality, gender, religion, residence permit, photo, ...)
   is refused as a whole, with one line naming the columns;
2. a file with a value that looks like contact data (an e-mail address or phone number in
   any spelling, a date of birth, a street address, an IBAN, a social-insurance number, a
   tax id, a 'Name: ...' label; see matching.privacy), in any cell, read column or not,
   header cells included, is refused too, naming the row and column (never the value).

Nothing of a refused file reaches the warehouse: no profile, no raw payload, no reject;
only the failed `runs` row, whose error names columns and rows. Accepted files store only
the allow-listed profile fields (pipelines.record.Participant): no raw payload is kept, and
rejected rows are stored with their reason but without their content.

The file's own participant id (the source id) is not stored either: each is replaced by its
keyed pseudonym (`matching.privacy.pseudonym`) before anything is loaded, with the key of
pipelines/pseudonym_key.py, which must be the key the warehouse's pseudonyms were made with.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from resque.errors import ResqueError
from resque.matching.privacy import (
    nameable_header,
    personal_data_in_cell,
    personal_data_in_text,
    protected_columns,
)
from resque.matching.ranking import profiles as pf
from resque.pipelines import values as nz
from resque.pipelines.headers import SYNONYMS, header_key, map_columns, require_columns
from resque.pipelines.pseudonym_key import PseudonymKey, warehouse_key
from resque.pipelines.readers import RawTable, read_table
from resque.pipelines.steps import StepResult, check_source_name, load_error
from resque.warehouse.db import sql, transaction
from resque.warehouse.erasure import (
    forgotten_hashes,
    id_hash,
    record_pseudonym_key,
)
from resque.warehouse.load import LoadCounts
from resque.warehouse.parsed import LANGUAGE_LEVELS, parsed_profiles
from resque.warehouse.runs import step_run, unrecorded_note

log = logging.getLogger(__name__)
FORGOTTEN = "forgotten (erasure request or retention period); not imported again"
DEFAULT_SOURCE = "kompetenzanalyse"
ENTITY = "participants"
MAX_ID_LENGTH = 64
LIST_FIELDS = ("desired_occupations", "skills", "qualifications")
BATCH_SCHEMA = pa.schema(
    [
        ("participant_id", pa.string()),
        ("desired_occupations", pa.list_(pa.string())),
        ("skills", pa.list_(pa.string())),
        ("languages", pa.list_(pa.string())),
        ("qualifications", pa.list_(pa.string())),
        ("licences", pa.list_(pa.string())),
        ("working_time", pa.string()),
        ("accepts_shift", pa.bool_()),
        ("postcode", pa.string()),
        ("city", pa.string()),
        ("radius_km", pa.float64()),
        ("available_from", pa.date32()),
        ("row_number", pa.int64()),
        ("reject_reason", pa.string()),
        # parsed once here, for the ranker (migration 0015, warehouse/parsed.py)
        ("desired_occupation_keys", pa.list_(pa.string())),
        ("language_levels", LANGUAGE_LEVELS),
    ]
)


def import_participants(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    source: str = DEFAULT_SOURCE,
    overrides: dict[str, str] | None = None,
    snapshot: bool = False,
    sheet: str | None = None,
    defaults: dict[str, Any] | None = None,
    key_file: Path | None = None,
) -> StepResult:
    """Import a participant file after the privacy guard, as one transaction with its runs row.

    Args:
        source: where the profiles come from (one competence-analysis provider).
        overrides: {file column: field}, beating the header synonyms.
        snapshot: the file lists every current participant of the source; the source's
            participants it lacks become inactive.
        key_file: `[privacy] key_file` of the config (the environment beats it; without
            any key, the first import creates one, see `warehouse_key`).
    Returns:
        The run id and counts. Raises ResqueError with one line (after recording a failed
        run) for a refused or unreadable file; the warehouse is then as it was.
    """
    check_source_name(source)
    details: dict[str, Any] = {"path": str(path), "entity": ENTITY, "snapshot": snapshot}
    describe = load_error(str(path))
    run = step_run(con, kind="import", source=source, details=details, describe=describe)
    try:
        with run:
            table = read_table(path, ENTITY, sheet)
            refuse_personal_data(table, str(path))
            details.update(table.detail)
            columns = list(table.frame.columns)
            mapping = map_columns(columns, ENTITY, overrides)
            require_columns(mapping, columns, ENTITY, str(path))
            details["columns"] = mapping
            details["ignored_columns"] = [c for c in columns if c not in mapping.values()]
            key = warehouse_key(con, key_file, create=True)
            details["key_fingerprint"] = key.fingerprint
            batch = reject_forgotten(
                validate(pseudonymise(normalise(table, mapping, defaults), key)),
                forgotten_hashes(con),
            )
            accepted = int(batch["reject_reason"].isna().sum())
            if snapshot and accepted == 0:
                raise ResqueError(f"{path}: no valid row; refusing to deactivate every participant")
            with transaction(con):
                counts = _load(con, batch, table, source, run.run_id, run.started, snapshot)
                record_pseudonym_key(con, key.fingerprint, run.run_id, run.started)
                run.succeeded(counts=counts.as_dict())
    except (duckdb.Error, OSError, MemoryError) as exc:  # a refusal propagates as it is
        raise ResqueError(run.error + unrecorded_note(run.unrecorded)) from exc
    if details["ignored_columns"]:
        log.warning("%s: columns not read: %s", path, ", ".join(details["ignored_columns"]))
    log.info("import %s (participants): %s", source, counts.as_dict())
    return StepResult(run.run_id, source, ENTITY, counts, details)


def pseudonymise(frame: pd.DataFrame, key: PseudonymKey) -> pd.DataFrame:
    """Replace the file's participant ids by their pseudonyms; the ids stay in `source_id`.

    `source_id` is only read by validate and reject_forgotten: the load takes the columns
    of BATCH_SCHEMA, so it never reaches the warehouse.
    """
    out = frame.copy()
    out["source_id"] = frame["participant_id"]
    out["participant_id"] = frame["participant_id"].map(
        lambda v: None if _missing(v) else key.pseudonym(v)
    )
    return out


def reject_forgotten(batch: pd.DataFrame, hashes: set[str]) -> pd.DataFrame:
    """A pseudonym that was forgotten is not imported again, whatever file brings it back.

    Erasure records made before pseudonyms were keyed hash the source id: they count too.
    """
    if not hashes:
        return batch

    def was_forgotten(row) -> bool:
        return isinstance(row.participant_id, str) and (
            id_hash(row.participant_id) in hashes or id_hash(row.source_id) in hashes
        )

    forgotten = pd.Series(
        [was_forgotten(row) for row in batch.itertuples(index=False)], index=batch.index
    )
    # whatever else is wrong with the row: a forgotten person's id is never stored again
    batch.loc[forgotten, "reject_reason"] = FORGOTTEN
    batch.loc[forgotten, "participant_id"] = None  # not even the rejects list keeps it
    return batch


# --- the privacy guard -----------------------------------------------------------------------


def refuse_personal_data(table: RawTable, label: str) -> None:
    """Refuse the whole file if a header or any cell carries personal data (one line).

    Looks at every header cell and every cell, read columns or not, and at rows the reader
    could not parse. The error names rows and columns, never a value; a header that itself
    holds such data (or is more than plain header words) is named by its position.
    """
    headers = list(table.frame.columns)
    for position, header in enumerate(headers, start=1):
        kind = personal_data_in_text(str(header))
        if kind:
            raise ResqueError(
                f"{label}: refused, nothing imported: the header of column {position} holds "
                f"what looks like {kind}; remove contact data from the file"
            )
    found = protected_columns(headers)
    if found:
        names = ", ".join(f"{_column_name(headers, name)} ({kind})" for name, kind in found)
        raise ResqueError(
            f"{label}: refused, nothing imported: columns that identify a person: {names}; "
            "remove them and use pseudonyms only"
        )
    hits = _personal_values(table)
    if hits:
        row, column, kind = hits[0]
        more = f" (and {len(hits) - 1} more cells)" if len(hits) > 1 else ""
        where = f"row {row}" if row is not None else "a malformed row"
        raise ResqueError(
            f"{label}: refused, nothing imported: {where}, column '{column}' holds what looks "
            f"like {kind}{more}; remove contact data from the file"
        )


def _column_name(headers: list, header: str) -> str:
    """'Tel. privat' quoted when it is plain header words, else 'column 4' by position."""
    if nameable_header(header):
        return f"'{header}'"
    return f"column {[str(h) for h in headers].index(header) + 1}"


def _personal_values(table: RawTable) -> list[tuple[int | None, str, str]]:
    """(row number, column, kind) of every cell that holds identifying data, by row."""
    hits = []
    numbers = np.asarray(table.row_numbers)
    for column in table.frame.columns:
        codes, uniques = pd.factorize(table.frame[column].astype(object))
        ids = header_key(column) in SYNONYMS[ENTITY]["participant_id"]
        kinds = [personal_data_in_cell(u, id_column=ids) for u in uniques]
        flagged = [i for i, kind in enumerate(kinds) if kind]
        for index in flagged:
            for position in np.flatnonzero(codes == index):
                hits.append((int(numbers[position]), str(column), kinds[index]))
    for line, _reason, text in table.bad_rows:
        kind = personal_data_in_text(text)
        if kind:
            hits.append((line, "(whole row)", kind))
    return sorted(hits, key=lambda h: (h[0] is None, h[0] or 0, h[1]))


# --- normalise and validate ------------------------------------------------------------------


def _column(table: RawTable, mapping: dict[str, str], field: str) -> pd.Series:
    """The file column mapped to `field`, or an empty column."""
    if field in mapping:
        return table.frame[mapping[field]].astype(object).reset_index(drop=True)
    return pd.Series([None] * len(table.frame), dtype=object)


def normalise(
    table: RawTable, mapping: dict[str, str], defaults: dict[str, Any] | None = None
) -> pd.DataFrame:
    """The profile fields, parsed: lists split, languages with CEFR levels, licence codes,
    and the wishes as occupation texts."""
    raw = {field: _column(table, mapping, field) for field in BATCH_SCHEMA.names[:12]}
    for name, value in (defaults or {}).items():
        if name in raw:
            raw[name] = raw[name].where(raw[name].notna(), value)
    split = pd.Series(raw["city"]).map(nz.split_postcode_city)
    postcode_text = raw["postcode"].map(nz.clean_line)
    postcode = raw["postcode"].map(nz.normalise_postcode)
    out = pd.DataFrame(
        {
            "participant_id": raw["participant_id"].map(nz.clean_line),
            **{name: raw[name].map(pf.split_list) for name in LIST_FIELDS},
            "languages": raw["languages"].map(pf.parse_languages),
            # a list without a licence column states none: NULL (unknown), not [] (holds
            # none), or the ranker would hide every job that asks for a licence
            "licences": raw["licences"].map(pf.parse_licences)
            if "licences" in mapping or "licences" in (defaults or {})
            else raw["licences"],
            "working_time": raw["working_time"].map(nz.normalise_working_time),
            "accepts_shift": raw["working_time"].map(pf.accepts_shift),
            "postcode": postcode.where(postcode.notna(), split.map(lambda pair: pair[0])),
            "city": split.map(lambda pair: pair[1]),
            "radius_km": raw["radius_km"].map(pf.parse_radius_km),
            "available_from": raw["available_from"].map(nz.parse_german_date),
        }
    )
    for name, values in parsed_profiles(out["desired_occupations"], out["languages"]).items():
        out[name] = values
    out["postcode_text"] = postcode_text
    out["radius_text"] = raw["radius_km"].map(nz.clean_line)
    out["row_number"] = np.asarray(table.row_numbers, dtype="int64")
    return out


def _missing(value: object) -> bool:
    """None, NaN or pandas' NA: pandas turns a rule's None into any of them."""
    return value is None or (not isinstance(value, str | list) and bool(pd.isna(value)))


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark each profile with why it is rejected, or None; the first reason wins.

    Reads a pseudonymised frame: the id checks look at `source_id`, and two rows with the
    same pseudonym ('TN-1' and 'tn-1 ') are duplicates.
    """
    reasons: list[str | None] = []
    first_row: dict[str, int] = {}
    for row in frame.itertuples(index=False):
        reason = None
        if _missing(row.source_id):
            reason = "no participant id"
        elif len(row.source_id) > MAX_ID_LENGTH:
            reason = f"participant id longer than {MAX_ID_LENGTH} characters"
        elif _missing(row.postcode) and not _missing(row.postcode_text):
            reason = "invalid postcode"
        elif _missing(row.radius_km) and not _missing(row.radius_text):
            reason = "radius not understood (give km, e.g. '25 km')"
        elif row.participant_id in first_row:
            reason = f"duplicate of row {first_row[row.participant_id]} (same participant id)"
        else:
            first_row[row.participant_id] = row.row_number
        reasons.append(reason)
    out = frame.drop(columns=["postcode_text", "radius_text"])
    out["reject_reason"] = reasons
    return out


# --- load ------------------------------------------------------------------------------------


def _load(con, batch, table: RawTable, source, run_id, now, snapshot) -> LoadCounts:
    """Upsert the accepted profiles, deactivate missing ones on a snapshot, list rejects."""
    arrow = pa.Table.from_pandas(
        batch[BATCH_SCHEMA.names], schema=BATCH_SCHEMA, preserve_index=False
    )
    params = {"run_id": run_id, "now": now, "source": source}
    con.register("participant_batch", arrow)
    try:
        rows_new, rows_updated = con.execute(sql("participants_count_changes")).fetchone()
        con.execute(sql("participants_merge"), params)
        deactivated = 0
        if snapshot:
            con.execute(sql("participants_deactivate_missing"), params)
            deactivated = con.fetchone()[0]
        con.execute(sql("participants_insert_rejects"), {"run_id": run_id, "source": source})
    finally:
        # an aborted transaction refuses even this; the rollback drops the view anyway
        with contextlib.suppress(duckdb.Error):
            con.unregister("participant_batch")
    _insert_reader_rejects(con, table.bad_rows, source, run_id)
    rejected = int(batch["reject_reason"].notna().sum())
    return LoadCounts(
        rows_in=len(batch) + len(table.bad_rows),
        rows_loaded=len(batch) - rejected,
        rows_rejected=rejected + len(table.bad_rows),
        rows_new=rows_new,
        rows_updated=rows_updated,
        rows_deactivated=deactivated,
    )


def _insert_reader_rejects(con, bad_rows, source: str, run_id: int) -> None:
    """Rows the reader could not parse: their line and reason, not their content."""
    for line, reason, _text in bad_rows:
        params = {"run_id": run_id, "source": source, "row_number": line, "reason": reason}
        con.execute(sql("participants_insert_reader_reject"), params)

"""Taking a partner's copy of the circulating vacancy list back (issue 16).

`resque export vacancies` hands the active vacancies out with empty columns for the partners
(city, chambers, training providers, employer service) to fill in; a partner's returned copy
(XLSX or CSV) is read here. The `Stellen-ID` ties each row to its vacancy: a partner's word is
stored beside the vacancy in `vacancy_notes`, never as a new posting, so no near-duplicate
arises. Only the id and the partner columns are read; the list's own columns are the
partner's to reformat.

A row is refused (one line in `rejects`, its content not kept) when its id names no vacancy,
its id appears twice, a value cannot be read ('vielleicht' in 'Noch offen?'), a cell holds a
formula, or a text holds personal data (an e-mail address, a phone number, 'Frau Name', ...):
the list names organisations, never people. The import is one transaction with its `runs`
row; a failure leaves the warehouse as it was plus the failed row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from resque.errors import ResqueError
from resque.matching.normalise import fold_case
from resque.matching.privacy import has_personal_data, personal_data_in_cell
from resque.pipelines.headers import map_columns, require_columns
from resque.pipelines.readers import read_table
from resque.pipelines.steps import check_source_name, load_error
from resque.pipelines.values import clean_line, clean_text, parse_german_date, parse_places
from resque.warehouse import vacancy_list as store
from resque.warehouse.db import transaction
from resque.warehouse.runs import step_run, unrecorded_note

log = logging.getLogger(__name__)
ENTITY = "vacancy_list"
# What the partner columns are called in the list (reports/vacancy_list.py writes them),
# for the reasons of refused rows.
LABELS = {
    "vacancy_id": "Stellen-ID",
    "still_open": "Noch offen?",
    "places": "Plätze",
    "start_date": "Beginn",
    "contact_known_at": "Ansprechpartner bekannt bei",
    "note": "Hinweis",
}
PARTNER_FIELDS = ("still_open", "places", "start_date", "contact_known_at", "note")
YES = frozenset({"ja", "j", "yes", "y", "x", "offen", "noch offen", "true", "wahr"})
NO = frozenset({"nein", "n", "no", "besetzt", "geschlossen", "vergeben", "zu", "nicht mehr offen",
                "false", "falsch"})  # fmt: skip
MAX_NOTE = 1000
MAX_ORGANISATION = 120
MAX_SHOWN_ID = 40


@dataclass
class ListImport:
    """What taking one returned list back did."""

    run_id: int
    partner: str
    rows_in: int = 0  # rows with an id or a filled partner column
    notes: int = 0  # new notes stored
    closed: int = 0  # of them: 'Noch offen?' = nein
    repeated: int = 0  # notes the partner's latest note already said
    unchanged: int = 0  # rows with an id and nothing filled in
    rejected: int = 0
    details: dict[str, Any] = field(default_factory=dict)


def import_vacancy_list(
    con: duckdb.DuckDBPyConnection, path: str | Path, *, partner: str, sheet: str | None = None
) -> ListImport:
    """Store what `partner` wrote into its copy of the list at `path`.

    Returns the counts; raises ResqueError with one line when the file cannot be read or
    has no Stellen-ID column (after recording the failed run; nothing else is written).
    """
    check_source_name(partner)
    details: dict[str, Any] = {"path": str(path), "entity": ENTITY}
    where = str(path)
    run = step_run(con, kind="import", source=partner, details=details, describe=load_error(where))
    try:
        with run:
            table = read_table(path, ENTITY, sheet)
            details.update(table.detail)
            columns = list(table.frame.columns)
            mapping = map_columns(columns, ENTITY)
            require_columns(mapping, columns, ENTITY, where)
            details["columns"] = mapping
            rows = _partner_rows(table.frame, table.row_numbers, mapping)
            formulas = _formula_cells(path, table.detail, columns, mapping)
            result = ListImport(run.run_id, partner, details=details)
            with transaction(con):
                notes, refused = _attach(con, rows, formulas, result)
                refused = _with_unreadable(refused, table.bad_rows, result)
                result.notes = store.store_notes(
                    con,
                    notes,
                    refused,
                    partner=partner,
                    run_id=run.run_id,
                    received_at=run.started,
                )
                _count(result, notes, refused)
                run.succeeded(counts=_run_counts(result), details=details)
    except (duckdb.Error, OSError, MemoryError) as exc:  # a refusal propagates as it is
        raise ResqueError(run.error + unrecorded_note(run.unrecorded)) from exc
    log.info("vacancy list from %s: %s", partner, _run_counts(result))
    return result


def _with_unreadable(
    refused: pd.DataFrame, bad_rows: list[tuple[int | None, str, str]], result: ListImport
) -> pd.DataFrame:
    """The lines the reader could not parse (a ragged CSV line) join the refused rows, by
    their line and reason only."""
    if not bad_rows:
        return refused
    result.rows_in += len(bad_rows)
    unreadable = pd.DataFrame(
        [(number, None, reason) for number, reason, _text in bad_rows],
        columns=store.REJECT_COLUMNS,
    )
    return pd.concat([refused, unreadable], ignore_index=True)


def _partner_rows(
    frame: pd.DataFrame, row_numbers: list[int], mapping: dict[str, str]
) -> list[dict[str, Any]]:
    """Each row's id and partner cells as read, with its line in the file."""
    wanted = {name: mapping[name] for name in ("vacancy_id", *PARTNER_FIELDS) if name in mapping}
    rows = []
    for number, record in zip(row_numbers, frame.to_dict("records"), strict=True):
        row = {name: _blank_to_none(record[column]) for name, column in wanted.items()}
        rows.append({"row_number": number, **row})
    return rows


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _formula_cells(
    path: str | Path, detail: dict[str, Any], columns: list[str], mapping: dict[str, str]
) -> dict[int, str]:
    """{row number: column label} of the id and partner cells holding a formula (XLSX).

    The reader hands over a formula's last computed value (none when a program wrote it), so
    a formula a partner typed would pass as its result: the workbook is read once more, as
    written (the reader has already refused a damaged or oversized file).
    """
    if detail.get("format") != "xlsx":
        return {}
    import openpyxl  # imported here: only XLSX lists pay for it

    wanted = ("vacancy_id", *PARTNER_FIELDS)
    labels = {columns.index(mapping[f]) + 1: LABELS[f] for f in wanted if f in mapping}
    found: dict[int, str] = {}
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for row in book[detail["sheet"]].iter_rows(min_row=detail["header_row"] + 1):
            for cell in row:
                if getattr(cell, "data_type", None) == "f" and cell.column in labels:
                    found.setdefault(cell.row, labels[cell.column])
    finally:
        book.close()
    return found


def _attach(con, rows: list[dict[str, Any]], formulas: dict[int, str], result: ListImport):
    """Check every row; tie the good ones to their vacancy. Returns (notes, refused) frames."""
    for row in rows:
        row["listed_id"] = _listed_id(row.get("vacancy_id"))
    listed = [row["listed_id"] for row in rows if row["listed_id"] is not None]
    resolved = store.resolve_ids(con, listed)
    notes, refused, seen = [], [], {}
    for row in rows:
        listed_id = row["listed_id"]
        if listed_id is None and all(row.get(name) is None for name in PARTNER_FIELDS):
            continue  # an empty or trailing row
        result.rows_in += 1
        try:
            if row["row_number"] in formulas:
                raise _Refused(
                    f"{formulas[row['row_number']]}: a formula, not a value; write plain text"
                )
            note = _read_row(row, listed_id, seen)
            if note is not None and listed_id not in resolved:
                raise _Refused(f"Stellen-ID {_shown(listed_id)} names no vacancy of this warehouse")
        except _Refused as why:
            refused.append(_refusal(row, listed_id, str(why), resolved))
            continue
        if note is None:
            result.unchanged += 1
            continue
        notes.append({**note, "vacancy_id": resolved[listed_id]})
    notes_frame = pd.DataFrame(notes, columns=store.NOTE_COLUMNS)
    refused_frame = pd.DataFrame(refused, columns=store.REJECT_COLUMNS)
    return notes_frame, refused_frame


class _Refused(Exception):
    """A row that cannot be taken; its text is the reject reason."""


def _read_row(row: dict[str, Any], listed: str | None, seen: dict[str, int]) -> dict | None:
    """The row's note, or None when nothing is filled in; _Refused says why not."""
    if listed is None:
        raise _Refused("no Stellen-ID: a row is read only with the id the list gave it")
    if listed in seen:
        raise _Refused(f"Stellen-ID {_shown(listed)} appears again (first in row {seen[listed]})")
    seen[listed] = row["row_number"]
    values = {name: _read_value(name, row.get(name)) for name in PARTNER_FIELDS}
    if all(value is None for value in values.values()):
        return None
    return {"listed_id": listed, "row_number": row["row_number"], **values}


def _listed_id(value: Any) -> str | None:
    """The id as text ('v1a2b...'); a number a spreadsheet made of it, as whole digits."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_line(str(value))


def _read_value(name: str, value: Any) -> Any:
    """One partner cell as stored, or _Refused with the column's name and the problem."""
    if value is None:
        return None
    label = LABELS[name]
    if isinstance(value, str) and value.lstrip().startswith("="):
        raise _Refused(f"{label}: a formula, not a value; write plain text")
    if name == "still_open":
        return _yes_no(value, label)
    if name == "places":
        places = parse_places(value)
        if places is None:
            raise _Refused(f"{label}: not a number of places (1 or more)")
        return places
    if name == "start_date":
        day = parse_german_date(value)
        if day is None:
            raise _Refused(f"{label}: not a date (TT.MM.JJJJ or MM/JJJJ)")
        return day
    return _free_text(value, label, MAX_NOTE if name == "note" else MAX_ORGANISATION, name)


def _yes_no(value: Any, label: str) -> bool:
    if isinstance(value, bool):
        return value
    text = fold_case(clean_line(str(value)) or "").strip(" .!")
    if text in YES:
        return True
    if text in NO:
        return False
    raise _Refused(f"{label}: write ja or nein")


def _free_text(value: Any, label: str, limit: int, name: str) -> str:
    """A note or organisation, refused when it holds personal data or is too long."""
    kind = personal_data_in_cell(value)
    if kind is None and isinstance(value, str) and has_personal_data(value):
        kind = "a contact person"
    if kind:
        who = "the organisation only" if name == "contact_known_at" else "no personal data"
        raise _Refused(f"{label}: holds {kind}; the list takes {who}")
    text = clean_text(str(value)) if name == "note" else clean_line(str(value))
    if text is not None and len(text) > limit:
        raise _Refused(f"{label}: longer than {limit:,} characters")
    return text


def _shown(listed: str) -> str:
    """An id as a reason quotes it, cut short."""
    return repr(listed if len(listed) <= MAX_SHOWN_ID else listed[: MAX_SHOWN_ID - 1] + "…")


def _refusal(
    row: dict[str, Any], listed: str | None, reason: str, known: dict[str, str]
) -> dict[str, Any]:
    """A rejects row: where, which id and why; never the row's content.

    An id the warehouse does not know was typed over and may be anything, even a phone
    number: then it is neither kept nor quoted. The warehouse's own ids are not checked
    (the hex digits of some look like a phone number to the guard).
    """
    if listed is not None and listed not in known:
        if personal_data_in_cell(listed) or has_personal_data(listed):
            return {
                "row_number": row["row_number"],
                "listed_id": None,
                "reason": "Stellen-ID: holds personal data, not an id of the list",
            }
        listed = listed[:MAX_SHOWN_ID]
    return {"row_number": row["row_number"], "listed_id": listed, "reason": reason}


def _count(result: ListImport, notes: pd.DataFrame, refused: pd.DataFrame) -> None:
    result.rejected = len(refused)
    result.repeated = len(notes) - result.notes
    result.closed = int((notes["still_open"] == False).sum()) if len(notes) else 0  # noqa: E712


def _run_counts(result: ListImport) -> dict[str, int]:
    """The runs row: rows read, notes stored, rows refused (the rest in details)."""
    result.details.update(
        notes=result.notes, closed=result.closed, repeated=result.repeated,
        unchanged=result.unchanged,
    )  # fmt: skip
    return {
        "rows_in": result.rows_in,
        "rows_loaded": result.notes,
        "rows_rejected": result.rejected,
        "rows_new": result.notes,
    }

"""The partners' circulating vacancy list (issue 16), as an XLSX workbook and optionally CSV.

The network hands the active vacancies (e.g. the job fair's) to its partners - city,
chambers, training providers, employer service - and asks each to add what it knows. One
row per vacancy: its stable id first (`Stellen-ID`, locked, "nicht ändern"), what the
warehouse knows (title, employer, place, working time, start, places, sources by their
display names), then empty green columns for the partner: still open?, places, start, at
which organisation a contact in the firm is known (never a person), a note. An
"Anleitung" sheet says what to fill in, in German. `resque import vacancy-list` reads the
returned copy back (pipelines/vacancy_list.py).

The list holds no personal data. Cells are formula-safe as in the employer-service export
(text cells stored as text, risky ones quote-prefixed; CSV cells apostrophe-prefixed), files
are written owner-only under a temporary name and renamed once the run is recorded. The
sheet is protected without a password, so the id and the list's own columns are not typed
over by accident; the partner columns stay open.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from resque.errors import ResqueError
from resque.matching.normalise import fold
from resque.matching.ranking.explain import WORKING_TIME_DE
from resque.reports.employer_service import (
    LINE_HEIGHT,
    MAX_LINES,
    _make_private_dir,
    _print_setup,
    _set,
    _wrapped_lines,
    _write_private,
)
from resque.reports.excel_csv import excel_value, write_csv
from resque.reports.source_names import display_names
from resque.warehouse import vacancy_list as store
from resque.warehouse.runs import step_run

ID_HEADER = "Stellen-ID (nicht ändern)"
# The list's own columns: field -> German header, and the widest each may get (characters).
LIST_COLUMNS = {
    "vacancy_id": (ID_HEADER, 18),
    "title": ("Stelle", 28),
    "employer": ("Arbeitgeber", 22),
    "postcode": ("PLZ", 7),
    "city": ("Ort", 14),
    "working_time": ("Arbeitszeit", 12),
    "start_date": ("Beginn laut Liste", 11),
    "places": ("Plätze laut Liste", 8),
    "sources": ("Quellen", 18),
}
# The partner's columns (pipelines/headers.py VACANCY_LIST_SYNONYMS reads them back).
PARTNER_COLUMNS = {
    "still_open": ("Noch offen? (ja/nein)", 10),
    "places_new": ("Plätze", 8),
    "start_new": ("Beginn", 11),
    "contact_known_at": ("Ansprechpartner bekannt bei", 18),
    "note": ("Hinweis", 30),
}
HEADER_NOTES = {
    "vacancy_id": "Nicht ändern: über die Stellen-ID wird Ihre Angabe der Stelle zugeordnet.",
    "still_open": "ja oder nein; nein = besetzt oder zurückgezogen. Leer lassen, wenn unbekannt.",
    "contact_known_at": (
        "Nur die Organisation (z. B. IHK zu Leipzig, Jobcenter), bei der ein Kontakt im "
        "Betrieb bekannt ist. Keine Namen von Personen, keine Telefonnummern, keine E-Mail."
    ),
    "note": "Kurz, ohne personenbezogene Daten (keine Namen, Telefonnummern, E-Mail-Adressen).",
}
INSTRUCTIONS = [
    "Bitte nur die grünen Spalten ausfüllen: Noch offen?, Plätze, Beginn, Ansprechpartner "
    "bekannt bei, Hinweis. Zu Stellen, über die Sie nichts wissen, bleibt die Zeile leer.",
    "Die Stellen-ID nicht ändern, keine Zeilen einfügen: über die Stellen-ID wird Ihre Angabe "
    "der Stelle zugeordnet. Die übrigen Spalten sind zum Schutz vor Versehen gesperrt "
    "(Blattschutz ohne Kennwort).",
    "Noch offen?: ja oder nein. nein heißt: die Stelle ist besetzt oder zurückgezogen.",
    "Plätze und Beginn: nur ausfüllen, wenn Sie es anders wissen als die Liste "
    "(Beginn als TT.MM.JJJJ oder MM/JJJJ).",
    "Ansprechpartner bekannt bei: nur der Name Ihrer Organisation, bei der ein Kontakt im "
    "Betrieb bekannt ist, z. B. IHK zu Leipzig. Keine Namen von Personen, keine "
    "Telefonnummern, keine E-Mail-Adressen.",
    "Hinweis: eine kurze Anmerkung zur Stelle, ohne personenbezogene Daten. Zeilen mit "
    "Namen, Telefonnummern oder E-Mail-Adressen werden beim Einlesen abgewiesen.",
    "Bitte die ausgefüllte Datei als XLSX (oder CSV) an das Netzwerkbüro zurückschicken.",
]
DATE_FORMAT = "DD.MM.YYYY"
ID_FILL, LIST_FILL, PARTNER_FILL = "595959", "305496", "C6E0B4"
PARTNER_CELL_FILL = "EBF1DE"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def export_vacancy_list(
    con: duckdb.DuckDBPyConnection,
    out_dir: str | Path,
    *,
    source: str | None = None,
    since: dt.date | None = None,
    with_csv: bool = False,
    source_names: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Write the list of active vacancies into `out_dir`; record it as an 'export' run.

    Args:
        source: only vacancies with a source whose name contains this ('messe').
        since: only vacancies first seen on or after this day.
        with_csv: also write the list as CSV (UTF-8 with BOM, ';': German Excel).
        source_names: configured display names of sources (`display_name` in the config).
    Returns:
        {'run_id', 'files', 'rows'}. Raises ResqueError when nothing matches the filter
        (nothing is written) or a file cannot be written.
    """
    today = today or dt.date.today()
    rows = _readable(store.list_rows(con, source=source, since=since), source_names)
    if rows.empty:
        raise ResqueError(f"no active vacancy{_filter_text(source, since)}: no list written")
    out_dir = Path(out_dir)
    _make_private_dir(out_dir)
    stem = (
        "stellenliste_"
        + today.isoformat()
        + (f"_{_UNSAFE_NAME.sub('_', source)}" if source else "")
    )
    details: dict[str, Any] = {"rows": len(rows), "source": source, "since": since}
    run = step_run(con, kind="export", details=details)
    written = []
    try:
        with run:
            about = _about(today, source, since, len(rows))
            written.append(
                _write_private(out_dir / f"{stem}.xlsx", lambda f: _book(rows, about, f))
            )
            if with_csv:
                written.append(_write_private(out_dir / f"{stem}.csv", lambda f: _csv(rows, f)))
            details["files"] = [str(final) for _, final, *_ in written]
            run.succeeded(counts={"rows_in": len(rows), "rows_loaded": len(rows)})
    except BaseException:
        for scratch, *_ in written:
            scratch.unlink(missing_ok=True)
        raise
    for scratch, final, *_ in written:
        os.replace(scratch, final)
    return {"run_id": run.run_id, "files": details["files"], "rows": len(rows)}


def _filter_text(source: str | None, since: dt.date | None) -> str:
    parts = ([f"from a source named like {source!r}"] if source else []) + (
        [f"first seen since {since:%Y-%m-%d}"] if since else []
    )
    return (" " + " and ".join(parts)) if parts else ""


def _readable(rows: pd.DataFrame, source_names: dict[str, str] | None) -> pd.DataFrame:
    """Working time in German, sources by their display names, dates as dates; sorted by
    employer and title as a German reader looks them up ('Übel AG' under U, not after Z)."""
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            fold(str(rows["employer"].iat[i] or "")),
            fold(str(rows["title"].iat[i])),
            rows["vacancy_id"].iat[i],
        ),
    )
    rows = rows.iloc[order].reset_index(drop=True)
    rows["working_time"] = rows["working_time"].map(
        lambda code: WORKING_TIME_DE.get(code, code) if isinstance(code, str) else None
    )
    rows["sources"] = [display_names(s, source_names) for s in rows["sources"]]
    rows["start_date"] = [_day(v) for v in rows["start_date"]]
    rows["places"] = rows["places"].astype("Int64")
    return rows


def _day(value: Any) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _about(today: dt.date, source: str | None, since: dt.date | None, rows: int) -> list:
    """The Anleitung sheet's lines below the instructions: what this list is."""
    return [
        ("Liste", "Stellen aus dem Netzwerk, zum Ergänzen durch die Partner"),
        ("Stand", f"{today:%d.%m.%Y}"),
        ("Auswahl Quelle", source or "alle Quellen"),
        ("Erstmals gesehen ab", f"{since:%d.%m.%Y}" if since else "ohne Einschränkung"),
        ("Stellen", rows),
        ("Datenschutz", "Die Liste enthält keine personenbezogenen Daten; bitte keine eintragen."),
    ]


def _book(rows: pd.DataFrame, about: list, handle) -> None:
    """The list sheet (protected but for the partner columns) and the Anleitung sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Stellen"
    _fill_list(sheet, rows)
    guide = book.create_sheet("Anleitung")
    _fill_guide(guide, about)
    book.save(handle)


def _columns() -> list[tuple[str, str, int, bool]]:
    """(field, header, width, is the partner's) in sheet order."""
    return [(f, h, w, False) for f, (h, w) in LIST_COLUMNS.items()] + [
        (f, h, w, True) for f, (h, w) in PARTNER_COLUMNS.items()
    ]


def _fill_list(sheet, rows: pd.DataFrame) -> None:
    columns = _columns()
    sheet.append([header for _, header, _, _ in columns])
    for record in rows.itertuples(index=False):
        sheet.append([None] * len(columns))
        line = sheet.max_row
        for position, (name, _, _, partner) in enumerate(columns, start=1):
            cell = sheet.cell(line, position)
            if partner:
                _open_cell(cell, name)
                continue
            _set(cell, getattr(record, name), name)
            if name == "start_date" and cell.value is not None:
                cell.number_format = DATE_FORMAT
    _style_header(sheet, columns)
    widths = [float(width) for _, _, width, _ in columns]
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    _fit_heights(sheet, widths)
    _validations(sheet, columns, len(rows))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    _protect(sheet)
    _print_setup(sheet)


def _open_cell(cell, name: str) -> None:
    """An empty partner cell: unlocked, tinted, wrapped; dates shown the German way."""
    cell.protection = Protection(locked=False)
    cell.fill = PatternFill("solid", fgColor=PARTNER_CELL_FILL)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if name == "start_new":
        cell.number_format = DATE_FORMAT


def _style_header(sheet, columns: list[tuple[str, str, int, bool]]) -> None:
    """Grey id, blue list columns, green partner columns; notes on the headers that need one."""
    for position, (name, _, _, partner) in enumerate(columns, start=1):
        cell = sheet.cell(1, position)
        colour = PARTNER_FILL if partner else (ID_FILL if name == "vacancy_id" else LIST_FILL)
        cell.fill = PatternFill("solid", fgColor=colour)
        cell.font = Font(bold=True, color="000000" if partner else "FFFFFF")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if name in HEADER_NOTES:
            cell.comment = Comment(HEADER_NOTES[name], "resque", width=260, height=110)
    sheet.row_dimensions[1].height = LINE_HEIGHT * 3 + 2


def _fit_heights(sheet, widths: list[float]) -> None:
    """Each list row as high as its most wrapped cell (see employer_service._fit_heights)."""
    for row in sheet.iter_rows(min_row=2):
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if isinstance(cell.value, str):
                lines = max(lines, _wrapped_lines(cell.value, width))
        sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * min(max(lines, 2), MAX_LINES) + 2


def _validations(sheet, columns: list[tuple[str, str, int, bool]], count: int) -> None:
    """A ja/nein choice and whole numbers where the importer expects them."""
    if count == 0:
        return
    letters = {name: get_column_letter(i) for i, (name, *_) in enumerate(columns, start=1)}
    last = count + 1
    yes_no = DataValidation(type="list", formula1='"ja,nein"', allow_blank=True)
    yes_no.error, yes_no.errorTitle = "Bitte ja oder nein eintragen.", "Noch offen?"
    places = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1")
    places.allow_blank = True
    places.error, places.errorTitle = "Bitte eine ganze Zahl ab 1 eintragen.", "Plätze"
    for check, name in ((yes_no, "still_open"), (places, "places_new")):
        check.showErrorMessage = True
        check.add(f"{letters[name]}2:{letters[name]}{last}")
        sheet.add_data_validation(check)


def _protect(sheet) -> None:
    """Lock the id and the list's columns against typing over; filter and widths stay free."""
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _fill_guide(sheet, about: list) -> None:
    sheet.append(["Anleitung"])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    for number, text in enumerate(INSTRUCTIONS, start=1):
        sheet.append([f"{number}.", text])
    sheet.append([])
    for key, value in about:
        sheet.append([key, None])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        _set(sheet.cell(sheet.max_row, 2), value, "info")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        text = row[1].value if len(row) > 1 else None
        lines = _wrapped_lines(text, 90) if isinstance(text, str) else 1
        sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + 2
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    _print_setup(sheet, title_row=False)


def _csv(rows: pd.DataFrame, handle) -> None:
    """The list as CSV for German spreadsheets (reports/excel_csv.py): ';', dates DD.MM.YYYY,
    UTF-8 with BOM, formula-guarded text; the partner's columns empty."""
    columns = _columns()
    write_csv(
        handle,
        [header for _, header, _, _ in columns],
        (
            ["" if partner else excel_value(getattr(record, name)) for name, *_, partner in columns]
            for record in rows.itertuples(index=False)
        ),
    )

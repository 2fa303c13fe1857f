"""The monthly candidate list for the employer service, as an XLSX workbook and a CSV file.

One row per proposed pair: the vacancy (id, title, employer, place, sources), the
participant's pseudonym, the participant's rank of the vacancy, the score, the distance and
the ranker's reasons. No name, no contact, nothing else from the profile. Rows are sorted by
employer and vacancy, so each vacancy's candidates stand together (an autofilter on the
employer column gives one employer's list).

Every text cell is guarded against formula injection: in the workbook it is stored as text
with Excel's quote prefix, in the CSV a value starting with = + - @ tab or CR gets a leading
apostrophe. Files are created readable by their owner only (0600), under a temporary name,
and renamed into place once the export is recorded in the warehouse.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import logging
import os
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from resque.errors import ResqueError
from resque.matching.ranking.explain import coach_summary
from resque.reports.excel_csv import FORMULA_STARTS, excel_value, write_csv
from resque.reports.source_names import display_names
from resque.warehouse import export as store

log = logging.getLogger(__name__)
HEADERS = {
    "vacancy_id": "Stellen-ID",
    "title": "Stelle",
    "employer": "Arbeitgeber",
    "postcode": "PLZ",
    "city": "Ort",
    "sources": "Quellen",
    "participant_id": "Teilnehmende (Pseudonym)",
    "rank": "Rang für die Person",
    "score": "Passung (0-1)",
    "distance_km": "Entfernung (km)",
    "reasons": "Begründung",
}
NUMBER_FORMATS = {"score": "0.00", "distance_km": "0.0"}
MAX_WIDTH, MIN_WIDTH = 60, 8
# The widest a column may get, in characters: the sum stays near what an A4 landscape page
# holds at a readable scale once fitted to the page width; longer text wraps.
WIDTH_LIMITS = {
    "vacancy_id": 18,
    "title": 26,
    "employer": 20,
    "postcode": 8,
    "city": 13,
    "sources": 20,
    "participant_id": 18,
    "rank": 8,
    "score": 9,
    "distance_km": 12,
    "reasons": 48,
}
LINE_HEIGHT = 15.0  # points per line of 11-point text (what Excel and LibreOffice use)
MAX_LINES = 12  # a row never grows past this; its text stays whole in the cell
PRIVATE = 0o600


def export_employer_service(
    con: duckdb.DuckDBPyConnection,
    out_dir: str | Path,
    *,
    month: str | None = None,
    recipient: str | None = None,
    created_by: str | None = None,
    run_id: int | None = None,
    source_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Write the month's list from the approved match run and record it in `exports`.

    Args:
        out_dir: folder for the files (created owner-only if missing).
        month: 'YYYY-MM' the list is for (default: this month).
        recipient: who the list is sent to (recorded).
        created_by: who wrote it (default: the login name).
        run_id: the approved match run (default: the newest one approved before month end).
        source_names: configured display names of sources (`display_name` in the config).
    Returns:
        {'export_id', 'month', 'match_run_id', 'files', 'rows', 'participants', 'vacancies',
        'left_out'}. Raises ResqueError when no approved run exists (nothing is written).
    """
    month = month or dt.date.today().strftime("%Y-%m")
    run = store.approved_run(con, month, run_id)
    rows, left_out = store.export_rows(con, run["run_id"])
    rows = _readable(rows, source_names)
    out_dir = Path(out_dir)
    _make_private_dir(out_dir)
    export_id = store.reserve_export_id(con)
    stem = f"arbeitgeberservice_{month}_export{export_id}"
    dropped = store.dropped_rows(con, run["run_id"])
    info = _info(run, month, recipient, export_id, len(rows), left_out, dropped)
    written = []
    try:
        written.append(_write_private(out_dir / f"{stem}.xlsx", lambda f: _workbook(rows, info, f)))
        written.append(_write_private(out_dir / f"{stem}.csv", lambda f: _csv(rows, f)))
        files = [
            {"path": str(final), "bytes": size, "sha256": digest}
            for _, final, size, digest in written
        ]
        counts = {
            "rows_written": len(rows),
            "participants": int(rows["participant_id"].nunique()),
            "vacancies": int(rows["vacancy_id"].nunique()),
            "left_out": left_out,
        }
        store.record_export(
            con,
            export_id,
            kind="employer_service",
            month=month,
            match_run_id=int(run["run_id"]),
            recipient=recipient,
            created_by=created_by or getpass.getuser(),
            created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            files=files,
            **counts,
        )
    except BaseException:
        for scratch, *_ in written:
            scratch.unlink(missing_ok=True)
        raise
    for scratch, final, *_ in written:
        os.replace(scratch, final)
    log.info("export %s: %s", export_id, counts)
    return {
        "export_id": export_id,
        "month": month,
        "match_run_id": int(run["run_id"]),
        "files": [f["path"] for f in files],
        "rows": counts["rows_written"],
        **{k: counts[k] for k in ("participants", "vacancies", "left_out")},
    }


def _readable(rows: pd.DataFrame, source_names: dict[str, str] | None) -> pd.DataFrame:
    """Reasons in German from their stored JSON; sources by their display names
    (`source_names` from the config, else reports/source_names.py)."""
    rows = rows.copy()
    rows["reasons"] = [coach_summary(json.loads(t)) if t else None for t in rows["reasons"]]
    rows["sources"] = [display_names(s, source_names) for s in rows["sources"]]
    return rows


def _info(
    run: dict, month: str, recipient, export_id: int, rows: int, left_out: int, dropped: int
) -> list:
    """The workbook's second sheet: what this list is and where it came from."""
    return [
        ("Liste", "Vorschläge für den Arbeitgeberservice"),
        ("Monat", month),
        ("Export-Nr.", export_id),
        ("Abgleich-Lauf (match run)", int(run["run_id"])),
        ("Lauf vom (UTC)", f"{run['started_at']:%Y-%m-%d %H:%M}"),
        ("Freigegeben von", run["approved_by"]),
        ("Freigegeben am (UTC)", f"{run['approved_at']:%Y-%m-%d %H:%M}"),
        ("Empfänger", recipient or ""),
        ("Zeilen", rows),
        ("Nicht aufgenommen", f"{left_out} (Person nicht mehr aktiv oder Stelle geschlossen)"),
        ("Bei der Durchsicht entfernt", dropped),
        ("Datenschutz", "Teilnehmende nur als Pseudonym; keine Namen, keine Kontaktdaten."),
    ]


def safe_text(value: str) -> str:
    """Text without the control characters XLSX cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _workbook(rows: pd.DataFrame, info: list, handle) -> None:
    """The list sheet (frozen bold header, filter, readable widths, set up to print on A4
    landscape pages) and the info sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Vorschläge"
    columns = list(HEADERS)
    sheet.append([HEADERS[c] for c in columns])
    for record in rows.itertuples(index=False):
        sheet.append([None] * len(columns))
        for position, column in enumerate(columns, start=1):
            _set(sheet.cell(sheet.max_row, position), getattr(record, column), column)
    _style_header(sheet, len(columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    widths = _fit_widths(sheet, rows, columns)
    _fit_heights(sheet, widths)
    _print_setup(sheet)
    about = book.create_sheet("Info")
    for key, value in info:
        about.append([key, None])
        about.cell(about.max_row, 1).font = Font(bold=True)
        _set(about.cell(about.max_row, 2), value, "info")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 70
    _print_setup(about, title_row=False)
    book.save(handle)


def _set(cell, value: Any, column: str) -> None:
    """One cell: numbers as numbers, text always as text (never a formula)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"  # openpyxl would take '=...' for a formula
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        # wrapped at the column's width; the row's height is set to show every line
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return
    cell.value = value.item() if hasattr(value, "item") else value
    cell.alignment = Alignment(vertical="top")
    if column in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[column]


def _style_header(sheet, width: int) -> None:
    for position in range(1, width + 1):
        cell = sheet.cell(1, position)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _fit_widths(sheet, rows: pd.DataFrame, columns: list[str]) -> list[float]:
    """Each column as wide as its longest value, within its limit; the header may wrap at
    its spaces but no header word is cut. Returns the widths in column order."""
    widths = []
    for position, column in enumerate(columns, start=1):
        values = rows[column].dropna().astype(str)
        header_word = max(len(w) for w in HEADERS[column].split())
        longest = max([header_word, *values.str.len().head(5000)], default=0)
        limit = max(WIDTH_LIMITS.get(column, MAX_WIDTH), header_word + 2)
        width = float(min(limit, max(MIN_WIDTH, longest + 2)))
        sheet.column_dimensions[get_column_letter(position)].width = width
        widths.append(width)
    return widths


def _fit_heights(sheet, widths: list[float]) -> None:
    """Each row as high as its most wrapped cell, so wrapped text does not overlap.

    Spreadsheets do not grow a row for wrapped text that was written by a program, and a
    printed page shows the stored height: the lines are estimated from the text's length
    and the column's width.
    """
    for row in sheet.iter_rows():
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if isinstance(cell.value, str):
                lines = max(lines, _wrapped_lines(cell.value, width))
        sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * min(lines, MAX_LINES) + 2


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes when wrapped at word boundaries in a column `width` wide."""
    # a width unit is one '0' of the default font; average text is narrower (LibreOffice fits
    # about 1.3 characters of German prose per unit), 1.15 keeps a margin against clipping
    room = max(1, int(width * 1.15) - 1)
    return sum(max(1, len(textwrap.wrap(part, room))) for part in text.split("\n"))


def _print_setup(sheet, title_row: bool = True) -> None:
    """A4 landscape, all columns fitted to the page width, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.print_options.gridLines = True
    if title_row:
        sheet.print_title_rows = "1:1"
        sheet.oddFooter.center.text = "Seite &P von &N"


def _csv(rows: pd.DataFrame, handle) -> None:
    """The same list as CSV for German spreadsheets (reports/excel_csv.py): ';', decimal
    comma with the workbook's digits, UTF-8 with BOM, formula-guarded text."""
    columns = list(HEADERS)
    write_csv(
        handle,
        [HEADERS[c] for c in columns],
        (
            [excel_value(getattr(record, c), _decimals(c)) for c in columns]
            for record in rows.itertuples(index=False)
        ),
    )


def _decimals(column: str) -> int | None:
    """Digits after the comma of a number column, as its workbook format shows them."""
    return NUMBER_FORMATS[column].count("0") - 1 if column in NUMBER_FORMATS else None


def _make_private_dir(folder: Path) -> None:
    """The output folder; a new one is created for its owner only."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ResqueError(f"{folder}: cannot create the folder ({exc.strerror})") from exc
    if not folder.is_dir():
        raise ResqueError(f"{folder}: not a folder")


def _write_private(final: Path, write) -> tuple[Path, Path, int, str]:
    """Write via `write(handle)` into an owner-only scratch file; return its size and SHA-256."""
    scratch = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        os.fchmod(descriptor, PRIVATE)  # also when the scratch file was left over
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
    except OSError as exc:
        scratch.unlink(missing_ok=True)
        raise ResqueError(f"{final}: cannot write the file ({exc.strerror})") from exc
    data = scratch.read_bytes()
    return scratch, final, len(data), hashlib.sha256(data).hexdigest()

"""`resque query SQL --excel OUT` (issue 16): a query's result as a file German Excel opens.

OUT ending `.xlsx` is a workbook: bold frozen header row, an autofilter, columns as wide as
their values (within limits), numbers as numbers, dates and timestamps as Excel dates
shown DD.MM.YYYY (HH:MM:SS), text always stored as text (never a formula). Any other OUT
is CSV for German Excel (reports/excel_csv.py): BOM, `;`, decimal comma, DD.MM.YYYY.

The output path is the one thing the analyst names that resque writes, and `resque query`
must not change the warehouse: OUT is checked before the query runs, and a path that is a
folder, sits in a folder that does not exist, or is a DuckDB database (the warehouse, its
snapshot, any other), the log beside one, or a Parquet file (the snapshot's folder) is
refused in one line. The file is written owner-only under a
temporary name and renamed into place, so a failed write leaves no half file.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from resque.errors import ResqueError
from resque.reports.employer_service import _write_private, safe_text
from resque.reports.excel_csv import FORMULA_STARTS, write_frame

# Excel's last row is 1,048,576: the header and this many rows.
MAX_XLSX_ROWS = 1_048_575
MIN_WIDTH, MAX_WIDTH = 8, 50
DATE_FORMAT, TIMESTAMP_FORMAT = "DD.MM.YYYY", "DD.MM.YYYY HH:MM:SS"
# Bytes 8-11 of every DuckDB database file; the first 4 of every Parquet file.
DUCKDB_MAGIC, PARQUET_MAGIC = b"DUCK", b"PAR1"


def checked_out(out: str | Path) -> Path:
    """OUT if resque may write it; else a ResqueError of one line saying why not."""
    out = Path(out)
    if out.is_dir():
        raise ResqueError(f"{out}: is a folder; give a file name ending .xlsx or .csv")
    if not out.parent.is_dir():
        raise ResqueError(f"{out}: the folder {out.parent} does not exist")
    if out.is_file() and _is_data(out):
        raise ResqueError(
            f"{out}: is a DuckDB database, its log or a Parquet file; resque query does not "
            "overwrite it"
        )
    return out


def write_result(frame: pd.DataFrame, out: str | Path) -> Path:
    """Write `frame` to `out`: a workbook for `.xlsx`, else German-Excel CSV.

    Returns:
        The path written. Raises ResqueError (one line) when the file cannot be written,
        or holds more rows than a worksheet.
    """
    out = checked_out(out)
    if out.suffix.lower() == ".xlsx":
        if len(frame) > MAX_XLSX_ROWS:
            raise ResqueError(
                f"{out}: {len(frame)} rows do not fit in a worksheet ({MAX_XLSX_ROWS} at most); "
                "write a .csv"
            )
        scratch, final, *_ = _write_private(out, lambda handle: _workbook(frame, handle))
    else:
        scratch, final, *_ = _write_private(out, lambda handle: write_frame(handle, frame))
    os.replace(scratch, final)
    return final


def _is_data(path: Path) -> bool:
    """Whether the file is a DuckDB database, the write-ahead log beside one, or Parquet
    (the snapshot's folder): things a query's result must not replace."""
    if path.name.endswith(".wal") and _starts(path.with_name(path.name[:-4]), 8, DUCKDB_MAGIC):
        return True
    return _starts(path, 8, DUCKDB_MAGIC) or _starts(path, 0, PARQUET_MAGIC)


def _starts(path: Path, offset: int, magic: bytes) -> bool:
    """Whether the file holds `magic` at `offset`."""
    try:
        with path.open("rb") as handle:
            return handle.read(offset + len(magic))[offset:] == magic
    except OSError:
        return False


def _workbook(frame: pd.DataFrame, handle) -> None:
    """One sheet: bold frozen header, filter, fitted widths, typed cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Abfrage"
    columns = [str(c) for c in frame.columns]
    sheet.append([safe_text(c) for c in columns])
    formats = [_date_format(frame.iloc[:, i]) for i in range(len(columns))]
    for row in frame.itertuples(index=False, name=None):
        sheet.append([None] * len(columns))
        for position, (value, number_format) in enumerate(zip(row, formats, strict=True), 1):
            _set(sheet.cell(sheet.max_row, position), value, number_format)
    for position in range(1, len(columns) + 1):
        sheet.cell(1, position).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = sheet.dimensions
    _fit_widths(sheet, frame, columns)
    book.save(handle)


def _date_format(column: pd.Series) -> str | None:
    """DD.MM.YYYY for a date column (DuckDB's DATE reaches pandas as midnights), with the
    time for a timestamp column, None for any other."""
    if pd.api.types.is_datetime64_any_dtype(column):
        values = column.dropna()
        return DATE_FORMAT if (values == values.dt.normalize()).all() else TIMESTAMP_FORMAT
    values = column.dropna()
    if len(values) and all(isinstance(v, dt.date) for v in values):
        dated = all(not isinstance(v, dt.datetime) for v in values)
        return DATE_FORMAT if dated else TIMESTAMP_FORMAT
    return None


def _set(cell, value: Any, number_format: str | None) -> None:
    """One cell: numbers and dates as such, everything else as text (never a formula)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)  # a workbook holds no zone
    if isinstance(value, bool | int | float | decimal.Decimal | dt.date):
        cell.value = value
        if number_format and isinstance(value, dt.date):
            cell.number_format = number_format
        return
    text = safe_text(value if isinstance(value, str) else str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl would take '=...' for a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _fit_widths(sheet, frame: pd.DataFrame, columns: list[str]) -> None:
    """Each column as wide as its header or its longest value (first 5000 rows), in limits."""
    for position, name in enumerate(columns, start=1):
        values = frame.iloc[:5000, position - 1].dropna().astype(str).str.len()
        longest = max([len(name), *values], default=0)
        width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
        sheet.column_dimensions[get_column_letter(position)].width = width

"""CSV that German Excel opens as it is (issue 16): the one writer of every resque CSV export.

German Excel reads a CSV by the system's list separator and decimal sign, and takes UTF-8
only from a byte-order mark. So: UTF-8 with a BOM, `;` between cells, CRLF line ends
(csv's quoting of `;`, quotes and line breaks inside a cell), floats with a decimal comma,
dates as DD.MM.YYYY, timestamps as DD.MM.YYYY HH:MM:SS, booleans as WAHR/FALSCH.

A text cell that starts with = + - @ tab or CR gets a leading apostrophe (formula
injection: Excel would run `=HYPERLINK(...)` from a vacancy title). Numbers are written as
numbers, so -3 stays -3; only text is guarded.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
DATE, TIMESTAMP = "%d.%m.%Y", "%d.%m.%Y %H:%M:%S"


def csv_cell(value: Any) -> Any:
    """A CSV value a spreadsheet will not run as a formula: risky text gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_value(value: Any, decimals: int | None = None, *, dates_only: bool = False) -> str:
    """One value as German Excel reads it; '' for a missing one.

    Args:
        value: a cell (Python, NumPy or pandas scalar).
        decimals: digits after the comma for a number (default: as many as it needs).
        dates_only: write a timestamp as its day (a DATE column read as midnights).
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)  # .item() would give nanoseconds as an int
    if hasattr(value, "item") and not isinstance(value, str | pd.Timestamp):
        value = value.item()  # a NumPy scalar as its Python value
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, dt.datetime):
        return f"{value:{DATE if dates_only else TIMESTAMP}}"
    if isinstance(value, dt.date):
        return f"{value:{DATE}}"
    if isinstance(value, float | decimal.Decimal | int):
        if decimals is not None:
            return f"{value:.{decimals}f}".replace(".", ",")
        return str(value).replace(".", ",")
    return csv_cell(value if isinstance(value, str) else str(value))


class TextSink:
    """A text writer over a binary file handle, UTF-8 with a BOM first."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        handle.write(BOM.encode())

    def write(self, text: str) -> int:
        return self.handle.write(text.encode("utf-8"))


def write_csv(handle: BinaryIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """The header and rows (already formatted, see `excel_value`) as German-Excel CSV."""
    writer = csv.writer(TextSink(handle), delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)


def write_frame(
    handle: BinaryIO, frame: pd.DataFrame, decimals: Mapping[str, int] | None = None
) -> None:
    """A whole DataFrame as German-Excel CSV, its column names as the header.

    A datetime column whose values are all midnights is a DATE column (DuckDB hands DATE
    to pandas as datetime64) and is written as days. `decimals`: per column, digits after
    the comma.
    """
    decimals = decimals or {}
    days = {
        name
        for name in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[name])
        and (frame[name].dropna() == frame[name].dropna().dt.normalize()).all()
    }
    columns = list(frame.columns)
    formats = [(decimals.get(name), name in days) for name in columns]
    write_csv(
        handle,
        [excel_value(str(name)) for name in columns],
        (
            [excel_value(v, d, dates_only=o) for v, (d, o) in zip(row, formats, strict=True)]
            for row in frame.itertuples(index=False, name=None)
        ),
    )

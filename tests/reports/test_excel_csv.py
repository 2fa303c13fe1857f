"""The one German-Excel CSV writer every CSV export uses (reports/excel_csv.py)."""

from __future__ import annotations

import datetime as dt
import decimal
import io

import numpy as np
import pandas as pd
import pytest

from resque.reports.excel_csv import excel_value, write_frame


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (None, ""),
        (float("nan"), ""),
        (np.float64("nan"), ""),
        (pd.NA, ""),
        (pd.NaT, ""),
        (3.5, "3,5"),
        (np.float64(0.25), "0,25"),
        (decimal.Decimal("12.50"), "12,50"),
        (np.int64(-2), "-2"),
        (True, "WAHR"),
        (np.bool_(False), "FALSCH"),
        (dt.date(2026, 3, 1), "01.03.2026"),
        (dt.datetime(2026, 3, 1, 7, 5, 9), "01.03.2026 07:05:09"),
        (pd.Timestamp("2026-03-01 07:05:09"), "01.03.2026 07:05:09"),
        (np.datetime64("2026-03-01T07:05:09"), "01.03.2026 07:05:09"),
        ("=1+1", "'=1+1"),
        ("+49 341", "'+49 341"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Köchin", "Köchin"),
        (["a", "b"], "['a', 'b']"),
    ],
)
def test_values_as_german_excel_reads_them(value, written):
    assert excel_value(value) == written


def test_digits_and_days_on_request():
    assert excel_value(0.875, 2) == "0,88" and excel_value(3, 1) == "3,0"
    assert excel_value(pd.Timestamp("2026-03-01"), dates_only=True) == "01.03.2026"


def test_a_frame_with_a_date_column_and_a_timestamp_column():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-03-01", None]),
            "at": pd.to_datetime(["2026-03-01 10:00", "2026-03-02 00:00"]),
            "x": [1.5, None],
        }
    )
    handle = io.BytesIO()
    write_frame(handle, frame)
    assert handle.getvalue().decode("utf-8") == (
        "\ufeffday;at;x\r\n01.03.2026;01.03.2026 10:00:00;1,5\r\n;02.03.2026 00:00:00;\r\n"
    )

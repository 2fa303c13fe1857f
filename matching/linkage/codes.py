"""Integer codes of the postings' columns, computed once per run instead of once per use.

Blocking, the comparisons and the clustering guards all ask "do these two postings hold
the same value?", which they answer on integer codes (equal values, equal code; -1 where
missing). Factorising a million text values takes about 0.3 s, and a full run asks for the
codes of a dozen columns in each blocking pass and each slice of pairs, so `CodedFrame`
keeps them beside the frame they came from. Plain DataFrames work too (factorised on
every call), which is what tests and small inputs use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


class CodedFrame:
    """A postings frame plus a memo of its columns' codes and other derived arrays.

    Reads (`frame[column]`, `column in frame`, `len(frame)`) go to the wrapped frame, so
    functions written for a DataFrame take a CodedFrame unchanged. The memo assumes the
    wrapped frame does not change while the CodedFrame is in use (it lives for one stage).
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._memo: dict[tuple[str, ...], Any] = {}

    def __getitem__(self, column: str) -> pd.Series:
        return self.frame[column]

    def __contains__(self, column: object) -> bool:
        return column in self.frame

    def __len__(self) -> int:
        return len(self.frame)

    def memo(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        """compute(), once per key."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def _factorize(values: pd.Series, sort: bool) -> tuple[np.ndarray, np.ndarray]:
    found, uniques = pd.factorize(values, sort=sort, use_na_sentinel=True)
    return found.astype(np.int64, copy=False), np.asarray(uniques)


def codes(
    frame: pd.DataFrame | CodedFrame, column: str, *, sort: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, -1 where missing; the distinct values) of a column.

    With sort=True the codes follow the values' order, so they can stand in for the values
    when sorting rows.
    """
    if isinstance(frame, CodedFrame):
        key = ("codes", column, str(sort))
        return frame.memo(key, lambda: _factorize(frame[column], sort))
    return _factorize(frame[column], sort)


def derived(frame: pd.DataFrame | CodedFrame, key: tuple[str, ...], compute: Callable[[], Any]):
    """compute(): memoised on a CodedFrame, computed afresh on a DataFrame."""
    return frame.memo(key, compute) if isinstance(frame, CodedFrame) else compute()

"""read_ahead: the importer's next batch is prepared in a second thread while one is staged."""

from __future__ import annotations

import threading

import pytest

from resque.errors import ResqueError
from resque.pipelines.importer import read_ahead


def test_items_come_prepared_and_in_order():
    assert list(read_ahead(range(50), lambda n: n * n)) == [n * n for n in range(50)]


def test_nothing_in_nothing_out():
    assert list(read_ahead([], str)) == []


def test_the_readers_error_is_raised_where_the_loop_meets_it():
    def items():
        yield 1
        yield 2
        raise ResqueError("list.csv: row 2902: field too long")

    seen = []
    with pytest.raises(ResqueError, match="row 2902"):
        for value in read_ahead(items(), lambda n: n):
            seen.append(value)
    assert seen == [1, 2]  # every batch before the bad one was handed on first


def test_a_loop_that_stops_early_stops_the_reader():
    read = []

    def items():
        for n in range(1000):
            read.append(n)
            yield n

    for value in read_ahead(items(), lambda n: n):
        if value == 3:
            break
    assert not [t for t in threading.enumerate() if t.name == "resque-read-ahead"]
    assert len(read) <= 6  # at most the batch in hand, one queued and one being read


def test_a_failed_staging_stops_the_reader(tmp_path, monkeypatch):
    """store_batches closes the read-ahead when staging fails: no reading thread is left."""
    import duckdb
    import pandas as pd

    from resque.pipelines import importer
    from resque.warehouse.db import open_warehouse

    def fail(*args, **kwargs):
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(importer, "stage_batch", fail)
    monkeypatch.setattr(importer.stages, "normalise", lambda records, *args: records)
    monkeypatch.setattr(importer.stages, "validate", lambda batch, *args, **kwargs: batch)
    records = pd.DataFrame({"title": ["Koch"], "source_ref": ["1"], "source": ["x"]})
    batches = ((records, None) for _ in range(100))
    with (
        open_warehouse(tmp_path / "w.duckdb") as con,
        pytest.raises(ResqueError, match="disk full"),
    ):
        importer.store_batches(
            con, batches, entity="vacancies", source="x", kind="import", snapshot=False
        )
    assert not [t for t in threading.enumerate() if t.name == "resque-read-ahead"]

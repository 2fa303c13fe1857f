"""The warehouse side of merging: read postings, let matching.linkage decide, write back.

Reads and writes only: a full run is matching.linkage.dedup.full_run, an incremental one
matching.linkage.incremental.incremental_run (asking `_SqlReader` for what it needs to
read), the explain text is matching.linkage.explain's; each SQL statement is a file in
warehouse/sql/linkage/.

`run_dedup` is one transaction with its `runs` row (kind 'dedup'): postings get their
vacancy ids and normalised columns, `duplicate_pairs` the evidence, `vacancy_events` the
merges and splits, and `vacancies` is rebuilt for what changed. An incremental run (the
default) compares only postings that are new or changed since the last run, against all
postings; existing vacancies stay as they are unless a new posting joins or bridges them.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from resque.errors import ResqueError
from resque.matching.linkage import dedup as md
from resque.matching.linkage import explain
from resque.matching.linkage.classifier import Model, default_model
from resque.matching.linkage.evaluation import cluster_metrics, large_employer_metrics
from resque.matching.linkage.incremental import incremental_run
from resque.warehouse.db import registered, sql, transaction
from resque.warehouse.runs import failure_words, step_run

log = logging.getLogger(__name__)

# Stored column name -> the name matching.linkage gives the normalised column.
STORED_KEYS = {value: key for key, value in md.NORMALISED_COLUMNS.items()}


def run_dedup(
    con: duckdb.DuckDBPyConnection, *, full: bool = False, model: Model | None = None
) -> dict[str, Any]:
    """Merge near-duplicate postings into vacancies, as one transaction with its runs row.

    Args:
        full: recompute every posting from scratch (normalisation, pairs, clusters);
            default: only postings new or changed since the last run are compared (the
            first run on a warehouse is always a full one).
        model: the pair classifier (default: the bundled one).
    Returns:
        Counts for printing: run_id, mode, postings, compared, candidate_pairs,
        matched_pairs, vacancies, merges, splits, seconds.
    """
    model = model or default_model()
    words = failure_words("dedup", (ResqueError,))
    run = step_run(con, kind="dedup", details={"full": full}, describe=words)
    clock = time.perf_counter()
    try:
        with run, transaction(con):
            first = con.execute(sql("linkage/never_run")).fetchall()[0][0]
            step = _full_run if full or first else _incremental_run
            counts = step(con, run.run_id, model, run.started)
            counts["seconds"] = round(time.perf_counter() - clock, 2)
            run.succeeded(
                counts={"rows_in": counts["postings"], "rows_updated": counts["changed"]},
                details=counts,
            )
    except (duckdb.Error, MemoryError) as exc:
        raise ResqueError(run.error) from exc
    log.info("dedup run %s: %s", run.run_id, counts)
    return {"run_id": run.run_id, **counts}


class _Stopwatch:
    """Seconds per stage of a run, kept in its runs.details (where did the time go?)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round(now - self._last, 2)
        self._last = now


# --- the two runs: read, let matching.linkage decide, write --------------------------------


def _full_run(con, run_id: int, model: Model, now: dt.datetime) -> dict[str, Any]:
    """Every posting normalised, compared within its blocks and clustered anew."""
    stages = _Stopwatch()
    # a function: matching.linkage.dedup.full_run holds the only reference to the raw texts
    writes = md.full_run(
        lambda: con.sql(sql("linkage/read_postings")).to_arrow_table().to_pandas(),
        model,
        stopwatch=stages,
    )
    _write(con, writes, run_id, now, stages.lap)
    return {"mode": "full", **writes.stats, "stage_seconds": stages.laps}


def _incremental_run(con, run_id: int, model: Model, now: dt.datetime) -> dict[str, Any]:
    """New and changed postings compared against all postings (matching.linkage.incremental)."""
    stages = _Stopwatch()
    total = con.execute(sql("linkage/count_postings")).fetchall()[0][0]
    writes = incremental_run(_SqlReader(con), model, stopwatch=stages)
    if writes is None:
        return _nothing_to_do(total)
    _write(con, writes, run_id, now)
    stages.lap("write")
    return {
        "mode": "incremental",
        "postings": total,
        **writes.stats,
        "stage_seconds": stages.laps,
    }


def _nothing_to_do(total: int) -> dict[str, Any]:
    return {
        "mode": "incremental",
        "postings": total,
        "compared": 0,
        "candidate_pairs": 0,
        "matched_pairs": 0,
        "vacancies": 0,
        "changed": 0,
        "merges": 0,
        "splits": 0,
    }


# --- reading ---------------------------------------------------------------------------------


def _table(con, name: str) -> pd.DataFrame:
    """A named query's result with the normalised columns under their matching names.

    Text stays in Arrow-backed columns: an incremental run only factorises these keys
    (Arrow's hashing is ~3x pandas' on Python strings) and applies rules per distinct value.
    """
    return con.sql(sql(name)).to_arrow_table().to_pandas().rename(columns=STORED_KEYS)


def _ids(posting_ids: np.ndarray) -> pa.Table:
    return pa.table({"posting_id": np.asarray(posting_ids).astype(str)})


class _SqlReader:
    """The reads of an incremental run (matching.linkage.incremental.Reader), one query each."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def dirty(self) -> pd.DataFrame:
        return _table(self.con, "linkage/read_dirty")

    def rows(self, posting_ids: np.ndarray) -> pd.DataFrame:
        ids = pa.table(
            {
                "posting_id": np.asarray(posting_ids).astype(str),
                "position": np.arange(len(posting_ids), dtype=np.int64),
            }
        )
        with registered(self.con, dedup_ids=ids):
            return self.con.sql(sql("linkage/read_rows")).to_arrow_table().to_pandas()

    def neighbours(self, keys: pd.DataFrame) -> pd.DataFrame:
        table = pa.table(
            {
                name: pa.array(values.to_numpy(dtype=object), pa.string(), from_pandas=True)
                for name, values in keys.items()
            }
        )
        with registered(self.con, dedup_dirty_keys=table):
            return _table(self.con, "linkage/read_neighbours")

    def members(self, vacancy_ids: np.ndarray, read: np.ndarray) -> pd.DataFrame:
        vacancies = pa.table({"vacancy_id": vacancy_ids})
        with registered(self.con, dedup_vacancy_ids=vacancies, dedup_ids=_ids(read)):
            return _table(self.con, "linkage/read_members")

    def stored_pairs(self, posting_ids: np.ndarray) -> pd.DataFrame:
        with registered(self.con, dedup_ids=_ids(posting_ids)):
            return self.con.execute(sql("linkage/stored_pairs")).df()

    def taken_ids(self, candidates: np.ndarray, posting_ids: np.ndarray) -> set[str]:
        vacancies = pa.table({"vacancy_id": candidates})
        with registered(self.con, dedup_vacancy_ids=vacancies, dedup_ids=_ids(posting_ids)):
            return {row[0] for row in self.con.execute(sql("linkage/taken_ids")).fetchall()}


# --- writing ---------------------------------------------------------------------------------


def _write(con, writes: md.RunWrites, run_id: int, now: dt.datetime, lap=None) -> None:
    """Store what a run decided; `lap(stage)` after postings, evidence and vacancies."""
    lap = lap or (lambda stage: None)
    _write_postings(con, writes.postings, writes.vacancy_ids, run_id, writes.title_words)
    lap("write_postings")
    if writes.recompared is None:
        con.execute(sql("linkage/delete_all_pairs"))
    else:
        with registered(con, dedup_ids=pa.table({"posting_id": writes.recompared})):
            con.execute(sql("linkage/delete_pairs"))
    _write_pairs(con, writes.pair_ids, writes.pairs, run_id)
    _write_events(con, writes.events, run_id, now)
    lap("write_pairs")
    if writes.vacancies is None:
        con.execute(sql("refresh_vacancies"))
    else:
        touched = pa.table({"vacancy_id": writes.vacancies})
        with registered(con, dedup_vacancy_ids=touched):
            con.execute(
                sql("linkage/refresh_vacancies"), {"vacancy_ids": writes.vacancies.tolist()}
            )
    lap("refresh_vacancies")


def _write_postings(
    con, frame: pd.DataFrame, vacancy_ids: np.ndarray, run_id: int, words: np.ndarray
) -> None:
    """Vacancy id, normalised columns, title words and dedup state of the given postings."""
    if len(frame) == 0:
        return
    updates = pa.table(
        {
            "posting_id": frame["posting_id"].to_numpy().astype(str),
            "vacancy_id": np.asarray(vacancy_ids).astype(str),
            "title_normalised": pa.array(
                frame["title_key"].to_numpy(), pa.string(), from_pandas=True
            ),
            "employer_normalised": pa.array(
                frame["employer_key"].to_numpy(), pa.string(), from_pandas=True
            ),
            "city_normalised": pa.array(
                frame["town_key"].to_numpy(), pa.string(), from_pandas=True
            ),
            "weekly_hours": pa.array(
                pd.to_numeric(frame["weekly_hours"]).to_numpy(dtype=float),
                pa.float64(),
                from_pandas=True,
            ),
            "title_words": pa.array(words, pa.string(), from_pandas=True),
        }
    )
    with registered(con, dedup_updates=updates):
        con.execute(sql("linkage/update_postings"), {"run_id": run_id})


def _write_pairs(con, posting_ids: np.ndarray, scored: pd.DataFrame, run_id: int) -> None:
    """The scored pairs with posting ids (posting_ids[position]) instead of row positions."""
    if len(scored) == 0:
        return
    ids = {
        "left_posting_id": posting_ids[scored["left"].to_numpy(dtype=np.int64)],
        "right_posting_id": posting_ids[scored["right"].to_numpy(dtype=np.int64)],
    }
    # column by column into Arrow: no second pandas copy of a million rows of evidence
    table = pa.table(
        {
            column: pa.array(
                ids[column] if column in ids else _column(scored, column), from_pandas=True
            )
            for column in md.PAIR_COLUMNS
        }
    )
    with registered(con, dedup_pairs=table):
        con.execute(sql("linkage/insert_pairs"), {"run_id": run_id})


def _column(scored: pd.DataFrame, column: str) -> np.ndarray:
    """An evidence column as numpy; category and text columns as Python strings or None."""
    values = scored[column]
    if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object:
        return values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
    return values.to_numpy()


def _write_events(con, events: pd.DataFrame, run_id: int, now: dt.datetime) -> None:
    if len(events) == 0:
        return
    with registered(con, dedup_events=pa.Table.from_pandas(events, preserve_index=False)):
        con.execute(sql("linkage/insert_events"), {"run_id": run_id, "now": now})


# --- explain and evaluate --------------------------------------------------------------------


def explain_vacancy(con: duckdb.DuckDBPyConnection, vacancy_id: str) -> str:
    """A readable account of one vacancy: its postings, and why each pair was merged
    (the rows read here, the text from matching.linkage.explain)."""
    postings = con.execute(sql("linkage/explain_postings"), {"vacancy_id": vacancy_id}).df()
    if postings.empty:
        raise ResqueError(
            f"no vacancy {vacancy_id!r}; list some with: "
            'resque query "select vacancy_id, title from vacancies"'
        )
    pairs = con.execute(sql("linkage/explain_pairs"), {"vacancy_id": vacancy_id}).df()
    events = con.execute(sql("linkage/explain_events"), {"vacancy_id": vacancy_id}).df()
    return explain.vacancy_text(vacancy_id, postings, pairs, events, default_model())


def evaluate_labels(con: duckdb.DuckDBPyConnection, labels_path: str | Path) -> dict[str, Any]:
    """Pairwise and B-cubed scores of the current vacancies against a truth file.

    Args:
        labels_path: CSV with the columns source, source_ref, cluster (one row per posting;
            postings with the same cluster value are one real opening).
    Returns:
        The metrics of matching.evaluation.cluster_metrics, plus `labels` (rows read),
        `unmatched` (labelled postings not in the warehouse) and `large_employers` (the
        same scores within employers with many postings at one postcode).
    """
    labels = _read_labels(Path(labels_path))
    with registered(con, dedup_labels=pa.Table.from_pandas(labels, preserve_index=False)):
        joined = con.execute(sql("linkage/eval_labels")).df()
    found = joined[joined["vacancy_id"].notna()]
    if found.empty:
        raise ResqueError(
            f"{labels_path}: none of the {len(labels)} labelled postings is in the warehouse"
        )
    metrics = cluster_metrics(found["vacancy_id"].to_numpy(), found["cluster"].to_numpy())
    large = large_employer_metrics(
        found["employer_normalised"], found["postcode"], found["vacancy_id"], found["cluster"]
    )
    return {
        **metrics,
        "labels": len(labels),
        "unmatched": int(len(joined) - len(found)),
        "large_employers": large,
    }


def _read_labels(path: Path) -> pd.DataFrame:
    """The truth file: source, source_ref, cluster as text; a wrong file is one clear error."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ResqueError(f"{path}: cannot read the labels file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ResqueError(f"{path}: the labels file is not UTF-8 text") from exc
    needed = {"source", "source_ref", "cluster"}
    if not rows or not needed <= set(rows[0]):
        raise ResqueError(f"{path}: need a CSV header with the columns source, source_ref, cluster")
    return pd.DataFrame(
        {name: [str(row[name]) for row in rows] for name in ("source", "source_ref", "cluster")}
    )

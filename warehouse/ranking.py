"""The I/O side of matching: read profiles and vacancies, call the ranker, store and evaluate.

The ranking itself is pure (matching/ranking/ranker.py). Here the warehouse is read as Arrow, the
postcode centroids are loaded, and a match run is written as one transaction together with
its `runs` row (kind 'match'); a failed run leaves only a 'failed' runs row.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import time
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from resque.errors import ResqueError
from resque.matching.privacy import is_pseudonym, participant_pseudonym
from resque.matching.ranking import geo
from resque.matching.ranking.explain import lines, reason_dicts, reason_json
from resque.matching.ranking.metrics import evaluate
from resque.matching.ranking.ranker import MATCH_COLUMNS, Settings, rank
from resque.warehouse.db import registered, sql, transaction
from resque.warehouse.occupations import tonights_model
from resque.warehouse.runs import step_run

log = logging.getLogger(__name__)
CENTROIDS = "postcode_centroids.csv"


def load_gazetteer(con: duckdb.DuckDBPyConnection) -> geo.Gazetteer:
    """The committed postcode centroids, refined by centroids learned from geocoded postings."""
    with resources.as_file(resources.files("resque.warehouse") / "data" / CENTROIDS) as path:
        table = pd.read_csv(path, dtype={"postcode": str, "place": str, "state": str})
    with contextlib.closing(con.cursor()) as cur:
        learned = cur.sql(sql("ranking/learned_centroids")).df()
    return geo.build_gazetteer(table, learned)


def _frame(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """A match_*.sql query as a DataFrame via Arrow (dates stay dates, lists stay lists).

    Read through a cursor of its own, so a result the caller left open does not block it.
    """
    with contextlib.closing(con.cursor()) as cur:
        return cur.sql(sql(name), params=params or None).to_arrow_table().to_pandas()


def _inputs(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame, geo.Gazetteer]:
    return (
        _frame(con, "ranking/participants"),
        _frame(con, "ranking/vacancies"),
        load_gazetteer(con),
    )


def run_matching(
    con: duckdb.DuckDBPyConnection,
    *,
    top: int = 10,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Rank every active participant against every active vacancy and store the matches.

    Args:
        top: matches kept per participant.
        today: the date availability is compared with (default: today).
    Returns:
        {'run_id', 'participants', 'vacancies', 'matches', 'without_match', 'seconds'}.
        Raises ResqueError after recording a failed run.
    """
    clock = time.perf_counter()
    details: dict[str, Any] = {"top": top}
    run = step_run(con, kind="match", details=details, describe=_failure)
    try:
        with run:
            participants, vacancies, gazetteer = _inputs(con)
            details.update(participants=len(participants), vacancies=len(vacancies))
            settings = _with_top(settings, top)
            ranked = rank(
                participants,
                vacancies,
                gazetteer=gazetteer,
                today=today or dt.date.today(),
                settings=settings,
                occupations=lambda: tonights_model(con),  # fitted while texts are parsed
            )
            ranked["reasons"] = reason_json(ranked)
            matched = ranked["participant_id"].nunique() if len(ranked) else 0
            details.update(matches=len(ranked), without_match=len(participants) - matched)
            details["seconds"] = round(time.perf_counter() - clock, 2)
            with transaction(con):
                _insert(con, ranked, run.run_id)
                run.succeeded(counts={"rows_in": len(participants), "rows_loaded": len(ranked)})
    except _RECORDED as exc:
        raise ResqueError(run.error) from exc
    log.info("match run %s: %s", run.run_id, details)
    return {"run_id": run.run_id, **{k: details[k] for k in _SUMMARY_KEYS}}


# What a failed match run records and reports in one line; anything else (a bug) propagates.
_RECORDED = (ResqueError, duckdb.Error, ValueError, MemoryError)


def _failure(exc: BaseException) -> str | None:
    """The failed match run's error."""
    return f"matching failed: {str(exc).splitlines()[0]}" if isinstance(exc, _RECORDED) else None


_SUMMARY_KEYS = ("participants", "vacancies", "matches", "without_match", "seconds")


def _with_top(settings: Settings | None, top: int) -> Settings:
    if top < 1:
        raise ResqueError(f"--top must be at least 1, not {top}")
    return dataclasses.replace(settings or Settings(), top=top)


def _insert(con: duckdb.DuckDBPyConnection, ranked: pd.DataFrame, run_id: int) -> None:
    """Write the ranked frame as the run's matches."""
    table = pa.Table.from_pandas(
        ranked[list(MATCH_COLUMNS)],
        schema=pa.schema(
            [
                ("participant_id", pa.string()),
                ("vacancy_id", pa.string()),
                ("rank", pa.int32()),
                ("score", pa.float64()),
                ("distance_km", pa.float64()),
                ("reasons", pa.string()),
            ]
        ),
        preserve_index=False,
    )
    with registered(con, ranked=table):
        con.execute(sql("ranking/insert"), {"run_id": run_id})


def _ranked_list(
    con: duckdb.DuckDBPyConnection,
    top: int,
    today: dt.date | None,
    **focus: Any,
) -> pd.DataFrame:
    """Rank on demand for one participant or one vacancy (nothing is written)."""
    participants, vacancies, gazetteer = _inputs(con)
    return rank(
        participants,
        vacancies,
        gazetteer=gazetteer,
        today=today or dt.date.today(),
        settings=_with_top(None, top),
        occupations=tonights_model(con),
        **focus,
    )


def _with_details(con: duckdb.DuckDBPyConnection, ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranked frame with the vacancies' title, employer and place, and a readable reason."""
    with contextlib.closing(con.cursor()) as cur:
        cur.register("wanted", pa.table({"vacancy_id": ranked["vacancy_id"].astype(str).tolist()}))
        details = cur.sql(sql("ranking/vacancy_details")).df()
    ranked = ranked.astype({"vacancy_id": str, "participant_id": str})
    details = details[[c for c in details.columns if c == "vacancy_id" or c not in ranked]]
    frame = ranked.merge(details, on="vacancy_id", how="left")
    frame["reasons"] = reason_dicts(frame)
    frame["why"] = [" | ".join(lines(r)) for r in frame["reasons"]]
    return frame


def matches_for_participant(
    con: duckdb.DuckDBPyConnection, participant_id: str, top: int = 10, today: dt.date | None = None
) -> pd.DataFrame:
    """The best vacancies for one active participant, ranked and explained.

    Computed on demand with the statistics of all active vacancies, so the list equals the
    participant's part of a full `resque match` run on the same data.
    """
    _require(con, "participant", participant_id)
    ranked = _ranked_list(con, top, today, only_participants=[participant_id])
    frame = _with_details(con, ranked)
    columns = ["rank", "vacancy_id", "title", "employer", "postcode", "city", "score"]
    return frame[[*columns, "distance_km", "why", "reasons"]].sort_values("rank")


def matches_for_vacancy(
    con: duckdb.DuckDBPyConnection, vacancy_id: str, top: int = 10, today: dt.date | None = None
) -> pd.DataFrame:
    """The best-fitting participants (pseudonyms) for one active vacancy, ranked and explained."""
    _require(con, "vacancy", vacancy_id)
    ranked = _ranked_list(con, top, today, only_vacancies=[vacancy_id], per="vacancy")
    ranked = ranked.sort_values(
        ["score", "distance_km", "participant_id"], ascending=[False, True, True]
    )
    ranked["rank"] = range(1, len(ranked) + 1)
    frame = _with_details(con, ranked)
    return frame[["rank", "participant_id", "score", "distance_km", "why", "reasons"]]


def _require(con: duckdb.DuckDBPyConnection, what: str, value: str) -> None:
    """A one-line error when the id names no active participant or vacancy."""
    if not _frame(con, f"ranking/active_{what}", id=value)["found"].iloc[0]:
        raise ResqueError(f"no active {what} {value!r}")


def evaluate_matching(
    con_or_frames: duckdb.DuckDBPyConnection | pd.DataFrame,
    labels_path: str | Path,
    k: int = 10,
    *,
    key: bytes | None = None,
) -> dict[str, Any]:
    """nDCG@k, MRR and recall@k of the latest match run (or a matches frame) against labels.

    Args:
        con_or_frames: the warehouse (its latest successful match run is evaluated), or a
            frame with participant_id, vacancy_id and rank.
        labels_path: CSV with participant_id, relevance (0-3) and either vacancy_id or
            source + source_ref of a posting (mapped to its vacancy). A participant_id is
            a pseudonym, or the participant's id in the source file, which is hashed with
            `key`: people label profiles by the ids they know.
        key: the pseudonym key; needed only when the labels name source ids.
    Returns:
        The metrics and counts (see matching.ranking_metrics.evaluate).
    """
    labels = _pseudonymised(_read_labels(Path(labels_path)), key, labels_path)
    if isinstance(con_or_frames, pd.DataFrame):
        matches, postings = con_or_frames, None
    else:
        con = con_or_frames
        run_id = _frame(con, "ranking/latest_run")["run_id"].iloc[0]
        if pd.isna(run_id):
            raise ResqueError("no match run yet; run 'resque match' first")
        matches = _frame(con, "ranking/run_matches", run_id=int(run_id))
        postings = _frame(con, "ranking/posting_vacancies")
    if "vacancy_id" not in labels.columns:
        if postings is None:
            raise ResqueError(
                f"{labels_path}: labels name postings; evaluate against the warehouse"
            )
        labels = labels.merge(postings, on=["source", "source_ref"], how="left")
        unknown = labels["vacancy_id"].isna().sum()
        if unknown:
            log.warning("%s labels name postings not in the warehouse", unknown)
        labels = labels.dropna(subset=["vacancy_id"])
    return evaluate(matches, labels, k=k)


def _pseudonymised(labels: pd.DataFrame, key: bytes | None, path: str | Path) -> pd.DataFrame:
    """The labels with every participant named by pseudonym."""
    ids = labels["participant_id"].fillna("").astype(str)
    if key is None and not ids.map(is_pseudonym).all():
        raise ResqueError(
            f"{path}: labels name source participant ids; they need the pseudonym key"
        )
    mapping = {text: participant_pseudonym(text, key) for text in ids.unique()}
    return labels.assign(participant_id=ids.map(mapping))


def _read_labels(path: Path) -> pd.DataFrame:
    """The labels file, checked: one line naming what is missing."""
    if not path.is_file():
        raise ResqueError(f"{path}: no such labels file")
    try:
        labels = pd.read_csv(path, dtype=str)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ResqueError(f"{path}: not a readable CSV file") from exc
    needed = {"participant_id", "relevance"}
    if not needed <= set(labels.columns) or not (
        "vacancy_id" in labels.columns or {"source", "source_ref"} <= set(labels.columns)
    ):
        raise ResqueError(
            f"{path}: labels need participant_id, relevance and vacancy_id "
            f"(or source and source_ref); found {', '.join(labels.columns)}"
        )
    labels["relevance"] = pd.to_numeric(labels["relevance"], errors="coerce")
    if labels["relevance"].isna().any():
        raise ResqueError(f"{path}: relevance must be a number (0-3) in every row")
    return labels

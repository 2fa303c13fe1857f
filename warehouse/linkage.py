"""The warehouse side of merging: read postings, run matching.linkage.dedup, write back.

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
from resque.matching.linkage import blocking, comparisons
from resque.matching.linkage import dedup as md
from resque.matching.linkage.classifier import Model, default_model
from resque.matching.linkage.evaluation import cluster_metrics, large_employer_metrics
from resque.matching.linkage.stable_ids import assign_ids
from resque.warehouse.db import sql, transaction
from resque.warehouse.runs import failure_words, step_run

log = logging.getLogger(__name__)

# The feature columns stored in duplicate_pairs (the model's interaction terms are derived).
PAIR_COLUMNS = [
    "left_posting_id",
    "right_posting_id",
    "blocking_rule",
    "title",
    "title_chars",
    "title_partial",
    "title_unshared",
    "title_extra",
    "employer",
    "employer_missing",
    "employer_idf",
    "postcode",
    "postcode_missing",
    "town",
    "town_missing",
    "places",
    "places_missing",
    "source",
    "start_same",
    "start_differ",
    "posted_gap",
    "working_time_same",
    "working_time_conflict",
    "both_agency",
    "either_agency",
    "description",
    "description_missing",
    "street",
    "street_missing",
    "occupation_same",
    "occupation_differ",
    "client_same",
    "client_differ",
    "costly_skipped",
    "crowd_offset",
    "probability",
    "decision",
    "rule",
]
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


# --- full run --------------------------------------------------------------------------------


def _full_run(con, run_id: int, model: Model, now: dt.datetime) -> dict[str, Any]:
    """Every posting normalised, compared within its blocks and clustered anew."""
    stages = _Stopwatch()
    raw = md.objects_frame(con.sql(sql("linkage/read_postings")).to_arrow_table().to_pandas())
    stored = raw[[*STORED_KEYS, "stored_title_words"]].rename(columns=STORED_KEYS)
    stages.lap("read")
    normalised = md.normalise(raw)
    raw = raw.drop(columns=[*STORED_KEYS, "stored_title_words"])
    frame = md.prepare(pd.concat([raw, normalised], axis=1))
    # the keys are derived: drop the raw texts (~0.4 GB at 1M postings) before pairs are built
    del raw, normalised
    frame = frame.drop(columns=list(md.RAW_TEXTS))
    stages.lap("normalise")
    result = md.deduplicate(frame, model, stopwatch=stages)
    words = _words_text(frame)  # compared with the stored words, and written: once
    changed = _changed(frame, stored, result.vacancy_ids, words)
    _write_postings(con, frame[changed], result.vacancy_ids[changed], run_id, words[changed])
    stages.lap("write_postings")
    posting_ids, compared = frame["posting_id"].to_numpy(), len(frame)
    del frame  # the evidence needs only the ids: make room for DuckDB's insert
    con.execute("delete from duplicate_pairs")
    _write_pairs(con, posting_ids, result.pairs, run_id)
    _write_events(con, result.events, run_id, now)
    stages.lap("write_pairs")
    con.execute(sql("refresh_vacancies"))
    stages.lap("refresh_vacancies")
    return {
        "mode": "full",
        **result.stats,
        "compared": compared,
        "changed": int(changed.sum()),
        "merges": int((result.events["event"] == "merge").sum()),
        "splits": int((result.events["event"] == "split").sum()),
        "stage_seconds": stages.laps,
    }


def _changed(
    frame: pd.DataFrame, stored: pd.DataFrame, vacancy_ids: np.ndarray, words: np.ndarray
) -> np.ndarray:
    """Postings whose vacancy, normalised columns, title words (`words`, see `_words_text`)
    or dedup state must be written."""
    changed = frame["is_dirty"].to_numpy(dtype=bool) | (
        frame["previous_vacancy_id"].to_numpy() != vacancy_ids
    )
    pairs = [(frame[c], stored[c]) for c in md.NORMALISED_COLUMNS]
    pairs.append((pd.Series(words, index=frame.index), stored["stored_title_words"]))
    for now, before in pairs:
        now, before = now.astype(object), before.astype(object)
        differs = ~((now == before) | (now.isna() & before.isna()))
        changed |= differs.to_numpy(dtype=bool)
    return changed


# --- incremental run -------------------------------------------------------------------------


def _incremental_run(con, run_id: int, model: Model, now: dt.datetime) -> dict[str, Any]:
    """New and changed postings compared against all postings; their vacancies re-clustered.

    Only the postings that can share a block with a dirty one are read (same employer or
    place), then the full rows of those in candidate pairs, then the other postings of the
    vacancies the dirty ones join, so the cost follows the number of new postings.
    """
    stages = _Stopwatch()
    total = con.execute("select count(*) from postings").fetchall()[0][0]
    dirty_keys = _table(con, "linkage/read_dirty")
    if dirty_keys.empty:
        return _nothing_to_do(total)
    fresh = md.normalise(_read_rows(con, dirty_keys["posting_id"]))
    for column in md.NORMALISED_COLUMNS:
        values = fresh[column]
        dirty_keys[column] = values.astype("str") if values.dtype == object else values
    stages.lap("read_normalise")
    keys = pd.concat([dirty_keys, _neighbours(con, dirty_keys)], ignore_index=True)
    stages.lap("read_neighbours")
    dirty = keys["is_dirty"].to_numpy(dtype=bool)
    md.add_blocking_columns(keys)
    pairs = blocking.candidate_pairs(keys, blocking.default_rules(), dirty=dirty)
    stages.lap("blocking")
    scored, involved = _score_incremental(con, keys, pairs, model)
    stages.lap("scoring")
    keys, nodes = _affected_nodes(con, keys, scored, dirty)
    dirty = np.concatenate([dirty, np.zeros(len(keys) - len(dirty), dtype=bool)])
    clusters = _cluster_incremental(con, keys, nodes, scored, dirty, model.threshold)
    stages.lap("clustering")
    node_frame = keys.iloc[nodes].assign(cluster=clusters)
    ids, events = assign_ids(node_frame, _taken_ids(con, node_frame))
    stages.lap("stable_ids")
    changed = dirty[nodes] | (node_frame["previous_vacancy_id"].to_numpy() != ids)
    written = node_frame[changed]
    _write_postings(con, written, ids[changed], run_id, _words_text(written))
    con.register("dedup_ids", pa.table({"posting_id": keys.loc[dirty, "posting_id"].to_numpy()}))
    con.execute(sql("linkage/delete_pairs"))
    con.unregister("dedup_ids")
    _write_pairs(con, keys["posting_id"].to_numpy(), md.evidence_to_keep(scored), run_id)
    _write_events(con, events, run_id, now)
    touched = pd.unique(np.concatenate([node_frame["previous_vacancy_id"].to_numpy(), ids]))
    touched = touched.astype(str)
    con.register("dedup_vacancy_ids", pa.table({"vacancy_id": touched}))
    con.execute(sql("linkage/refresh_vacancies"), {"vacancy_ids": touched.tolist()})
    con.unregister("dedup_vacancy_ids")
    stages.lap("write")
    return {
        "mode": "incremental",
        "postings": total,
        "compared": int(dirty.sum()),
        "candidate_pairs": len(pairs),
        "matched_pairs": int((scored["decision"] == "match").sum()),
        "vacancies": int(len(np.unique(ids))),
        "changed": int(changed.sum()),
        "merges": int((events["event"] == "merge").sum()),
        "splits": int((events["event"] == "split").sum()),
        "involved": involved,
        "keys_read": len(keys),
        "stage_seconds": stages.laps,
    }


def _table(con, name: str) -> pd.DataFrame:
    """A named query's result with the normalised columns under their matching names.

    Text stays in Arrow-backed columns: an incremental run only factorises these keys
    (Arrow's hashing is ~3x pandas' on Python strings) and applies rules per distinct value.
    """
    return con.sql(sql(name)).to_arrow_table().to_pandas().rename(columns=STORED_KEYS)


def _neighbours(con, dirty_keys: pd.DataFrame) -> pd.DataFrame:
    """Settled postings that can share a block with a dirty posting (see the SQL)."""
    md.add_blocking_columns(dirty_keys)
    columns = {
        "employer_key": dirty_keys["employer_key"],
        "postcode": dirty_keys["postcode"],
        "town_key": dirty_keys["town_key"],
        "title_key": dirty_keys["title_key"],
        "place_key": dirty_keys["place_key"],
        "title_words": pd.Series(_words_text(dirty_keys), index=dirty_keys.index),
    }
    con.register(
        "dedup_dirty_keys",
        pa.table(
            {
                name: pa.array(values.to_numpy(dtype=object), pa.string(), from_pandas=True)
                for name, values in columns.items()
            }
        ),
    )
    try:
        return _table(con, "linkage/read_neighbours")
    finally:
        con.unregister("dedup_dirty_keys")


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


def _read_rows(con, posting_ids: pd.Series) -> pd.DataFrame:
    """The compared fields of the given postings, in the given order."""
    ids = pa.table(
        {
            "posting_id": posting_ids.to_numpy().astype(str),
            "position": np.arange(len(posting_ids), dtype=np.int64),
        }
    )
    con.register("dedup_ids", ids)
    try:
        return con.sql(sql("linkage/read_rows")).to_arrow_table().to_pandas()
    finally:
        con.unregister("dedup_ids")


def _score_incremental(con, keys, pairs, model) -> tuple[pd.DataFrame, int]:
    """Score pairs on the full rows of only the postings they involve; positions stay keys'."""
    involved = np.unique(np.concatenate([pairs["left"].to_numpy(), pairs["right"].to_numpy()]))
    if len(involved) == 0:
        return _empty_scored(), 0
    rows = _read_rows(con, keys["posting_id"].iloc[involved])
    light = keys.iloc[involved].reset_index(drop=True)
    frame = md.prepare(pd.concat([rows.drop(columns=["posting_id"]), light], axis=1))
    local = pd.Series(np.arange(len(involved)), index=involved)
    local_pairs = pairs.assign(
        left=local[pairs["left"]].to_numpy(), right=local[pairs["right"]].to_numpy()
    )
    scored = md.score_pairs(frame, local_pairs, model)
    scored["left"] = involved[scored["left"].to_numpy()]
    scored["right"] = involved[scored["right"].to_numpy()]
    return scored, len(involved)


def _empty_scored() -> pd.DataFrame:
    return pd.DataFrame(
        {"left": pd.Series(dtype="int64"), "right": pd.Series(dtype="int64")}
        | {name: pd.Series(dtype=object) for name in PAIR_COLUMNS[2:]}
    ).astype({"probability": "float64"})


def _affected_nodes(con, keys, scored, dirty) -> tuple[pd.DataFrame, np.ndarray]:
    """The keys with every posting of the touched vacancies added, and the node positions:
    the dirty postings and all postings of a vacancy one of them matched or left."""
    match = scored["decision"] == "match"
    linked = np.concatenate(
        [scored.loc[match, "left"].to_numpy(), scored.loc[match, "right"].to_numpy()]
    ).astype(np.int64)
    seeds = np.union1d(np.flatnonzero(dirty), linked)
    touched = pd.unique(keys["previous_vacancy_id"].to_numpy()[seeds])
    con.register("dedup_vacancy_ids", pa.table({"vacancy_id": touched.astype(str)}))
    con.register("dedup_ids", pa.table({"posting_id": keys["posting_id"].to_numpy().astype(str)}))
    try:
        members = _table(con, "linkage/read_members")
    finally:
        con.unregister("dedup_vacancy_ids")
        con.unregister("dedup_ids")
    keys = pd.concat([keys, members], ignore_index=True)
    codes = pd.factorize(keys["previous_vacancy_id"])[0]
    affected = np.isin(codes, np.unique(codes[seeds]))
    affected[seeds] = True
    return keys, np.flatnonzero(affected)


def _taken_ids(con, node_frame: pd.DataFrame) -> set[str]:
    """Ids a new cluster might be named (its postings' arrival ids) that others already use."""
    candidates = "v" + node_frame["posting_id"].astype(str).str.slice(1)
    con.register("dedup_vacancy_ids", pa.table({"vacancy_id": candidates.to_numpy().astype(str)}))
    con.register(
        "dedup_ids", pa.table({"posting_id": node_frame["posting_id"].to_numpy().astype(str)})
    )
    try:
        return {row[0] for row in con.execute(sql("linkage/taken_ids")).fetchall()}
    finally:
        con.unregister("dedup_vacancy_ids")
        con.unregister("dedup_ids")


def _cluster_incremental(con, keys, nodes, scored, dirty, threshold: float) -> np.ndarray:
    """Cluster the affected postings: old vacancies stay whole, dirty postings join or not."""
    position = pd.Series(np.arange(len(nodes)), index=nodes)
    inside = scored["left"].isin(nodes) & scored["right"].isin(nodes)
    local = scored.loc[inside, ["left", "right", "probability", "rule"]].assign(
        left=position[scored.loc[inside, "left"]].to_numpy(),
        right=position[scored.loc[inside, "right"]].to_numpy(),
    )
    local = pd.concat([local, _stored_pairs(con, keys, nodes, position, dirty)], ignore_index=True)
    node_keys = keys.iloc[nodes].reset_index(drop=True)
    groups = node_keys["previous_vacancy_id"].to_numpy().astype(object)
    detached = dirty[nodes]
    groups[detached] = "~" + node_keys.loc[detached, "posting_id"].to_numpy().astype(str)
    return md.cluster_pairs(node_keys, local, threshold, groups=groups)


def _stored_pairs(con, keys, nodes, position, dirty) -> pd.DataFrame:
    """Evidence of earlier runs among the affected postings that are not compared again."""
    ids = keys["posting_id"].iloc[nodes][~dirty[nodes]]
    con.register("dedup_ids", pa.table({"posting_id": ids.to_numpy().astype(str)}))
    try:
        stored = con.execute(sql("linkage/stored_pairs")).df()
    finally:
        con.unregister("dedup_ids")
    local = pd.Series(position.to_numpy(), index=keys["posting_id"].iloc[nodes].to_numpy())
    return pd.DataFrame(
        {
            "left": local[stored["left_posting_id"]].to_numpy(),
            "right": local[stored["right_posting_id"]].to_numpy(),
            "probability": stored["probability"].to_numpy(dtype=float),
            "rule": stored["rule"].astype(object).where(stored["rule"].notna(), None).to_numpy(),
        }
    )


# --- writing ---------------------------------------------------------------------------------


def _words_text(frame: pd.DataFrame) -> np.ndarray:
    """The blocking words of each posting's title as one space-separated text."""
    return md._map_unique(frame["title_key"], lambda key: " ".join(md._title_words(key)) or None)


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
    con.register("dedup_updates", updates)
    try:
        con.execute(sql("linkage/update_postings"), {"run_id": run_id})
    finally:
        con.unregister("dedup_updates")


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
            for column in PAIR_COLUMNS
        }
    )
    con.register("dedup_pairs", table)
    try:
        con.execute(sql("linkage/insert_pairs"), {"run_id": run_id})
    finally:
        con.unregister("dedup_pairs")


def _column(scored: pd.DataFrame, column: str) -> np.ndarray:
    """An evidence column as numpy; category and text columns as Python strings or None."""
    values = scored[column]
    if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object:
        return values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
    return values.to_numpy()


def _write_events(con, events: pd.DataFrame, run_id: int, now: dt.datetime) -> None:
    if len(events) == 0:
        return
    con.register("dedup_events", pa.Table.from_pandas(events, preserve_index=False))
    try:
        con.execute(sql("linkage/insert_events"), {"run_id": run_id, "now": now})
    finally:
        con.unregister("dedup_events")


# --- explain and evaluate --------------------------------------------------------------------


def explain_vacancy(con: duckdb.DuckDBPyConnection, vacancy_id: str) -> str:
    """A readable account of one vacancy: its postings, and why each pair was merged.

    Lists the postings, then for each stored pair among them the field scores, the
    probability and the decision or rule, with the features that weighed most; then near
    misses with postings of other vacancies, and the vacancy's merge/split history.
    """
    postings = con.execute(sql("linkage/explain_postings"), {"vacancy_id": vacancy_id}).df()
    if postings.empty:
        raise ResqueError(
            f"no vacancy {vacancy_id!r}; list some with: "
            'resque query "select vacancy_id, title from vacancies"'
        )
    pairs = con.execute(sql("linkage/explain_pairs"), {"vacancy_id": vacancy_id}).df()
    events = con.execute(sql("linkage/explain_events"), {"vacancy_id": vacancy_id}).df()
    model = default_model()
    lines = [
        f"Vacancy {vacancy_id}: {len(postings)} posting(s) "
        f"from {postings['source'].nunique()} source(s)",
        "",
    ]
    for row in postings.itertuples(index=False):
        place = " ".join(str(v) for v in (row.postcode, row.city) if isinstance(v, str))
        lines.append(
            f"  {row.posting_id}  {row.source}:{row.source_ref}  {row.title!r}"
            f"  | {row.employer or '-'}"
            f"  | {place or '-'}  | first seen {str(row.first_seen)[:10]}"
            + ("" if row.is_active else "  (inactive)")
        )
    inner = pairs[pairs["same_vacancy"]]
    outer = pairs[~pairs["same_vacancy"]]
    lines += ["", f"Pairs inside the vacancy ({len(inner)}):"]
    lines += [_explain_pair(row, model) for _, row in inner.iterrows()] or [
        "  (none: a single posting)"
    ]
    if len(outer):
        lines += ["", f"Near misses with other vacancies ({len(outer)}, best first):"]
        lines += [_explain_pair(row, model) for _, row in outer.head(10).iterrows()]
    if len(events):
        lines += ["", "History:"]
        for row in events.itertuples(index=False):
            lines.append(
                f"  run {row.run_id} ({str(row.happened_at)[:16]}): {row.event} "
                f"{row.vacancy_id} -> {row.other_vacancy_id} ({row.postings} posting(s))"
            )
    return "\n".join(lines)


def _explain_pair(row: pd.Series, model: Model) -> str:
    """One pair: ids, decision, probability, field scores, and the strongest model terms."""
    verdict = row["decision"] + (f" by rule {row['rule']}" if isinstance(row["rule"], str) else "")
    scores = ", ".join(
        f"{name} {row[name]:.2f}"
        for name in ("title", "employer", "description", "street", "employer_idf", "title_unshared")
        if not row.get(f"{name}_missing", 0) and pd.notna(row.get(name))
    )
    flags = [
        label
        for name, label in (
            ("postcode", "same postcode"),
            ("town", "same town"),
            ("start_same", "same start"),
            ("start_differ", "different start"),
            ("working_time_same", "same working time"),
            ("working_time_conflict", "working times conflict"),
            ("both_agency", "both agencies"),
        )
        if row[name] == 1
    ]
    text = (
        f"  {row['left_posting_id']} ~ {row['right_posting_id']}: {verdict}, "
        f"p = {row['probability']:.3f} (threshold {model.threshold:.2f}) [{row['blocking_rule']}]\n"
        f"      scores: {scores}" + (f"; {', '.join(flags)}" if flags else "")
    )
    if not isinstance(row["rule"], str):
        scores = pd.DataFrame([row[PAIR_COLUMNS[3:-3]]]).astype(float)
        features = comparisons.add_interactions(comparisons.add_levels(scores))
        top = model.contributions(features.iloc[0])[:4]
        text += "\n      weighed most: " + ", ".join(
            f"{name} {effect:+.2f}" for name, _, effect in top
        )
        crowd = row.get("crowd_offset")
        if pd.notna(crowd) and crowd < 0:
            agencies = round(float(np.exp(-crowd / comparisons.CROWD_WEIGHT)))
            text += f"\n      crowded job: {agencies} agencies post it here, log-odds {crowd:+.2f}"
    return text


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
    con.register("dedup_labels", pa.Table.from_pandas(labels, preserve_index=False))
    try:
        joined = con.execute(sql("linkage/eval_labels")).df()
    finally:
        con.unregister("dedup_labels")
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

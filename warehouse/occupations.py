"""The warehouse side of the occupation model: learn from the labelled postings, label all.

`label_postings` is one step of the nightly run, after dedup and before matching, and one
transaction with its `runs` row (kind 'occupations'): it fits matching.occupation_model
anew on the seed names plus every posting that carries the employment service's label
(its title -> the first occupation the source named), predicts an occupation for every
posting, and writes `occupation_predicted`, `occupation_confidence` and `occupation_kldb`
to `postings` and `vacancies` (migration 0012). A failure leaves the warehouse as it was,
plus a failed runs row.

Every posting gets a prediction, labelled or not: a labelled posting's prediction shows
analysts where the model and the employment service disagree. The ranker fits the same model
on the same labelled postings (`tonights_model`) and asks it for each unlabelled vacancy's
five likeliest occupations, not only the stored first one.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from resque.errors import ResqueError
from resque.matching.occupation_model import OccupationModel
from resque.warehouse.db import registered, sql, transaction
from resque.warehouse.runs import failure_words, step_run

log = logging.getLogger(__name__)
KIND = "occupations"
LABELS_SCHEMA = pa.schema(
    [
        ("posting_id", pa.string()),
        ("occupation_predicted", pa.string()),
        ("occupation_confidence", pa.float64()),
        ("occupation_kldb", pa.string()),
    ]
)


def read_postings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """posting_id, title, description and label (the first raw occupation, or None) of
    every posting."""
    query = con.sql(sql("occupations_read_postings"), params={"labelled_only": False})
    frame = query.to_arrow_table().to_pandas()
    frame["label"] = frame["label"].astype(object).where(frame["label"].notna(), None)
    return frame


def fit_model(postings: pd.DataFrame) -> OccupationModel:
    """The model of tonight: the seed names plus the labelled postings' (title, label)."""
    labelled = postings[postings["label"].notna()]
    return OccupationModel.fit(
        labelled["title"].tolist(),
        labelled["label"].tolist(),
        descriptions=labelled["description"].tolist(),
        seed=True,
    )


def tonights_model(con: duckdb.DuckDBPyConnection) -> OccupationModel:
    """The model the occupations step fits, for the ranker (same postings, same model);
    only the labelled postings are read, which is all the fit needs."""
    # a cursor of its own: the caller may hold a result open on `con` (match --participant)
    with contextlib.closing(con.cursor()) as cur:
        query = cur.sql(sql("occupations_read_postings"), params={"labelled_only": True})
        frame = query.to_arrow_table().to_pandas()
    return fit_model(frame)


def label_postings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Retrain the occupation model and label every posting, as one transaction.

    Returns:
        Counts for printing: run_id, postings, labelled (by the source), predicted,
        trained_on (distinct labelled (title, label) pairs), seed_only, changed, seconds.
    """
    run = step_run(con, kind=KIND, describe=failure_words("occupations", (ResqueError,)))
    clock = time.perf_counter()
    try:
        with run, transaction(con):
            counts = _label(con)
            counts["seconds"] = round(time.perf_counter() - clock, 2)
            run.succeeded(
                counts={"rows_in": counts["postings"], "rows_updated": counts["changed"]},
                details=counts,
            )
    except (duckdb.Error, MemoryError) as exc:
        raise ResqueError(run.error) from exc
    log.info("occupations run %s: %s", run.run_id, counts)
    return {"run_id": run.run_id, **counts}


def _label(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    postings = read_postings(con)
    model = fit_model(postings)
    names, scores = model.predict(postings["title"].tolist(), postings["description"].tolist())
    labels = pa.table(
        {
            "posting_id": postings["posting_id"].tolist(),
            "occupation_predicted": names.tolist(),
            # no shared n-gram with any occupation: no prediction, and no confidence either
            "occupation_confidence": [
                float(s) if n is not None else None for n, s in zip(names, scores, strict=True)
            ],
            "occupation_kldb": _kldb(model, postings["label"].tolist(), names.tolist()),
        },
        schema=LABELS_SCHEMA,
    )
    before = con.execute("select count(*) from postings").fetchall()[0][0]
    with registered(con, occupation_labels=labels):
        changed = con.execute(sql("occupations_update_postings")).fetchall()[0][0]
    con.execute(sql("occupations_update_vacancies")).fetchall()
    labelled = int(postings["label"].notna().sum())
    return {
        "postings": before,
        "labelled": labelled,
        "predicted": int(np.count_nonzero(names != None)),  # noqa: E711 (elementwise)
        "trained_on": model.trained_on,
        "seed_only": model.trained_on == 0,
        "changed": int(changed),
    }


def _kldb(
    model: OccupationModel, labels: list[str | None], predicted: list[str | None]
) -> list[str | None]:
    """The 5-digit KldB of the raw label where the catalogue knows it (or a seed name spelt
    almost like it), else the prediction's."""
    known: dict[str | None, str | None] = {None: None}  # a few thousand names, a million rows

    def code(name: str | None) -> str | None:
        if name not in known:
            known[name] = model.describe(name).kldb
        return known[name]

    return [code(raw) or code(guess) for raw, guess in zip(labels, predicted, strict=True)]


# --- a title's occupations, for a coach or an analyst ------------------------------------------


def suggest(
    con: duckdb.DuckDBPyConnection | None, title: str, k: int = 3
) -> list[tuple[str, str | None, float]]:
    """The k occupations nearest to `title`: (name, KldB code or None, confidence), best first.

    Trained as the nightly step trains (seed plus the warehouse's labelled postings); with
    no warehouse (`con` None), on the seed alone.
    """
    if not title or not str(title).strip():
        raise ResqueError("--title: give a job title, e.g. --title 'Pflegefachmann'")
    model = OccupationModel.fit(seed=True) if con is None else fit_model(read_postings(con))
    names, scores = model.top_k([title], k)
    return [
        (name, model.describe(name).kldb, float(score))
        for name, score in zip(names[0], scores[0], strict=True)
        if name is not None
    ]

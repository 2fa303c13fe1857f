"""`resque match` and `resque eval match` on the committed evaluation set."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from resque import cli
from resque.matching.ranking.metrics import evaluate
from resque.warehouse.db import opened
from tests.conftest import TESTS, dump_tables, pseudonym_of, query

EVAL = TESTS / "data" / "matching"
TODAY = "2026-11-20"


@pytest.fixture(scope="module")
def eval_warehouse(tmp_path_factory) -> Path:
    """The evaluation set imported and matched once for the module (copied by tests that write)."""
    db = tmp_path_factory.mktemp("eval") / "eval.duckdb"
    commands = [
        ["import", "vacancies", EVAL / "vacancies.csv", "--source", "eval_matching"],
        ["import", "participants", EVAL / "participants.csv"],
        ["match", "--today", TODAY],
    ]
    for command in commands:
        assert cli.main(["--db", str(db), *map(str, command)]) == 0
    return db


@pytest.fixture
def warehouse(eval_warehouse, tmp_path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(eval_warehouse, copy)
    return copy


def test_match_run_stores_ranked_explained_matches(eval_warehouse):
    run = query(eval_warehouse, "select run_id, status, rows_in, rows_loaded from runs "
                "where kind = 'match'")  # fmt: skip
    assert len(run) == 1 and run[0][1] == "succeeded" and run[0][2] == 64
    rows = query(eval_warehouse, "select participant_id, rank, score, reasons::varchar from matches"
                 " order by participant_id, rank")  # fmt: skip
    assert len(rows) == run[0][3] > 0
    ranks = pd.DataFrame(rows, columns=["p", "rank", "score", "reasons"]).groupby("p")["rank"]
    assert (ranks.max() <= 10).all() and (ranks.count() == ranks.max()).all()
    reasons = json.loads(rows[0][3])
    assert {"summary", "wish", "skills", "distance_km", "licences_required"} <= set(reasons)


def test_eval_match_prints_the_metrics(eval_warehouse, resque):
    result = resque("--db", eval_warehouse, "eval", "match", EVAL / "labels.csv")
    assert result.code == 0, result.err
    found = re.search(r"nDCG@10 ([0-9.]+)  MRR ([0-9.]+)  recall@10 ([0-9.]+)", result.out)
    assert found, result.out
    ndcg, mrr, recall = map(float, found.groups())
    assert ndcg >= 0.85 and mrr >= 0.85 and recall >= 0.85
    assert "0 of whom got matches anyway" in result.out


def test_no_participant_is_offered_a_vacancy_that_breaks_a_hard_constraint(eval_warehouse):
    labels = pd.read_csv(EVAL / "labels.csv")
    broken = labels[labels["broken_constraint"].notna()]
    shown = query(eval_warehouse, "select m.participant_id, p.source_ref from matches m "
                  "join postings p using (vacancy_id)")  # fmt: skip
    people = broken["participant_id"].map(pseudonym_of)
    pairs = set(zip(people, broken["source_ref"], strict=True))
    assert len(broken) > 100 and not pairs & set(shown)


def test_participant_list_is_printed_with_reasons(eval_warehouse, resque):
    someone = query(eval_warehouse, "select min(participant_id) from matches")[0][0]
    result = resque("--db", eval_warehouse, "match", "--participant", someone, "--today", TODAY)
    assert result.code == 0, result.err
    assert result.out.startswith(f"== Stellen für {someone} (beste ")
    assert "  1. " in result.out and "Wunschberuf " in result.out and " km (Umkreis " in result.out
    assert 'wish "' not in result.out and "km away" not in result.out


def test_a_list_ranked_on_demand_is_the_stored_runs_part_reasons_included(eval_warehouse):
    """`match --participant` (reasons as dicts, no JSON text) against `resque match` (the
    JSON stored): the same vacancies in the same order, explained with the same values."""
    from resque.warehouse import ranking

    people = query(eval_warehouse, "select participant_id from matches group by all "
                   "order by count(distinct reasons::varchar) desc, 1 limit 3")  # fmt: skip
    with opened(eval_warehouse, read_only=True) as con:
        for (someone,) in people:
            frame = ranking.matches_for_participant(con, someone, 10, dt.date.fromisoformat(TODAY))
            stored = query(eval_warehouse, "select vacancy_id, reasons::varchar from matches "
                           "where participant_id = ? order by rank", [someone])  # fmt: skip
            assert list(frame["vacancy_id"]) == [vacancy for vacancy, _ in stored]
            assert list(frame["reasons"]) == [json.loads(text) for _, text in stored]


def test_vacancy_list_names_pseudonyms_only(eval_warehouse, resque):
    vacancy = query(eval_warehouse, "select vacancy_id from postings where source_ref = "
                    "'EV-KOMMISSIONIERER-00'")[0][0]  # fmt: skip
    result = resque("--db", eval_warehouse, "match", "--vacancy", vacancy, "--today", TODAY)
    assert result.code == 0, result.err
    assert re.search(r"  1\. [0-9,]+  P-\w{4}-\w{4}-\w{4}\n", result.out)
    assert "EVAL-" not in result.out


def test_unknown_ids_are_one_line_errors(eval_warehouse, resque):
    for flag, value in (("--participant", "NOBODY"), ("--vacancy", "v0")):
        result = resque("--db", eval_warehouse, "match", flag, value)
        assert result.code == 1 and result.err.count("\n") == 1 and "no active" in result.err


def test_a_failed_run_leaves_the_matches_and_records_the_failure(warehouse, resque, monkeypatch):
    before = dump_tables(warehouse)

    def broken(*args, **kwargs):
        raise ValueError("ranker exploded")

    monkeypatch.setattr("resque.warehouse.ranking.rank", broken)
    result = resque("--db", warehouse, "match")
    assert result.code == 1 and "matching failed: ranker exploded" in result.err
    assert dump_tables(warehouse) == before
    assert query(warehouse, "select status from runs where kind = 'match' order by run_id")[-1] == (
        "failed",
    )


def test_vacancy_and_employer_imports_still_need_a_source(db, resque):
    result = resque("--db", db, "import", "vacancies", EVAL / "vacancies.csv")
    assert result.code == 1 and "--source NAME is required" in result.err


def test_metrics_of_perfect_and_reversed_rankings():
    labels = pd.DataFrame(
        {"participant_id": ["a"] * 3 + ["b"], "vacancy_id": ["x", "y", "z", "x"],
         "relevance": [3, 2, 0, 0]}
    )  # fmt: skip
    perfect = pd.DataFrame({"participant_id": ["a", "a"], "vacancy_id": ["x", "y"], "rank": [1, 2]})
    reverse = perfect.assign(rank=[2, 1])
    best = evaluate(perfect, labels)
    assert best["ndcg@10"] == 1.0 and best["mrr"] == 1.0 and best["recall@10"] == 1.0
    assert best["without_fit"] == 1 and best["without_fit_with_matches"] == 0
    assert evaluate(reverse, labels)["ndcg@10"] < 1.0
    assert evaluate(reverse, labels)["mrr"] == 1.0  # 'y' (grade 2) is relevant too

"""Precision by employer size: pairs inside large employers at one place, by hand (issue 12)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from resque.matching.linkage.evaluation import large_employer_metrics


def _score(rows: list[tuple[str, str | None, str, str]], **kwargs) -> dict:
    employer, place, predicted, truth = zip(*rows, strict=True)
    return large_employer_metrics(employer, place, predicted, truth, **kwargs)


def test_a_large_employer_fused_into_one_vacancy_has_low_precision():
    # 20 postings at one hospital: 10 reposts of one job, 10 distinct jobs; all fused
    rows = [("klinikum", "04109", "v1", "a") for _ in range(10)]
    rows += [("klinikum", "04109", "v1", f"b{i}") for i in range(10)]
    metrics = _score(rows)
    assert (metrics["employers"], metrics["postings"]) == (1, 20)
    assert metrics["true_pairs"] == 45  # C(10, 2)
    assert metrics["predicted_pairs"] == 190  # C(20, 2)
    assert metrics["correct_pairs"] == 45
    assert metrics["pair_precision"] == pytest.approx(45 / 190)
    assert metrics["pair_recall"] == 1.0


def test_small_employers_other_places_and_missing_places_are_not_counted():
    rows = [("klinikum", "04109", "v1", f"t{i}") for i in range(20)]  # large: all wrong
    rows += [("baeckerei", "04109", "v2", f"s{i}") for i in range(5)]  # small: ignored
    rows += [("klinikum", "04229", "v1", f"o{i}") for i in range(19)]  # 19 at another place
    rows += [("klinikum", None, "v1", f"m{i}") for i in range(3)]  # no postcode
    rows += [("", "04109", "v1", f"e{i}") for i in range(3)]  # no employer key
    metrics = _score(rows)
    assert (metrics["employers"], metrics["postings"]) == (1, 20)
    assert (metrics["true_pairs"], metrics["predicted_pairs"]) == (0, 190)
    assert metrics["pair_precision"] == 0.0


def test_pairs_across_two_large_employers_do_not_count():
    # one predicted cluster spans two large employers; within each, it is exactly right
    rows = [("klinikum", "04109", "v", "a") for _ in range(20)]
    rows += [("werk", "04109", "v", "b") for _ in range(20)]
    metrics = _score(rows)
    assert metrics["employers"] == 2
    assert metrics["predicted_pairs"] == metrics["true_pairs"] == 380  # 2 x C(20, 2)
    assert metrics["pair_precision"] == metrics["pair_recall"] == 1.0


def test_a_split_vacancy_lowers_recall_not_precision():
    rows = [("klinikum", "04109", f"v{i % 2}", "a") for i in range(20)]
    metrics = _score(rows)
    assert (metrics["true_pairs"], metrics["predicted_pairs"], metrics["correct_pairs"]) == (
        190,
        90,
        90,
    )
    assert metrics["pair_precision"] == 1.0
    assert metrics["pair_recall"] == pytest.approx(90 / 190)
    assert metrics["pair_f1"] == pytest.approx(2 * (90 / 190) / (1 + 90 / 190))


def test_below_the_size_no_employer_is_large():
    rows = [("klinikum", "04109", "v", f"t{i}") for i in range(19)]
    metrics = _score(rows)
    assert (metrics["employers"], metrics["postings"], metrics["predicted_pairs"]) == (0, 0, 0)
    assert metrics["pair_precision"] == 1.0  # nothing predicted, nothing wrong
    assert _score(rows, min_postings=19)["predicted_pairs"] == 171


TITLES = [
    "Gesundheits- und Krankenpfleger Dermatologie",
    "Gesundheits- und Krankenpfleger Notaufnahme",
    "Controller",
    "Konditor",
    "Kardiologe",
]


def test_eval_dedup_prints_precision_for_large_employers(db: Path, tmp_path: Path, resque):
    source = tmp_path / "klinikum.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Referenznummer", "Stellentitel", "Arbeitgeber", "PLZ", "Arbeitsort"])
        for i in range(20):
            title = f"{TITLES[i % len(TITLES)]} {i}"
            writer.writerow([f"K{i}", title, "Klinikum Musterstadt gGmbH", "04109", "Leipzig"])
    assert resque("--db", db, "import", "vacancies", source, "--source", "portal").code == 0
    assert resque("--db", db, "dedup").code == 0
    # whatever the model decided: here every posting is put into one vacancy
    con = duckdb.connect(str(db))
    con.execute("update postings set vacancy_id = 'v-all'")
    con.close()
    labels = tmp_path / "labels.csv"
    rows = [("portal", f"K{i}", "a" if i < 10 else f"b{i}") for i in range(20)]
    with labels.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("source", "source_ref", "cluster"), *rows])
    result = resque("--db", db, "eval", "dedup", labels)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "large employers      1 with >= 20 postings at one postcode (20 postings)" in lines
    assert "large employer pairs 45 true, 190 predicted (45 correct)" in lines
    assert "large employers pairwise precision   0.2368" in lines
    assert "large employers pairwise recall      1.0000" in lines
    assert "pairwise precision   0.2368" in lines  # here all pairs are inside the employer

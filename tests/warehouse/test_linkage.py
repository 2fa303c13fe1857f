"""The dedup stage end to end through the `resque` command: ids, history, explain, eval."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from resque.pipelines.config import load_config
from resque.pipelines.importer import import_file
from tests.conftest import ROOT, SAMPLES, query

sys.path.insert(0, str(ROOT / "benchmarks"))
import samples_labels  # noqa: E402  (the answer key of samples/README.md as labels)

from resque.matching.linkage.dedup import PAIR_COLUMNS
from resque.warehouse.db import open_warehouse, sql
from resque.warehouse.linkage import run_dedup

HEADER = [
    "Referenznummer",
    "Stellentitel",
    "Arbeitgeber",
    "PLZ",
    "Arbeitsort",
    "Beschreibung",
    "Arbeitszeit",
    "Eintrittsdatum",
]
LAGER = "Kommissionierung per Handscanner, Verpackung und Versand. Wir bieten 14,50 € pro Stunde."
KOCH = "Zubereitung regionaler Gerichte und Vorbereitung des Mittagsgeschäfts."


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _vacancy(db: Path, source: str, ref: str) -> str:
    return query(
        db, "select vacancy_id from postings where source = ? and source_ref = ?", [source, ref]
    )[0][0]


@pytest.fixture
def first_week(tmp_path: Path, db: Path, resque) -> Path:
    """Two openings from one source, deduplicated once."""
    rows = [
        [
            "A1",
            "Lagerhelfer (m/w/d)",
            "Muster Logistik GmbH",
            "04109",
            "Leipzig",
            LAGER,
            "Vollzeit",
            "01.01.2027",
        ],
        ["A2", "Koch (m/w/d)", "Gasthof Sonne GmbH", "04105", "Leipzig", KOCH, "Vollzeit", ""],
    ]
    assert (
        resque(
            "--db",
            db,
            "import",
            "vacancies",
            _write(tmp_path / "a.csv", rows),
            "--source",
            "boerse",
        ).code
        == 0
    )
    result = resque("--db", db, "dedup")
    assert result.code == 0, result.err
    assert "dedup (full): 2 of 2 postings compared" in result.out  # the first run is full
    return db


def test_incremental_runs_add_postings_to_existing_vacancies_without_renumbering(
    first_week: Path, tmp_path: Path, resque
):
    db = first_week
    before = {ref: _vacancy(db, "boerse", ref) for ref in ("A1", "A2")}
    rows = [
        [
            "B1",
            "Lagerhelfer*in - Vollzeit",
            "MUSTER LOGISTIK GMBH & CO. KG",
            "",
            "04109 Leipzig",
            "Verpackung und Versand, Kommissionierung per Handscanner.",
            "Vollzeit",
            "01.01.2027",
        ],
        [
            "B2",
            "Lagerhelfer (m/w/d)",
            "Muster Logistik GmbH",
            "04105",
            "Leipzig",
            LAGER,
            "Vollzeit",
            "01.01.2027",
        ],
    ]
    resque(
        "--db", db, "import", "vacancies", _write(tmp_path / "b.csv", rows), "--source", "portal"
    )
    result = resque("--db", db, "dedup")
    assert result.code == 0, result.err
    assert "2 of 4 postings compared" in result.out
    assert {ref: _vacancy(db, "boerse", ref) for ref in ("A1", "A2")} == before
    assert _vacancy(db, "portal", "B1") == before["A1"]
    assert _vacancy(db, "portal", "B2") not in before.values()  # another branch: 04105
    assert query(db, "select count(*), sum(n_postings) from vacancies") == [(3, 4)]
    assert query(db, "select n_sources from vacancies where vacancy_id = ?", [before["A1"]]) == [
        (2,)
    ]
    assert query(db, "select count(*) from runs where kind = 'dedup' and status = 'succeeded'") == [
        (2,)
    ]
    again = resque("--db", db, "dedup")
    assert "0 of 4 postings compared" in again.out
    full = resque("--db", db, "dedup", "--full")
    assert "0 postings changed" in full.out
    assert _vacancy(db, "portal", "B1") == before["A1"]


def test_merges_and_splits_are_recorded(first_week: Path, tmp_path: Path, resque):
    db = first_week
    lager = _vacancy(db, "boerse", "A1")
    other = [
        ["C1", "Koch (m/w/d)", "Muster Logistik GmbH", "04109", "Leipzig", KOCH, "Vollzeit", ""]
    ]
    path = _write(tmp_path / "c.csv", other)
    resque("--db", db, "import", "vacancies", path, "--source", "portal")
    resque("--db", db, "dedup")
    koch = _vacancy(db, "portal", "C1")
    assert koch != lager
    # the source corrects its ad: it was the warehouse job all along
    _write(
        path,
        [
            [
                "C1",
                "Lagerhelfer (m/w/d)",
                "Muster Logistik GmbH",
                "04109",
                "Leipzig",
                LAGER,
                "Vollzeit",
                "01.01.2027",
            ]
        ],
    )
    resque("--db", db, "import", "vacancies", path, "--source", "portal")
    assert resque("--db", db, "dedup").code == 0
    assert _vacancy(db, "portal", "C1") == lager
    events = query(db, "select event, vacancy_id, other_vacancy_id, postings from vacancy_events")
    assert events == [("merge", koch, lager, 1)]
    # and back: the part holding the oldest posting keeps the id
    _write(path, other)
    resque("--db", db, "import", "vacancies", path, "--source", "portal")
    assert resque("--db", db, "dedup").code == 0
    assert _vacancy(db, "boerse", "A1") == lager
    split = _vacancy(db, "portal", "C1")
    assert split != lager
    assert query(
        db, "select event, vacancy_id, other_vacancy_id from vacancy_events where event = 'split'"
    ) == [("split", lager, split)]


def test_explain_shows_postings_scores_and_decision(first_week: Path, tmp_path: Path, resque):
    db = first_week
    rows = [
        [
            "B1",
            "Wir suchen: Lagerhelfer*in",
            "Muster Logistik GmbH",
            "04109",
            "Leipzig",
            LAGER,
            "Vollzeit",
            "01.01.2027",
        ]
    ]
    resque(
        "--db", db, "import", "vacancies", _write(tmp_path / "b.csv", rows), "--source", "portal"
    )
    resque("--db", db, "dedup")
    vacancy = _vacancy(db, "boerse", "A1")
    result = resque("--db", db, "dedup", "explain", vacancy)
    assert result.code == 0, result.err
    out = result.out
    assert f"Vacancy {vacancy}: 2 posting(s) from 2 source(s)" in out
    assert "boerse:A1" in out and "portal:B1" in out
    assert "Pairs inside the vacancy (1):" in out
    assert ": match, p = " in out
    assert "scores: title 1.00, employer 1.00, description" in out
    assert "same postcode" in out and "weighed most:" in out
    missing = resque("--db", db, "dedup", "explain", "v-nope")
    assert missing.code == 1 and "no vacancy 'v-nope'" in missing.err


def test_eval_prints_pairwise_and_bcubed_scores(first_week: Path, tmp_path: Path, resque):
    db = first_week
    labels = tmp_path / "labels.csv"
    labels.write_text("source,source_ref,cluster\nboerse,A1,x\nboerse,A2,y\nnowhere,Z,z\n")
    result = resque("--db", db, "eval", "dedup", labels)
    assert result.code == 0, result.err
    assert "pairwise F1          1.0000" in result.out
    assert "B-cubed F1           1.0000" in result.out
    assert "(1 of 3 labelled postings not in the warehouse)" in result.out
    labels.write_text("source,source_ref,cluster\nboerse,A1,x\nboerse,A2,x\n")
    wrong = resque("--db", db, "eval", "dedup", labels)
    assert "pairwise recall      0.0000" in wrong.out
    labels.write_text("a,b\n1,2\n")
    bad = resque("--db", db, "eval", "dedup", labels)
    assert bad.code == 1 and "source, source_ref, cluster" in bad.err


def test_a_failed_run_leaves_the_warehouse_as_it_was(first_week: Path, tmp_path: Path, resque):
    from resque.matching.linkage.classifier import Model

    db = first_week
    rows = [["B1", "Lagerhelfer", "Muster Logistik GmbH", "04109", "Leipzig", LAGER, "", ""]]
    resque(
        "--db", db, "import", "vacancies", _write(tmp_path / "b.csv", rows), "--source", "portal"
    )
    before = query(db, "select posting_id, vacancy_id, dedup_run_id from postings order by 1")
    con = open_warehouse(db)
    try:
        with pytest.raises(KeyError):
            run_dedup(con, model=Model(["no_such_feature"], [1.0], 0.0, 0.5))
    finally:
        con.close()
    assert (
        query(db, "select posting_id, vacancy_id, dedup_run_id from postings order by 1") == before
    )
    assert query(
        db,
        "select status, error like 'KeyError%' from runs where kind = 'dedup' "
        "order by run_id desc limit 1",
    ) == [("failed", True)]


def test_samples_planted_duplicates_merge_and_hard_negatives_stay_apart(db: Path, resque, tmp_path):
    config = load_config(SAMPLES / "resque.toml")
    con = open_warehouse(db)
    try:
        for source in config.sources.values():
            if source.type == "file" and source.entity == "vacancies":
                import_file(
                    con,
                    source.path,
                    entity="vacancies",
                    source=source.name,
                    sheet=source.sheet,
                    defaults=source.defaults,
                )
        truth, negatives = samples_labels.labels(con)
    finally:
        con.close()
    assert resque("--db", db, "dedup").code == 0
    for (s1, r1), (s2, r2) in negatives:
        assert _vacancy(db, s1, r1) != _vacancy(db, s2, r2), (r1, r2)
    labels = tmp_path / "labels.csv"
    with labels.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [("source", "source_ref", "cluster"), *((s, r, c) for (s, r), c in truth.items())]
        )
    result = resque("--db", db, "eval", "dedup", labels)
    metrics = dict(line.rsplit(None, 1) for line in result.out.splitlines()[3:])
    assert float(metrics["pairwise precision"]) >= 0.95
    assert float(metrics["pairwise recall"]) >= 0.8
    # cross-source copies (employer service row = job-fair row, same employer) merge
    copies = merged = 0
    for (source, ref), cluster in truth.items():
        if source == "arbeitgeberservice" and not cluster.startswith(source):
            fair_ref = cluster.split(":", 1)[1]
            same_employer = query(
                db,
                "select a.employer = b.employer from postings a, postings b where a.source = ? "
                "and a.source_ref = ? and b.source = 'jobmesse_leipzig_2026' and b.source_ref = ?",
                [source, ref, fair_ref],
            )[0][0]
            if same_employer:
                copies += 1
                merged += _vacancy(db, source, ref) == _vacancy(
                    db, "jobmesse_leipzig_2026", fair_ref
                )
    assert copies >= 25 and merged >= 0.9 * copies


def test_the_stored_pair_table_has_the_columns_the_comparisons_yield(db: Path):
    """duplicate_pairs, as the migrations create it, holds the run id and PAIR_COLUMNS (derived
    from the comparisons in matching/linkage/comparisons.py), and insert_pairs.sql stores a row
    of exactly those."""
    import pyarrow as pa

    con = open_warehouse(db)
    try:
        columns = [row[0] for row in con.execute("describe duplicate_pairs").fetchall()]
        assert sorted(columns) == sorted(["run_id", *PAIR_COLUMNS])
        texts = {"left_posting_id", "right_posting_id", "blocking_rule", "decision", "rule"}
        row = pa.table({name: ["p1"] if name in texts else [0.5] for name in PAIR_COLUMNS})
        con.register("dedup_pairs", row)
        con.execute(sql("linkage/insert_pairs"), {"run_id": 7})
        stored = con.execute("select * from duplicate_pairs").df()
    finally:
        con.close()
    assert len(stored) == 1 and stored.notna().all(axis=None)
    assert stored.at[0, "run_id"] == 7 and stored.at[0, "title_unshared"] == 0.5


def _partition(db: Path) -> set[frozenset[tuple[str, str]]]:
    """The vacancies as sets of (source, source_ref): what does not depend on ids."""
    rows = query(db, "select vacancy_id, source, source_ref from postings")
    groups: dict[str, set[tuple[str, str]]] = {}
    for vacancy_id, source, ref in rows:
        groups.setdefault(vacancy_id, set()).add((source, ref))
    return {frozenset(group) for group in groups.values()}


def test_the_vacancies_do_not_depend_on_the_order_the_rows_were_loaded(tmp_path: Path):
    """Blocking's sorted neighbourhood breaks ties by row position, so the postings are read
    in a fixed order (by their id, a hash of source and source_ref), not as they were
    loaded: the same lists, each loaded backwards, give the same vacancies."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import gen_postings  # the generator of tests/data/dedup

    rows, truth = gen_postings.generate(1000, 303, gen_postings.occupation_subset("all"))
    forwards, backwards = tmp_path / "forwards", tmp_path / "backwards"
    gen_postings.write(forwards, rows, truth)
    gen_postings.write(backwards, {s: r[::-1] for s, r in reversed(rows.items())}, truth)
    partitions = []
    for folder in (forwards, backwards):
        db = tmp_path / f"{folder.name}.duckdb"
        with open_warehouse(db) as con:
            files = sorted(folder.glob("*.csv"), reverse=folder is backwards)
            for path in (p for p in files if p.name != "labels.csv"):
                import_file(con, path, entity="vacancies", source=path.stem)
            run_dedup(con, full=True)
        partitions.append(_partition(db))
    assert partitions[0] == partitions[1]
    assert sum(len(group) > 1 for group in partitions[0]) > 50  # merges happened at all

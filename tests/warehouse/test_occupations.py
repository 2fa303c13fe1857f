"""Occupations learned from the labelled postings (issue 14, item 2): model, step, CLI."""

from __future__ import annotations

import json

import duckdb
import pytest

from resque.errors import ResqueError
from resque.matching import occupation_model
from resque.matching.occupation_model import OccupationModel
from resque.warehouse import occupations
from resque.warehouse.db import open_warehouse, sql
from resque.warehouse.occupations import label_postings
from tests.conftest import dump_tables, query

CARE = "Gesundheits- und Krankenpfleger/in"
# (posting_id, title, occupation as the source wrote it, vacancy_id, last_seen day)
POSTINGS = [
    ("p1", "Pflegefachmann (m/w/d)", CARE, "v1", 1),
    ("p2", "Pflegefachmann (m/w/d)", CARE, "v2", 1),
    ("p3", "Pflegefachmann in Vollzeit", f"{CARE}; Altenpfleger/in", "v3", 1),
    ("p4", "Lagerhelfer (m/w/d)", None, "v4", 1),
    # a label the KldB catalogue does not know (made up)
    ("p5", "Quantenmagier (m/w/d)", "Quantenmagier/in", "v5", 1),
    # a merged vacancy: its newest posting's occupation is the vacancy's
    ("p6", "Staplerfahrer", None, "v6", 1),
    ("p7", "Pflegefachmann", None, "v6", 2),
]


@pytest.fixture(scope="module")
def seed_model() -> OccupationModel:
    return OccupationModel.fit(seed=True)


@pytest.fixture
def small_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed names of KldB groups 513 (warehouse) and 813 (nursing) only: the warehouse
    tests need those two, and fitting on 400 names instead of 18,821 keeps them fast.
    The model tests above and the nightly-run tests fit on the whole seed."""
    names = [r["name"] for r in occupation_model._seed_rows() if r["group"] in ("513", "813")]
    monkeypatch.setattr(occupation_model, "seed_names", lambda: names)


def _fill(path) -> None:
    """A scratch warehouse holding POSTINGS and their vacancies (as dedup leaves them)."""
    con = open_warehouse(path)
    try:
        for posting_id, title, occupation, vacancy_id, day in POSTINGS:
            con.execute(
                "insert into postings (posting_id, source, source_ref, title, occupation,"
                " first_seen, last_seen, first_run_id, last_run_id, is_active, content_hash,"
                " vacancy_id) values (?, 's', ?, ?, ?, timestamp '2026-12-01',"
                " timestamp '2026-12-01' + to_days(?), 1, 1, true, 'h', ?)",
                [posting_id, posting_id, title, occupation, day, vacancy_id],
            )
        con.execute(sql("refresh_vacancies"))
    finally:
        con.close()


def _label(path) -> dict:
    con = open_warehouse(path)
    try:
        return label_postings(con)
    finally:
        con.close()


# --- the model ---------------------------------------------------------------------------------


def test_model_learns_a_synonym_without_shared_letters(seed_model):
    titles = [t for _, t, *_ in POSTINGS[:3]] + ["Pflegefachmann (m/w/d)", "Krankenpfleger"]
    model = OccupationModel.fit(titles, [CARE] * len(titles))
    assert model.predict(["Pflegefachmann"])[0][0] == CARE
    # the seed alone knows only the Pflegefachmann names: the labels taught the synonym
    assert seed_model.predict(["Pflegefachmann"])[0][0] != CARE


def test_seed_model_puts_a_warehouse_helper_into_kldb_513(seed_model):
    names, confidence = seed_model.predict(["Lagerhelfer (m/w/d)"])
    assert seed_model.describe(names[0]).kldb.startswith("513")
    assert confidence[0] > 0.9


# --- the warehouse step ------------------------------------------------------------------------


def test_an_empty_warehouse_is_labelled_by_the_seed_alone(db, small_seed):
    counts = _label(db)
    assert (counts["postings"], counts["trained_on"], counts["seed_only"]) == (0, 0, True)
    rows = query(db, "select kind, status, details from runs")
    assert [(kind, status) for kind, status, _ in rows] == [("occupations", "succeeded")]
    assert json.loads(rows[0][2])["seed_only"] is True


def test_label_step_fills_postings_and_vacancies(db, small_seed):
    _fill(db)
    counts = _label(db)
    assert counts["postings"] == 7 and counts["labelled"] == 4 and counts["predicted"] == 7
    assert counts["changed"] == 7
    # distinct (title as the model reads it, label): the three Pflegefachmann titles are one
    assert counts["trained_on"] == 2 and counts["seed_only"] is False
    got = {
        r[0]: r[1:]
        for r in query(
            db,
            "select posting_id, occupation_predicted, occupation_confidence, occupation_kldb"
            " from postings",
        )
    }
    # an unlabelled Pflegefachmann is put where the labelled ones are
    assert got["p7"][0] == CARE and 0 < got["p7"][1] <= 1
    assert got["p7"][2].startswith("813")  # KldB of the predicted label
    assert got["p4"][2].startswith("513")  # Lagerhelfer, from the seed
    assert got["p3"][2] == got["p1"][2]  # the first raw label's code, not Altenpfleger's
    assert got["p5"] == ("Quantenmagier/in", pytest.approx(1.0), None)  # unknown to the KldB
    vacancies = dict(query(db, "select vacancy_id, occupation_predicted from vacancies"))
    assert vacancies["v6"] == CARE  # the merged vacancy's newest posting
    # the vacancies table still agrees with its view, column by column
    assert query(db, "select * from vacancies order by vacancy_id") == query(
        db, "select * from vacancy_summary order by vacancy_id"
    )
    ranked = query(db, sql("ranking/vacancies"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [c[0] for c in con.execute(sql("ranking/vacancies")).description]
    finally:
        con.close()
    assert {"occupation_predicted", "occupation_confidence"} <= set(names)
    assert len(ranked) == 6
    # retrained on the same postings: the same labels, nothing written
    assert _label(db)["changed"] == 0


def _broken_fit(*_, **__):
    raise RuntimeError("no model tonight")


def _broken_sql(name: str) -> str:
    return "select nonsense from nowhere" if name == "occupations_update_vacancies" else sql(name)


@pytest.mark.parametrize(
    ("target", "replacement", "error"),
    [
        ("fit_model", _broken_fit, "RuntimeError: no model tonight"),
        # fails after the postings were written: their update must be rolled back
        ("sql", _broken_sql, "occupations failed (Catalog Error"),
    ],
)
def test_a_failure_leaves_the_warehouse_as_it_was_plus_a_failed_run(
    db, monkeypatch, small_seed, target, replacement, error
):
    _fill(db)
    before = dump_tables(db)
    monkeypatch.setattr(occupations, target, replacement)
    with pytest.raises((RuntimeError, ResqueError)):
        _label(db)
    assert dump_tables(db) == before
    runs = query(db, "select kind, status, error from runs")
    assert runs[0][:2] == ("occupations", "failed") and runs[0][2].startswith(error)


# --- the command line --------------------------------------------------------------------------


def test_occupations_command_labels_and_prints_one_summary_line(db, resque, small_seed):
    _fill(db)
    result = resque("--db", db, "occupations")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("occupations: 7 of 7 postings predicted, 4 labelled")
    assert lines[0].endswith("[run 1]")
    assert query(db, "select count(occupation_predicted) from postings") == [(7,)]


def test_title_option_prints_three_occupations_with_kldb_and_decimal_comma(
    tmp_path, resque, small_seed
):
    result = resque("--db", tmp_path / "none.duckdb", "occupations", "--title", "Lagerhelfer")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 3
    assert lines[0] == "1. Lagerhelfer/in (KldB 51311) 1,00"
    assert all("," in line.rsplit(" ", 1)[1] for line in lines)
    assert not (tmp_path / "none.duckdb").exists()  # showing writes nothing


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_one_clear_line_and_a_failure(tmp_path, resque, title):
    result = resque("--db", tmp_path / "w.duckdb", "occupations", "--title", title)
    assert result.code != 0
    assert result.err.strip().splitlines() == [
        "resque: error: --title: give a job title, e.g. --title 'Pflegefachmann'"
    ]
    assert result.out == ""


def test_the_seed_table_holds_each_name_as_the_model_reads_it():
    # the seed stores text_of(name) so that the nightly fit does not reduce 18,822 names;
    # a change to the title normaliser must regenerate it (matching/data/PROVENANCE.md)
    rows = occupation_model._seed_rows()
    stale = [r["name"] for r in rows if r["text"] != occupation_model.text_of(r["name"])]
    assert len(rows) > 18_000 and stale == []

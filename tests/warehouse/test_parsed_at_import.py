"""Normalise once, parse once (issue 15, point 4): the import stores what the ranker parses
(postings.title_occupation; participants' desired_occupation_keys and language_levels),
the ranker reads it instead of parsing again, and migration 0015 fills the rows stored
before it."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from resque import cli
from resque.matching.normalise import title_occupations
from resque.matching.ranking import inputs
from resque.matching.ranking import profiles as pf
from resque.matching.ranking.ranker import rank
from resque.warehouse import load
from resque.warehouse.db import migrate
from resque.warehouse.ranking import _inputs
from tests.conftest import TESTS, query, schema_before

EVAL = TESTS / "data" / "matching"
TODAY = dt.date(2026, 11, 20)
STORED_PARTICIPANT_COLUMNS = ["desired_occupation_keys", "language_levels", "licence_codes"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """The evaluation set imported once (not matched)."""
    db = tmp_path_factory.mktemp("parsed") / "eval.duckdb"
    for command in (
        ["import", "vacancies", EVAL / "vacancies.csv", "--source", "eval_matching"],
        ["import", "participants", EVAL / "participants.csv"],
    ):
        assert cli.main(["--db", str(db), *map(str, command)]) == 0
    return db


def test_the_import_stores_each_postings_title_occupation(imported):
    rows = query(imported, "select title, title_occupation from postings order by title")
    assert len(rows) == 180
    titles = pd.Series([title for title, _ in rows], dtype=object)
    assert [key for _, key in rows] == title_occupations(titles).tolist()
    assert ("Lagerhelfer (m/w/d)", "lagerhelfer") in rows


def test_new_postings_are_inserted_with_their_title_occupation(tmp_path, monkeypatch):
    # written with the row, not by the UPDATE after the merge (which keys changed titles
    # only): an UPDATE of a million rows just inserted cost 1.9 s at the commit
    monkeypatch.setattr(load, "fill_title_occupations", lambda con: 0)
    db = str(tmp_path / "w.duckdb")
    command = ["import", "vacancies", str(EVAL / "vacancies.csv"), "--source", "eval_matching"]
    assert cli.main(["--db", db, *command]) == 0
    rows = query(db, "select title, title_occupation from postings")
    assert len(rows) == 180
    titles = pd.Series([title for title, _ in rows], dtype=object)
    assert [key for _, key in rows] == title_occupations(titles).tolist()


def test_the_import_stores_the_parsed_wishes_and_languages(imported):
    rows = query(
        imported,
        "select desired_occupations, desired_occupation_keys, languages, language_levels,"
        " licences from participants",
    )
    assert len(rows) == 64
    for wishes, keys, languages, levels, licences in rows:
        assert keys == pf.wish_keys(wishes) and len(keys) == len(wishes)
        assert levels == pf.language_levels(languages)
        assert licences == pf.parse_licences(licences)  # stored as codes already
    assert any(levels.get("Deutsch") == 2 for *_, levels, _ in rows)  # 'Deutsch A2'


def _ranked(participants: pd.DataFrame, vacancies: pd.DataFrame, gazetteer) -> pd.DataFrame:
    return rank(participants, vacancies, gazetteer=gazetteer, today=TODAY)


def _fail(*_args, **_kwargs):
    raise AssertionError("parsed again although the warehouse stores it")


def test_the_ranker_reads_the_stored_columns_and_ranks_as_if_it_parsed(imported, monkeypatch):
    with contextlib.closing(duckdb.connect(str(imported), read_only=True)) as con:
        participants, vacancies, gazetteer = _inputs(con)
    assert participants[STORED_PARTICIPANT_COLUMNS].notna().all().all()
    assert vacancies["title_occupation"].notna().all()
    # the ranker on the raw columns alone (a frame handed in directly) parses them itself
    parsed_here = _ranked(
        participants.drop(columns=STORED_PARTICIPANT_COLUMNS),
        vacancies.drop(columns=["title_occupation"]),
        gazetteer,
    )
    assert len(parsed_here) > 0
    for module, name in (
        (inputs, "title_occupations"),
        (pf, "wish_keys"),
        (pf, "language_levels"),
        (pf, "parse_licences"),
    ):
        monkeypatch.setattr(module, name, _fail)
    stored = _ranked(participants, vacancies, gazetteer)
    pd.testing.assert_frame_equal(stored, parsed_here)


def test_a_row_without_its_stored_parse_is_parsed_by_the_ranker(imported):
    with contextlib.closing(duckdb.connect(str(imported), read_only=True)) as con:
        participants, vacancies, gazetteer = _inputs(con)
    full = _ranked(participants, vacancies, gazetteer)
    half = participants.copy()
    half.loc[::2, STORED_PARTICIPANT_COLUMNS] = None  # as an older import left them
    some = vacancies.copy()
    some.loc[::3, "title_occupation"] = None
    pd.testing.assert_frame_equal(_ranked(half, some, gazetteer), full)


def test_a_changed_title_gets_its_key_anew(imported, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(imported, db)
    changed = tmp_path / "vacancies.csv"
    text = (EVAL / "vacancies.csv").read_text(encoding="utf-8")
    old, new = "EV-LAGERHELFER-00,Lagerhelfer (m/w/d)", "EV-LAGERHELFER-00,{}"
    changed.write_text(text.replace(old, new.format("Berufskraftfahrer (m/w/d) in Halle")), "utf-8")
    command = ["import", "vacancies", str(changed), "--source", "eval_matching"]
    assert cli.main(["--db", str(db), *command]) == 0
    rows = query(
        db,
        "select title, title_occupation from postings where source_ref = ?",
        ["EV-LAGERHELFER-00"],
    )
    assert rows == [("Berufskraftfahrer (m/w/d) in Halle", "berufskraftfahrer")]
    assert query(db, "select count(*) from postings where title_occupation is null") == [(0,)]


def test_migration_0015_fills_the_rows_stored_before_it(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        schema_before(con, 15)
        con.execute(
            "insert into postings (posting_id, source, source_ref, title, first_seen,"
            " last_seen, first_run_id, last_run_id, content_hash, vacancy_id) values"
            " ('p1', 's', 'r1', 'Verkäufer*in (m/w/d) in Leipzig', now(), now(), 1, 1, 'h',"
            " 'v1'), ('p2', 's', 'r2', 'Lagerhelfer (w/m/d)', now(), now(), 1, 1, 'h', 'v2')"
        )
        con.execute(
            "insert into participants (participant_id, desired_occupations, languages,"
            " updated_at) values ('P1', ['Lagerhelferin', 'Koch/Köchin'],"
            " ['Deutsch B1', 'Arabisch Muttersprache'], now()), ('P2', null, null, now())"
        )
        assert migrate(con)[0] == "0015_parsed_at_import.sql"
        assert con.execute(
            "select posting_id, title_occupation from postings order by 1"
        ).fetchall() == [("p1", "verkaeufer"), ("p2", "lagerhelfer")]
        assert con.execute(
            "select participant_id, desired_occupation_keys, language_levels"
            " from participants order by 1"
        ).fetchall() == [
            ("P1", ["lagerhelfer", "koch"], {"Deutsch": 3, "Arabisch": 7}),
            ("P2", [], {}),
        ]
    finally:
        con.close()


def test_migration_0016_derives_the_stored_title_occupations_anew(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        schema_before(con, 16)
        # as the rule before 0016 stored them: everything after ' in ' cut as a place
        con.execute(
            "insert into postings (posting_id, source, source_ref, title, first_seen,"
            " last_seen, first_run_id, last_run_id, content_hash, vacancy_id,"
            " title_occupation) values"
            " ('p1', 's', 'r1', 'Arzt in Weiterbildung – Kardiologie', now(), now(), 1, 1,"
            " 'h', 'v1', 'arzt'), ('p2', 's', 'r2', 'Koch in Leipzig', now(), now(), 1, 1,"
            " 'h', 'v2', 'koch')"
        )
        assert migrate(con) == ["0016_title_occupation_places.sql"]
        assert con.execute(
            "select posting_id, title_occupation from postings order by 1"
        ).fetchall() == [("p1", "arzt weiterbildung kardiologie"), ("p2", "koch")]
    finally:
        con.close()

"""The partner report: one self-contained HTML page with its plots."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from resque.reports import partner_report
from resque.reports.partner_report import build_report
from resque.warehouse.db import open_warehouse, sql
from resque.warehouse.figures import report_data
from resque.warehouse.snapshot import snapshot_path
from tests.conftest import query

HOSTILE = '<script>alert("x")</script>&co'
# (posting, source, published or None, vacancy): v1 is one opening two sources published,
# v4 one that only ba_jobsuche dated; v5, v6 and v7 carry no date and were first seen today
POSTINGS = [
    ("p1", "arbeitgeberservice", "2026-11-03", "v1"),
    ("p2", "ba_jobsuche", "2026-11-05", "v1"),
    ("p3", "ba_jobsuche", "2026-11-04", "v2"),
    ("p4", "arbeitgeberservice", "2026-11-10", "v3"),
    ("p5", "ba_jobsuche", "2026-11-12", "v4"),
    ("p6", "arbeitgeberservice", None, "v4"),
    ("p7", "jobmesse_leipzig_2026", None, "v5"),
    ("p8", "jobmesse_leipzig_2026", None, "v6"),
    ("p9", HOSTILE, None, "v7"),
]


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """A hand-built warehouse: POSTINGS and their vacancies (as dedup leaves them), no runs."""
    path = tmp_path / "small.duckdb"
    con = open_warehouse(path)
    try:
        for posting_id, source, posted_at, vacancy_id in POSTINGS:
            con.execute(
                "insert into postings (posting_id, source, source_ref, title, posted_at,"
                " first_seen, last_seen, first_run_id, last_run_id, content_hash, vacancy_id)"
                " values (?, ?, ?, 'Lagerhelfer', ?, now()::timestamp, now()::timestamp,"
                " 1, 1, 'h', ?)",
                [posting_id, source, posting_id, posted_at, vacancy_id],
            )
        con.execute(sql("refresh_vacancies"))
    finally:
        con.close()
    return path


def _data(path: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return report_data(con)
    finally:
        con.close()


def _images(page: str) -> list[str]:
    return re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', page)


def test_report_is_self_contained_with_four_plots(filled_db, resque, tmp_path):
    out = tmp_path / "report.html"
    result = resque("--db", filled_db, "report", "--out", out)
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)  # nothing loaded from outside
    assert "<script" not in page and "<link" not in page
    # the report reads the snapshot; the bundled run matches, so the fourth plot is drawn
    # (the case without a match run: test_report_of_a_small_warehouse_counts_vacancies)
    assert query(snapshot_path(filled_db), "select count(*) from matches")[0][0] > 0
    assert _images(page) == [
        "Stellen je Woche nach Quelle",
        "Offene Stellen nach Branche",
        "Anteil doppelter Angebote je Quelle",
        "Teilnehmende nach Zahl der Vorschläge",
    ]
    for heading in ("Stellen im Zeitverlauf nach Quelle", "Offene Stellen nach Branche"):
        assert heading in page
    # the duplicates table names the sources as readers know them, not by their slugs
    assert "<td>Liste des Arbeitgeberservice</td>" in page
    assert "<td>arbeitgeberservice</td>" not in page
    undated = query(
        snapshot_path(filled_db),
        "select count(*) from (select vacancy_id from postings group by all"
        " having count(posted_at) = 0)",
    )[0][0]
    assert undated > 0  # fair and chamber lists carry no publication date
    assert f"Ohne Datum: {undated} Stellen" in page


def test_report_of_a_small_warehouse_counts_vacancies(small_db, resque, tmp_path):
    weekly = _data(small_db)["vacancies_by_week"]
    rows = [
        (None if pd.isna(r.week) else f"{r.week:%Y-%m-%d}", r.source, r.vacancies)
        for r in weekly.itertuples()
    ]
    # v1 once, for the source that published it first; v4 in the week ba_jobsuche dated it
    assert rows[:4] == [
        ("2026-11-02", "arbeitgeberservice", 1),
        ("2026-11-02", "ba_jobsuche", 1),
        ("2026-11-09", "arbeitgeberservice", 1),
        ("2026-11-09", "ba_jobsuche", 1),
    ]
    # the undated ones (first seen today) stay apart, not in this week's bar
    assert sorted(rows[4:]) == [(None, HOSTILE, 1), (None, "jobmesse_leipzig_2026", 2)]
    out = tmp_path / "small.html"
    assert resque("--db", small_db, "report", "--live", "--out", out).code == 0
    page = out.read_text(encoding="utf-8")
    assert "Ohne Datum: 3 Stellen" in page
    # the command passes the config's display names: the bundled one names the fair's list
    assert "<tr><td>Jobmesse Leipzig 2026 (Liste der Veranstalter)</td><td>2</td></tr>" in page
    # no match run: no fourth plot, and the page says why
    assert "Teilnehmende nach Zahl der Vorschläge" not in _images(page)
    assert "kein Abgleich-Lauf" in page
    assert "noch keine Läufe" in page  # no runs row: no data time


def test_weekly_legend_and_tables_show_display_names(small_db, monkeypatch):
    drawn = {}
    to_png = partner_report._png

    def keep(figure, alt):
        drawn[alt] = figure
        return to_png(figure, alt)

    monkeypatch.setattr(partner_report, "_png", keep)
    page = build_report(_data(small_db), {"ba_jobsuche": "Arbeitsagentur"})
    legend = drawn["Stellen je Woche nach Quelle"].axes[0].get_legend()
    # the config's display name wins, else reports/source_names.py
    assert [t.get_text() for t in legend.get_texts()] == [
        "Liste des Arbeitgeberservice",
        "Arbeitsagentur",
    ]
    assert "<td>Arbeitsagentur</td>" in page and "<td>ba_jobsuche</td>" not in page


def test_hostile_source_names_come_out_escaped(small_db):
    named = {"arbeitgeberservice": 'Liste "A" & <b>B</b>'}
    page = build_report(_data(small_db), named)
    assert "<script" not in page and "<b>B</b>" not in page
    assert html.escape(named["arbeitgeberservice"]) in page.replace("&#34;", "&quot;")
    # the slug without a display name: reports/source_names.py capitalises its first word
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;co" in page


@pytest.mark.parametrize(
    ("finished_utc", "shown"),
    [
        ("2026-12-05 14:10", "05.12.2026 15:10"),  # winter: UTC+1
        ("2026-07-01 22:30", "02.07.2026 00:30"),  # summer: UTC+2, past midnight
    ],
)
def test_times_are_shown_in_german_local_time(small_db, finished_utc, shown):
    data = _data(small_db)
    data["headline"].loc[0, "data_as_of"] = pd.Timestamp(finished_utc)  # naive UTC, as stored
    made = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    page = build_report(data, now=made)
    assert f"Datenstand: {shown} · erstellt am 01.01.2027" in page
    assert "UTC" not in page


def test_report_reads_the_snapshot_unless_live(filled_db, resque, tmp_path):
    db = Path(shutil.copy(filled_db, tmp_path / "w.duckdb"))
    shutil.copy(snapshot_path(filled_db), snapshot_path(db))  # published by the nightly run
    con = duckdb.connect(str(db))
    con.execute("delete from postings")
    con.close()
    assert resque("--db", db, "report", "--out", tmp_path / "snap.html").code == 0
    assert "Noch keine Angebote." not in (tmp_path / "snap.html").read_text(encoding="utf-8")
    assert resque("--db", db, "report", "--live", "--out", tmp_path / "live.html").code == 0
    assert "Noch keine Angebote." in (tmp_path / "live.html").read_text(encoding="utf-8")


def test_report_of_an_empty_warehouse_says_so(db, resque, tmp_path):
    assert resque("--db", db, "init").code == 0
    out = tmp_path / "empty.html"
    assert resque("--db", db, "report", "--live", "--out", out).code == 0
    page = out.read_text(encoding="utf-8")
    assert "Noch keine Angebote." in page and "noch keine Läufe" in page
    assert "Noch keine Stellen mit Veröffentlichungsdatum." in page
    assert "Ohne Datum" not in page and _images(page) == []


def test_report_to_a_missing_folder_is_one_line(db, resque, tmp_path):
    assert resque("--db", db, "init").code == 0
    result = resque("--db", db, "report", "--live", "--out", tmp_path / "no" / "r.html")
    assert result.code == 1 and result.err.count("\n") == 1

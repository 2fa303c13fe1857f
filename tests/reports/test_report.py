"""The partner report: one self-contained HTML page with its plots."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from resque.warehouse.snapshot import snapshot_path
from tests.conftest import query


def test_report_is_self_contained_with_four_plots(filled_db, resque, tmp_path):
    out = tmp_path / "report.html"
    result = resque("--db", filled_db, "report", "--out", out)
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)  # nothing loaded from outside
    assert "<script" not in page and "<link" not in page
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', page)
    plots = {"Angebote je Woche nach Quelle", "Offene Stellen nach Branche"}
    assert plots | {"Anteil doppelter Angebote je Quelle"} <= set(images)
    has_matches = query(filled_db, "select count(*) from matches")[0][0] > 0
    assert ("Teilnehmende nach Zahl der Vorschläge" in images) == has_matches
    assert has_matches or "kein Abgleich-Lauf" in page
    for heading in ("Stellen im Zeitverlauf nach Quelle", "Offene Stellen nach Branche"):
        assert heading in page
    assert "arbeitgeberservice" in page  # the duplicates table names the sources


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


def test_report_to_a_missing_folder_is_one_line(db, resque, tmp_path):
    assert resque("--db", db, "init").code == 0
    result = resque("--db", db, "report", "--live", "--out", tmp_path / "no" / "r.html")
    assert result.code == 1 and result.err.count("\n") == 1

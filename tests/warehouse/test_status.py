"""`resque status` on nights built step by step: the latest nightly run as a whole, the cause of
a degraded crawl, a source whose active records fell sharply, and --runs N.

The nights are written the way the flow writes them (warehouse/nights.py, runs.within), with
the steps' rows recorded directly, so no spider or Prefect runs here.
"""

from __future__ import annotations

import contextlib

import pytest

from resque.pipelines import crawl
from resque.pipelines.config import BUNDLED_CONFIG, load_config
from resque.warehouse import status
from resque.warehouse.db import opened
from resque.warehouse.nights import close_night, open_night
from resque.warehouse.runs import next_run_id, record_run, set_error, utcnow, within
from tests.conftest import query

CAUSE = "FileNotFoundError: [Errno 2] No such file or directory: 'sites/hwk/5100,lsrsearch.html'"
# The end of a degraded crawl's log: the error, its traceback, then Spidermon's own failures.
CRAWL_LOG = [
    "2026-12-05 02:00:27 [scrapy.core.engine] INFO: Spider opened",
    "2026-12-05 02:00:27 [scrapy.core.scraper] ERROR: Error downloading <GET file:///x>",
    "Traceback (most recent call last):",
    '  File "/venv/lib/python3.11/pathlib.py", line 1044, in open',
    "    return io.open(self, mode, buffering, encoding, errors, newline)",
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    CAUSE,
    "2026-12-05 02:00:27 [hwk] ERROR: [Spidermon] ",
    "Traceback (most recent call last):",
    '  File "/venv/lib/python3.11/site-packages/spidermon/base.py", line 177, in test',
    "AssertionError: Unable to find 'item_scraped_count' in job stats.",
]


def step(con, kind: str, source: str | None = None, status_: str = "succeeded", rows: int = 7):
    """One step's row, as the step would write it; returns its run id."""
    run_id = next_run_id(con)
    record_run(
        con, run_id, kind=kind, source=source, started_at=utcnow(), status=status_,
        counts={"rows_in": rows, "rows_loaded": rows},
    )  # fmt: skip
    return run_id


def night(con, *steps_: tuple, failed: list[str] | None = None) -> int:
    """A whole nightly run of the given (kind, source, status) steps; returns its run id."""
    run_id = open_night(con)
    with within(run_id):
        for kind, source, status_ in steps_:
            step(con, kind, source, status_)
    close_night(con, run_id, failed or [])
    return run_id


GOOD = (
    ("crawl", "ihk", "succeeded"),
    ("import", "messe", "succeeded"),
    ("dedup", None, "succeeded"),
)


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "w.duckdb"


def test_a_nights_steps_name_it_and_others_do_not(warehouse):
    with opened(warehouse) as con:
        by_hand = step(con, "import", "liste")
        run_id = night(con, *GOOD)
    rows = query(warehouse, "select run_id, kind, parent_run_id, status from runs order by run_id")
    assert rows[0] == (by_hand, "import", None, "succeeded")
    assert rows[1] == (run_id, "run", None, "succeeded")
    assert [r[2] for r in rows[2:]] == [run_id] * 3


def test_status_shows_the_whole_night_and_its_verdict(warehouse, resque):
    with opened(warehouse) as con:
        night(con, *GOOD)
        step(con, "import", "by_hand")  # after the night: listed apart
    result = resque("--db", warehouse, "status")
    assert result.code == 0, result.err
    table = result.out.split("== Latest nightly run")[1].split("verdict:")[0]
    assert [line.split()[1] for line in table.splitlines()[2:]] == ["crawl", "import", "dedup"]
    assert "verdict: OK: 3 steps in" in result.out
    assert "Failed or degraded" not in result.out
    assert "Other steps since it started" in result.out and "by_hand" in result.out


def test_a_degraded_crawl_shows_the_first_line_of_its_cause(warehouse, resque):
    with opened(warehouse) as con:
        night(con, *GOOD)
        run_id = open_night(con)
        with within(run_id):
            degraded = step(con, "crawl", "hwk", "degraded", rows=0)
            set_error(con, degraded, CAUSE)
            step(con, "dedup")
        close_night(con, run_id, [])
    result = resque("--db", warehouse, "status")
    assert result.code == 0, result.err
    assert "verdict: DEGRADED: 2 steps in" in result.out and "1 degraded" in result.out
    section = result.out.split("== Failed or degraded steps, with the first line of the cause\n")
    assert section[1].splitlines()[0] == f"crawl hwk [run {degraded}] DEGRADED: {CAUSE}"


def test_a_failed_step_makes_the_night_failed(warehouse, resque):
    with opened(warehouse) as con:
        night(con, ("crawl", "ba", "failed"), ("dedup", None, "succeeded"), failed=["crawl ba"])
    result = resque("--db", warehouse, "status")
    assert "verdict: FAILED: 2 steps in" in result.out and "1 failed" in result.out
    assert query(warehouse, "select status, error from runs where kind = 'run'") == [
        ("failed", "1 step(s) failed: crawl ba")
    ]


def test_an_unfinished_night_says_so(warehouse, resque):
    with opened(warehouse) as con:
        run_id = open_night(con)
        with within(run_id):
            step(con, "crawl", "ihk")
    result = resque("--db", warehouse, "status")
    assert f"verdict: UNFINISHED: run {run_id} started" in result.out


def counts(con, run_id: int, **active: int) -> None:
    """What a night recorded per source (vacancies), as close_night would have."""
    for source, n in active.items():
        con.execute(
            "insert into run_source_counts values (?, ?, 'vacancies', ?, ?)", [run_id, source, n, n]
        )


def test_a_sharp_fall_of_active_postings_is_flagged(warehouse, resque):
    with opened(warehouse) as con:
        before = open_night(con)
        counts(con, before, gone=40, halved=40, mild=40, tiny=8)
        after = open_night(con)
        counts(con, after, halved=20, mild=25, tiny=0)  # 'gone' left nothing at all
        con.execute("update runs set status = 'succeeded', finished_at = started_at")
        drops = status.sharp_drops(con, after)
    assert drops[["source", "before", "now", "fell_percent"]].values.tolist() == [
        ["gone", 40, 0, 100],
        ["halved", 40, 20, 50],
    ]  # mild fell 37 %, tiny only 8 postings: not sharp
    result = resque("--db", warehouse, "status")
    assert "verdict: DEGRADED" in result.out and "2 source(s) fell sharply" in result.out
    assert "gone vacancies 40 -> 0" in result.out
    assert "fell sharply since the previous nightly run (by 50% and 10 or more)" in result.out


def test_runs_n_lists_the_n_nights_before_the_latest(warehouse, resque):
    with opened(warehouse) as con:
        ids = [night(con, *GOOD) for _ in range(4)]
    result = resque("--db", warehouse, "status", "--runs", "2")
    assert result.code == 0, result.err
    listed = result.out.split("== Nightly runs before it (up to 2)\n")[1].split("\n\n")[0]
    assert [int(line.split()[0]) for line in listed.splitlines()[1:]] == [ids[2], ids[1]]
    assert "Nightly runs before it" not in resque("--db", warehouse, "status", "--runs", "0").out
    refused = resque("--db", warehouse, "status", "--runs", "-1")
    assert refused.code == 1 and "--runs -1" in refused.err


def test_no_nightly_run_yet_lists_the_steps_recorded(warehouse, resque):
    with opened(warehouse) as con:
        step(con, "import", "liste")
    result = resque("--db", warehouse, "status")
    assert "(none recorded yet: 'resque run' records one)" in result.out
    assert "Other steps recorded" in result.out and "liste" in result.out


def test_crawl_cause_is_the_first_tracebacks_exception_line():
    assert crawl.crawl_cause(CRAWL_LOG) == CAUSE
    assert crawl.crawl_cause(CRAWL_LOG[:2]) == "Error downloading <GET file:///x>"
    assert crawl.crawl_cause(CRAWL_LOG[:1]) is None


def test_a_degraded_crawl_records_its_cause_in_runs_error(warehouse, monkeypatch):
    source = load_config(BUNDLED_CONFIG).sources["hwk_lehrstellen"]
    stats = {"finish_reason": "finished", "resque/failed_monitors": ["Extracted Items Monitor"]}
    output = crawl.CrawlOutput(0, stats, [], CRAWL_LOG[-5:], crawl.crawl_cause(CRAWL_LOG))
    monkeypatch.setattr(crawl, "run_spider_process", lambda spec: output)
    with opened(warehouse) as con:
        result = crawl.crawl_source(con, source)
    assert query(warehouse, "select status, error from runs where run_id = ?", [result.run_id]) == [
        ("degraded", CAUSE)
    ]


def test_a_failed_crawl_records_its_cause_in_runs_error(warehouse, monkeypatch):
    source = load_config(BUNDLED_CONFIG).sources["hwk_lehrstellen"]
    output = crawl.CrawlOutput(1, {}, [], ["the last line"], "KeyError: 'Spider not found: x'")
    monkeypatch.setattr(crawl, "run_spider_process", lambda spec: output)
    with opened(warehouse) as con, contextlib.suppress(Exception):
        crawl.crawl_source(con, source)
    assert query(warehouse, "select status, error from runs") == [
        ("failed", "crawl hwk_lehrstellen failed: KeyError: 'Spider not found: x'")
    ]


def test_a_warehouse_before_nightly_runs_is_one_line(tmp_path, resque):
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table runs (run_id bigint, kind varchar)")
    con.execute("create table postings (source varchar, is_active boolean, last_seen timestamp)")
    con.execute("create table employers (source varchar, is_active boolean, last_seen timestamp)")
    con.close()
    result = resque("--db", path, "status")
    assert result.code == 1 and "run 'resque init' to upgrade it" in result.err


@pytest.mark.slow  # a real crawl process (a few seconds)
def test_a_crawl_of_a_missing_site_is_degraded_with_its_cause(tmp_path, resque):
    config = tmp_path / "resque.toml"
    config.write_text(
        '[sources.hwk]\ntype = "spider"\nspider = "hwk_lehrstellen"\n'
        'base_url = "sites/gone"\nargs = { plz = "04109", umkreis = 25 }\n'
        "settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false }\n",
        encoding="utf-8",
    )
    result = resque("--config", config, "--db", tmp_path / "w.duckdb", "crawl", "hwk")
    assert "DEGRADED" in result.out, result.err
    [(status, error)] = query(tmp_path / "w.duckdb", "select status, error from runs")
    assert status == "degraded" and error.startswith("FileNotFoundError: [Errno 2]")

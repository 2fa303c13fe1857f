"""The Prefect wiring: schedules, tasks, the nightly flow with a failing source, the monthly flow.

Flows run in-process on resque's own ephemeral Prefect API (as `resque run` does), started
once per test session and shared with the sample warehouse fixture; no test waits for a
schedule.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from resque import cli, flows
from resque.errors import ResqueError
from resque.pipelines.config import BUNDLED_CONFIG, load_config
from resque.warehouse import snapshot
from tests.conftest import SAMPLES, query

GOOD_CSV = SAMPLES / "arbeitgeberservice_2026-11.csv"


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "resque.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_default_schedules_are_nightly_and_the_15th_in_berlin():
    planned = flows.schedules(load_config(BUNDLED_CONFIG))
    assert planned["nightly"].cron == "0 2 * * *"
    assert planned["employer-service-monthly"].cron == "0 6 15 * *"
    assert {s.timezone for s in planned.values()} == {"Europe/Berlin"}


def test_schedules_come_from_the_config(tmp_path):
    config = write_config(
        tmp_path,
        '[schedule]\nnightly = "30 1 * * *"\nmonthly = "0 7 14 * *"\ntimezone = "UTC"\n',
    )
    planned = flows.schedules(load_config(config))
    assert (planned["nightly"].cron, planned["nightly"].timezone) == ("30 1 * * *", "UTC")
    assert planned["employer-service-monthly"].cron == "0 7 14 * *"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[schedule]\nnightly = "0 2 * *"\n', "nightly must be a cron string"),
        ('[schedule]\ntimezone = "Europe/Leipzig"\n', "unknown timezone"),
        ("[schedule]\ncrawl_retries = -1\n", "crawl_retries must be a whole number"),
        ('[schedule]\nnighty = "0 2 * * *"\n', "[schedule]: unknown key 'nighty'"),
        ('[inbox]\nfolder = "x"\n', "[inbox]: unknown key 'folder'"),
        ("[inbox]\nsettle_seconds = -1\n", "settle_seconds must be a number from 0 to 3600"),
        ("[import]\nmax_shrnk = 0.3\n", "[import]: unknown key 'max_shrnk'"),
        ('[export]\nrecipient = "x"\n', "[export]: unknown key 'recipient'"),
    ],
)
def test_config_sections_are_checked(tmp_path, body, message):
    with pytest.raises(ResqueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(write_config(tmp_path, body))


def test_bad_cron_field_is_one_line(tmp_path):
    config = load_config(write_config(tmp_path, '[schedule]\nnightly = "0 25 * * *"\n'))
    with pytest.raises(ResqueError, match=r"\[schedule\]"):
        flows.schedules(config)


def test_deployments_serve_both_flows_with_this_config_and_warehouse(tmp_path):
    config = load_config(BUNDLED_CONFIG)
    deployments = {d.name: d for d in flows.deployments(config, tmp_path / "w.duckdb")}
    assert set(deployments) == {"nightly", "employer-service-monthly"}
    nightly = deployments["nightly"]
    assert nightly.entrypoint == "resque.flows.nightly"
    assert nightly.parameters == {
        "config": str(BUNDLED_CONFIG.resolve()),
        "db": str((tmp_path / "w.duckdb").resolve()),
    }
    (schedule,) = nightly.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "Europe/Berlin")


def test_serve_needs_a_prefect_server(resque, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = resque("serve")
    assert result.code == 1 and "prefect server start" in result.err


def test_import_task_calls_the_importer(tmp_path):
    config = write_config(tmp_path, f'[sources.good]\npath = "{GOOD_CSV}"\n')
    db = str(tmp_path / "w.duckdb")
    result = flows.import_source.fn(db, str(config), "good")
    assert (result.source, result.counts.rows_loaded) == ("good", 117)
    assert query(Path(db), "select kind, source, status from runs") == [
        ("import", "good", "succeeded")
    ]


def test_crawl_task_raises_and_records_a_failed_crawl(tmp_path):
    config = write_config(tmp_path, '[sources.gone]\ntype = "spider"\nspider = "no_such_spider"\n')
    db = tmp_path / "w.duckdb"
    with pytest.raises(ResqueError, match="crawl gone failed"):
        flows.crawl.fn(str(db), str(config), "gone")
    assert query(db, "select kind, source, status from runs") == [("crawl", "gone", "failed")]


def test_crawl_is_the_only_retried_task():
    assert flows.crawl.retries == 0  # set per run from [schedule] crawl_retries
    for task in (flows.import_source, flows.import_inbox, flows.dedup, flows.match, flows.publish):
        assert task.retries == 0


class StillCopying(threading.Thread):
    """Appends to an inbox file until stopped, keeping its old mtime (as `cp -p` does)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.stop = path, threading.Event()

    def run(self) -> None:
        old = self.path.stat().st_mtime
        while not self.stop.wait(0.02):
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write("Koch\n")
            os.utime(self.path, (old, old))


@pytest.fixture(scope="module")
def nightly_run(tmp_path_factory):
    """`resque run` over a failing spider, a good file source and an inbox with five files.

    In the inbox: a partner list of an inbox-only source, a list without a title column, a
    file of no configured source, JSON nested 990 deep, and a file still being copied.
    """
    tmp_path = tmp_path_factory.mktemp("nightly")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(GOOD_CSV, inbox / "Liste_Partner_2026-12.csv")
    (inbox / "kaputt.csv").write_text("A;B\n1;2\n", encoding="utf-8")
    (inbox / "fremd.csv").write_text("Titel\nKoch\n", encoding="utf-8")
    deep = '{"titel": "Koch", "x": ' + '{"a": ' * 990 + "1" + "}" * 990 + "}\n"
    (inbox / "tief.jsonl").write_text(deep, encoding="utf-8")
    (inbox / "tief.jsonl.toml").write_text('source = "tief"\n', encoding="utf-8")
    old = time.time() - 3600
    for file in inbox.iterdir():
        os.utime(file, (old, old))
    (inbox / "fresh.csv").write_text("Titel\nKoch\n", encoding="utf-8")
    os.utime(inbox / "fresh.csv", (old, old))
    config = write_config(
        tmp_path,
        "[schedule]\ncrawl_retries = 1\ncrawl_retry_delay = 0\n"
        '[inbox]\npath = "inbox"\nsettle_seconds = 0.3\n'
        '[sources.broken_spider]\ntype = "spider"\nspider = "no_such_spider"\n'
        f'[sources.good]\npath = "{GOOD_CSV}"\nwrite_mode = "snapshot"\n'
        "[sources.liste_partner]\n"  # no path: its files come through the inbox
        "[sources.kaputt]\n"
        "[sources.fresh]\n",
    )
    db = tmp_path / "w.duckdb"
    copying = StillCopying(inbox / "fresh.csv")
    copying.start()
    try:
        code = cli.main(["--config", str(config), "--db", str(db), "run"])
    finally:
        copying.stop.set()
        copying.join()
    return {"code": code, "db": db, "inbox": inbox, "config": config}


INBOX_FAILED = "inbox fremd.csv, inbox kaputt.csv, inbox tief.jsonl"


def test_nightly_reports_the_failing_source_and_runs_every_other_step(nightly_run):
    db = nightly_run["db"]
    assert nightly_run["code"] == 1
    # the night's own row first, then its steps, each naming it as parent
    (night, status, error), *_ = query(db, "select run_id, status, error from runs order by run_id")
    assert (status, error) == ("failed", "4 step(s) failed: crawl broken_spider, " + INBOX_FAILED)
    assert query(db, "select distinct parent_run_id from runs where kind <> 'run'") == [(night,)]
    runs = query(
        db,
        "select kind, coalesce(source, ''), status from runs where kind <> 'run' order by run_id",
    )
    assert runs[:2] == [("crawl", "broken_spider", "failed")] * 2  # tried, retried once
    assert ("import", "good", "succeeded") in runs
    assert ("import", "liste_partner", "succeeded") in runs
    assert [r[1] for r in runs].count("liste_partner") == 1  # no path: the inbox only
    assert ("import", "kaputt", "failed") in runs
    assert ("import", "fremd", "failed") in runs
    assert ("import", "tief", "failed") in runs
    assert "fresh" not in [r[1] for r in runs]
    assert [r[0] for r in runs[-4:]] == ["dedup", "occupations", "match", "snapshot"]
    assert all(r[2] == "succeeded" for r in runs[-4:])
    assert query(db.with_name("w.analytics.duckdb"), "select count(*) from postings") == query(
        db, "select count(*) from postings"
    )


def test_the_snapshot_shows_the_night_closed_with_its_counts(nightly_run):
    db = nightly_run["db"]
    snapshot = db.with_name("w.analytics.duckdb")
    night = "select run_id, status, error, finished_at from runs where kind = 'run'"
    ((_, status, error, finished),) = query(snapshot, night)
    assert query(db, night) == [(_, status, error, finished)]
    assert status == "failed" and finished is not None  # closed before it was published
    counts = "select * from run_source_counts order by all"
    assert query(snapshot, counts) == query(db, counts)
    assert ("good", "vacancies") in {row[1:3] for row in query(snapshot, counts)}
    # the publish came after the close, and is still one of the night's steps
    publish = "select parent_run_id from runs where kind = 'snapshot'"
    assert query(db, publish) == [(_,)] and query(snapshot, publish) == []


def test_a_failed_publish_recloses_the_night_as_failed_with_its_cause(
    tmp_path, resque, monkeypatch
):
    config = write_config(tmp_path, f'[sources.good]\npath = "{GOOD_CSV}"\n')
    db = tmp_path / "w.duckdb"

    def disk_full(step: str) -> None:
        if step == "snapshot.parquet":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(snapshot, "fault_point", disk_full)
    result = resque("--config", config, "--db", db, "run")
    assert result.code == 1
    ((status, error),) = query(db, "select status, error from runs where kind = 'run'")
    assert status == "failed"
    assert error.startswith("1 step(s) failed: snapshot (")
    assert error.endswith("snapshot failed ([Errno 28] No space left on device))")
    steps = query(db, "select kind, status from runs where kind <> 'run' order by run_id")
    assert steps[0] == ("import", "succeeded") and steps[-1] == ("snapshot", "failed")
    assert query(db, "select count(*) > 0 from run_source_counts") == [(True,)]


def test_inbox_files_are_moved_after_import(nightly_run):
    inbox = nightly_run["inbox"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["fresh.csv"]
    done = [p.name for p in (inbox / "done").iterdir()]
    assert len(done) == 1 and done[0].endswith("_Liste_Partner_2026-12.csv")
    failed = {p.name.split("_", 1)[1]: p for p in (inbox / "failed").iterdir()}
    assert sorted(failed) == [
        "fremd.csv",
        "fremd.csv.error.txt",
        "kaputt.csv",
        "kaputt.csv.error.txt",
        "tief.jsonl",
        "tief.jsonl.error.txt",
        "tief.jsonl.toml",
    ]
    notes = {name: failed[name].read_text(encoding="utf-8") for name in failed if "error" in name}
    assert "no title column" in notes["kaputt.csv.error.txt"]
    assert "no source configured for 'fremd'" in notes["fremd.csv.error.txt"]
    assert "refused, the data is nested too deeply" in notes["tief.jsonl.error.txt"]


def test_resque_run_prints_each_step_and_the_failures(tmp_path, resque):
    config = write_config(
        tmp_path,
        "[schedule]\ncrawl_retries = 0\n"
        '[sources.broken_spider]\ntype = "spider"\nspider = "no_such_spider"\n'
        f'[sources.good]\npath = "{GOOD_CSV}"\n',
    )
    result = resque("--config", config, "--db", tmp_path / "w.duckdb", "run", "-v")
    assert result.code == 1
    assert "broken_spider: FAILED: crawl broken_spider failed" in result.err
    assert result.err.strip().endswith("1 source(s) failed: broken_spider")
    lines = result.out.splitlines()
    assert lines[0].startswith("good: 120 rows read, 117 loaded")
    assert [line.split()[0] for line in lines[1:5]] == [
        "dedup",
        "occupations:",
        "match:",
        "snapshot",
    ]
    assert "117 postings" in lines[-1] and "s Prefect start-up" in lines[-1]
    # -v after the command: progress named after each step and source, no httpx requests
    assert " INFO import-good: " in result.err and " ERROR crawl-broken_spider: " in result.err
    assert " INFO dedup: started (117 postings)" in result.err
    assert " INFO match: started (" in result.err
    assert "HTTP Request" not in result.err


def test_monthly_flow_exports_only_an_approved_run(nightly_run, tmp_path, resque):
    db, config = nightly_run["db"], nightly_run["config"]
    profiles = SAMPLES / "teilnehmende_kompetenzanalyse.csv"
    assert resque("--db", db, "import", "participants", profiles).code == 0
    assert resque("--db", db, "match").code == 0
    out = tmp_path / "lists"
    with flows.prefect_runtime(verbose=False):
        with pytest.raises(ResqueError, match="no approved match run for 2026-12"):
            flows.employer_service_monthly(str(config), str(db), str(out), "2026-12")
        run = query(db, "select max(run_id) from runs where kind = 'match'")[0][0]
        assert resque("--db", db, "approve", run, "--by", "coach").code == 0
        summary = flows.employer_service_monthly(str(config), str(db), str(out), "2026-12")
    assert summary["match_run_id"] == run and summary["rows"] > 0
    assert sorted(p.suffix for p in out.iterdir()) == [".csv", ".xlsx"]
    assert query(db, "select created_by, month from exports") == [
        ("prefect employer-service-monthly", "2026-12")
    ]


# --- running in this process: start-up, names, retries, a locked warehouse --------------------


def test_task_runs_are_named_after_their_step_and_source():
    assert flows.crawl.task_run_name.format(source="ba_jobsuche") == "crawl-ba_jobsuche"
    assert flows.import_source.task_run_name.format(source="messe") == "import-messe"
    assert (flows.dedup.task_run_name, flows.match.task_run_name) == ("dedup", "match")


def test_the_temporary_api_gets_time_to_start_and_no_telemetry(monkeypatch):
    monkeypatch.delenv(flows.STARTUP_TIMEOUT_VARIABLE, raising=False)
    settings = flows._ephemeral_settings()
    assert settings["server.ephemeral.startup_timeout_seconds"] == 120  # Prefect's own: 20
    assert settings["server.analytics_enabled"] is False
    monkeypatch.setenv(flows.STARTUP_TIMEOUT_VARIABLE, "300")
    assert flows._ephemeral_settings()["server.ephemeral.startup_timeout_seconds"] == 300


def test_a_temporary_api_that_does_not_start_is_one_line_saying_what_to_do(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv(flows.STARTUP_TIMEOUT_VARIABLE, "45")
    prefect_says = (
        "Timed out while attempting to connect to ephemeral Prefect API server. "
        "stdout: b'' stderr: b''"
    )
    with pytest.raises(ResqueError) as caught, flows.prefect_runtime():
        raise RuntimeError(prefect_says)
    line = str(caught.value)
    assert "\n" not in line and "did not start within 45 s" in line
    assert flows.STARTUP_TIMEOUT_VARIABLE in line
    assert "prefect server start" in line and "PREFECT_API_URL" in line
    with pytest.raises(RuntimeError, match="something else"), flows.prefect_runtime():
        raise RuntimeError("something else")


def test_a_crawl_is_retried_unless_the_warehouse_is_locked():
    from prefect.states import Failed

    from resque.warehouse.db import WarehouseInUse

    network = Failed(data=ResqueError("crawl ba failed: connection refused"))
    locked = Failed(data=WarehouseInUse("w.duckdb: the database is in use by another process"))
    assert flows.crawl.retry_condition_fn(None, None, network) is True
    assert flows.crawl.retry_condition_fn(None, None, locked) is False
    options = flows.crawl.with_options(retries=2, retry_delay_seconds=300)
    assert options.retry_condition_fn is flows.crawl.retry_condition_fn


@pytest.fixture
def held(tmp_path, resque, held_open):
    """A warehouse another process (an analyst's Python session) holds open, read-only."""
    db = tmp_path / "w.duckdb"
    assert resque("--db", db, "init").code == 0
    return db, held_open(db, "read").pid


def test_a_locked_warehouse_ends_the_run_at_once_without_retries(
    held, tmp_path, resque, monkeypatch
):
    db, pid = held
    config = write_config(
        tmp_path,
        "[schedule]\ncrawl_retries = 2\ncrawl_retry_delay = 300\n"
        '[sources.broken_spider]\ntype = "spider"\nspider = "no_such_spider"\n'
        f'[sources.good]\npath = "{GOOD_CSV}"\n',
    )
    opens = []
    real_opened = flows.opened
    monkeypatch.setattr(flows, "opened", lambda path: opens.append(path) or real_opened(path))
    # a holder that came after `resque run`'s early check (next test): the flow meets it
    monkeypatch.setattr(cli, "check_writable", lambda path: None)
    result = resque("--config", config, "--db", db, "run")
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1  # one line, no step summaries after it
    assert f"{db}: the database is in use by another process" in result.err
    assert f"PID {pid}" in result.err and "close that session" in result.err
    assert opens == [str(db)]  # the crawl tried once; no other step ran


# Runs `resque run` in a fresh process and reports whether Prefect was imported.
RUN_AND_TELL = (
    "import sys; from resque.cli import main; code = main(sys.argv[1:]); "
    "print('prefect imported' if 'prefect' in sys.modules else 'prefect not imported', "
    "file=sys.stderr); sys.exit(code)"
)


def test_resque_run_meets_a_held_warehouse_before_starting_prefect(held, tmp_path):
    db, pid = held
    config = write_config(tmp_path, f'[sources.good]\npath = "{GOOD_CSV}"\n')
    clock = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_TELL, "--config", str(config), "--db", str(db), "run"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - clock
    print(f"resque run on a held warehouse: exit {done.returncode} after {seconds:.1f} s")
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and done.stdout == ""
    assert lines[-1] == "prefect not imported"
    assert len(lines) == 2 and lines[0].startswith(f"resque: error: {db}: the database is in use")
    assert f"PID {pid}" in lines[0] and "close that session" in lines[0]

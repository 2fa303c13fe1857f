"""A step killed at any moment leaves the warehouse as before or as after it, never between."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from tests.faults.conftest import digest, resque_cmd, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def states(tmp_path_factory, big_csv):
    """A warehouse before the import and a copy after it, with how long the import took."""
    folder = tmp_path_factory.mktemp("states")
    before = folder / "before.duckdb"
    first = folder / "first.csv"
    first.write_text("Referenznummer;Stellentitel\nA1;Koch\n", encoding="utf-8")
    assert run("--db", before, "import", "vacancies", first, "--source", "as").returncode == 0
    after = folder / "after.duckdb"
    shutil.copy(before, after)
    started = time.perf_counter()
    done = run("--db", after, "import", "vacancies", big_csv, "--source", "as", "--full")
    assert done.returncode == 0, done.stderr
    return before, after, time.perf_counter() - started


@pytest.mark.parametrize("fraction", [0.15, 0.35, 0.55, 0.75, 0.9])
def test_kill_during_import_leaves_before_or_after(tmp_path, states, big_csv, fraction):
    before, after, seconds = states
    db = tmp_path / "w.duckdb"
    shutil.copy(before, db)
    process = subprocess.Popen(
        resque_cmd("--db", db, "import", "vacancies", big_csv, "--source", "as", "--full"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(seconds * fraction)
    process.kill()
    process.wait(timeout=30)
    state = digest(db)
    assert state in (digest(before), digest(after))
    rerun = run("--db", db, "import", "vacancies", big_csv, "--source", "as", "--full")
    assert rerun.returncode == 0, rerun.stderr
    tables = {name: value for name, value in digest(db).items() if name != "runs"}
    assert tables == {name: value for name, value in digest(after).items() if name != "runs"}


def test_full_disk_fails_cleanly_and_a_rerun_completes(tmp_path, states, big_csv):
    before, after, _ = states
    db = tmp_path / "w.duckdb"
    shutil.copy(before, db)
    limit = db.stat().st_size + (1 << 20)  # room for a little, not for 100,000 postings
    starved = run(
        "--db",
        db,
        "import",
        "vacancies",
        big_csv,
        "--source",
        "as",
        "--full",
        file_size_limit=limit,
    )
    assert starved.returncode == 1
    assert starved.stderr.startswith("resque: error: ") and starved.stderr.count("\n") == 1
    state = digest(db)
    assert {k: v for k, v in state.items() if k != "runs"} == {
        k: v for k, v in digest(before).items() if k != "runs"
    }
    rerun = run("--db", db, "import", "vacancies", big_csv, "--source", "as", "--full")
    assert rerun.returncode == 0, rerun.stderr
    assert digest(db)["postings"] == digest(after)["postings"]


def test_database_held_by_another_process_is_a_clear_error(tmp_path, states, big_csv):
    before, _, _ = states
    db = tmp_path / "w.duckdb"
    shutil.copy(before, db)
    hold = f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True)"
    hold += "; time.sleep(60)"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        blocked = run("--db", db, "import", "vacancies", big_csv, "--source", "as")
    finally:
        holder.kill()
        holder.wait()
    assert blocked.returncode == 1
    assert "in use by another process" in blocked.stderr and blocked.stderr.count("\n") == 1
    assert digest(db) == digest(before)

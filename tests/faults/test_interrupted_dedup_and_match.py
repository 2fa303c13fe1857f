"""Dedup and matching killed part-way leave the warehouse as before or after, and rerun cleanly."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from tests.conftest import SAMPLES
from tests.faults.conftest import digest, resque_cmd, run

pytestmark = pytest.mark.slow

PARTICIPANTS = SAMPLES / "teilnehmende_kompetenzanalyse.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, big_csv):
    """A warehouse with 100,000 postings and the sample participants, not yet deduplicated."""
    db = tmp_path_factory.mktemp("loaded") / "loaded.duckdb"
    assert run("--db", db, "import", "vacancies", big_csv, "--source", "as").returncode == 0
    assert run("--db", db, "import", "participants", PARTICIPANTS).returncode == 0
    return db


def measured(db, *args):
    """Run a step to completion; (the warehouse, seconds it took)."""
    started = time.perf_counter()
    done = run("--db", db, *args)
    assert done.returncode == 0, done.stderr
    return db, time.perf_counter() - started


@pytest.fixture(scope="module")
def deduplicated(tmp_path_factory, loaded):
    return measured(
        shutil.copy(loaded, tmp_path_factory.mktemp("d") / "after.duckdb"), "dedup", "--full"
    )


@pytest.fixture(scope="module")
def matched(tmp_path_factory, loaded):
    return measured(shutil.copy(loaded, tmp_path_factory.mktemp("m") / "after.duckdb"), "match")


def kill_part_way(db, args, seconds, fraction):
    process = subprocess.Popen(
        resque_cmd("--db", db, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(seconds * fraction)
    process.kill()
    process.wait(timeout=30)


def without_runs(state):
    return {name: value for name, value in state.items() if name != "runs"}


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_kill_during_dedup(tmp_path, loaded, deduplicated, fraction):
    after, seconds = deduplicated
    db = shutil.copy(loaded, tmp_path / "w.duckdb")
    kill_part_way(db, ["dedup", "--full"], seconds, fraction)
    assert without_runs(digest(db)) in (without_runs(digest(loaded)), without_runs(digest(after)))
    assert run("--db", db, "dedup", "--full").returncode == 0
    assert digest(db)["postings"] == digest(after)["postings"]


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_kill_during_matching(tmp_path, loaded, matched, fraction):
    count = "select count(*) from matches"
    after, seconds = matched
    db = shutil.copy(loaded, tmp_path / "w.duckdb")
    kill_part_way(db, ["match"], seconds, fraction)
    matches = run("--db", db, "query", "--live", count, "--csv").stdout.split()[-1]
    assert matches in (
        "0",
        run("--db", after, "query", "--live", count, "--csv").stdout.split()[-1],
    )
    assert run("--db", db, "match").returncode == 0

"""Erasure is durable: one writer during a rewrite, a full disk or an abrupt stop only delays
it, and no scratch copy of the warehouse outlives the next writable command.

The kill -9 versions of these are in tests/faults/test_interrupted_erasure.py (slow suite).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from resque import cli
from resque.warehouse.db import opened
from resque.warehouse.snapshot import publish_snapshot, snapshot_path
from tests.conftest import ROOT, query
from tests.erasure_support import (
    FREE_TEXT,
    PARTICIPANTS,
    leaks,
    needles,
    on_fault_point,
    pending,
    scratch,
    who,
)

DEAD_PID = 4_194_999  # above Linux's pid_max: no live process has it


class Stopped(BaseException):
    """The process stopping at a step (no handler of resque's catches it, as with kill -9)."""


@pytest.fixture(scope="module")
def participants_db(tmp_path_factory) -> Path:
    """A warehouse holding the sample participants, its snapshot published; once per module."""
    db = tmp_path_factory.mktemp("erasure") / "w.duckdb"
    assert cli.main(["--db", str(db), "import", "participants", str(PARTICIPANTS)]) == 0
    with opened(db) as con:
        publish_snapshot(con, db)
    return db


@pytest.fixture
def warehouse(participants_db, tmp_path) -> Path:
    """A private copy of that folder, the person readable in it."""
    folder = Path(shutil.copytree(participants_db.parent, tmp_path / "warehouse"))
    assert {text for _, text in leaks(folder, [who(), FREE_TEXT])} == {who(), FREE_TEXT}
    return folder / participants_db.name


def assert_forgotten(db: Path) -> None:
    """Not a byte of the person anywhere in the folder; nothing pending, no scratch left."""
    assert leaks(db.parent, needles()) == []
    assert scratch(db.parent) == []
    assert pending(db) == 0
    assert query(snapshot_path(db), "select count(*) from participants")[0][0] > 0


def test_an_import_committing_during_the_rewrite_is_refused_not_lost(
    warehouse, resque, monkeypatch, tmp_path
):
    """Finding 4: between the copy and os.replace another writer's commit was replaced away."""
    late = tmp_path / "late.csv"
    late.write_text("Referenznummer;Stellentitel\nLATE-1;Koch\n", encoding="utf-8")
    imports, real_replace = [], os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == warehouse and not imports:  # the rewrite's window: copy made, not in place
            command = [
                sys.executable,
                "-m",
                "resque.cli",
                "--db",
                str(warehouse),
                "import",
                "vacancies",
            ]
            imports.append(
                subprocess.run(
                    [*command, str(late), "--source", "late"],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    cwd=ROOT,
                )  # fmt: skip
            )
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    forgot = resque("--db", warehouse, "participants", "forget", who())
    assert forgot.code == 0, forgot.err
    assert forgot.out.startswith("forgot 1 participant(s): 1 profile(s)")
    [during] = imports
    assert during.returncode == 1, "an import during the rewrite must not report success"
    assert "in use by another process" in during.stderr and during.stderr.count("\n") == 1
    assert query(warehouse, "select count(*) from postings where source = 'late'") == [(0,)]
    again = resque("--db", warehouse, "import", "vacancies", late, "--source", "late")
    assert again.code == 0, again.err
    assert query(warehouse, "select count(*) from postings where source = 'late'") == [(1,)]


class _FullAfterCopy:
    """An in-memory connection whose database copy fills the disk (after writing most of it)."""

    def __init__(self, con):
        self._con = con

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, statement, *args):
        result = self._con.execute(statement, *args)
        if statement.startswith("copy from database"):
            raise duckdb.IOException("IO Error: could not write file: No space left on device")
        return result


def _full_disk(where: str, db: Path, patch: pytest.MonkeyPatch) -> None:
    """Let the rewrite of `db` fail for want of space while copying or when renaming."""
    if where == "copy":
        real_connect = duckdb.connect

        def connect(*args, **kwargs):
            con = real_connect(*args, **kwargs)
            return con if args or kwargs else _FullAfterCopy(con)

        patch.setattr(duckdb, "connect", connect)
    else:
        real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            if Path(dst) == db:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_replace(src, dst, *args, **kwargs)

        patch.setattr(os, "replace", replace)


@pytest.mark.parametrize(("where", "then"), [("copy", "forget"), ("replace", "init")])
def test_a_full_disk_during_the_rewrite_leaves_the_erasure_pending_until_it_completes(
    warehouse, resque, monkeypatch, where, then
):
    """Finding 5b: forget failed after the deletion committed, left the rewrite's WAL and
    refused a second forget as 'nothing was removed'."""
    with monkeypatch.context() as patch:
        _full_disk(where, warehouse, patch)
        first = resque("--db", warehouse, "participants", "forget", who())
    assert first.code == 1 and first.err.count("\n") == 1
    assert first.err.startswith("resque: error: ") and "No space left on device" in first.err
    assert "the erasure is recorded" in first.err and who() not in first.err
    assert query(warehouse, "select count(*) from participants where participant_id = ?", [who()])
    assert scratch(warehouse.parent) == []
    assert pending(warehouse) == 1
    if then == "forget":
        second = resque("--db", warehouse, "participants", "forget", who())
        assert second.code == 0, second.err
        assert "0 profile(s)" in second.out and "1 forgotten before" in second.out
    else:
        assert resque("--db", warehouse, "init").code == 0
    assert_forgotten(warehouse)


def _plant_a_killed_publish(db: Path) -> None:
    """What a publish killed by another process leaves: copies of the snapshot, people in."""
    target = snapshot_path(db)
    folder = target.with_name(f"{db.stem}.analytics.parquet")
    shutil.copy(target, target.with_name(f".{target.name}.{DEAD_PID}.tmp"))
    Path(f"{target.with_name(f'.{target.name}.{DEAD_PID}.tmp')}.wal").write_bytes(
        target.read_bytes()[: 1 << 16] + who().encode()
    )
    for suffix in ("tmp", "old"):
        shutil.copytree(folder, folder.with_name(f".{folder.name}.{DEAD_PID}.{suffix}"))


@pytest.mark.parametrize("then", ["publish", "forget", "init"])
def test_a_killed_publish_leaves_no_copy_after_the_next_publish_forget_or_init(
    warehouse, resque, then
):
    """Finding 6: a killed publish's `.tmp` copies (and their WAL) stayed for ever."""
    _plant_a_killed_publish(warehouse)
    assert len(scratch(warehouse.parent)) == 4
    if then == "publish":
        with opened(warehouse) as con:
            publish_snapshot(con, warehouse)
    else:
        args = ["participants", "forget", who()] if then == "forget" else ["init"]
        assert resque("--db", warehouse, *args).code == 0
    assert scratch(warehouse.parent) == []


def _stop_at(step: str, db: Path, patch: pytest.MonkeyPatch) -> None:
    """Stop the process at a named step, or ('rename') as the copy is put in place."""
    if step == "rename":  # main's rewrite has this step too
        real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            if Path(dst) == db:
                raise Stopped(step)
            return real_replace(src, dst, *args, **kwargs)

        patch.setattr(os, "replace", replace)
        return

    def stop(name: str) -> None:
        if name == step:
            raise Stopped(name)

    on_fault_point(stop, patch)


@pytest.mark.parametrize("step", ["erasure.pending", "snapshot.parquet", "rename"])
def test_an_erasure_stopped_at_a_step_completes_at_the_next_writable_open(
    warehouse, resque, monkeypatch, step
):
    """Finding 5a without kill -9: stopped after the deletion committed, before the snapshot,
    in the publish or as the fresh copy was about to replace the file, the next command
    finishes the erasure (and removes the scratch copies)."""
    _plant_a_killed_publish(warehouse)
    with monkeypatch.context() as patch:
        _stop_at(step, warehouse, patch)
        with pytest.raises(Stopped):
            resque("--db", warehouse, "participants", "forget", who())
    assert not query(warehouse, "select 1 from participants where participant_id = ?", [who()])
    assert resque("--db", warehouse, "init").code == 0
    assert_forgotten(warehouse)


def test_without_a_snapshot_publisher_the_erasure_stays_pending(warehouse, resque, monkeypatch):
    """db.py republishes through the function the package registers (it cannot import
    snapshot.py, which imports it): without one the file is not rewritten, since the
    rewrite clears the marker while the old snapshot still holds the person."""
    from resque.warehouse import db as warehouse_db

    with monkeypatch.context() as patch:
        patch.setattr(warehouse_db, "_republish", None)
        failed = resque("--db", warehouse, "participants", "forget", who())
    assert failed.code == 1 and "no snapshot publisher registered" in failed.err
    assert pending(warehouse) == 1
    still = "select count(*) from participants where participant_id = ?"
    assert query(snapshot_path(warehouse), still, [who()]) == [(1,)]
    assert resque("--db", warehouse, "init").code == 0
    assert_forgotten(warehouse)


def test_a_writer_finds_the_lock_taken_and_says_so_in_one_line(warehouse, resque, held_open):
    """A second writing process is refused at once while a command holds the writer lock."""
    holder = held_open(warehouse, "lock")
    refused = resque("--db", warehouse, "init")
    reading = resque("--db", warehouse, "status")
    holder.kill()
    holder.wait()
    assert refused.code == 1 and refused.err.count("\n") == 1
    assert "in use by another process" in refused.err
    assert reading.code == 1 and "in use by another process" in reading.err  # DuckDB's lock
    assert resque("--db", warehouse, "init").code == 0  # a killed holder leaves no lock behind


def test_retention_in_the_nightly_flow_republishes_and_rewrites(warehouse):
    """Retention uses the same marker: snapshot and file lose the person when it closes."""
    from resque import flows

    with opened(warehouse) as con:
        con.execute(
            "update participants set updated_at = timestamp '2024-01-01' where participant_id = ?",
            [who()],
        )
    assert flows.retention.fn(str(warehouse), 12)["participants"] == 1
    assert_forgotten(warehouse)


def test_a_migration_that_deletes_personal_data_is_rewritten_after_a_stop(tmp_path, monkeypatch):
    """A REWRITE_MARKER migration sets the marker in its own transaction: a stop before the
    rewrite does not leave the deleted rows in the file for good."""
    from resque.warehouse import db as warehouse_db

    path = tmp_path / "w.duckdb"
    bundled = warehouse_db._migration_files()
    store = (900, "0900_notes.sql", "create table notes (text varchar);")
    monkeypatch.setattr(warehouse_db, "_migration_files", lambda: [*bundled, store])
    with opened(path) as con:
        con.execute("insert into notes select 'ZQX-SECRET-' || range from range(2000)")
    erase = (901, "0901_erase.sql", f"delete from notes;\n{warehouse_db.REWRITE_MARKER}\n")
    monkeypatch.setattr(warehouse_db, "_migration_files", lambda: [*bundled, store, erase])
    with monkeypatch.context() as patch:
        _stop_at("erasure.pending", path, patch)
        with pytest.raises(Stopped):
            opened(path).__enter__()
    assert b"ZQX-SECRET" in path.read_bytes() and pending(path) == 1
    with opened(path) as con:
        assert con.execute("select count(*) from notes").fetchall() == [(0,)]
    assert b"ZQX-SECRET" not in path.read_bytes() and pending(path) == 0


def test_a_killed_writer_leaves_no_lock_behind_even_with_forked_children(warehouse, resque):
    """The ranker forks workers while it writes; one outliving a killed writer (kill -9 of
    `resque match`) must not keep the warehouse locked, as an inherited flock would."""
    hold = (
        "import os, sys, time; from resque.warehouse.db import opened\n"
        "with opened(sys.argv[1]):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n        time.sleep(60); os._exit(0)\n"
        "    print(child, flush=True); time.sleep(60)\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", hold, str(warehouse)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=warehouse.parent,  # outside the checkout: the installed package, not a folder
    )
    child = int(writer.stdout.readline())
    try:
        writer.kill()
        writer.wait()
        after = resque("--db", warehouse, "init")
    finally:
        os.kill(child, signal.SIGKILL)
    assert after.code == 0, after.err

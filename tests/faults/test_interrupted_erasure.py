"""An erasure or a snapshot publish killed (SIGKILL) at any step: after the next normal
writable command, no file under the warehouse's folder holds the forgotten person.

Each case kills `resque participants forget` (or a bare publish) at a named step
(tests/faults/kill_at.py), runs another command, then searches every file under the folder,
dot-files, WALs, scratch copies and Parquet included, for the person's pseudonym, source id
and a free-text value of their profile.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resque.warehouse.db import opened
from resque.warehouse.snapshot import publish_snapshot, snapshot_path
from tests.conftest import query
from tests.erasure_support import FREE_TEXT, leaks, needles, pending, scratch, who
from tests.faults.conftest import run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

# (step the forget is killed at, the command run next)
FORGET_KILLED = [
    ("erasure.pending", "import"),  # the deletion committed, nothing else done
    ("rewrite.copy", "init"),  # the snapshot republished, the copy not begun
    ("rewrite.copying", "import"),  # during the copy
    ("rewrite.copied", "forget"),  # the copy whole, not yet in place
    ("rename", "import"),  # synced, renamed over the warehouse at this moment
    ("rewrite.replaced", "import"),  # in place, the rename not yet synced
    ("snapshot.copying", "init"),  # during the snapshot's table copy
    ("snapshot.parquet", "import"),  # tables copied, Parquet not begun
    ("snapshot.writing", "forget"),  # during the Parquet write
    ("snapshot.rename", "init"),  # before the renames
    ("snapshot.swap", "import"),  # the snapshot file renamed, the Parquet folder not
    ("snapshot.swapped", "forget"),  # after the renames
]
PUBLISH_KILLED = [("snapshot.copying", "init"), ("snapshot.writing", "forget"),
                  ("snapshot.swap", "import")]  # fmt: skip


@pytest.fixture(scope="module")
def published(filled_db, tmp_path_factory) -> Path:
    """The samples' warehouse with its snapshot, in a folder of its own."""
    db = Path(shutil.copy(filled_db, tmp_path_factory.mktemp("published") / "w.duckdb"))
    with opened(db) as con:
        publish_snapshot(con, db)
    return db


@pytest.fixture
def warehouse(published, tmp_path) -> Path:
    """A private copy of that folder; the person is readable in it."""
    folder = Path(shutil.copytree(published.parent, tmp_path / "warehouse"))
    found = {text for _, text in leaks(folder, [who(), FREE_TEXT])}
    assert found == {who(), FREE_TEXT}
    return folder / published.name


def killed(step: str, *args: str | Path) -> subprocess.CompletedProcess:
    """Run `kill_at STEP ARGS` (a resque command or 'publish DB')."""
    return subprocess.run(
        [sys.executable, "-m", "tests.faults.kill_at", step, *map(str, args)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


def next_command(kind: str, db: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """A normal writable command: an import, `init`, or forgetting the person (again)."""
    if kind == "import":
        late = tmp_path / "late.csv"
        late.write_text("Referenznummer;Stellentitel\nLATE-1;Koch\n", encoding="utf-8")
        return run("--db", db, "import", "vacancies", late, "--source", "late")
    if kind == "forget":
        return run("--db", db, "participants", "forget", who())
    return run("--db", db, "init")


def assert_forgotten(db: Path) -> None:
    """Not a byte of the person under the folder; nothing pending, no scratch copy left."""
    assert leaks(db.parent, needles()) == []
    assert scratch(db.parent) == []
    assert pending(db) == 0
    assert query(db, "select count(*) from participants where participant_id = ?", [who()]) == [
        (0,)
    ]
    assert query(snapshot_path(db), "select count(*) from participants")[0][0] > 0


@pytest.mark.parametrize(("step", "then"), FORGET_KILLED)
def test_forget_killed_at_a_step_leaves_nothing_of_the_person_after_the_next_command(
    warehouse, tmp_path, step, then
):
    """Finding 5a: after a kill -9 during the rewrite the pseudonym stayed in the file."""
    stopped = killed(step, "resque", "--db", warehouse, "participants", "forget", who())
    assert stopped.returncode == -9, f"not killed at {step}: {stopped.stderr}"
    after = next_command(then, warehouse, tmp_path)
    assert after.returncode == 0, after.stderr
    assert_forgotten(warehouse)


@pytest.mark.parametrize(("step", "then"), PUBLISH_KILLED)
def test_a_publish_killed_at_a_step_leaves_no_copy_after_the_next_command(
    warehouse, tmp_path, step, then
):
    """Finding 6: a killed publish's copies, people in them, stayed beside the warehouse."""
    stopped = killed(step, "publish", warehouse)
    assert stopped.returncode == -9, f"not killed at {step}: {stopped.stderr}"
    assert scratch(warehouse.parent)
    after = next_command(then, warehouse, tmp_path)
    assert after.returncode == 0, after.stderr
    assert scratch(warehouse.parent) == []
    if then == "forget":
        assert_forgotten(warehouse)

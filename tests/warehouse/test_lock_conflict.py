"""A warehouse another process holds open (an analyst's Python session) is one line at once.

It is no network fault: nothing waits or retries (flows.py ends the run; see test_flows).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from resque.errors import ResqueError
from resque.warehouse.db import WarehouseInUse, check_writable, connect, opened


@pytest.fixture
def held(tmp_path: Path, held_open) -> tuple[Path, int]:
    """A warehouse file a second process holds open read-only until the test ends."""
    db = tmp_path / "w.duckdb"
    with opened(db):
        pass
    return db, held_open(db, "read").pid


def test_a_writer_meets_the_lock_as_one_line_naming_file_holder_and_what_to_do(held):
    db, pid = held
    with pytest.raises(WarehouseInUse) as caught:
        opened(db).__enter__()
    line = str(caught.value)
    assert isinstance(caught.value, ResqueError) and "\n" not in line
    assert line.startswith(f"{db}: the database is in use by another process")
    program = Path(sys.executable).resolve()  # DuckDB names the binary a venv links to
    assert f"({program.name}, PID {pid})" in line and "close that session" in line
    assert str(program.parent) not in line  # its folder may name a person


def test_readers_share_the_file(held):
    db, _ = held
    with connect(db, read_only=True) as con:
        assert con.execute("select count(*) from schema_migrations").fetchone()[0] > 0


def test_resque_says_so_and_exits_1(held, resque):
    db, _ = held
    result = resque("--db", db, "init")
    assert result.code == 1 and result.err.count("\n") == 1
    assert "in use by another process" in result.err and "close that session" in result.err


def test_the_early_check_names_the_holder_and_keeps_no_lock(held, tmp_path):
    db, pid = held
    with pytest.raises(WarehouseInUse, match=f"PID {pid}"):
        check_writable(db)
    free = tmp_path / "free.duckdb"
    check_writable(free)  # a file not yet made is nobody's, and is not made by the check
    assert not free.exists()
    with opened(free):  # the check let go of the writer lock
        pass
    check_writable(free)


def test_the_early_check_meets_another_resque_writer(tmp_path, held_open):
    db = tmp_path / "w.duckdb"
    writer = held_open(db, "lock")  # another resque command inside opened()
    with pytest.raises(WarehouseInUse, match="another resque command writes to it"):
        check_writable(db)
    writer.stdin.close()
    writer.wait(timeout=60)
    check_writable(db)  # free again once the writer is done

"""Shared fixtures: a scratch warehouse, the CLI run in-process, table dumps for comparisons."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a warehouse file that does not exist yet."""
    return tmp_path / "test.duckdb"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's RESQUE_* settings."""
    for name in ("RESQUE_DB", "RESQUE_CONFIG", "RESQUE_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def filled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse filled once per test session by `resque run` on the bundled samples."""
    db = tmp_path_factory.mktemp("samples") / "samples.duckdb"
    assert cli.main(["--db", str(db), "run"]) == 0
    return db


@pytest.fixture
def sample_db(filled_db: Path, tmp_path: Path) -> Path:
    """A private copy of the filled warehouse, free to change."""
    return Path(shutil.copy(filled_db, tmp_path / "samples.duckdb"))


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def resque(capsys: pytest.CaptureFixture[str]):
    """Run `resque ARGS` in this process; returns exit code, stdout and stderr."""

    def run(*args: str | Path) -> CliResult:
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def dump_tables(db_path: Path, skip: tuple[str, ...] = ("runs",)) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, to compare a warehouse before and after a step."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {
            name: sorted(map(repr, con.execute(f'select * from "{name}"').fetchall()))
            for name in sorted(names)
            if name not in skip
        }
    finally:
        con.close()


def query(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a read-only query against a test warehouse."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()

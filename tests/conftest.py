"""Shared fixtures: a scratch warehouse, the CLI run in-process, table dumps for comparisons."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from resque import cli
from resque.pipelines.config import ENV_PREFIX, ConfigFile

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SAMPLES = ROOT / "samples"
# The pseudonym key of every test (a made-up constant, used nowhere else), so that tests and
# the processes they start never read or create the developer's key in ~/.config.
TEST_KEY = "0123456789abcdef" * 4
KEY_ENV = ("RESQUE_PSEUDONYM_KEY", "RESQUE_PSEUDONYM_KEY_FILE", "XDG_CONFIG_HOME")
# A developer's RESQUE_<TABLE>__<KEY> settings (pipelines/config.py) must not reach the tests.
CONFIG_TABLE_VARIABLES = {
    ENV_PREFIX + (info.alias or name).upper() for name, info in ConfigFile.model_fields.items()
}
# Where resque's own code logs (the CLI's "resque" and the module loggers under it,
# "resque.pipelines.importer" and the like), and where the Prefect flows log their tasks' counts.
PROJECT_LOGGERS = ("resque", "prefect.flow_runs", "prefect.task_runs")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a warehouse file that does not exist yet."""
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session", autouse=True)
def _test_key(tmp_path_factory: pytest.TempPathFactory):
    """The test key for the whole session (session fixtures such as filled_db import too),
    and a scratch XDG_CONFIG_HOME, so no default key is ever read from or made in ~/.config."""
    saved = {name: os.environ.get(name) for name in KEY_ENV}
    os.environ["RESQUE_PSEUDONYM_KEY"] = TEST_KEY
    os.environ.pop("RESQUE_PSEUDONYM_KEY_FILE", None)
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg-config"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's RESQUE_* settings; each test starts with the test key."""
    for name in ("RESQUE_DB", "RESQUE_CONFIG", "RESQUE_DEBUG", "RESQUE_PSEUDONYM_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):  # config settings: RESQUE_MATCH__TOP and the like
        if name.upper().split("__")[0] in CONFIG_TABLE_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.setenv("RESQUE_PSEUDONYM_KEY", TEST_KEY)


def schema_before(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Apply the migrations older than `version` (recorded as applied): a warehouse as an
    older release left it, for a test of migration `version`'s data step."""
    from resque.warehouse.db import _migration_files, applied_versions

    applied_versions(con)
    for number, name, text in _migration_files():
        if number < version:
            con.execute(text)
            con.execute(
                "insert into schema_migrations values (?, ?, 'x', now()::timestamp)",
                [number, name],
            )


def pseudonym_of(source_id: str) -> str:
    """The pseudonym tests expect for a source id (made with the test key)."""
    from resque.matching.privacy import pseudonym

    return pseudonym(source_id, bytes.fromhex(TEST_KEY))


class _Records(logging.Handler):
    """Appends every record it is handed to a list."""

    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Every record resque's loggers emit (at DEBUG) and any other at WARNING or above.

    One handler on the root logger, one on 'prefect': `resque run` filters Prefect's records
    out of the root logger's handlers (cli._NotPrefect), yet the flows log there.
    """
    records: list[logging.LogRecord] = []
    hooks = [(logging.getLogger(name), _Records(records)) for name in ("", "prefect")]
    loggers = [logging.getLogger(name) for name in PROJECT_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger, handler in hooks:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger, handler in hooks:
            logger.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@dataclass
class FilledRun:
    """The session's `resque run` on the samples: the warehouse, its log records and output."""

    db: Path
    records: list[logging.LogRecord] = field(default_factory=list)
    output: str = ""


def _record_to_json(record: logging.LogRecord) -> dict:
    """What a test reads of a log record (logger, level, message, traceback), as JSON."""
    exc_text = record.exc_text
    if record.exc_info and not exc_text:
        exc_text = logging.Formatter().formatException(record.exc_info)
    return {
        "name": record.name,
        "levelno": record.levelno,
        "levelname": record.levelname,
        "msg": record.getMessage(),
        "exc_text": exc_text,
    }


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this test session sees (the session's own otherwise)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The folder `name` as `build(folder)` left it, built once for every xdist worker.

    The first worker to ask builds it under a file lock; the others wait and share it, so
    the built files are read-only (copy them to change them). `build` writes `done` last.
    """
    folder = _shared_folder(tmp_path_factory) / name
    folder.mkdir(exist_ok=True)
    with (folder / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / "done").exists():
            build(folder)
            (folder / "done").touch()
    return folder


def _run_samples(folder: Path) -> None:
    """`resque run` on the bundled samples into `folder`, its logs and output saved beside."""
    # Prefect sets up logging when first imported, replacing the root logger's handlers:
    # that must happen before the capture starts (collecting tests/test_flows.py imports it
    # anyway)
    from resque import flows  # noqa: F401

    db = folder / "samples.duckdb"
    out, err = io.StringIO(), io.StringIO()
    with (
        captured_logs() as records,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = cli.main(["--db", str(db), "run"])
    assert code == 0, err.getvalue()
    saved = {
        "records": [_record_to_json(r) for r in records],
        "output": out.getvalue() + err.getvalue(),
    }
    (folder / "run.json").write_text(json.dumps(saved), encoding="utf-8")


@pytest.fixture(scope="session")
def filled_run(tmp_path_factory: pytest.TempPathFactory) -> FilledRun:
    """`resque run` on the bundled samples, once per test session, its logs captured.

    Once for all xdist workers, not once per worker: the first to need it runs it under a
    file lock and the others read its result (a run with Prefect's start-up is the suite's
    dearest set-up). Tests read the warehouse only; `sample_db` copies it for changes.
    """
    folder = built_once(tmp_path_factory, "samples-run", _run_samples)
    saved = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    records = [logging.makeLogRecord(r) for r in saved["records"]]
    return FilledRun(folder / "samples.duckdb", records, saved["output"])


@pytest.fixture(scope="session")
def filled_db(filled_run: FilledRun) -> Path:
    """A warehouse filled once per test session by `resque run` on the bundled samples."""
    return filled_run.db


@pytest.fixture
def sample_db(filled_db: Path, tmp_path: Path) -> Path:
    """A private copy of the filled warehouse, free to change."""
    return Path(shutil.copy(filled_db, tmp_path / "samples.duckdb"))


@pytest.fixture(scope="session")
def matched_db(filled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse with the sample participants and one (unapproved) match run,
    built once per test session; read-only (see `matched_copy`)."""

    def build(folder: Path) -> None:
        db = Path(shutil.copy(filled_db, folder / "matched.duckdb"))
        if query(db, "select count(*) from participants")[0][0] == 0:
            profiles = SAMPLES / "teilnehmende_kompetenzanalyse.csv"
            assert cli.main(["--db", str(db), "import", "participants", str(profiles)]) == 0
        assert cli.main(["--db", str(db), "match"]) == 0

    return built_once(tmp_path_factory, "samples-matched", build) / "matched.duckdb"


@pytest.fixture
def matched_copy(matched_db: Path, tmp_path: Path) -> Path:
    """A private copy of the matched warehouse, free to change."""
    return Path(shutil.copy(matched_db, tmp_path / "matched.duckdb"))


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


# How a second process holds a warehouse open: a read-only DuckDB connection (an analyst's
# session), a write transaction left open, or resque's own writer lock (`opened`).
HOLDS = {
    "read": "con = duckdb.connect(path, read_only=True)",
    "write": (
        "con = duckdb.connect(path)\n"
        "con.execute('begin transaction')\n"
        "con.execute('update postings set last_seen = last_seen')"
    ),
    "lock": "from resque.warehouse.db import opened\nheld = opened(path)\ncon = held.__enter__()",
}


@pytest.fixture
def held_open() -> Iterator[Callable[..., subprocess.Popen]]:
    """`held_open(db, how)` starts a process holding `db` open as HOLDS[how] says, and
    returns once it does; the process is killed when the test ends, if the test has not."""
    holders: list[subprocess.Popen] = []

    def hold(db: Path, how: str = "read") -> subprocess.Popen:
        code = (
            f"import sys, duckdb\npath = sys.argv[1]\n{HOLDS[how]}\n"
            "print('holding', flush=True)\nsys.stdin.read()\n"
        )
        holder = subprocess.Popen(
            [sys.executable, "-c", code, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(db).parent,  # outside the checkout: the installed package, not a folder
        )
        holders.append(holder)
        assert holder.stdout.readline().strip() == "holding"
        return holder

    yield hold
    for holder in holders:
        holder.kill()
        holder.wait()


def run_cli(*args: str | Path) -> CliResult:
    """`resque ARGS` in this process, its output captured, where no `capsys` is (a module
    or session fixture)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return CliResult(code, out.getvalue(), err.getvalue())


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

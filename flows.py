"""Prefect flows: the nightly run and the monthly employer-service export. Wiring only.

Each task opens the warehouse, calls one function of the packages (which records its
`runs` row as usual), logs its counts to Prefect and closes the warehouse again; the
flows call the tasks in order and decide nothing but what runs next.

- `nightly`: crawl each enabled spider source (each its own task and OS process; retried,
  since the network is involved; a failed crawl is reported and the others go on), import
  the configured file sources and the files waiting in the inbox, merge near-duplicates,
  learn occupations from the labelled postings and label the others, rank matches, and
  publish the analysts' snapshot. A failed step leaves its `runs` row and the flow run ends
  as failed, naming the failed steps, after all other steps ran. The run has its own `runs`
  row (kind 'run', warehouse/nights.py), opened first and closed just before the publish
  (so the snapshot holds the finished night; a failed publish re-closes it as failed);
  every step's row names it in `parent_run_id`, which is how `resque status` shows last
  night as a whole.
- `employer_service_monthly`: write the month's list for the employer service from the
  approved match run.

`resque serve` serves both on cron schedules (`[schedule]` in the config); `resque run`
runs `nightly` once in-process.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from resque.errors import ResqueError
from resque.pipelines.config import (
    DEFAULT_SETTLE_SECONDS,
    DEFAULT_TOP,
    Config,
    config_path,
    db_path,
    load_config,
)
from resque.pipelines.crawl import crawl_source
from resque.pipelines.importer import import_file
from resque.pipelines.inbox import clear_expired, import_inbox_file, pending_files
from resque.pipelines.steps import StepResult
from resque.reports.employer_service import export_employer_service
from resque.warehouse.db import WarehouseInUse, opened, sql
from resque.warehouse.erasure import apply_retention
from resque.warehouse.linkage import run_dedup
from resque.warehouse.nights import close_night, fail_night, open_night
from resque.warehouse.occupations import label_postings
from resque.warehouse.ranking import run_matching
from resque.warehouse.runs import within
from resque.warehouse.snapshot import publish_snapshot


def _prefect_home_is_users() -> bool:
    """The user configured Prefect: leave its home and profiles as they are."""
    names = ("PREFECT_API_URL", "PREFECT_HOME", "PREFECT_PROFILES_PATH")
    return any(os.environ.get(n) for n in names) or (Path.home() / ".prefect").is_dir()


def _throwaway_home() -> str:
    """A PREFECT_HOME for this process only, removed at exit (after the ephemeral API, whose
    exit hook is registered later and so runs first)."""
    home = tempfile.mkdtemp(prefix="resque-prefect-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


# Prefect creates its home folder (~/.prefect) the moment it is imported, and reports usage
# unless told not to: both are settled here, before the imports below.
os.environ.setdefault("DO_NOT_TRACK", "1")
EPHEMERAL_HOME = _throwaway_home()
if "prefect" not in sys.modules and not _prefect_home_is_users():
    os.environ["PREFECT_HOME"] = EPHEMERAL_HOME

from prefect import flow, get_run_logger, serve, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.exceptions import MissingContextError  # noqa: E402
from prefect.logging.handlers import PrefectConsoleHandler  # noqa: E402
from prefect.schedules import Cron, Schedule  # noqa: E402
from prefect.settings import get_current_settings, temporary_settings  # noqa: E402
from prefect.states import State  # noqa: E402
from prefect.types.entrypoint import EntrypointType  # noqa: E402

log = logging.getLogger(__name__)
NIGHTLY, MONTHLY = "nightly", "employer-service-monthly"


class NightlyRunFailed(ResqueError):
    """Some steps of the nightly run failed; `summary` holds what every step did."""

    def __init__(self, summary: dict[str, Any]):
        failed = [f"{s['step']} {s['name']}".strip() for s in summary["steps"] if s["error"]]
        super().__init__(f"{len(failed)} step(s) failed: {', '.join(failed)}")
        self.summary = summary


def _logger() -> logging.Logger | logging.LoggerAdapter:
    """Prefect's run logger inside a run; the module logger when a task's .fn() is called."""
    try:
        return get_run_logger()
    except MissingContextError:
        return log


def _counts(result: StepResult) -> str:
    return f"{result.source}: {result.counts.as_dict()} [run {result.run_id}]"


# --- running flows in this process -----------------------------------------------------------

# Prefect's own 20 s is too short for its temporary API on a 2-core machine under load
# (start-ups of 16-29 s were measured); PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS wins.
STARTUP_TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
DEFAULT_STARTUP_TIMEOUT = 120
EPHEMERAL_TIMEOUT = "Timed out while attempting to connect to ephemeral Prefect API server"
NEEDS_A_SERVER = (
    "start one with 'prefect server start' and set PREFECT_API_URL=http://127.0.0.1:4200/api"
)


class _ToResque(logging.Handler):
    """Hands Prefect's records to the `resque` logger's handlers: with -v they print beside
    resque's own lines; otherwise this handler's level lets none through (and, being there,
    keeps Python's last-resort handler from printing Prefect's failure tracebacks)."""

    def emit(self, record: logging.LogRecord) -> None:
        for handler in logging.getLogger("resque").handlers:
            if record.levelno >= handler.level:
                handler.handle(record)


def _route_prefect_logs(verbose: bool) -> None:
    """Prefect's lines go where resque's go, with -v only; its console on the root logger
    (set up when Prefect was imported) is removed, so the root logger stays quiet."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, PrefectConsoleHandler):
            root.removeHandler(handler)
    prefect_log = logging.getLogger("prefect")
    routes = [h for h in prefect_log.handlers if isinstance(h, _ToResque)]
    route = routes[0] if routes else _ToResque()
    route.setLevel(logging.INFO if verbose else logging.CRITICAL + 1)
    if not routes:
        prefect_log.addHandler(route)


def _ephemeral_settings() -> dict[str, Any]:
    """Prefect's temporary API: in memory, throw-away home, no usage reports, time to start."""
    timeout = os.environ.get(STARTUP_TIMEOUT_VARIABLE, "")
    return {
        "home": EPHEMERAL_HOME,
        "server.ephemeral.enabled": True,
        "server.ephemeral.startup_timeout_seconds": (
            int(timeout) if timeout.strip().isdigit() else DEFAULT_STARTUP_TIMEOUT
        ),
        "server.database.connection_url": "sqlite+aiosqlite:///:memory:",
        "server.analytics_enabled": False,
    }


@contextlib.contextmanager
def prefect_runtime(verbose: bool = False) -> Iterator[None]:
    """Settings for flow runs in this process (`resque run`, tests).

    With a Prefect server configured (PREFECT_API_URL) the runs report to it. Otherwise
    Prefect starts its ephemeral API (a local subprocess, some seconds) on an in-memory
    database with a throw-away PREFECT_HOME, so nothing is left in ~/.prefect, and
    telemetry off. An API that does not come up in time is one line saying what to do.
    """
    _route_prefect_logs(verbose)
    if get_current_settings().api.url:
        yield
        return
    settings = _ephemeral_settings()
    try:
        with temporary_settings(updates=settings):
            yield
    except RuntimeError as exc:
        if EPHEMERAL_TIMEOUT not in str(exc):
            raise
        seconds = settings["server.ephemeral.startup_timeout_seconds"]
        raise ResqueError(
            f"Prefect's temporary API server did not start within {seconds} s: set "
            f"{STARTUP_TIMEOUT_VARIABLE} higher (e.g. 300), or {NEEDS_A_SERVER}"
        ) from exc
    finally:
        # runs before the ephemeral API's own exit hook, whose goodbye line would go to a
        # console stream that may be closed by then
        atexit.register(logging.getLogger("prefect").setLevel, logging.WARNING)


# --- tasks ------------------------------------------------------------------------------------


def _not_a_lock(task, task_run, state: State) -> bool:
    """Retry a crawl unless the warehouse was locked: the network may come back within the
    retry delay, another process holding the file open (an analyst's session) waits for
    a person, so the run fails at once saying so (see `nightly`)."""
    return not isinstance(state.result(raise_on_failure=False), WarehouseInUse)


def _inbox_run_name() -> str:
    """'inbox-Liste_2026-12.csv': the file's name, not its folder's path."""
    from prefect.runtime import task_run

    return f"inbox-{Path(task_run.parameters['file']).name}"


def _started(con, step: str, what: str) -> None:
    """'dedup: started (12,345 postings)' under -v: a long step does not start in silence.

    The -v lines name the task run ('dedup'), so inside a run the message leaves it out.
    """
    postings, active, vacancies, _ = con.execute(sql("run_totals")).fetchone()
    count = {"postings": postings, "active postings": active, "vacancies": vacancies}[what]
    logger = _logger()
    label = "" if isinstance(logger, logging.LoggerAdapter) else f"{step}: "
    logger.info("%sstarted (%s %s)", label, f"{count:,}", what)


# Task runs are named after their step and source ('crawl-ba_jobsuche', 'import-messe') in
# Prefect's UI and in the -v lines, not after the task and a hash ('crawl-dfa').


@task(name="crawl", task_run_name="crawl-{source}", retry_condition_fn=_not_a_lock,
      cache_policy=NO_CACHE)  # fmt: skip
def crawl(db: str, config: str, source: str) -> StepResult:
    """Crawl one spider source in its own process and load what it found."""
    settings = load_config(Path(config)).sources[source]
    with opened(db) as con:
        result = crawl_source(con, settings)
    _logger().info("crawl %s", _counts(result))
    return result


@task(name="import-source", task_run_name="import-{source}", cache_policy=NO_CACHE)
def import_source(db: str, config: str, source: str) -> StepResult:
    """Import one configured file source."""
    loaded = load_config(Path(config))
    settings = loaded.sources[source]
    with opened(db) as con:
        result = import_file(
            con,
            settings.path,
            entity=settings.entity,
            source=settings.name,
            overrides=settings.map,
            snapshot=settings.snapshot,
            sheet=settings.sheet,
            defaults=settings.defaults,
            key_file=loaded.key_file,
            max_shrink=loaded.shrink_limit(source),
        )
    _logger().info("import %s", _counts(result))
    return result


@task(name="list-inbox", task_run_name="list-inbox", cache_policy=NO_CACHE)
def list_inbox(folder: str, settle: float = DEFAULT_SETTLE_SECONDS) -> list[str]:
    """The files waiting in the inbox folder that held still for `settle` seconds."""
    files = [str(p) for p in pending_files(Path(folder), settle)]
    _logger().info("inbox %s: %d file(s) waiting", folder, len(files))
    return files


@task(name="import-inbox-file", task_run_name=_inbox_run_name, cache_policy=NO_CACHE)
def import_inbox(db: str, config: str, file: str) -> StepResult:
    """Import one inbox file and move it to done/ or failed/."""
    with opened(db) as con:
        result = import_inbox_file(con, Path(file), load_config(Path(config)))
    _logger().info("inbox %s: %s", Path(file).name, _counts(result))
    return result


@task(name="retention", task_run_name="retention", cache_policy=NO_CACHE)
def retention(db: str, months: int | None, inbox: str | None = None) -> dict[str, Any]:
    """Forget participants no import confirmed within the retention period.

    Closing the warehouse republishes the snapshot and rewrites the file without them.
    The inbox's done/ and failed/ files older than that period are deleted too.
    """
    with opened(db) as con:
        counts = apply_retention(con, months)
    if inbox is not None:
        counts["inbox_files"] = clear_expired(Path(inbox), months)
    _logger().info("retention (%s months): %s", months, counts)
    return counts


@task(name="dedup", task_run_name="dedup", cache_policy=NO_CACHE)
def dedup(db: str) -> dict[str, Any]:
    """Merge new and changed postings into vacancies (incremental)."""
    with opened(db) as con:
        _started(con, "dedup", "postings")
        counts = run_dedup(con)
    _logger().info("dedup: %s", counts)
    return counts


@task(name="occupations", task_run_name="occupations", cache_policy=NO_CACHE)
def occupations(db: str) -> dict[str, Any]:
    """Retrain the occupation model on the labelled postings and label every posting."""
    with opened(db) as con:
        _started(con, "occupations", "postings")
        counts = label_postings(con)
    _logger().info("occupations: %s", counts)
    return counts


@task(name="match", task_run_name="match", cache_policy=NO_CACHE)
def match(db: str, top: int = DEFAULT_TOP) -> dict[str, Any]:
    """Rank the active vacancies for every active participant, keeping `top` for each."""
    with opened(db) as con:
        _started(con, "match", "vacancies")
        counts = run_matching(con, top=top)
    _logger().info("match: %s", counts)
    return counts


@task(name="publish-snapshot", task_run_name="publish-snapshot", cache_policy=NO_CACHE)
def publish(db: str) -> dict[str, Any]:
    """Publish the analysts' read-only copy and Parquet files next to the warehouse."""
    with opened(db) as con:
        counts = publish_snapshot(con, Path(db))
    _logger().info(
        "snapshot %s: %s rows in %d tables", counts["path"], counts["rows"], len(counts["tables"])
    )
    return counts


@task(name="open-run", task_run_name="open-run", cache_policy=NO_CACHE)
def open_run(db: str) -> int:
    """The nightly run's own runs row, before its first step; returns its run id."""
    with opened(db) as con:
        return open_night(con)


@task(name="close-run", task_run_name="close-run", cache_policy=NO_CACHE)
def close_run(db: str, run_id: int, failed: list[str]) -> None:
    """Close the nightly run's row and keep what each source holds now."""
    with opened(db) as con:
        close_night(con, run_id, failed)


@task(name="fail-run", task_run_name="fail-run", cache_policy=NO_CACHE)
def fail_run(db: str, run_id: int, failed: list[str], cause: str) -> None:
    """Re-close the nightly run's row as failed: its snapshot could not be published."""
    with opened(db) as con:
        fail_night(con, run_id, failed, cause)


@task(name="totals", task_run_name="totals", cache_policy=NO_CACHE)
def totals(db: str) -> dict[str, int]:
    """Postings, active postings, vacancies and employers in the warehouse."""
    with opened(db) as con:
        row = con.execute(sql("run_totals")).fetchone()
    counts = dict(zip(("postings", "active_postings", "vacancies", "employers"), row, strict=True))
    _logger().info("warehouse: %s", counts)
    return counts


@task(
    name="export-employer-service", task_run_name="export-employer-service", cache_policy=NO_CACHE
)
def export_list(
    db: str, out: str, month: str, to: str | None, source_names: dict[str, str] | None = None
) -> dict[str, Any]:
    """Write the month's employer-service list from the approved match run."""
    with opened(db) as con:
        summary = export_employer_service(
            con,
            Path(out),
            month=month,
            recipient=to,
            created_by=f"prefect {MONTHLY}",
            source_names=source_names,
        )
    _logger().info("export %s: %s", summary["export_id"], summary)
    return summary


# --- flows ------------------------------------------------------------------------------------


def _outcome(step: str, name: str, state: State) -> dict[str, Any]:
    """What one task did, or why it failed (the failure is logged, the flow goes on).

    A locked warehouse ends the flow at once: every other step would fail the same way.
    """
    if state.is_completed():
        return {"step": step, "name": name, "result": state.result(), "error": None}
    error = state.result(raise_on_failure=False)
    if isinstance(error, WarehouseInUse):
        raise error
    message = str(error) if isinstance(error, Exception) else (state.message or "failed")
    if isinstance(error, Exception) and not isinstance(error, ResqueError):
        message = f"{type(error).__name__}: {error}"
    _logger().error("%s %s failed: %s", step, name, message)
    return {"step": step, "name": name, "result": None, "error": message}


@flow(name=NIGHTLY)
def nightly(config: str | None = None, db: str | None = None) -> dict[str, Any]:
    """Crawl, import, dedup, label occupations, match and publish the snapshot; every step runs.

    Args:
        config: the TOML config (default: $RESQUE_CONFIG, else the bundled samples).
        db: the warehouse file (default: $RESQUE_DB, else the config's).
    Returns:
        {'db', 'steps': [{'step', 'name', 'result', 'error'}], 'totals', 'seconds'}; raises
        NightlyRunFailed (carrying the same summary) after all steps if any step failed.
    """
    clock = time.perf_counter()
    settings = load_config(config_path(config))
    config, db = str(settings.path), str(db_path(db, settings))
    retried = crawl.with_options(
        retries=settings.schedule.crawl_retries,
        retry_delay_seconds=settings.schedule.crawl_retry_delay,
    )
    night = open_run(db)
    with within(night):  # every step's runs row names this run as its parent
        steps = _steps(settings, db, config, retried)
        failed = [f"{s['step']} {s['name']}".strip() for s in steps if s["error"]]
        # closed before the publish, so the snapshot shows the night finished, its verdict
        # and its per-source counts; a publish that fails re-closes it as failed
        close_run(db, night, failed)
        steps.append(_outcome("snapshot", "", publish(db, return_state=True)))
    if steps[-1]["error"]:
        failed.append("snapshot")
        fail_run(db, night, failed, steps[-1]["error"])
    summary = {"db": db, "steps": steps, "totals": totals(db)}
    summary["seconds"] = round(time.perf_counter() - clock, 2)
    if failed:
        raise NightlyRunFailed(summary)
    return summary


def _steps(settings: Config, db: str, config: str, retried) -> list[dict[str, Any]]:
    """Run every step of the nightly run but the publish, in order; what each did (see
    `_outcome`). The flow publishes the snapshot after closing the night's row."""
    spiders, files = _enabled(settings, "spider"), _enabled(settings, "file")
    steps = [_outcome("crawl", n, retried(db, config, n, return_state=True)) for n in spiders]
    steps += [_outcome("import", n, import_source(db, config, n, return_state=True)) for n in files]
    if settings.inbox is not None:
        for file in list_inbox(str(settings.inbox), settings.inbox_settle_seconds):
            state = import_inbox(db, config, file, return_state=True)
            steps.append(_outcome("inbox", Path(file).name, state))
    inbox = str(settings.inbox) if settings.inbox is not None else None
    steps.append(
        _outcome(
            "retention", "", retention(db, settings.retention_months, inbox, return_state=True)
        )
    )
    for step, stage, given in (
        ("dedup", dedup, ()),
        ("occupations", occupations, ()),
        ("match", match, (settings.match_top,)),
    ):
        steps.append(_outcome(step, "", stage(db, *given, return_state=True)))
    return steps


def _enabled(settings: Config, kind: str) -> list[str]:
    """Enabled sources of a kind; file sources without a path come through the inbox only."""
    return [
        n
        for n, s in settings.sources.items()
        if s.enabled and s.type == kind and (kind != "file" or s.path is not None)
    ]


@flow(name=MONTHLY)
def employer_service_monthly(
    config: str | None = None,
    db: str | None = None,
    out: str | None = None,
    month: str | None = None,
    to: str | None = None,
) -> dict[str, Any]:
    """Write this month's employer-service list from the approved match run.

    Args:
        out: folder for the files (default: [export] path, else 'exports' beside the warehouse).
        month: 'YYYY-MM' (default: the current month in the schedule's time zone).
        to: the recipient recorded in `exports` (default: [export] to).
    Returns:
        The export's summary (see reports.employer_service.export_employer_service).
    """
    settings = load_config(config_path(config))
    warehouse = db_path(db, settings)
    folder = out or settings.export.path or warehouse.parent / "exports"
    month = month or dt.datetime.now(ZoneInfo(settings.schedule.timezone)).strftime("%Y-%m")
    return export_list(
        str(warehouse),
        str(folder),
        month,
        to or settings.export.to,
        settings.source_display_names(),
    )


# --- schedules --------------------------------------------------------------------------------


def schedules(settings: Config) -> dict[str, Schedule]:
    """The cron schedule of each flow, in the configured time zone."""
    zone = settings.schedule.timezone
    try:
        return {
            NIGHTLY: Cron(settings.schedule.nightly, timezone=zone),
            MONTHLY: Cron(settings.schedule.monthly, timezone=zone),
        }
    except ValueError as exc:
        raise ResqueError(f"{settings.path}: [schedule]: {exc}") from exc


def deployments(settings: Config, db: Path) -> list:
    """Both flows as deployments with their schedules and this config and warehouse."""
    parameters = {"config": str(settings.path.resolve()), "db": str(Path(db).resolve())}
    planned = schedules(settings)
    return [
        chosen.to_deployment(
            name,
            schedule=planned[name],
            parameters=parameters,
            description=(chosen.description or "").splitlines()[0],
            tags=["resque"],
            entrypoint_type=EntrypointType.MODULE_PATH,  # runs from any working directory
        )
        for name, chosen in ((NIGHTLY, nightly), (MONTHLY, employer_service_monthly))
    ]


def require_server() -> None:
    """`resque serve` needs a Prefect server to schedule on: one line saying how to start it."""
    if not get_current_settings().api.url:
        raise ResqueError(f"serve needs a Prefect server: {NEEDS_A_SERVER}")


def serve_flows(settings: Config, db: Path) -> None:
    """Serve both deployments until interrupted (needs PREFECT_API_URL to a Prefect server)."""
    serve(*deployments(settings, db))

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
  row (kind 'run', warehouse/nights.py), opened first and closed last; every step's row
  names it in `parent_run_id`, which is how `resque status` shows last night as a whole.
- `employer_service_monthly`: write the month's list for the employer service from the
  approved match run.

`resque serve` serves both on cron schedules (`[schedule]` in the config); `resque run`
runs `nightly` once in-process.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, serve, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.schedules import Cron, Schedule
from prefect.states import State
from prefect.types.entrypoint import EntrypointType

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
from resque.warehouse.db import opened, sql
from resque.warehouse.erasure import apply_retention
from resque.warehouse.linkage import run_dedup
from resque.warehouse.nights import close_night, open_night
from resque.warehouse.occupations import label_postings
from resque.warehouse.ranking import run_matching
from resque.warehouse.runs import within
from resque.warehouse.snapshot import publish_snapshot

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


# --- tasks ------------------------------------------------------------------------------------


@task(name="crawl", cache_policy=NO_CACHE)
def crawl(db: str, config: str, source: str) -> StepResult:
    """Crawl one spider source in its own process and load what it found."""
    settings = load_config(Path(config)).sources[source]
    with opened(db) as con:
        result = crawl_source(con, settings)
    _logger().info("crawl %s", _counts(result))
    return result


@task(name="import-source", cache_policy=NO_CACHE)
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


@task(name="list-inbox", cache_policy=NO_CACHE)
def list_inbox(folder: str, settle: float = DEFAULT_SETTLE_SECONDS) -> list[str]:
    """The files waiting in the inbox folder that held still for `settle` seconds."""
    files = [str(p) for p in pending_files(Path(folder), settle)]
    _logger().info("inbox %s: %d file(s) waiting", folder, len(files))
    return files


@task(name="import-inbox-file", cache_policy=NO_CACHE)
def import_inbox(db: str, config: str, file: str) -> StepResult:
    """Import one inbox file and move it to done/ or failed/."""
    with opened(db) as con:
        result = import_inbox_file(con, Path(file), load_config(Path(config)))
    _logger().info("inbox %s: %s", Path(file).name, _counts(result))
    return result


@task(name="retention", cache_policy=NO_CACHE)
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


@task(name="dedup", cache_policy=NO_CACHE)
def dedup(db: str) -> dict[str, Any]:
    """Merge new and changed postings into vacancies (incremental)."""
    with opened(db) as con:
        counts = run_dedup(con)
    _logger().info("dedup: %s", counts)
    return counts


@task(name="occupations", cache_policy=NO_CACHE)
def occupations(db: str) -> dict[str, Any]:
    """Retrain the occupation model on the labelled postings and label every posting."""
    with opened(db) as con:
        counts = label_postings(con)
    _logger().info("occupations: %s", counts)
    return counts


@task(name="match", cache_policy=NO_CACHE)
def match(db: str, top: int = DEFAULT_TOP) -> dict[str, Any]:
    """Rank the active vacancies for every active participant, keeping `top` for each."""
    with opened(db) as con:
        counts = run_matching(con, top=top)
    _logger().info("match: %s", counts)
    return counts


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish(db: str) -> dict[str, Any]:
    """Publish the analysts' read-only copy and Parquet files next to the warehouse."""
    with opened(db) as con:
        counts = publish_snapshot(con, Path(db))
    _logger().info(
        "snapshot %s: %s rows in %d tables", counts["path"], counts["rows"], len(counts["tables"])
    )
    return counts


@task(name="open-run", cache_policy=NO_CACHE)
def open_run(db: str) -> int:
    """The nightly run's own runs row, before its first step; returns its run id."""
    with opened(db) as con:
        return open_night(con)


@task(name="close-run", cache_policy=NO_CACHE)
def close_run(db: str, run_id: int, failed: list[str]) -> None:
    """Close the nightly run's row and keep what each source holds now."""
    with opened(db) as con:
        close_night(con, run_id, failed)


@task(name="totals", cache_policy=NO_CACHE)
def totals(db: str) -> dict[str, int]:
    """Postings, active postings, vacancies and employers in the warehouse."""
    with opened(db) as con:
        row = con.execute(sql("run_totals")).fetchone()
    counts = dict(zip(("postings", "active_postings", "vacancies", "employers"), row, strict=True))
    _logger().info("warehouse: %s", counts)
    return counts


@task(name="export-employer-service", cache_policy=NO_CACHE)
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
    """What one task did, or why it failed (the failure is logged, the flow goes on)."""
    if state.is_completed():
        return {"step": step, "name": name, "result": state.result(), "error": None}
    error = state.result(raise_on_failure=False)
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
    close_run(db, night, failed)
    summary = {"db": db, "steps": steps, "totals": totals(db)}
    summary["seconds"] = round(time.perf_counter() - clock, 2)
    if failed:
        raise NightlyRunFailed(summary)
    return summary


def _steps(settings: Config, db: str, config: str, retried) -> list[dict[str, Any]]:
    """Run every step of the nightly run in order; what each did (see `_outcome`)."""
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
        ("snapshot", publish, ()),
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


def serve_flows(settings: Config, db: Path) -> None:
    """Serve both deployments until interrupted (needs PREFECT_API_URL to a Prefect server)."""
    serve(*deployments(settings, db))

"""Running a configured spider in its own process and loading what it found.

The crawl process (spiders/process.py) writes items and stats to a scratch folder; this side
judges the crawl's health and loads the items through the same store stage as a file
import, as one transaction. A crawl that finds far fewer items than the source's last
good crawl is loaded as 'degraded': its items are upserted but nothing is deactivated, so
a changed site never wipes the previous data. A crawl whose spider found the source's
answers without their results (`SourceSpider.results_missing`) fails: nothing is loaded.
"""

from __future__ import annotations

import json
import logging
import math
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from resque.errors import RESULTS_MISSING_REASON, ResqueError
from resque.pipelines.config import SourceConfig
from resque.pipelines.importer import store
from resque.pipelines.record import record_fields
from resque.pipelines.steps import StepResult, check_source_name
from resque.warehouse.load import RawRows
from resque.warehouse.runs import next_run_id, record_failure, set_error, utcnow

log = logging.getLogger(__name__)
# A crawl with fewer items than this share of the last good crawl is degraded.
DEGRADED_FRACTION = 0.5
PROCESS_TIMEOUT = 6 * 3600
TRACEBACK = "Traceback (most recent call last):"
SCRAPY_ERROR = "] ERROR: "  # Scrapy's log lines: '<time> [<logger>] ERROR: <message>'
CAUSE_LENGTH = 300  # runs.error keeps one readable line, not a page
# Stats Scrapy itself keeps; what remains are the spider's and resque's own counters.
_SCRAPY_STAT_PREFIXES = {
    "downloader",
    "response_received_count",
    "scheduler",
    "log_count",
    "memusage",
    "httpcompression",
    "httperror",
    "retry",
    "robotstxt",
    "item_scraped_count",
    "request_depth_max",
    "feedexport",
    "spidermon",
    "elapsed_time_seconds",
    "start_time",
    "finish_time",
    "finish_reason",
    "item_dropped_count",
    "item_dropped_reasons_count",
    "offsite",
    "urllength",
    "depth",
}


@dataclass
class CrawlOutput:
    """What the crawl process left behind."""

    returncode: int
    stats: dict[str, Any]
    items: list[dict[str, Any]]
    log_tail: list[str]
    cause: str | None = None  # the first line naming what went wrong (`crawl_cause`)


def last_good_item_count(con: duckdb.DuckDBPyConnection, source: str) -> int | None:
    """Items of the source's last crawl that was not degraded or failed."""
    row = con.execute(
        "select rows_in from runs where kind = 'crawl' and source = ? and status = 'succeeded'"
        " order by run_id desc limit 1",
        [source],
    ).fetchone()
    return row[0] if row else None


def crawl_spec(source: SourceConfig, out_dir: Path, min_items: int) -> dict[str, Any]:
    """Everything the crawl process needs, as JSON-able data."""
    args = {key: _spider_arg(value) for key, value in source.args.items()}
    if source.base_url:
        args["base_url"] = source.base_url
    if source.start_urls:
        args["start_urls"] = json.dumps(source.start_urls)
    args["source"] = source.name
    return {
        "spider": source.spider,
        "args": args,
        "settings": source.settings,
        "out_dir": str(out_dir),
        "min_items": min_items,
    }


def _spider_arg(value: Any) -> str:
    """Spider arguments travel as strings (as with `scrapy crawl -a`); lists as JSON."""
    return json.dumps(value) if isinstance(value, list | dict) else str(value)


def run_spider_process(spec: dict[str, Any], timeout: float = PROCESS_TIMEOUT) -> CrawlOutput:
    """Run spiders.crawl in a child process and read its items, stats and log tail."""
    out_dir = Path(spec["out_dir"])
    spec_path = out_dir / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "resque.spiders.process", str(spec_path)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        returncode, stderr = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        returncode, stderr = -9, f"crawl process killed after {timeout:.0f} s"
    stats_path, items_path, log_path = (
        out_dir / n for n in ("stats.json", "items.jsonl", "crawl.log")
    )
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    items = _read_items(items_path)
    lines = (
        log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        if log_path.exists()
        else []
    )
    tail = (lines or stderr.splitlines())[-20:]
    # the whole log, not its tail: the stats dump at the end pushes the error out of the tail
    cause = crawl_cause(lines) or crawl_cause(stderr.splitlines())
    return CrawlOutput(returncode, stats, items, tail, cause)


def crawl_cause(lines: list[str]) -> str | None:
    """The first line naming what went wrong: the exception line ending the log's first
    traceback ('FileNotFoundError: ...'), else the message of its first ERROR line."""
    in_traceback = False
    for line in lines:
        if line.startswith(TRACEBACK):
            in_traceback = True
        elif in_traceback and line.strip() and not line[0].isspace():
            return line.strip()[:CAUSE_LENGTH]
    for line in lines:
        if SCRAPY_ERROR in line and line.split(SCRAPY_ERROR, 1)[1].strip():
            return line.split(SCRAPY_ERROR, 1)[1].strip()[:CAUSE_LENGTH]
    return None


def degraded_cause(output: CrawlOutput, failed_monitors: list[str]) -> str:
    """runs.error of a degraded crawl: its cause, else the health checks it failed."""
    if output.cause:
        return output.cause
    if failed_monitors:
        return f"failed health checks: {', '.join(failed_monitors)}"[:CAUSE_LENGTH]
    return f"the crawl process exited with {output.returncode}"


def _read_items(path: Path) -> list[dict[str, Any]]:
    """Items from the feed; a line cut short by a killed process is skipped."""
    if not path.exists():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError:
            log.warning("skipping a truncated item line in %s", path)
    return items


def crawl_health(output: CrawlOutput, entity: str) -> dict[str, Any]:
    """Requests, responses by status, items, field coverage and monitor verdicts."""
    stats = output.stats
    prefix = "downloader/response_status_count/"
    fields = [f for f in record_fields(entity) if f != "source"]
    coverage = (
        {
            name: round(
                sum(1 for i in output.items if i.get(name) not in (None, "")) / len(output.items), 3
            )
            for name in fields
        }
        if output.items
        else {}
    )
    return {
        "requests": stats.get("downloader/request_count", 0),
        "responses_by_status": {
            k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)
        },
        "items": len(output.items),
        "retries": stats.get("retry/count", 0),
        "errors": stats.get("log_count/ERROR", 0),
        "robots_forbidden": stats.get("robotstxt/forbidden", 0),
        "finish_reason": stats.get("finish_reason"),
        "failed_monitors": stats.get("resque/failed_monitors", []),
        "field_coverage": coverage,
        "returncode": output.returncode,
        # a spider's own counters (unreachable postings, broken JSON-LD blocks, ...)
        "spider_stats": {
            key: value
            for key, value in stats.items()
            if "/" in key and key.split("/", 1)[0] not in _SCRAPY_STAT_PREFIXES
        },
    }


def items_to_batch(
    items: list[dict[str, Any]], source: str, entity: str
) -> tuple[pd.DataFrame, RawRows]:
    """Crawled items as a record frame plus their raw payloads, in the same order."""
    columns = record_fields(entity)
    records = pd.DataFrame(
        [{c: item.get(c) for c in columns} for item in items], columns=columns, dtype=object
    )
    records["source"] = source
    records["row_number"] = pd.Series(range(1, len(items) + 1), dtype="int64")
    payloads = [
        json.dumps(item.get("raw") or item, ensure_ascii=False, default=str) for item in items
    ]
    return records, RawRows(
        pa.table({"payload": pa.array(payloads, pa.string())}), is_json_text=True
    )


def crawl_source(con: duckdb.DuckDBPyConnection, source: SourceConfig) -> StepResult:
    """Crawl one configured spider source and load its items; returns the step's result.

    Raises ResqueError (after recording a failed run) when the crawl produced nothing
    usable because the process itself failed.
    """
    check_source_name(source.name)
    if source.type != "spider":
        raise ResqueError(f"source {source.name!r} is not a spider source")
    started = utcnow()
    previous = last_good_item_count(con, source.name)
    min_items = max(1, math.ceil(previous * DEGRADED_FRACTION)) if previous else 1
    with tempfile.TemporaryDirectory(prefix=f"resque-crawl-{source.name}-") as tmp:
        output = run_spider_process(crawl_spec(source, Path(tmp), min_items))
    health = crawl_health(output, source.entity)
    health.update(spider=source.spider, previous_items=previous, min_items=min_items)
    changed = output.stats.get(RESULTS_MISSING_REASON)
    if changed or (output.returncode not in (0, 3) and not output.items):
        # a changed shape loads nothing: a snapshot of what could be read would deactivate
        # every posting the spider could no longer see
        reason = changed or output.cause or (output.log_tail or ["no output"])[-1]
        message = f"crawl {source.name} failed: {reason[:CAUSE_LENGTH]}"
        record_failure(
            con,
            next_run_id(con),
            "crawl",
            source.name,
            started,
            message,
            {**health, "log_tail": output.log_tail},
        )
        raise ResqueError(message)
    degraded = bool(health["failed_monitors"]) or output.returncode != 0
    if degraded:
        health["log_tail"] = output.log_tail
        log.warning(
            "crawl %s degraded: %s", source.name, health["failed_monitors"] or output.returncode
        )
    records, raw = items_to_batch(output.items, source.name, source.entity)
    result = store(
        con,
        records,
        raw,
        entity=source.entity,
        source=source.name,
        kind="crawl",
        snapshot=source.snapshot and not degraded,
        defaults=source.defaults,
        details=health,
        status="degraded" if degraded else "succeeded",
    )
    if degraded:  # after the load's transaction: store() words no error for a load
        set_error(con, result.run_id, degraded_cause(output, health["failed_monitors"]))
    return result

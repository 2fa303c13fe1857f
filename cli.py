"""The `resque` command: init, import, run, status, query.

Every command exits 0 on success; on a problem the user can fix it prints one line on
stderr and exits 1 (2 for a malformed command line). RESQUE_DEBUG=1 shows tracebacks.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.config import Config, config_path, db_path, load_config
from pipelines.crawl import crawl_source
from pipelines.errors import ResqueError
from pipelines.headers import parse_overrides
from pipelines.importer import StepResult, import_file
from warehouse.db import connect, migrate, open_warehouse, sql

log = logging.getLogger("resque")
MAX_PRINTED_ROWS = 200


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.handler(args) or 0
    except ResqueError as exc:
        return _fail(str(exc))
    except duckdb.Error as exc:
        return _fail(str(exc).splitlines()[0])
    except KeyboardInterrupt:
        return _fail("interrupted", code=130)
    except Exception as exc:  # a bug: keep the line short, the traceback on request
        if os.environ.get("RESQUE_DEBUG"):
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc} (RESQUE_DEBUG=1 shows more)")


def _fail(message: str, code: int = 1) -> int:
    print(f"resque: error: {message.splitlines()[0] if message else 'failed'}", file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per task."""
    parser = argparse.ArgumentParser(prog="resque", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="warehouse file (env RESQUE_DB; default ./resque.duckdb)")
    parser.add_argument("--config", help="TOML config (env RESQUE_CONFIG; default: bundled)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create or upgrade the warehouse")
    init.set_defaults(handler=cmd_init)

    imp = commands.add_parser("import", help="import a CSV, XLSX or JSONL file")
    imp.add_argument("entity", choices=["vacancies", "employers"])
    imp.add_argument("file", type=Path)
    imp.add_argument("--source", required=True, help="source name, e.g. jobmesse_2026")
    imp.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD (repeatable), e.g. --map 'Job=title'",
    )
    imp.add_argument(
        "--full",
        action="store_true",
        help="the file is the complete list: records of this source it lacks become inactive",
    )
    imp.add_argument("--sheet", help="XLSX sheet to read (default: first with a header)")
    imp.add_argument(
        "--rejects",
        type=Path,
        metavar="FILE",
        help="write rejected rows with their reasons to this CSV file",
    )
    imp.set_defaults(handler=cmd_import)

    crawl = commands.add_parser("crawl", help="crawl configured spider sources, one process each")
    crawl.add_argument("names", nargs="*", metavar="NAME", help="configured source names")
    crawl.add_argument("--all", action="store_true", help="every enabled spider source")
    crawl.set_defaults(handler=cmd_crawl)

    run = commands.add_parser("run", help="run the whole pipeline once on all configured sources")
    run.set_defaults(handler=cmd_run)

    status = commands.add_parser("status", help="records per source, recent runs, rejects")
    status.add_argument("--runs", type=int, default=10, help="how many recent runs to show")
    status.set_defaults(handler=cmd_status)

    query = commands.add_parser("query", help="run a read-only SQL query")
    query.add_argument("sql")
    query.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    query.set_defaults(handler=cmd_query)
    return parser


def _config(args: argparse.Namespace) -> Config:
    return load_config(config_path(args.config))


def _db(args: argparse.Namespace) -> Path:
    """The warehouse path; the config is read only when no flag or env var names one."""
    if args.db or os.environ.get("RESQUE_DB"):
        return db_path(args.db)
    return db_path(None, _config(args))


def cmd_init(args: argparse.Namespace) -> int:
    path = _db(args)
    con = connect(path)
    try:
        applied = migrate(con)
        version = con.execute("select max(version) from schema_migrations").fetchone()[0]
    finally:
        con.close()
    print(
        f"{path}: schema version {version}"
        + (f" (applied {', '.join(applied)})" if applied else "")
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    overrides = parse_overrides(args.map, args.entity)
    con = open_warehouse(_db(args))
    try:
        result = import_file(
            con,
            args.file,
            entity=args.entity,
            source=args.source,
            overrides=overrides,
            snapshot=args.full,
            sheet=args.sheet,
        )
        if args.rejects:
            _write_rejects(con, result.run_id, args.rejects)
    finally:
        con.close()
    print(_summary_line(result))
    return 0


def _write_rejects(con: duckdb.DuckDBPyConnection, run_id: int, out: Path) -> None:
    """The run's rejected rows with reasons, as CSV (written even when there are none)."""
    frame = con.execute(
        "select row_number, source_ref, reason, payload::varchar as payload from rejects "
        "where run_id = ? order by row_number",
        [run_id],
    ).df()
    try:
        frame.to_csv(out, index=False)
    except OSError as exc:
        raise ResqueError(f"{out}: cannot write the rejects file ({exc.strerror})") from exc


def _summary_line(result: StepResult) -> str:
    c = result.counts
    return (
        f"{result.source}: {c.rows_in} rows read, {c.rows_loaded} loaded "
        f"({c.rows_new} new, {c.rows_updated} changed), {c.rows_rejected} rejected"
        + (f", {c.rows_deactivated} deactivated" if c.rows_deactivated else "")
        + f" [run {result.run_id}]"
    )


def cmd_crawl(args: argparse.Namespace) -> int:
    """Crawl the named spider sources (or all); a failing source does not stop the others."""
    config = _config(args)
    spiders = {n: s for n, s in config.sources.items() if s.type == "spider"}
    if args.all:
        names = [n for n, s in spiders.items() if s.enabled]
    elif args.names:
        names = args.names
    else:
        raise ResqueError("name the spider sources to crawl, or use --all")
    unknown = [n for n in names if n not in spiders]
    if unknown:
        raise ResqueError(
            f"no spider source {unknown[0]!r} in {config.path} "
            f"(spider sources: {', '.join(spiders) or 'none'})"
        )
    con = open_warehouse(db_path(args.db, config))
    try:
        failures = _crawl_each(con, [spiders[n] for n in names])
    finally:
        con.close()
    if failures:
        raise ResqueError(f"{len(failures)} crawl(s) failed: {', '.join(failures)}")
    return 0


def _crawl_each(con: duckdb.DuckDBPyConnection, sources: list) -> list[str]:
    """Crawl and load each source; print a line each; return the names that failed."""
    failures = []
    for source in sources:
        try:
            result = crawl_source(con, source)
        except ResqueError as exc:
            failures.append(source.name)
            print(f"{source.name}: FAILED: {exc}", file=sys.stderr)
            continue
        line = _summary_line(result)
        if result.details.get("failed_monitors") or result.details.get("returncode"):
            reasons = result.details.get("failed_monitors") or ["crawl error"]
            line += f" DEGRADED ({', '.join(reasons)})"
        print(line)
    return failures


def cmd_run(args: argparse.Namespace) -> int:
    """Every enabled file and spider source, then the later stages; failures stop nothing."""
    config = _config(args)
    path = db_path(args.db, config)
    started = time.perf_counter()
    con = open_warehouse(path)
    failures = []
    try:
        for source in config.sources.values():
            if not source.enabled or source.type != "file":
                continue
            try:
                result = import_file(
                    con,
                    source.path,
                    entity=source.entity,
                    source=source.name,
                    overrides=source.map,
                    snapshot=source.snapshot,
                    sheet=source.sheet,
                    defaults=source.defaults,
                )
                print(_summary_line(result))
            except ResqueError as exc:
                failures.append(source.name)
                print(f"{source.name}: FAILED: {exc}", file=sys.stderr)
        spiders = [s for s in config.sources.values() if s.enabled and s.type == "spider"]
        failures += _crawl_each(con, spiders)
        totals = con.execute(sql("run_totals")).fetchone()
    finally:
        con.close()
    print(
        f"warehouse {path}: {totals[0]} postings ({totals[1]} active) in {totals[2]} vacancies, "
        f"{totals[3]} employers; {time.perf_counter() - started:.1f} s"
    )
    if failures:
        raise ResqueError(f"{len(failures)} source(s) failed: {', '.join(failures)}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    con = connect(_db(args), read_only=True)
    try:
        _print_section("Records per source", con.execute(sql("status_sources")).df())
        runs = con.execute(sql("status_runs"), {"limit": args.runs}).df()
        _print_section(f"Last {args.runs} runs", runs)
        failed = runs[runs["status"].isin(["failed", "degraded"])]
        if len(failed):
            _print_section(
                "Failed or degraded among them", failed[["run_id", "source", "status", "error"]]
            )
        rejects = con.execute(sql("status_rejects"), {"limit": 50}).df()
        _print_section("Rejected rows of each source's latest run (first 50)", rejects)
    finally:
        con.close()
    return 0


def _print_section(title: str, frame: pd.DataFrame) -> None:
    print(f"\n== {title}")
    print(_table(frame) if len(frame) else "(none)")


def _table(frame: pd.DataFrame) -> str:
    """A frame as an aligned text table, long text cut so lines stay readable."""
    shown = frame.head(MAX_PRINTED_ROWS).copy()
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            values = shown[column]
            if (values.dropna() == values.dropna().dt.normalize()).all():
                shown[column] = values.dt.strftime("%Y-%m-%d")  # DATE columns, not midnight
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = shown[column].map(
                lambda v: v if not isinstance(v, str) or len(v) <= 60 else v[:57] + "..."
            )
    return shown.astype(object).where(shown.notna(), "").to_string(index=False)


def cmd_query(args: argparse.Namespace) -> int:
    con = connect(_db(args), read_only=True)
    try:
        frame = con.execute(args.sql).df()
    finally:
        con.close()
    if args.csv:
        frame.to_csv(sys.stdout, index=False)
        return 0
    print(_table(frame))
    if len(frame) > MAX_PRINTED_ROWS:
        print(f"({len(frame)} rows, first {MAX_PRINTED_ROWS} shown; --csv prints all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `resque` command: init, import, run, status, query.

Every command exits 0 on success; on a problem the user can fix it prints one line on
stderr and exits 1 (2 for a malformed command line). RESQUE_DEBUG=1 shows tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from resque.errors import ResqueError
from resque.pipelines.config import Config, config_path, db_path, load_config
from resque.pipelines.crawl import crawl_source
from resque.pipelines.headers import parse_overrides
from resque.pipelines.importer import import_file
from resque.pipelines.steps import StepResult
from resque.warehouse.db import check_writable, opened, schema_version, sql
from resque.warehouse.runs import run_rejects

log = logging.getLogger("resque")
MAX_PRINTED_ROWS = 200


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    # The warehouse, its snapshot, exports and reports hold data about people: every file
    # resque creates is readable by its owner only.
    os.umask(0o077)
    _configure_logging(args.verbose)
    try:
        code = args.handler(args) or 0
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        return _reader_gone()
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


def _reader_gone() -> int:
    """The reader of stdout went away (`resque status | head -1`): stop quietly with 141.

    Like any Unix tool killed by SIGPIPE (128 + 13). Whatever is still buffered goes to
    /dev/null, or Python's exit would report the broken pipe once more (Python docs, signal).
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 141


def _fail(message: str, code: int = 1) -> int:
    print(f"resque: error: {message.splitlines()[0] if message else 'failed'}", file=sys.stderr)
    return code


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test's capture, a redirected stream)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(_Lines())

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler sets it; sys.stderr is read instead
        pass


class _Lines(logging.Formatter):
    """'2026-12-05 02:00:07,145 INFO crawl-ba_jobsuche: ...': a Prefect task run's lines
    name the run (its step and source), every other line its logger."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(where)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.where = getattr(record, "task_run_name", None) or record.name
        return super().format(record)


def _configure_logging(verbose: bool) -> None:
    """Progress (-v) or warnings on stderr from resque's own loggers only.

    The modules log under `resque.` (logging.getLogger(__name__)); the root logger is left
    alone, so other libraries' lines (httpx logs every request Prefect makes) stay out.
    Prefect's own lines join with -v (flows.prefect_runtime).
    """
    logger = logging.getLogger("resque")
    for handler in [h for h in logger.handlers if isinstance(h, _Stderr)]:
        logger.removeHandler(handler)  # main() runs again in the same process (tests)
    handler = _Stderr()
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.addHandler(handler)
    if verbose and logger.getEffectiveLevel() > logging.INFO:
        # only ever lowered: whoever listens for more (a test's capture) keeps getting it
        logger.setLevel(logging.INFO)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class _Parser(argparse.ArgumentParser):
    """Takes -v/--verbose before or after any (sub-)command: `resque run -v` as `resque -v run`.

    Sub-parsers are made of this class too (argparse makes them of their parent's class);
    theirs leaves the value alone unless given, so a -v before the command stands.
    """

    def __init__(self, *args, top: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            default=False if top else argparse.SUPPRESS,
            help="log progress to stderr",
        )


def build_parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per task."""
    parser = _Parser(prog="resque", description=__doc__.splitlines()[0], top=True)
    parser.add_argument("--db", help="warehouse file (env RESQUE_DB; default ./resque.duckdb)")
    parser.add_argument("--config", help="TOML config (env RESQUE_CONFIG; default: bundled)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create or upgrade the warehouse")
    init.set_defaults(handler=cmd_init)

    imp = commands.add_parser("import", help="import a CSV, XLSX or JSONL file")
    imp.add_argument("entity", choices=["vacancies", "employers", "participants", "vacancy-list"])
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--source",
        help="source name, e.g. jobmesse_2026 (required, except for participants: "
        "default kompetenzanalyse)",
    )
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
    imp.add_argument(
        "--allow-shrink",
        action="store_true",
        help="with --full: deactivate even more than [import] max_shrink (default 30%%) of "
        "the source's active records",
    )
    imp.add_argument("--sheet", help="XLSX sheet to read (default: first with a header)")
    imp.add_argument(
        "--rejects",
        type=Path,
        metavar="FILE",
        help="write rejected rows with their reasons to this CSV file",
    )
    imp.add_argument(
        "--partner",
        help="vacancy-list: the partner whose copy of the list this is, e.g. ihk_leipzig",
    )
    imp.set_defaults(handler=cmd_import)

    crawl = commands.add_parser("crawl", help="crawl configured spider sources, one process each")
    crawl.add_argument("names", nargs="*", metavar="NAME", help="configured source names")
    crawl.add_argument("--all", action="store_true", help="every enabled spider source")
    crawl.set_defaults(handler=cmd_crawl)

    run = commands.add_parser("run", help="run the whole pipeline once on all configured sources")
    run.set_defaults(handler=cmd_run)

    status = commands.add_parser(
        "status", help="records per source, last night's run step by step, rejects"
    )
    status.add_argument(
        "--runs",
        type=int,
        default=5,
        metavar="N",
        help="also list the N nightly runs (resque run) before the latest, one line each "
        "(default 5; 0 lists none)",
    )
    status.set_defaults(handler=cmd_status)

    query = commands.add_parser("query", help="run a read-only SQL query")
    query.add_argument("sql")
    written = query.add_mutually_exclusive_group()
    written.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    written.add_argument(
        "--excel",
        type=Path,
        metavar="OUT",
        help="write the result for German Excel: a workbook if OUT ends .xlsx, else CSV "
        "(BOM, ';', decimal comma, DD.MM.YYYY)",
    )
    query.add_argument(
        "--live", action="store_true", help="read the warehouse itself, not the analysts' snapshot"
    )
    query.set_defaults(handler=cmd_query)
    evaluate = commands.add_parser("eval", help="score a stage against labelled truth")
    stages = evaluate.add_subparsers(dest="eval_stage", metavar="STAGE", required=True)
    _add_dedup_commands(commands, stages)
    _add_occupation_commands(commands)
    _add_match_commands(commands, stages)
    _add_flow_commands(commands)
    _add_privacy_commands(commands)
    return parser


def _config(args: argparse.Namespace) -> Config:
    return load_config(config_path(args.config))


def _db(args: argparse.Namespace) -> Path:
    """The warehouse path; the config is read only when no flag or env var names one."""
    if args.db or os.environ.get("RESQUE_DB"):
        return db_path(args.db)
    return db_path(None, _config(args))


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the warehouse; like every writable open it also removes leftovers of
    interrupted steps and finishes a rewrite an erasure left pending."""
    path = _db(args)
    with opened(path) as con:
        applied = con.applied
        version = schema_version(con)
    print(
        f"{path}: schema version {version}"
        + (f" (applied {', '.join(applied)})" if applied else "")
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if args.entity == "vacancy-list":
        return cmd_import_vacancy_list(args)
    _default_participant_source(args)
    overrides = parse_overrides(args.map, args.entity)
    config = _config(args)
    key_file = config.key_file if args.entity == "participants" else None
    max_shrink = None if args.allow_shrink else config.shrink_limit(args.source or "")
    with opened(_db(args)) as con:
        result = import_file(
            con,
            args.file,
            entity=args.entity,
            source=args.source,
            overrides=overrides,
            snapshot=args.full,
            sheet=args.sheet,
            key_file=key_file,
            max_shrink=max_shrink,
        )
        if args.rejects:
            _write_rejects(con, result.run_id, args.rejects)
    print(_summary_line(result))
    return 0


def _write_rejects(con: duckdb.DuckDBPyConnection, run_id: int, out: Path) -> None:
    """The run's rejected rows with reasons, as CSV (written even when there are none)."""
    frame = run_rejects(con, run_id)
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
    with opened(db_path(args.db, config)) as con:
        failures = _crawl_each(con, [spiders[n] for n in names])
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
    """The nightly flow once, in this process; a failing source stops nothing."""
    config = _config(args)
    path = db_path(args.db, config)
    started = time.perf_counter()
    # before Prefect's import and temporary API (10-40 s): a held warehouse is one line now
    check_writable(path)
    from resque.flows import NightlyRunFailed, nightly, prefect_runtime

    with prefect_runtime(args.verbose):
        try:
            summary, failed = nightly(config=str(config.path), db=str(path)), None
        except NightlyRunFailed as exc:
            summary, failed = exc.summary, exc
    _print_steps(summary["steps"])
    t, flow_seconds = summary["totals"], summary["seconds"]
    print(
        f"warehouse {path}: {t['postings']} postings ({t['active_postings']} active) in "
        f"{t['vacancies']} vacancies, {t['employers']} employers; {flow_seconds:.1f} s "
        f"(+ {time.perf_counter() - started - flow_seconds:.1f} s Prefect start-up)"
    )
    if failed:
        raise ResqueError(_failure_line(summary["steps"]))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """What each source holds, the latest nightly run step by step with its verdict, the
    nights before it, steps run by hand since, and the rejected rows."""
    from resque.warehouse import status

    if args.runs < 0:
        raise ResqueError(
            f"--runs {args.runs}: give how many earlier nightly runs to list (0 or more)"
        )
    with opened(_db(args), read_only=True) as con:
        _print_section("Records per source", con.execute(sql("status_sources")).df())
        night = status.latest_night(con)
        if night is None:
            print("\n== Latest nightly run\n(none recorded yet: 'resque run' records one)")
        else:
            _print_night(night)
            if args.runs:
                _print_section(
                    f"Nightly runs before it (up to {args.runs})",
                    status.nights(con, limit=args.runs, skip=1),
                )
        others = status.other_steps(con, night.run_id if night else 0)
        if len(others) or night is None:
            where = "since it started" if night else "recorded"
            _print_section(
                f"Other steps {where}, not part of a nightly run "
                f"(newest {status.OTHER_STEPS_SHOWN})",
                others,
            )
        rejects = con.execute(sql("status_rejects"), {"limit": 50}).df()
        _print_section("Rejected rows of each source's latest run (first 50)", rejects)
        _print_reported_closed(con)
    return 0


def _print_night(night) -> None:
    """`resque status`: a nightly run's steps, its verdict, its causes and sharp drops."""
    from resque.warehouse.status import SHARP_DROP_MIN, SHARP_DROP_SHARE

    took = f", {night.seconds:.1f} s" if night.seconds is not None else ""
    _print_section(
        f"Latest nightly run {night.run_id}, started {night.started} UTC{took}",
        night.steps.drop(columns="error"),
    )
    print(f"verdict: {night.verdict}")
    if len(night.problems):
        print("\n== Failed or degraded steps, with the first line of the cause")
    for p in night.problems.itertuples(index=False):
        name = f"{p.step} {p.source}" if isinstance(p.source, str) else p.step
        cause = p.error if isinstance(p.error, str) else "(no cause recorded)"
        print(f"{name} [run {p.run_id}] {p.status.upper()}: {cause}")
    if len(night.drops):
        _print_section(
            "Sources whose active records fell sharply since the previous nightly run "
            f"(by {SHARP_DROP_SHARE:.0%} and {SHARP_DROP_MIN} or more)",
            night.drops,
        )


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
    from resque.warehouse.query import run_query, snapshot_lag

    if args.excel:  # checked before the query runs: a wrong path costs no wait
        from resque.reports.query_export import checked_out, write_result

        checked_out(args.excel)
    path, warehouse = _readable_db(args), _db(args)
    frame = run_query(path, args.sql)
    lag = snapshot_lag(path, warehouse) if path != warehouse else None
    if lag:
        print(lag, file=sys.stderr)
    if args.excel:
        print(f"{write_result(frame, args.excel)}: {len(frame)} rows")
        return 0
    if args.csv:
        frame.to_csv(sys.stdout, index=False)
        return 0
    print(_table(frame))
    if len(frame) > MAX_PRINTED_ROWS:
        print(f"({len(frame)} rows, first {MAX_PRINTED_ROWS} shown; --csv prints all)")
    return 0


# --- dedup: merging near-duplicate postings into vacancies (docs/dedup.md) ---------------------


def _add_dedup_commands(
    commands: argparse._SubParsersAction, stages: argparse._SubParsersAction
) -> None:
    """`resque dedup [--full]`, `resque dedup explain ID`, `resque eval dedup LABELS.csv`."""
    dedup = commands.add_parser("dedup", help="merge near-duplicate postings into vacancies")
    dedup.add_argument(
        "--full", action="store_true", help="recompute everything instead of new postings only"
    )
    dedup.set_defaults(handler=cmd_dedup)
    actions = dedup.add_subparsers(dest="dedup_action", metavar="ACTION")
    explain = actions.add_parser("explain", help="why the postings of a vacancy were merged")
    explain.add_argument("vacancy_id")
    explain.set_defaults(handler=cmd_dedup_explain)

    labels = stages.add_parser("dedup", help="pairwise and B-cubed scores of the vacancies")
    labels.add_argument("labels", type=Path, help="CSV with source, source_ref, cluster")
    labels.set_defaults(handler=cmd_eval_dedup)


def cmd_dedup(args: argparse.Namespace) -> int:
    from resque.warehouse.linkage import run_dedup

    with opened(_db(args)) as con:
        counts = run_dedup(con, full=args.full)
    print(
        f"{_dedup_line(counts)}; {counts['candidate_pairs']} candidate pairs, "
        f"{counts['changed']} postings changed vacancy or keys; {counts['seconds']:.1f} s "
        f"[run {counts['run_id']}]"
    )
    return 0


def _dedup_line(counts: dict) -> str:
    """What a dedup run did, in words that match the numbers (warehouse/linkage.py).

    'merged' and 'split' count vacancies an earlier run had formed (stable_ids' events), so
    a first run, whose matched postings form new vacancies, merges none of them.
    """
    c = counts
    formed = (
        f"{c['postings']} postings in {c['vacancies']} vacancies"
        if c["mode"] == "full"
        else f"{c['vacancies']} vacancies rebuilt"
    )
    return (
        f"dedup ({c['mode']}): {c['compared']} of {c['postings']} postings compared, "
        f"{c['matched_pairs']} pairs matched, {formed}; of the vacancies earlier runs formed "
        f"{c['merges']} merged into another, {c['splits']} split"
    )


def cmd_dedup_explain(args: argparse.Namespace) -> int:
    from resque.warehouse.linkage import explain_vacancy

    with opened(_db(args), read_only=True) as con:
        print(explain_vacancy(con, args.vacancy_id))
    return 0


def cmd_eval_dedup(args: argparse.Namespace) -> int:
    from resque.matching.linkage.evaluation import format_large_employer_metrics, format_metrics
    from resque.warehouse.linkage import evaluate_labels

    with opened(_db(args), read_only=True) as con:
        metrics = evaluate_labels(con, args.labels)
    print(format_metrics(metrics))
    print(format_large_employer_metrics(metrics["large_employers"]))
    if metrics["unmatched"]:
        missing, labels = metrics["unmatched"], metrics["labels"]
        print(f"({missing} of {labels} labelled postings not in the warehouse)")
    return 0


# --- occupations learned from the labelled postings (docs/matching.md) -----------------------


def _add_occupation_commands(commands: argparse._SubParsersAction) -> None:
    """`resque occupations [--title TITLE]`."""
    occupations = commands.add_parser(
        "occupations", help="learn occupations from the labelled postings and label every posting"
    )
    occupations.add_argument(
        "--title",
        help="only show the 3 occupations nearest to this job title or wish (writes nothing)",
    )
    occupations.set_defaults(handler=cmd_occupations)


def cmd_occupations(args: argparse.Namespace) -> int:
    from resque.warehouse.occupations import label_postings

    if args.title is not None:
        return _print_occupations(args)
    with opened(_db(args)) as con:
        counts = label_postings(con)
    trained = "seed only" if counts["seed_only"] else f"{counts['trained_on']} labelled titles"
    print(
        f"occupations: {counts['predicted']} of {counts['postings']} postings predicted, "
        f"{counts['labelled']} labelled by their source; trained on {trained} and the KldB "
        f"names; {counts['changed']} changed; {counts['seconds']:.1f} s [run {counts['run_id']}]"
    )
    return 0


def _print_occupations(args: argparse.Namespace) -> int:
    """The title's 3 nearest occupations, KldB code and confidence (decimal comma)."""
    from resque.warehouse.occupations import suggest

    if not args.title.strip():
        raise ResqueError("--title: give a job title, e.g. --title 'Pflegefachmann'")
    path = _db(args)
    if path.exists():
        with opened(path, read_only=True) as con:
            found = suggest(con, args.title)
    else:  # no warehouse yet: the seed names alone
        found = suggest(None, args.title)
    if not found:
        print(f"{args.title}: no occupation shares a word part with it")
    for rank, (name, kldb, confidence) in enumerate(found, 1):
        code = f"KldB {kldb}" if kldb else "KldB unbekannt"
        print(f"{rank}. {name} ({code}) {_comma(confidence)}")
    return 0


def _comma(value: float) -> str:
    """0.87 -> '0,87': the decimal comma a German reader expects."""
    return f"{value:.2f}".replace(".", ",")


# --- matching: ranking vacancies for participants (docs/matching.md) -------------------------


def _default_participant_source(args: argparse.Namespace) -> None:
    """Participant files default to one source; vacancy and employer files must name theirs."""
    if args.source is None:
        if args.entity != "participants":
            raise ResqueError(f"import {args.entity}: --source NAME is required")
        from resque.pipelines.participants import DEFAULT_SOURCE

        args.source = DEFAULT_SOURCE


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _add_match_commands(
    commands: argparse._SubParsersAction, stages: argparse._SubParsersAction
) -> None:
    """`resque match [--top N]`, `--participant ID`, `--vacancy ID`; `resque eval match FILE`."""
    match = commands.add_parser("match", help="rank vacancies for every participant")
    match.add_argument(
        "--top", type=int, help="matches per participant (default: [match] top, else 10)"
    )
    who = match.add_mutually_exclusive_group()
    who.add_argument("--participant", metavar="ID", help="print one participant's best vacancies")
    who.add_argument("--vacancy", metavar="ID", help="print the best participants for a vacancy")
    match.add_argument(
        "--today", type=_iso_date, help="compare start dates with this date (default: today)"
    )
    stored = match.add_mutually_exclusive_group()
    stored.add_argument(
        "--run", metavar="RUN_ID", help="with --participant: show this stored run's rows"
    )
    stored.add_argument(
        "--stored",
        action="store_true",
        help="with --participant: show the newest stored run's rows instead of ranking anew",
    )
    match.set_defaults(handler=cmd_match)
    labels = stages.add_parser("match", help="nDCG@10, MRR, recall@10 of matching")
    labels.add_argument("labels", type=Path, help="CSV with participant_id, vacancy, relevance")
    labels.set_defaults(handler=cmd_eval_match)


def cmd_match(args: argparse.Namespace) -> int:
    from resque.warehouse import ranking

    if args.top is None:  # the flag beats the config ([match] top or $RESQUE_MATCH__TOP)
        args.top = _config(args).match_top
    if args.top < 1:
        raise ResqueError(f"--top must be at least 1, not {args.top}")
    if args.run is not None or args.stored:
        return _print_stored(args)
    if args.participant or args.vacancy:
        with opened(_db(args), read_only=True) as con:
            top, today = args.top, args.today
            if args.participant:
                [who] = _pseudonyms(args, con, [args.participant])
                frame = ranking.matches_for_participant(con, who, top, today)
                _print_ranked(f"Stellen für {who}", frame, "vacancy")
            else:
                frame = ranking.matches_for_vacancy(con, args.vacancy, top, today)
                _print_ranked(f"Teilnehmende für Stelle {args.vacancy}", frame, "participant")
        return 0
    with opened(_db(args)) as con:
        summary = ranking.run_matching(con, top=args.top, today=args.today)
    print(
        f"match: {summary['participants']} participants x {summary['vacancies']} vacancies: "
        f"{summary['matches']} matches, {summary['without_match']} participants without a "
        f"fitting vacancy; {summary['seconds']:.1f} s [run {summary['run_id']}]"
    )
    return 0


def _print_ranked(title: str, frame: pd.DataFrame, kind: str) -> None:
    """A ranked list with one reason per line, in German, as a job coach reads it."""
    from resque.matching.ranking.explain import coach_lines, de_number

    nothing = "keine passende Stelle" if kind == "vacancy" else "keine passenden Teilnehmenden"
    print(f"== {title} (beste {len(frame)})" if len(frame) else f"== {title}: {nothing}")
    for row in frame.itertuples(index=False):
        if kind == "vacancy":
            head, ident = _vacancy_head(row), row.vacancy_id
        else:
            head, ident = row.participant_id, ""
        score = de_number(row.score, 2)
        print(f"{row.rank:>3}. {score}  {head}" + (f"  [{ident}]" if ident else ""))
        for line in coach_lines(row.reasons):
            print(f"        {line}")


def _vacancy_head(row) -> str:
    """'Lagerhelfer*in - Firma, 04103 Leipzig' for one ranked row."""
    place = " ".join(str(v) for v in (row.postcode, row.city) if isinstance(v, str))
    employer = row.employer if isinstance(row.employer, str) else "Arbeitgeber nicht genannt"
    return f"{row.title} - {employer}, {place or 'Ort unbekannt'}"


def _run_id(text: str) -> int:
    """A run id as typed: a positive whole number, else one line saying so."""
    if not str(text).isascii() or not str(text).isdigit() or int(text) < 1:
        raise ResqueError(f"a run id is a positive whole number, not {text!r}")
    return int(text)


def _print_stored(args: argparse.Namespace) -> int:
    """`match --participant ID --run RUN_ID` / `--stored`: the stored run, not a new ranking."""
    from resque.warehouse.review import stored_for_participant

    if not args.participant:
        raise ResqueError("--run and --stored show one participant's rows: add --participant ID")
    run_id = None if args.stored else _run_id(args.run)
    with opened(_db(args), read_only=True) as con:
        [who] = _pseudonyms(args, con, [args.participant])
        run_id, frame = stored_for_participant(con, who, run_id)
    kept = frame[~frame["dropped"]].head(args.top)
    _print_ranked(f"Stellen für {who} aus Abgleich-Lauf {run_id}", kept, "vacancy")
    dropped = int(frame["dropped"].sum())
    if dropped:
        print(f"({dropped} Vorschläge bei der Durchsicht entfernt)")
    return 0


def cmd_eval_match(args: argparse.Namespace) -> int:
    from resque.pipelines.pseudonym_key import warehouse_key
    from resque.warehouse.ranking import evaluate_matching

    with opened(_db(args), read_only=True) as con:
        key = warehouse_key(con, _config(args).key_file)  # labels may name source ids
        metrics = evaluate_matching(con, args.labels, key=key.secret if key else None)
    print(
        f"nDCG@10 {metrics['ndcg@10']:.3f}  MRR {metrics['mrr']:.3f}  "
        f"recall@10 {metrics['recall@10']:.3f}  ({metrics['participants']} participants with "
        f"a fitting vacancy; {metrics['without_fit']} without, "
        f"{metrics['without_fit_with_matches']} of whom got matches anyway)"
    )
    return 0


# --- flows: the nightly run, schedules, approval, exports, snapshot, report (docs/flows.md) ----


SOURCE_STEPS = ("crawl", "import", "inbox")


def _add_flow_commands(commands: argparse._SubParsersAction) -> None:
    """`resque serve`, `approve RUN_ID`, `export employer-service`, `report`."""
    serve = commands.add_parser("serve", help="serve the nightly and monthly flows on schedule")
    serve.set_defaults(handler=cmd_serve)

    approve = commands.add_parser("approve", help="release a checked match run for export")
    approve.add_argument("run_id", type=int, metavar="RUN_ID")
    approve.add_argument("--by", help="who approves (default: the login name)")
    approve.add_argument("--note", help="a remark kept with the approval")
    approve.set_defaults(handler=cmd_approve)

    review = commands.add_parser(
        "review", help="show a stored match run per participant; drop rows before approval"
    )
    review.add_argument("run_id", metavar="RUN_ID")
    review.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="PARTICIPANT:VACANCY",
        help="take one row out of the run's list (repeatable)",
    )
    review.add_argument(
        "--drop-participant",
        action="append",
        default=[],
        metavar="ID",
        help="take all rows of a participant out of the run's list (repeatable)",
    )
    review.add_argument("--by", help="who reviews (default: the login name)")
    review.add_argument("--note", help="a remark kept with the drops")
    review.add_argument(
        "--weak-only", action="store_true", help="show only participants with flagged rows"
    )
    review.set_defaults(handler=cmd_review)

    export = commands.add_parser("export", help="write a list for a partner")
    kinds = export.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    _add_vacancy_list_commands(kinds)
    service = kinds.add_parser(
        "employer-service", help="candidates of the approved match run, as XLSX and CSV"
    )
    service.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    service.add_argument("--month", help="the month the list is for, YYYY-MM (default: now)")
    service.add_argument("--to", help="who the list is sent to (recorded)")
    service.add_argument("--run", type=int, metavar="RUN_ID", help="approved match run to use")
    service.add_argument("--by", help="who writes the list (default: the login name)")
    service.set_defaults(handler=cmd_export_employer_service)

    report = commands.add_parser("report", help="an HTML report for the partners' meeting")
    report.add_argument("--out", type=Path, required=True, metavar="FILE", help="HTML file")
    report.add_argument("--live", action="store_true", help="read the warehouse, not the snapshot")
    report.set_defaults(handler=cmd_report)


def _login() -> str:
    import getpass

    return os.environ.get("USER") or getpass.getuser()


def _readable_db(args: argparse.Namespace) -> Path:
    """The analysts' snapshot when it exists (and --live is not given), else the warehouse."""
    from resque.warehouse.snapshot import snapshot_path

    path = _db(args)
    snapshot = snapshot_path(path)
    if not args.live and snapshot.is_file():
        log.info("reading the snapshot %s (--live reads %s)", snapshot, path)
        return snapshot
    return path


def _print_steps(steps: list[dict]) -> None:
    """One line per step of the nightly flow, as the single commands print them."""
    for step in steps:
        label = f"{step['name']}: " if step["name"] else ""
        if step["error"]:
            print(f"{label}FAILED: {step['error']}", file=sys.stderr)
            continue
        result = step["result"]
        if step["step"] in SOURCE_STEPS:
            line = _summary_line(result)
            if result.details.get("failed_monitors") or result.details.get("returncode"):
                reasons = result.details.get("failed_monitors") or ["crawl error"]
                line += f" DEGRADED ({', '.join(reasons)})"
            if step["step"] == "inbox":
                line += f" (inbox file {step['name']})"
            print(line)
        elif step["step"] == "dedup":
            print(f"{_dedup_line(result)} [run {result['run_id']}]")
        elif step["step"] == "occupations":
            print(
                f"occupations: {result['predicted']} of {result['postings']} postings "
                f"predicted, {result['labelled']} labelled by their source "
                f"[run {result['run_id']}]"
            )
        elif step["step"] == "retention":
            if result["participants"]:
                print(
                    f"retention: {result['participants']} participant(s) forgotten "
                    f"[run {result['run_id']}]"
                )
        elif step["step"] == "match":
            print(
                f"match: {result['participants']} participants x {result['vacancies']} "
                f"vacancies: {result['matches']} matches [run {result['run_id']}]"
            )
        else:
            print(
                f"snapshot {result['path']}: {result['rows']} rows in {len(result['tables'])} "
                f"tables, Parquet in {result['parquet']} [run {result['run_id']}]"
            )


def _failure_line(steps: list[dict]) -> str:
    """'2 source(s) failed: a, b; dedup failed' for the one error line."""
    failed = [s for s in steps if s["error"]]
    sources = [s["name"] for s in failed if s["step"] in SOURCE_STEPS]
    stages = [s["step"] for s in failed if s["step"] not in SOURCE_STEPS]
    parts = [f"{len(sources)} source(s) failed: {', '.join(sources)}"] if sources else []
    parts += [f"{stage} failed" for stage in stages]
    return "; ".join(parts)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve both flows on their cron schedules against the configured Prefect server."""
    config = _config(args)
    path = db_path(args.db, config)
    from resque.flows import require_server, schedules, serve_flows

    require_server()

    for name, schedule in schedules(config).items():
        print(f"{name}: cron '{schedule.cron}' ({schedule.timezone})")
    serve_flows(config, path)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from resque.warehouse.export import approve_match_run

    with opened(_db(args)) as con:
        done = approve_match_run(con, args.run_id, args.by or _login(), args.note)
    dropped = f", {done['dropped']} dropped in review" if done["dropped"] else ""
    print(
        f"match run {done['run_id']} ({done['matches']} matches{dropped}) approved by "
        f"{done['approved_by']} at {done['approved_at']:%Y-%m-%d %H:%M} UTC"
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Show a stored run per participant with its weak rows flagged; record drops first."""
    from resque.warehouse import review

    run_id = _run_id(args.run_id)
    if args.drop or args.drop_participant:
        rows = [review.parse_row(text) for text in args.drop]
        with opened(_db(args)) as con:
            review.reviewable_run(con, run_id)  # an unknown run is named before any id
            people = _pseudonyms(args, con, [p for p, _ in rows] + args.drop_participant)
            rows = [(p, v) for p, (_, v) in zip(people, rows, strict=False)]
            who = people[len(rows) :]
            dropped = review.drop(
                con,
                run_id,
                rows=rows,
                participants=who,
                dropped_by=args.by or _login(),
                note=args.note,
            )
        print(f"match run {run_id}: {dropped} rows dropped in review by {args.by or _login()}")
    with opened(_db(args), read_only=True) as con:
        frame = review.review_rows(con, run_id)
    _print_review(run_id, frame, args.weak_only)
    return 0


def _print_review(run_id: int, frame: pd.DataFrame, weak_only: bool) -> None:
    """Per participant: the stored rows in rank order, German reasons, flags, drop handles."""
    from resque.matching.ranking.explain import coach_lines, de_number
    from resque.warehouse.review import WEAK_SCORE

    kept = frame[~frame["dropped"]]
    print(
        f"== Abgleich-Lauf {run_id}: {len(kept)} Vorschläge für "
        f"{kept['participant_id'].nunique()} Teilnehmende; {int(kept['weak'].sum())} schwach "
        f"(Passung unter {de_number(WEAK_SCORE, 2)}), {int(kept['without_evidence'].sum())} "
        f"ohne Beleg; {int(frame['dropped'].sum())} entfernt"
    )
    for participant, rows in frame.groupby("participant_id", sort=True):
        flagged = rows[~rows["dropped"]][["weak", "without_evidence"]].to_numpy().any()
        if weak_only and not flagged:
            continue
        print(f"\n== {participant} ({int((~rows['dropped']).sum())} Vorschläge)")
        for row in rows.itertuples(index=False):
            mark = "  entfernt" if row.dropped else ""
            print(f"{row.rank:>3}. {de_number(row.score, 2)}  {_vacancy_head(row)}{mark}")
            print(f"        [{participant}:{row.vacancy_id}]")
            for line in coach_lines(row.reasons):
                print(f"        {line}")
            if not row.dropped and row.weak:
                print(f"        ! schwach: Passung unter {de_number(WEAK_SCORE, 2)}")
            if not row.dropped and row.without_evidence:
                print("        ! ohne Beleg: kein Wunschberuf getroffen, nichts Verwandtes belegt")


def cmd_export_employer_service(args: argparse.Namespace) -> int:
    from resque.reports.employer_service import export_employer_service

    with opened(_db(args)) as con:
        done = export_employer_service(
            con,
            args.out,
            month=args.month,
            recipient=args.to,
            created_by=args.by or _login(),
            run_id=args.run,
            source_names=_config(args).source_display_names(),
        )
    for file in done["files"]:
        print(file)
    print(
        f"export {done['export_id']} for {done['month']} from match run {done['match_run_id']}: "
        f"{done['rows']} rows, {done['vacancies']} vacancies, {done['participants']} "
        f"participants; {done['left_out']} left out (participant left or vacancy closed)"
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from resque.reports.partner_report import write_report

    with opened(_readable_db(args), read_only=True) as con:
        written = write_report(con, args.out, _config(args).source_display_names())
    print(f"{written}")
    return 0


# --- the partners' circulating vacancy list (README: Exports) --------------------------------


def _add_vacancy_list_commands(kinds: argparse._SubParsersAction) -> None:
    """`resque export vacancies [--source TEXT] [--since DATE] [--csv]` (its way back is
    `resque import vacancy-list FILE --partner NAME`)."""
    listing = kinds.add_parser(
        "vacancies", help="the active vacancies as a list for the partners to fill in (XLSX)"
    )
    listing.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    listing.add_argument(
        "--source", metavar="TEXT", help="only vacancies of sources named like TEXT, e.g. messe"
    )
    listing.add_argument(
        "--since", type=_iso_date, metavar="DATE", help="only vacancies first seen since DATE"
    )
    listing.add_argument(
        "--csv", action="store_true", help="also write a CSV (UTF-8, ';', for German Excel)"
    )
    listing.set_defaults(handler=cmd_export_vacancies)


def cmd_export_vacancies(args: argparse.Namespace) -> int:
    from resque.reports.vacancy_list import export_vacancy_list

    with opened(_db(args)) as con:
        done = export_vacancy_list(
            con,
            args.out,
            source=args.source,
            since=args.since,
            with_csv=args.csv,
            source_names=_config(args).source_display_names(),
        )
    for file in done["files"]:
        print(file)
    print(f"vacancy list: {done['rows']} active vacancies [run {done['run_id']}]")
    return 0


def cmd_import_vacancy_list(args: argparse.Namespace) -> int:
    """A partner's returned copy of the list: its word stored beside each vacancy."""
    from resque.pipelines.vacancy_list import import_vacancy_list

    if not args.partner:
        raise ResqueError("import vacancy-list: --partner NAME is required, e.g. ihk_leipzig")
    if args.source or args.map or args.full or args.allow_shrink:
        raise ResqueError("import vacancy-list takes --partner, --sheet and --rejects only")
    with opened(_db(args)) as con:
        done = import_vacancy_list(con, args.file, partner=args.partner, sheet=args.sheet)
        if args.rejects:
            _write_rejects(con, done.run_id, args.rejects)
    closed = f" ({done.closed} reported closed)" if done.closed else ""
    print(
        f"{done.partner}: {done.rows_in} rows read, {done.notes} notes stored{closed}, "
        f"{done.repeated} already known, {done.unchanged} left empty, {done.rejected} rejected "
        f"[run {done.run_id}]"
    )
    return 0


def _print_reported_closed(con: duckdb.DuckDBPyConnection) -> None:
    """`resque status`: vacancies still active that a partner reported no longer open."""
    from resque.warehouse.vacancy_list import reported_closed

    _print_section("Active vacancies a partner reported closed (first 50)", reported_closed(con))


# --- privacy: pseudonyms, their key, erasure on request (README: Privacy) ---------------------


def _add_privacy_commands(commands: argparse._SubParsersAction) -> None:
    """`resque participants forget ID…`, `pseudonym ID…`, `keygen [--out FILE]`."""
    participants = commands.add_parser(
        "participants", help="pseudonyms, their key, and erasure of participant data"
    )
    actions = participants.add_subparsers(dest="action", required=True, metavar="ACTION")
    forget = actions.add_parser(
        "forget", help="remove participants from profiles, matches and future exports"
    )
    forget.add_argument(
        "participant_ids", nargs="+", metavar="ID", help="pseudonyms (P-…) or source ids"
    )
    forget.add_argument("--by", default=None, help="who asks (default: the login name)")
    forget.set_defaults(handler=cmd_participants_forget)
    show = actions.add_parser(
        "pseudonym", help="print the pseudonym of source participant ids (reads only the key)"
    )
    show.add_argument("source_ids", nargs="+", metavar="ID", help="ids as in the source file")
    show.set_defaults(handler=cmd_participants_pseudonym)
    keygen = actions.add_parser("keygen", help="write a new random pseudonym key (mode 0600)")
    keygen.add_argument(
        "--out", type=Path, help="key file to create (default: the default key file)"
    )
    keygen.set_defaults(handler=cmd_participants_keygen)


def _pseudonyms(args: argparse.Namespace, con: duckdb.DuckDBPyConnection, ids: list[str]):
    """Pseudonyms as given; source ids hashed with the warehouse's key (needed only for them)."""
    from resque.matching.privacy import is_pseudonym, participant_pseudonym
    from resque.pipelines.pseudonym_key import warehouse_key

    if all(is_pseudonym(text) for text in ids):
        return [participant_pseudonym(text, None) for text in ids]
    key = warehouse_key(con, _config(args).key_file, required=True)
    return [key.resolve(text) for text in ids]


def cmd_participants_forget(args: argparse.Namespace) -> int:
    """Forget participants now; the analysts' snapshot is republished without them.

    Closing the warehouse republishes the snapshot and rewrites the file (the deleted rows'
    bytes must not stay in it); if that is cut short, the next writable open finishes it.
    """
    from resque.warehouse.erasure import forget_participants

    with opened(_db(args)) as con:
        ids = _pseudonyms(args, con, args.participant_ids)
        removed = forget_participants(con, ids, by=args.by or _login())
    line = (
        f"forgot {len(set(ids))} participant(s): {removed['participants']} "
        f"profile(s), {removed['matches']} match(es), {removed['rejects']} rejected row id(s) "
        "removed"
    )
    if removed["already"]:
        line += f"; {removed['already']} forgotten before, nothing of them left in the file"
    print(line + (f" [run {removed['run_id']}]" if removed["run_id"] else ""))
    return 0


def cmd_participants_pseudonym(args: argparse.Namespace) -> int:
    """One line per id: the source id as given, a tab, its pseudonym (for finding a person)."""
    from resque.pipelines.pseudonym_key import require_key, warehouse_key

    key_file, path = _config(args).key_file, _db(args)
    if path.exists():  # a key other than the warehouse's would print pseudonyms found nowhere
        with opened(path, read_only=True) as con:
            key = warehouse_key(con, key_file, required=True)
    else:
        key = require_key(key_file)
    for source_id in args.source_ids:
        print(f"{source_id}\t{key.pseudonym(source_id)}")
    return 0


def cmd_participants_keygen(args: argparse.Namespace) -> int:
    """Write a new key; print where (never the key), and what to do with it."""
    from resque.pipelines.pseudonym_key import default_key_path, refuse_repository, write_new_key

    path = (args.out or default_key_path()).expanduser().absolute()  # checked as written
    refuse_repository(path)
    key = write_new_key(path)
    print(
        f"{path}: new pseudonym key (fingerprint {key.fingerprint}), readable by you only. "
        "Back it up somewhere safe: without it no pseudonym can be recomputed."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

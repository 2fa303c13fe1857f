"""The inbox: a folder where partners drop lists that the next nightly run imports.

Every CSV, XLSX or JSON(L) file in the folder is imported once, then moved to `done/`
(or `failed/`, with a `.error.txt` saying why) under a name that starts with the time it
was processed, so the folder only ever holds what is still to do.

Which source a file belongs to:
- a sidecar `FILE.toml` next to it (`liste.xlsx.toml`) may name the `source` and say
  `entity`, `write_mode`, `sheet`, `map` and `defaults`, as a `[sources.NAME]` table does,
  and `allow_shrink = true` for a snapshot that really deactivates many records;
- otherwise the source is the file name without extension and without a trailing date
  (`arbeitgeberservice_2026-12.csv` -> `arbeitgeberservice`), lowercased, with other
  characters than letters, digits, '_', '.' and '-' turned into '_';
- that source must be a configured file source, which lends its settings (entity, write
  mode, header map, defaults, sheet, max_shrink; a source without `path` gets its files
  through the inbox only). A file that names no configured source and has no sidecar
  naming one is not imported at all: it goes to `failed/` with "no source configured".

Guards, each ending in `failed/` with a failed `runs` row and the reason beside the file:
- every file meets the guard of its entity: participant files the privacy guard of
  pipelines/participants.py, and a file whose header looks like a list of people is refused
  as anything but participants (pipelines/importer.py);
- a file is taken only once its size and modification time are the same at two looks
  `[inbox] settle_seconds` apart (a copy in progress grows; copies that keep the old
  modification time, as Explorer, `cp -p` and `rsync -a` make, still grow);
- the readers refuse a last row cut mid-line and poison (over-long fields, deep JSON,
  huge headers or shared strings), and a snapshot may not deactivate more than
  `max_shrink` of a source's records; any other error sets the file aside too, so one bad
  file never blocks the nights after it.

Privacy: files in `done/` and `failed/` are readable by their owner only (0600). A
participant file is deleted once its profiles are imported (only its sidecar goes to
`done/`); the nightly retention step deletes every file in `done/` and `failed/` older than
`[privacy] retention_months` (`clear_expired`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import stat
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import duckdb

from resque.errors import ResqueError
from resque.matching.normalise import lower_umlauts
from resque.pipelines.config import (
    DEFAULT_SETTLE_SECONDS,
    ENTITIES,
    WRITE_MODES,
    Config,
    SourceConfig,
)
from resque.pipelines.importer import import_file
from resque.pipelines.steps import StepResult, check_source_name
from resque.warehouse.runs import (
    database_file,
    next_run_id,
    record_failure,
    unrecorded_note,
    utcnow,
)

log = logging.getLogger(__name__)
SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".json"}
SIDECAR_KEYS = {"source", "entity", "write_mode", "sheet", "map", "defaults", "allow_shrink"}
TRAILING_DATE = re.compile(r"[_\-. ]*(\d{4}(-?\d{2}){0,2}|\d{2}\.\d{2}\.\d{4})$")
STAMP_FORMAT = "%Y%m%d-%H%M%S"
_STAMP = re.compile(r"^(\d{8}-\d{6})(-\d+)?_")
PRIVATE = 0o600


def pending_files(
    folder: Path,
    settle: float = DEFAULT_SETTLE_SECONDS,
    wait: Callable[[float], None] = time.sleep,
) -> list[Path]:
    """Files waiting in the inbox whose size and mtime held still for `settle` seconds.

    Two looks, `wait(settle)` between them; a file that changed meanwhile (or appeared) is
    left for the next run. Sidecars, hidden and Office lock files are skipped.
    """
    first = _looks(folder)
    if not first:
        return []
    wait(settle)
    second = _looks(folder)
    return sorted(path for path, look in first.items() if second.get(path) == look)


def _looks(folder: Path) -> dict[Path, tuple[int, int]]:
    """(size, mtime in ns) of every candidate file in the folder."""
    if not folder.is_dir():
        return {}
    looks = {}
    for path in folder.iterdir():
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in SUFFIXES:
            continue
        try:
            status = path.stat()
        except OSError:  # gone between listing and looking
            continue
        if stat.S_ISREG(status.st_mode):
            looks[path] = (status.st_size, status.st_mtime_ns)
    return looks


def source_name_from_file(path: Path, configured: Iterable[str] = ()) -> str:
    """'Arbeitgeberservice_2026-12.csv' -> 'arbeitgeberservice'; a configured name as it is."""
    whole = _clean(path.stem)
    if whole in set(configured):
        return whole
    return _clean(TRAILING_DATE.sub("", path.stem)) or whole or "inbox"


def _clean(stem: str) -> str:
    """A usable source name: lowercase, umlauts spelt out, other characters as '_'."""
    text = lower_umlauts(stem)
    return re.sub(r"[^a-z0-9_.-]+", "_", text).strip("_.-")[:64]


def inbox_source(path: Path, config: Config) -> SourceConfig:
    """The source settings for one inbox file: sidecar, else file name and configured source.

    Raises ResqueError when neither names a configured file source (and the sidecar names
    no source of its own): such a file is never imported on a guess.
    """
    sidecar = _read_sidecar(path)
    name = sidecar.get("source") or source_name_from_file(path, config.sources)
    check_source_name(name)
    configured = config.sources.get(name)
    if configured is not None and configured.type == "file":
        source = replace(configured, path=path)
    elif configured is not None:
        raise ResqueError(f"{path}: source '{name}' is a {configured.type} source, not a file one")
    elif "source" in sidecar:
        source = SourceConfig(name=name, type="file", path=path, write_mode="merge")
    else:
        raise ResqueError(
            f"{path}: no source configured for '{name}': add a [sources.{name}] file "
            f"source to the config, or a sidecar {path.name}.toml naming the source"
        )
    source = replace(
        source,
        entity=sidecar.get("entity", source.entity),
        write_mode=sidecar.get("write_mode", source.write_mode),
        sheet=sidecar.get("sheet", source.sheet),
        map={**source.map, **sidecar.get("map", {})},
        defaults={**source.defaults, **sidecar.get("defaults", {})},
        # a snapshot may deactivate every record (1.0) when the sidecar allows a shrink
        max_shrink=1.0 if sidecar.get("allow_shrink") else source.max_shrink,
    )
    if source.entity not in ENTITIES:
        raise ResqueError(f"{_sidecar(path)}: entity must be one of {', '.join(ENTITIES)}")
    if source.write_mode not in WRITE_MODES:
        raise ResqueError(f"{_sidecar(path)}: write_mode must be 'snapshot' or 'merge'")
    return source


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".toml")


def _read_sidecar(path: Path) -> dict:
    """The file's sidecar settings, checked; {} when there is none."""
    sidecar = _sidecar(path)
    if not sidecar.is_file():
        return {}
    try:
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ResqueError(f"{sidecar}: not a readable TOML file ({exc})") from exc
    unknown = sorted(set(data) - SIDECAR_KEYS)
    if unknown:
        raise ResqueError(
            f"{sidecar}: unknown key {unknown[0]!r} (known: {', '.join(sorted(SIDECAR_KEYS))})"
        )
    if not isinstance(data.get("allow_shrink", False), bool):
        raise ResqueError(f"{sidecar}: allow_shrink must be true or false")
    return data


def import_inbox_file(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> StepResult:
    """Import one inbox file, then move it (and its sidecar) to `done/` or `failed/`.

    A participant file is deleted instead of moved to `done/`: its profiles are in the
    warehouse, pseudonymised, and no raw copy of them is kept.

    Returns:
        The import's result. Raises ResqueError after moving the file to `failed/` with
        an `.error.txt` beside it; the import's failed runs row is recorded as usual.
    """
    try:
        source = inbox_source(path, config)
    except ResqueError as exc:
        _fail(con, path, source_name_from_file(path, config.sources), str(exc))
        raise
    try:
        result = import_file(
            con,
            path,
            entity=source.entity,
            source=source.name,
            overrides=source.map,
            snapshot=source.snapshot,
            sheet=source.sheet,
            defaults=source.defaults,
            key_file=config.key_file,
            max_shrink=config.max_shrink if source.max_shrink is None else source.max_shrink,
        )
    except ResqueError as exc:
        _file_away(path, "failed", str(exc))
        raise
    except Exception as exc:  # a bug or exhausted memory: the file must not block the inbox
        message = f"{path}: internal error ({type(exc).__name__}); the file was set aside"
        _fail(con, path, source.name, message)
        raise ResqueError(message) from exc
    if source.entity == "participants":
        _delete(path)
        result.details["inbox_file"] = "deleted after import"
    else:
        result.details["inbox_file"] = str(_file_away(path, "done"))
    return result


def _fail(con: duckdb.DuckDBPyConnection, path: Path, name: str, message: str) -> None:
    """A file refused before its import ran: a failed runs row, the file to `failed/`."""
    details = {"path": str(path), "inbox": True}
    try:
        db_file, run_id = database_file(con), next_run_id(con)
    except duckdb.Error as exc:  # the database is gone too (a full disk): say so
        message += unrecorded_note(str(exc).splitlines()[0])
    else:
        failure = record_failure(con, run_id, "import", name, utcnow(), message, details, db_file)
        message += unrecorded_note(failure)
    _file_away(path, "failed", message)


def _delete(path: Path) -> None:
    """Remove an imported participant file; its sidecar (settings only) goes to done/."""
    path.unlink()
    sidecar = _sidecar(path)
    if sidecar.is_file():
        _file_away(sidecar, "done")
    log.info("inbox: %s imported and deleted", path.name)


def _file_away(path: Path, where: str, error: str | None = None) -> Path:
    """Move a processed file and its sidecar into done/ or failed/ under a time-stamped name.

    All of it is made owner-only: a file in failed/ may be a refused list of people, and a
    vacancy list may name contact persons.
    """
    folder = path.parent / where
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = dt.datetime.now().strftime(STAMP_FORMAT)
    target = folder / f"{stamp}_{path.name}"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{stamp}-{counter}_{path.name}"
    moved = [target]
    path.replace(target)
    sidecar = _sidecar(path)
    if sidecar.is_file():
        moved.append(target.with_name(target.name + ".toml"))
        sidecar.replace(moved[-1])
    if error is not None:
        moved.append(_write_error(target, error))
    for file in moved:
        if file is not None:
            os.chmod(file, PRIVATE)
    log.info("inbox: %s -> %s", path.name, target)
    return target


def _write_error(target: Path, error: str) -> Path | None:
    """The `.error.txt` beside a failed file (owner-only); None when even that cannot be written."""
    note = target.with_name(target.name + ".error.txt")
    try:
        descriptor = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(error + "\n")
    except OSError as exc:  # a full disk: the file is set aside all the same
        log.warning("inbox: could not write %s (%s)", note.name, exc.strerror)
        note.unlink(missing_ok=True)
        return None
    return note


def clear_expired(folder: Path, months: int | None, now: dt.datetime | None = None) -> int:
    """Delete files in `done/` and `failed/` processed more than `months` months ago.

    Part of the nightly retention step: a refused participant file in `failed/` (or one
    left in `done/` by an older resque) is not kept longer than the profiles would be.
    Returns how many files were deleted; nothing happens without a retention period.
    """
    if months is None:
        return 0
    cutoff = _months_before(now or dt.datetime.now(), months)
    removed = 0
    for where in ("done", "failed"):
        sub = folder / where
        if not sub.is_dir():
            continue
        for path in sub.iterdir():
            if path.is_file() and _processed_at(path) < cutoff:
                path.unlink()
                removed += 1
    if removed:
        log.info("inbox: %d file(s) older than %d months deleted", removed, months)
    return removed


def _processed_at(path: Path) -> dt.datetime:
    """When a file was filed away: the stamp its name starts with, else its mtime."""
    found = _STAMP.match(path.name)
    if found:
        return dt.datetime.strptime(found.group(1), STAMP_FORMAT)
    return dt.datetime.fromtimestamp(path.stat().st_mtime)


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:  # 31 March minus one month: 28/29 February
            day -= 1

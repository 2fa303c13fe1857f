"""The inbox: a folder where partners drop lists that the next nightly run imports.

Every CSV, XLSX or JSON(L) file in the folder is imported once, then moved to `done/`
(or `failed/`, with a `.error.txt` saying why) under a name that starts with the time it
was processed, so the folder only ever holds what is still to do.

Which source a file belongs to:
- a sidecar `FILE.toml` next to it (`liste.xlsx.toml`) may say `source`, `entity`,
  `write_mode`, `sheet`, `map` and `defaults`, as a `[sources.NAME]` table does;
- otherwise the source is the file name without extension and without a trailing date
  (`arbeitgeberservice_2026-12.csv` -> `arbeitgeberservice`), lowercased, with other
  characters than letters, digits, '_', '.' and '-' turned into '_';
- a configured file source of that name lends its settings (entity, write mode, header
  map, defaults, sheet); an unknown name is imported as vacancies in write mode `merge`,
  so a stray file can add and update postings but never deactivate any.
Files younger than a minute are left for the next run: they may still be being copied.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import duckdb

from pipelines.config import ENTITIES, WRITE_MODES, Config, SourceConfig
from pipelines.errors import ResqueError
from pipelines.importer import StepResult, check_source_name, import_file, record_failure
from warehouse.runs import next_run_id, utcnow

log = logging.getLogger(__name__)
SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".json"}
SIDECAR_KEYS = {"source", "entity", "write_mode", "sheet", "map", "defaults"}
MIN_AGE_SECONDS = 60
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
TRAILING_DATE = re.compile(r"[_\-. ]*(\d{4}(-?\d{2}){0,2}|\d{2}\.\d{2}\.\d{4})$")


def pending_files(folder: Path, min_age: float = MIN_AGE_SECONDS) -> list[Path]:
    """Files waiting in the inbox, oldest name first; sidecars, hidden and young files skipped."""
    if not folder.is_dir():
        return []
    cutoff = time.time() - min_age
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith((".", "~$"))
        and path.suffix.lower() in SUFFIXES
        and path.stat().st_mtime <= cutoff
    )


def source_name_from_file(path: Path, configured: Iterable[str] = ()) -> str:
    """'Arbeitgeberservice_2026-12.csv' -> 'arbeitgeberservice'; a configured name as it is."""
    whole = _clean(path.stem)
    if whole in set(configured):
        return whole
    return _clean(TRAILING_DATE.sub("", path.stem)) or whole or "inbox"


def _clean(stem: str) -> str:
    """A usable source name: lowercase, umlauts spelt out, other characters as '_'."""
    text = stem.lower().translate(UMLAUTS)
    return re.sub(r"[^a-z0-9_.-]+", "_", text).strip("_.-")[:64]


def inbox_source(path: Path, config: Config) -> SourceConfig:
    """The source settings for one inbox file: sidecar, else file name and configured source."""
    sidecar = _read_sidecar(path)
    name = sidecar.get("source") or source_name_from_file(path, config.sources)
    check_source_name(name)
    configured = config.sources.get(name)
    if configured is not None and configured.type == "file":
        source = replace(configured, path=path)
    else:
        source = SourceConfig(name=name, type="file", path=path, write_mode="merge")
    source = replace(
        source,
        entity=sidecar.get("entity", source.entity),
        write_mode=sidecar.get("write_mode", source.write_mode),
        sheet=sidecar.get("sheet", source.sheet),
        map={**source.map, **sidecar.get("map", {})},
        defaults={**source.defaults, **sidecar.get("defaults", {})},
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
    return data


def import_inbox_file(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> StepResult:
    """Import one inbox file, then move it (and its sidecar) to `done/` or `failed/`.

    Returns:
        The import's result. Raises ResqueError after moving the file to `failed/` with
        an `.error.txt` beside it; the import's failed runs row is recorded as usual.
    """
    try:
        source = inbox_source(path, config)
    except ResqueError as exc:
        name = source_name_from_file(path, config.sources)
        details = {"path": str(path), "inbox": True}
        record_failure(con, next_run_id(con), "import", name, utcnow(), str(exc), details)
        _file_away(path, "failed", str(exc))
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
        )
    except ResqueError as exc:
        _file_away(path, "failed", str(exc))
        raise
    moved = _file_away(path, "done")
    result.details["moved_to"] = str(moved)
    return result


def _file_away(path: Path, where: str, error: str | None = None) -> Path:
    """Move a processed file and its sidecar into done/ or failed/ under a time-stamped name."""
    folder = path.parent / where
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{stamp}_{path.name}"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{stamp}-{counter}_{path.name}"
    path.replace(target)
    sidecar = _sidecar(path)
    if sidecar.is_file():
        sidecar.replace(target.with_name(target.name + ".toml"))
    if error is not None:
        target.with_name(target.name + ".error.txt").write_text(error + "\n", encoding="utf-8")
    log.info("inbox: %s -> %s", path.name, target)
    return target

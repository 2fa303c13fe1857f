"""The TOML config: where the warehouse is and which sources feed it.

Precedence, highest first: command-line flag, environment variable (RESQUE_DB,
RESQUE_CONFIG), the TOML file, built-in defaults. A source declares up front what dlt
calls its primary key (the column mapped to `source_ref`, else a hash of the record's
identity) and its write mode: `snapshot` (each file is the complete current list, postings
it lacks become inactive) or `merge` (upsert only, nothing is deactivated). A snapshot
that would deactivate more than `max_shrink` of a source's active records (`[import]`, or
per source) is refused: a half-copied list is not the complete one.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipelines.errors import ResqueError
from pipelines.record import record_fields

BUNDLED_CONFIG = Path(__file__).resolve().parent.parent / "samples" / "resque.toml"
DEFAULT_DB = "resque.duckdb"
WRITE_MODES = ("snapshot", "merge")
ENTITIES = ("vacancies", "employers", "participants")
DEFAULT_MAX_SHRINK = 0.3
DEFAULT_SETTLE_SECONDS = 10.0
SOURCE_KEYS = {
    "file": {
        "type",
        "entity",
        "path",
        "write_mode",
        "map",
        "defaults",
        "sheet",
        "max_shrink",
        "enabled",
        "description",
        "display_name",
    },
    "spider": {
        "type",
        "entity",
        "spider",
        "base_url",
        "start_urls",
        "write_mode",
        "args",
        "settings",
        "defaults",
        "enabled",
        "description",
        "display_name",
    },
}
TOP_LEVEL_KEYS = {
    "warehouse",
    "import",
    "sources",
    "schedule",
    "dedup",
    "match",
    "export",
    "inbox",
    "privacy",
}


@dataclass
class SourceConfig:
    """One configured source."""

    name: str
    type: str
    entity: str = "vacancies"
    path: Path | None = None  # a file source without one gets its files through the inbox
    write_mode: str = "merge"
    map: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    max_shrink: float | None = None  # None: [import] max_shrink
    spider: str | None = None
    base_url: str | None = None
    start_urls: list[str] = field(default_factory=list)
    args: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True
    description: str | None = None
    display_name: str | None = None  # what lists for people outside call it (German)

    @property
    def snapshot(self) -> bool:
        return self.write_mode == "snapshot"


@dataclass
class ScheduleConfig:
    """[schedule]: when `resque serve` runs the flows, and how often a failed crawl is retried."""

    timezone: str = "Europe/Berlin"
    nightly: str = "0 2 * * *"  # every night at 02:00
    monthly: str = "0 6 15 * *"  # the employer-service export, 06:00 on the 15th
    crawl_retries: int = 2
    crawl_retry_delay: int = 300  # seconds between attempts


@dataclass
class ExportConfig:
    """[export]: where the monthly employer-service lists go, and to whom."""

    path: Path | None = None  # default: folder 'exports' next to the warehouse
    to: str | None = None


@dataclass
class Config:
    """The whole config, with paths resolved."""

    path: Path
    db_path: Path
    sources: dict[str, SourceConfig]
    sections: dict[str, Any] = field(default_factory=dict)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    inbox: Path | None = None  # [inbox] path: a folder where partners drop files
    # [inbox] settle_seconds: an inbox file is imported only if its size and modification
    # time are the same at two looks this far apart (a copy may still be in progress)
    inbox_settle_seconds: float = DEFAULT_SETTLE_SECONDS
    # [import] max_shrink: the largest share of a source's active records one snapshot may
    # deactivate; more is refused unless allowed (`--allow-shrink`, sidecar `allow_shrink`)
    max_shrink: float = DEFAULT_MAX_SHRINK
    # [privacy] retention_months: participants no import confirmed for this long are
    # forgotten by the nightly run; None keeps them until they are forgotten by request
    retention_months: int | None = None
    # [privacy] key_file: the pseudonym key (pipelines/pseudonym_key.py); the environment
    # variables RESQUE_PSEUDONYM_KEY and RESQUE_PSEUDONYM_KEY_FILE beat it
    key_file: Path | None = None

    def source_display_names(self) -> dict[str, str]:
        """The configured display names of sources (reports/source_names.py fills the gaps)."""
        return {n: s.display_name for n, s in self.sources.items() if s.display_name}

    def shrink_limit(self, source: str) -> float:
        """The share of `source`'s active records a snapshot may deactivate."""
        configured = self.sources.get(source)
        if configured is not None and configured.max_shrink is not None:
            return configured.max_shrink
        return self.max_shrink


def config_path(flag: str | None) -> Path:
    """The config file to use: --config, then $RESQUE_CONFIG, then the bundled samples config."""
    chosen = flag or os.environ.get("RESQUE_CONFIG")
    return Path(chosen) if chosen else BUNDLED_CONFIG


def db_path(flag: str | None, config: Config | None = None) -> Path:
    """The warehouse file: --db, then $RESQUE_DB, then [warehouse] path, then ./resque.duckdb."""
    if flag:
        return Path(flag)
    if os.environ.get("RESQUE_DB"):
        return Path(os.environ["RESQUE_DB"])
    return config.db_path if config else Path(DEFAULT_DB)


def load_config(path: Path) -> Config:
    """Read and check a config file; every mistake is one line naming the file and key."""
    if not path.is_file():
        raise ResqueError(f"{path}: no such config file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ResqueError(f"{path}: invalid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ResqueError(f"{path}: not UTF-8 text") from exc
    _reject_unknown(path, "top level", data, TOP_LEVEL_KEYS)
    warehouse = data.get("warehouse", {})
    _reject_unknown(path, "[warehouse]", warehouse, {"path"})
    base = path.resolve().parent
    imports = data.get("import", {})
    _reject_unknown(path, "[import]", imports, {"max_shrink"})
    sources = {
        name: _source(path, base, name, section)
        for name, section in data.get("sources", {}).items()
    }
    return Config(
        path=path,
        db_path=Path(warehouse.get("path", DEFAULT_DB)),
        sources=sources,
        sections={k: v for k, v in data.items() if k not in {"warehouse", "sources"}},
        schedule=_schedule(path, data.get("schedule", {})),
        export=_export(path, base, data.get("export", {})),
        inbox=_inbox(path, base, data.get("inbox", {})),
        inbox_settle_seconds=_settle_seconds(path, data.get("inbox", {})),
        max_shrink=_share(path, "[import]", imports.get("max_shrink", DEFAULT_MAX_SHRINK)),
        retention_months=_retention(path, data.get("privacy", {})),
        key_file=_key_file(path, base, data.get("privacy", {})),
    )


def _retention(path: Path, section: Any) -> int | None:
    """[privacy] retention_months, checked: a whole number of months, at least 1."""
    _reject_unknown(path, "[privacy]", section, {"retention_months", "key_file"})
    months = section.get("retention_months")
    if months is not None and (
        isinstance(months, bool) or not isinstance(months, int) or months < 1
    ):
        raise ResqueError(f"{path}: [privacy]: retention_months must be a whole number >= 1")
    return months


def _key_file(path: Path, base: Path, section: dict[str, Any]) -> Path | None:
    """[privacy] key_file: the pseudonym key file ('~' allowed; relative to the config)."""
    value = section.get("key_file")
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ResqueError(f"{path}: [privacy]: key_file must be a file name")
    return (base / Path(value).expanduser()).resolve()


def _reject_unknown(path: Path, where: str, section: Any, known: set[str]) -> None:
    """A misspelt key is an error, not a silently ignored setting."""
    if not isinstance(section, dict):
        raise ResqueError(f"{path}: {where} must be a table")
    unknown = sorted(set(section) - known)
    if unknown:
        raise ResqueError(
            f"{path}: {where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )


def _source(path: Path, base: Path, name: str, section: Any) -> SourceConfig:
    """One [sources.NAME] table, checked."""
    where = f"[sources.{name}]"
    if not isinstance(section, dict):
        raise ResqueError(f"{path}: {where} must be a table")
    # a source naming its spider is a spider source: `type` may be left out
    kind = section.get("type", "spider" if "spider" in section else "file")
    if kind not in SOURCE_KEYS:
        raise ResqueError(f"{path}: {where}: type must be 'file' or 'spider', not {kind!r}")
    _reject_other_kinds_keys(path, where, section, kind)
    _reject_unknown(path, where, section, SOURCE_KEYS[kind])
    entity = section.get("entity", "vacancies")
    if entity not in ENTITIES:
        raise ResqueError(f"{path}: {where}: entity must be one of {', '.join(ENTITIES)}")
    write_mode = section.get("write_mode", "merge")
    if write_mode not in WRITE_MODES:
        raise ResqueError(f"{path}: {where}: write_mode must be 'snapshot' or 'merge'")
    defaults = section.get("defaults", {})
    _reject_unknown(path, f"{where}.defaults", defaults, set(record_fields(entity)))
    source = SourceConfig(
        name=name,
        type=kind,
        entity=entity,
        write_mode=write_mode,
        map=dict(section.get("map", {})),
        defaults=defaults,
        sheet=section.get("sheet"),
        max_shrink=(
            _share(path, where, section["max_shrink"]) if "max_shrink" in section else None
        ),
        spider=section.get("spider"),
        display_name=_display_name(path, where, section.get("display_name")),
        base_url=section.get("base_url"),
        start_urls=list(section.get("start_urls", [])),
        args=dict(section.get("args", {})),
        settings=dict(section.get("settings", {})),
        enabled=bool(section.get("enabled", True)),
        description=section.get("description"),
    )
    if kind == "file":
        if "path" in section:  # without one, the source's files come through the inbox
            if not isinstance(section["path"], str) or not section["path"]:
                raise ResqueError(f"{path}: {where}: path must be a file name")
            source.path = (base / section["path"]).resolve()
    elif not source.spider:
        raise ResqueError(f"{path}: {where}: a spider source needs 'spider'")
    else:
        source.base_url = _local_or_url(base, source.base_url)
        source.start_urls = [_local_or_url(base, url) for url in source.start_urls]
    return source


def _display_name(path: Path, where: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ResqueError(f"{path}: {where}: display_name must be a non-empty text")
    return value.strip()


def _reject_other_kinds_keys(path: Path, where: str, section: dict, kind: str) -> None:
    """A key of the other source type: say which type it belongs to, not just 'unknown'."""
    other = "file" if kind == "spider" else "spider"
    strays = sorted(set(section) - SOURCE_KEYS[kind] & SOURCE_KEYS[other])
    if strays:
        needs = f"type = {other!r}" + ("" if other == "file" else " and spider = '...'")
        raise ResqueError(
            f"{path}: {where}: key {strays[0]!r} belongs to a {other} source, but this is "
            f"a {kind} source; a {other} source needs {needs}"
        )


def _schedule(path: Path, section: Any) -> ScheduleConfig:
    """[schedule], checked: five-field cron strings, a known time zone, whole numbers."""
    known = set(ScheduleConfig.__dataclass_fields__)
    _reject_unknown(path, "[schedule]", section, known)
    schedule = ScheduleConfig(**section)
    for key in ("nightly", "monthly"):
        value = getattr(schedule, key)
        if not isinstance(value, str) or len(value.split()) != 5:
            raise ResqueError(
                f"{path}: [schedule]: {key} must be a cron string with five fields "
                f"(minute hour day month weekday), not {value!r}"
            )
    try:
        ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ResqueError(
            f"{path}: [schedule]: unknown timezone {schedule.timezone!r} (e.g. 'Europe/Berlin')"
        ) from exc
    for key in ("crawl_retries", "crawl_retry_delay"):
        value = getattr(schedule, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ResqueError(f"{path}: [schedule]: {key} must be a whole number >= 0")
    return schedule


def _export(path: Path, base: Path, section: Any) -> ExportConfig:
    """[export]: `path` (relative to the config file) and `to`, the usual recipient."""
    _reject_unknown(path, "[export]", section, {"path", "to"})
    for key in ("path", "to"):
        if not isinstance(section.get(key, ""), str):
            raise ResqueError(f"{path}: [export]: {key} must be text")
    out = section.get("path")
    return ExportConfig(path=(base / out).resolve() if out else None, to=section.get("to"))


def _share(path: Path, where: str, value: Any) -> float:
    """A share such as max_shrink: a number from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ResqueError(f"{path}: {where}: max_shrink must be a number from 0 to 1 (0.3 = 30%)")
    return float(value)


def _settle_seconds(path: Path, section: Any) -> float:
    """[inbox] settle_seconds: how long apart the two looks at an inbox file are."""
    value = section.get("settle_seconds", DEFAULT_SETTLE_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
        raise ResqueError(f"{path}: [inbox]: settle_seconds must be a number from 0 to 3600")
    return float(value)


def _inbox(path: Path, base: Path, section: Any) -> Path | None:
    """[inbox] path: a folder (relative to the config file) whose files each nightly run imports."""
    _reject_unknown(path, "[inbox]", section, {"path", "settle_seconds"})
    folder = section.get("path")
    if folder is None:
        return None
    if not isinstance(folder, str) or not folder:
        raise ResqueError(f"{path}: [inbox]: path must be a folder name")
    return (base / folder).resolve()


def _local_or_url(base: Path, value: str | None) -> str | None:
    """A URL as given; a plain path (relative to the config) as a file:// URL.

    This lets the bundled config crawl saved pages offline, and a mirror stand in.
    """
    if not value or "://" in value:
        return value
    return (base / value).resolve().as_uri()

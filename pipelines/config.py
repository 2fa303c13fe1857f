"""The TOML config: where the warehouse is, which sources feed it, and how the stages run.

Precedence, highest first: command-line flag, environment variable, the TOML file, built-in
defaults. RESQUE_DB and RESQUE_CONFIG name the warehouse and the config file; any other
setting can be given as RESQUE_<SECTION>__<KEY> (e.g. RESQUE_MATCH__TOP=20,
RESQUE_SCHEDULE__TIMEZONE=UTC), read by pydantic-settings. Every table refuses a key it
does not know: a misspelt key is an error, not a silently ignored setting.

A source declares up front what dlt calls its primary key (the column mapped to
`source_ref`, else a hash of the record's identity) and its write mode: `snapshot` (each
file is the complete current list, postings it lacks become inactive) or `merge` (upsert
only, nothing is deactivated). A snapshot that would deactivate more than `max_shrink` of
a source's active records (`[import]`, or per source) is refused: a half-copied list is not
the complete one.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from resque.errors import ResqueError
from resque.pipelines.record import record_fields

BUNDLED_CONFIG = Path(__file__).resolve().parent.parent / "samples" / "resque.toml"
DEFAULT_DB = "resque.duckdb"
WRITE_MODES = ("snapshot", "merge")
ENTITIES = ("vacancies", "employers", "participants")
DEFAULT_MAX_SHRINK = 0.3
DEFAULT_SETTLE_SECONDS = 10.0
DEFAULT_TOP = 10
ENV_PREFIX = "RESQUE_"
COMMON_SOURCE_KEYS = {
    "type",
    "entity",
    "write_mode",
    "defaults",
    "enabled",
    "description",
    "display_name",
}
SOURCE_KEYS = {
    "file": COMMON_SOURCE_KEYS | {"path", "map", "sheet", "max_shrink"},
    "spider": COMMON_SOURCE_KEYS | {"spider", "base_url", "start_urls", "args", "settings"},
}
# The dedup threshold is calibrated with the pair model, and an incremental run clusters
# again only the vacancies new postings touch: a threshold from the config would leave the
# warehouse merged at two cut-offs. `resque dedup --full` is a flag, not a setting.
DEDUP_REFUSED = (
    "[dedup] takes no settings: the merge threshold is calibrated with the model "
    "(matching/linkage/dedup_model.json, benchmarks/train_dedup.py; docs/dedup.md)"
)


@dataclass
class SourceConfig:
    """One configured source, paths resolved (pipelines/inbox.py derives more with replace)."""

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


# --- the file's tables, checked by pydantic ----------------------------------------------------


def _says(message: str, *, numeric: bool = False) -> WrapValidator:
    """Any failure of the field is `message` ({key}: the field, {value}: what was given): one
    sentence a user can act on, instead of pydantic's words about types.

    `numeric`: TOML true/false is refused although pydantic would read it as 1/0.
    """

    def check(value: Any, handler: Callable[[Any], Any], info: ValidationInfo) -> Any:
        said = message.format(key=info.field_name, value=repr(value))
        if numeric and isinstance(value, bool):
            raise ValueError(said)
        try:
            return handler(value)
        except ValidationError as exc:
            raise ValueError(said) from exc

    return WrapValidator(check)


Share = Annotated[
    float, Field(ge=0, le=1), _says("{key} must be a number from 0 to 1 (0.3 = 30%)", numeric=True)
]
Count = Annotated[int, Field(ge=0), _says("{key} must be a whole number >= 0", numeric=True)]
Text = Annotated[str, _says("{key} must be text")]
FileName = Annotated[str, Field(min_length=1), _says("{key} must be a file name")]
Cron = Annotated[
    str,
    Field(pattern=r"^\s*\S+(\s+\S+){4}\s*$"),
    _says(
        "{key} must be a cron string with five fields (minute hour day month weekday), not {value}"
    ),
]


class Table(BaseModel):
    """A TOML table: a key it does not declare is an error."""

    model_config = ConfigDict(extra="forbid")


class WarehouseTable(Table):
    path: FileName = DEFAULT_DB  # relative to the working directory, as given


class ImportTable(Table):
    max_shrink: Share = DEFAULT_MAX_SHRINK


class ScheduleConfig(Table):
    """[schedule]: when `resque serve` runs the flows, and how often a failed crawl is retried."""

    timezone: Text = "Europe/Berlin"
    nightly: Cron = "0 2 * * *"  # every night at 02:00
    monthly: Cron = "0 6 15 * *"  # the employer-service export, 06:00 on the 15th
    crawl_retries: Count = 2
    crawl_retry_delay: Count = 300  # seconds between attempts

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {zone!r} (e.g. 'Europe/Berlin')") from exc
        return zone


class ExportConfig(Table):
    """[export]: where the monthly employer-service lists go, and to whom."""

    # relative to the config file; None: the folder 'exports' next to the warehouse
    path: Annotated[Path | None, _says("{key} must be a folder name")] = None
    to: Text | None = None  # recorded as the recipient

    @field_validator("path", mode="before")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        if value == "":  # Path("") would be the config's own folder, not "unset"
            raise ValueError("path must be a folder name")
        return value


class InboxTable(Table):
    path: Annotated[str | None, Field(min_length=1), _says("{key} must be a folder name")] = None
    settle_seconds: Annotated[
        float,
        Field(ge=0, le=3600),
        _says("{key} must be a number from 0 to 3600", numeric=True),
    ] = DEFAULT_SETTLE_SECONDS


class PrivacyTable(Table):
    retention_months: Annotated[
        int | None, Field(ge=1), _says("{key} must be a whole number >= 1", numeric=True)
    ] = None
    key_file: FileName | None = None


class MatchTable(Table):
    """[match]: what `resque match` and the nightly match do unless a flag says otherwise."""

    top: Annotated[int, Field(ge=1), _says("{key} must be a whole number >= 1", numeric=True)] = (
        DEFAULT_TOP
    )


class SourceTable(Table):
    """[sources.NAME]: the keys of both kinds; which are allowed depends on `type`."""

    type: str = "file"
    entity: Annotated[
        str,
        Field(pattern="^(" + "|".join(ENTITIES) + ")$"),
        _says("{key} must be one of " + ", ".join(ENTITIES)),
    ] = "vacancies"
    write_mode: Annotated[
        str, Field(pattern="^(snapshot|merge)$"), _says("{key} must be 'snapshot' or 'merge'")
    ] = "merge"
    defaults: dict[str, Any] = {}
    enabled: bool = True
    description: str | None = None
    display_name: Annotated[
        str | None, Field(pattern=r"\S"), _says("{key} must be a non-empty text")
    ] = None
    path: FileName | None = None
    map: dict[str, str] = {}
    sheet: str | None = None
    max_shrink: Share | None = None
    spider: str | None = None
    base_url: str | None = None
    start_urls: list[str] = []
    args: dict[str, Any] = {}
    settings: dict[str, Any] = {}

    @model_validator(mode="wrap")
    @classmethod
    def _keys_of_its_kind(cls, data: Any, handler: Callable[[Any], Any]) -> Any:
        if not isinstance(data, dict):
            return handler(data)  # pydantic says it must be a table
        # a source naming its spider is a spider source: `type` may be left out
        kind = data.get("type", "spider" if "spider" in data else "file")
        if kind not in SOURCE_KEYS:
            raise ValueError(f"type must be 'file' or 'spider', not {kind!r}")
        _refuse_other_kinds_keys(data, kind)
        unknown = sorted(set(data) - SOURCE_KEYS[kind])
        if unknown:
            raise ValueError(_unknown(unknown[0], SOURCE_KEYS[kind]))
        return handler({**data, "type": kind})

    @model_validator(mode="after")
    def _complete(self) -> SourceTable:
        known = record_fields(self.entity)
        unknown = sorted(set(self.defaults) - set(known))
        if unknown:
            raise ValueError(f"defaults: {_unknown(unknown[0], known)}")
        if self.type == "spider" and not self.spider:
            raise ValueError("a spider source needs 'spider'")
        return self


def _unknown(key: str, known: Any) -> str:
    return f"unknown key {key!r} (known: {', '.join(sorted(known))})"


def _refuse_other_kinds_keys(section: dict, kind: str) -> None:
    """A key of the other source type: say which type it belongs to, not just 'unknown'."""
    other = "file" if kind == "spider" else "spider"
    strays = sorted(set(section) - SOURCE_KEYS[kind] & SOURCE_KEYS[other])
    if strays:
        needs = f"type = {other!r}" + ("" if other == "file" else " and spider = '...'")
        raise ValueError(
            f"key {strays[0]!r} belongs to a {other} source, but this is "
            f"a {kind} source; a {other} source needs {needs}"
        )


# The file load_config is reading: pydantic-settings builds its sources from the class, so
# the path reaches settings_customise_sources this way (a ContextVar: safe across threads).
_TOML_FILE: ContextVar[Path] = ContextVar("resque_toml_file", default=BUNDLED_CONFIG)


class ConfigFile(BaseSettings):
    """The whole file, merged with RESQUE_<SECTION>__<KEY> variables (which win)."""

    model_config = SettingsConfigDict(
        extra="forbid",
        env_prefix=ENV_PREFIX,
        env_prefix_target="all",  # `import` is an alias (a Python keyword): prefix it too
        env_nested_delimiter="__",
    )

    warehouse: WarehouseTable = WarehouseTable()
    import_: ImportTable = Field(ImportTable(), alias="import")
    sources: dict[str, SourceTable] = {}
    schedule: ScheduleConfig = ScheduleConfig()
    match: MatchTable = MatchTable()
    export: ExportConfig = ExportConfig()
    inbox: InboxTable = InboxTable()
    privacy: PrivacyTable = PrivacyTable()

    @model_validator(mode="before")
    @classmethod
    def _no_dedup_settings(cls, data: Any) -> Any:
        if isinstance(data, dict) and "dedup" in data:
            raise ValueError(DEDUP_REFUSED)
        return data

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ):
        """Environment over the TOML file over the defaults; no .env or secrets files."""
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, _TOML_FILE.get())


# --- the resolved config the commands use -------------------------------------------------------


@dataclass
class Config:
    """The whole config, with paths resolved."""

    path: Path
    db_path: Path
    sources: dict[str, SourceConfig]
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
    # [match] top: matches kept per participant when `resque match` has no --top
    match_top: int = DEFAULT_TOP

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
    token = _TOML_FILE.set(path)
    try:
        checked = ConfigFile()
    except tomllib.TOMLDecodeError as exc:
        raise ResqueError(f"{path}: invalid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ResqueError(f"{path}: not UTF-8 text") from exc
    except ValidationError as exc:
        raise ResqueError(one_line(path, exc)) from None  # the line says it all
    except SettingsError as exc:  # a RESQUE_<SECTION> variable that is not JSON
        raise ResqueError(f"environment: {exc}") from None
    finally:
        _TOML_FILE.reset(token)
    return _resolved(path, checked)


def _resolved(path: Path, checked: ConfigFile) -> Config:
    """The checked tables as the commands use them: paths relative to the config file."""
    base = path.resolve().parent
    export = checked.export
    privacy = checked.privacy
    return Config(
        path=path,
        db_path=Path(checked.warehouse.path),
        sources={name: _source(base, name, table) for name, table in checked.sources.items()},
        schedule=checked.schedule,
        export=export.model_copy(update={"path": _under(base, export.path)}),
        inbox=_under(base, checked.inbox.path),
        inbox_settle_seconds=checked.inbox.settle_seconds,
        max_shrink=checked.import_.max_shrink,
        retention_months=privacy.retention_months,
        key_file=_under(base, privacy.key_file and Path(privacy.key_file).expanduser()),
        match_top=checked.match.top,
    )


def _under(base: Path, value: str | Path | None) -> Path | None:
    return (base / value).resolve() if value else None


def _source(base: Path, name: str, table: SourceTable) -> SourceConfig:
    """One checked [sources.NAME] table, its paths resolved."""
    source = SourceConfig(name=name, **table.model_dump(exclude={"path", "display_name"}))
    source.display_name = table.display_name.strip() if table.display_name else None
    if source.type == "file":
        source.path = _under(base, table.path)  # without one, files come through the inbox
    else:
        source.base_url = _local_or_url(base, source.base_url)
        source.start_urls = [_local_or_url(base, url) for url in source.start_urls]
    return source


def _local_or_url(base: Path, value: str | None) -> str | None:
    """A URL as given; a plain path (relative to the config) as a file:// URL.

    This lets the bundled config crawl saved pages offline, and a mirror stand in.
    """
    if not value or "://" in value:
        return value
    return (base / value).resolve().as_uri()


# --- pydantic's report as one line -------------------------------------------------------------


def one_line(path: Path, error: ValidationError) -> str:
    """The first problem pydantic found, as '<file>: [table]: <what is wrong>'."""
    problem = error.errors()[0]
    loc = tuple(str(part) for part in problem["loc"])
    origin = _variable(loc) or path  # a variable beats the file: the value came from it
    kind, text = problem["type"], problem["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return f"{origin}: {_where(loc[:-1])}: {_unknown(loc[-1], _known(loc[:-1]))}"
    depth = 2 if loc[:1] == ("sources",) else 1  # a source's table is two names deep
    table, key = loc[:depth], ".".join(loc[depth:])
    if kind in ("model_type", "dict_type", "model_attributes_type") and not key:
        return f"{origin}: {_where(table)} must be a table"
    if kind != "value_error" and key:
        text = f"{key}: {text}"  # pydantic's own words, for a case no rule above words
    return f"{origin}: {_where(table)}: {text}" if table else f"{origin}: {text}"


def _variable(loc: tuple[str, ...]) -> str | None:
    """The environment variable that set the value at `loc` (or its table), if one did."""
    names = {name.upper() for name in os.environ}
    for depth in range(len(loc), 0, -1):
        name = ENV_PREFIX + "__".join(loc[:depth]).upper()
        if name in names:
            return f"${name}"
    return None


def _where(table: tuple[str, ...]) -> str:
    return f"[{'.'.join(table)}]" if table else "top level"


def _known(table: tuple[str, ...]) -> list[str]:
    """The keys the table at `table` declares (its alias where it has one)."""
    model: Any = ConfigFile
    for name in table:
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        model = fields[name].annotation if name in fields else None
        if not isinstance(model, type) or not issubclass(model, BaseModel):
            return []
    return sorted(f.alias or n for n, f in model.model_fields.items())

"""What an import or crawl step hands back, and how its failure reads.

Shared by the vacancy importer, the participant importer and the crawl loader, which do not
import each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from resque.errors import ResqueError
from resque.warehouse.load import LoadCounts
from resque.warehouse.runs import Describe

SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class StepResult:
    """What a finished import or crawl load did."""

    run_id: int
    source: str
    entity: str
    counts: LoadCounts
    details: dict[str, Any] = field(default_factory=dict)


def check_source_name(source: str) -> str:
    """Source names become ids and file names: letters, digits, '_', '.', '-' only."""
    if not SOURCE_NAME.match(source or ""):
        raise ResqueError(
            f"source name {source!r}: use letters, digits, '_', '.' or '-' (at most 64)"
        )
    return source


def load_error(where: str) -> Describe:
    """An import's failed-row error: its own line for a refusal, one line for a failed load;
    any other exception (a bug) leaves no failed row."""

    def describe(exc: BaseException) -> str | None:
        if isinstance(exc, ResqueError):
            return str(exc)
        if isinstance(exc, (duckdb.Error, OSError, MemoryError)):
            return f"{where}: load failed ({str(exc).splitlines()[0]})"
        return None

    return describe

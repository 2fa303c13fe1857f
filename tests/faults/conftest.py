"""Fault injection: steps run as real processes, killed or starved, then the warehouse inspected."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

# What a table holds, without the timestamps and run ids that differ between two runs.
CONTENT = {
    "postings": "posting_id, content_hash, is_active, vacancy_id",
    "employers": "employer_id, content_hash, is_active",
    "raw_records": "source, source_ref, payload_hash",
    "rejects": "source, row_number, reason",
    "runs": "kind, source, status, rows_in, rows_loaded, rows_rejected",
}


def digest(db: Path) -> dict[str, tuple[int, int]]:
    """(row count, order-free hash of the content columns) per table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: con.execute(
                f"select count(*), coalesce(sum(hash({columns})), 0) from {table}"
            ).fetchone()
            for table, columns in CONTENT.items()
        }
    finally:
        con.close()


def resque_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "resque.cli", *map(str, args)]


def run(*args: str | Path, file_size_limit: int | None = None) -> subprocess.CompletedProcess:
    """Run resque as its own process; optionally with a cap on file sizes (a full disk)."""

    def starve() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        resque_cmd(*args),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=starve if file_size_limit else None,
        env={**os.environ, "RESQUE_DEBUG": ""},
    )


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory) -> Path:
    """A 100,000-row employer-service list, large enough to kill an import half-way."""
    path = tmp_path_factory.mktemp("faults") / "list.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "Referenznummer;Stellentitel;Arbeitgeber;PLZ;Arbeitsort;Eintrittsdatum;Beschreibung\n"
        )
        for i in range(100_000):
            handle.write(
                f"R{i};Lagerhelfer {i % 50} (m/w/d);Firma {i % 3000} GmbH;04{i % 900 + 100:03d};"
                f"Leipzig;01.{i % 12 + 1:02d}.2027;Beschreibung der Stelle {i}\n"
            )
    return path

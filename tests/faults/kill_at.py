"""Run resque and kill this very process with SIGKILL at a named step: a crash at that moment.

    python -m tests.faults.kill_at STEP resque ARGS...   (a resque command)
    python -m tests.faults.kill_at STEP publish DB       (a snapshot publish on its own)

STEP is a `warehouse.db.fault_point` name; one of `_during`'s: killed while that step
writes (as soon as its scratch file has bytes, at the latest when the step ends); or
'rename': as the rewritten copy is renamed over the warehouse (a step main had too). The
process exits 3 if it never reached STEP.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from resque.warehouse.db import opened
from resque.warehouse.snapshot import parquet_dir, publish_snapshot, snapshot_path
from tests.erasure_support import on_fault_point


def _has_bytes(*paths: Path) -> bool:
    return any(p.exists() and p.stat().st_size > 0 for p in paths)


def _during(db: Path) -> dict[str, tuple[str, str, Callable[[], bool]]]:
    """Step name: (fault point it starts at, fault point it ends at, whether it has begun)."""
    fresh, pid = db.with_name(f".{db.name}.rewrite"), os.getpid()  # as warehouse.db names it
    copy = snapshot_path(db).with_name(f".{snapshot_path(db).name}.{pid}.tmp")
    folder = parquet_dir(db).with_name(f".{parquet_dir(db).name}.{pid}.tmp")
    return {
        "rewrite.copying": (
            "rewrite.copy", "rewrite.copied", lambda: _has_bytes(Path(f"{fresh}.wal"))
        ),
        "snapshot.copying": (
            "snapshot.copy", "snapshot.parquet", lambda: _has_bytes(Path(f"{copy}.wal"))
        ),
        "snapshot.writing": (
            "snapshot.parquet", "snapshot.rename",
            lambda: folder.is_dir() and any(folder.glob("*.parquet")),
        ),
    }  # fmt: skip


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _watch(begun: Callable[[], bool]) -> None:
    """Kill the process from a thread as soon as `begun()` (DuckDB releases the GIL)."""

    def watch() -> None:
        while not begun():
            time.sleep(0.0002)
        _die()

    threading.Thread(target=watch, daemon=True).start()


def install(step: str, db: Path) -> None:
    """Kill this process at `step` (see the module's docstring)."""
    if step == "rename":
        real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            if Path(dst) == db:
                _die()
            return real_replace(src, dst, *args, **kwargs)

        os.replace = replace
        return
    during = _during(db).get(step)

    def at(name: str) -> None:
        if name == step:
            _die()
        if during and name == during[0]:
            _watch(during[2])
        if during and name == during[1]:
            _die()  # the write was over before the watcher saw it begin

    on_fault_point(at)


def main(argv: list[str]) -> int:
    step, command, *args = argv
    if command == "publish":
        db = Path(args[0])
        install(step, db)
        with opened(db) as con:
            publish_snapshot(con, db)
        return 3
    from resque import cli

    db = Path(args[args.index("--db") + 1])
    install(step, db)
    cli.main(args)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

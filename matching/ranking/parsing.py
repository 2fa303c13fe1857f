"""Parsing the vacancy texts (profiles.parse_vacancy_text), in forked worker processes.

The texts reach the workers through the module global _FORKED_TEXTS, which a forked child
inherits: it must live in this module, beside _parse_forked, the function the workers run,
because a worker reads the globals of the module that function belongs to.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

from resque.matching.ranking import profiles as pf


class Parsing:
    """parse_vacancy_text for every text; large lists are split over worker processes, which
    parse while this process goes on (the occupation model is fitted meanwhile)."""

    def __init__(self, texts: list[str], workers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._parsed: list[dict] | None = None
        # forking is only safe while this process runs one Python thread (not inside a
        # Prefect task runner, for one); elsewhere the texts are parsed here, more slowly
        forkable = sys.platform == "linux" and threading.active_count() == 1
        if workers < 2 or len(texts) < PARALLEL_FROM or not forkable:
            self._texts = texts
            return
        chunk = -(-len(texts) // (workers * 4))
        bounds = [(i, min(i + chunk, len(texts))) for i in range(0, len(texts), chunk)]
        # the workers inherit the texts when forked: sending them would hold this process's
        # lock on Python objects (the GIL) while it fits the occupation model
        global _FORKED_TEXTS
        _FORKED_TEXTS = texts
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_end_with_parent,
            initargs=(os.getpid(),),
        )
        self._parts = self._pool.map(_parse_forked, bounds)

    def result(self) -> list[dict]:
        """The parsed texts in order; waits for the workers, then lets them go."""
        if self._parsed is None:
            if self._pool is None:
                self._parsed = parse_chunk(self._texts)
            else:
                try:
                    self._parsed = [item for part in self._parts for item in part]
                finally:
                    self.close()
        return self._parsed

    def close(self) -> None:
        """Stop the workers (also when the ranker failed meanwhile) and drop the texts, so
        no worker outlives the ranking and no text stays referenced."""
        global _FORKED_TEXTS
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        _FORKED_TEXTS = []


_FORKED_TEXTS: list[str] = []  # the texts Parsing's forked workers read


def _parse_forked(bounds: tuple[int, int]) -> list[dict]:
    """One worker's slice: only the bounds travel to the worker, the texts are inherited."""
    return parse_chunk(_FORKED_TEXTS[bounds[0] : bounds[1]])


def _end_with_parent(parent: int) -> None:
    """A worker ends when the process that forked it dies: killed mid-ranking, that process
    never shuts its pool down, and idle workers would wait on its queue for good."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux only, as the forking
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARALLEL_FROM = 20_000  # below this, starting processes costs more than it saves


def parse_chunk(texts: list[str]) -> list[dict]:
    """Parse texts here (serially): a worker's slice, or every text of a small list."""
    return [pf.parse_vacancy_text(t) for t in texts]

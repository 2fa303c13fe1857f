"""A crawl killed at any moment leaves the warehouse as before or as after it, never between.

`resque crawl NAME` runs the spider in a child process, then loads its items in the parent,
in one transaction. The fake Jobsuche API on 127.0.0.1 serves a few thousand postings: a
first crawl makes the 'before' state; the API then changes (a fifth of the postings gone,
as many new, some retitled), and a crawl of the changed API makes the 'after' state. Each
test kills the `resque crawl` process group (the parent and the spider with it) either
while the spider runs or at a point of the parent's load, judged by when the spider
process ended in a measured crawl, then reruns the crawl.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.fakes.jobsuche_api import FakeJobsucheApi, make_postings
from tests.faults.conftest import digest, resque_cmd, run
from tests.spiders.conftest import LocalSite, write_config

pytestmark = pytest.mark.slow

POSTINGS = 3000
SOURCE = "ba_faults"


def without_runs(state: dict) -> dict:
    return {name: value for name, value in state.items() if name != "runs"}


def children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


class Crawl:
    """`resque crawl` as its own process group, watched: when did the spider process end?"""

    def __init__(self, config: Path, db: Path, tmp: Path):
        tmp.mkdir(exist_ok=True)  # a killed crawl's scratch folder stays here
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            resque_cmd("--config", config, "--db", db, "crawl", SOURCE),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(tmp)},
        )

    def spider_finished(self) -> float:
        """Wait until the spider process has come and gone; seconds since the start."""
        seen = False
        while self.process.poll() is None:
            running = bool(children(self.process.pid))
            if seen and not running:
                break
            seen = seen or running
            time.sleep(0.005)
        return time.perf_counter() - self.started

    def kill(self) -> None:
        """SIGKILL to the whole group: the resque process and the spider, if still there."""
        with contextlib.suppress(ProcessLookupError):  # it may just have finished
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def changed(postings: list) -> list:
    """The API a while later: the first fifth gone, as many new ones, every tenth retitled."""
    kept = [copy.deepcopy(p) for p in postings[POSTINGS // 5 : POSTINGS]]
    for posting in kept[::10]:
        posting.hit["stellenangebotsTitel"] += " – Quereinstieg möglich"
    return kept + postings[POSTINGS:]


@pytest.fixture(scope="module")
def api():
    """The fake API on a free port of 127.0.0.1, serving the first list of postings."""
    everything = make_postings(POSTINGS + POSTINGS // 5)
    fake = FakeJobsucheApi(everything[:POSTINGS])
    site = LocalSite()
    site.route("/pc/", fake.route)
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site, fake, everything
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture(scope="module")
def states(tmp_path_factory, api):
    """(config, before, after, seconds until the spider ended, seconds of the load after it)."""
    site, fake, everything = api
    folder = tmp_path_factory.mktemp("crawl-states")
    source = {"spider": "ba_jobsuche", "base_url": site.url, "write_mode": "snapshot"}
    config = write_config(folder / "faults.toml", SOURCE, {**source, "args": {"size": 100}})
    before = folder / "before.duckdb"
    first = run("--config", config, "--db", before, "crawl", SOURCE)
    assert first.returncode == 0, first.stderr
    fake.postings = changed(everything)
    after = Path(shutil.copy(before, folder / "after.duckdb"))
    crawl = Crawl(config, after, folder / "tmp")
    spider = crawl.spider_finished()
    assert crawl.process.wait(timeout=300) == 0
    total = time.perf_counter() - crawl.started
    assert digest(after)["postings"] != digest(before)["postings"]
    return config, before, after, spider, total - spider


@pytest.mark.parametrize(
    ("phase", "fraction"),
    # the load takes about half a second, most of it before its transaction commits
    [("spider", 0.6), ("load", 0.1), ("load", 0.3), ("load", 0.5), ("load", 0.8)],
)
def test_kill_during_a_crawl_leaves_before_or_after(tmp_path, states, phase, fraction):
    config, before, after, spider_seconds, load_seconds = states
    db = Path(shutil.copy(before, tmp_path / "w.duckdb"))
    crawl = Crawl(config, db, tmp_path / "tmp")
    if phase == "spider":
        time.sleep(spider_seconds * fraction)
    else:
        crawl.spider_finished()
        time.sleep(load_seconds * fraction)
    crawl.kill()
    assert digest(db) in (digest(before), digest(after))
    rerun = run("--config", config, "--db", db, "crawl", SOURCE)
    assert rerun.returncode == 0, rerun.stderr
    assert without_runs(digest(db)) == without_runs(digest(after))

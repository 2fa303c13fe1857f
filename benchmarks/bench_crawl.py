"""Crawl benchmark: the ba_jobsuche spider against the fake Jobsuche API on 127.0.0.1.

Generates 12,000 postings (more than the API's 10,000-result cap, so the search must be
split by occupation field), serves them with tests/fakes/jobsuche_api.py in the real v6
shape only (`pc/v4/jobs` answers 404), and runs the real `resque crawl` twice: the first
load, then an unchanged re-crawl (the idempotent path). Prints wall time, peak memory,
requests and loaded postings of each. Done when (issues 3 and 13): every generated posting
is in the warehouse after the first crawl, one row per place of work, each with title,
employer, occupation, postcode and coordinates.

    python benchmarks/bench_crawl.py [--postings 12000] [--cap 10000] [--size 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

import duckdb
from _common import resque, run_measured

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.jobsuche_api import FakeJobsucheApi, make_postings  # noqa: E402
from tests.spiders.conftest import LocalSite, write_config  # noqa: E402

# The mock answers in microseconds: the politeness of production settings would only wait.
MOCK_SETTINGS = {"CONCURRENT_REQUESTS_PER_DOMAIN": 8, "RETRY_TIMES": 2, "DOWNLOAD_TIMEOUT": 30}


def serve(api: FakeJobsucheApi) -> LocalSite:
    """The fake API on a free port of 127.0.0.1, in a background thread."""
    site = LocalSite()
    site.route("/pc/", api.route)
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    return site


def stored(db: Path) -> tuple[int, int]:
    """(complete postings, active postings): complete = title, employer, occupation, postcode
    and coordinates all present."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select count(*) filter (where title is not null and employer is not null"
            " and occupation is not null and postcode is not null and lat is not null"
            " and lon is not null), count(*) filter (where is_active) from postings"
        ).fetchone()
    finally:
        con.close()


def crawl_once(label: str, site: LocalSite, config: Path, db: Path) -> int:
    """Run `resque crawl` once and print its figures; returns the postings stored."""
    before = len(site.requests)
    seconds, peak_mb, out = run_measured(
        resque("--config", str(config), "--db", str(db), "crawl", "ba_bench")
    )
    total, active = stored(db)
    requests = site.requests[before:]
    parts = {
        tuple(sorted((k, v[0]) for k, v in r.query.items() if k != "page"))
        for r in requests
        if "berufsfeld" in r.query
    }
    print(
        f"{label:<22} {seconds:6.1f} s  peak {peak_mb:6.0f} MB  {len(requests):4d} requests"
        f" ({len(parts)} split searches)  {total} postings ({active} active)"
    )
    print(f"{'':<22} {out.strip()}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=12_000)
    parser.add_argument("--cap", type=int, default=10_000, help="the API's page * size limit")
    parser.add_argument("--size", type=int, default=100, help="results per page (<= 100)")
    args = parser.parse_args()

    api = FakeJobsucheApi(make_postings(args.postings), cap=args.cap)
    site = serve(api)
    print(
        f"fake Jobsuche API at {site.url}: {args.postings} postings,"
        f" cap {args.cap}, size {args.size}"
    )
    with tempfile.TemporaryDirectory(prefix="resque-bench-crawl-") as tmp:
        source = {
            "spider": "ba_jobsuche",
            "base_url": site.url,
            "write_mode": "snapshot",
            "args": {"size": args.size, "max_results": args.cap},
            "settings": MOCK_SETTINGS,
        }
        config = write_config(Path(tmp) / "bench.toml", "ba_bench", source)
        db = Path(tmp) / "bench.duckdb"
        loaded = crawl_once("first crawl", site, config, db)
        crawl_once("unchanged re-crawl", site, config, db)
    site.server.shutdown()
    expected = sum(len(p.places) for p in api.postings)  # one record per place of work
    v4 = len([r for r in site.requests if r.path.startswith("/pc/v4/jobs")])
    verdict = "OK" if loaded == expected and not v4 else "MISSING POSTINGS"
    print(
        f"{verdict}: {loaded} of {expected} records complete ({args.postings} postings,"
        f" {expected - args.postings} second places); {v4} requests to pc/v4/jobs"
    )
    if verdict != "OK":
        sys.exit(1)


if __name__ == "__main__":
    main()

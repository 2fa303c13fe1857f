"""Spider test harness: a local HTTP server on 127.0.0.1 and a crawl run against it.

`site` serves whatever a test puts in its route table, with faults on demand; `crawl`
writes a one-source config and runs `resque crawl` for real (the spider in its own process).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from scrapy import Request as ScrapyRequest
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Crawls against the local server need no politeness delays.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_TIMES": 2,
    "DOWNLOAD_TIMEOUT": 5,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
# Live smoke checks (pytest -m live) crawl the real site politely and stop after a few items.
LIVE_SETTINGS = {
    "DOWNLOAD_DELAY": 1.0,
    "AUTOTHROTTLE_ENABLED": True,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_TIMEOUT": 30,
    "CLOSESPIDER_ITEMCOUNT": 3,
}


@dataclass
class Reply:
    """One canned HTTP answer."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0


@dataclass
class Request:
    """What the server received, for assertions."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)  # when it arrived (waits, backoff)


Route = Callable[[Request], Reply | None]


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 answering from a route function."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, Route]] = []
        self.requests: list[Request] = []
        self.robots = "User-agent: *\nDisallow:\n"
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    dict(self.headers.items()),
                    self.rfile.read(length) if length else b"",
                )
                site.requests.append(request)
                reply = site.answer(request)
                time.sleep(reply.delay)
                body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, prefix: str, handler: Route | Reply) -> None:
        """Answer requests whose path starts with `prefix` (later routes win)."""
        fn = handler if callable(handler) else (lambda _request, reply=handler: reply)
        self.routes.insert(0, (prefix, fn))

    def answer(self, request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(self.robots, content_type="text/plain")
        for prefix, fn in self.routes:
            if request.path.startswith(prefix):
                reply = fn(request)
                if reply is not None:
                    return reply
        return Reply("not found", status=404, content_type="text/plain")

    def hits(self, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.path.startswith(prefix)]


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """A local HTTP server for one test; stopped afterwards."""
    local = LocalSite()
    thread = threading.Thread(target=local.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield local
    finally:
        local.server.shutdown()
        local.server.server_close()


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {_toml_value(v)}' for k, v in value.items()) + " }"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(path: Path, name: str, source: dict[str, Any]) -> Path:
    """A config file with one spider source (settings get FAST_SETTINGS underneath)."""
    source = {"type": "spider", **source}
    source["settings"] = {**FAST_SETTINGS, **source.get("settings", {})}
    lines = [f"[sources.{name}]"] + [f"{k} = {_toml_value(v)}" for k, v in source.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def crawl(tmp_path: Path, resque):
    """Crawl one configured source into `tmp_path/crawl.duckdb`; returns the CLI result."""

    def run(name: str, source: dict[str, Any], db: Path | None = None):
        config = write_config(tmp_path / f"{name}.toml", name, source)
        return resque("--config", config, "--db", db or tmp_path / "crawl.duckdb", "crawl", name)

    return run


def saved_response(path: Path, url: str, request: Any = None) -> Any:
    """A saved page as the HtmlResponse Scrapy would have handed the spider for `url`."""
    return HtmlResponse(url, body=path.read_bytes(), encoding="utf-8", request=request)


def walk_saved(spider: Any, start: Any, page_for: Callable[[Any], Path | None]) -> list[Any]:
    """Follow a spider's requests through saved pages, as an offline crawl; returns its items.

    `page_for(request)` names the saved file for a request (None: not saved, skipped).
    Requests for a URL already fetched are dropped, as Scrapy's duplicate filter does.
    """
    queue, seen, items = [start], set(), []
    while queue:
        request = queue.pop(0)
        key = (request.method, request.url, request.body)
        path = page_for(request)
        if key in seen or path is None:
            continue
        seen.add(key)
        callback = request.callback or spider.parse
        for out in callback(saved_response(path, request.url, request), **request.cb_kwargs):
            (queue if isinstance(out, ScrapyRequest) else items).append(out)
    return items


def crawl_runs(db_path: Path) -> list[dict[str, Any]]:
    """The crawl runs of a test warehouse, oldest first, with their details parsed."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            "select source, status, rows_in, rows_new, rows_updated, rows_deactivated, details"
            " from runs where kind = 'crawl' order by run_id"
        ).fetchall()
    finally:
        con.close()
    keys = ("source", "status", "rows_in", "rows_new", "rows_updated", "rows_deactivated")
    return [
        {**dict(zip(keys, row[:6], strict=True)), "details": json.loads(row[6] or "{}")}
        for row in rows
    ]


class Stats(Counter):
    """A stand-in for a crawler's stats collector: counters and set values, as a dict."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)


def with_stats(spider: Any) -> Any:
    """The spider with a stand-in crawler whose `stats` is a fresh `Stats`."""
    spider.crawler = type("Crawler", (), {"stats": Stats()})()
    return spider


def results_missing_reason(callback: Callable[..., Any], response: Any, **kwargs: Any) -> str:
    """Run a spider callback that must fail the crawl (results_missing); returns its reason.

    The callback's spider needs a stand-in crawler (`with_stats`).
    """
    stats = callback.__self__.crawler.stats
    with pytest.raises(CloseSpider):
        list(callback(response, **kwargs))
    assert stats["resque/results_missing"] == 1
    return stats["resque/results_missing_reason"]


def assert_good_then_failed(result: Any, db_path: Path, reason: str) -> None:
    """A second crawl failed with `reason` on stderr: a failed run, nothing loaded or
    deactivated by it, after a good first crawl."""
    assert result.code != 0 and reason in result.err
    good, failed = crawl_runs(db_path)
    assert (good["status"], failed["status"]) == ("succeeded", "failed")
    assert not failed["rows_in"] and not failed["rows_deactivated"]

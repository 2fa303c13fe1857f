"""Hostile pages: no HTML or JSON a site could send crashes a spider's parsing.

A broken page may yield nothing and log an error (the crawl is then degraded), or, as a first
result page without its results, fail the crawl (CloseSpider, results_missing); it must never
raise anything else, and whatever it does yield is a well-formed record.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from resque.pipelines.record import Employer, Posting
from resque.spiders.ba_jobsuche import BaJobsucheSpider
from resque.spiders.chamber_companies import ChamberCompaniesSpider
from resque.spiders.hwk_lehrstellen import HwkLehrstellenSpider
from resque.spiders.ihk_lehrstellen import IhkLehrstellenSpider
from resque.spiders.jobposting_jsonld import JobpostingJsonldSpider

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = "http://127.0.0.1:9/"
TAGS = [
    "table",
    "tr",
    "td",
    "th",
    "a",
    "div",
    "dl",
    "dt",
    "dd",
    "p",
    "h1",
    "span",
    "form",
    "input",
    "script",
    "li",
    "ul",
    "nav",
]
ATTRS = st.dictionaries(
    st.sampled_from(["class", "href", "id", "type", "name", "value"]),
    st.text(max_size=15),
    max_size=3,
)
HTML = st.recursive(
    st.text(max_size=30),
    lambda inner: st.builds(
        lambda tag, attrs, kids: (
            f"<{tag} "
            + " ".join(f'{k}="{v}"' for k, v in attrs.items())
            + ">"
            + "".join(kids)
            + f"</{tag}>"
        ),
        st.sampled_from(TAGS),
        ATTRS,
        st.lists(inner, max_size=4),
    ),
    max_leaves=25,
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "stellenangebote",
                    "refnr",
                    "titel",
                    "arbeitsort",
                    "plz",
                    "maxErgebnisse",
                    "facetten",
                    "@type",
                    "@graph",
                    "name",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def spider(cls: type, **args: Any):
    return cls.from_crawler(get_crawler(cls), source="hostile", base_url=BASE, **args)


def drain(results) -> list[Any]:
    """Run a callback to the end; every item must be a record with its source set."""
    out = list(results or [])
    for item in out:
        assert isinstance(item, Request | Posting | Employer)
        if not isinstance(item, Request):
            assert item.source == "hostile"
    return out


def drain_or_fail(spider: Any, results) -> None:
    """`drain`, where failing the crawl (results_missing: no results on a first page) is
    the other intended outcome."""
    try:
        drain(results)
    except CloseSpider:
        assert spider.crawler.stats.get_value("resque/results_missing")


def html(body: str, url: str = BASE + "page.html") -> HtmlResponse:
    return HtmlResponse(
        url,
        body=f"<html><body>{body}</body></html>".encode(),
        encoding="utf-8",
        request=Request(url),
    )


@SETTINGS
@given(body=HTML)
def test_ihk_pages(body):
    ihk = spider(IhkLehrstellenSpider, plz="04109")
    drain_or_fail(ihk, ihk.parse(html(body)))
    drain(ihk.parse_detail(html(body), listing={}))


@SETTINGS
@given(body=HTML)
def test_hwk_pages(body):
    hwk = spider(HwkLehrstellenSpider, plz="04109")
    drain(hwk.parse_search(html(body)))
    drain_or_fail(hwk, hwk.parse(html(body)))


@SETTINGS
@given(body=HTML)
def test_company_directory_pages(body):
    directory = spider(ChamberCompaniesSpider, index_path="firmenverzeichnis/index.html")
    drain_or_fail(directory, directory.parse(html(body)))
    drain_or_fail(directory, directory.parse_letter(html(body)))


@SETTINGS
@given(data=JSON, as_text=st.booleans(), raw=st.binary(max_size=200))
def test_jobsuche_answers(data, as_text, raw):
    api = spider(BaJobsucheSpider, wo="Leipzig")
    body = json.dumps(data).encode() if as_text else raw
    response = TextResponse(BASE + "pc/v4/jobs", body=body, encoding="utf-8", request=Request(BASE))
    drain_or_fail(api, api.parse(response, query=api.root, page=1))
    drain(api.parse_details(response, hit=data if isinstance(data, dict) else {}))


@SETTINGS
@given(block=JSON, body=HTML)
def test_jsonld_pages(block, body):
    pages = spider(JobpostingJsonldSpider, start_urls=json.dumps([BASE]))
    script = f'<script type="application/ld+json">{json.dumps(block)}</script>'
    drain(pages.parse_listed(html(script + body)))

"""hwk_lehrstellen on the documented structure of the Lehrstellen-Radar (hand-made pages, see
tests/fixtures/hwk_lehrstellen/PROVENANCE.md), field by field, and a crawl of a fake site."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import asdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from resque.pipelines.values import normalise_employment_type
from resque.spiders.hwk_lehrstellen import HwkLehrstellenSpider
from tests.conftest import query
from tests.spiders.conftest import (
    FIXTURES,
    LIVE_SETTINGS,
    assert_good_then_failed,
    crawl_runs,
    results_missing_reason,
    saved_response,
    walk_saved,
    with_stats,
)
from tests.spiders.saved_sites import HWK_PERSONAL, radar_source, serve_radar

NAME = "hwk_lehrstellen"
PAGES = FIXTURES / NAME
BASE = "https://www.lehrstellen-radar.de/"
LIST = (
    BASE + "5100,90,lsrlist.html?search-fromsearchform=1&search-ls=1&search-plz=04109"
    "&search-radius=25&page=1"
)
PERSONAL = HWK_PERSONAL
EMAIL_OR_PHONE = re.compile(r"@|(?<![\w-])0\d{2,5}[ /-]*\d{3,}|\+49")


def saved_page(request) -> Path:
    """The saved file for a request: the search page, list pages by `page`."""
    parts = urlsplit(request.url)
    if parts.path.endswith("lsrlist.html"):
        return PAGES / f"lsrlist-page-{parse_qs(parts.query)['page'][0]}.html"
    return PAGES / parts.path.lstrip("/")


def make_spider(**args) -> HwkLehrstellenSpider:
    return HwkLehrstellenSpider(source=NAME, base_url=BASE, **({"plz": "04109"} | args))


async def _first(agen):
    return [request async for request in agen][0]


SPIDER = make_spider()
START = asyncio.run(_first(SPIDER.start()))
ITEMS = walk_saved(SPIDER, START, saved_page)
BY_REF = {item.source_ref: item for item in ITEMS}
FIRST_PAGE = list(SPIDER.parse(saved_response(PAGES / "lsrlist-page-1.html", LIST)))


# --- session, search and pages --------------------------------------------------------------


def test_start_opens_the_search_page_for_the_session_cookie():
    assert START.url == BASE + "5100,90,lsrsearch.html"


def test_list_is_asked_with_the_documented_parameters():
    [request] = list(
        SPIDER.parse_search(saved_response(PAGES / "5100,90,lsrsearch.html", START.url))
    )
    assert request.url == LIST


def test_internships_only_when_asked_for():
    spider = make_spider(praktika=True)
    [request] = list(
        spider.parse_search(saved_response(PAGES / "5100,90,lsrsearch.html", START.url))
    )
    assert parse_qs(urlsplit(request.url).query)["search-pr"] == ["1"]


def test_a_search_without_postcode_is_refused():
    with pytest.raises(ValueError, match="plz"):
        HwkLehrstellenSpider(source=NAME, base_url=BASE)


def test_first_page_gives_fifteen_places_and_asks_for_page_two():
    items = [x for x in FIRST_PAGE if not hasattr(x, "callback")]
    requests = [x for x in FIRST_PAGE if hasattr(x, "callback")]
    assert len(items) == 15
    assert [r.url for r in requests] == [LIST.replace("page=1", "page=2")]


def test_last_page_asks_for_no_further_page():
    page = LIST.replace("page=1", "page=2")
    out = list(SPIDER.parse(saved_response(PAGES / "lsrlist-page-2.html", page)))
    assert len(out) == 2 and not [x for x in out if hasattr(x, "callback")]


def test_empty_list_is_an_empty_search(caplog):
    spider = with_stats(make_spider())
    assert list(spider.parse(saved_response(PAGES / "lsrlist-no-results.html", LIST))) == []
    assert spider.crawler.stats == {} and "layout changed" not in caplog.text


def test_first_page_without_list_fails_the_crawl():
    page = saved_response(PAGES / "lsrlist-new-layout.html", LIST)
    assert "no result list" in results_missing_reason(with_stats(make_spider()).parse, page)


def test_first_page_whose_entries_lost_their_id_fails_the_crawl():
    page = saved_response(PAGES / "lsrlist-page-1.html", LIST)
    page = page.replace(body=page.body.replace(b"data-resultid=", b"data-id="))
    reason = results_missing_reason(with_stats(make_spider()).parse, page)
    assert "no entries in its result list" in reason


def test_later_page_without_list_only_degrades_the_crawl():
    spider = with_stats(make_spider())
    page = saved_response(PAGES / "lsrlist-new-layout.html", LIST.replace("page=1", "page=2"))
    assert list(spider.parse(page)) == []
    assert spider.crawler.stats == {"resque/layout_changed": 1}


# --- one place, field by field --------------------------------------------------------------


def test_every_place_is_parsed_once():
    assert len(ITEMS) == len(BY_REF) == 17


def test_source_ref_is_the_result_id():
    assert "37_2579" in BY_REF and "91_2586" in BY_REF


def test_title_and_occupation_from_the_entry():
    assert BY_REF["91_2586"].title == BY_REF["91_2586"].occupation == "Bäcker/-in"


def test_employer_and_address_from_the_firma_row():
    item = BY_REF["91_2586"]
    assert (item.employer, item.street, item.postcode, item.city) == (
        "Bäckerei Muldenbrot GmbH", "Hauptstraße 74", "04808", "Wurzen"
    )  # fmt: skip


def test_description_holds_fachrichtung_and_schooling_only():
    assert BY_REF["91_2586"].description == (
        "Fachrichtung: keine\nVorbildung: Hauptschulabschluss, Mittlerer Schulabschluss"
    )


def test_url_is_the_chambers_page_when_linked():
    assert BY_REF["91_2586"].url == "https://www.hwk-leipzig-example.de/lehrstelle/91_2586"


def test_url_falls_back_to_the_guest_detail_page():
    assert BY_REF["37_2579"].url == BASE + "5100,0,jpguestdetail.html?id=2579"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_every_item_is_a_complete_apprenticeship(item):
    assert item.title and item.employer and re.fullmatch(r"\d{5}", item.postcode)
    assert normalise_employment_type(item.employment_type) == "apprenticeship"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_no_personal_data_in_any_field_or_raw(item):
    text = json.dumps(asdict(item), ensure_ascii=False)
    assert not EMAIL_OR_PHONE.search(text)
    assert not [name for name in PERSONAL if name in text]


# --- a crawl of a fake site on 127.0.0.1 ----------------------------------------------------


@pytest.mark.slow  # the crawl contract (test_crawl_contract.py) crawls this site by default
def test_crawl_loads_every_place_with_the_session_cookie(site, crawl, tmp_path):
    serve_radar(site)
    source = radar_source(site)
    assert crawl(NAME, source).code == 0
    db = tmp_path / "crawl.duckdb"
    rows = query(db, "select source_ref, employment_type from postings where is_active")
    assert sorted(r[0] for r in rows) == sorted(BY_REF) and {r[1] for r in rows} == {
        "apprenticeship"
    }
    assert [(r["status"], r["rows_in"]) for r in crawl_runs(db)] == [("succeeded", 17)]


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_changed_radar_fails_the_crawl_and_deactivates_nothing(site, crawl, tmp_path):
    source = radar_source(site)
    serve_radar(site)
    assert crawl(NAME, source).code == 0
    serve_radar(site, first_page="lsrlist-new-layout.html")
    db = tmp_path / "crawl.duckdb"
    assert_good_then_failed(crawl(NAME, source), db, "no result list")
    assert query(db, "select count(*) from postings where is_active") == [(17,)]


@pytest.mark.live
def test_live_radar_still_parses(crawl, tmp_path):
    """Smoke check against the real site (never in the default run): a few places parse."""
    source = {
        "spider": NAME,
        "base_url": HwkLehrstellenSpider.default_base_url,
        "args": {"plz": "04109", "umkreis": 25},
        "settings": LIVE_SETTINGS,
    }
    crawl(NAME, source)
    rows = query(tmp_path / "crawl.duckdb", "select title, employer, postcode from postings")
    assert rows and all(all(row) for row in rows)

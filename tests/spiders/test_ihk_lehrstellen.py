"""ihk_lehrstellen on the documented structure of the live board (hand-made pages, see
tests/fixtures/ihk_lehrstellen/PROVENANCE.md), field by field, and a crawl of a fake board."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import asdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from resque.pipelines.values import normalise_employment_type, parse_places
from resque.spiders.ihk_lehrstellen import IhkLehrstellenSpider
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
from tests.spiders.saved_sites import IHK_PERSONAL, board_source, serve_board

NAME = "ihk_lehrstellen"
PAGES = FIXTURES / NAME / "joboffers"
BASE = "https://www.ihk-lehrstellenboerse.de/"
SEARCH = BASE + "joboffers/search.html?location=04109&distance=1"
PERSONAL = IHK_PERSONAL
EMAIL_OR_PHONE = re.compile(r"@|\(at\)|(?<![\w-])0\d{2,5}[ /-]*\d{3,}|\+49")


def saved_page(request) -> Path:
    """The saved file for a request: result pages by `page`, offers by path."""
    parts = urlsplit(request.url)
    if parts.path.endswith("/search.html"):
        page = parse_qs(parts.query).get("page", ["1"])[0]
        return PAGES / ("search.html" if page == "1" else f"search-page-{page}.html")
    return PAGES.parent / parts.path.lstrip("/")


def make_spider(**args) -> IhkLehrstellenSpider:
    return IhkLehrstellenSpider(source=NAME, base_url=BASE, **({"plz": "04109"} | args))


async def _first(agen):
    return [request async for request in agen][0]


SPIDER = make_spider()
START = asyncio.run(_first(SPIDER.start()))
ITEMS = walk_saved(SPIDER, START, saved_page)
BY_REF = {item.source_ref: item for item in ITEMS}
FIRST_PAGE = list(SPIDER.parse(saved_response(PAGES / "search.html", SEARCH)))


# --- the search and the result pages --------------------------------------------------------


def test_start_searches_joboffers_by_postcode_and_distance_code():
    assert START.url == SEARCH


@pytest.mark.parametrize(("km", "code"), [(20, "1"), (50, "2"), (100, "3"), ("150", "4")])
def test_radius_in_km_becomes_the_boards_distance_code(km, code):
    start = asyncio.run(_first(make_spider(umkreis=km).start()))
    assert parse_qs(urlsplit(start.url).query)["distance"] == [code]


def test_a_radius_the_board_does_not_offer_is_refused_in_one_line():
    with pytest.raises(ValueError, match="umkreis must be one of 20, 50, 100, 150"):
        make_spider(umkreis=25)


def test_a_search_without_postcode_is_refused():
    with pytest.raises(ValueError, match="plz"):
        IhkLehrstellenSpider(source=NAME, base_url=BASE)


def test_a_full_result_page_links_its_ten_offers_and_the_next_page():
    urls = [r.url for r in FIRST_PAGE]
    assert len(urls) == 11
    assert urls[0] == BASE + "joboffers/detail/201-79964.html"
    assert urls[-1] == SEARCH + "&page=2"


def test_result_row_is_read_by_column_header():
    assert FIRST_PAGE[0].cb_kwargs["listing"] == {
        "occupation": "Anlagenmechaniker/-in für Sanitär-, Heizungs- und Klimatechnik",
        "place": "04808 Wurzen",
        "distance": "24,8 km",
        "company": "Haustechnik Wurzen GmbH",
        "places": "1",
    }


def test_a_short_page_is_the_last():
    page = SEARCH + "&page=2"
    requests = list(SPIDER.parse(saved_response(PAGES / "search-page-2.html", page)))
    assert all("/detail/" in r.url for r in requests) and len(requests) == 3


def test_empty_result_table_is_an_empty_search(caplog):
    spider = with_stats(make_spider())
    assert list(spider.parse(saved_response(PAGES / "search-no-results.html", SEARCH))) == []
    assert spider.crawler.stats == {} and "layout changed" not in caplog.text


def test_first_page_without_result_table_fails_the_crawl():
    page = saved_response(PAGES / "search-new-layout.html", SEARCH)
    assert "no result table" in results_missing_reason(with_stats(make_spider()).parse, page)


def test_first_page_whose_rows_link_no_offer_fails_the_crawl():
    page = saved_response(PAGES / "search.html", SEARCH)
    page = page.replace(body=page.body.replace(b'<a href="/joboffers/detail/', b'<a data-x="'))
    reason = results_missing_reason(with_stats(make_spider()).parse, page)
    assert "none of its 10 result rows links an offer" in reason


def test_a_no_results_message_configured_in_selectors_is_an_empty_search():
    class WithMessage(IhkLehrstellenSpider):
        SELECTORS = IhkLehrstellenSpider.SELECTORS | {"no_results": "td.keine-treffer"}

    spider = with_stats(WithMessage(source=NAME, base_url=BASE, plz="04109"))
    page = saved_response(PAGES / "search-no-results.html", SEARCH)
    row = b'<tr><td class="keine-treffer" colspan="5">Keine Angebote gefunden</td></tr>'
    page = page.replace(body=page.body.replace(b"<tbody>", b"<tbody>" + row))
    assert list(spider.parse(page)) == [] and spider.crawler.stats == {}


def test_later_page_without_result_table_only_degrades_the_crawl():
    spider = with_stats(make_spider())
    page = saved_response(PAGES / "search-new-layout.html", SEARCH + "&page=2")
    assert list(spider.parse(page)) == []
    assert spider.crawler.stats == {"resque/layout_changed": 1}


# --- one offer, field by field --------------------------------------------------------------


def test_every_offer_is_parsed_once():
    assert len(ITEMS) == len(BY_REF) == 12


def test_source_ref_is_the_angebots_nr():
    assert "201-79964" in BY_REF


def test_title_and_occupation_are_the_heading():
    item = BY_REF["201-38917"]
    assert item.title == item.occupation == "Kraftfahrzeugmechatroniker/-in"


def test_employer_is_the_contact_box_heading():
    assert BY_REF["201-21139"].employer == "Elster Logistik GmbH & Co. KG"


def test_address_from_contact_box():
    item = BY_REF["201-79964"]
    assert (item.street, item.postcode, item.city) == ("Hauptstraße 121", "04808", "Wurzen")


def test_start_date_from_beginn():
    assert BY_REF["201-21139"].start_date == "August 2027"


def test_places_from_angebotene_plaetze():
    assert BY_REF["201-37003"].places == "2-3"


def test_school_certificate_and_listing_kept_in_raw():
    raw = BY_REF["201-70854"].raw
    assert raw["details"]["school_certificate"] == "Abitur / Fachhochschulreife"
    assert raw["listing"]["distance"] == "0,4 km"


def test_description_is_the_stellenbeschreibung_with_contacts_removed():
    lines = BY_REF["201-79964"].description.splitlines()
    assert lines == [
        "Du lernst Heizung, Lüftung und Sanitär von Grund auf.",
        "30 Tage Urlaub",
        "Fragen beantwortet dir gern [Kontakt entfernt] unter [Kontakt entfernt].",
    ]


def test_url_is_the_offer_page():
    assert BY_REF["201-70854"].url == BASE + "joboffers/detail/201-70854.html"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_every_item_is_a_complete_apprenticeship(item):
    assert item.title and re.fullmatch(r"\d{5}", item.postcode) and item.employer
    assert normalise_employment_type(item.employment_type) == "apprenticeship"
    assert parse_places(item.places) >= 1


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_no_personal_data_in_any_field_or_raw(item):
    text = json.dumps(asdict(item), ensure_ascii=False)
    assert not EMAIL_OR_PHONE.search(text)
    assert not [name for name in PERSONAL if name in text]


# --- a crawl of a fake board on 127.0.0.1 ---------------------------------------------------


@pytest.mark.slow  # the crawl contract (test_crawl_contract.py) crawls this site by default
def test_crawl_loads_every_offer_once(site, crawl, tmp_path):
    serve_board(site)
    source = board_source(site)
    assert crawl(NAME, source).code == 0
    db = tmp_path / "crawl.duckdb"
    rows = query(db, "select source_ref, employment_type from postings where is_active")
    assert sorted(r[0] for r in rows) == sorted(BY_REF) and {r[1] for r in rows} == {
        "apprenticeship"
    }
    assert [(r["status"], r["rows_in"]) for r in crawl_runs(db)] == [("succeeded", 12)]
    assert site.hits("/joboffers/search.html")[0].query == {
        "location": ["04109"],
        "distance": ["1"],
    }


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_changed_board_fails_the_crawl_and_deactivates_nothing(site, crawl, tmp_path):
    source = board_source(site)
    serve_board(site)
    assert crawl(NAME, source).code == 0
    serve_board(site, first_page="search-new-layout.html")
    db = tmp_path / "crawl.duckdb"
    assert_good_then_failed(crawl(NAME, source), db, "no result table")
    assert query(db, "select count(*) from postings where is_active") == [(12,)]


@pytest.mark.live
def test_live_board_still_parses(crawl, tmp_path):
    """Smoke check against the real board (never in the default run): a few offers parse."""
    source = {
        "spider": NAME,
        "base_url": IhkLehrstellenSpider.default_base_url,
        "args": {"plz": "04109", "umkreis": 20},
        "settings": LIVE_SETTINGS,
    }
    crawl(NAME, source)
    rows = query(tmp_path / "crawl.duckdb", "select title, postcode, source_ref from postings")
    assert rows and all(title and postcode and ref for title, postcode, ref in rows)

"""ihk_lehrstellen: saved board pages parsed field by field, and crawls of a fake board."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pipelines.normalise import normalise_employment_type, parse_places
from spiders.ihk_lehrstellen import IhkLehrstellenSpider
from tests.conftest import query
from tests.spiders.conftest import (
    FIXTURES,
    LIVE_SETTINGS,
    Reply,
    crawl_runs,
    saved_response,
    walk_saved,
)

NAME = "ihk_lehrstellen"
PAGES = FIXTURES / NAME
BASE = "https://www.ihk-lehrstellenboerse.de/"
SEARCH = BASE + "angebote/suche.html?ort=Leipzig&umkreis=25"
TODAY = dt.date(2026, 11, 28)
# Contact persons planted in the saved pages (contact boxes and descriptions).
PERSONAL = [
    "Sabine",
    "Krüger",
    "8521",
    "Thomas Becker",
    "bewerbung",
    "Petra Lindner",
    "90 77 12",
    "Mario Seidel",
    "Jana Hoffmann",
    "Uwe Krause",
    "Krause",
    "5550123",
    "mailto",
]
EMAIL_OR_PHONE = re.compile(r"@|\(at\)|(?<![\w-])0\d{2,5}[ /-]*\d{3,}|\+49")


def saved_page(request) -> Path:
    """The saved file for a request to the board: list pages by `seite`, offers by path."""
    parts = urlsplit(request.url)
    if parts.path.endswith("/suche.html"):
        page = parse_qs(parts.query).get("seite", ["1"])[0]
        name = "suche.html" if page == "1" else f"suche-seite-{page}.html"
        return PAGES / "angebote" / name
    return PAGES / parts.path.lstrip("/")


def make_spider() -> IhkLehrstellenSpider:
    spider = IhkLehrstellenSpider(source=NAME, base_url=BASE, ort="Leipzig", umkreis="25")
    spider.today = lambda: TODAY
    return spider


async def _first(agen):
    return [request async for request in agen][0]


SPIDER = make_spider()
START = asyncio.run(_first(SPIDER.start()))
ITEMS = walk_saved(SPIDER, START, saved_page)
BY_REF = {item.source_ref: item for item in ITEMS}
FIRST_PAGE = list(SPIDER.parse(saved_response(PAGES / "angebote/suche.html", SEARCH)))


# --- the search and the result pages --------------------------------------------------------


def test_start_searches_with_the_configured_place_and_radius():
    assert START.url == SEARCH


def test_result_page_links_every_row_and_the_next_page():
    urls = [r.url for r in FIRST_PAGE]
    assert urls == [
        BASE + "angebote/detail/LS-2026-79964.html",
        BASE + "angebote/detail/LS-2026-70854.html",
        BASE + "angebote/detail/LS-2026-21139.html",
        BASE + "angebote/detail/LS-2026-35209.html",
        SEARCH + "&seite=2",
    ]


def test_result_row_is_read_by_column_header():
    assert FIRST_PAGE[0].cb_kwargs["listing"] == {
        "occupation": "Anlagenmechaniker/-in für Sanitär-, Heizungs- und Klimatechnik",
        "place": "04808 Wurzen",
        "distance": "24,8 km",
        "company": "Haustechnik Wurzen GmbH",
        "places": "1",
    }


def test_last_page_has_no_next_page():
    page = SEARCH + "&seite=2"
    requests = list(SPIDER.parse(saved_response(PAGES / "angebote/suche-seite-2.html", page)))
    assert all("/detail/" in r.url for r in requests)


def test_empty_search_is_not_a_layout_change(caplog):
    response = saved_response(PAGES / "angebote/suche-keine-treffer.html", SEARCH)
    spider = make_spider()
    assert list(spider.parse(response)) == []
    assert "layout changed" not in caplog.text


def test_page_without_result_table_is_logged_as_layout_change(caplog):
    class Stats:
        values: dict = {}

        def inc_value(self, key):
            self.values[key] = self.values.get(key, 0) + 1

    spider = make_spider()
    spider.crawler = type("Crawler", (), {"stats": Stats()})()
    response = saved_response(PAGES / "angebote/suche-neues-layout.html", SEARCH)
    assert list(spider.parse(response)) == []
    assert spider.crawler.stats.values == {"resque/layout_changed": 1}
    assert "layout changed" in caplog.text


# --- one offer, field by field --------------------------------------------------------------


def test_every_offer_is_parsed_once():
    assert sorted(BY_REF) == [
        "LS-2026-21139",
        "LS-2026-35209",
        "LS-2026-37003",
        "LS-2026-38917",
        "LS-2026-70854",
        "LS-2026-79964",
        "LS-2026-98027",
    ]
    assert len(ITEMS) == 7


def test_source():
    assert BY_REF["LS-2026-79964"].source == NAME


def test_title_with_entities_decoded():
    expected = "Anlagenmechaniker/-in für Sanitär-, Heizungs- und Klimatechnik"
    assert BY_REF["LS-2026-79964"].title == expected


def test_occupation_is_the_official_name():
    assert BY_REF["LS-2026-38917"].occupation == "Kraftfahrzeugmechatroniker/-in"


def test_title_is_the_offer_heading():
    assert BY_REF["LS-2026-38917"].title == "Kfz-Mechatroniker/-in – Personenkraftwagentechnik"


def test_employer_from_contact_box():
    assert BY_REF["LS-2026-79964"].employer == "Haustechnik Wurzen GmbH"


def test_address():
    item = BY_REF["LS-2026-79964"]
    assert (item.street, item.postcode, item.city) == ("Hauptstraße 121", "04808", "Wurzen")


def test_training_place_elsewhere_keeps_place_but_not_company_street():
    item = BY_REF["LS-2026-21139"]
    assert (item.street, item.postcode, item.city) == (None, "04838", "Eilenburg")


def test_contact_box_without_street():
    item = BY_REF["LS-2026-38917"]
    assert (item.street, item.postcode, item.city) == (None, "04209", "Leipzig")


def test_start_date_as_written():
    assert BY_REF["LS-2026-79964"].start_date == "15.08.2027"


def test_start_month_as_written():
    assert BY_REF["LS-2026-35209"].start_date == "August 2027"


def test_places():
    assert BY_REF["LS-2026-21139"].places == "3"


def test_places_range_as_written():
    assert BY_REF["LS-2026-37003"].places == "2-3"


def test_employment_type_from_page():
    assert BY_REF["LS-2026-79964"].employment_type == "Ausbildungsplatz"


def test_employment_type_default_when_page_has_none():
    assert BY_REF["LS-2026-35209"].employment_type == "Ausbildung"


def test_posted_at():
    assert BY_REF["LS-2026-79964"].posted_at == "14.10.2026"


def test_url_is_the_offer_page():
    assert BY_REF["LS-2026-70854"].url == BASE + "angebote/detail/LS-2026-70854.html"


def test_description_paragraphs_and_list_items_on_lines():
    lines = BY_REF["LS-2026-79964"].description.splitlines()
    assert lines[:3] == [
        "Du willst wissen, wie Heizung, Lüftung und Sanitär zusammenspielen? Bei uns lernst du "
        "den Beruf von Grund auf – in einem Team mit 25 Kolleginnen und Kollegen.",
        "Ausbildungsvergütung nach Tarif",
        "30 Tage Urlaub",
    ]


def test_description_contact_person_removed():
    text = BY_REF["LS-2026-79964"].description.splitlines()[-1]
    assert text == "Fragen beantwortet dir gern [Kontakt entfernt] unter [Kontakt entfernt]."


def test_description_obfuscated_email_removed():
    assert BY_REF["LS-2026-70854"].description.endswith(
        "Bewerbungen bitte an [Kontakt entfernt], [Kontakt entfernt]."
    )


def test_raw_keeps_school_certificate_and_listing():
    raw = BY_REF["LS-2026-70854"].raw
    assert raw["details"]["school_certificate"] == "Abitur / Fachhochschulreife"
    assert raw["listing"]["distance"] == "0,4 km"
    assert raw["url"] == BY_REF["LS-2026-70854"].url


def test_raw_company_is_name_and_address_only():
    assert BY_REF["LS-2026-79964"].raw["company"] == {
        "company": "Haustechnik Wurzen GmbH",
        "street": "Hauptstraße 121",
        "postcode": "04808",
        "city": "Wurzen",
    }


# --- invariants over every item -------------------------------------------------------------


def test_source_refs_are_unique():
    refs = [item.source_ref for item in ITEMS]
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_has_title(item):
    assert item.title


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_has_source_ref(item):
    assert re.fullmatch(r"LS-\d{4}-\d{5}", item.source_ref)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_postcode_like(item):
    assert re.fullmatch(r"\d{5}", item.postcode)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_is_an_apprenticeship(item):
    assert normalise_employment_type(item.employment_type) == "apprenticeship"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_places_parse(item):
    assert parse_places(item.places) >= 1


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_no_personal_data_in_any_field_or_raw(item):
    text = json.dumps(asdict(item), ensure_ascii=False)
    assert not EMAIL_OR_PHONE.search(text)
    assert not [name for name in PERSONAL if name in text]


# --- crawls of a fake board on 127.0.0.1 ----------------------------------------------------


def serve_board(site, list_page=None) -> None:
    """The saved board on the local server; `list_page(request)` may override result pages."""

    def results(request):
        if list_page is not None and (reply := list_page(request)) is not None:
            return reply
        page = request.query.get("seite", ["1"])[0]
        name = "suche.html" if page == "1" else f"suche-seite-{page}.html"
        return Reply((PAGES / "angebote" / name).read_bytes())

    def offer(request):
        path = PAGES / request.path.lstrip("/")
        return Reply(path.read_bytes()) if path.is_file() else None

    site.route("/angebote/suche.html", results)
    site.route("/angebote/detail/", offer)


def board_source(site, **settings) -> dict:
    return {
        "spider": NAME,
        "base_url": site.url,
        "write_mode": "snapshot",
        "args": {"ort": "Leipzig", "umkreis": 25},
        "settings": settings,
    }


def active_postings(db: Path) -> list[tuple]:
    return query(
        db,
        "select source_ref, title, employer, postcode, employment_type, places, start_date,"
        " content_hash from postings where is_active order by source_ref",
    )


def test_crawl_loads_every_offer_once_and_a_second_crawl_changes_nothing(site, crawl, tmp_path):
    serve_board(site)
    db = tmp_path / "crawl.duckdb"
    assert crawl(NAME, board_source(site)).code == 0
    first = active_postings(db)
    raw_count = query(db, "select count(*) from raw_records")[0][0]
    assert crawl(NAME, board_source(site)).code == 0

    assert [row[0] for row in first] == sorted(BY_REF)
    assert {row[4] for row in first} == {"apprenticeship"}
    assert query(db, "select count(*) from postings")[0][0] == 7
    # each offer page fetched once per crawl, though page 2 links one offer again
    offers = Counter(r.path for r in site.hits("/angebote/detail/"))
    assert len(offers) == 7 and set(offers.values()) == {2}
    assert active_postings(db) == first
    assert query(db, "select count(*) from raw_records")[0][0] == raw_count == 7
    counts = [
        (r["status"], r["rows_in"], r["rows_new"], r["rows_updated"], r["rows_deactivated"])
        for r in crawl_runs(db)
    ]
    assert counts == [("succeeded", 7, 7, 0, 0), ("succeeded", 7, 0, 0, 0)]


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_server_errors_and_a_timeout_are_retried(site, crawl, tmp_path):
    failures = iter([Reply("Service Unavailable", status=500)] * 2)
    serve_board(site, list_page=lambda request: next(failures, None))
    slow_offer = "/angebote/detail/LS-2026-70854.html"
    slow = iter([Reply((PAGES / slow_offer.lstrip("/")).read_bytes(), delay=2.5)])
    site.route(slow_offer, lambda request: next(slow, None))
    assert crawl(NAME, board_source(site, DOWNLOAD_TIMEOUT=1)).code == 0

    db = tmp_path / "crawl.duckdb"
    assert len(active_postings(db)) == 7
    [run] = crawl_runs(db)
    assert run["status"] == "succeeded"
    assert run["details"]["responses_by_status"]["500"] == 2
    assert len(site.hits(slow_offer)) == 2  # timed out once, then fetched
    assert run["details"]["retries"] >= 3


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_changed_layout_degrades_the_crawl_and_keeps_the_data(site, crawl, tmp_path):
    redesigned = {"on": False}
    new_page = Reply((PAGES / "angebote/suche-neues-layout.html").read_bytes())
    serve_board(site, list_page=lambda request: new_page if redesigned["on"] else None)
    db = tmp_path / "crawl.duckdb"
    assert crawl(NAME, board_source(site)).code == 0
    before = active_postings(db)
    redesigned["on"] = True
    result = crawl(NAME, board_source(site))

    assert "DEGRADED" in result.out
    good, degraded = crawl_runs(db)
    assert (good["status"], degraded["status"]) == ("succeeded", "degraded")
    assert (degraded["rows_in"], degraded["rows_deactivated"]) == (0, 0)
    assert degraded["details"]["failed_monitors"]
    assert active_postings(db) == before and len(before) == 7


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_robots_txt_disallow_of_offer_pages_is_obeyed(site, crawl, tmp_path):
    site.robots = "User-agent: *\nDisallow: /angebote/detail/\n"
    serve_board(site)
    crawl(NAME, board_source(site))
    db = tmp_path / "crawl.duckdb"
    assert site.hits("/angebote/detail/") == []
    assert site.hits("/angebote/suche.html")
    assert crawl_runs(db)[0]["details"]["robots_forbidden"] > 0


@pytest.mark.live
def test_live_board_still_parses(crawl, tmp_path):
    """Smoke check against the real board (never in the default run): a few offers parse."""
    source = {
        "spider": NAME,
        "base_url": IhkLehrstellenSpider.default_base_url,
        "args": {"ort": "Leipzig", "umkreis": 25},
        "settings": LIVE_SETTINGS,
    }
    crawl(NAME, source)
    rows = query(tmp_path / "crawl.duckdb", "select title, postcode from postings")
    assert rows and all(title and postcode for title, postcode in rows)

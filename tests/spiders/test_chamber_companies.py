"""chamber_companies: saved directory pages parsed field by field, and crawls of a fake one."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from resque.pipelines.record import Employer
from resque.spiders.chamber_companies import ChamberCompaniesSpider
from tests.conftest import query
from tests.spiders.conftest import (
    FIXTURES,
    LIVE_SETTINGS,
    Reply,
    assert_good_then_failed,
    crawl_runs,
    results_missing_reason,
    saved_response,
    walk_saved,
    with_stats,
)
from tests.spiders.saved_sites import DIRECTORY_PERSONAL, directory_source, serve_directory

NAME = "chamber_companies"
PAGES = FIXTURES / NAME / "firmenverzeichnis"
# Any address: the real one is given to the partners, not published (docs/sources.md).
BASE = "https://verzeichnis.kammer.example/"
INDEX_PATH = "firmenverzeichnis/index.html"
INDEX = BASE + INDEX_PATH
# Contact persons and phone numbers planted in the saved directory entries.
PERSONAL = DIRECTORY_PERSONAL
EMAIL_OR_PHONE = re.compile(r"@|\(at\)|(?<![\w-])0\d{2,5}[ /-]*\d{3,}|\+49")


def saved_page(request) -> Path:
    """The saved file for a request: letter pages by `seite`, the rest by path."""
    parts = urlsplit(request.url)
    name = parts.path.rsplit("/", 1)[-1]
    page = parse_qs(parts.query).get("seite", ["1"])[0]
    return PAGES / (name if page == "1" else name.replace(".html", f"-seite-{page}.html"))


async def _first(agen):
    return [request async for request in agen][0]


SPIDER = ChamberCompaniesSpider(source=NAME, base_url=BASE, index_path=INDEX_PATH)
START = asyncio.run(_first(SPIDER.start()))
ITEMS = walk_saved(SPIDER, START, saved_page)
BY_REF = {item.source_ref: item for item in ITEMS}
LETTERS = list(SPIDER.parse(saved_response(PAGES / "index.html", INDEX)))


def letter_page(name: str, url: str | None = None) -> list:
    return list(SPIDER.parse_letter(saved_response(PAGES / name, url or BASE + name)))


def spider_with_stats() -> ChamberCompaniesSpider:
    return with_stats(ChamberCompaniesSpider(source=NAME, base_url=BASE, index_path=INDEX_PATH))


def test_no_default_address_is_presented_as_real():
    assert ChamberCompaniesSpider.default_base_url == ""


@pytest.mark.parametrize(
    "args", [{}, {"base_url": BASE}, {"index_path": INDEX_PATH}], ids=["none", "no-path", "no-url"]
)
def test_directory_address_must_come_from_config(args):
    with pytest.raises(ValueError, match="needs base_url and the spider argument index_path"):
        ChamberCompaniesSpider(source=NAME, **args)


# --- index and letter pages -----------------------------------------------------------------


def test_start_opens_the_index():
    assert START.url == INDEX


def test_index_links_only_letters_with_companies():
    assert [r.url for r in LETTERS] == [
        BASE + "firmenverzeichnis/buchstabe-b.html",
        BASE + "firmenverzeichnis/buchstabe-d.html",
        BASE + "firmenverzeichnis/buchstabe-h.html",
        BASE + "firmenverzeichnis/buchstabe-s.html",
    ]


def test_letter_page_yields_its_companies_then_the_next_page():
    out = letter_page("buchstabe-b.html", BASE + "firmenverzeichnis/buchstabe-b.html")
    assert [type(o).__name__ for o in out] == ["Employer"] * 3 + ["Request"]
    assert out[-1].url == BASE + "firmenverzeichnis/buchstabe-b.html?seite=2"


def test_last_letter_page_has_no_next_page():
    assert all(isinstance(o, Employer) for o in letter_page("buchstabe-b-seite-2.html"))


def test_letter_without_companies_is_not_a_layout_change(caplog):
    spider = spider_with_stats()
    response = saved_response(PAGES / "buchstabe-q.html", BASE + "buchstabe-q.html")
    assert list(spider.parse_letter(response)) == []
    assert spider.crawler.stats == {}


def test_first_letter_page_without_company_list_fails_the_crawl():
    response = saved_response(PAGES / "buchstabe-neues-layout.html", BASE + "buchstabe-d.html")
    reason = results_missing_reason(spider_with_stats().parse_letter, response)
    assert "no company list" in reason


def test_first_letter_page_whose_entries_changed_fails_the_crawl():
    response = saved_response(PAGES / "buchstabe-d.html", BASE + "buchstabe-d.html")
    changed = response.replace(body=response.body.replace(b'class="firma"', b'class="eintrag"'))
    assert "no company list" in results_missing_reason(spider_with_stats().parse_letter, changed)


def test_later_letter_page_without_company_list_only_degrades_the_crawl(caplog):
    spider = spider_with_stats()
    response = saved_response(PAGES / "buchstabe-neues-layout.html", BASE + "buchstabe-d.html")
    assert list(spider.parse_letter(response, page=2)) == []
    assert spider.crawler.stats == {"resque/layout_changed": 1}
    assert "layout changed" in caplog.text


def test_next_letter_page_is_asked_as_a_later_page():
    spider = spider_with_stats()
    response = saved_response(
        PAGES / "buchstabe-b.html", BASE + "firmenverzeichnis/buchstabe-b.html"
    )
    assert list(spider.parse_letter(response))[-1].cb_kwargs == {"page": 2}


def test_index_without_letter_navigation_fails_the_crawl():
    response = saved_response(PAGES / "buchstabe-neues-layout.html", INDEX)
    page = response.replace(body=response.body.replace(b"az-navigation", b"alphabet"))
    reason = results_missing_reason(spider_with_stats().parse, page)
    assert "the index links no letter page" in reason


# --- one company, field by field ------------------------------------------------------------


def test_every_company_is_parsed_once():
    assert len(ITEMS) == 13
    assert Counter(item.name[0] for item in ITEMS) == {"B": 5, "D": 2, "H": 3, "S": 3}


def test_source():
    assert BY_REF["200120"].source == NAME


def test_name_with_entity_decoded():
    assert BY_REF["100342"].name == "Baumarkt Leipziger Land GmbH & Co. KG"


def test_name_with_comma():
    assert BY_REF["200513"].name == "Haustechnik Wurzen GmbH, Niederlassung Eilenburg"


def test_sector_from_branche():
    assert BY_REF["100502"].sector == (
        "Erbringung von Dienstleistungen der Informationstechnologie"
    )


def test_sector_from_gewerk():
    assert BY_REF["200512"].sector == "Installateur und Heizungsbauer"


def test_address():
    item = BY_REF["200120"]
    assert (item.street, item.postcode, item.city) == ("Hauptstraße 74", "04808", "Wurzen")


def test_address_with_an_extra_line_keeps_the_street():
    item = BY_REF["101022"]
    assert (item.street, item.postcode, item.city) == ("Lindenallee 128", "04668", "Grimma")


def test_website_from_link_target():
    assert BY_REF["100342"].url == "https://baumarkt-leipziger-land-example.de/"


def test_website_written_as_text():
    assert BY_REF["101022"].url == "www.seniorenzentrum-muldental-example.de"


def test_raw_keeps_address_lines_and_page():
    raw = BY_REF["101022"].raw
    assert raw["address"] == ["Haus am Park", "Lindenallee 128", "04668 Grimma"]
    assert raw["url"] == BASE + "firmenverzeichnis/buchstabe-s.html"


# --- invariants over every item -------------------------------------------------------------


def test_source_refs_are_unique():
    refs = [item.source_ref for item in ITEMS]
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_has_name(item):
    assert item.name


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_has_source_ref(item):
    assert re.fullmatch(r"\d{6}", item.source_ref)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_has_sector(item):
    assert item.sector


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_postcode_like(item):
    assert re.fullmatch(r"\d{5}", item.postcode)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_no_personal_data_in_any_field_or_raw(item):
    text = json.dumps(asdict(item), ensure_ascii=False)
    assert not EMAIL_OR_PHONE.search(text)
    assert not [name for name in PERSONAL if name in text]


# --- crawls of a fake directory on 127.0.0.1 ------------------------------------------------


def active_employers(db: Path) -> list[tuple]:
    return query(
        db,
        "select source_ref, name, name_normalised, sector, street, postcode, city, url,"
        " content_hash from employers where is_active order by source_ref",
    )


@pytest.mark.slow  # the crawl contract (test_crawl_contract.py) crawls this site by default
def test_crawl_loads_every_company_once_and_a_second_crawl_changes_nothing(site, crawl, tmp_path):
    serve_directory(site)
    db = tmp_path / "crawl.duckdb"
    assert crawl(NAME, directory_source(site)).code == 0
    first = active_employers(db)
    assert crawl(NAME, directory_source(site)).code == 0

    assert [row[0] for row in first] == sorted(BY_REF)
    bakery = next(row for row in first if row[0] == "200120")
    assert bakery[:4] == ("200120", "Bäckerei Muldenbrot GmbH", "baeckerei muldenbrot", "Bäcker")
    pages = Counter(r.path + str(r.query) for r in site.hits("/firmenverzeichnis/"))
    assert len(pages) == 6 and set(pages.values()) == {2}  # index, 4 letters, B page 2
    assert active_employers(db) == first
    assert query(db, "select count(*) from postings")[0][0] == 0
    counts = [(r["status"], r["rows_in"], r["rows_new"], r["rows_updated"]) for r in crawl_runs(db)]
    assert counts == [("succeeded", 13, 13, 0), ("succeeded", 13, 0, 0)]


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_server_errors_and_a_timeout_are_retried(site, crawl, tmp_path):
    failures = iter([Reply("Internal Server Error", status=500)] * 2)
    slow = iter([Reply((PAGES / "buchstabe-d.html").read_bytes(), delay=2.5)])

    def faulty(request):
        if request.path.endswith("-h.html"):
            return next(failures, None)
        return next(slow, None) if request.path.endswith("-d.html") else None

    serve_directory(site, letter_page=faulty)
    assert crawl(NAME, directory_source(site, DOWNLOAD_TIMEOUT=1)).code == 0

    db = tmp_path / "crawl.duckdb"
    assert len(active_employers(db)) == 13
    [run] = crawl_runs(db)
    assert run["status"] == "succeeded"
    assert run["details"]["responses_by_status"]["500"] == 2
    assert len(site.hits("/firmenverzeichnis/buchstabe-d.html")) == 2  # timed out once
    assert run["details"]["retries"] >= 3


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_changed_layout_fails_the_crawl_and_keeps_the_data(site, crawl, tmp_path):
    redesigned = {"on": False}
    new_page = Reply((PAGES / "buchstabe-neues-layout.html").read_bytes())
    serve_directory(site, letter_page=lambda r: new_page if redesigned["on"] else None)
    db = tmp_path / "crawl.duckdb"
    assert crawl(NAME, directory_source(site)).code == 0
    before = active_employers(db)
    redesigned["on"] = True
    assert_good_then_failed(crawl(NAME, directory_source(site)), db, "no company list")
    assert active_employers(db) == before and len(before) == 13


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_robots_txt_disallow_of_letter_pages_is_obeyed(site, crawl, tmp_path):
    site.robots = "User-agent: *\nDisallow: /firmenverzeichnis/buchstabe-\n"
    serve_directory(site)
    crawl(NAME, directory_source(site))
    db = tmp_path / "crawl.duckdb"
    assert site.hits("/firmenverzeichnis/buchstabe-") == []
    assert site.hits("/firmenverzeichnis/index.html")
    assert crawl_runs(db)[0]["details"]["robots_forbidden"] == 4


@pytest.mark.live
def test_live_directory_still_parses(crawl, tmp_path):
    """Smoke check against the real directory (never in the default run): a few entries.

    Its address is not public: RESQUE_LIVE_DIRECTORY_URL and RESQUE_LIVE_DIRECTORY_PATH
    give the base URL and the A-Z page's path the chambers gave the partners.
    """
    base_url = os.environ.get("RESQUE_LIVE_DIRECTORY_URL")
    index_path = os.environ.get("RESQUE_LIVE_DIRECTORY_PATH")
    if not (base_url and index_path):
        pytest.skip("set RESQUE_LIVE_DIRECTORY_URL and RESQUE_LIVE_DIRECTORY_PATH")
    source = {
        "spider": NAME,
        "entity": "employers",
        "base_url": base_url,
        "args": {"index_path": index_path},
        "settings": LIVE_SETTINGS,
    }
    crawl(NAME, source)
    rows = query(tmp_path / "crawl.duckdb", "select name, sector, postcode from employers")
    assert rows and all(name and postcode for name, _, postcode in rows)

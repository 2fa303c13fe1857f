"""hwk_lehrstellen: saved board pages parsed field by field, and crawls of a fake board."""

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

from pipelines.normalise import normalise_employment_type, parse_german_date
from spiders.hwk_lehrstellen import HwkLehrstellenSpider
from tests.conftest import query
from tests.spiders.conftest import (
    FIXTURES,
    LIVE_SETTINGS,
    Reply,
    crawl_runs,
    saved_response,
    walk_saved,
)

NAME = "hwk_lehrstellen"
PAGES = FIXTURES / NAME / "lehrstellenboerse"
BASE = "https://www.lehrstellen-radar.de/"
RESULTS = BASE + "lehrstellenboerse/ergebnisse.html"
TODAY = dt.date(2026, 11, 28)
# Contact persons planted in the saved offer pages (table rows and descriptions).
PERSONAL = [
    "Anja Schulz",
    "91 20 44",
    "Jens Vogel",
    "Vogel",
    "60 70 80",
    "Kerstin Lange",
    "65 43 21",
    "Frank Richter",
    "Richter",
    "Petra Lindner",
    "Sabine Krüger",
    "mailto",
    "Ansprechpartner",
]
EMAIL_OR_PHONE = re.compile(r"@|\(at\)|(?<![\w-])0\d{2,5}[ /-]*\d{3,}|\+49")


def saved_page(request) -> Path:
    """The saved file for a request: the form, result pages by `seite`, offers by path."""
    parts = urlsplit(request.url)
    if parts.path.endswith("/ergebnisse.html"):
        page = parse_qs(parts.query).get("seite", ["1"])[0]
        return PAGES / ("ergebnisse.html" if page == "1" else f"ergebnisse-seite-{page}.html")
    return PAGES / parts.path.removeprefix("/lehrstellenboerse/")


def make_spider(**args) -> HwkLehrstellenSpider:
    spider = HwkLehrstellenSpider(source=NAME, base_url=BASE, **({"plz": "04109"} | args))
    spider.today = lambda: TODAY
    return spider


async def _first(agen):
    return [request async for request in agen][0]


SPIDER = make_spider()
START = asyncio.run(_first(SPIDER.start()))
ITEMS = walk_saved(SPIDER, START, saved_page)
BY_REF = {item.source_ref: item for item in ITEMS}
FORM_PAGE = saved_response(PAGES / "suche.html", START.url)
[SUBMISSION] = list(SPIDER.parse_form(FORM_PAGE))
FIRST_PAGE = list(SPIDER.parse(saved_response(PAGES / "ergebnisse.html", RESULTS)))


# --- the search form and the result pages ---------------------------------------------------


def test_start_opens_the_search_page():
    assert (START.method, START.url) == ("GET", BASE + "lehrstellenboerse/suche.html")


def test_form_is_posted_to_its_action():
    assert (SUBMISSION.method, SUBMISSION.url) == ("POST", RESULTS)


def test_form_carries_postcode_radius_and_hidden_fields():
    sent = parse_qs(SUBMISSION.body.decode(), keep_blank_values=True)
    assert sent == {
        "__token": ["b1f0c6e2a9d74c3e"],
        "suchart": ["lehrstellen"],
        "plz": ["04109"],
        "umkreis": ["25"],
        "beruf": [""],
        "suchen": ["Lehrstellen finden"],
    }


def test_form_takes_radius_and_occupation_from_arguments():
    spider = make_spider(umkreis="50", beruf="Bäcker")
    [request] = list(spider.parse_form(FORM_PAGE))
    sent = parse_qs(request.body.decode())
    assert (sent["umkreis"], sent["beruf"]) == (["50"], ["Bäcker"])


def test_postcode_is_required():
    with pytest.raises(ValueError, match="plz"):
        HwkLehrstellenSpider(source=NAME, base_url=BASE)


def test_result_page_links_every_card_and_the_next_page():
    assert [r.url for r in FIRST_PAGE] == [
        BASE + "lehrstellenboerse/lehrstelle/2026-004711.html",
        BASE + "lehrstellenboerse/lehrstelle/2026-004802.html",
        BASE + "lehrstellenboerse/lehrstelle/2026-003977.html",
        BASE + "lehrstellenboerse/lehrstelle/2026-004120.html",
        RESULTS + "?plz=04109&umkreis=25&seite=2",
    ]


def test_result_card_texts():
    assert FIRST_PAGE[0].cb_kwargs["listing"] == {
        "occupation": "Friseur/-in",
        "company": "Salon Schnittpunkt Grimma UG (haftungsbeschränkt)",
        "place": "04668 Grimma",
        "distance": "ca. 24 km",
    }


def test_empty_search_is_not_a_layout_change(caplog):
    response = saved_response(PAGES / "ergebnisse-keine-treffer.html", RESULTS)
    assert list(make_spider().parse(response)) == []
    assert "layout changed" not in caplog.text


def test_result_page_without_result_list_is_logged_as_layout_change(caplog):
    response = saved_response(PAGES / "ergebnisse-neues-layout.html", RESULTS)
    spider = make_spider()
    spider.crawler = type("Crawler", (), {"stats": Counter()})()
    spider.crawler.stats.inc_value = lambda key: spider.crawler.stats.update([key])
    assert list(spider.parse(response)) == []
    assert spider.crawler.stats["resque/layout_changed"] == 1
    assert "layout changed" in caplog.text


# --- one offer, field by field --------------------------------------------------------------


def test_every_offer_is_parsed_once():
    assert len(ITEMS) == 7
    assert sorted(BY_REF) == [
        "2026-003977",
        "2026-004120",
        "2026-004533",
        "2026-004650",
        "2026-004699",
        "2026-004711",
        "2026-004802",
    ]


def test_title():
    assert BY_REF["2026-004802"].title == "Elektroniker/-in – Energie- und Gebäudetechnik"


def test_occupation():
    assert BY_REF["2026-003977"].occupation == "Maler/-in und Lackierer/-in"


def test_sector_is_the_trade():
    assert BY_REF["2026-004699"].sector == "Installateure und Heizungsbauer"


def test_employer():
    assert BY_REF["2026-004711"].employer == "Salon Schnittpunkt Grimma UG (haftungsbeschränkt)"


def test_address():
    item = BY_REF["2026-004533"]
    assert (item.street, item.postcode, item.city) == ("Bahnhofstraße 60a", "04838", "Eilenburg")


def test_start_date():
    assert BY_REF["2026-004533"].start_date == "01.09.2027"


def test_immediate_start_as_written():
    assert BY_REF["2026-003977"].start_date == "ab sofort"


def test_places():
    assert BY_REF["2026-004650"].places == "3"


def test_employment_type_is_apprenticeship_text():
    assert BY_REF["2026-004650"].employment_type == "Ausbildung"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("2026-004711", "28.11.2026"),  # heute
        ("2026-004802", "27.11.2026"),  # gestern
        ("2026-003977", "25.11.2026"),  # vor 3 Tagen
        ("2026-004650", "27.11.2026"),  # vor 1 Tag
        ("2026-004533", "16.11.2026"),  # vor 12 Tagen
        ("2026-004120", "21.10.2026"),  # a date stays as written
    ],
)
def test_posted_at_relative_to_the_frozen_today(ref, expected):
    assert BY_REF[ref].posted_at == expected


def test_raw_keeps_posted_at_as_written():
    assert BY_REF["2026-003977"].raw["details"]["posted_at"] == "vor 3 Tagen"


def test_raw_keeps_school_certificate():
    assert BY_REF["2026-003977"].raw["details"]["school_certificate"] == (
        "kein Abschluss erforderlich"
    )


def test_description_contact_person_and_phone_removed():
    assert BY_REF["2026-004802"].description.splitlines()[-1] == (
        "Melde dich bei [Kontakt entfernt] unter [Kontakt entfernt] – wir freuen uns auf dich!"
    )


def test_description_without_contact_data_is_unchanged():
    assert BY_REF["2026-004120"].description == (
        "Steil- und Flachdach, Abdichtung, Solaranlagen – schwindelfrei solltest du sein."
    )


def test_url():
    assert BY_REF["2026-004120"].url == BASE + "lehrstellenboerse/lehrstelle/2026-004120.html"


# --- invariants over every item -------------------------------------------------------------


def test_source_refs_are_unique():
    refs = [item.source_ref for item in ITEMS]
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_has_title(item):
    assert item.title


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_has_source_ref(item):
    assert re.fullmatch(r"\d{4}-\d{6}", item.source_ref)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_postcode_like(item):
    assert re.fullmatch(r"\d{5}", item.postcode)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_is_an_apprenticeship(item):
    assert normalise_employment_type(item.employment_type) == "apprenticeship"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_posted_at_is_a_date_not_after_today(item):
    assert parse_german_date(item.posted_at) <= TODAY


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.source_ref)
def test_no_personal_data_in_any_field_or_raw(item):
    text = json.dumps(asdict(item), ensure_ascii=False)
    assert not EMAIL_OR_PHONE.search(text)
    assert not [name for name in PERSONAL if name in text]


# --- crawls of a fake board on 127.0.0.1 ----------------------------------------------------


def serve_board(site, results_page=None) -> None:
    """The saved board on the local server; `results_page(request)` may override result pages."""

    def results(request):
        if results_page is not None and (reply := results_page(request)) is not None:
            return reply
        if request.method == "POST":
            form = parse_qs(request.body.decode())
            if form.get("plz") != ["04109"] or form.get("__token") != ["b1f0c6e2a9d74c3e"]:
                return Reply("Ungültige Anfrage", status=400)
            return Reply((PAGES / "ergebnisse.html").read_bytes())
        page = request.query.get("seite", ["1"])[0]
        return Reply((PAGES / f"ergebnisse-seite-{page}.html").read_bytes())

    def page(request):
        path = PAGES / request.path.removeprefix("/lehrstellenboerse/")
        return Reply(path.read_bytes()) if path.is_file() else None

    site.route("/lehrstellenboerse/", page)
    site.route("/lehrstellenboerse/ergebnisse.html", results)


def board_source(site, **settings) -> dict:
    return {
        "spider": NAME,
        "base_url": site.url,
        "write_mode": "snapshot",
        "args": {"plz": "04109", "umkreis": 25},
        "settings": settings,
    }


def active_postings(db: Path) -> list[tuple]:
    return query(
        db,
        "select source_ref, title, employer, sector, postcode, employment_type, posted_at,"
        " content_hash from postings where is_active order by source_ref",
    )


def test_crawl_loads_every_offer_once_and_a_second_crawl_changes_nothing(site, crawl, tmp_path):
    serve_board(site)
    db = tmp_path / "crawl.duckdb"
    assert crawl(NAME, board_source(site)).code == 0
    first = active_postings(db)
    assert crawl(NAME, board_source(site)).code == 0

    assert [row[0] for row in first] == sorted(BY_REF)
    assert {row[5] for row in first} == {"apprenticeship"}
    posts = [r for r in site.requests if r.method == "POST"]
    assert len(posts) == 2 and all(r.path.endswith("/ergebnisse.html") for r in posts)
    offers = Counter(r.path for r in site.hits("/lehrstellenboerse/lehrstelle/"))
    assert len(offers) == 7 and set(offers.values()) == {2}
    assert active_postings(db) == first
    assert query(db, "select count(*) from raw_records")[0][0] == 7
    counts = [(r["status"], r["rows_in"], r["rows_new"], r["rows_updated"]) for r in crawl_runs(db)]
    assert counts == [("succeeded", 7, 7, 0), ("succeeded", 7, 0, 0)]


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_server_errors_and_a_timeout_are_retried(site, crawl, tmp_path):
    failures = iter([Reply("Bad Gateway", status=502), Reply("Fehler", status=500)])
    serve_board(site, results_page=lambda request: next(failures, None))
    slow_offer = "/lehrstellenboerse/lehrstelle/2026-004650.html"
    slow = iter([Reply((PAGES / "lehrstelle/2026-004650.html").read_bytes(), delay=2.5)])
    site.route(slow_offer, lambda request: next(slow, None))
    assert crawl(NAME, board_source(site, DOWNLOAD_TIMEOUT=1)).code == 0

    db = tmp_path / "crawl.duckdb"
    assert len(active_postings(db)) == 7
    [run] = crawl_runs(db)
    assert run["status"] == "succeeded"
    statuses = run["details"]["responses_by_status"]
    assert (statuses["502"], statuses["500"]) == (1, 1)
    assert len([r for r in site.hits("/lehrstellenboerse/ergebnisse") if r.method == "POST"]) == 3
    assert len(site.hits(slow_offer)) == 2  # timed out once, then fetched
    assert run["details"]["retries"] >= 3


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_changed_layout_degrades_the_crawl_and_keeps_the_data(site, crawl, tmp_path):
    redesigned = {"on": False}
    new_page = Reply((PAGES / "ergebnisse-neues-layout.html").read_bytes())
    serve_board(site, results_page=lambda request: new_page if redesigned["on"] else None)
    db = tmp_path / "crawl.duckdb"
    assert crawl(NAME, board_source(site)).code == 0
    before = active_postings(db)
    redesigned["on"] = True
    result = crawl(NAME, board_source(site))

    assert "DEGRADED" in result.out
    good, degraded = crawl_runs(db)
    assert (good["status"], degraded["status"]) == ("succeeded", "degraded")
    assert (degraded["rows_in"], degraded["rows_deactivated"]) == (0, 0)
    assert active_postings(db) == before and len(before) == 7


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_robots_txt_disallow_of_offer_pages_is_obeyed(site, crawl, tmp_path):
    site.robots = "User-agent: *\nDisallow: /lehrstellenboerse/lehrstelle/\n"
    serve_board(site)
    crawl(NAME, board_source(site))
    db = tmp_path / "crawl.duckdb"
    assert site.hits("/lehrstellenboerse/lehrstelle/") == []
    assert site.hits("/lehrstellenboerse/ergebnisse.html")
    assert crawl_runs(db)[0]["details"]["robots_forbidden"] > 0


@pytest.mark.live
def test_live_board_still_parses(crawl, tmp_path):
    """Smoke check against the real board (never in the default run): a few places parse."""
    source = {
        "spider": NAME,
        "base_url": HwkLehrstellenSpider.default_base_url,
        "args": {"plz": "04109", "umkreis": 25},
        "settings": LIVE_SETTINGS,
    }
    crawl(NAME, source)
    rows = query(tmp_path / "crawl.duckdb", "select title, postcode from postings")
    assert rows and all(title and postcode for title, postcode in rows)

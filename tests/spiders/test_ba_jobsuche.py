"""ba_jobsuche: saved API answers parsed field by field, then crawls of a fake Jobsuche API.

The fixture tests feed saved answers (tests/fixtures/ba_jobsuche/) to the spider's
callbacks; the crawl tests run `resque crawl` for real against tests/fakes/jobsuche_api.py
on 127.0.0.1: paging, the result cap, splitting, idempotence, and faults.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from pipelines import stages
from pipelines.crawl import items_to_batch
from pipelines.record import Posting
from spiders.ba_jobsuche import BaJobsucheSpider, Query
from tests.conftest import query
from tests.fakes.jobsuche_api import FakeJobsucheApi, make_postings
from tests.spiders.conftest import FIXTURES, Reply

SAVED = FIXTURES / "ba_jobsuche"
API = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service"
LEIPZIG = {"wo": "Leipzig", "umkreis": "25", "angebotsart": "1"}


def make_spider(**args: Any) -> BaJobsucheSpider:
    """The spider as `resque crawl` creates it, arguments as strings."""
    args = {"source": "ba_test", "base_url": API, **args}
    crawler = get_crawler(BaJobsucheSpider)
    return BaJobsucheSpider.from_crawler(crawler, **{k: str(v) for k, v in args.items()})


def answer(body: bytes | dict, url: str = f"{API}/pc/v4/jobs") -> TextResponse:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return TextResponse(url, body=data, encoding="utf-8", request=Request(url))


def saved(name: str) -> bytes:
    return (SAVED / name).read_bytes()


def run_page(spider: BaJobsucheSpider, body: bytes | dict, query: Query | None = None) -> list:
    return list(spider.parse(answer(body), query=query or spider.root, page=1))


def split_outputs(outputs: list) -> tuple[list[Posting], list[Request]]:
    items = [o for o in outputs if isinstance(o, Posting)]
    return items, [o for o in outputs if isinstance(o, Request)]


def params_of(request: Request) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(request.url).query))


# --- a saved first page of a Leipzig search ---------------------------------------------------


@pytest.fixture(scope="module")
def page1() -> tuple[BaJobsucheSpider, list[Posting], list[Request]]:
    spider = make_spider(size=6, **LEIPZIG)
    items, requests = split_outputs(run_page(spider, saved("jobs_leipzig_page1.json")))
    return spider, items, requests


@pytest.fixture(scope="module")
def items(page1) -> list[Posting]:
    return page1[1]


@pytest.fixture(scope="module")
def hits() -> list[dict[str, Any]]:
    return json.loads(saved("jobs_leipzig_page1.json"))["stellenangebote"]


def test_page_yields_one_posting_per_hit_with_a_refnr(items):
    assert len(items) == 5


def test_hit_without_refnr_is_skipped_and_counted(page1):
    assert page1[0].crawler.stats.get_value("ba_jobsuche/hits_without_refnr") == 1


def test_first_page_requests_the_remaining_page(page1):
    assert [params_of(r)["page"] for r in page1[2]] == ["2"]


def test_next_page_repeats_the_search(page1):
    assert params_of(page1[2][0]) == {**LEIPZIG, "page": "2", "size": "6"}


def test_requests_send_the_api_key(page1):
    assert page1[2][0].headers.get("X-API-Key") == b"jobboerse-jobsuche"


def test_source_ref(items):
    assert items[0].source_ref == "10001-1082598032-S"


def test_title(items):
    assert items[0].title == "Fachkraft für Lagerlogistik (m/w/d)"


def test_employer(items):
    assert items[0].employer == "Messestadt Personal GmbH & Co. KG"


def test_occupation(items):
    assert items[0].occupation == "Fachkraft - Lagerlogistik"


def test_postcode(items):
    assert items[0].postcode == "04425"


def test_city(items):
    assert items[0].city == "Taucha"


def test_street(items):
    assert items[0].street == "Dieselstraße 10"


def test_coordinates(items):
    assert (items[0].lat, items[0].lon) == (51.3797, 12.4896)


def test_start_date(items):
    assert items[0].start_date == "2026-11-27"


def test_posted_at(items):
    assert items[0].posted_at == "2026-11-27"


def test_url_is_the_posting_on_the_ba_site(items):
    assert items[0].url == "https://www.arbeitsagentur.de/jobsuche/jobdetail/10001-1082598032-S"


def test_employment_type_is_the_searched_angebotsart(items):
    assert items[0].employment_type == "1"


def test_no_details_without_the_details_request(items):
    assert (items[0].description, items[0].working_time, items[0].places) == (None, None, None)


def test_raw_is_the_hit_as_received(items, hits):
    assert items[0].raw == hits[0]


def test_numeric_plz_is_passed_on_as_written(items):
    assert items[1].postcode == 4109


def test_missing_coordinates_are_none(items):
    assert (items[1].lat, items[1].lon) == (None, None)


def test_external_url_wins(items):
    assert items[2].url == (
        "https://karriere.rabet-personal-example.de/stellen/paketzusteller-leipzig-4711"
    )


def test_title_falls_back_to_beruf(items):
    assert items[3].title == "Fachkraft - Lagerlogistik"


def test_absent_fields_are_none(items):
    assert (items[3].street, items[3].start_date) == (None, None)


def test_coordinates_sent_as_text_stay_text(items):
    assert (items[3].lat, items[3].lon) == ("51.3956", "12.2218")


def test_anonymous_posting_has_no_employer(items):
    assert items[4].employer is None


@pytest.mark.parametrize("index", range(5))
def test_every_item_has_source_title_ref_and_url(items, index):
    item = items[index]
    assert item.source == "ba_test"
    assert item.title
    assert re.fullmatch(r"\d{5}-\d{10}-S", item.source_ref)
    assert item.url.startswith("https://")
    assert item.raw["refnr"] == item.source_ref


def test_items_pass_the_store_stages_as_intended(items):
    """What the warehouse will hold: the API's raw values normalised, nothing rejected."""
    records, _ = items_to_batch([vars(i) for i in items], "ba_test", "vacancies")
    frame = stages.validate(stages.normalise(records, "vacancies"), "vacancies")
    assert frame["reject_reason"].isna().all()
    assert frame["postcode"].tolist() == ["04425", "04109", "04109", "04435", "04318"]
    assert set(frame["employment_type"]) == {"work"}
    assert str(frame["start_date"][0]) == "2026-11-27"
    assert frame["lat"][3] == pytest.approx(51.3956)


def test_a_posting_seen_again_in_the_same_crawl_is_dropped():
    spider = make_spider(size=6, **LEIPZIG)
    first, _ = split_outputs(run_page(spider, saved("jobs_leipzig_page1.json")))
    again, _ = split_outputs(run_page(spider, saved("jobs_leipzig_page1.json")))
    assert (len(first), len(again)) == (5, 0)
    assert spider.crawler.stats.get_value("ba_jobsuche/duplicates_dropped") == 5


# --- the result cap and splitting ----------------------------------------------------------


def test_over_cap_search_is_split_by_occupation_field():
    spider = make_spider(**LEIPZIG)
    _, requests = split_outputs(run_page(spider, saved("jobs_over_cap.json")))
    fields = sorted(params_of(r)["berufsfeld"] for r in requests)
    assert fields == sorted(
        [
            "Lager, Logistik",
            "Verkehr, Transport",
            "Gesundheit, Pflege",
            "Hotel, Gaststätten",
            "Reinigung",
        ]
    )
    assert all(params_of(r)["page"] == "1" and params_of(r)["wo"] == "Leipzig" for r in requests)


def test_over_cap_answer_still_yields_its_own_hits():
    items, _ = split_outputs(run_page(make_spider(**LEIPZIG), saved("jobs_over_cap.json")))
    assert [i.source_ref for i in items] == ["10001-1012345678-S"]


def test_numeric_total_and_facets_as_a_list_are_read():
    spider = make_spider(**LEIPZIG)
    run_page(spider, saved("jobs_over_cap.json"))
    assert spider.crawler.stats.get_value("ba_jobsuche/expected_postings") == 12500
    assert spider.crawler.stats.get_value("ba_jobsuche/split_searches") == 1


def test_a_part_splits_along_the_next_dimension():
    spider = make_spider(**LEIPZIG)
    part = spider.root.with_params({"berufsfeld": "Lager, Logistik"}, "berufsfeld")
    _, requests = split_outputs(run_page(spider, saved("jobs_over_cap.json"), query=part))
    assert sorted((params_of(r)["wo"], params_of(r)["umkreis"]) for r in requests) == [
        ("Halle (Saale)", "0"),
        ("Leipzig", "0"),
    ]
    assert {params_of(r)["berufsfeld"] for r in requests} == {"Lager, Logistik"}


def test_working_time_facet_values_become_search_codes():
    spider = make_spider(**LEIPZIG)
    part = Query(spider.root.params, ("berufsfeld", "arbeitsort"))
    _, requests = split_outputs(run_page(spider, saved("jobs_over_cap.json"), query=part))
    assert sorted(params_of(r)["arbeitszeit"] for r in requests) == ["tz", "vz"]


def over_cap(total: int, facets: dict[str, dict[str, int]] | None = None) -> dict:
    return {
        "stellenangebote": [],
        "maxErgebnisse": str(total),
        "facetten": {k: {"counts": v} for k, v in (facets or {}).items()},
    }


def test_unsplittable_search_fetches_up_to_the_cap_and_logs_an_error(caplog):
    spider = make_spider(**LEIPZIG)
    with caplog.at_level(logging.ERROR):
        _, requests = split_outputs(run_page(spider, over_cap(12500)))
    assert [int(params_of(r)["page"]) for r in requests] == list(range(2, 101))
    assert spider.crawler.stats.get_value("ba_jobsuche/unreachable_postings") == 2500
    assert spider.crawler.stats.get_value("ba_jobsuche/unsplittable_searches") == 1
    assert "2500 postings cannot be fetched" in caplog.text


def test_split_that_cannot_cover_the_total_is_an_error(caplog):
    facets = {"berufsfeld": {"Lager, Logistik": 6000, "Reinigung": 5000}}
    spider = make_spider(**LEIPZIG, split_by="berufsfeld")
    with caplog.at_level(logging.ERROR):
        _, requests = split_outputs(run_page(spider, over_cap(12500, facets)))
    assert len(requests) == 2
    assert spider.crawler.stats.get_value("ba_jobsuche/unreachable_postings") == 1500
    assert "1500 postings missed" in caplog.text


def test_a_covering_facet_is_preferred_to_one_that_is_not():
    facets = {
        "berufsfeld": {"Lager, Logistik": 6000, "Reinigung": 5000},
        "arbeitsort": {"Leipzig": 9000, "Taucha": 3500},
    }
    spider = make_spider(**LEIPZIG)
    _, requests = split_outputs(run_page(spider, over_cap(12500, facets)))
    assert sorted(params_of(r)["wo"] for r in requests) == ["Leipzig", "Taucha"]
    assert spider.crawler.stats.get_value("ba_jobsuche/unreachable_postings") is None


def test_facet_whose_largest_value_is_the_whole_does_not_split():
    facets = {"arbeitszeit": {"VOLLZEIT": 12500, "TEILZEIT": 3000}}
    spider = make_spider(**LEIPZIG, split_by="arbeitszeit")
    run_page(spider, over_cap(12500, facets))
    assert spider.crawler.stats.get_value("ba_jobsuche/unsplittable_searches") == 1


@pytest.mark.parametrize(
    ("total", "size", "cap", "pages"),
    [(200, 50, 200, [2, 3, 4]), (9990, 30, 10_000, list(range(2, 334)))],
)
def test_a_search_that_fits_the_cap_exactly_is_paged(total, size, cap, pages):
    spider = make_spider(size=size, max_results=cap)
    _, requests = split_outputs(run_page(spider, over_cap(total)))
    assert [int(params_of(r)["page"]) for r in requests] == pages


@pytest.mark.parametrize(("total", "size", "cap"), [(201, 50, 200), (9991, 30, 10_000)])
def test_one_result_more_than_whole_pages_under_the_cap_splits(total, size, cap):
    spider = make_spider(size=size, max_results=cap)
    run_page(spider, over_cap(total, {"berufsfeld": {"A": total - 1, "B": 1}}))
    assert spider.crawler.stats.get_value("ba_jobsuche/split_searches") == 1


# --- details, faults in answers, arguments -------------------------------------------------


@pytest.fixture(scope="module")
def detailed() -> tuple[list[Request], Posting]:
    spider = make_spider(size=6, details="true", **LEIPZIG)
    _, requests = split_outputs(run_page(spider, saved("jobs_leipzig_page1.json")))
    detail_requests = [r for r in requests if "/jobdetails/" in r.url]
    first = detail_requests[0]
    (item,) = spider.parse_details(
        answer(saved("jobdetails_10001-1082598032-S.json"), first.url), **first.cb_kwargs
    )
    return detail_requests, item


def test_details_are_requested_per_posting_by_base64_refnr(detailed):
    requests, _ = detailed
    assert len(requests) == 5
    assert requests[0].url == f"{API}/pc/v4/jobdetails/" + base64.b64encode(
        b"10001-1082598032-S"
    ).decode().replace("=", "%3D")


def test_details_give_the_description(detailed):
    assert detailed[1].description.startswith("Für unseren Kunden, ein Logistikzentrum in Taucha")


def test_details_give_working_time_models(detailed):
    assert detailed[1].working_time == "VOLLZEIT, SCHICHT_NACHTARBEIT_WOCHENENDE"


def test_details_give_places_and_sector(detailed):
    assert (detailed[1].places, detailed[1].sector) == (
        3,
        "Befristete Überlassung von Arbeitskräften",
    )


def test_the_hit_wins_over_the_details_location(detailed):
    assert (detailed[1].postcode, detailed[1].city) == ("04425", "Taucha")


def test_details_are_kept_in_raw_beside_the_hit(detailed):
    raw = detailed[1].raw
    assert raw["refnr"] == "10001-1082598032-S"
    assert len(raw["jobdetails"]["stellenlokationen"]) == 2


def test_without_angebotsart_in_the_search_the_details_say_the_kind():
    spider = make_spider(wo="Leipzig")
    hit = json.loads(saved("jobs_leipzig_page1.json"))["stellenangebote"][0]
    details = json.loads(saved("jobdetails_10001-1082598032-S.json"))
    assert spider._posting(hit, details).employment_type == "ARBEIT"


def test_a_single_searched_working_time_code_is_the_working_time():
    spider = make_spider(arbeitszeit="tz")
    hit = json.loads(saved("jobs_leipzig_page1.json"))["stellenangebote"][0]
    assert spider._posting(hit, None).working_time == "tz"


def test_withdrawn_details_still_yield_the_posting_from_its_hit(detailed):
    spider = make_spider(details="true")
    request = detailed[0][1]
    failure = type("F", (), {"request": request, "getErrorMessage": lambda self: "404"})()
    (item,) = spider._details_failed(failure)
    assert item.source_ref == "10001-1199694203-S"


def test_malformed_json_is_skipped_with_an_error(caplog):
    spider = make_spider(**LEIPZIG)
    with caplog.at_level(logging.ERROR):
        outputs = run_page(spider, saved("jobs_truncated.json"))
    assert outputs == []
    assert spider.crawler.stats.get_value("ba_jobsuche/malformed_answers") == 1
    assert "malformed JSON" in caplog.text


def test_answer_without_total_keeps_its_hits_but_logs_an_error(caplog):
    body = json.loads(saved("jobs_leipzig_page1.json"))
    del body["maxErgebnisse"]
    spider = make_spider(**LEIPZIG)
    with caplog.at_level(logging.ERROR):
        items, requests = split_outputs(run_page(spider, body))
    assert (len(items), requests) == (5, [])
    assert "no maxErgebnisse" in caplog.text


def test_misspelt_argument_is_refused():
    with pytest.raises(ValueError, match="unknown argument 'woo'"):
        make_spider(woo="Leipzig")


def test_unknown_split_dimension_is_refused():
    with pytest.raises(ValueError, match="unknown dimension 'branche'"):
        make_spider(split_by="berufsfeld,branche")


def test_extra_search_parameters_come_from_params():
    spider = make_spider(params=json.dumps({"zeitarbeit": "false"}), **LEIPZIG)
    assert dict(spider.root.params)["zeitarbeit"] == "false"


# --- crawls of the fake API ----------------------------------------------------------------


def ba_source(site, **args: Any) -> dict[str, Any]:
    return {
        "spider": "ba_jobsuche",
        "base_url": site.url,
        "write_mode": "snapshot",
        "args": {"size": 50, **args},
    }


def postings_in(db: Path) -> dict[str, tuple]:
    """Every stored posting's content by refnr (without the seen-at bookkeeping)."""
    rows = query(
        db,
        "select source_ref, title, employer, postcode, city, lat, start_date, posted_at, url,"
        " is_active, content_hash from postings",
    )
    return {row[0]: row[1:] for row in rows}


def last_run(db: Path) -> dict[str, Any]:
    row = query(
        db,
        "select status, rows_new, rows_updated, rows_deactivated, details from runs"
        " order by run_id desc limit 1",
    )[0]
    return {
        "status": row[0],
        "new": row[1],
        "updated": row[2],
        "deactivated": row[3],
        "details": json.loads(row[4]),
    }


def searches(site) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in r.query.items()} for r in site.hits("/pc/v4/jobs")]


def test_crawl_splits_below_the_cap_and_loads_every_posting_exactly_once(site, crawl, tmp_path):
    api = FakeJobsucheApi(make_postings(450), cap=200)
    site.route("/pc/v4/", api.route)
    result = crawl("ba_test", ba_source(site, max_results=200))
    assert result.code == 0, result.err
    db = tmp_path / "crawl.duckdb"
    stored = postings_in(db)
    assert set(stored) == {p.refnr for p in api.postings}
    assert query(db, "select count(*) from postings")[0][0] == 450
    assert last_run(db)["status"] == "succeeded"
    pages = searches(site)
    assert all(int(p["page"]) * int(p["size"]) <= 200 for p in pages)
    assert any("berufsfeld" in p and "wo" in p for p in pages)  # split two levels deep
    assert query(db, "select count(distinct postcode) from postings")[0][0] == 11

    again = crawl("ba_test", ba_source(site, max_results=200))
    assert again.code == 0, again.err
    run = last_run(db)
    assert (run["status"], run["new"], run["updated"], run["deactivated"]) == (
        "succeeded",
        0,
        0,
        0,
    )
    assert postings_in(db) == stored
    assert query(db, "select count(*) from raw_records")[0][0] == 450

    withdrawn = {p.refnr for p in api.postings[:7]}
    api.postings = api.postings[7:]
    crawl("ba_test", ba_source(site, max_results=200))
    inactive = query(db, "select source_ref from postings where not is_active")
    assert {r[0] for r in inactive} == withdrawn


def test_crawl_with_details_fills_description_and_working_time(site, crawl, tmp_path):
    api = FakeJobsucheApi(make_postings(40, seed=7))
    site.route("/pc/v4/", api.route)
    result = crawl("ba_test", ba_source(site, details=True))
    assert result.code == 0, result.err
    db = tmp_path / "crawl.duckdb"
    rows = query(db, "select count(*), count(description), count(working_time) from postings")
    assert rows == [(40, 40, 40)]
    assert len(site.hits("/pc/v4/jobdetails/")) == 40


def small_api(site, count: int = 60) -> FakeJobsucheApi:
    api = FakeJobsucheApi(make_postings(count, seed=11))
    site.route("/pc/v4/", api.route)
    return api


def page_route(api: FakeJobsucheApi, page: str, faults: list[Reply]):
    """The fake API, except that `page` first answers with each fault in turn."""

    def route(request):
        if request.path == "/pc/v4/jobs" and request.query.get("page") == [page] and faults:
            return faults.pop(0)
        return api.route(request)

    return route


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_timeout_is_retried(site, crawl, tmp_path):
    api = small_api(site)
    site.route("/pc/v4/", page_route(api, "2", [Reply("{}", delay=2.5)]))
    source = ba_source(site, size=20)
    source["settings"] = {"DOWNLOAD_TIMEOUT": 1}
    result = crawl("ba_test", source)
    assert result.code == 0, result.err
    assert len(postings_in(tmp_path / "crawl.duckdb")) == 60
    assert len([s for s in searches(site) if s["page"] == "2"]) == 2
    assert last_run(tmp_path / "crawl.duckdb")["details"]["retries"] == 1


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_429_waits_as_long_as_retry_after_says(site, crawl, tmp_path):
    api = small_api(site)
    throttled = Reply('{"code": 429}', status=429, headers={"Retry-After": "1"})
    site.route("/pc/v4/", page_route(api, "2", [throttled]))
    result = crawl("ba_test", ba_source(site, size=20))
    assert result.code == 0, result.err
    first, retry = [r for r in site.hits("/pc/v4/jobs") if r.query["page"] == ["2"]]
    assert retry.at - first.at >= 1.0
    assert len(postings_in(tmp_path / "crawl.duckdb")) == 60
    assert last_run(tmp_path / "crawl.duckdb")["status"] == "succeeded"


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_500s_then_success(site, crawl, tmp_path):
    api = small_api(site)
    errors = [Reply("Internal Server Error", status=500, content_type="text/plain")] * 2
    site.route("/pc/v4/", page_route(api, "1", list(errors)))
    result = crawl("ba_test", ba_source(site, size=20))
    assert result.code == 0, result.err
    assert len([s for s in searches(site) if s["page"] == "1"]) == 3
    assert len(postings_in(tmp_path / "crawl.duckdb")) == 60
    assert last_run(tmp_path / "crawl.duckdb")["status"] == "succeeded"


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_malformed_page_is_skipped_the_crawl_degraded_and_nothing_lost(site, crawl, tmp_path):
    api = small_api(site)
    db = tmp_path / "crawl.duckdb"
    assert crawl("ba_test", ba_source(site, size=20)).code == 0
    before = postings_in(db)
    truncated = Reply(saved("jobs_truncated.json"), content_type="application/json")
    site.route("/pc/v4/", page_route(api, "2", [truncated]))
    result = crawl("ba_test", ba_source(site, size=20))
    assert result.code == 0, result.err
    assert "DEGRADED" in result.out
    run = last_run(db)
    assert run["status"] == "degraded"
    assert run["details"]["errors"] >= 1
    assert (run["new"], run["updated"], run["deactivated"]) == (0, 0, 0)
    assert postings_in(db) == before  # page 2's postings stay active


@pytest.mark.slow  # an end-to-end crawl beyond the spider's one default-suite crawl
def test_search_the_api_cannot_split_below_the_cap_degrades_the_crawl(site, crawl, tmp_path):
    api = small_api(site, count=30)
    for posting in api.postings:  # one field, one town, one working time: nothing to split
        posting.berufsfeld, posting.town, posting.arbeitszeit = (
            "Reinigung",
            api.postings[0].town,
            ["vz"],
        )
    api.cap = 20
    result = crawl("ba_test", ba_source(site, size=10, max_results=20))
    assert result.code == 0, result.err
    db = tmp_path / "crawl.duckdb"
    assert len(postings_in(db)) == 20
    run = last_run(db)
    assert run["status"] == "degraded"
    assert "Error Count Monitor/test_stat_monitor" in run["details"]["failed_monitors"]


def test_fake_api_refuses_pages_beyond_its_cap():
    api = FakeJobsucheApi(make_postings(10), cap=200)
    assert api.search({"page": "4", "size": "50"}).status == 200
    assert api.search({"page": "5", "size": "50"}).status == 400
    assert api.search({"page": "1", "size": "101"}).status == 400


@pytest.mark.live
def test_live_api_answers_a_small_search(crawl, tmp_path):
    """Smoke check against the real API (pytest -m live): a narrow search, politely."""
    source = {
        "spider": "ba_jobsuche",
        "base_url": "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service",
        "args": {"was": "Bäcker", "wo": "Wurzen", "umkreis": 10, "size": 25},
        "settings": {"DOWNLOAD_DELAY": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1},
    }
    result = crawl("ba_live", source)
    assert result.code == 0, result.err
    rows = query(tmp_path / "crawl.duckdb", "select count(*), count(postcode) from postings")
    assert rows[0][0] >= 1 and rows[0][1] == rows[0][0]

"""ba_jobsuche: saved API answers parsed field by field, then crawls of a fake Jobsuche API.

The fixture tests feed saved answers (tests/fixtures/ba_jobsuche/, hand-written in the key
shape of a real v6 capture, which `test_*_have_the_real_shape` checks against
v6_shape.json) to the spider's callbacks; the crawl tests run `resque crawl` for real
against tests/fakes/jobsuche_api.py on 127.0.0.1 (v6 only, v4 search 404): paging, the
result cap, splitting, idempotence, a changed shape, and faults. The real capture itself is
parsed when RESQUE_BA_V6_CAPTURE (and RESQUE_BA_DETAILS_CAPTURE) point at the downloaded
files (see tests/fixtures/ba_jobsuche/PROVENANCE.md).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from resque.pipelines import stages
from resque.pipelines.crawl import items_to_batch
from resque.pipelines.record import Posting
from resque.spiders.ba_jobsuche import BaJobsucheSpider, Query
from tests.conftest import query
from tests.fakes.jobsuche_api import FakeJobsucheApi, make_postings
from tests.spiders.conftest import FIXTURES, Reply
from tests.spiders.json_shape import JOBSUCHE_MAPS, problems, shape_of
from tests.spiders.saved_sites import ba_source

SAVED = FIXTURES / "ba_jobsuche"
API = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service"
LEIPZIG = {"wo": "Leipzig", "umkreis": "25", "angebotsart": "1"}
REAL_SHAPE = json.loads((SAVED / "v6_shape.json").read_text(encoding="utf-8"))
PAGE1 = "jobs_leipzig_v6_page1.json"
OVER_CAP = "jobs_leipzig_v6_over_cap.json"
DETAILS = "jobdetails_v6_10001-1082598032-S.json"


def make_spider(**args: Any) -> BaJobsucheSpider:
    """The spider as `resque crawl` creates it, arguments as strings."""
    args = {"source": "ba_test", "base_url": API, **args}
    crawler = get_crawler(BaJobsucheSpider)
    return BaJobsucheSpider.from_crawler(crawler, **{k: str(v) for k, v in args.items()})


def answer(body: bytes | dict, url: str = f"{API}/pc/v6/jobs") -> TextResponse:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return TextResponse(url, body=data, encoding="utf-8", request=Request(url))


def saved(name: str) -> bytes:
    return (SAVED / name).read_bytes()


def loaded(name: str) -> dict[str, Any]:
    return json.loads(saved(name))


def run_page(
    spider: BaJobsucheSpider, body: bytes | dict, query: Query | None = None, page: int = 1
) -> list:
    return list(spider.parse(answer(body), query=query or spider.root, page=page))


def split_outputs(outputs: list) -> tuple[list[Posting], list[Request]]:
    items = [o for o in outputs if isinstance(o, Posting)]
    return items, [o for o in outputs if isinstance(o, Request)]


def params_of(request: Request) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(request.url).query))


# --- fixtures in the real shape --------------------------------------------------------------


@pytest.mark.parametrize("name", [PAGE1, OVER_CAP])
def test_handwritten_search_fixtures_have_the_real_v6_shape(name):
    assert problems(shape_of(loaded(name), JOBSUCHE_MAPS), REAL_SHAPE["search"]) == []


def test_handwritten_details_fixture_has_the_real_details_shape():
    assert problems(shape_of(loaded(DETAILS), JOBSUCHE_MAPS), REAL_SHAPE["details"]) == []


def test_no_match_fixture_is_the_real_top_level_without_hits_and_facets():
    real = dict(REAL_SHAPE["search"])
    real["required"] = [k for k in real["required"] if k not in ("ergebnisliste", "facetten")]
    assert problems(shape_of(loaded("jobs_no_match.json"), JOBSUCHE_MAPS), real) == []


def test_shape_check_catches_the_old_v4_fixture():
    found = problems(
        shape_of(loaded("jobs_leipzig_v4_page1.json"), JOBSUCHE_MAPS), REAL_SHAPE["search"]
    )
    assert "$.stellenangebote: not in the real answer" in found
    assert "$.ergebnisliste: missing (every real one has it)" in found


def test_fake_api_answers_in_the_real_v6_shape():
    api = FakeJobsucheApi(make_postings(60, seed=3))
    page = json.loads(api.search({"wo": "Leipzig", "umkreis": "25", "size": "60"}).body)
    assert problems(shape_of(page, JOBSUCHE_MAPS), REAL_SHAPE["search"]) == []
    details = json.loads(
        api.details(base64.b64encode(api.postings[0].refnr.encode()).decode()).body
    )
    assert problems(shape_of(details, JOBSUCHE_MAPS), REAL_SHAPE["details"]) == []


# --- a saved first page of a Leipzig search --------------------------------------------------


@pytest.fixture(scope="module")
def page1() -> tuple[BaJobsucheSpider, list[Posting], list[Request]]:
    spider = make_spider(size=5, **LEIPZIG)
    items, requests = split_outputs(run_page(spider, saved(PAGE1)))
    return spider, items, requests


@pytest.fixture(scope="module")
def items(page1) -> list[Posting]:
    return page1[1]


@pytest.fixture(scope="module")
def hits() -> list[dict[str, Any]]:
    return loaded(PAGE1)["ergebnisliste"]


def test_v6_is_the_default_search(page1):
    assert "/pc/v6/jobs?" in page1[2][0].url


def test_page_yields_one_posting_per_place(items):
    assert [i.source_ref for i in items] == [
        "10001-1082598032-S",
        "10000-1199694203-S",
        "10000-1199694203-S#2",
        "12265-1043817220-S",
        "10001-1087716530-S",
        "10000-1120045871-S",
    ]


def test_first_page_requests_the_remaining_page(page1):
    assert [params_of(r)["page"] for r in page1[2]] == ["2"]


def test_next_page_repeats_the_search(page1):
    assert params_of(page1[2][0]) == {**LEIPZIG, "page": "2", "size": "5"}


def test_requests_send_the_api_key(page1):
    assert page1[2][0].headers.get("X-API-Key") == b"jobboerse-jobsuche"


def test_title(items):
    assert items[0].title == "Fachkraft für Lagerlogistik (m/w/d)"


def test_employer(items):
    assert items[0].employer == "Messestadt Personal GmbH & Co. KG"


def test_occupation_lists_the_main_and_every_other_occupation(items):
    assert items[0].occupation == "Fachkraft - Lagerlogistik; Lagerarbeiter/in"


def test_single_occupation(items):
    assert items[1].occupation == "Berufskraftfahrer/in (Güterverkehr/LKW)"


def test_postcode_and_city(items):
    assert (items[0].postcode, items[0].city) == ("04425", "Taucha")


def test_street_with_house_number(items):
    assert items[0].street == "Dieselstraße 10"


def test_coordinates_from_breite_and_laenge(items):
    assert (items[0].lat, items[0].lon) == (51.3797, 12.4896)


def test_second_place_is_its_own_posting_with_its_own_address(items):
    second = items[2]
    assert (second.postcode, second.city, second.street) == ("06108", "Halle (Saale)", None)
    assert (second.lat, second.lon) == (51.4828, 11.9697)
    assert (second.title, second.employer) == (items[1].title, items[1].employer)
    assert second.raw["resque_place"] == 2 and len(second.raw["stellenlokationen"]) == 2


def test_city_suffix_of_the_ba_is_dropped_and_kept_in_raw(items):
    assert items[4].city == "Borna"
    assert items[4].raw["stellenlokationen"][0]["adresse"]["ort"] == "Borna, Stadt"


def test_start_date_posted_at(items):
    assert (items[0].start_date, items[0].posted_at) == ("2026-12-01", "2026-11-27")


def test_url_is_the_posting_on_the_ba_site(items):
    assert items[0].url == "https://www.arbeitsagentur.de/jobsuche/jobdetail/10001-1082598032-S"


def test_second_place_links_the_same_ba_page(items):
    assert items[2].url == items[1].url


def test_external_url_wins(items):
    assert (
        items[3].url == "https://karriere.auenwald-example.de/stellen/reinigung-markkleeberg-4711"
    )


def test_employment_type_is_the_hits_stellenangebotsart(items):
    assert (items[0].employment_type, items[5].employment_type) == ("ARBEIT", "PRAKTIKUM_TRAINEE")


@pytest.mark.parametrize(
    ("index", "category"),
    [(0, "full_time"), (3, "part_time"), (4, "minijob"), (5, "full_or_part_time")],
)
def test_working_time_flags_become_the_records_category(items, index, category):
    assert items[index].working_time == category


def test_contract_duration_and_career_changers_stay_in_raw(items):
    raw = items[3].raw
    assert (raw["vertragsdauer"], raw["befristungInMonaten"], raw["quereinstiegGeeignet"]) == (
        "BEFRISTET",
        12,
        True,
    )


def test_no_description_without_the_details_request(items):
    assert items[0].description is None


def test_raw_is_the_hit_as_received(items, hits):
    assert items[0].raw == hits[0]


@pytest.mark.parametrize("index", range(6))
def test_every_item_has_title_employer_occupation_postcode_and_coordinates(items, index):
    item = items[index]
    assert item.source == "ba_test"
    assert item.title and item.employer and item.occupation
    assert re.fullmatch(r"\d{5}", item.postcode)
    assert isinstance(item.lat, float) and isinstance(item.lon, float)
    assert item.url.startswith("https://")


def test_items_pass_the_store_stages_as_intended(items):
    """What the warehouse will hold: the API's raw values normalised, nothing rejected."""
    records, _ = items_to_batch([vars(i) for i in items], "ba_test", "vacancies")
    frame = stages.validate(stages.normalise(records, "vacancies"), "vacancies")
    assert frame["reject_reason"].isna().all()
    assert frame["postcode"].tolist() == ["04425", "04109", "06108", "04416", "04552", "04435"]
    assert frame["employment_type"].tolist() == ["work"] * 5 + ["internship"]
    assert frame["working_time"].tolist()[3:] == ["part_time", "minijob", "full_or_part_time"]
    assert str(frame["start_date"][0]) == "2026-12-01"


def test_a_posting_seen_again_in_the_same_crawl_is_dropped():
    spider = make_spider(size=5, **LEIPZIG)
    first, _ = split_outputs(run_page(spider, saved(PAGE1)))
    again, _ = split_outputs(run_page(spider, saved(PAGE1)))
    assert (len(first), len(again)) == (6, 0)
    assert spider.crawler.stats.get_value("ba_jobsuche/duplicates_dropped") == 5


def test_wo_is_sent_with_its_umlauts():
    spider = make_spider(wo="Markranstädt", umkreis=10)
    (request,) = split_outputs(run_page(spider, {**loaded(PAGE1), "maxErgebnisse": 200}))[1][:1]
    assert params_of(request)["wo"] == "Markranstädt"
    assert "wo=Markranst%C3%A4dt" in request.url


def test_several_working_time_codes_are_refused_in_v6():
    with pytest.raises(ValueError, match="one code per search"):
        make_spider(arbeitszeit="vz;tz")


def test_a_single_searched_working_time_code_is_the_fallback():
    spider = make_spider(arbeitszeit="tz")
    hit = {**loaded(PAGE1)["ergebnisliste"][0], "arbeitszeitVollzeit": False}
    hit["arbeitszeitSchichtNachtWochenende"] = False
    (item,) = spider._postings(hit, None)
    assert item.working_time == "tz"


# --- the v4 search, while it lives -------------------------------------------------------------


def test_api_version_v4_reads_the_old_search():
    spider = make_spider(size=6, api_version="v4", **LEIPZIG)
    body = loaded("jobs_leipzig_v4_page1.json")
    body["stellenangebote"] = [h for h in body["stellenangebote"] if "refnr" in h]
    items, requests = split_outputs(run_page(spider, body))
    assert "/pc/v4/jobs?" in requests[0].url
    assert (items[0].source_ref, items[0].title, items[0].city) == (
        "10001-1082598032-S",
        "Fachkraft für Lagerlogistik (m/w/d)",
        "Taucha",
    )
    assert (items[0].lat, items[0].employment_type) == (51.3797, "1")


def test_unknown_api_version_is_refused():
    with pytest.raises(ValueError, match="unknown version 'v5'"):
        make_spider(api_version="v5")


# --- a changed shape is an error ---------------------------------------------------------------


def test_no_match_answer_is_an_empty_search_not_an_error():
    spider = make_spider(wo="Markranstädt")
    assert run_page(spider, saved("jobs_no_match.json")) == []
    assert spider.crawler.stats.get_value("resque/results_missing") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda body: body.pop("ergebnisliste"),
            "no list 'ergebnisliste' (expected 9 results, received 0)",
        ),
        (
            lambda body: body.update(ergebnisliste=[]),
            "'ergebnisliste' is empty (expected 9 results, received 0)",
        ),
        (lambda body: body.pop("maxErgebnisse"), "no maxErgebnisse"),
        (
            lambda body: body["ergebnisliste"][1].pop("referenznummer"),
            "1 of 5 hits have no 'referenznummer' (expected 5 results, received 4)",
        ),
    ],
    ids=["hits-key-missing", "first-page-empty", "total-missing", "hit-without-id"],
)
def test_changed_shape_closes_the_crawl_with_counts(change, message, caplog):
    body = loaded(PAGE1)
    change(body)
    spider = make_spider(size=5, **LEIPZIG)
    with caplog.at_level(logging.ERROR), pytest.raises(CloseSpider):
        run_page(spider, body)
    assert spider.crawler.stats.get_value("resque/results_missing") == 1
    assert message in spider.crawler.stats.get_value("resque/results_missing_reason")
    assert message in caplog.text


def test_the_old_v4_answer_served_as_v6_is_a_changed_shape():
    spider = make_spider(size=6, **LEIPZIG)
    with pytest.raises(CloseSpider):
        run_page(spider, saved("jobs_leipzig_v4_page1.json"))
    assert "expected 12 results, received 0" in spider.crawler.stats.get_value(
        "resque/results_missing_reason"
    )


def test_an_empty_later_page_is_no_shape_error():
    body = {**loaded(PAGE1), "ergebnisliste": []}
    spider = make_spider(size=5, **LEIPZIG)
    assert run_page(spider, body, page=2) == []


# --- the result cap and splitting ----------------------------------------------------------


def over_cap(total: int, facets: dict[str, dict[str, int]] | None = None) -> dict:
    return {
        "ergebnisliste": [loaded(PAGE1)["ergebnisliste"][0]],
        "maxErgebnisse": total,
        "facetten": {k: {"counts": v} for k, v in (facets or {}).items()},
    }


def part_total(total: int) -> dict:
    """Page 1 of a part: its total, one hit."""
    return {"ergebnisliste": [loaded(PAGE1)["ergebnisliste"][3]], "maxErgebnisse": total}


def test_over_cap_search_is_split_by_occupation_field():
    spider = make_spider(**LEIPZIG)
    _, requests = split_outputs(run_page(spider, saved(OVER_CAP)))
    fields = sorted(params_of(r)["berufsfeld"] for r in requests)
    assert fields == sorted(loaded(OVER_CAP)["facetten"]["berufsfeld"]["counts"])
    assert all(params_of(r)["page"] == "1" and params_of(r)["wo"] == "Leipzig" for r in requests)


def test_over_cap_answer_still_yields_its_own_hits():
    items, _ = split_outputs(run_page(make_spider(**LEIPZIG), saved(OVER_CAP)))
    assert [i.source_ref for i in items] == ["10001-1082598032-S"]


def test_a_part_splits_along_the_next_dimension_with_the_bas_place_names():
    spider = make_spider(**LEIPZIG)
    part = spider.root.with_params({"berufsfeld": "Reinigung"}, "berufsfeld")
    _, requests = split_outputs(run_page(spider, saved(OVER_CAP), query=part))
    assert sorted((params_of(r)["wo"], params_of(r)["umkreis"]) for r in requests) == [
        ("Halle (Saale)", "0"),
        ("Leipzig", "0"),
    ]


def test_working_time_facet_codes_are_the_search_codes():
    spider = make_spider(**LEIPZIG)
    part = Query(spider.root.params, ("berufsfeld", "arbeitsort"))
    _, requests = split_outputs(run_page(spider, saved(OVER_CAP), query=part))
    assert sorted(params_of(r)["arbeitszeit"] for r in requests) == ["tz", "vz"]


def test_unsplittable_search_fetches_up_to_the_cap_and_logs_an_error(caplog):
    spider = make_spider(**LEIPZIG)
    with caplog.at_level(logging.ERROR):
        _, requests = split_outputs(run_page(spider, over_cap(12500)))
    assert [int(params_of(r)["page"]) for r in requests] == list(range(2, 101))
    assert spider.crawler.stats.get_value("ba_jobsuche/unreachable_postings") == 2500
    assert spider.crawler.stats.get_value("ba_jobsuche/unsplittable_searches") == 1
    assert "2500 postings cannot be fetched" in caplog.text


def answer_parts(spider: BaJobsucheSpider, requests: list[Request], totals: list[int]) -> list:
    """Feed each part's page 1 with the given total; returns what the last answers yield."""
    out = []
    for request, total in zip(requests, totals, strict=True):
        out += run_page(spider, part_total(total), query=request.cb_kwargs["query"])
    return out


def test_parts_that_hold_less_than_the_whole_are_split_again_along_another_facet(caplog):
    """berufsfeld omits uncategorised postings: the rest is reached through the places."""
    facets = {
        "berufsfeld": {"Lager": 7000, "Reinigung": 5500},
        "arbeitsort": {"Leipzig": 9000, "Taucha": 3500},
    }
    spider = make_spider(**LEIPZIG, split_by="berufsfeld,arbeitsort")
    _, first = split_outputs(run_page(spider, over_cap(12500, facets)))
    assert sorted(params_of(r)["berufsfeld"] for r in first) == ["Lager", "Reinigung"]
    with caplog.at_level(logging.WARNING):
        _, again = split_outputs(answer_parts(spider, first, [6000, 5000]))
    assert sorted(params_of(r)["wo"] for r in again if params_of(r)["page"] == "1") == [
        "Leipzig",
        "Taucha",
    ]
    assert "splitting again by arbeitsort" in caplog.text
    answer_parts(spider, [r for r in again if "berufsfeld" not in params_of(r)], [9000, 3500])
    assert spider.crawler.stats.get_value("ba_jobsuche/unreachable_postings") is None


def test_parts_short_of_the_whole_with_no_facet_left_are_an_error_with_the_count(caplog):
    facets = {"berufsfeld": {"Lager": 6000, "Reinigung": 5000}}
    spider = make_spider(**LEIPZIG, split_by="berufsfeld")
    _, parts = split_outputs(run_page(spider, over_cap(12500, facets)))
    with caplog.at_level(logging.ERROR):
        answer_parts(spider, parts, [6000, 5000])
    assert spider.crawler.stats.get_value("ba_jobsuche/unreachable_postings") == 1500
    assert "1500 postings cannot be reached" in caplog.text


def test_parts_whose_answers_fall_short_of_their_facet_counts_are_caught(caplog):
    """The facet claims to cover the total; the parts' own totals say otherwise."""
    facets = {"berufsfeld": {"Lager": 7500, "Reinigung": 5000}}
    spider = make_spider(**LEIPZIG, split_by="berufsfeld")
    _, parts = split_outputs(run_page(spider, over_cap(12500, facets)))
    with caplog.at_level(logging.ERROR):
        answer_parts(spider, parts, [7500, 4200])
    assert spider.crawler.stats.get_value("ba_jobsuche/unreachable_postings") == 800


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
    facets = {"arbeitszeit": {"vz": 12500, "tz": 3000}}
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
def detailed() -> tuple[BaJobsucheSpider, list[Request], list[Posting]]:
    spider = make_spider(size=5, details="true", **LEIPZIG)
    _, requests = split_outputs(run_page(spider, saved(PAGE1)))
    detail_requests = [r for r in requests if "/jobdetails/" in r.url]
    first = detail_requests[0]
    response = TextResponse(first.url, body=saved(DETAILS), encoding="utf-8", request=first)
    return spider, detail_requests, list(spider.parse_details(response, **first.cb_kwargs))


def test_details_are_requested_from_v4_by_base64_referenznummer(detailed):
    _, requests, _ = detailed
    assert len(requests) == 5
    assert requests[0].url == f"{API}/pc/v4/jobdetails/" + base64.b64encode(
        b"10001-1082598032-S"
    ).decode().replace("=", "%3D")


def test_details_give_the_description_without_contacts(detailed):
    (item,) = detailed[2]
    assert item.description.startswith("Für unseren Kunden, ein Logistikzentrum in Taucha")
    assert "Krüger" not in item.description and "1234567" not in item.description
    assert "Krüger" not in json.dumps(item.raw, ensure_ascii=False)


def test_the_hit_wins_over_the_details(detailed):
    (item,) = detailed[2]
    assert (item.postcode, item.url) == (
        "04425",
        "https://www.arbeitsagentur.de/jobsuche/jobdetail/10001-1082598032-S",
    )


def test_details_are_kept_in_raw_beside_the_hit(detailed):
    (item,) = detailed[2]
    assert item.raw["referenznummer"] == "10001-1082598032-S"
    assert item.raw["jobdetails"]["istArbeitnehmerUeberlassung"] is True


def test_failed_v4_details_are_asked_of_the_next_endpoint(detailed):
    spider, requests, _ = detailed
    failure = type("F", (), {"request": requests[1], "getErrorMessage": lambda self: "404"})()
    (retry,) = spider._details_failed(failure)
    assert "/pc/v6/jobdetails/" in retry.url


def test_details_no_endpoint_gives_still_yield_the_posting_from_its_hit(detailed):
    spider, requests, _ = detailed
    request = requests[1].replace(meta={**requests[1].meta, "details_path": "pc/v6/jobdetails/"})
    failure = type("F", (), {"request": request, "getErrorMessage": lambda self: "403"})()
    assert [i.source_ref for i in spider._details_failed(failure)] == [
        "10000-1199694203-S",
        "10000-1199694203-S#2",
    ]


def test_malformed_json_is_skipped_with_an_error(caplog):
    spider = make_spider(**LEIPZIG)
    with caplog.at_level(logging.ERROR):
        outputs = run_page(spider, saved("jobs_truncated.json"))
    assert outputs == []
    assert spider.crawler.stats.get_value("ba_jobsuche/malformed_answers") == 1
    assert "malformed JSON" in caplog.text


def test_misspelt_argument_is_refused():
    with pytest.raises(ValueError, match="unknown argument 'woo'"):
        make_spider(woo="Leipzig")


def test_unknown_split_dimension_is_refused():
    with pytest.raises(ValueError, match="unknown dimension 'branche'"):
        make_spider(split_by="berufsfeld,branche")


def test_extra_search_parameters_come_from_params():
    spider = make_spider(params=json.dumps({"zeitarbeit": "false"}), **LEIPZIG)
    assert dict(spider.root.params)["zeitarbeit"] == "false"


# --- the real capture (opt-in: not committed, it has no licence) -----------------------------

CAPTURE = os.environ.get("RESQUE_BA_V6_CAPTURE")
DETAILS_CAPTURE = os.environ.get("RESQUE_BA_DETAILS_CAPTURE")


@pytest.mark.skipif(not CAPTURE, reason="set RESQUE_BA_V6_CAPTURE to the downloaded v6 capture")
def test_real_v6_capture_has_the_committed_shape_and_every_posting_is_read():
    data = json.loads(Path(CAPTURE).read_text(encoding="utf-8"))
    assert shape_of(data, JOBSUCHE_MAPS) == REAL_SHAPE["search"]
    spider = make_spider(was="Werkstudent", wo="Ingolstadt", size=5)
    items, requests = split_outputs(run_page(spider, data))
    assert len(items) == 5 and len(requests) == 3  # 18 results, 5 a page
    for item in items:
        assert item.title and item.employer and item.occupation and item.url
        assert re.fullmatch(r"\d{5}", item.postcode)
        assert isinstance(item.lat, float) and isinstance(item.lon, float)
    assert items[0].city == "Ingolstadt"  # 'Ingolstadt, Donau'


@pytest.mark.skipif(
    not DETAILS_CAPTURE, reason="set RESQUE_BA_DETAILS_CAPTURE to the downloaded details capture"
)
def test_real_details_capture_has_the_committed_shape_and_gives_a_description():
    data = json.loads(Path(DETAILS_CAPTURE).read_text(encoding="utf-8"))
    assert problems(shape_of(data, JOBSUCHE_MAPS), REAL_SHAPE["details"]) == []
    spider = make_spider(details="true")
    (item,) = spider._postings({"referenznummer": data["referenznummer"]}, data)
    assert item.description and item.title and item.postcode and item.lat


# --- crawls of the fake API ----------------------------------------------------------------


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
    return [{k: v[0] for k, v in r.query.items()} for r in site.hits("/pc/v6/jobs")]


def expected_records(api: FakeJobsucheApi) -> set[str]:
    """The source_ref of every record the fake's postings make: one per place."""
    return {
        p.refnr if n == 1 else f"{p.refnr}#{n}"
        for p in api.postings
        for n in range(1, len(p.places) + 1)
    }


@pytest.mark.slow  # the crawl contract (test_crawl_contract.py) crawls the fake API by default
def test_v6_only_api_delivers_every_posting_and_a_missing_hits_key_fails_the_crawl(
    site, crawl, tmp_path
):
    """Done when (issue 13): v6 only, v4 404; every posting with title, employer, occupation,
    postcode and coordinates; then an answer without `ergebnisliste` exits non-zero, records
    a failed run with the counts, and deactivates nothing."""
    api = FakeJobsucheApi(make_postings(450), cap=200)
    site.route("/pc/", api.route)
    result = crawl("ba_test", ba_source(site, max_results=200))
    assert result.code == 0, result.err
    db = tmp_path / "crawl.duckdb"
    stored = query(
        db,
        "select source_ref from postings where title is not null and employer is not null"
        " and occupation is not null and postcode is not null and lat is not null"
        " and lon is not null",
    )
    assert {r[0] for r in stored} == expected_records(api)
    assert len(expected_records(api)) > 450  # some postings have two places
    assert site.hits("/pc/v4/jobs") == []
    assert last_run(db)["status"] == "succeeded"
    pages = searches(site)
    assert all(int(p["page"]) * int(p["size"]) <= 200 for p in pages)
    assert any("berufsfeld" in p and "wo" in p for p in pages)  # split two levels deep
    before = postings_in(db)

    def renamed(request):
        reply = api.route(request)
        if request.path == "/pc/v6/jobs" and reply.status == 200:
            body = json.loads(reply.body)
            body["stellenangebote"] = body.pop("ergebnisliste")
            reply = Reply(json.dumps(body), content_type="application/json")
        return reply

    site.route("/pc/", renamed)
    broken = crawl("ba_test", ba_source(site, max_results=200))
    assert broken.code != 0
    assert "no list 'ergebnisliste'" in broken.err and "received 0" in broken.err
    run = last_run(db)
    assert run["status"] == "failed" and not run["deactivated"]
    assert "Results Missing Monitor" in str(run["details"]["failed_monitors"])
    assert postings_in(db) == before


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_recrawl_is_idempotent_and_withdrawn_postings_are_deactivated(site, crawl, tmp_path):
    api = FakeJobsucheApi(make_postings(200), cap=100)
    site.route("/pc/", api.route)
    db = tmp_path / "crawl.duckdb"
    assert crawl("ba_test", ba_source(site, max_results=100)).code == 0
    stored = postings_in(db)
    again = crawl("ba_test", ba_source(site, max_results=100))
    assert again.code == 0, again.err
    run = last_run(db)
    assert (run["status"], run["new"], run["updated"], run["deactivated"]) == ("succeeded", 0, 0, 0)
    assert postings_in(db) == stored
    withdrawn = {p.refnr for p in api.postings[:7] if len(p.places) == 1}
    api.postings = [p for p in api.postings if p.refnr not in withdrawn]
    crawl("ba_test", ba_source(site, max_results=100))
    inactive = query(db, "select source_ref from postings where not is_active")
    assert {r[0] for r in inactive} == withdrawn


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_api_version_v4_crawls_the_old_search_while_it_lives(site, crawl, tmp_path):
    api = FakeJobsucheApi(make_postings(30, seed=5), v4_search=True)
    site.route("/pc/", api.route)
    result = crawl("ba_test", ba_source(site, api_version="v4"))
    assert result.code == 0, result.err
    assert len(postings_in(tmp_path / "crawl.duckdb")) == 30
    assert site.hits("/pc/v6/jobs") == []


@pytest.mark.slow  # the crawl contract (test_crawl_contract.py) crawls the fake API by default
def test_crawl_with_details_fills_description_and_working_time(site, crawl, tmp_path):
    api = FakeJobsucheApi(make_postings(40, seed=7))
    site.route("/pc/", api.route)
    result = crawl("ba_test", ba_source(site, details=True))
    assert result.code == 0, result.err
    db = tmp_path / "crawl.duckdb"
    rows = query(db, "select count(*), count(description), count(working_time) from postings")
    assert rows == [(len(expected_records(api)),) * 3]
    assert len(site.hits("/pc/v4/jobdetails/")) == 40


def small_api(site, count: int = 60) -> FakeJobsucheApi:
    api = FakeJobsucheApi(make_postings(count, seed=11))
    site.route("/pc/", api.route)
    return api


def page_route(api: FakeJobsucheApi, page: str, faults: list[Reply]):
    """The fake API, except that `page` first answers with each fault in turn."""

    def route(request):
        if request.path == "/pc/v6/jobs" and request.query.get("page") == [page] and faults:
            return faults.pop(0)
        return api.route(request)

    return route


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_timeout_is_retried(site, crawl, tmp_path):
    api = small_api(site)
    site.route("/pc/", page_route(api, "2", [Reply("{}", delay=2.5)]))
    source = ba_source(site, size=20)
    source["settings"] = {"DOWNLOAD_TIMEOUT": 1}
    result = crawl("ba_test", source)
    assert result.code == 0, result.err
    assert set(postings_in(tmp_path / "crawl.duckdb")) == expected_records(api)
    assert len([s for s in searches(site) if s["page"] == "2"]) == 2
    assert last_run(tmp_path / "crawl.duckdb")["details"]["retries"] == 1


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_429_waits_as_long_as_retry_after_says(site, crawl, tmp_path):
    api = small_api(site)
    throttled = Reply('{"code": 429}', status=429, headers={"Retry-After": "1"})
    site.route("/pc/", page_route(api, "2", [throttled]))
    result = crawl("ba_test", ba_source(site, size=20))
    assert result.code == 0, result.err
    first, retry = [r for r in site.hits("/pc/v6/jobs") if r.query["page"] == ["2"]]
    assert retry.at - first.at >= 1.0
    assert set(postings_in(tmp_path / "crawl.duckdb")) == expected_records(api)
    assert last_run(tmp_path / "crawl.duckdb")["status"] == "succeeded"


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_500s_then_success(site, crawl, tmp_path):
    api = small_api(site)
    errors = [Reply("Internal Server Error", status=500, content_type="text/plain")] * 2
    site.route("/pc/", page_route(api, "1", list(errors)))
    result = crawl("ba_test", ba_source(site, size=20))
    assert result.code == 0, result.err
    assert len([s for s in searches(site) if s["page"] == "1"]) == 3
    assert set(postings_in(tmp_path / "crawl.duckdb")) == expected_records(api)
    assert last_run(tmp_path / "crawl.duckdb")["status"] == "succeeded"


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
def test_malformed_page_is_skipped_the_crawl_degraded_and_nothing_lost(site, crawl, tmp_path):
    api = small_api(site)
    db = tmp_path / "crawl.duckdb"
    assert crawl("ba_test", ba_source(site, size=20)).code == 0
    before = postings_in(db)
    truncated = Reply(saved("jobs_truncated.json"), content_type="application/json")
    site.route("/pc/", page_route(api, "2", [truncated]))
    result = crawl("ba_test", ba_source(site, size=20))
    assert result.code == 0, result.err
    assert "DEGRADED" in result.out
    run = last_run(db)
    assert run["status"] == "degraded"
    assert run["details"]["errors"] >= 1
    assert (run["new"], run["updated"], run["deactivated"]) == (0, 0, 0)
    assert postings_in(db) == before  # page 2's postings stay active


@pytest.mark.slow  # a further crawl: the default suite's one per spider is the contract's
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
    assert len({ref.split("#")[0] for ref in postings_in(db)}) == 20
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

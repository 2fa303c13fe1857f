"""The Bundesagentur für Arbeit Jobsuche API: every posting a configured search finds.

`GET {base_url}/pc/v4/jobs` with the header `X-API-Key: jobboerse-jobsuche` answers a search
(`was`, `wo`, `umkreis`, `angebotsart`, `arbeitszeit`, `veroeffentlichtseit`, ...) page by
page (`page` from 1, `size` up to 100) with `stellenangebote[]` and the total `maxErgebnisse`.
The API refuses `page * size > 10000`, so a search with more results is split into parts
along the facets the API returns with it (occupation field, then place of work, then working
time) until every part is under the cap. Overlapping parts are harmless: a posting seen
twice in one crawl is yielded once. A part that cannot be split below the cap is fetched as
far as the API allows and logged as an ERROR with the number of postings it cannot reach,
so the crawl is flagged instead of silently incomplete.

The publication window `veroeffentlichtseit` is not a split dimension: the API reads it as
"published in the last N days", so windows nest and cannot partition a result set. It is a
scope setting (e.g. a daily crawl of the last two days with write_mode "merge").

With `details = true` each new posting also costs one `GET /pc/v4/jobdetails/{base64(refnr)}`
for its description, working time, sector and number of openings (default off).
"""

from __future__ import annotations

import base64
import json
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from scrapy.http import JsonRequest, Request, Response
from twisted.python.failure import Failure

from pipelines.record import Posting
from spiders.base import SourceSpider, scrub_personal_data

log = logging.getLogger(__name__)

API_KEY = "jobboerse-jobsuche"
SEARCH_PATH = "pc/v4/jobs"
DETAILS_PATH = "pc/v4/jobdetails/"
JOBDETAIL_URL = "https://www.arbeitsagentur.de/jobsuche/jobdetail/{refnr}"
MAX_PAGE_SIZE = 100
RESULT_CAP = 10_000
# Search parameters a source may set in its `args` (anything else goes into `params`).
QUERY_PARAMS = ("was", "wo", "umkreis", "angebotsart", "arbeitszeit", "veroeffentlichtseit")
# Facet values of `arbeitszeit` and the codes the search parameter takes.
ARBEITSZEIT_CODES = {
    "VOLLZEIT": "vz",
    "TEILZEIT": "tz",
    "SCHICHT_NACHTARBEIT_WOCHENENDE": "snw",
    "HEIM_TELEARBEIT": "ho",
    "MINIJOB": "mj",
}
# Blocks of the details that name a person to contact: never kept, not even in raw.
CONTACT_KEYS = {"angebotskontakt", "ansprechpartner", "kontakt", "bewerbungskontakt"}
TRUE_TEXTS = {"1", "true", "yes", "on", "ja"}


@dataclass(frozen=True)
class Split:
    """One way to split a search: the facet to read and the parameters of each part."""

    facet: str
    params: Callable[[str], dict[str, str]]


# Tried in the order of the `split_by` argument; each is used at most once per branch.
SPLITS: dict[str, Split] = {
    "berufsfeld": Split("berufsfeld", lambda value: {"berufsfeld": value}),
    "arbeitsort": Split("arbeitsort", lambda value: {"wo": value, "umkreis": "0"}),
    "arbeitszeit": Split(
        "arbeitszeit",
        lambda value: {"arbeitszeit": ARBEITSZEIT_CODES.get(value.upper(), value.lower())},
    ),
}


@dataclass(frozen=True)
class Query:
    """One search: its parameters and the split dimensions already applied on its branch."""

    params: tuple[tuple[str, str], ...]
    used: tuple[str, ...] = field(default=())

    def with_params(self, extra: dict[str, str], dimension: str) -> Query:
        merged = {**dict(self.params), **extra}
        return Query(tuple(sorted(merged.items())), (*self.used, dimension))

    def label(self) -> str:
        return urlencode(self.params) or "(all)"


class BaJobsucheSpider(SourceSpider):
    """Postings of the Jobsuche API for one configured search.

    Args (spider arguments, as text):
        was, wo, umkreis, angebotsart, arbeitszeit, veroeffentlichtseit: the search.
        params: further search parameters as a JSON object (e.g. {"zeitarbeit": "false"}).
        size: results per page (1..100). max_results: the API's cap on page * size.
        details: "true" to fetch each posting's details (one request per posting).
        split_by: facets to split an over-cap search by, in order (comma-separated).
        api_key: the X-API-Key header. source, base_url: see SourceSpider.
    Yields:
        One Posting per refnr found, the hit (and details) as received in `raw`.
    """

    name = "ba_jobsuche"
    default_base_url = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service/"

    # Where each record field sits in a search hit, first non-empty path first:
    # when the API renames a field, this is the one edit.
    FIELDS: dict[str, tuple[str, ...]] = {
        "source_ref": ("refnr",),
        "title": ("titel", "beruf"),
        "employer": ("arbeitgeber",),
        "occupation": ("beruf",),
        "postcode": ("arbeitsort.plz",),
        "city": ("arbeitsort.ort",),
        "street": ("arbeitsort.strasse",),
        "lat": ("arbeitsort.koordinaten.lat",),
        "lon": ("arbeitsort.koordinaten.lon",),
        "start_date": ("eintrittsdatum",),
        "posted_at": ("aktuelleVeroeffentlichungsdatum",),
    }
    # The same for the job details; they fill what the search hit lacks.
    DETAIL_FIELDS: dict[str, tuple[str, ...]] = {
        "description": ("stellenangebotsBeschreibung", "stellenbeschreibung"),
        "sector": ("branche", "branchengruppe"),
        "places": ("anzahlOffeneStellen",),
        "employment_type": ("angebotsart", "stellenangebotsart"),
        "working_time": ("arbeitszeitmodelle",),
        "postcode": ("stellenlokationen.0.adresse.plz", "arbeitsorte.0.plz"),
        "city": ("stellenlokationen.0.adresse.ort", "arbeitsorte.0.ort"),
        "street": ("stellenlokationen.0.adresse.strasse", "arbeitsorte.0.strasse"),
        "lat": ("stellenlokationen.0.adresse.koordinaten.lat", "arbeitsorte.0.koordinaten.lat"),
        "lon": ("stellenlokationen.0.adresse.koordinaten.lon", "arbeitsorte.0.koordinaten.lon"),
    }
    HITS = "stellenangebote"
    TOTAL = "maxErgebnisse"
    FACETS = "facetten"

    def __init__(
        self,
        *args: Any,
        size: str | int = MAX_PAGE_SIZE,
        max_results: str | int = RESULT_CAP,
        details: str | bool = False,
        split_by: str = ",".join(SPLITS),
        api_key: str = API_KEY,
        params: str | dict | None = None,
        **kwargs: Any,
    ) -> None:
        query = {k: str(kwargs.pop(k)) for k in QUERY_PARAMS if kwargs.get(k) not in (None, "")}
        known = {"source", "base_url", "start_urls", *QUERY_PARAMS}
        unknown = sorted(set(kwargs) - known)
        if unknown:  # a misspelt search parameter must not silently widen the search
            raise ValueError(f"{self.name}: unknown argument {unknown[0]!r}")
        super().__init__(*args, **kwargs)
        self.size = _page_size(size)
        self.cap = int(max_results)
        self.details = _flag(details)
        self.splits = _split_dimensions(split_by)
        self.api_key = api_key
        query.update({k: str(v) for k, v in _json_object(params).items()})
        self.root = Query(tuple(sorted(query.items())))
        self.seen: set[str] = set()

    @property
    def reachable(self) -> int:
        """How many results of one search the API hands out: whole pages up to the cap."""
        return (self.cap // self.size) * self.size

    # --- requests ----------------------------------------------------------------------------

    async def start(self) -> Any:
        yield self._search_request(self.root, page=1)

    def _search_request(self, query: Query, page: int) -> Request:
        params = {**dict(query.params), "page": page, "size": self.size}
        return JsonRequest(
            self.url(SEARCH_PATH, dict(sorted(params.items()))),
            method="GET",
            headers={"X-API-Key": self.api_key},
            callback=self.parse,
            errback=self._search_failed,
            cb_kwargs={"query": query, "page": page},
        )

    def _details_request(self, hit: dict[str, Any], refnr: str) -> Request:
        encoded = base64.b64encode(refnr.encode("utf-8")).decode("ascii")
        return JsonRequest(
            self.url(DETAILS_PATH + quote(encoded, safe="")),
            method="GET",
            headers={"X-API-Key": self.api_key},
            callback=self.parse_details,
            errback=self._details_failed,
            cb_kwargs={"hit": hit},
        )

    # --- callbacks ---------------------------------------------------------------------------

    def parse(self, response: Response, query: Query, page: int) -> Iterator[Any]:
        """One page of a search: on page 1 plan the rest, then the page's new postings."""
        data = self._parse_json(response, f"page {page} of search {query.label()}")
        if data is None:
            return
        self.crawler.stats.inc_value("ba_jobsuche/pages")
        if page == 1:
            yield from self._plan(query, data)
        for hit in self._parse_hits(data):
            yield from self._posting_or_details(hit)

    def parse_details(self, response: Response, hit: dict[str, Any]) -> Iterator[Posting]:
        details = self._parse_json(
            response, f"details of {hit.get('refnr')}", level=logging.WARNING
        )
        yield self._posting(hit, details if isinstance(details, dict) else None)

    def _search_failed(self, failure: Failure) -> None:
        """A page the API would not give even after retries: its postings are missing."""
        request = failure.request
        self.crawler.stats.inc_value("ba_jobsuche/failed_pages")
        self.logger.error(
            "search page failed, its postings are missing: %s (%s)",
            request.url,
            failure.getErrorMessage(),
        )

    def _details_failed(self, failure: Failure) -> Iterator[Posting]:
        """A posting whose details are gone (withdrawn meanwhile) still counts from its hit."""
        self.crawler.stats.inc_value("ba_jobsuche/details_failed")
        self.logger.warning(
            "no details for %s (%s)", failure.request.url, failure.getErrorMessage()
        )
        yield self._posting(failure.request.cb_kwargs["hit"], None)

    # --- planning: paging and splitting ------------------------------------------------------

    def _plan(self, query: Query, data: dict[str, Any]) -> Iterator[Request]:
        """Further pages when the search fits under the cap, else its parts."""
        total = self._parse_total(data)
        if total is None:
            self.logger.error("search %s: no %s in the answer", query.label(), self.TOTAL)
            self.crawler.stats.inc_value("ba_jobsuche/unknown_totals")
            return
        if query == self.root:
            self.crawler.stats.set_value("ba_jobsuche/expected_postings", total)
        if total <= self.reachable:
            for page in range(2, math.ceil(total / self.size) + 1):
                yield self._search_request(query, page)
            return
        parts = self._split(query, total, self._parse_facets(data))
        if parts:
            self.crawler.stats.inc_value("ba_jobsuche/split_searches")
            for part in parts:
                yield self._search_request(part, 1)
            return
        self._report_unsplittable(query, total)
        for page in range(2, self.reachable // self.size + 1):
            yield self._search_request(query, page)

    def _split(self, query: Query, total: int, facets: dict[str, dict[str, int]]) -> list[Query]:
        """The parts of an over-cap search along the first facet that covers all its results.

        A facet whose counts add up to less than the total would leave postings out; it is
        used only if no covering facet is left, and the gap is logged as an error.
        """
        usable = []
        for name in self.splits:
            counts = facets.get(SPLITS[name].facet, {})
            if name in query.used or len(counts) < 2 or max(counts.values()) >= total:
                continue  # already applied, or no part would be smaller than the whole
            usable.append((name, counts))
        if not usable:
            return []
        covering = [(n, c) for n, c in usable if sum(c.values()) >= total]
        name, counts = (covering or usable)[0]
        if not covering:
            missing = total - sum(counts.values())
            self.crawler.stats.inc_value("ba_jobsuche/unreachable_postings", missing)
            self.logger.error(
                "search %s: %d results, split by %s reaches only %d (%d postings missed)",
                query.label(),
                total,
                name,
                sum(counts.values()),
                missing,
            )
        split = SPLITS[name]
        return [query.with_params(split.params(value), name) for value in sorted(counts)]

    def _report_unsplittable(self, query: Query, total: int) -> None:
        """An over-cap search with no facet left to split by: count what cannot be reached."""
        missing = total - self.reachable
        self.crawler.stats.inc_value("ba_jobsuche/unsplittable_searches")
        self.crawler.stats.inc_value("ba_jobsuche/unreachable_postings", missing)
        self.logger.error(
            "search %s: %d results, the API returns at most %d and no facet is left to split "
            "by: %d postings cannot be fetched",
            query.label(),
            total,
            self.reachable,
            missing,
        )

    def closed(self, reason: str) -> None:
        """Compare what arrived with what the first answer promised."""
        stats = self.crawler.stats
        expected = stats.get_value("ba_jobsuche/expected_postings")
        if expected is None:
            return
        shortfall = max(0, expected - len(self.seen))
        stats.set_value("ba_jobsuche/shortfall", shortfall)
        unexplained = shortfall - stats.get_value("ba_jobsuche/unreachable_postings", 0)
        if unexplained > 0:
            # the live API's counts move while a crawl runs, so this alone is no error
            self.logger.warning("%d of %d expected postings did not arrive", unexplained, expected)
        self.logger.info("%d unique postings of %d expected", len(self.seen), expected)

    # --- postings ----------------------------------------------------------------------------

    def _posting_or_details(self, hit: dict[str, Any]) -> Iterator[Posting | Request]:
        """A posting not seen before in this crawl, or the request for its details."""
        refnr = _text(_get(hit, "refnr"))
        if refnr is None:
            self.crawler.stats.inc_value("ba_jobsuche/hits_without_refnr")
            # the API always sends one: without it the field was renamed (fix FIELDS)
            self.logger.error("search hit without refnr skipped: %.200s", json.dumps(hit))
            return
        if refnr in self.seen:
            self.crawler.stats.inc_value("ba_jobsuche/duplicates_dropped")
            return
        self.seen.add(refnr)
        self.crawler.stats.set_value("ba_jobsuche/unique_postings", len(self.seen))
        yield self._details_request(hit, refnr) if self.details else self._posting(hit, None)

    def _posting(self, hit: dict[str, Any], details: dict[str, Any] | None) -> Posting:
        """The record of one search hit, with its details where they were fetched."""
        values = {name: _first(hit, paths) for name, paths in self.FIELDS.items()}
        for name, paths in self.DETAIL_FIELDS.items():
            if details and values.get(name) in (None, ""):
                values[name] = _first(details, paths)
        values["employment_type"] = self._parse_employment_type(values.get("employment_type"))
        values["working_time"] = self._parse_working_time(values.get("working_time"))
        values["description"] = scrub_personal_data(values.get("description"))
        raw = {**hit, "jobdetails": self._without_contacts(details)} if details else hit
        return Posting(
            source=self.source, url=self._parse_url(hit, values["source_ref"]), raw=raw, **values
        )

    def _without_contacts(self, details: dict[str, Any]) -> dict[str, Any]:
        """The details for raw: contact blocks dropped, descriptions scrubbed of contacts."""
        texts = self.DETAIL_FIELDS["description"]
        return {
            key: scrub_personal_data(value) if key in texts and isinstance(value, str) else value
            for key, value in details.items()
            if key not in CONTACT_KEYS
        }

    def _parse_url(self, hit: dict[str, Any], refnr: str | None) -> str | None:
        """The employer's own page where the API names one, else the posting on the BA site."""
        own = _text(_get(hit, "externeUrl"))
        refnr = _text(refnr)
        if own or not refnr:  # no usable refnr: the store stage rejects the posting anyway
            return own
        return JOBDETAIL_URL.format(refnr=quote(refnr))

    def _parse_employment_type(self, from_details: Any) -> Any:
        """The searched `angebotsart` code (1 work, 4 apprenticeship, ...), else the details'."""
        return dict(self.root.params).get("angebotsart") or from_details

    def _parse_working_time(self, from_details: Any) -> Any:
        """The details' working-time models, else the searched `arbeitszeit` if it is one code."""
        if from_details not in (None, ""):
            return from_details
        code = dict(self.root.params).get("arbeitszeit", "")
        return code if code and ";" not in code else None

    # --- the answer ----------------------------------------------------------------------------

    def _parse_json(
        self, response: Response, what: str, level: int = logging.ERROR
    ) -> dict[str, Any] | None:
        """The answer as a JSON object; a malformed one is logged and skipped."""
        try:
            data = json.loads(response.body)
        except ValueError as exc:
            data, problem = None, f"malformed JSON ({exc})"
        else:
            problem = None if isinstance(data, dict) else "not a JSON object"
        if problem:
            self.crawler.stats.inc_value("ba_jobsuche/malformed_answers")
            self.logger.log(level, "%s skipped: %s at %s", what, problem, response.url)
            return None
        return data

    def _parse_hits(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        hits = data.get(self.HITS)
        return [hit for hit in hits if isinstance(hit, dict)] if isinstance(hits, list) else []

    def _parse_total(self, data: dict[str, Any]) -> int | None:
        """`maxErgebnisse`, which the API sends as a number or as text."""
        try:
            return int(str(data[self.TOTAL]).strip())
        except (KeyError, TypeError, ValueError):
            return None

    def _parse_facets(self, data: dict[str, Any]) -> dict[str, dict[str, int]]:
        """{facet: {value: count}} from `facetten`, an object or a list of one-key objects."""
        raw = data.get(self.FACETS)
        if isinstance(raw, list):
            raw = {k: v for part in raw if isinstance(part, dict) for k, v in part.items()}
        if not isinstance(raw, dict):
            return {}
        facets = {}
        for name, facet in raw.items():
            counts = facet.get("counts") if isinstance(facet, dict) else None
            if isinstance(counts, dict):
                facets[name] = {str(k): _count(v) for k, v in counts.items() if _count(v) > 0}
        return facets


def _get(data: Any, path: str) -> Any:
    """The value at a dotted path ('arbeitsort.koordinaten.lat', 'orte.0.plz'), or None."""
    for key in path.split("."):
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data


def _first(data: dict[str, Any], paths: tuple[str, ...]) -> Any:
    """The first non-empty value among the paths, as the API wrote it (lists joined)."""
    for path in paths:
        value = _get(data, path)
        if isinstance(value, list):
            value = ", ".join(t for t in map(_text, value) if t) or None
        elif isinstance(value, dict):
            value = _text(value)
        if value not in (None, ""):
            return value
    return None


def _text(value: Any) -> str | None:
    """Text of a scalar, or of an object's name; None for anything else."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in TRUE_TEXTS


def _page_size(value: Any) -> int:
    size = int(value)
    if not 1 <= size <= MAX_PAGE_SIZE:
        log.warning("size %s out of range, using %d", value, MAX_PAGE_SIZE)
        return MAX_PAGE_SIZE
    return size


def _split_dimensions(value: str | list[str]) -> list[str]:
    names = json.loads(value) if isinstance(value, str) and value.startswith("[") else value
    names = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
    unknown = [n for n in names if n and n not in SPLITS]
    if unknown:
        raise ValueError(f"split_by: unknown dimension {unknown[0]!r} (known: {', '.join(SPLITS)})")
    return [n for n in names if n]


def _json_object(value: str | dict | None) -> dict[str, Any]:
    if not value:
        return {}
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, dict):
        raise ValueError("params must be a table of search parameters")
    return data

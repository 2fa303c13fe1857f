"""The Bundesagentur für Arbeit Jobsuche API: every posting a configured search finds.

`GET {base_url}/pc/v6/jobs` with the header `X-API-Key: jobboerse-jobsuche` answers a search
(`was`, `wo`, `umkreis`, `angebotsart`, `arbeitszeit`, `veroeffentlichtseit`, ...) page by
page (`page` from 1, `size` up to 100) with `ergebnisliste[]` and the total `maxErgebnisse`.
The v4 search (`pc/v4/jobs`, hits in `stellenangebote`) answers 404 since August 2026;
`api_version = "v4"` keeps it selectable while a mirror or proxy still speaks it.

The API refuses `page * size > 10000`, so a search with more results is split into parts
along the facets the API returns with it (occupation field, then place of work, then working
time) until every part is under the cap. Overlapping parts are harmless: a posting seen
twice in one crawl is yielded once. When the parts' totals add up to less than the search's
total, the search is split again along another facet; when none is left, the missing count
is logged as an ERROR (stat `ba_jobsuche/unreachable_postings`), so the crawl is flagged
instead of silently incomplete.

A changed shape is an error, not an empty page: an answer without its hits key while
`maxErgebnisse` > 0, a hit without `referenznummer`, an answer without `maxErgebnisse`, or an
empty first page that promises results fails the crawl (`SourceSpider.results_missing`).
The no-match answer (`maxErgebnisse` 0, no `ergebnisliste`, no `facetten`) is no error.

The publication window `veroeffentlichtseit` is not a split dimension: the API reads it as
"published in the last N days", so windows nest and cannot partition a result set. It is a
scope setting (e.g. a daily crawl of the last two days with write_mode "merge").

With `details = true` each new posting also costs one `GET /pc/v4/jobdetails/{base64(id)}`
for its description (the v6 details answer 403; the spider tries the next path in
DETAILS_PATHS when one fails, and remembers the one that answered). Default off.
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

from resque.matching.privacy import scrub_personal_data
from resque.pipelines.record import Posting
from resque.spiders.base import SourceSpider

log = logging.getLogger(__name__)

API_KEY = "jobboerse-jobsuche"
# Tried in this order; the first that answers is used for the rest of the crawl.
DETAILS_PATHS = ("pc/v4/jobdetails/", "pc/v6/jobdetails/")
JOBDETAIL_URL = "https://www.arbeitsagentur.de/jobsuche/jobdetail/{refnr}"
MAX_PAGE_SIZE = 100
RESULT_CAP = 10_000
# Search parameters a source may set in its `args` (anything else goes into `params`).
QUERY_PARAMS = ("was", "wo", "umkreis", "angebotsart", "arbeitszeit", "veroeffentlichtseit")
# Facet values of `arbeitszeit` (v4 wrote names, v6 writes the codes) and the search codes.
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
# Separates the occupations of a posting with several (hauptberuf first).
OCCUPATION_SEPARATOR = "; "


@dataclass(frozen=True)
class ApiShape:
    """Where a search answer of one API version keeps its hits and each record field.

    When the API renames a field, this is the one edit. `fields` are tried first to last;
    `place` reads one entry of `places` (a list in v6, one object in v4).
    """

    search_path: str
    hits: str
    ref: str
    fields: dict[str, tuple[str, ...]]
    places: str
    place: dict[str, tuple[str, ...]]
    occupations: str | None = None


V6 = ApiShape(
    search_path="pc/v6/jobs",
    hits="ergebnisliste",
    ref="referenznummer",
    fields={
        "title": ("stellenangebotsTitel", "hauptberuf"),
        "employer": ("firma",),
        "occupation": ("hauptberuf",),
        "employment_type": ("stellenangebotsart",),
        "start_date": ("eintrittszeitraum.von",),
        "posted_at": ("veroeffentlichungszeitraum.von", "datumErsteVeroeffentlichung"),
        "valid_through": ("veroeffentlichungszeitraum.bis",),
        "url": ("externeURL",),
        "description": ("stellenangebotsBeschreibung",),
    },
    places="stellenlokationen",
    place={
        "postcode": ("adresse.plz",),
        "city": ("adresse.ort",),
        "street": ("adresse.strasse",),
        "house_number": ("adresse.hausnummer",),
        "lat": ("breite",),
        "lon": ("laenge",),
    },
    occupations="alleBerufe",
)
V4 = ApiShape(
    search_path="pc/v4/jobs",
    hits="stellenangebote",
    ref="refnr",
    fields={
        "title": ("titel", "beruf"),
        "employer": ("arbeitgeber",),
        "occupation": ("beruf",),
        "start_date": ("eintrittsdatum",),
        "posted_at": ("aktuelleVeroeffentlichungsdatum",),
        "url": ("externeUrl",),
    },
    places="arbeitsort",
    place={
        "postcode": ("plz",),
        "city": ("ort",),
        "street": ("strasse",),
        "lat": ("koordinaten.lat",),
        "lon": ("koordinaten.lon",),
    },
)
API_VERSIONS = {"v6": V6, "v4": V4}
# The details answer (pc/v4/jobdetails) uses the v6 names whichever search is used.
DETAILS = V6
TOTAL = "maxErgebnisse"
FACETS = "facetten"


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


@dataclass
class SplitCheck:
    """A split search waiting for its parts' totals, to compare their sum with its own."""

    total: int
    facets: dict[str, dict[str, int]]
    tried: list[str]
    pending: set[Query]
    received: int = 0


class BaJobsucheSpider(SourceSpider):
    """Postings of the Jobsuche API for one configured search.

    Args (spider arguments, as text):
        was, wo, umkreis, angebotsart, arbeitszeit, veroeffentlichtseit: the search (`wo`
            in its German spelling with umlauts; `arbeitszeit` one code in v6).
        params: further search parameters as a JSON object (e.g. {"zeitarbeit": "false"}).
        api_version: "v6" (default) or "v4" (the search the API switched off in 2026-08).
        size: results per page (1..100). max_results: the API's cap on page * size.
        details: "true" to fetch each posting's details (one request per posting).
        split_by: facets to split an over-cap search by, in order (comma-separated).
        api_key: the X-API-Key header. source, base_url: see SourceSpider.
    Yields:
        One Posting per place of each posting found (see `_postings`), the hit (and
        details) as received in `raw`.
    """

    name = "ba_jobsuche"
    default_base_url = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service/"

    def __init__(
        self,
        *args: Any,
        size: str | int = MAX_PAGE_SIZE,
        max_results: str | int = RESULT_CAP,
        details: str | bool = False,
        split_by: str = ",".join(SPLITS),
        api_key: str = API_KEY,
        api_version: str = "v6",
        params: str | dict | None = None,
        **kwargs: Any,
    ) -> None:
        query = {k: str(kwargs.pop(k)) for k in QUERY_PARAMS if kwargs.get(k) not in (None, "")}
        known = {"source", "base_url", "start_urls", *QUERY_PARAMS}
        unknown = sorted(set(kwargs) - known)
        if unknown:  # a misspelt search parameter must not silently widen the search
            raise ValueError(f"{self.name}: unknown argument {unknown[0]!r}")
        super().__init__(*args, **kwargs)
        self.shape = _api_shape(api_version)
        self.size = _page_size(size)
        self.cap = int(max_results)
        self.details = _flag(details)
        self.details_paths = list(DETAILS_PATHS)
        self.splits = _split_dimensions(split_by)
        self.api_key = api_key
        query.update({k: str(v) for k, v in _json_object(params).items()})
        if self.shape is V6:
            _check_one_working_time(query.get("arbeitszeit", ""))
        self.root = Query(tuple(sorted(query.items())))
        self.seen: set[str] = set()
        self.checks: dict[Query, SplitCheck] = {}
        self.parent_of: dict[Query, Query] = {}

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
            self.url(self.shape.search_path, dict(sorted(params.items()))),
            method="GET",
            headers={"X-API-Key": self.api_key},
            callback=self.parse,
            errback=self._search_failed,
            cb_kwargs={"query": query, "page": page},
        )

    def _details_request(self, hit: dict[str, Any], ref: str, path: str) -> Request:
        encoded = base64.b64encode(ref.encode("utf-8")).decode("ascii")
        return JsonRequest(
            self.url(path + quote(encoded, safe="")),
            method="GET",
            headers={"X-API-Key": self.api_key},
            callback=self.parse_details,
            errback=self._details_failed,
            cb_kwargs={"hit": hit},
            meta={"details_path": path, "ref": ref},
        )

    # --- callbacks ---------------------------------------------------------------------------

    def parse(self, response: Response, query: Query, page: int) -> Iterator[Any]:
        """One page of a search: on page 1 plan the rest, then the page's new postings."""
        data = self._parse_json(response, f"page {page} of search {query.label()}")
        if data is None:
            if page == 1:
                yield from self._part_answered(query, 0)
            return
        self.crawler.stats.inc_value("ba_jobsuche/pages")
        hits = self._parse_hits(data, query, page)
        if page == 1:
            yield from self._plan(query, data)
        for hit in hits:
            yield from self._posting_or_details(hit)

    def parse_details(self, response: Response, hit: dict[str, Any]) -> Iterator[Posting]:
        ref = response.meta.get("ref")
        details = self._parse_json(response, f"details of {ref}", level=logging.WARNING)
        self.details_paths.sort(key=lambda p: p != response.meta.get("details_path"))
        yield from self._postings(hit, details if isinstance(details, dict) else None)

    def _search_failed(self, failure: Failure) -> Iterator[Request]:
        """A page the API would not give even after retries: its postings are missing."""
        request = failure.request
        self.crawler.stats.inc_value("ba_jobsuche/failed_pages")
        self.logger.error(
            "search page failed, its postings are missing: %s (%s)",
            request.url,
            failure.getErrorMessage(),
        )
        if request.cb_kwargs.get("page") == 1:
            yield from self._part_answered(request.cb_kwargs["query"], 0)

    def _details_failed(self, failure: Failure) -> Iterator[Posting | Request]:
        """Details from the next endpoint; a posting whose details are gone counts from its hit."""
        request = failure.request
        path, ref = request.meta["details_path"], request.meta["ref"]
        later = self.details_paths[self.details_paths.index(path) + 1 :]
        if later:
            yield self._details_request(request.cb_kwargs["hit"], ref, later[0])
            return
        self.crawler.stats.inc_value("ba_jobsuche/details_failed")
        self.logger.warning("no details for %s (%s)", request.url, failure.getErrorMessage())
        yield from self._postings(request.cb_kwargs["hit"], None)

    # --- planning: paging and splitting ------------------------------------------------------

    def _plan(self, query: Query, data: dict[str, Any]) -> Iterator[Request]:
        """Further pages when the search fits under the cap, else its parts."""
        total = self._parse_total(data)
        if query == self.root:
            self.crawler.stats.set_value("ba_jobsuche/expected_postings", total)
        yield from self._part_answered(query, total)
        if total <= self.reachable:
            for page in range(2, math.ceil(total / self.size) + 1):
                yield self._search_request(query, page)
            return
        facets = self._parse_facets(data)
        parts = self._split(query, total, facets, tried=[])
        if parts:
            yield from parts
            return
        self._report_unsplittable(query, total)
        for page in range(2, self.reachable // self.size + 1):
            yield self._search_request(query, page)

    def _split(
        self, query: Query, total: int, facets: dict[str, dict[str, int]], tried: list[str]
    ) -> list[Request]:
        """Page 1 of each part of an over-cap search, along the best facet not yet tried.

        A facet whose counts cover the total is preferred; whether the parts really cover
        it is checked when their totals arrive (`_part_answered`).
        """
        usable = []
        for name in self.splits:
            counts = facets.get(SPLITS[name].facet, {})
            if name in query.used or name in tried or len(counts) < 2:
                continue  # already applied, or fewer than two parts
            if max(counts.values()) >= total:
                continue  # no part would be smaller than the whole
            usable.append((name, counts))
        if not usable:
            return []
        covering = [(n, c) for n, c in usable if sum(c.values()) >= total]
        name, counts = (covering or usable)[0]
        split = SPLITS[name]
        parts = [query.with_params(split.params(value), name) for value in sorted(counts)]
        self.crawler.stats.inc_value("ba_jobsuche/split_searches")
        self.checks[query] = SplitCheck(total, facets, [*tried, name], set(parts))
        for part in parts:
            self.parent_of[part] = query
        return [self._search_request(part, 1) for part in parts]

    def _part_answered(self, part: Query, total: int) -> Iterator[Request]:
        """Count a part's total; once all parts of a split answered, compare with the whole."""
        parent = self.parent_of.pop(part, None)
        check = self.checks.get(parent) if parent is not None else None
        if check is None or part not in check.pending:
            return
        check.pending.discard(part)
        check.received += total
        if check.pending:
            return
        del self.checks[parent]
        if check.received >= check.total:
            return
        missing = check.total - check.received
        # the rest: the same search split along another facet (overlap is dropped by id)
        again = self._split(parent, check.total, check.facets, tried=check.tried)
        if again:
            self.logger.warning(
                "search %s: %d results, its parts by %s hold %d; splitting again by %s",
                parent.label(),
                check.total,
                check.tried[-1],
                check.received,
                self.checks[parent].tried[-1],
            )
            yield from again
            return
        self.crawler.stats.inc_value("ba_jobsuche/unreachable_postings", missing)
        self.logger.error(
            "search %s: %d results, its parts by %s hold only %d and no facet is left:"
            " %d postings cannot be reached",
            parent.label(),
            check.total,
            ", ".join(check.tried),
            check.received,
            missing,
        )

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
        ref = _text(_get(hit, self.shape.ref))
        if ref in self.seen:
            self.crawler.stats.inc_value("ba_jobsuche/duplicates_dropped")
            return
        self.seen.add(ref)
        self.crawler.stats.set_value("ba_jobsuche/unique_postings", len(self.seen))
        if self.details:
            yield self._details_request(hit, ref, self.details_paths[0])
        else:
            yield from self._postings(hit, None)

    def _postings(self, hit: dict[str, Any], details: dict[str, Any] | None) -> Iterator[Posting]:
        """One Posting per place of a hit: a posting for three towns is found from each.

        The first place keeps the API's id as `source_ref`; further places get
        '<id>#<n>' (n = 2, 3, ... in the API's order), so a participant near any of the
        places finds the opening, and the raw payload says which place it is.
        """
        ref = _text(_get(hit, self.shape.ref))
        values = self._values(hit, details)
        raw = {**hit, "jobdetails": self._without_contacts(details)} if details else hit
        places = self._parse_places(hit) or self._parse_places(details or {}, DETAILS) or [{}]
        for number, place in enumerate(places, start=1):
            yield Posting(
                source=self.source,
                source_ref=ref if number == 1 else f"{ref}#{number}",
                raw=raw if number == 1 else {**raw, "resque_place": number},
                **values,
                **place,
            )

    def _values(self, hit: dict[str, Any], details: dict[str, Any] | None) -> dict[str, Any]:
        """The record fields that are the same for every place of a posting."""
        values = {name: _first(hit, paths) for name, paths in self.shape.fields.items()}
        for name, paths in DETAILS.fields.items():
            if details and values.get(name) in (None, ""):
                values[name] = _first(details, paths)
        values["occupation"] = self._parse_occupation(hit, values.get("occupation"))
        values["employment_type"] = self._parse_employment_type(values.get("employment_type"))
        values["working_time"] = self._parse_working_time(hit, details)
        values["description"] = scrub_personal_data(values.get("description"))
        values["url"] = self._parse_url(values.get("url"), _text(_get(hit, self.shape.ref)))
        return values

    def _parse_places(
        self, data: dict[str, Any], shape: ApiShape | None = None
    ) -> list[dict[str, Any]]:
        """Postcode, city, street and coordinates of every place of work, in the API's order."""
        shape = shape or self.shape
        entries = data.get(shape.places)
        entries = [entries] if isinstance(entries, dict) else entries
        if not isinstance(entries, list):
            return []
        places = []
        for entry in (e for e in entries if isinstance(e, dict)):
            place = {name: _first(entry, paths) for name, paths in shape.place.items()}
            number = place.pop("house_number", None)
            if place["street"] and number:
                place["street"] = f"{place['street']} {number}"
            place["city"] = _parse_city(place["city"])
            places.append(place)
        return places

    def _parse_occupation(self, hit: dict[str, Any], main: Any) -> str | None:
        """The main occupation first, then the posting's other occupations (`alleBerufe`)."""
        names = [_text(main)]
        more = _get(hit, self.shape.occupations) if self.shape.occupations else None
        if isinstance(more, list):
            names += [_text(n) for n in more]
        unique = list(dict.fromkeys(n for n in names if n))
        return OCCUPATION_SEPARATOR.join(unique) or None

    def _without_contacts(self, details: dict[str, Any]) -> dict[str, Any]:
        """The details for raw: contact blocks dropped, descriptions scrubbed of contacts."""
        texts = DETAILS.fields["description"]
        return {
            key: scrub_personal_data(value) if key in texts and isinstance(value, str) else value
            for key, value in details.items()
            if key not in CONTACT_KEYS
        }

    def _parse_url(self, own: Any, ref: str | None) -> str | None:
        """The employer's own page where the API names one, else the posting on the BA site."""
        own = _text(own)
        if own or not ref:  # no usable id: the store stage rejects the posting anyway
            return own
        return JOBDETAIL_URL.format(refnr=quote(ref))

    def _parse_employment_type(self, from_answer: Any) -> Any:
        """The hit's `stellenangebotsart` (v6), else the searched `angebotsart` code."""
        return from_answer or dict(self.root.params).get("angebotsart")

    def _parse_working_time(self, hit: dict[str, Any], details: dict[str, Any] | None) -> Any:
        """The working-time flags of the hit (or details), else the searched single code."""
        found = working_time_of(hit) or working_time_of(details or {})
        if found:
            return found
        code = dict(self.root.params).get("arbeitszeit", "")
        return code if code and ";" not in code and "," not in code else None

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

    def _parse_hits(self, data: dict[str, Any], query: Query, page: int) -> list[dict[str, Any]]:
        """The hits of a search answer; a changed shape fails the crawl (results_missing).

        The no-match answer has neither hits key nor facets, and `maxErgebnisse` 0.
        """
        where = f"page {page} of search {query.label()}"
        total = self._parse_total(data)
        if total is None:
            self.results_missing(where, "a number", 0, f"the answer has no {TOTAL}")
        hits = data.get(self.shape.hits)
        if hits is None and total == 0:
            return []
        if not isinstance(hits, list):
            self.results_missing(where, total, 0, f"the answer has no list {self.shape.hits!r}")
        hits = [hit for hit in hits if isinstance(hit, dict)]
        if not hits and page == 1 and total > 0:
            self.results_missing(where, total, 0, f"{self.shape.hits!r} is empty")
        without_id = sum(1 for hit in hits if _text(_get(hit, self.shape.ref)) is None)
        if without_id:
            self.results_missing(
                where,
                len(hits),
                len(hits) - without_id,
                f"{without_id} of {len(hits)} hits have no {self.shape.ref!r}",
            )
        return hits

    def _parse_total(self, data: dict[str, Any]) -> int | None:
        """`maxErgebnisse`, which the API sends as a number (v6) or as text (v4)."""
        try:
            return int(str(data[TOTAL]).strip())
        except (KeyError, TypeError, ValueError):
            return None

    def _parse_facets(self, data: dict[str, Any]) -> dict[str, dict[str, int]]:
        """{facet: {value: count}} from `facetten`, an object or a list of one-key objects."""
        raw = data.get(FACETS)
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


def working_time_of(data: dict[str, Any]) -> str | None:
    """The working-time category of the v6 flags: minijob, full_or_part_time, full_time, ..."""
    if data.get("istGeringfuegigeBeschaeftigung") is True:
        return "minijob"
    full = data.get("arbeitszeitVollzeit") is True
    part = any(v is True for k, v in data.items() if k.startswith("arbeitszeitTeilzeit"))
    if full and part:
        return "full_or_part_time"
    if full or part:
        return "full_time" if full else "part_time"
    return "shift" if data.get("arbeitszeitSchichtNachtWochenende") is True else None


def _parse_city(value: Any) -> Any:
    """'Ingolstadt, Donau' -> 'Ingolstadt': the BA adds the region after a comma."""
    text = _text(value)
    return text.split(",", 1)[0].strip() or text if text else value


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


def _api_shape(value: str) -> ApiShape:
    version = str(value).strip().lower()
    if version not in API_VERSIONS:
        raise ValueError(f"api_version: unknown version {value!r} (known: v6, v4)")
    return API_VERSIONS[version]


def _check_one_working_time(value: str) -> None:
    """v6 answers 0 results, silently, to several `arbeitszeit` codes in one request."""
    if any(sep in value for sep in (";", ",")):
        raise ValueError(
            f"arbeitszeit: one code per search in api v6, not {value!r}"
            " (configure one source per code)"
        )

"""Any career page or job board that embeds schema.org JobPosting (JSON-LD or microdata).

The spider starts from the configured `start_urls` (career index pages: their JobPostings
are read and links below the start page are followed, down to DEPTH_LIMIT) and/or
`sitemap_urls` (a sitemap, sitemap index or robots.txt: every listed page is read, no links
are followed). It never leaves the hosts of its configured URLs (`allowed_domains` is
derived from them; file:// crawls stay below their start folder), and robots.txt is obeyed
by the base settings.

JobPostings are found in JSON-LD blocks (also inside `@graph`, lists and nested objects
such as a WebPage's `mainEntity`) and in microdata, both read with extruct. A broken JSON-LD
block is skipped with a warning; the page's other blocks still count.

A crawl that read pages but found no JobPosting on any of them fails
(`SourceSpider.results_missing`): the site changed its markup, or every configured page
moved. A single page without one (an imprint, a filled position) is only counted.

One posting per work place: a JobPosting with several `jobLocation`s becomes one item per
location (source_ref `<id>#1`, `#2`, ... in the order the page lists them), because
matching works per place; each keeps the page's `totalJobOpenings`, as the site stated it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import html_text
from extruct import extract
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spiders import SitemapSpider

from resque.matching.privacy import scrub_personal_data
from resque.pipelines.record import Posting
from resque.spiders.base import SourceSpider, arg_list, split_place

# schema.org employmentType values: working time, or the kind of employment (PER_DIEM, paid
# by the day, says how the job is paid, not how long one works)
WORKING_TIMES = {"FULL_TIME", "PART_TIME"}
EMPLOYMENT_KINDS = {
    "APPRENTICESHIP",
    "INTERN",
    "TEMPORARY",
    "CONTRACTOR",
    "VOLUNTEER",
    "PER_DIEM",
    "OTHER",
}
_LINE_SPACE = re.compile(r"[ \t\xa0]+")
# What a page template writes for a missing value: XING's descriptions start "null\nnull\n".
# Only a line (or block) holding nothing else is junk: 'für null Euro' is German text.
JUNK_WORDS = ("null", "undefined", "none", "nan", "[object object]")
_JUNK_LINE = re.compile(
    r"^[ \t]*(?:" + "|".join(map(re.escape, JUNK_WORDS)) + r")[ \t]*(?:\r?\n|$)",
    re.IGNORECASE | re.MULTILINE,
)
BULLET = "- "
# Properties that name or reach a person (a recruiter, an author): never kept, not even in raw.
CONTACT_PROPERTIES = {
    "applicationContact",
    "contactPoint",
    "email",
    "telephone",
    "faxNumber",
    "employee",
    "employees",
    "founder",
    "author",
    "contributor",
    "creator",
    "accountablePerson",
}


class JobpostingJsonldSpider(SourceSpider, SitemapSpider):
    """JobPostings of the configured career pages and sitemaps.

    Args (spider arguments, as text):
        start_urls: career index pages (JSON list); their postings, then links below them.
        sitemap_urls: sitemaps, sitemap indexes or robots.txt files (JSON list or commas);
            a relative path is below base_url. Every listed page is read, no link followed.
        follow: a regex for the links to follow instead of "below a start page".
        max_depth: link levels to follow from a start page (default 2).
        source, base_url: see SourceSpider; base_url is the start page if nothing else is.
    Yields:
        One Posting per JobPosting and work place, new in the crawl.
    """

    name = "jobposting_jsonld"
    sitemap_rules = [("", "parse_listed")]

    SELECTORS = {
        "jsonld": "//script[@type='application/ld+json']",
        "links": "a::attr(href)",
    }
    # schema.org property per record field, first present wins: the one place to edit
    FIELDS: dict[str, tuple[str, ...]] = {
        "title": ("title", "name"),
        "description": ("description",),
        "employer": ("hiringOrganization",),
        "occupation": ("occupationalCategory",),
        "sector": ("industry",),
        "places": ("totalJobOpenings",),
        "start_date": ("jobStartDate",),
        "posted_at": ("datePosted",),
        "valid_through": ("validThrough",),
    }
    ADDRESS = {"postcode": "postalCode", "city": "addressLocality", "street": "streetAddress"}
    GEO = {"lat": "latitude", "lon": "longitude"}

    def __init__(
        self,
        *args: Any,
        sitemap_urls: Any = None,
        follow: str | None = None,
        max_depth: str | int = 2,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # a relative sitemap path (as the bundled config writes it) is below base_url
        self.sitemap_urls = [urljoin(self.base_url, url) for url in arg_list(sitemap_urls)]
        if not self.start_urls and not self.sitemap_urls and self.base_url != "/":
            self.start_urls = [self.base_url]  # "/" is SourceSpider's "no base_url"
        configured = [*self.start_urls, *self.sitemap_urls]
        self.allowed_domains = sorted({h for u in configured if (h := urlsplit(u).hostname)})
        self.file_roots = [_folder(u) for u in configured if u.startswith("file:")]
        self.follow = re.compile(follow) if follow else None
        self.follow_roots = [_folder(u) for u in self.start_urls]
        self.max_depth = int(max_depth)
        self.seen: set[str] = set()
        self._sitemap_url = ""
        # pages read and JobPostings found on them: a crawl with pages but none fails
        self.pages_read = 0
        self.postings_found = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> JobpostingJsonldSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.check_found, signal=signals.spider_idle)
        return spider

    def check_found(self) -> None:
        """When the crawl runs dry: pages were read but none held a JobPosting -> it fails."""
        if self.pages_read and not self.postings_found:
            why = f"none of the {self.pages_read} pages read holds a JobPosting"
            self.results_missing(f"crawl of {self.source}", "some", 0, why)

    async def start(self) -> Any:
        for url in self.sitemap_urls:
            yield Request(url, self._parse_sitemap)
        for url in self.start_urls:
            yield Request(url, self.parse)

    # --- where the crawl may go --------------------------------------------------------------

    def on_site(self, url: str) -> bool:
        """True for URLs on a configured host (or below a configured local folder)."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            return any(url.startswith(root) for root in self.file_roots)
        host = parts.hostname or ""
        return parts.scheme in ("http", "https") and any(
            host == d or host.endswith("." + d) for d in self.allowed_domains
        )

    def _parse_sitemap(self, response: Response) -> Iterable[Request]:
        self._sitemap_url = response.url  # for sitemap_filter: relative and offsite entries
        return super()._parse_sitemap(response)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Sitemap entries on the configured sites only, relative locations made absolute."""
        for entry in entries:
            loc = urljoin(self._sitemap_url, entry.get("loc", ""))
            if self.on_site(loc):
                yield {**entry, "loc": loc}
            else:
                self.crawler.stats.inc_value("jobposting_jsonld/offsite_sitemap_entries")
                self.logger.info("sitemap entry on another site skipped: %s", loc)

    def _links(self, response: Response) -> Iterator[Request]:
        """Requests for the page's links on the site and below a start page (or `follow`)."""
        if response.meta.get("depth", 0) >= self.max_depth:
            return
        for href in self.sel(response, "links").getall():
            url = response.urljoin(href.strip()).split("#", 1)[0]
            if not self.on_site(url):
                continue
            if self.follow.search(url) if self.follow else _below(url, self.follow_roots):
                yield Request(url, self.parse)

    # --- callbacks ---------------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Posting | Request]:
        """A start page or a page linked from one: its postings, then its links."""
        yield from self.parse_listed(response)
        yield from self._links(response)

    def parse_listed(self, response: Response) -> Iterator[Posting]:
        """A page: one item per JobPosting and work place on it, new in this crawl."""
        if not hasattr(response, "text"):
            return  # an image or PDF the sitemap listed
        found = self._parse_job_postings(response)
        self.pages_read += 1
        self.postings_found += len(found)
        if not found:
            self.crawler.stats.inc_value("jobposting_jsonld/pages_without_jobposting")
        for index, (syntax, posting) in enumerate(found, 1):
            ref = self._parse_source_ref(posting, response.url, index, len(found))
            for item in self._postings(posting, ref, syntax, response.url):
                if item.source_ref in self.seen:
                    self.crawler.stats.inc_value("jobposting_jsonld/duplicates_dropped")
                    continue
                self.seen.add(item.source_ref)
                yield item

    # --- extraction --------------------------------------------------------------------------

    def _parse_job_postings(self, response: Response) -> list[tuple[str, dict[str, Any]]]:
        """(syntax, JobPosting) pairs: JSON-LD first, then microdata, the same one once."""
        tree = parse_html(response.body, encoding=response.encoding)
        found = [("json-ld", p) for p in self._parse_jsonld(tree, response.url)]
        found += [("microdata", p) for p in self._parse_microdata(tree, response.url)]
        unique, keys = [], set()
        for syntax, posting in found:
            places = tuple(tuple(sorted(p.items())) for p in self._parse_locations(posting))
            key = (_text(posting.get("title")), _identifier(posting.get("identifier")), places)
            if key not in keys:
                keys.add(key)
                unique.append((syntax, posting))
        return unique

    def _parse_jsonld(self, tree: Any, url: str) -> Iterator[dict[str, Any]]:
        """JobPostings of every JSON-LD block; a block that is not JSON is skipped."""
        for block in tree.xpath(self.SELECTORS["jsonld"]):
            try:
                data = JsonLdExtractor().extract_items(block)
            except ValueError as exc:
                self.crawler.stats.inc_value("jobposting_jsonld/broken_jsonld_blocks")
                self.logger.warning("broken JSON-LD block skipped on %s: %s", url, exc)
                continue
            yield from _job_postings(data)

    def _parse_microdata(self, tree: Any, url: str) -> Iterator[dict[str, Any]]:
        data = extract(tree, base_url=url, syntaxes=["microdata"], uniform=True, errors="log")
        yield from _job_postings(data.get("microdata", []))

    # --- one JobPosting ----------------------------------------------------------------------

    def _postings(
        self, posting: dict[str, Any], ref: str, syntax: str, page_url: str
    ) -> Iterator[Posting]:
        """One Posting per work place of the JobPosting."""
        values = {name: _scalar(_first(posting, props)) for name, props in self.FIELDS.items()}
        values["description"] = scrub_personal_data(_plain_text(values["description"]))
        working_time, employment_type = self._parse_employment_type(posting)
        locations = self._parse_locations(posting)
        for number, location in enumerate(locations, 1):
            yield Posting(
                source=self.source,
                source_ref=ref if len(locations) == 1 else f"{ref}#{number}",
                working_time=working_time,
                employment_type=employment_type,
                url=_text(posting.get("url")) or page_url,
                raw={
                    "url": page_url,
                    "syntax": syntax,
                    "location": number,
                    "jobposting": _without_contacts(posting),
                },
                **values,
                **location,
            )

    def _parse_source_ref(self, posting: dict[str, Any], page_url: str, index: int, n: int) -> str:
        """The posting's identifier on its host, else its own URL, else the page's."""
        identifier = _identifier(posting.get("identifier"))
        if identifier:
            host = urlsplit(page_url).hostname
            return f"{host}:{identifier}" if host else identifier
        own_url = _text(posting.get("url"))
        if own_url:
            return urljoin(page_url, own_url)
        return page_url if n == 1 else f"{page_url}#{index}"

    def _parse_employment_type(self, posting: dict[str, Any]) -> tuple[str | None, str | None]:
        """employmentType split into (working time, kind of employment), words as written.

        The schema.org codes are spelt as words ('FULL_TIME' -> 'full time') so that a list
        ('full time, part time') reads as one value; free text goes to both fields and the
        store stage keeps whichever it understands.
        """
        values = [t for t in map(_text, _as_list(posting.get("employmentType"))) if t]
        times = [v for v in values if v.upper() not in EMPLOYMENT_KINDS]
        kinds = [v for v in values if v.upper() not in WORKING_TIMES]
        return _words(times), _words(kinds)

    def _parse_locations(self, posting: dict[str, Any]) -> list[dict[str, Any]]:
        """Postcode, city, street and coordinates of each jobLocation ([{}] if none)."""
        places = [p for p in _as_list(posting.get("jobLocation")) if p]
        return [self._parse_place(place) for place in places] or [{}]

    def _parse_place(self, place: Any) -> dict[str, Any]:
        if not isinstance(place, dict):
            return {"city": _text(place)}
        address = place.get("address")
        if isinstance(address, list):
            address = address[0] if address else None
        if not isinstance(address, dict):  # 'Markt 1, 04109 Leipzig' as one text
            address = _text_address(_text(address))
        geo = place.get("geo") if isinstance(place.get("geo"), dict) else {}
        values = {name: _text(address.get(prop)) for name, prop in self.ADDRESS.items()}
        values.update({name: _scalar(geo.get(prop)) for name, prop in self.GEO.items()})
        return values


# --- JSON-LD helpers -----------------------------------------------------------------------


def _job_postings(data: Any) -> Iterator[dict[str, Any]]:
    """Every object typed JobPosting in the data, at any depth (@graph, lists, mainEntity)."""
    if isinstance(data, list):
        for value in data:
            yield from _job_postings(value)
    elif isinstance(data, dict):
        if "JobPosting" in _types(data):
            yield data
            return
        for value in data.values():
            yield from _job_postings(value)


def _types(data: dict[str, Any]) -> set[str]:
    """'JobPosting' from '@type' as 'JobPosting', 'schema:JobPosting', a URL or a list."""
    return {re.split(r"[/:#]", str(t))[-1] for t in _as_list(data.get("@type"))}


def _without_contacts(data: Any) -> Any:
    """The JobPosting for raw: contact properties dropped, descriptions scrubbed of contacts."""
    if isinstance(data, list):
        return [_without_contacts(value) for value in data]
    if not isinstance(data, dict):
        return data
    return {
        key: scrub_personal_data(value)
        if key == "description" and isinstance(value, str)
        else _without_contacts(value)
        for key, value in data.items()
        if key not in CONTACT_PROPERTIES
    }


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(posting: dict[str, Any], props: tuple[str, ...]) -> Any:
    for prop in props:
        if posting.get(prop) not in (None, "", []):
            return posting[prop]
    return None


def _text(value: Any) -> str | None:
    """A value as text: lists give their first, objects their name, value or @value."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), None)
    if isinstance(value, dict):
        for key in ("name", "value", "@value", "codeValue"):
            if value.get(key) not in (None, ""):
                return _text(value[key])
        return None
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return text or None


def _scalar(value: Any) -> Any:
    """A number as the page wrote it (a JSON number stays one), else its text."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else _text(value)


def _identifier(value: Any) -> str | None:
    """The id of an `identifier`: a PropertyValue's value, a list's first, or the text."""
    if isinstance(value, list):
        return next((t for t in map(_identifier, value) if t), None)
    if isinstance(value, dict):
        return _text(value.get("value") or value.get("@value") or value.get("name"))
    return _text(value)


def _words(values: list[str]) -> str | None:
    """schema.org codes as words ('FULL_TIME' -> 'full time'), joined; None if empty."""
    words = [v.replace("_", " ").lower() if v.isupper() else v for v in values]
    return ", ".join(words) or None


def _plain_text(value: str | None) -> str | None:
    """Description HTML (often entity-encoded) as text: one line per block, junk lines dropped.

    html-text (Zyte) ends a line at every block element, so text running into a <p>
    ('Minijob Ingolstadt<p>Unsere') stays two lines; list items keep a '- ' bullet.
    """
    if not value:
        return value
    # junk lines go before parsing: HTML whitespace rules would join them to the next line
    text = _JUNK_LINE.sub("", html.unescape(value))
    if "<" not in text:
        return text.strip() or None
    text = html_text.extract_text(_bulleted(html_text.parse_html(text)))
    lines = [_LINE_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    kept = [line for line in lines if line and line.casefold() not in JUNK_WORDS]
    return "\n".join(_join_bullets(kept)) or None


def _bulleted(tree: Any) -> Any:
    """The parsed HTML with a bullet before each list item's text."""
    for item in tree.iter("li"):
        item.text = BULLET + (item.text or "")
    return tree


def _join_bullets(lines: list[str]) -> list[str]:
    """A bullet alone on its line (the item's text sat in a <p>) joined to the next line."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] == BULLET.strip():
            out[-1] = BULLET + line
        else:
            out.append(line)
    return out


def _text_address(text: str | None) -> dict[str, str | None]:
    """'Markt 1, 04109 Leipzig' as PostalAddress properties; other text as the locality."""
    street, _, place = (text or "").rpartition(",")
    postcode, city = split_place(place)
    if postcode:
        return {
            "streetAddress": street.strip() or None,
            "postalCode": postcode,
            "addressLocality": city,
        }
    return {"addressLocality": text}


def _folder(url: str) -> str:
    """The URL up to its last '/': what 'below this page' means."""
    return url.split("?", 1)[0].rsplit("/", 1)[0] + "/"


def _below(url: str, roots: list[str]) -> bool:
    return any(url.startswith(root) for root in roots)

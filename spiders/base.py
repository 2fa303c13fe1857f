"""Shared spider bases: the configured source, HTML text helpers, chamber boards, privacy.

Every resque spider gets `source` (the configured source name), `base_url` and optional
`start_urls` (JSON text) as spider arguments; `SourceSpider` turns them into attributes.
HTML spiders keep their selectors in one class-level dict, `SELECTORS`: a query starting
with '/', './' or '(' is XPath, anything else CSS, so a site change is one edit.

Privacy: a chamber page names the company's contact person with phone and e-mail. That is
personal data of an employee and never enters an item or its raw payload: spiders copy
only whitelisted fields, `split_address` keeps company and address lines only, and free
text passes `scrub_personal_data` (matching/privacy.py, the home of the privacy rules).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import scrapy
from parsel import Selector, SelectorList
from scrapy.exceptions import CloseSpider
from scrapy.http import Response

from resque.errors import RESULTS_MISSING, RESULTS_MISSING_FINISH, RESULTS_MISSING_REASON
from resque.matching.privacy import has_personal_data, scrub_personal_data
from resque.pipelines.record import Posting

# --- privacy -------------------------------------------------------------------------------

# A line of a contact box that is about a person, not the company.
CONTACT_LINE = re.compile(
    r"^(?:ihre?\s+)?(?:ansprech\w*|kontaktperson|tel(?:efon)?|fon|fax|mobil|handy|e-?mail|mail"
    r"|frau|herrn?|hr|fr)\b",
    re.IGNORECASE,
)


# --- text ----------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_POSTCODE_LINE = re.compile(r"(?:D\s*-\s*)?([0-9]{5})\s+(.+)")


def squish(text: str | None) -> str | None:
    """Text with runs of whitespace (NBSP, newlines) as one space, stripped; None if empty."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def select(node: Selector | SelectorList | Response, query: str) -> SelectorList:
    """Run a selector: XPath if it starts with '/', './' or '(', else CSS."""
    if query.startswith(("/", "./", "(")):
        return node.xpath(query)
    return node.css(query)


def text_of(nodes: SelectorList | Selector) -> str | None:
    """All text below the first node, whitespace squished; None if there is none."""
    if isinstance(nodes, SelectorList):
        if not nodes:
            return None
        nodes = nodes[0]
    return squish(" ".join(nodes.xpath(".//text()").getall()))


def lines_of(nodes: SelectorList | Selector) -> list[str]:
    """The non-empty text lines of the first node, one per text node or <br>-separated part."""
    if isinstance(nodes, SelectorList):
        if not nodes:
            return []
        nodes = nodes[0]
    return [line for t in nodes.xpath(".//text()").getall() if (line := squish(t))]


def paragraphs_of(nodes: SelectorList | Selector) -> str | None:
    """Block text (paragraphs, list items, headings) one per line; the whole text if none."""
    if isinstance(nodes, SelectorList):
        if not nodes:
            return None
        nodes = nodes[0]
    blocks = nodes.xpath(".//p | .//li | .//h2 | .//h3 | .//h4")
    texts = [t for block in blocks if (t := text_of(block))]
    return "\n".join(texts) if texts else text_of(nodes)


def label_key(text: str | None) -> str:
    """A label as a lookup key: 'Ausbildungsbeginn:' -> 'ausbildungsbeginn'."""
    return (squish(text) or "").rstrip(":").strip().casefold()


@dataclass
class Address:
    """A company's name and postal address from a contact box; nothing about persons."""

    company: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None


def postal_address(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(street, postcode, city) from address lines: the 'PLZ Ort' line and the line before."""
    for index, line in enumerate(lines):
        match = _POSTCODE_LINE.fullmatch(line)
        if match:
            return (lines[index - 1] if index else None), match[1], squish(match[2])
    return None, None, None


def split_address(lines: list[str]) -> Address:
    """Company, street and 'PLZ Ort' from a contact box's lines; person lines are dropped.

    The first line is the company, the line with a postcode ends the address, and the line
    before it is the street. Everything after the postcode line (contact person, phone,
    e-mail) and every line that reads like a person's contact is ignored.
    """
    kept = [line for line in lines if not CONTACT_LINE.match(line) and not has_personal_data(line)]
    if not kept:
        return Address()
    street, postcode, city = postal_address(kept[1:])
    return Address(company=kept[0], street=street, postcode=postcode, city=city)


def split_place(text: str | None) -> tuple[str | None, str | None]:
    """'04109 Leipzig' -> ('04109', 'Leipzig'); a place without postcode -> (None, text)."""
    text = squish(text)
    if text is None:
        return None, None
    match = _POSTCODE_LINE.fullmatch(text)
    return (match[1], squish(match[2])) if match else (None, text)


_RELATIVE_DAYS = re.compile(r"vor\s+(einem|einer|[0-9]+)\s+(tag|tagen|woche|wochen)", re.I)


def resolve_relative_date(text: str | None, today: dt.date) -> str | None:
    """'heute', 'gestern', 'vor 3 Tagen', 'vor 2 Wochen' as 'dd.mm.yyyy'; other text as given."""
    key = (squish(text) or "").casefold()
    if key == "heute":
        days = 0
    elif key == "gestern":
        days = 1
    elif match := _RELATIVE_DAYS.fullmatch(key):
        count = 1 if match[1] in ("einem", "einer") else int(match[1])
        days = count * (7 if match[2].startswith("woche") else 1)
    else:
        return text
    return (today - dt.timedelta(days=days)).strftime("%d.%m.%Y")


# --- spider arguments ----------------------------------------------------------------------


def arg_list(value: Any) -> list[str]:
    """A list spider argument: JSON list text (as the config passes lists) or comma-separated."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        return [str(v) for v in json.loads(text)]
    return [part.strip() for part in text.split(",") if part.strip()]


def page_number(url: str, param: str) -> int:
    """The result page a URL asks for by its `param` query parameter; 1 without one."""
    value = parse_qs(urlsplit(url).query).get(param, ["1"])[0]
    return int(value) if value.strip().isdigit() else 1


# --- spiders -------------------------------------------------------------------------------


class SourceSpider(scrapy.Spider):
    """Base of every resque spider: the configured source name, base URL and start URLs.

    Subclasses set `default_base_url` (the production site) and, for HTML, `SELECTORS`.
    """

    default_base_url: ClassVar[str] = ""
    SELECTORS: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        *args: Any,
        source: str | None = None,
        base_url: str | None = None,
        start_urls: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source = source or self.name
        base = base_url or self.default_base_url
        # a trailing slash keeps the last path segment when relative paths are joined
        self.base_url = base if base.endswith("/") else base + "/"
        self.start_urls = arg_list(start_urls)

    def url(self, path: str, query: dict[str, Any] | None = None) -> str:
        """An absolute URL below base_url, with the non-empty query parameters."""
        url = urljoin(self.base_url, path)
        params = {k: v for k, v in (query or {}).items() if v not in (None, "")}
        return f"{url}?{urlencode(params)}" if params else url

    def today(self) -> dt.date:
        """Today's date (tests freeze it)."""
        return dt.date.today()

    def sel(self, node: Selector | SelectorList | Response, key: str) -> SelectorList:
        """The nodes selector `key` of SELECTORS finds below `node`."""
        return select(node, self.SELECTORS[key])

    def first(self, node: Selector | SelectorList | Response, key: str) -> str | None:
        """Text of the first node selector `key` finds; None if it finds none."""
        found = self.sel(node, key)
        return text_of(found) if found else None

    def layout_changed(self, response: Response, missing: str) -> None:
        """Log a page without its expected structure as an error: the crawl becomes degraded.

        An error (not a warning) makes Spidermon's error monitor fail, so a site that changed
        on one page of many still marks the crawl degraded and deactivates nothing.
        """
        self.crawler.stats.inc_value("resque/layout_changed")
        self.logger.error("layout changed? %s has no %s", response.url, missing)

    def results_missing(self, where: str, expected: Any, received: int, why: str) -> None:
        """A page that should have results has none: the source changed shape, the crawl fails.

        Raises CloseSpider: the crawl stops, `resque crawl` records a failed run naming the
        expected and received counts, loads nothing and deactivates nothing. Call it for a
        search answer whose hits key or id field is missing while its total is above zero,
        and for a first result page without its result list (and without the site's
        "no results" message).
        """
        message = f"{where}: {why} (expected {expected} results, received {received})"
        self.crawler.stats.inc_value(RESULTS_MISSING)
        self.crawler.stats.set_value(RESULTS_MISSING_REASON, message[:500])
        self.logger.error("source changed shape? %s", message)
        raise CloseSpider(RESULTS_MISSING_FINISH)

    def says_no_results(self, response: Response) -> bool:
        """True if the page shows the site's "no results" message (SELECTORS 'no_results')."""
        return "no_results" in self.SELECTORS and bool(self.sel(response, "no_results"))

    def no_results(self, response: Response, missing: str, first_page: bool) -> None:
        """A result page with neither its results nor the site's "no results" message.

        On the first page of a search the source changed shape: the crawl fails
        (`results_missing`). On a later page only that page is lost: it is logged as a
        layout change and the crawl is degraded.
        """
        if first_page:
            why = f"the first result page has no {missing} and no 'no results' message"
            self.results_missing(response.url, "some", 0, why)
        self.layout_changed(response, missing)

    def next_page(
        self, response: Response, callback: Any = None, cb_kwargs: dict[str, Any] | None = None
    ) -> scrapy.Request | None:
        """The request for the page the 'Weiter'/'»' link points to, if there is one."""
        href = self.sel(response, "next_page").get()
        if not href:
            return None
        return response.follow(href.strip(), callback or self.parse, cb_kwargs=cb_kwargs)


class ChamberBoardSpider(SourceSpider):
    """An apprenticeship board of the chambers: result pages with links to one page per offer.

    A subclass says how to start the search (`start`), how to read one result page
    (`_parse_entries`: a dict of texts per offer, with its detail `link`), and configures
    the detail page with SELECTORS ('title', 'pairs' (label nodes, each followed by its
    value node), 'description', 'contact') and LABELS (site label -> item key). Only
    labelled values with a LABELS entry are kept: the page's contact person never is.
    """

    LABELS: ClassVar[dict[str, str]] = {}
    # what the board offers, as text; the store stage maps it to 'apprenticeship'
    employment_type: ClassVar[str] = "Ausbildung"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """A result page: one request per offer's detail page, then the next result page."""
        entries = self._parse_entries(response)
        if entries is None:
            return
        for entry in entries:
            link = entry.pop("link", None)
            if link:
                yield response.follow(link, self.parse_detail, cb_kwargs={"listing": entry})
        following = self.next_page(response)
        if following is not None:
            yield following

    def _parse_entries(self, response: Response) -> list[dict[str, Any]] | None:
        """The offers of a result page; None (after logging) if the page has no result list."""
        raise NotImplementedError

    def parse_detail(self, response: Response, listing: dict[str, Any]) -> Iterator[Posting]:
        """One offer's page merged with what its result row said, as a Posting."""
        title = self._parse_title(response)
        if title is None:
            self.layout_changed(response, "offer title")
            return
        values = self._parse_labelled(response)
        address = self._parse_address(response)
        postcode, city = self._parse_place(values, listing, address)
        description = self._parse_description(response)
        yield Posting(
            source=self.source,
            source_ref=self._parse_source_ref(values, response),
            title=title,
            employer=address.company or listing.get("company"),
            occupation=values.get("occupation") or listing.get("occupation"),
            sector=values.get("sector"),
            postcode=postcode,
            city=city,
            street=address.street if address.postcode == postcode else None,
            description=description,
            employment_type=values.get("employment_type") or self.employment_type,
            start_date=values.get("start_date"),
            places=values.get("places") or listing.get("places"),
            url=response.url,
            posted_at=self._parse_posted_at(values),
            raw=self._raw(response, listing, values, address, title, description),
        )

    def _parse_title(self, response: Response) -> str | None:
        """The offer's heading."""
        return self.first(response, "title")

    def _parse_labelled(self, response: Response) -> dict[str, str]:
        """Values of the page's label/value pairs whose label LABELS knows, by item key.

        The value is the node right after the label (dt -> dd, th -> td); labels LABELS
        does not know (the contact person, phone, e-mail) are never read.
        """
        values: dict[str, str] = {}
        for label in self.sel(response, "pairs"):
            key = self.LABELS.get(label_key(text_of(label)))
            if key is None or key in values:
                continue
            value = paragraphs_of(label.xpath("following-sibling::*[1]"))
            if value:
                values[key] = value
        return values

    def _parse_source_ref(self, values: dict[str, str], response: Response) -> str:
        """The board's offer number; the detail page's file name if it shows none."""
        if values.get("source_ref"):
            return values["source_ref"]
        name = urlsplit(response.url).path.rstrip("/").rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if name.endswith((".html", ".htm")) else name

    def _parse_address(self, response: Response) -> Address:
        """Company name and address from the contact box (its person lines are dropped)."""
        return split_address(lines_of(self.sel(response, "contact")))

    def _parse_place(
        self, values: dict[str, str], listing: dict[str, Any], address: Address
    ) -> tuple[str | None, str | None]:
        """Where the training takes place: the offer's place, else the company's address."""
        postcode, city = split_place(values.get("place") or listing.get("place"))
        if postcode is None and city is None:
            return address.postcode, address.city
        return postcode, city

    def _parse_description(self, response: Response) -> str | None:
        """The offer's text, paragraphs on their own lines, contact details removed."""
        return scrub_personal_data(paragraphs_of(self.sel(response, "description")))

    def _parse_posted_at(self, values: dict[str, str]) -> str | None:
        """The publication date as the page writes it."""
        return values.get("posted_at")

    def _raw(
        self,
        response: Response,
        listing: dict[str, Any],
        values: dict[str, str],
        address: Address,
        title: str,
        description: str | None,
    ) -> dict[str, Any]:
        """The extracted texts and the URL: the lineage of the item, without personal data."""
        return {
            "url": response.url,
            "listing": listing,
            "title": title,
            "details": values,
            "description": description,
            "company": asdict(address),
        }

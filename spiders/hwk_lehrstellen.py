"""Lehrstellen-Radar of the Handwerkskammern: one list of places, details inline, 15 a page.

Built on the structure public code that targets the live site documents (docs/sources.md
cites each assumption; no saved page was found, so the fixtures are reconstructions):

- the search page `5100,90,lsrsearch.html` first, for the session cookie the list needs
  (403 without one);
- the list `5100,90,lsrlist.html?search-fromsearchform=1&search-ls=1&search-plz=<PLZ>
  &search-radius=<km>&page=<n>` (search-pr=1 adds internships);
- each place an `a.list-group-item[data-resultid]` (id `<chamber>_<listing>`), the
  occupation in `strong`, the place in `p.list-group-item-text`;
- its details inline in `div#detail_<id>.lsrdetail`: rows `div.row` with a `p` label and
  `span` values, the company under 'Firma' (name, then address lines), 'Fachrichtung:',
  'Vorbildung(en)' as a list; a contact person with e-mail, which is never read.

Everything is on the list pages: no request per place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response

from resque.pipelines.record import Posting
from resque.spiders.base import (
    SourceSpider,
    label_key,
    page_number,
    postal_address,
    split_place,
    text_of,
)

_PAGES = re.compile(r"Seite\s*(\d+)\s*von\s*(\d+)", re.IGNORECASE)


class HwkLehrstellenSpider(SourceSpider):
    """Search page (session) -> list pages with inline details of the Lehrstellen-Radar."""

    name = "hwk_lehrstellen"
    default_base_url = "https://www.lehrstellen-radar.de/"
    search_path = "5100,90,lsrsearch.html"
    list_path = "5100,90,lsrlist.html"
    per_page = 15
    employment_type = "Ausbildung"
    # the list needs the search page's session cookie (project default: cookies off)
    custom_settings: ClassVar[dict[str, Any]] = {"COOKIES_ENABLED": True}

    SELECTORS: ClassVar[dict[str, str]] = {
        "results": "div.list-group",
        "entries": "a.list-group-item[data-resultid]",
        "id": "./@data-resultid",
        "title": "strong",
        "place": "p.list-group-item-text",
        "detail": "div.lsrdetail",
        "detail_rows": "div.row",
        "row_label": "p",
        "row_values": "span",
        "school": ".//*[starts-with(normalize-space(), 'Vorbildung')]/following::ul[1]/li",
        "link": ".//a[contains(@href, 'hwk')]/@href",
    }
    # detail row label -> key (labels not listed here, such as the contact, are never read)
    LABELS: ClassVar[dict[str, str]] = {"firma": "company", "betrieb": "company"}

    def __init__(
        self,
        *args: Any,
        plz: str | None = None,
        umkreis: Any = 25,
        praktika: Any = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not plz:
            raise ValueError(f"{self.name} needs the spider argument plz (a postcode)")
        self.search = {
            "search-fromsearchform": 1,
            "search-ls": 1,
            "search-pr": 1 if str(praktika).lower() in ("1", "true", "yes") else None,
            "search-plz": str(plz),
            "search-radius": str(umkreis or 25),
        }

    async def start(self):
        """The search page first: the list answers 403 without its session cookie."""
        for url in self.start_urls or [self.url(self.search_path)]:
            yield scrapy.Request(url, callback=self.parse_search, dont_filter=True)

    def parse_search(self, response: Response):
        """With the session cookie set, the first list page."""
        yield scrapy.Request(self.url(self.list_path, self.search | {"page": 1}), self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Posting | scrapy.Request]:
        """A list page: one Posting per entry, then the next page while there is one."""
        entries = self.sel(response, "entries")
        if not entries:
            self._check_empty(response)
            return
        for entry in entries:
            yield self._parse_entry(entry, response)
        following = self._next_page(response, len(entries))
        if following is not None:
            yield following

    def _check_empty(self, response: Response) -> None:
        """A page without entries: an empty search if its list is empty (or it says so);
        a missing list, or one whose entries are no longer recognised, is a changed site
        (the crawl fails on the first page and is degraded by a later one)."""
        results = self.sel(response, "results")
        if self.says_no_results(response) or (results and not results.xpath("./*")):
            return
        missing = "entries in its result list" if results else "result list"
        self.no_results(response, missing, page_number(response.url, "page") <= 1)

    def _next_page(self, response: Response, count: int) -> scrapy.Request | None:
        """Page n+1 if the page says 'Seite n von m' with n < m, or (no such line) was full."""
        parts = urlsplit(response.url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        page = int(query.get("page", 1))
        pages = _PAGES.search(" ".join(response.xpath("//body//text()").getall()))
        if (pages and page >= int(pages[2])) or (not pages and count < self.per_page):
            return None
        url = parts._replace(query=urlencode(query | {"page": page + 1})).geturl()
        return scrapy.Request(url, self.parse)

    def _parse_entry(self, entry: Selector, response: Response) -> Posting:
        """One list entry merged with its inline detail block."""
        ref = self.sel(entry, "id").get()
        detail = response.xpath("//div[@id=$id]", id=f"detail_{ref}")
        company = self._parse_company(detail)
        postcode, city = split_place(self._parse_place(entry))
        street, address_postcode, address_city = postal_address(company[1:])
        title = self.first(entry, "title")
        return Posting(
            source=self.source,
            source_ref=ref,
            title=title,
            employer=company[0] if company else None,
            occupation=title,
            postcode=postcode or address_postcode,
            city=city or address_city,
            street=street if address_postcode == (postcode or address_postcode) else None,
            description=self._parse_description(detail),
            employment_type=self.employment_type,
            url=self._parse_url(detail, ref, response),
            raw={"url": response.url, "id": ref, "title": title, "company": company},
        )

    def _parse_place(self, entry: Selector) -> str | None:
        """The first line of the entry's place text ('04109 Leipzig')."""
        lines = [
            line for line in self.sel(entry, "place").xpath(".//text()").getall() if line.strip()
        ]
        return lines[0].strip() if lines else None

    def _parse_company(self, detail: Any) -> list[str]:
        """The 'Firma' row's values: the company's name, then its address lines."""
        for row in self.sel(detail, "detail_rows"):
            if self.LABELS.get(label_key(self.first(row, "row_label"))) == "company":
                return [v for span in self.sel(row, "row_values") if (v := text_of(span))]
        return []

    def _parse_description(self, detail: Any) -> str | None:
        """'Fachrichtung' and the schooling wanted, one per line (nothing about persons)."""
        text = " ".join(detail.xpath(".//text()").getall())
        lines = []
        if match := re.search(r"Fachrichtung:\s*([^\n]+?)\s*(?:Vorbildung|$)", text):
            lines.append(f"Fachrichtung: {match[1].strip()}")
        school = [t for li in self.sel(detail, "school") if (t := text_of(li))]
        if school:
            lines.append("Vorbildung: " + ", ".join(school))
        return "\n".join(lines) or None

    def _parse_url(self, detail: Any, ref: str | None, response: Response) -> str:
        """The chamber's own page of the place, else the Radar's guest detail page."""
        href = self.sel(detail, "link").get()
        if href:
            return response.urljoin(href.strip())
        listing = (ref or "").rsplit("_", 1)[-1]
        return self.url("5100,0,jpguestdetail.html", {"id": listing})

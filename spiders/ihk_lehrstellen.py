"""IHK-Lehrstellenbörse: the apprenticeship offers of all chambers of industry and commerce.

Built on the structure public code that targets the live board documents (docs/sources.md
cites each assumption; no saved page of the board was found, so the fixtures are
reconstructions):

- search: `joboffers/search.html?location=<PLZ>&distance=<code>`, the radius as a code
  (1 = 20 km, 2 = 50, 3 = 100, 4 = 150) (digitalfabrik/integreat-cms;
  Ashkan-TBZ/IHK-Lehrstellen-Caller);
- results: rows of `table tbody tr`, the offer link in the first cell, columns Beruf, Ort,
  Entfernung, Unternehmen, Freie Plätze; ten rows a page, further pages by `page=N`
  (quocvietphung/ihk-scraper and its variants);
- offer page: the occupation as `h1`, label/value pairs as `<td>label</td><td>value</td>`
  ('Angebots-Nr.', 'Beginn', 'Angebotene Plätze', 'Schulabschluss wünschenswert',
  'gewünschte Vorqualifikation', 'Stellenbeschreibung'), and `div.contactBox` with the
  company (`h3`), its address, and a contact person with phone and e-mail, of which only
  the company's name and address are taken.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response

from resque.spiders.base import (
    Address,
    ChamberBoardSpider,
    label_key,
    page_number,
    split_place,
    text_of,
)

# Radius in km -> the board's distance code (Ashkan-TBZ/IHK-Lehrstellen-Caller, main.py).
DISTANCE_CODES = {20: 1, 50: 2, 100: 3, 150: 4}


class IhkLehrstellenSpider(ChamberBoardSpider):
    """Result table -> offer pages of the IHK-Lehrstellenbörse."""

    name = "ihk_lehrstellen"
    default_base_url = "https://www.ihk-lehrstellenboerse.de/"
    search_path = "joboffers/search.html"
    hits_per_page = 10  # a full page means there may be another

    SELECTORS: ClassVar[dict[str, str]] = {
        # result pages
        "results": "table tbody",
        "header": "table thead th",
        "rows": "table tbody tr",
        "cells": "./td",
        "link": "td:nth-child(1) a::attr(href)",
        # offer pages
        "title": "h1",
        "pairs": "table tr > td:first-child",
        "description": "//td[normalize-space()='Stellenbeschreibung']/following-sibling::td[1]",
        "contact": "div.contactBox",
        "contact_company": "div.contactBox h3",
    }
    # result columns in the order the board shows them, when the table has no header
    COLUMN_ORDER: ClassVar[list[str]] = ["occupation", "place", "distance", "company", "places"]
    COLUMNS: ClassVar[dict[str, str]] = {
        "beruf": "occupation",
        "ausbildungsberuf": "occupation",
        "ort": "place",
        "entfernung": "distance",
        "unternehmen": "company",
        "freie plätze": "places",
        "plätze": "places",
    }
    # offer page label -> item key (labels not listed here are never read)
    LABELS: ClassVar[dict[str, str]] = {
        "angebots-nr.": "source_ref",
        "beginn": "start_date",
        "angebotene plätze": "places",
        "schulabschluss wünschenswert": "school_certificate",
        "gewünschte vorqualifikation": "prequalification",
        "unternehmen": "company",
    }

    def __init__(
        self,
        *args: Any,
        plz: str | None = None,
        umkreis: Any = 20,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not plz and not self.start_urls:
            raise ValueError(f"{self.name} needs the spider argument plz (a postcode)")
        try:
            distance = DISTANCE_CODES[int(umkreis)]
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                f"{self.name}: umkreis must be one of 20, 50, 100, 150 (km), as the board offers"
            ) from None
        self.query = {"location": plz, "distance": distance}

    async def start(self):
        """The search around the configured postcode (or the start URLs)."""
        for url in self.start_urls or [self.url(self.search_path, self.query)]:
            yield scrapy.Request(url, callback=self.parse)

    def _parse_entries(self, response: Response) -> list[dict[str, Any]] | None:
        """One dict per result row; an empty result table is an empty search.

        A first page without the result table, or whose rows link no offer, means the board
        changed shape: the crawl fails (a later page only degrades it). No saved page shows
        the board's empty result, so SELECTORS has no 'no_results' until one does.
        """
        if self.says_no_results(response):
            return []
        first = page_number(response.url, "page") <= 1
        if not self.sel(response, "results"):
            self.no_results(response, "result table", first)
            return None
        header = [self.COLUMNS.get(label_key(text_of(th))) for th in self.sel(response, "header")]
        columns = header if any(header) else self.COLUMN_ORDER
        entries = [self._parse_row(row, columns) for row in self.sel(response, "rows")]
        if first and entries and not any(entry["link"] for entry in entries):
            why = f"none of its {len(entries)} result rows links an offer"
            self.results_missing(response.url, len(entries), 0, why)
        return entries

    def _parse_row(self, row: Selector, columns: list[str | None]) -> dict[str, Any]:
        """A result row's cell texts under their column keys, plus the offer link."""
        cells = self.sel(row, "cells")
        entry: dict[str, Any] = {
            key: text_of(cell) for key, cell in zip(columns, cells, strict=False) if key
        }
        entry["link"] = self.sel(row, "link").get()
        return entry

    def next_page(self, response: Response, callback: Any = None) -> scrapy.Request | None:
        """The next result page (`page=N`) when this one was full; none after a short page."""
        if len(self.sel(response, "rows")) < self.hits_per_page:
            return None
        parts = urlsplit(response.url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query["page"] = int(query.get("page", 1)) + 1
        url = parts._replace(query=urlencode(query)).geturl()
        return scrapy.Request(url, callback or self.parse)

    def _parse_place(
        self, values: dict[str, str], listing: dict[str, Any], address: Address
    ) -> tuple[str | None, str | None]:
        """The result row's place when it has a postcode, else the company's address."""
        postcode, city = split_place(listing.get("place"))
        if postcode is None:
            return address.postcode, address.city or city
        return postcode, city

    def _parse_address(self, response: Response) -> Address:
        """The contact box: the company heading, then its address lines; persons dropped."""
        address = super()._parse_address(response)
        company = text_of(self.sel(response, "contact_company"))
        if company:
            address.company = company
        return address

"""IHK-Lehrstellenbörse: the apprenticeship offers of all chambers of industry and commerce.

The search (occupation, place, radius) answers with a result table (Ausbildungsberuf, Ort,
Entfernung, Unternehmen, Plätze) split over pages linked by 'Weiter »'; each row links to
the offer's page with its number, start, places, school certificate wanted, description
and a contact box. Columns are found by their header text, so a reordered table still
parses. The contact box names a person with phone and e-mail: only the company's name and
address are taken from it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import scrapy
from parsel import Selector
from scrapy.http import Response

from spiders.base import ChamberBoardSpider, label_key, text_of


class IhkLehrstellenSpider(ChamberBoardSpider):
    """Result table -> offer pages of the IHK-Lehrstellenbörse."""

    name = "ihk_lehrstellen"
    default_base_url = "https://www.ihk-lehrstellenboerse.de/"
    search_path = "angebote/suche.html"

    SELECTORS: ClassVar[dict[str, str]] = {
        # result pages
        "results": "table.ergebnisliste",
        "header": "table.ergebnisliste thead th",
        "rows": "table.ergebnisliste tbody tr",
        "cells": "./td",
        "link": "a::attr(href)",
        "no_results": ".keine-treffer",
        "next_page": "//nav[contains(@class, 'pagination')]"
        "//a[contains(., 'Weiter') or contains(., '»')]/@href",
        # offer pages
        "title": "h1.angebot-titel",
        "pairs": "dl.angebotsdaten > dt",
        "description": "div.beschreibung",
        "contact": "aside.kontakt address",
    }
    # result table header -> listing key
    COLUMNS: ClassVar[dict[str, str]] = {
        "ausbildungsberuf": "occupation",
        "beruf": "occupation",
        "ort": "place",
        "entfernung": "distance",
        "unternehmen": "company",
        "betrieb": "company",
        "plätze": "places",
        "freie plätze": "places",
    }
    # offer page label -> item key (labels not listed here are never read)
    LABELS: ClassVar[dict[str, str]] = {
        "angebotsnummer": "source_ref",
        "ausbildungsberuf": "occupation",
        "ausbildungsort": "place",
        "ausbildungsbeginn": "start_date",
        "beginn": "start_date",
        "angebotene plätze": "places",
        "plätze": "places",
        "gewünschter schulabschluss": "school_certificate",
        "schulabschluss": "school_certificate",
        "angebotsart": "employment_type",
        "eingestellt am": "posted_at",
    }

    def __init__(
        self,
        *args: Any,
        beruf: str | None = None,
        ort: str | None = None,
        umkreis: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.query = {"beruf": beruf, "ort": ort, "umkreis": umkreis}

    async def start(self):
        """The search for the configured occupation, place and radius (or the start URLs)."""
        for url in self.start_urls or [self.url(self.search_path, self.query)]:
            yield scrapy.Request(url, callback=self.parse)

    def _parse_entries(self, response: Response) -> list[dict[str, Any]] | None:
        """One dict per result row, keyed by what its column header says."""
        if not self.sel(response, "results"):
            if self._has_no_results(response):
                return []
            self.layout_changed(response, "result table")
            return None
        columns = [self.COLUMNS.get(label_key(text_of(th))) for th in self.sel(response, "header")]
        return [self._parse_row(row, columns) for row in self.sel(response, "rows")]

    def _parse_row(self, row: Selector, columns: list[str | None]) -> dict[str, Any]:
        """A result row's cell texts under their column keys, plus the offer link."""
        cells = self.sel(row, "cells")
        entry: dict[str, Any] = {
            key: text_of(cell) for key, cell in zip(columns, cells, strict=False) if key
        }
        entry["link"] = self.sel(row, "link").get()
        return entry

"""Lehrstellenbörse of a Handwerkskammer, Lehrstellen-Radar style: form POST, list, detail.

The search page holds a form (postcode, radius, optional occupation, a hidden token); the
spider fills it from its arguments and submits it as the browser would (form2request keeps
the hidden fields). Results are cards linking to one page per apprenticeship place, with
'»' to the next result page. The offer page is a table of labelled values, some of them
the contact person's name, phone and e-mail: only whitelisted labels are read.
'Online seit' is often relative ('gestern', 'vor 3 Tagen') and is resolved against today.
"""

from __future__ import annotations

from typing import Any, ClassVar

import scrapy
from form2request import form2request
from parsel import Selector
from scrapy.http import Response

from spiders.base import ChamberBoardSpider, resolve_relative_date, squish


class HwkLehrstellenSpider(ChamberBoardSpider):
    """Search form -> result cards -> offer pages of a crafts chamber's apprenticeship board."""

    name = "hwk_lehrstellen"
    default_base_url = "https://www.lehrstellen-radar.de/"
    form_path = "lehrstellenboerse/suche.html"

    SELECTORS: ClassVar[dict[str, str]] = {
        # search page
        "form": "form#lehrstellensuche",
        # result pages
        "results": "div.ergebnisliste",
        "entries": "div.ergebnisliste div.lehrstelle",
        "link": "h3.beruf a::attr(href)",
        "occupation": "h3.beruf a",
        "company": "p.betrieb",
        "postcode": "p.ort span.plz",
        "city": "p.ort span.stadt",
        "distance": "p.ort span.entfernung",
        "no_results": "p.keine-treffer",
        "next_page": "//div[contains(@class, 'pager')]"
        "//a[contains(@class, 'weiter') or contains(., '»') or contains(., 'Weiter')]/@href",
        # offer pages
        "title": "div#inhalt h1",
        "pairs": "table.lehrstelle-details th",
        "description": "div.stellenbeschreibung",
        "contact": "div.betrieb-kontakt p",
    }
    # offer page label -> item key (labels not listed here are never read)
    LABELS: ClassVar[dict[str, str]] = {
        "lehrstellen-nr.": "source_ref",
        "lehrstellennummer": "source_ref",
        "ausbildungsberuf": "occupation",
        "beruf": "occupation",
        "gewerk": "sector",
        "ausbildungsort": "place",
        "ausbildungsbeginn": "start_date",
        "beginn": "start_date",
        "freie plätze": "places",
        "anzahl plätze": "places",
        "schulabschluss": "school_certificate",
        "online seit": "posted_at",
    }

    def __init__(
        self,
        *args: Any,
        plz: str | None = None,
        umkreis: str | None = "25",
        beruf: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not plz:
            raise ValueError(f"{self.name} needs the spider argument plz (a postcode)")
        self.search = {"plz": str(plz), "umkreis": str(umkreis or "25"), "beruf": beruf or ""}

    async def start(self):
        """The search page, whose form is then submitted (or the configured start URLs)."""
        for url in self.start_urls or [self.url(self.form_path)]:
            yield scrapy.Request(url, callback=self.parse_form)

    def parse_form(self, response: Response):
        """Fill in postcode, radius and occupation and submit the form with its hidden fields."""
        form = self.sel(response, "form")
        if not form:
            self.layout_changed(response, "search form")
            return
        submission = form2request(form, self.search)
        yield submission.to_scrapy(callback=self.parse)

    def _parse_entries(self, response: Response) -> list[dict[str, Any]] | None:
        """One dict per result card."""
        if not self.sel(response, "results"):
            if self._has_no_results(response):
                return []
            self.layout_changed(response, "result list")
            return None
        return [self._parse_card(card) for card in self.sel(response, "entries")]

    def _parse_card(self, card: Selector) -> dict[str, Any]:
        """A result card's texts and its offer link."""
        postcode, city = self.first(card, "postcode"), self.first(card, "city")
        return {
            "occupation": self.first(card, "occupation"),
            "company": self.first(card, "company"),
            "place": squish(f"{postcode or ''} {city or ''}"),
            "distance": self.first(card, "distance"),
            "link": self.sel(card, "link").get(),
        }

    def _parse_posted_at(self, values: dict[str, str]) -> str | None:
        """'Online seit' as a date: relative forms ('vor 3 Tagen') count back from today."""
        return resolve_relative_date(values.get("posted_at"), self.today())

"""Company directories of the chambers (IHK Firmenverzeichnis, HWK Betriebsverzeichnis).

A reconstruction: the chambers opened their company databases to the partners, but no public
page, code or capture of such a directory was found, so its address (base_url and
index_path) comes from the config and the structure below is this project's assumption,
to be checked against the real directory before production use (docs/sources.md).

The index page links one page per initial letter (A–Z, letters without companies are not
links); each letter page lists companies with their sector ('Branche', or 'Gewerk' for
crafts), postal address and website, split over pages linked by 'Weiter »'. Everything is
on the list pages, so no request per company is needed. Items are `Employer` records for
the `employers` table (config `entity = "employers"`), so vacancies can be linked to
employers and analysts can filter by sector. Directory entries also name a contact person
and phone: only whitelisted labels are read.
"""

from __future__ import annotations

from typing import Any, ClassVar

import scrapy
from parsel import Selector
from scrapy.http import Response

from resque.pipelines.record import Employer
from resque.spiders.base import SourceSpider, label_key, lines_of, postal_address, text_of


class ChamberCompaniesSpider(SourceSpider):
    """A–Z index -> letter pages (paginated) -> one Employer per directory entry."""

    name = "chamber_companies"
    # No public default: the chambers gave the partners the directory's address, and no
    # public evidence of it was found (docs/sources.md). Both come from the config.
    default_base_url = ""

    SELECTORS: ClassVar[dict[str, str]] = {
        # index page
        "letters": "ul.az-navigation li a::attr(href)",
        # letter pages
        "entries": "div.firmenliste div.firma",
        "ref": "./@data-firmen-id",
        "name": ".firmenname",
        "pairs": "dl > dt",
        "no_results": "p.keine-eintraege",
        "next_page": "//div[contains(@class, 'seitennavigation')]"
        "//a[contains(., 'Weiter') or contains(., '»')]/@href",
    }
    # entry label -> employer key (labels not listed here are never read)
    LABELS: ClassVar[dict[str, str]] = {
        "branche": "sector",
        "wirtschaftszweig": "sector",
        "tätigkeit": "sector",
        "gewerk": "sector",
        "handwerk": "sector",
        "anschrift": "address",
        "adresse": "address",
        "internet": "website",
        "homepage": "website",
        "website": "website",
    }

    def __init__(self, *args: Any, index_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.start_urls and (self.base_url == "/" or not index_path):
            raise ValueError(
                f"{self.name} needs base_url and the spider argument index_path"
                " (the directory's A-Z page, as the chambers gave it to the partners)"
            )
        self.index_path = index_path

    async def start(self):
        """The directory's index page (or the configured start URLs)."""
        for url in self.start_urls or [self.url(self.index_path)]:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any):
        """The index: one request per initial letter that has companies."""
        letters = self.sel(response, "letters").getall()
        if not letters:
            # the index is the directory's first page: without its letters nothing is read
            self.results_missing(response.url, "some", 0, "the index links no letter page")
        for href in letters:
            yield response.follow(href.strip(), self.parse_letter)

    def parse_letter(self, response: Response, page: int = 1):
        """A letter page: one Employer per entry, then the letter's next page.

        The index links only letters with companies, so a letter's first page without
        entries and without the directory's "keine Einträge" message fails the crawl.
        """
        entries = self.sel(response, "entries")
        if not entries:
            if not self.says_no_results(response):
                self.no_results(response, "company list", page == 1)
            return
        for entry in entries:
            employer = self._parse_entry(entry, response)
            if employer is not None:
                yield employer
        following = self.next_page(response, self.parse_letter, {"page": page + 1})
        if following is not None:
            yield following

    def _parse_entry(self, entry: Selector, response: Response) -> Employer | None:
        """One directory entry as an Employer; None (logged) if it has no company name."""
        name = self.first(entry, "name")
        if name is None:
            self.layout_changed(response, "company name in an entry")
            return None
        values = self._parse_labelled(entry)
        ref, sector = self._parse_ref(entry), values.get("sector")
        address = values.get("address", [])
        street, postcode, city = postal_address(address)
        website = self._parse_website(values.get("website"))
        return Employer(
            source=self.source,
            source_ref=ref,
            name=name,
            sector=sector,
            street=street,
            postcode=postcode,
            city=city,
            url=website,
            raw={
                "url": response.url,
                "ref": ref,
                "name": name,
                "sector": sector,
                "address": address,
                "website": website,
            },
        )

    def _parse_ref(self, entry: Selector) -> str | None:
        """The directory's id of the company."""
        return self.sel(entry, "ref").get()

    def _parse_labelled(self, entry: Selector) -> dict[str, Any]:
        """Values of the labels LABELS knows: the address as lines, the website as its node."""
        values: dict[str, Any] = {}
        for label in self.sel(entry, "pairs"):
            key = self.LABELS.get(label_key(text_of(label)))
            if key is None or key in values:
                continue
            value = label.xpath("following-sibling::*[1]")
            if key == "address":
                values[key] = lines_of(value)
            elif key == "website":
                values[key] = value
            else:
                values[key] = text_of(value)
        return values

    def _parse_website(self, value: Any) -> str | None:
        """The company's web address: the link target if it is a web link, else the text."""
        if value is None:
            return None
        href = value.xpath(".//a/@href").get()
        if href and href.strip().lower().startswith(("http://", "https://")):
            return href.strip()
        return text_of(value)

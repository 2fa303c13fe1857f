"""The saved sites the spiders are crawled against, served from the `site` fixture's server.

Each `serve_*` puts one spider's saved pages (for the Jobsuche API: the fake API over
generated postings) on the local 127.0.0.1 server. `SAVED_SITES` names, per spider, the
source config that crawls its saved site and what a good crawl of it must give: the crawl
contract (test_crawl_contract.py) runs each once; the per-spider files reuse the `serve_*`
functions for their slower crawls of changed, faulty or withdrawn pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.jobsuche_api import FakeJobsucheApi, make_postings
from tests.spiders.conftest import FIXTURES, LocalSite, Reply

# An e-mail address (also written with "(at)"), a German phone number, a +49 prefix. Not a
# bare "@": JSON-LD's "@type" and "@context" are no personal data.
EMAIL_OR_PHONE = re.compile(
    r"[\w.+-]+@[\w-]+\.[a-z]|\(at\)|(?<![\w.-])0\d{2,5}[ /-]*\d{3,}|\+49", re.IGNORECASE
)

# --- hwk_lehrstellen: the Lehrstellen-Radar, a session cookie before the result list -------

HWK_PAGES = FIXTURES / "hwk_lehrstellen"
# Contact persons and numbers planted in the saved pages (the spider must leave them out).
HWK_PERSONAL = ("Anja", "Schulz", "Vogel", "Lange", "Richter", "Lindner", "mailto", "Tel.",
                "Ansprechpartner", "91 20 44")  # fmt: skip


def serve_radar(site: LocalSite, first_page: str = "lsrlist-page-1.html") -> None:
    """The saved pages, the first list page as `first_page`; the list answers 403 without
    the search page's session cookie."""
    cookie = {"Set-Cookie": "JSESSIONID=abc123; Path=/"}
    site.route(
        "/5100,90,lsrsearch.html",
        Reply((HWK_PAGES / "5100,90,lsrsearch.html").read_bytes(), headers=cookie),
    )

    def results(request):
        if "JSESSIONID=abc123" not in request.headers.get("Cookie", ""):
            return Reply("Forbidden", status=403)
        page = request.query["page"][0]
        name = first_page if page == "1" else f"lsrlist-page-{page}.html"
        return Reply((HWK_PAGES / name).read_bytes())

    site.route("/5100,90,lsrlist.html", results)


def radar_source(site: LocalSite) -> dict[str, Any]:
    return {"spider": "hwk_lehrstellen", "base_url": site.url, "write_mode": "snapshot",
            "args": {"plz": "04109", "umkreis": 25}}  # fmt: skip


# --- ihk_lehrstellen: the IHK-Lehrstellenbörse, result pages then one page per offer --------

IHK_PAGES = FIXTURES / "ihk_lehrstellen" / "joboffers"
IHK_PERSONAL = ("Sabine", "Krüger", "Becker", "Lindner", "Seidel", "Hoffmann", "Krause",
                "Vogel", "Schulz", "Richter", "Lange", "Brandt", "Katrin", "mailto",
                "freut sich")  # fmt: skip


def serve_board(site: LocalSite, first_page: str = "search.html") -> None:
    """The saved board on the local server, the search answered with `first_page`."""

    def results(request):
        page = request.query.get("page", ["1"])[0]
        name = first_page if page == "1" else f"search-page-{page}.html"
        return Reply((IHK_PAGES / name).read_bytes())

    def offer(request):
        path = IHK_PAGES.parent / request.path.lstrip("/")
        return Reply(path.read_bytes()) if path.is_file() else None

    site.route("/joboffers/search.html", results)
    site.route("/joboffers/detail/", offer)


def board_source(site: LocalSite) -> dict[str, Any]:
    return {"spider": "ihk_lehrstellen", "base_url": site.url, "write_mode": "snapshot",
            "args": {"plz": "04109", "umkreis": 20}}  # fmt: skip


# --- chamber_companies: a chamber's company directory, an index and letter pages -----------

DIRECTORY_PAGES = FIXTURES / "chamber_companies" / "firmenverzeichnis"
DIRECTORY_INDEX_PATH = "firmenverzeichnis/index.html"
DIRECTORY_PERSONAL = ("Ines Wolf", "Petra Lindner", "Thomas Becker", "Sabine Krüger",
                      "Anja Schulz", "Ansprechpartner", "mailto", "7 44 50", "2258 400",
                      "8521-0", "91 20 44")  # fmt: skip


def serve_directory(site: LocalSite, letter_page: Callable | None = None) -> None:
    """The saved directory on the local server; `letter_page(request)` may override letters."""

    def pages(request):
        name = request.path.rsplit("/", 1)[-1]
        letter = name.startswith("buchstabe-") and letter_page is not None
        if letter and (reply := letter_page(request)) is not None:
            return reply
        page = request.query.get("seite", ["1"])[0]
        path = DIRECTORY_PAGES / (
            name if page == "1" else name.replace(".html", f"-seite-{page}.html")
        )
        return Reply(path.read_bytes()) if path.is_file() else None

    site.route("/firmenverzeichnis/", pages)


def directory_source(site: LocalSite, **settings: Any) -> dict[str, Any]:
    return {
        "spider": "chamber_companies",
        "entity": "employers",
        "base_url": site.url,
        "write_mode": "snapshot",
        "args": {"index_path": DIRECTORY_INDEX_PATH},
        "settings": settings,
    }


# --- jobposting_jsonld: career pages listed in a sitemap, a robots.txt Disallow ------------

CAREER_PAGES = FIXTURES / "jobposting_jsonld"
# The contact person in karriere_lagerlogistik.html's JSON-LD and description.
CAREER_PERSONAL = ("Sabine", "Krüger", "s.krueger", "contactPoint", "0341")
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/karriere/lagerlogistik.html</loc><lastmod>2026-11-18</lastmod></url>
  <url><loc>{base}/karriere/ausbildung.html</loc></url>
  <url><loc>{base}/karriere/koch.html</loc></url>
  <url><loc>{base}/intern/entwurf.html</loc></url>
  <url><loc>{base}/impressum.html</loc></url>
  <url><loc>{other}/karriere/fremd.html</loc></url>
</urlset>
"""


def serve_career_site(site: LocalSite) -> str:
    """The saved pages on the local site; returns the URL of another host on the same server."""
    other = site.url.replace("127.0.0.1", "localhost")
    site.robots = f"User-agent: *\nDisallow: /intern/\nSitemap: {site.url}/sitemap.xml\n"
    site.route(
        "/sitemap.xml",
        Reply(SITEMAP.format(base=site.url, other=other), content_type="application/xml"),
    )
    files = {
        "/karriere/lagerlogistik.html": "karriere_lagerlogistik.html",
        "/karriere/ausbildung.html": "jobboard_graph.html",
        "/karriere/koch.html": "gasthaus_microdata.html",
        "/intern/entwurf.html": "broken_jsonld.html",
        "/impressum.html": "impressum.html",
        "/karriere/fremd.html": "broken_jsonld.html",
    }
    for path, name in files.items():
        site.route(path, Reply((CAREER_PAGES / name).read_bytes()))
    return other


def jsonld_source(site: LocalSite, **args: Any) -> dict[str, Any]:
    return {
        "spider": "jobposting_jsonld",
        "base_url": site.url,
        "write_mode": "snapshot",
        "args": args,
    }


def sitemap_source(site: LocalSite) -> dict[str, Any]:
    return jsonld_source(site, sitemap_urls=[f"{site.url}/sitemap.xml"])


# --- ba_jobsuche: the fake Jobsuche API (tests/fakes/jobsuche_api.py) ----------------------

# Generated postings, the same on every call: 40 of them, some with a second place of work
# (one record per place), so one search page of 50 holds them all.
JOBSUCHE_POSTINGS = make_postings(40, seed=7)


def serve_jobsuche(site: LocalSite) -> FakeJobsucheApi:
    """The fake API over `JOBSUCHE_POSTINGS` on the local server."""
    api = FakeJobsucheApi(list(JOBSUCHE_POSTINGS))
    site.route("/pc/", api.route)
    return api


def ba_source(site: LocalSite, **args: Any) -> dict[str, Any]:
    return {
        "spider": "ba_jobsuche",
        "base_url": site.url,
        "write_mode": "snapshot",
        "args": {"size": 50, **args},
    }


# --- what a crawl of each saved site must give ----------------------------------------------


@dataclass(frozen=True)
class SavedSite:
    """One spider's saved site: how to serve and crawl it, and what a good crawl gives."""

    spider: str
    entity: str  # the record its items are: "vacancies" (Posting) or "employers" (Employer)
    serve: Callable[[LocalSite], Any]
    source: Callable[[LocalSite], dict[str, Any]]
    items: int  # every record the saved site holds, once
    personal: tuple[str, ...]  # contact persons and numbers planted in the saved pages


SAVED_SITES = [
    SavedSite("hwk_lehrstellen", "vacancies", serve_radar, radar_source, 17, HWK_PERSONAL),
    SavedSite("ihk_lehrstellen", "vacancies", serve_board, board_source, 12, IHK_PERSONAL),
    SavedSite(
        "chamber_companies",
        "employers",
        serve_directory,
        directory_source,
        13,
        DIRECTORY_PERSONAL,
    ),  # fmt: skip
    # four postings: the Lagerlogistik page, the job board's two places, the microdata page
    SavedSite(
        "jobposting_jsonld", "vacancies", serve_career_site, sitemap_source, 4, CAREER_PERSONAL
    ),
    SavedSite(
        "ba_jobsuche",
        "vacancies",
        serve_jobsuche,
        ba_source,
        sum(len(p.places) for p in JOBSUCHE_POSTINGS),
        (),
    ),  # fmt: skip
]

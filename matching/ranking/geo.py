"""Where a profile or a vacancy is, and how far apart two places are.

Pure functions, no I/O: the caller hands in the postcode-centroid table (and centroids
learned from postings that carry coordinates). A place is located, best first, by

1. its own coordinates (postings from the Jobsuche API carry them),
2. its postcode: a centroid learned from geocoded postings, else the committed table,
3. its postcode area (the first three digits: the mean of the known postcodes there),
4. its town name ('Leipzig-Grünau' -> Leipzig),

and is otherwise unknown. Distances are great-circle distances between these points, so
they are approximate: a postcode is one point (the mean of its GeoNames places).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from resque.matching.normalise import town_key

EARTH_RADIUS_KM = 6371.0088
# How a place was located; the reasons name it so a coach knows how far to trust a distance.
PRECISION = ("coordinates", "postcode", "postcode area", "town", "unknown")
UNKNOWN = PRECISION.index("unknown")


@dataclass(frozen=True)
class Gazetteer:
    """Lookup tables from postcode, postcode area and town name to a coordinate."""

    postcodes: dict[str, tuple[float, float]]
    areas: dict[str, tuple[float, float]]
    towns: dict[str, tuple[float, float]]


def build_gazetteer(centroids: pd.DataFrame, learned: pd.DataFrame | None = None) -> Gazetteer:
    """Lookup tables from postcode centroids (postcode, place, lat, lon).

    Args:
        centroids: the committed table (warehouse/data/postcode_centroids.csv).
        learned: centroids computed from postings with coordinates (postcode, lat, lon);
            they win over the table for the postcodes they cover.
    Returns:
        The Gazetteer used by `locate`.
    """
    table = centroids[["postcode", "place", "lat", "lon"]].dropna(subset=["lat", "lon"])
    postcodes = dict(
        zip(table["postcode"], zip(table["lat"], table["lon"], strict=True), strict=True)
    )
    if learned is not None and len(learned):
        good = learned.dropna(subset=["postcode", "lat", "lon"])
        postcodes.update(
            zip(good["postcode"], zip(good["lat"], good["lon"], strict=True), strict=True)
        )
    frame = pd.DataFrame(
        [(code, lat, lon) for code, (lat, lon) in postcodes.items()],
        columns=["postcode", "lat", "lon"],
    )
    areas = frame.groupby(frame["postcode"].str[:3])[["lat", "lon"]].mean()
    towns = table.assign(town=table["place"].map(town_key)).groupby("town")[["lat", "lon"]].mean()
    return Gazetteer(
        postcodes=postcodes,
        areas=dict(zip(areas.index, zip(areas["lat"], areas["lon"], strict=True), strict=True)),
        towns=dict(zip(towns.index, zip(towns["lat"], towns["lon"], strict=True), strict=True)),
    )


def locate(
    gazetteer: Gazetteer,
    postcodes: pd.Series,
    towns: pd.Series,
    lat: pd.Series | None = None,
    lon: pd.Series | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, precision index) for each row; NaN and 'unknown' where nothing is known.

    Looks up each distinct postcode and town once, so a million rows cost little.
    """
    n = len(postcodes)
    out_lat = np.full(n, np.nan)
    out_lon = np.full(n, np.nan)
    precision = np.full(n, UNKNOWN, dtype=np.int8)
    if lat is not None and lon is not None:
        own = np.asarray(pd.to_numeric(lat, errors="coerce"), dtype=float)
        own_lon = np.asarray(pd.to_numeric(lon, errors="coerce"), dtype=float)
        known = ~np.isnan(own) & ~np.isnan(own_lon)
        out_lat[known], out_lon[known], precision[known] = own[known], own_lon[known], 0
    steps = (
        (1, postcodes, gazetteer.postcodes.get),
        (
            2,
            postcodes,
            lambda code: gazetteer.areas.get(code[:3]) if isinstance(code, str) else None,
        ),
        (3, towns, lambda name: gazetteer.towns.get(town_key(name))),
    )
    for level, values, lookup in steps:
        missing = precision == UNKNOWN
        if not missing.any():
            break
        codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)[missing]))
        found = [lookup(u) if isinstance(u, str) else None for u in uniques]
        table = np.array([f if f else (np.nan, np.nan) for f in found] + [(np.nan, np.nan)])
        points = table[codes]  # code -1 (missing) picks the last, empty row
        hit = ~np.isnan(points[:, 0])
        rows = np.flatnonzero(missing)[hit]
        out_lat[rows], out_lon[rows], precision[rows] = points[hit, 0], points[hit, 1], level
    return out_lat, out_lon, precision


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, shape (n, 3); NaN rows stay NaN."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distance between rows of unit vectors a and b (same shape), in km."""
    chord = np.linalg.norm(a - b, axis=1)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))

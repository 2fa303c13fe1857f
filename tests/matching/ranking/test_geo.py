"""The committed postcode centroids (GeoNames, warehouse/data/PROVENANCE.md): distances
inside a city and between cities are about right (issue 14, item 8)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from resque.matching.ranking import geo
from tests.conftest import ROOT

TABLE = ROOT / "warehouse" / "data" / "postcode_centroids.csv"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(TABLE, dtype={"postcode": str, "place": str, "state": str})


@pytest.fixture(scope="module")
def gazetteer(table) -> geo.Gazetteer:
    return geo.build_gazetteer(table)


def km(gazetteer: geo.Gazetteer, a: str, b: str) -> float:
    """Great-circle distance between two postcodes, located as the ranker locates them."""
    lat, lon, precision = geo.locate(gazetteer, pd.Series([a, b]), pd.Series([None, None]))
    assert precision.tolist() == [1, 1], f"{a} or {b} not in the table"
    points = geo.unit_vectors(lat, lon)
    return float(geo.distance_km(points[:1], points[1:])[0])


def test_the_table_is_one_plausible_point_per_postcode(table):
    assert list(table.columns) == ["postcode", "place", "state", "lat", "lon"]
    assert table["postcode"].str.fullmatch(r"\d{5}").all() and table["postcode"].is_unique
    assert len(table) > 8000 and table["place"].notna().all()
    assert table["lat"].between(47.2, 55.1).all() and table["lon"].between(5.8, 15.1).all()


@pytest.mark.parametrize(("a", "b"), list(combinations(["04109", "04315", "04229", "04177"], 2)))
def test_two_leipzig_postcodes_are_a_few_km_apart(gazetteer, a, b):
    # the previous table matched postcodes by city name: every Leipzig postcode got the
    # city centre, 0.0 km from every other
    assert 1.0 <= km(gazetteer, a, b) <= 10.0


def test_a_city_has_many_points_not_one(table):
    for city in ("Leipzig", "Dresden", "Berlin", "Hamburg", "München"):
        points = table.loc[table["place"] == city, ["lat", "lon"]].drop_duplicates()
        assert len(points) >= 10, city


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("04109", "01067", 100),  # Leipzig - Dresden
        ("04109", "06108", 32),  # Leipzig - Halle (Saale)
        ("10117", "20095", 255),  # Berlin Mitte - Hamburg Altstadt
        ("80331", "10117", 504),  # München Altstadt - Berlin Mitte
        ("50667", "60311", 152),  # Köln - Frankfurt am Main
    ],
)
def test_known_distances_between_cities(gazetteer, a, b, expected):
    assert km(gazetteer, a, b) == pytest.approx(expected, rel=0.06)


def test_a_postcode_missing_from_the_table_falls_back_to_its_area(gazetteer):
    assert "04861" not in gazetteer.postcodes  # not in the GeoNames file (PROVENANCE.md)
    lat, _lon, precision = geo.locate(gazetteer, pd.Series(["04861"]), pd.Series([None]))
    assert precision.tolist() == [2] and not np.isnan(lat[0])

"""benchmarks/real_match_set.py on a tiny hand-made input.

A unit test of the builder, not a fixture of an outside source: the records below are written
here, in the shapes of the BA answers the builder reads (a v6 search page as JSON, a v4 details
dump as CSV with Python-literal nested fields), with made-up employers and references.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import real_match_set as rms  # noqa: E402

from resque.pipelines.headers import map_columns  # noqa: E402

LAGER, KOCH, INFO = "Fachkraft - Lagerlogistik", "Koch/Köchin", "Informatiker/in"
# (reference, label, postcode, town): Leipzig, Halle, Dresden (~100 km), Hamburg, Vienna
PLACES = [
    ("T-1", LAGER, "04103", "Leipzig"),
    ("T-2", LAGER, "06108", "Halle (Saale)"),
    ("T-3", LAGER, "01067", "Dresden"),
    ("T-4", KOCH, "04103", "Leipzig"),
    ("T-5", KOCH, "20095", "Hamburg"),
    ("T-6", KOCH, "01067", "Dresden"),
    ("T-7", INFO, "04103", "Leipzig"),
    ("T-8", "", "04103", "Leipzig"),
    ("T-9", KOCH, "1010", "Wien"),
]


def _v6(ref, label, postcode, town):
    return {
        "referenznummer": ref,
        "stellenangebotsTitel": f"Stelle {ref} (m/w/d)",
        "firma": "Beispiel GmbH",
        "hauptberuf": label,
        "stellenlokationen": [{"adresse": {"plz": postcode, "ort": town}}],
    }


@pytest.fixture
def sources(tmp_path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    page = {"ergebnisliste": [_v6(*row) for row in PLACES[:6]]}
    (folder / "page.json").write_text(json.dumps(page), encoding="utf-8")
    with (folder / "z_dump.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["refnr", "stellenangebotsTitel", "firma", "hauptberuf",
                         "stellenlokationen", "stellenangebotsBeschreibung"])  # fmt: skip
        for ref, label, postcode, town in PLACES[6:]:
            place = repr([{"adresse": {"plz": postcode, "ort": town}, "breite": 51.3}])
            text = "Wir suchen Verstärkung. Ansprechpartnerin: Frau Muster, muster@example.org"
            writer.writerow([ref, f"Stelle {ref}", "Muster AG", label, place, text])
        # the same reference again: the first record read wins (files in sorted order)
        writer.writerow(["T-1", "Doppelt", "X", KOCH, repr([{"adresse": {"plz": "20095"}}]), ""])
    return folder


def build(sources: Path, out: Path, seed: int = 3) -> dict:
    return rms.main([str(sources), "--out", str(out), "--seed", str(seed), "--participants",
                     "20", "--min-postings", "3"])  # fmt: skip


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_set_keeps_real_labels_for_half_and_labels_by_occupation_and_radius(sources, tmp_path):
    out = tmp_path / "set"
    result = build(sources, out)
    counts = result["counts"]
    assert counts["dropped: no occupation label"] == 1
    assert counts["dropped: postcode not in the centroid table"] == 1  # Vienna
    assert "dropped: no postcode" not in counts

    jobs = {r["Referenznummer"]: r for r in rows(out / "vacancies.csv")}
    real = {ref: label for ref, label, _, _ in PLACES}
    assert sorted(jobs) == [f"T-{n}" for n in range(1, 8)]
    assert jobs["T-1"]["Stellentitel"] == "Stelle T-1 (m/w/d)"  # the first record of T-1
    shown = [r for r in jobs.values() if r["Beruf"]]
    assert len(shown) == 3 and all(r["Beruf"] == real[r["Referenznummer"]] for r in shown)
    assert "@" not in jobs["T-7"]["Beschreibung"] and "Muster" not in jobs["T-7"]["Beschreibung"]

    points = {pc: (lat, lon) for pc, (_, lat, lon) in rms.read_centroids().items()}
    people = {r["Pseudonym"]: r for r in rows(out / "participants.csv")}
    assert len(people) == 20 and all(p["PLZ"] in points for p in people.values())
    labels = rows(out / "labels.csv")
    wished = {}
    for label in labels:
        person, job = people[label["participant_id"]], jobs[label["source_ref"]]
        wished.setdefault(label["participant_id"], set()).add(real[label["source_ref"]])
        radius = float(person["Umkreis"].removesuffix(" km"))
        inside = rms.km(points[person["PLZ"]], points[job["PLZ"]]) <= radius
        assert label["relevance"] == ("3" if inside else "0")
        assert label["broken_constraint"] == ("" if inside else "outside radius")
        assert label["source"] == "real_match" and label["occupation_grade"] == "3"
    # one wished occupation each, with >= 3 postings, and at least one posting in reach
    assert set(wished) == set(people)
    assert all(len(w) == 1 and w <= {LAGER, KOCH} for w in wished.values())
    for pid in people:
        assert any(r["relevance"] == "3" for r in labels if r["participant_id"] == pid)


def test_the_files_import_with_the_real_header_mapping(sources, tmp_path):
    build(sources, tmp_path / "set")
    with (tmp_path / "set" / "vacancies.csv").open(encoding="utf-8") as handle:
        columns = next(csv.reader(handle))
    mapping = map_columns(columns, "vacancies")
    assert mapping["occupation"] == "Beruf" and mapping["title"] == "Stellentitel"
    assert mapping["postcode"] == "PLZ" and mapping["employer"] == "Arbeitgeber"
    with (tmp_path / "set" / "participants.csv").open(encoding="utf-8") as handle:
        people = map_columns(next(csv.reader(handle)), "participants")
    assert people["desired_occupations"] == "Wunschberuf" and people["participant_id"]


def test_the_same_seed_gives_the_same_files(sources, tmp_path):
    build(sources, tmp_path / "a", seed=5)
    build(sources, tmp_path / "b", seed=5)
    build(sources, tmp_path / "c", seed=6)
    for name in ("vacancies.csv", "participants.csv", "labels.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "participants.csv").read_bytes() != (
        tmp_path / "c" / "participants.csv"
    ).read_bytes()


@pytest.mark.parametrize(
    ("label", "allowed"),
    [
        (LAGER, {LAGER, "Lagerlogistik", "Fachkraft Lagerlogistik"}),
        (KOCH, {KOCH, "Koch", "Köchin"}),
        (
            "Informatikkaufmann/-frau",
            {"Informatikkaufmann/-frau", "Informatikkaufmann", "Informatikkauffrau"},
        ),  # fmt: skip
        (
            "Betriebswirt/in (Hochschule)",
            {"Betriebswirt/in (Hochschule)", "Betriebswirt", "Betriebswirtin"},
        ),  # fmt: skip
        ("Helfer/in - Elektro", {"Helfer/in - Elektro", "Helfer Elektro", "Helferin Elektro"}),
    ],
)
def test_wishes_are_written_as_participants_write_them(label, allowed):
    rng = random.Random(1)
    written = {rms.wish_of(label, rng) for _ in range(60)}
    assert written == allowed

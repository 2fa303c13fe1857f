"""The labelled dedup sets: reproducible, shaped like a real market, and the real-derived one."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import ROOT, TESTS

sys.path.insert(0, str(ROOT / "benchmarks"))
import dedup_set_stats  # noqa: E402
import gen_postings  # noqa: E402
import real_dedup_set  # noqa: E402

DATA = TESTS / "data" / "dedup"
# folder -> (openings, seed, occupations): the commands of tests/data/dedup/README.md
SETS = {"train": (3200, 101, "even"), "eval": (2200, 202, "all"), "unseen": (2200, 303, "all")}


@pytest.mark.parametrize("name", sorted(SETS))
def test_regenerating_reproduces_the_committed_set_byte_for_byte(name: str, tmp_path: Path):
    openings, seed, which = SETS[name]
    rows, truth = gen_postings.generate(openings, seed, gen_postings.occupation_subset(which))
    gen_postings.write(tmp_path, rows, truth)
    committed = sorted(p.name for p in (DATA / name).glob("*.csv"))
    assert committed == sorted(p.name for p in tmp_path.glob("*.csv"))
    for file in committed:
        assert (tmp_path / file).read_bytes() == (DATA / name / file).read_bytes(), file


@pytest.mark.parametrize("name", sorted(SETS))
def test_sets_hold_large_employers_with_many_distinct_jobs_at_one_address(name: str):
    groups = defaultdict(list)
    for employer, postcode, cluster in dedup_set_stats.read_folder(DATA / name):
        if postcode:
            groups[(employer, postcode)].append(cluster)
    large = [clusters for clusters in groups.values() if len(clusters) >= 50]
    assert len(large) >= 5
    assert all(len(set(clusters)) >= 7 for clusters in large)


def test_ward_nurses_of_one_hospital_differ_only_by_their_ward():
    nurse = re.compile(r"^Gesundheits- und Krankenpfleger")
    wards = defaultdict(set)
    folder = DATA / "eval"
    labels = {
        (r["source"], r["source_ref"]): r["cluster"]
        for r in csv.DictReader((folder / "labels.csv").open(encoding="utf-8"))
    }
    for path in folder.glob("*.csv"):
        if path.name != "labels.csv":
            for row in csv.DictReader(path.open(encoding="utf-8"), delimiter=";"):
                if nurse.match(row["Stellentitel"]) and row["PLZ"]:
                    key = (dedup_set_stats.employer_key(row["Arbeitgeber"]), row["PLZ"])
                    wards[key].add(labels[(path.stem, row["Referenznummer"])])
    assert max(len(openings) for openings in wards.values()) >= 5


def _record(ref: str, title: str, firma: str, plz: str, text: str = "") -> dict:
    """An invented BA v4 details record (real field names, made-up values)."""
    return {
        "referenznummer": ref,
        "stellenangebotsTitel": title,
        "firma": firma,
        "hauptberuf": "Gesundheits- und Krankenpfleger/in",
        "stellenangebotsBeschreibung": text,
        "stellenlokationen": [{"adresse": {"plz": plz, "ort": "Beispielstadt, Saale"}}],
        "datumErsteVeroeffentlichung": "2026-08-10",
        "eintrittszeitraum": {"von": "2026-10-01"},
        "arbeitszeitVollzeit": True,
    }


CONTACT = (
    "Wir pflegen mit Herz. Ihre Aufgaben: Grundpflege und Dokumentation. "
    "Fragen beantwortet Ihnen gern Frau Erika Beispiel unter 0345 1234567 "
    "oder erika.beispiel@klinikum-beispiel.de."
)
RECORDS = [
    _record(
        "1-A-S",
        "Gesundheits- und Krankenpfleger (m/w/d) Dermatologie",
        "Klinikum X gGmbH",
        "06108",
        CONTACT,
    ),
    _record(
        "1-B-S",
        "Gesundheits- und Krankenpfleger (m/w/d) Notaufnahme",
        "Klinikum X gGmbH",
        "06108",
        CONTACT,
    ),
    _record(
        "1-C-S", "Gesundheits- und Krankenpfleger (m/w/d) Notaufnahme", "Klinikum X gGmbH", "06108"
    ),
    _record("1-D-S", "Konditor (m/w/d)", "Klinikum X gGmbH", "06108", "Torten und Gebäck."),
]


def _build(tmp_path: Path, identical: str) -> dict[tuple[str, str], int]:
    """The real-derived set of RECORDS written to tmp_path; its labels."""
    source = tmp_path / "ba.json"
    source.write_text(json.dumps(RECORDS), encoding="utf-8")
    records = real_dedup_set.read_records([source])
    rows, truth, _ = real_dedup_set.build(
        records, seed=1, share=1.0, identical=identical, keep=True
    )
    gen_postings.write(tmp_path / "set", rows, truth)
    return {(s, r): c for s, r, c in truth}


def test_real_set_keeps_different_jobs_of_one_hospital_apart(tmp_path: Path):
    labels = _build(tmp_path, "merge")
    ba = {ref: c for (s, ref), c in labels.items() if s == "ba_jobsuche"}
    assert len({ba["1-A-S"], ba["1-B-S"], ba["1-D-S"]}) == 3
    assert ba["1-B-S"] == ba["1-C-S"]  # identical-looking: one opening with --identical merge
    assert len({s for s, _ in labels}) >= 3  # reposts planted in other sources
    assert set(labels.values()) == set(ba.values())


def test_real_set_keeps_identical_looking_postings_apart_when_asked(tmp_path: Path):
    ba = {r: c for (s, r), c in _build(tmp_path, "keep").items() if s == "ba_jobsuche"}
    assert ba["1-B-S"] != ba["1-C-S"]


def test_real_set_writes_no_contact_data(tmp_path: Path):
    _build(tmp_path, "merge")
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "set").glob("*.csv"))
    assert "Grundpflege" in written  # the description itself is kept
    for secret in ("Erika", "Beispiel unter", "1234567", "@klinikum", "0345"):
        assert secret not in written


def test_real_set_is_read_by_import_and_eval(tmp_path: Path, db: Path, resque):
    _build(tmp_path, "merge")
    folder = tmp_path / "set"
    for path in sorted(folder.glob("*.csv")):
        if path.name != "labels.csv":
            assert resque("--db", db, "import", "vacancies", path, "--source", path.stem).code == 0
    assert resque("--db", db, "dedup").code == 0
    assert resque("--db", db, "eval", "dedup", folder / "labels.csv").code == 0

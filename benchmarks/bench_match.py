"""Matching benchmark: 10,000 participants x 100,000 vacancies through `resque match --top 10`.

Generates a vacancy list (100,000 openings of 26 occupations in many title variants, with
descriptions naming tasks, workplaces, licences and German levels, spread over every
postcode within about 120 km of Leipzig, 3% without a place) and 10,000 participant
profiles living within 35 km of Leipzig. Both are loaded with the real importers
(`resque import vacancies` is set-based; `resque import participants` runs the privacy
guard), then the real `resque match --top 10` runs in a child process, and its wall time
and peak memory are printed. Target (issue 14): <= 20 s and <= 2 GB on the 2-core machine.
The word lists are MATCH_BENCH_* of samples/vocabulary.py.

    python benchmarks/bench_match.py [--participants 10000] [--vacancies 100000]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import DATA, resque, run_measured

from resque.samples.vocabulary import (
    GERMAN_LEVELS,
    MATCH_BENCH_OCCUPATIONS,
    MATCH_BENCH_PREFIXES,
    MATCH_BENCH_STARTS,
    MATCH_BENCH_TAILS,
    MATCH_BENCH_TIMES,
    MATCH_BENCH_WISHED_TIMES,
)

CENTROIDS = Path(__file__).resolve().parent.parent / "warehouse" / "data" / "postcode_centroids.csv"
LEIPZIG = (51.3396, 12.3713)


def places(radius_km: float) -> pd.DataFrame:
    """Postcodes of the committed table within radius_km of Leipzig."""
    table = pd.read_csv(CENTROIDS, dtype={"postcode": str})
    lat, lon = np.radians(table["lat"]), np.radians(table["lon"])
    c_lat, c_lon = np.radians(LEIPZIG[0]), np.radians(LEIPZIG[1])
    h = (
        np.sin((lat - c_lat) / 2) ** 2
        + np.cos(lat) * math.cos(c_lat) * np.sin((lon - c_lon) / 2) ** 2
    )
    table["km"] = 2 * 6371 * np.arcsin(np.sqrt(h))
    return table[table["km"] <= radius_km].reset_index(drop=True)


def vacancies(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n openings: titles, places, descriptions with tasks, workplace, licence and German level."""
    names = list(MATCH_BENCH_OCCUPATIONS)
    where = places(120)
    occ = rng.integers(0, len(names), n)
    place = rng.integers(0, len(where), n)
    towns = where["place"].to_numpy(dtype=object)[place]
    titles, texts = [], []
    for i, o in enumerate(occ):
        variants, _wishes, tasks, workplaces, licence = MATCH_BENCH_OCCUPATIONS[names[o]]
        title = variants[rng.integers(len(variants))]
        tail = MATCH_BENCH_TAILS[rng.integers(len(MATCH_BENCH_TAILS))].format(town=towns[i])
        titles.append(MATCH_BENCH_PREFIXES[rng.integers(len(MATCH_BENCH_PREFIXES))] + title + tail)
        a, b = rng.choice(len(tasks), 2, replace=len(tasks) < 2)
        need = licence if licence else ("Führerschein Klasse B" if rng.random() < 0.15 else None)
        texts.append(
            f"Verstärkung für unser Team im Bereich {workplaces[rng.integers(len(workplaces))]}. "
            f"Ihre Aufgaben: {tasks[a]} sowie {tasks[b]}. "
            + (f"Erforderlich: {need}. " if need else "")
            + f"Deutschkenntnisse {GERMAN_LEVELS[rng.integers(3)]}. Standort {i % 997}."
        )
    postcode = where["postcode"].to_numpy(dtype=object)[place]
    unknown = rng.random(n) < 0.03
    postcode[unknown], towns[unknown] = "", ""
    return pd.DataFrame(
        {
            "Referenznummer": [f"B-{i:07d}" for i in range(n)],
            "Stellentitel": titles,
            "Arbeitgeber": [f"Firma {e} GmbH" for e in rng.integers(0, 20_000, n)],
            "PLZ": postcode,
            "Arbeitsort": towns,
            "Beschreibung": texts,
            "Arbeitszeit": np.array(MATCH_BENCH_TIMES, dtype=object)[
                rng.integers(0, len(MATCH_BENCH_TIMES), n)
            ],
            "Eintrittsdatum": np.array(MATCH_BENCH_STARTS, dtype=object)[
                rng.integers(0, len(MATCH_BENCH_STARTS), n)
            ],
        }
    )


def participants(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n pseudonymous profiles around Leipzig: wishes, tasks, languages, licences, radius."""
    names = list(MATCH_BENCH_OCCUPATIONS)
    home = places(35)
    rows = []
    for i in range(n):
        first = MATCH_BENCH_OCCUPATIONS[names[rng.integers(len(names))]]
        wishes = [first[1][rng.integers(len(first[1]))]]
        if rng.random() < 0.4:
            second = MATCH_BENCH_OCCUPATIONS[names[rng.integers(len(names))]]
            wishes.append(second[1][0])
        tasks = list(rng.choice(first[2], min(2, len(first[2])), replace=False))
        licences = [
            x for x, p in (("B", 0.4), ("Staplerschein", 0.15), ("CE", 0.05)) if rng.random() < p
        ]
        p = home.iloc[rng.integers(len(home))]
        rows.append(
            {
                "Teilnehmer-ID": f"TN-{i:06d}",
                "Wunschberufe": "; ".join(wishes),
                "Kompetenzen": "; ".join(tasks),
                "Sprachen": f"Deutsch {GERMAN_LEVELS[rng.integers(3)]}; Englisch A2",
                "Führerscheine": ", ".join(licences),
                "Arbeitszeit": MATCH_BENCH_WISHED_TIMES[
                    rng.integers(len(MATCH_BENCH_WISHED_TIMES))
                ],
                "PLZ": p["postcode"],
                "Ort": p["place"],
                "Umkreis km": int(rng.choice([10, 15, 20, 30, 50])),
                "verfügbar ab": "sofort" if rng.random() < 0.8 else "01.02.2027",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--vacancies", type=int, default=100_000)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(5)
    started = time.perf_counter()
    jobs_csv = DATA / f"match_vacancies_{args.vacancies}.csv"
    people_csv = DATA / f"match_participants_{args.participants}.csv"
    vacancies(args.vacancies, rng).to_csv(jobs_csv, sep=";", index=False)
    participants(args.participants, rng).to_csv(people_csv, sep=";", index=False)
    print(f"generated data in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        steps = [
            ("import vacancies", ["import", "vacancies", str(jobs_csv), "--source", "bench"]),
            ("import participants", ["import", "participants", str(people_csv)]),
            ("match --top 10", ["match", "--top", "10", "--today", "2026-11-20"]),
        ]
        for label, command in steps:
            seconds, peak_mb, out = run_measured(resque("--db", db, *command))
            print(f"{label:22s} {seconds:6.1f} s  peak {peak_mb:7.0f} MB  | {out.strip()}")


if __name__ == "__main__":
    main()

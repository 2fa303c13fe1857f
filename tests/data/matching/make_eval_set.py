"""Generate the matching evaluation set: vacancies, participants and graded labels.

Deterministic (random.Random(5)); run from the repository root with

    /work/venv/bin/python tests/data/matching/make_eval_set.py [SEED FOLDER]

and see README.md beside this file for how the labels are defined. The labels come from
the generator's own catalogue (EVAL_OCCUPATIONS of samples/vocabulary.py: which occupation,
group and constraints each record was made with), never from the ranker, and the files the
warehouse imports carry no label.
"""

from __future__ import annotations

import csv
import math
import random
import sys
from pathlib import Path

from resque.samples.vocabulary import (
    EVAL_HOME_PLACES,
    EVAL_NO_FIT,
    EVAL_OCCUPATIONS,
    EVAL_PLACES,
    EVAL_RELATED_GROUPS,
    EVAL_TIMES,
    EVAL_WISHED_TIMES,
    EVAL_WORKPLACES,
    GERMAN_LEVELS,
)

HERE = Path(__file__).resolve().parent
CENTROIDS = HERE.parents[2] / "warehouse" / "data" / "postcode_centroids.csv"
SOURCE = "eval_matching"


def centroids() -> dict[str, tuple[float, float]]:
    with CENTROIDS.open(encoding="utf-8") as handle:
        return {r["postcode"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle)}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance, as the ranker computes it."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def make_vacancies(rng: random.Random) -> list[dict]:
    vacancies = []
    for occupation, (group, titles, _wishes, skills, licence) in EVAL_OCCUPATIONS.items():
        for index in range(10):
            postcode, town = rng.choice(EVAL_PLACES) if index else rng.choice(EVAL_HOME_PLACES)
            if rng.random() < 0.05:
                postcode, town = "", ""  # the list gave no place: distance unknown
            needs = licence
            extra = ""
            if needs is None and rng.random() < 0.2:
                needs = "B"
            if needs is None and occupation == "lagerhelfer" and rng.random() < 0.5:
                extra = " Staplerschein von Vorteil."
            german = rng.choice(GERMAN_LEVELS)
            asked = rng.sample(skills, k=min(2, len(skills)))
            licence_text = {
                "Stapler": "gültiger Staplerschein",
                "CE": "Führerschein Klasse CE",
                "B": "Führerschein Klasse B",
                None: "Zuverlässigkeit",
            }[needs]
            description = (
                f"Wir suchen Verstärkung {rng.choice(EVAL_WORKPLACES[group])}. "
                f"Ihre Aufgaben: {asked[0]} sowie {asked[1]}. Erforderlich: {licence_text} "
                f"und Deutschkenntnisse {german}.{extra} Wir bieten einen unbefristeten Vertrag."
            )
            start = rng.choice(["ab sofort", "ab sofort", "01.02.2031", "01.09.2030", "01.07.2031"])
            vacancies.append(
                {
                    "Referenznummer": f"EV-{occupation.upper()}-{index:02d}",
                    "Stellentitel": rng.choice(titles),
                    "Arbeitgeber": f"Betrieb {rng.randint(1, 60)} GmbH",
                    "PLZ": postcode,
                    "Arbeitsort": town,
                    "Beschreibung": description,
                    "Arbeitszeit": rng.choice(EVAL_TIMES),
                    "Eintrittsdatum": start,
                    "_occupation": occupation,
                    "_licence": needs,
                }
            )
    return vacancies


def make_participants(rng: random.Random) -> list[dict]:
    people = []
    occupations = list(EVAL_OCCUPATIONS)
    for number in range(1, 61):
        occupation = occupations[(number - 1) % len(occupations)]
        _group, _titles, wishes, skills, licence = EVAL_OCCUPATIONS[occupation]
        postcode, town = rng.choice(EVAL_HOME_PLACES)
        held = []
        if licence and rng.random() < 0.7:
            held.append(licence)
        if rng.random() < 0.5:
            held.append("B")
        people.append(
            {
                "Pseudonym": f"EVAL-{number:03d}",
                "Wunschberuf": rng.choice(wishes),
                "Kompetenzen": "; ".join(rng.sample(skills, k=min(3, len(skills)))),
                "Sprachen": f"Deutsch {rng.choice(GERMAN_LEVELS)}; Englisch A2",
                "Qualifikationen": "",
                "Führerschein": ", ".join(dict.fromkeys(held)),
                "Arbeitszeit": rng.choice(EVAL_WISHED_TIMES),
                "PLZ": postcode,
                "Ort": town,
                "Umkreis": f"{rng.choice([10, 15, 20, 30, 40])} km",
                "verfügbar ab": rng.choice(["sofort", "sofort", "sofort", "01.06.2031"]),
                "_occupation": occupation,
            }
        )
    for offset, (wish, skills) in enumerate(EVAL_NO_FIT, start=61):
        postcode, town = rng.choice(EVAL_HOME_PLACES)
        people.append(
            {
                "Pseudonym": f"EVAL-{offset:03d}",
                "Wunschberuf": wish,
                "Kompetenzen": skills,
                "Sprachen": "Deutsch B1",
                "Qualifikationen": "",
                "Führerschein": "",
                "Arbeitszeit": "Vollzeit",
                "PLZ": postcode,
                "Ort": town,
                "Umkreis": "30 km",
                "verfügbar ab": "sofort",
                "_occupation": None,
            }
        )
    return people


def occupation_grade(wished: str | None, offered: str) -> int:
    """3 same occupation, 2 same group, 1 related group, 0 otherwise."""
    if wished is None:
        return 0
    if wished == offered:
        return 3
    a, b = EVAL_OCCUPATIONS[wished][0], EVAL_OCCUPATIONS[offered][0]
    if a == b:
        return 2
    return 1 if frozenset((a, b)) in EVAL_RELATED_GROUPS else 0


def constraint_broken(person: dict, job: dict, points: dict) -> str | None:
    """Which hard constraint a pair breaks, from the generator's own facts."""
    radius = float(person["Umkreis"].split()[0])
    if job["PLZ"] and km(points[person["PLZ"]], points[job["PLZ"]]) > radius:
        return "outside radius"
    held = set(filter(None, person["Führerschein"].split(", ")))
    if (
        job["_licence"]
        and job["_licence"] not in held
        and not (job["_licence"] == "B" and "CE" in held)
    ):
        return f"licence {job['_licence']} missing"
    wished, offered = person["Arbeitszeit"], job["Arbeitszeit"]
    if wished == "Vollzeit" and offered == "Teilzeit":
        return "working time"
    if wished.startswith("Teilzeit") and offered == "Vollzeit":
        return "working time"
    if "keine Schicht" in wished and "Schicht" in offered:
        return "shift"
    if person["verfügbar ab"] == "01.06.2031" and job["Eintrittsdatum"] != "01.07.2031":
        return "available too late"
    return None


def main(seed: int = 5, out: Path = HERE) -> None:
    rng = random.Random(seed)
    points = centroids()
    vacancies = make_vacancies(rng)
    people = make_participants(rng)
    write(out / "vacancies.csv", vacancies)
    write(out / "participants.csv", people)
    labels = []
    for person in people:
        for job in vacancies:
            grade = occupation_grade(person["_occupation"], job["_occupation"])
            if grade == 0:
                continue
            broken = constraint_broken(person, job, points)
            labels.append(
                {
                    "participant_id": person["Pseudonym"],
                    "source": SOURCE,
                    "source_ref": job["Referenznummer"],
                    "relevance": 0 if broken else grade,
                    "occupation_grade": grade,
                    "broken_constraint": broken or "",
                }
            )
    write(out / "labels.csv", labels)
    kept = sum(1 for label in labels if label["relevance"])
    print(
        f"{len(vacancies)} vacancies, {len(people)} participants, {len(labels)} labels ({kept} > 0)"
    )


def write(path: Path, rows: list[dict]) -> None:
    columns = [c for c in rows[0] if not c.startswith("_")]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    # `make_eval_set.py SEED FOLDER` writes another draw, e.g. a held-out set for tuning checks
    if len(sys.argv) == 3:
        main(int(sys.argv[1]), Path(sys.argv[2]))
    else:
        main()

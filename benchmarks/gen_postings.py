"""Generate German job postings with known truth: which postings are the same real opening.

Used to build the labelled sets under tests/data/dedup/ (training and evaluation) and the
data of benchmarks/bench_dedup.py. Deterministic for a seed.

    python benchmarks/gen_postings.py --openings 1500 --seed 11 --out DIR [--occupations odd]

Writes DIR/<source>.csv (one file per source, ';'-separated, in the shape the importer reads)
and DIR/labels.csv (source, source_ref, cluster). About 30% of openings belong to large
employers at one address (hospitals, universities, industrial sites, administrations,
engineering and agency branches; Pareto sizes) whose jobs often differ only by a department
or ward; occupation names come partly from the KldB 2010 vocabulary in benchmarks/vocabulary/,
the rest (and towns, employer names, markers, ...) from the POSTING_* lists of
samples/vocabulary.py.
What varies between the postings of one opening, and which look-alikes are planted as
different openings, is described in tests/data/dedup/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from resque.samples.vocabulary import (
    POSTING_AGENCY_PATTERNS,
    POSTING_CLIENTS,
    POSTING_LEGAL_FORMS,
    POSTING_LEGAL_VARIANTS,
    POSTING_MARKERS,
    POSTING_NAME_STEMS,
    POSTING_OCCUPATIONS,
    POSTING_PREFIXES,
    POSTING_RELATED,
    POSTING_SECTOR_WORDS,
    POSTING_SITE_TASKS,
    POSTING_START_DATES,
    POSTING_STATE_SUFFIX,
    POSTING_STREETS,
    POSTING_TIME_DISPLAY,
    POSTING_TOWNS,
)

SECTOR_OCCS: dict[str, list[str]] = {}
for _name, (_sector, *_rest) in POSTING_OCCUPATIONS.items():
    SECTOR_OCCS.setdefault(_sector, []).append(_name)

VOCABULARY = Path(__file__).resolve().parent / "vocabulary"


def _gender_forms(name: str) -> list[str]:
    """Ways ads write one BA occupation name: 'Kommissionierer/in' -> 'Kommissionierer', ..."""
    forms = [name]
    if "/in" in name:
        stem = name.replace("/in", "")
        forms += [stem, name.replace("/in", "*in"), name.replace("/in", "/-in")]
    if " - " in name:
        forms += [f.replace(" - ", " ") for f in forms]
    return list(dict.fromkeys(forms))


def load_kldb(path: Path = VOCABULARY / "kldb_berufe.csv") -> dict[str, tuple]:
    """Occupations of the real vocabulary (see build_vocabulary.py), keyed 'kldb_<code>_<i>'.

    The first two BA names of each occupation type become occupations of their own (two
    names of one type are usually different jobs: Kommissionierer/in, Handelsfachpacker/in).
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    occupations = {}
    for row in rows:
        tasks = [t for t in row["tasks"].split("|") if t] or [row["kurztitel"]]
        for i, name in enumerate(row["names"].split("|")[:2]):
            wage = 13.9 + int(row["kldb"][4]) * 2.5  # the 5th digit is the skill level 1-4
            occupations[f"kldb_{row['kldb']}_{i}"] = ("", _gender_forms(name), tasks, [], wage)
    return occupations


def load_sites(path: Path = VOCABULARY / "sites.json") -> dict[str, dict]:
    """Kinds of large employers at one address, their jobs and department words."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {kind: spec for kind, spec in data.items() if not kind.startswith("_")}


KLDB = load_kldb()
SITES = load_sites()
# Sizes of large sites (openings at one address): a Pareto tail, alpha and bounds in README.
SITE_ALPHA, SITE_MIN, SITE_MAX = 0.9, 6, 200
# Share of openings that belong to large sites; the rest are small employers and agencies.
SITE_SHARE = 0.3
# Share of ordinary openings whose occupation comes from the KldB vocabulary (long tail).
KLDB_SHARE = 0.35
DEPARTMENT_JOINS = [" ", " ", " - ", " – ", " | ", ", "]


def occupation_spec(name: str) -> tuple:
    """(sector, forms, tasks, requirements, wage) of a hand-written, KldB or site occupation."""
    if name.startswith("site_"):  # 'site_<kind>_<job index>'
        kind, job = name[len("site_") :].rsplit("_", 1)
        return ("", SITES[kind]["jobs"][int(job)]["forms"], POSTING_SITE_TASKS, [], 17.0)
    return POSTING_OCCUPATIONS[name] if name in POSTING_OCCUPATIONS else KLDB[name]


SOURCES = [
    "ba_jobsuche",
    "arbeitgeberservice",
    "jobmesse",
    "karriereseite",
    "ihk_boerse",
    "stellenportal",
]
# per source: (has description, postcode kept, city style)
SOURCE_STYLE = {
    "ba_jobsuche": (0.9, 0.97, "plain"),
    "arbeitgeberservice": (0.0, 0.98, "plain"),
    "jobmesse": (0.8, 0.8, "district"),
    "karriereseite": (0.95, 0.85, "mixed"),
    "ihk_boerse": (0.9, 0.95, "plain"),
    "stellenportal": (0.85, 0.7, "mixed"),
}


@dataclass
class Employer:
    name: str
    legal: str
    sector: str
    is_agency: bool
    branches: list[tuple[str, str, str]]  # (town, postcode, district)
    street: dict[str, str] = field(default_factory=dict)
    kind: str = ""  # a large site's kind (hospital, university, ...), else ""


@dataclass
class Opening:
    opening_id: int
    employer: Employer
    occupation: str
    town: str
    postcode: str
    district: str
    time: str
    hours: int | None
    start: dt.date | None
    places: int
    client: str | None
    form: str
    tasks: list[str]
    reqs: list[str]
    wage: float
    posted: dt.date
    agencies: list[Employer] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)  # wordings of a site job (else occupation's)
    department: str = ""  # the ward or department that tells a site's jobs apart


class Generator:
    """Draws employers, openings and their postings from one seeded random generator."""

    def __init__(self, seed: int, occupations: list[str]):
        self.rng = random.Random(seed)
        self.occupations = occupations
        self.hand = [o for o in occupations if o in POSTING_OCCUPATIONS]
        self.kldb = [o for o in occupations if o in KLDB]
        self.postcodes = {
            town: [f"{first + i * 2:05d}" for i in range(count)]
            for town, first, count, _, _ in POSTING_TOWNS
        }
        self.districts = {town: districts for town, _, _, districts, _ in POSTING_TOWNS}
        self.towns = [t[0] for t in POSTING_TOWNS]
        self.town_weights = [t[4] for t in POSTING_TOWNS]
        self.names: set[str] = set()
        self.used: set[tuple[str, str, str]] = set()
        self.ref = 0

    # employers -----------------------------------------------------------------------------
    def _place(self, town: str | None = None) -> tuple[str, str, str]:
        town = town or self.rng.choices(self.towns, self.town_weights)[0]
        index = self.rng.randrange(len(self.postcodes[town]))
        districts = self.districts[town]
        district = districts[index % len(districts)] if districts else ""
        return town, self.postcodes[town][index], district

    def _unique_name(self, pattern: str, sector: str) -> tuple[str, str]:
        for attempt in range(1000):
            legal = self.rng.choice(POSTING_LEGAL_FORMS)
            stem = self.rng.choice(POSTING_NAME_STEMS) + self.rng.choice(
                ["", "", "", " Nord", " Süd", " Ost", " West", " Mitte", " Sachsen", " Plus"]
            )
            if attempt >= 20:  # large sets: compound stems ('Elbtalkranich') give more names
                stem = (
                    self.rng.choice(POSTING_NAME_STEMS)
                    + self.rng.choice(POSTING_NAME_STEMS).lower()
                    + stem
                )
            name = pattern.format(
                stem=stem, word=self.rng.choice(POSTING_SECTOR_WORDS[sector]), legal=""
            ).strip()
            if name not in self.names:
                self.names.add(name)
                return name, legal
        raise RuntimeError("ran out of employer names")

    def employer(self, *, agency: bool, chain: bool = False) -> Employer:
        if agency:
            name, legal = self._unique_name(self.rng.choice(POSTING_AGENCY_PATTERNS), "Logistik")
            sector = "Personal"
            branches = [self._place() for _ in range(self.rng.randint(1, 6))]
        else:
            sector = self.rng.choice(sorted({POSTING_OCCUPATIONS[o][0] for o in self.hand}))
            name, legal = self._unique_name(
                self.rng.choice(["{stem} {word} {legal}", "{word} {stem} {legal}"]), sector
            )
            n = self.rng.randint(8, 40) if chain else 1
            home = self.rng.choices(self.towns, self.town_weights)[0]
            branches = [self._place(home)] + [self._place() for _ in range(n - 1)]
        employer = Employer(name, legal, sector, agency, branches)
        for _, postcode, _ in branches:
            employer.street[postcode] = (
                f"{self.rng.choice(POSTING_STREETS)} {self.rng.randint(1, 120)}"
            )
        return employer

    # openings ------------------------------------------------------------------------------
    def _occupation_for(self, employer: Employer) -> str:
        if self.kldb and self.rng.random() < KLDB_SHARE:
            return self.rng.choice(self.kldb)
        if employer.is_agency:
            return self.rng.choice(self.hand)
        own = [o for o in SECTOR_OCCS.get(employer.sector, []) if o in self.occupations]
        return self.rng.choice(own or self.hand)

    def opening(
        self,
        opening_id: int,
        employer: Employer,
        occupation: str | None = None,
        branch: tuple[str, str, str] | None = None,
        **overrides,
    ) -> Opening | None:
        """A new opening; None if the employer already has this job in that town (an
        ordinary opening never repeats one: that would be the same vacancy)."""
        rng = self.rng
        planted = occupation is not None
        for _ in range(20):
            occupation = occupation if planted else self._occupation_for(employer)
            town, postcode, district = branch or rng.choice(employer.branches)
            if employer.is_agency and branch is None and rng.random() < 0.6:
                town, postcode, district = self._place(town if rng.random() < 0.7 else None)
            if planted or (employer.name, occupation, town) not in self.used:
                break
        else:
            return None
        self.used.add((employer.name, occupation, town))
        employer.street.setdefault(postcode, "Hauptstraße 1")
        _, forms, tasks, reqs, wage = occupation_spec(occupation)
        time = rng.choice(["VZ", "VZ", "VZ", "TZ", "VZTZ", "SCH"])
        values = dict(
            opening_id=opening_id,
            employer=employer,
            occupation=occupation,
            town=town,
            postcode=postcode,
            district=district,
            time=time,
            hours=rng.choice([20, 25, 30]) if time == "TZ" and rng.random() < 0.6 else None,
            start=None if rng.random() < 0.4 else rng.choice(POSTING_START_DATES),
            places=rng.choice([1, 1, 1, 2, 2, 3, 5]),
            client=rng.choice(POSTING_CLIENTS) if employer.is_agency else None,
            form=rng.choice(forms),
            tasks=rng.sample(tasks, min(len(tasks), 2)),
            reqs=rng.sample(reqs, min(len(reqs), 2)),
            wage=round(wage + rng.uniform(-0.8, 1.5), 2),
            posted=dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 90)),
        )
        values.update(overrides)
        return Opening(**values)

    # large sites ---------------------------------------------------------------------------
    def site(self, kind: str) -> tuple[Employer, list[tuple[int, str]]]:
        """A large employer at one address and the (job, department) pairs it can post."""
        spec = SITES[kind]
        name, _ = self._unique_name(self.rng.choice(spec["names"]), "Logistik")
        town, postcode, district = self._place()
        employer = Employer(
            name, self.rng.choice(spec["legal"]), kind, False, [(town, postcode, district)]
        )
        employer.kind = kind
        employer.street[postcode] = f"{self.rng.choice(POSTING_STREETS)} {self.rng.randint(1, 120)}"
        jobs = [(i, d) for i, job in enumerate(spec["jobs"]) for d in job["departments"] or [""]]
        self.rng.shuffle(jobs)
        return employer, jobs

    def site_opening(self, opening_id: int, site: Employer, job: int, department: str) -> Opening:
        """One distinct job of a large site: its department is its only mark in many cases."""
        forms = SITES[site.kind]["jobs"][job]["forms"]
        op = self.opening(opening_id, site, f"site_{site.kind}_{job}", site.branches[0])
        op.forms, op.form, op.department = forms, self.rng.choice(forms), department
        if department:
            op.tasks = [f"Einsatz im Bereich {department}", *op.tasks[:1]]
        return op

    def site_size(self) -> int:
        """Openings of one large site: Pareto(SITE_ALPHA) from SITE_MIN, capped at SITE_MAX."""
        return min(SITE_MAX, int(SITE_MIN * self.rng.paretovariate(SITE_ALPHA)))

    # postings ------------------------------------------------------------------------------
    def title(self, op: Opening, source: str) -> str:
        rng = self.rng
        forms = op.forms or occupation_spec(op.occupation)[1]
        form = op.form if rng.random() < 0.7 else rng.choice(forms)
        marker = rng.choice(POSTING_MARKERS) if rng.random() < 0.75 else ""
        if op.department:  # a site job: the department is always named, the marker moves
            join = rng.choice(DEPARTMENT_JOINS)
            if marker and rng.random() < 0.5:
                form, marker = f"{form} {marker}{join}{op.department}", ""
            else:
                form = f"{form}{join}{op.department}"
        tail = ""
        if rng.random() < 0.3:
            tails = [
                " ab sofort",
                ", unbefristet",
                f" in {self.city_display(op, 'plain')}",
                f" in {op.town}",
            ]
            tails += {
                "VZ": [" - Vollzeit", " – Vollzeit", " in Vollzeit"],
                "TZ": [" in Teilzeit", " - Teilzeit"],
                "VZTZ": [" (Vollzeit/Teilzeit)"],
                "SCH": [" - Schichtarbeit", " im 3-Schicht-System"],
            }[op.time]
            tail = rng.choice(tails)
        if op.hours and (rng.random() < 0.5 or not SOURCE_STYLE[source][0]):
            tail += rng.choice(
                [f" ({op.hours} Std./Woche)", f" - {op.hours} Stunden", f" {op.hours} h/Woche"]
            )
        prefix = rng.choice(POSTING_PREFIXES) if rng.random() < 0.08 else ""
        title = f"{prefix}{form} {marker}".strip() + tail
        if rng.random() < 0.04 and not op.employer.is_agency:
            title = f"{self.employer_display(op.employer)}: {title}"
        return title

    def employer_display(self, employer: Employer) -> str:
        rng = self.rng
        legal = (
            rng.choice(POSTING_LEGAL_VARIANTS[employer.legal])
            if rng.random() < 0.4
            else employer.legal
        )
        if rng.random() < 0.08:
            legal = ""
        name = f"{employer.name} {legal}".strip()
        if rng.random() < 0.04:
            name = name.upper()
        if rng.random() < 0.03:
            name = name.replace(" ", "  ", 1)
        return name

    def city_display(self, op: Opening, style: str) -> str:
        rng = self.rng
        r = rng.random()
        if style == "district" and op.district and r < 0.5:
            return rng.choice([f"{op.town}-{op.district}", f"{op.town} ({op.district})"])
        if style == "mixed":
            if r < 0.1:
                return op.town.upper()
            if r < 0.2 and op.town in POSTING_STATE_SUFFIX:
                return f"{op.town}, {POSTING_STATE_SUFFIX[op.town]}"
            if r < 0.3 and op.district:
                return f"{op.town}-{op.district}"
        return op.town

    def description(self, op: Opening) -> str:
        rng = self.rng
        parts = []
        if op.client:
            dative = op.client.replace("ein ", "einem ").replace("eine ", "einer ")
            accusative = op.client.replace("ein ", "einen ")
            parts.append(
                rng.choice(
                    [
                        f"Einsatz bei {dative} in {op.town}.",
                        f"Unser Kunde ist {op.client} in {op.town}.",
                        f"Für {accusative} in {op.town} suchen wir Verstärkung.",
                    ]
                )
            )
        tasks = rng.sample(op.tasks, len(op.tasks))
        parts.append(
            rng.choice(
                ["Ihre Aufgaben: {}.", "Aufgaben: {}.", "Sie sind zuständig für {}.", "{}."]
            ).format(" und ".join(tasks))
        )
        if rng.random() < 0.8:
            parts.append(
                rng.choice(["Sie bringen mit: {}.", "Voraussetzungen: {}.", "Wichtig: {}."]).format(
                    ", ".join(op.reqs)
                )
            )
        if op.hours:
            parts.append(
                rng.choice(
                    [
                        f"Arbeitszeit: {op.hours} Stunden pro Woche.",
                        f"Teilzeit mit {op.hours} Std./Woche.",
                    ]
                )
            )
        if rng.random() < 0.6:
            wage = f"{op.wage:.2f}".replace(".", ",")
            parts.append(
                rng.choice(
                    [
                        f"Wir bieten {wage} € pro Stunde.",
                        f"Stundenlohn ab {wage} €.",
                        "Wir bieten einen unbefristeten Vertrag und Weiterbildung.",
                    ]
                )
            )
        keep = [p for i, p in enumerate(parts) if i == 0 or rng.random() < 0.85]
        return " ".join(keep)

    def start_display(self, op: Opening, repost: int) -> str:
        rng = self.rng
        if op.start is None:
            return rng.choice(["ab sofort", "sofort", "", "nach Vereinbarung"])
        start = op.start
        if repost and rng.random() < 0.1:  # a later repost moves the start on
            start = start + dt.timedelta(days=rng.choice([14, 31]))
        return rng.choice(
            [start.strftime("%d.%m.%Y"), start.strftime("%d.%m.%Y"), "nach Vereinbarung"]
        )

    def places_display(self, op: Opening, lister: Employer) -> str:
        rng = self.rng
        if rng.random() < 0.2:
            return ""
        if lister is not op.employer and rng.random() < 0.5:  # another agency's own count
            return str(rng.choice([1, 1, 2, 3, 5]))
        if rng.random() < 0.08:  # one place filled meanwhile, or a typo
            return str(max(1, op.places + rng.choice([-1, 1])))
        return str(op.places)

    def posting(self, op: Opening, source: str, lister: Employer, repost: int) -> dict[str, str]:
        rng = self.rng
        has_desc, keep_postcode, style = SOURCE_STYLE[source]
        self.ref += 1
        postcode = op.postcode if rng.random() < keep_postcode else ""
        city = self.city_display(op, style)
        if not postcode and rng.random() < 0.4:
            city = f"{op.postcode} {city}"
        posted = op.posted + dt.timedelta(days=repost * rng.randint(7, 40) + rng.randint(0, 3))
        return {
            "Referenznummer": f"{source[:3].upper()}-{self.ref:08d}",
            "Stellentitel": self.title(op, source),
            "Arbeitgeber": self.employer_display(lister),
            "Straße": lister.street.get(op.postcode, "") if rng.random() < 0.5 else "",
            "PLZ": postcode,
            "Arbeitsort": city,
            "Beschreibung": self.description(op) if rng.random() < has_desc else "",
            "Arbeitszeit": rng.choice(POSTING_TIME_DISPLAY[op.time]) if rng.random() < 0.9 else "",
            "Eintrittsdatum": self.start_display(op, repost),
            "Anzahl Stellen": self.places_display(op, lister),
            "Veröffentlicht am": posted.strftime("%d.%m.%Y"),
        }


def generate(
    n_openings: int, seed: int, occupations: list[str] | None = None
) -> tuple[dict[str, list[dict[str, str]]], list[tuple[str, str, int]]]:
    """Postings per source and the truth (source, source_ref, opening id) for n real openings.

    First about 30% of the openings go to large sites (add_sites: Pareto sizes, one address,
    jobs told apart by department words); the rest are drawn as below.

    About 40% of openings are listed by temp agencies (a few hundred ads each, some openings
    listed by two or three agencies); chains have 8-40 branches. Planted look-alikes (each a
    different opening): the same employer and title in another town or district, the same
    title at another employer in the same place, a related job at the same employer, another
    client of the same agency, and the same job with different weekly hours.
    """
    gen = Generator(seed, occupations or occupation_subset("all"))
    rng = gen.rng
    n_agencies = max(2, n_openings // 250)
    n_direct = max(4, n_openings // 4)
    agencies = [gen.employer(agency=True) for _ in range(n_agencies)]
    direct = [gen.employer(agency=False, chain=rng.random() < 0.05) for _ in range(n_direct)]
    openings: list[Opening] = []

    def add(op: Opening | None) -> Opening | None:
        if op is not None:
            openings.append(op)
        return op

    add_sites(gen, int(n_openings * SITE_SHARE), agencies, add, openings)

    def other_terms(op: Opening) -> dict:
        """A look-alike that differs where a reader could see it: working time and start."""
        time = rng.choice(
            [t for t in ("VZ", "TZ", "SCH") if t != op.time and {t, op.time} != {"VZ", "SCH"}]
        )
        start = rng.choice([d for d in POSTING_START_DATES if d != op.start])
        return {"time": time, "start": start, "hours": None}

    while len(openings) < n_openings:
        oid = len(openings)
        if rng.random() < 0.4:
            op = add(gen.opening(oid, rng.choice(agencies)))
            if (
                op is not None and rng.random() < 0.2
            ):  # the same client job, listed by other agencies
                op.agencies = [
                    a for a in rng.sample(agencies, min(len(agencies), 2)) if a is not op.employer
                ][: rng.randint(1, 2)]
        else:
            op = add(gen.opening(oid, rng.choice(direct)))
        if op is None:
            continue
        r = rng.random()
        oid = len(openings)
        here = (op.town, op.postcode, op.district)
        if r < 0.05 and len(op.employer.branches) > 1:  # same employer and title, another town
            others = [b for b in op.employer.branches if b[0] != op.town]
            if others:
                add(gen.opening(oid, op.employer, op.occupation, rng.choice(others), form=op.form))
        elif r < 0.09:  # same employer and title, same town, another postcode (district)
            codes = [c for c in gen.postcodes[op.town] if c != op.postcode]
            if codes:
                add(
                    gen.opening(
                        oid,
                        op.employer,
                        op.occupation,
                        (op.town, rng.choice(codes), ""),
                        form=op.form,
                    )
                )
        elif r < 0.13:  # same title and place, another employer
            other = rng.choice(agencies if op.employer.is_agency else direct)
            if other is not op.employer and other not in op.agencies:
                extra = other_terms(op) if op.employer.is_agency else {}
                add(gen.opening(oid, other, op.occupation, here, form=op.form, **extra))
        elif r < 0.18:  # a related job at the same employer and place
            related = [b for a, b in POSTING_RELATED if a == op.occupation] + [
                a for a, b in POSTING_RELATED if b == op.occupation
            ]
            related = [o for o in related if o in gen.occupations]
            if related:
                add(gen.opening(oid, op.employer, rng.choice(related), here))
        elif r < 0.21 and op.employer.is_agency:  # same agency and job, another client
            add(
                gen.opening(
                    oid,
                    op.employer,
                    op.occupation,
                    here,
                    form=op.form,
                    client=rng.choice([c for c in POSTING_CLIENTS if c != op.client]),
                    **other_terms(op),
                )
            )
        elif r < 0.24:  # same job, different weekly hours
            add(
                gen.opening(
                    oid, op.employer, op.occupation, here, form=op.form, time="TZ", hours=20
                )
            )
            op.time, op.hours = "TZ", 30

    postings: dict[str, list[dict[str, str]]] = {s: [] for s in SOURCES}
    truth: list[tuple[str, str, int]] = []
    for op in openings[:n_openings]:
        listers = [op.employer] + op.agencies
        n = 1 + min(int(rng.expovariate(0.55)), 7)
        if op.employer.kind:  # large sites: the reposting rate of their kind (README)
            spec = SITES[op.employer.kind]
            n = 1 + min(int(rng.expovariate(spec["reposts"])), spec.get("max_reposts", 7))
        for repost in range(n):
            source = rng.choice(SOURCES)
            row = gen.posting(op, source, listers[repost % len(listers)], repost)
            postings[source].append(row)
            truth.append((source, row["Referenznummer"], op.opening_id))
    return postings, truth


def add_sites(gen: Generator, target: int, agencies: list[Employer], add, openings: list) -> None:
    """Large employers at one address until they hold `target` openings (Pareto sizes)."""
    rng = gen.rng
    kinds = sorted(SITES)
    weights = [SITES[k]["weight"] for k in kinds]
    while len(openings) < target:
        site, jobs = gen.site(rng.choices(kinds, weights)[0])
        size = min(gen.site_size(), SITES[site.kind].get("max_jobs", len(jobs)))
        for job, department in jobs[: min(size, target - len(openings))]:
            op = add(gen.site_opening(len(openings), site, job, department))
            if site.kind != "agency_branch" and rng.random() < 0.05:  # an agency lists it too
                op.agencies = [rng.choice(agencies)]


def write(
    out: Path, postings: dict[str, list[dict[str, str]]], truth: list[tuple[str, str, int]]
) -> None:
    """One CSV per source and labels.csv, under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for source, rows in postings.items():
        if not rows:
            continue
        with (out / f"{source}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
    with (out / "labels.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_ref", "cluster"])
        writer.writerows(truth)


def occupation_subset(which: str) -> list[str]:
    """'all', 'even' or 'odd' occupations (alphabetical), to test on titles never trained on."""
    hand, kldb = sorted(POSTING_OCCUPATIONS), sorted(KLDB)
    if which == "even":
        return hand[::2] + kldb[::2]
    if which == "odd":
        return hand[1::2] + kldb[1::2]
    return hand + kldb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openings", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--occupations", choices=["all", "even", "odd"], default="all")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    postings, truth = generate(args.openings, args.seed, occupation_subset(args.occupations))
    write(args.out, postings, truth)
    print(f"{len(truth)} postings of {args.openings} openings written to {args.out}")


if __name__ == "__main__":
    main()

"""Generate the sample input files in this folder (deterministic, seeded).

    /work/venv/bin/python samples/make_samples.py [--out FOLDER]

Writes, next to this script (or into FOLDER):
  jobmesse_leipzig_2026.xlsx     job-fair list typed into Excel by the organisers
  arbeitgeberservice_2026-11.csv list handed over by the public employer service (cp1252, ';', CRLF)
  firmenliste_hwk_ihk.csv        company list typed up from paper (UTF-8 with BOM, ',')
  ihk_lehrstellen.jsonl          apprenticeship offers exported from a chamber board
  README.md                      what the files imitate, their planted quirks and the ground truth

Standard library + openpyxl, resque's umlaut table for web addresses and the word lists of
samples/vocabulary.py. Everything is drawn by one SampleSet from one random.Random(2026), so a
re-run reproduces the files byte for byte (the XLSX zip timestamps and document dates are pinned
too; tests/test_samples.py regenerates them and compares).
All company names are fictional, all web addresses use "-example.de" domains, and the files hold
no personal data (no contact persons, no e-mail addresses, no phone numbers).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import textwrap
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from resque.matching.normalise import lower_umlauts
from resque.samples.vocabulary import (
    MONTHS_DE,
    SAMPLE_APPRENTICESHIP_PHRASES,
    SAMPLE_APPRENTICESHIPS,
    SAMPLE_BA_ONLY_TEMP_AGENCIES,
    SAMPLE_BERUF_VARIANTS,
    SAMPLE_CLIENTS,
    SAMPLE_EMPLOYERS,
    SAMPLE_FAIR_REMARKS,
    SAMPLE_FIRM_BRANCHE,
    SAMPLE_GENERIC_STREETS,
    SAMPLE_MARKER_WEIGHTS,
    SAMPLE_MARKERS,
    SAMPLE_OCCUPATIONS,
    SAMPLE_PLACES,
    SAMPLE_PRIVATE_AGENCIES,
    SAMPLE_PRIVATE_OCCUPATIONS,
    SAMPLE_PROFILE_OCCUPATIONS,
    SAMPLE_REQUIREMENTS,
    SAMPLE_STREETS,
    SAMPLE_TEMP_AGENCIES,
    SAMPLE_TIME_BA,
    SAMPLE_TIME_FAIR,
    START_DATES,
)

HERE = Path(__file__).resolve().parent
SEED = 2026  # README.md names it: regenerating must give the committed bytes

FAIR_FILE = "jobmesse_leipzig_2026.xlsx"
BA_FILE = "arbeitgeberservice_2026-11.csv"
FIRMS_FILE = "firmenliste_hwk_ihk.csv"
APPR_FILE = "ihk_lehrstellen.jsonl"
FAIR_STAND = dt.date(2026, 11, 12)
PINNED_TIMESTAMP = dt.datetime(2026, 11, 12, 9, 30, 0)


def street_for(plz: str, rng: random.Random) -> str:
    base = rng.choice(SAMPLE_STREETS.get(plz, SAMPLE_GENERIC_STREETS))
    number = str(rng.randint(1, 128))
    if rng.random() < 0.12:
        number += rng.choice("abc")
    return f"{base} {number}"


def town_of(plz: str) -> str:
    return SAMPLE_PLACES[plz][0]


def town_display(plz: str, rng: random.Random, style: str = "fair") -> str:
    """How a town is typed: 'Leipzig', 'Leipzig-Plagwitz', 'Halle/Saale' ..."""
    town, district, _ = SAMPLE_PLACES[plz]
    if town == "Leipzig" and district:
        r = rng.random()
        if style == "fair":
            if r < 0.55:
                return "Leipzig"
            if r < 0.85:
                return f"Leipzig-{district}"
            return f"Leipzig ({district})"
        if style == "text":
            return "Leipzig" if r < 0.6 else f"Leipzig-{district}"
        return "Leipzig" if r < 0.85 else f"Leipzig, {district}"
    if town == "Halle (Saale)":
        return rng.choice(["Halle (Saale)", "Halle (Saale)", "Halle/Saale", "Halle"])
    return town


PLZ_KEYS = list(SAMPLE_PLACES)
PLZ_WEIGHTS = [SAMPLE_PLACES[p][2] for p in PLZ_KEYS]


def pick_plz(rng: random.Random) -> str:
    return rng.choices(PLZ_KEYS, weights=PLZ_WEIGHTS)[0]


EMP = {e[0]: dict(name=e[0], sector=e[1], plz=e[2], occs=e[3], role=e[4]) for e in SAMPLE_EMPLOYERS}

LEGAL_FORM = re.compile(r"\s*(GmbH & Co\. KG|gGmbH|GmbH|UG \(haftungsbeschränkt\)|eG|e\. ?V\.)$")


def slug(name: str) -> str:
    base = LEGAL_FORM.sub("", name)
    base = lower_umlauts(base).replace("&", " ")
    base = re.sub(r"[^a-z0-9]+", "-", base).strip("-")
    return f"{base}-example.de"


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------
def join_de(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    last = " sowie " if any(" und " in i for i in items) else " und "
    return ", ".join(items[:-1]) + last + items[-1]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def money(x: float) -> str:
    """14.5 -> '14,50'; 3400 -> '3.400'."""
    if x >= 1000:
        return f"{int(round(x)):,}".replace(",", ".")
    return f"{x:.2f}".replace(".", ",")


def wage_for(occ: str, rng: random.Random) -> float:
    lo, hi = SAMPLE_OCCUPATIONS[occ]["wage"]
    if SAMPLE_OCCUPATIONS[occ].get("monthly"):
        return round(rng.uniform(lo, hi) / 50) * 50
    return round(rng.uniform(lo, hi) * 10) / 10


GENDERED = re.compile(r"\*|/-|:in|/in|Köchin|frau|Kassiererin|Friseurin|/r ")


def pick_time(occ: str, rng: random.Random) -> str:
    reqs = SAMPLE_OCCUPATIONS[occ]["reqs"]
    if "schicht3" in reqs:
        return rng.choice(["3SCH", "3SCH", "SCH", "VZ"])
    if "schicht" in reqs or "schichtdienst" in reqs:
        return rng.choice(["SCH", "VZ", "VZ", "VZTZ"])
    if occ in (
        "reinigungskraft",
        "kuechenhilfe",
        "housekeeping",
        "kassierer",
        "verkaeufer",
        "servicekraft",
    ):
        return rng.choice(["VZTZ", "TZ", "VZ"])
    return rng.choice(["VZ", "VZ", "VZ", "VZTZ"])


def make_title(
    op: dict,
    rng: random.Random,
    avoid: set[str] | None = None,
    *,
    stem: str | None = None,
    town_tail: bool = True,
    plain: bool = False,
) -> str:
    """One way an ad might word the title of opening `op`."""
    avoid = avoid or set()
    forms = SAMPLE_OCCUPATIONS[op["occ"]]["forms"]
    title = ""
    for _ in range(200):
        s = stem or rng.choice(forms)
        gendered = bool(GENDERED.search(s))
        marker = ""
        if rng.random() < (0.3 if gendered else 0.8):
            marker = rng.choices(SAMPLE_MARKERS, weights=SAMPLE_MARKER_WEIGHTS)[0]
        tail = ""
        if not plain and rng.random() < 0.35:
            tails = [" ab sofort"] if op["start"] is None else []
            if op["time"] in ("VZ", "SCH", "3SCH"):
                tails += [" - Vollzeit", " – Vollzeit"]
            if op["time"] == "VZTZ":
                tails += [" (Vollzeit/Teilzeit)"]
            if op["time"] == "TZ":
                tails += [" in Teilzeit"]
            if op["time"] in ("SCH", "3SCH"):
                tails += [" - Schichtarbeit"]
            if op["time"] == "3SCH":
                tails += [" im 3-Schicht-System"]
            if SAMPLE_OCCUPATIONS[op["occ"]].get("quer"):
                tails += [" – Quereinstieg möglich"]
            tails += [", unbefristet"]
            if town_tail:
                tails += [f" in {town_display(op['plz'], rng)}"] * 2
            tail = rng.choice(tails)
        prefix = ""
        if not plain and rng.random() < 0.07:
            prefix = rng.choice(["Wir suchen: ", "Gesucht: ", "Ab sofort gesucht: "])
            if prefix.startswith("Ab sofort") and op["start"] is not None:
                prefix = "Wir suchen: "
        title = prefix + s + (" " + marker if marker else "") + tail
        if title not in avoid:
            return title
    raise RuntimeError(f"no fresh title for {op['occ']}")


def req_phrase(key: str, occ: str, rng: random.Random) -> str:
    return rng.choice(SAMPLE_REQUIREMENTS[key]).format(aus=SAMPLE_OCCUPATIONS[occ].get("aus", occ))


def offer_phrases(kind: str, op: dict, rng: random.Random) -> list[str]:
    wage = money(op["wage"])
    monthly = SAMPLE_OCCUPATIONS[op["occ"]].get("monthly")
    pay = f"Gehalt ab {wage} € brutto im Monat" if monthly else f"Stundenlohn ab {wage} €"
    if kind == "temp":
        pool = [
            "Bezahlung nach GVP-Tarif zzgl. Branchenzuschlägen",
            pay,
            "Übernahmechance beim Kundenbetrieb",
            "einen unbefristeten Arbeitsvertrag",
            "Fahrtkostenzuschuss",
            "kostenlose Arbeitskleidung",
        ]
    elif kind == "private":
        pool = [
            "eine Festanstellung direkt beim Arbeitgeber",
            "eine für Bewerbende kostenfreie Vermittlung",
            "Unterstützung bei der Anerkennung ausländischer Abschlüsse",
            pay,
        ]
    else:
        pool = [
            "einen unbefristeten Arbeitsvertrag",
            "das Deutschlandticket als Jobticket",
            "30 Tage Urlaub",
            "Bezahlung nach Tarif",
            "Weiterbildungsmöglichkeiten",
            pay,
            "eine strukturierte Einarbeitung",
        ]
    return rng.sample(pool, rng.choice([1, 2, 2]))


# requirement phrases that read wrongly before "erforderlich" ("Freude am Umgang ... erforderlich")
NOT_BEFORE_ERFORDERLICH = (
    "eine ",
    "abgeschlossene",
    "Berufsabschluss",
    "Bereitschaft",
    "Flexibilität",
    "Erfahrung",
    "Freude",
    "Sorgfalt",
    "Zuverl",
    "Kunden",
    "freundliches",
)


def make_desc(op: dict, kind: str, rng: random.Random, *, town_lead: bool = True) -> str:
    """1-3 German sentences on opening `op`, as a `kind` (temp, private, direct) lister writes."""
    occ = op["occ"]
    town = town_display(op["plz"], rng, style="text") if town_lead else "der Region"
    cands: list[tuple[str, str]] = []
    if kind == "temp" and op.get("client"):
        nom, dat = op["client"]
        leads = [
            f"Einsatz bei {dat} in {town}.",
            f"Unser Kunde ist {nom} in {town}.",
            f"Für einen Einsatz bei {dat} in {town} suchen wir Verstärkung.",
            f"Im Kundeneinsatz bei {dat} ({town}).",
        ]
        cands.append(("lead", rng.choice(leads)))
    elif kind == "private" and op.get("client"):
        nom, dat = op["client"]
        leads = [
            f"Wir vermitteln Sie in eine Festanstellung bei {dat} in {town}.",
            f"Für eine direkte Festanstellung bei {dat} in {town} suchen wir Verstärkung.",
        ]
        cands.append(("lead", rng.choice(leads)))
    pool = SAMPLE_OCCUPATIONS[occ]["tasks"]
    tasks = join_de(rng.sample(pool, min(len(pool), rng.choice([1, 2, 2]))))
    sentences = [
        f"Aufgaben: {tasks}.",
        f"Ihre Tätigkeit: {tasks}.",
        f"Sie sind zuständig für {tasks}.",
        f"{cap(tasks)}.",
    ]
    cands.append(("task", rng.choice(sentences)))
    if op["reqs"]:
        items = [req_phrase(k, occ, rng) for k in op["reqs"]]
        templates = [
            "Voraussetzungen: {}.",
            "Sie bringen mit: {}.",
            "Wichtig: {}.",
            "Erforderlich: {}.",
        ]
        if not any(i.startswith(NOT_BEFORE_ERFORDERLICH) for i in items):
            templates.append("{} erforderlich.")
        t = rng.choice(templates)
        text = join_de(items)
        cands.append(("req", t.format(cap(text) if t.startswith("{}") else text)))
    if op.get("quer") and rng.random() < 0.6:
        quer = [
            "Quereinsteiger sind willkommen.",
            "Auch für Quereinsteiger geeignet.",
            "Keine Berufserfahrung erforderlich.",
        ]
        cands.append(("quer", rng.choice(quer)))
    offers = join_de(offer_phrases(kind, op, rng))
    offer = rng.choice(["Wir bieten {}.", "Wir bieten Ihnen {}.", "Außerdem bieten wir {}."])
    cands.append(("offer", offer.format(offers)))
    k = rng.choice([1, 2, 2, 3, 3, 3])
    must = [c for c in cands if c[0] == "req"] if rng.random() < 0.8 else []
    if kind == "temp" and op.get("dup_group") and rng.random() < 0.7:
        must += [c for c in cands if c[0] == "lead"]
    rest = [c for c in cands if c not in must]
    chosen = must + rng.sample(rest, max(0, min(len(rest), k - len(must))))
    chosen = [c for c in cands if c in chosen][:3]
    return " ".join(s for _, s in chosen)


# ---------------------------------------------------------------------------------------------
# Openings ("real jobs") and listings ("how a source shows them")
# ---------------------------------------------------------------------------------------------


def agency_occ(agency: tuple, rng: random.Random) -> str:
    occs: list[str] = []
    for p in agency[2]:
        occs += SAMPLE_PROFILE_OCCUPATIONS[p]
    return rng.choice(occs)


# --- job-fair rows --------------------------------------------------------------------------


def branche_for(row: dict, rng: random.Random) -> str:
    if row["kind"] == "temp":
        label = next(a[1] for a in SAMPLE_TEMP_AGENCIES if a[0] == row["exhibitor"])
        if rng.random() < 0.3 and "(" not in label:
            return f"{label} ({SAMPLE_OCCUPATIONS[row['op']['occ']]['sector']})"
        return label
    if row["kind"] == "private":
        return next(p[1] for p in SAMPLE_PRIVATE_AGENCIES if p[0] == row["exhibitor"])
    return EMP[row["exhibitor"]]["sector"]


def fair_cells(row: dict, rng: random.Random) -> dict:
    op = row["op"]
    # Anzahl
    r = rng.random()
    if r < 0.07:
        anzahl: object = rng.choice(["2-3", "1-2", "3-5"])
    elif r < 0.11 and SAMPLE_OCCUPATIONS[op["occ"]].get("quer"):
        anzahl = "mehrere"
    elif SAMPLE_OCCUPATIONS[op["occ"]].get("quer") and row["kind"] != "private":
        anzahl = rng.choices([1, 2, 3, 4, 5, 10], weights=[40, 20, 12, 6, 8, 5])[0]
    else:
        anzahl = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
    # PLZ: number for most rows (leading zero lost), text for some
    plz_cell: object = int(op["plz"]) if rng.random() < 0.85 else op["plz"]
    # Beginn
    if op["start"] is None:
        beginn: object = rng.choice(
            ["ab sofort", "ab sofort", "ab sofort", "nach Vereinbarung", "sofort"]
        )
    else:
        r = rng.random()
        d = op["start"]
        if r < 0.50:
            beginn = d  # a real Excel date
        elif r < 0.70:
            beginn = d.strftime("%d.%m.%Y")
        elif r < 0.88:
            beginn = f"{MONTHS_DE[d.month - 1]} {d.year}"
        else:
            beginn = "nach Vereinbarung"
    bem = rng.choice(SAMPLE_FAIR_REMARKS) if rng.random() < 0.3 else None
    if op.get("quer") and bem is None and rng.random() < 0.2:
        bem = "Quereinsteiger willkommen"
    return dict(
        anzahl=anzahl,
        plz=plz_cell,
        ort=town_display(op["plz"], rng),
        zeit=rng.choice(SAMPLE_TIME_FAIR[op["time"]]),
        beginn=beginn,
        bem=bem,
        branche=branche_for(row, rng),
    )


def pin_zip(data: bytes) -> bytes:
    """An XLSX with fixed member timestamps and a fixed 'modified' date (byte-stable output)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = PINNED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=PINNED_TIMESTAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, content)
    return out.getvalue()


# --- employer-service list ----------------------------------------------------------------------


def ba_pay(op: dict, kind: str, rng: random.Random) -> str:
    r = rng.random()
    monthly = SAMPLE_OCCUPATIONS[op["occ"]].get("monthly")
    w = op["wage"]
    if r < 0.25:
        return ""
    if r < 0.33:
        return rng.choice(
            [
                "nach Tarif",
                "nach Vereinbarung",
                "Tarifvertrag GVP" if kind == "temp" else "nach Tarif",
            ]
        )
    if monthly:
        hi = w + rng.choice([200, 300, 400, 500])
        return rng.choice(
            [
                f"{money(w)} € brutto / Monat",
                f"{money(w)}–{money(hi)} € / Monat",
                f"ab {money(w)} € monatlich",
            ]
        )
    monthly_eq = round(w * 173 / 50) * 50
    return rng.choice(
        [
            f"{money(w)} € / Std.",
            f"{money(w)} € / Std.",
            f"ab {money(w)} €/Std.",
            f"{money(w)} € pro Stunde",
            f"{money(monthly_eq)} € brutto / Monat",
        ]
    )


BA_HEADER = [
    "Referenznummer",
    "Stellentitel",
    "Arbeitgeber",
    "Straße",
    "PLZ",
    "Arbeitsort",
    "Eintrittsdatum",
    "Arbeitszeit",
    "Anzahl Stellen",
    "Vergütung",
    "Veröffentlicht am",
    "Link",
]


# --- company list ---------------------------------------------------------------------------


def firm_name_variant(name: str, rng: random.Random) -> tuple[str, str]:
    """How the partners typed a company name, and which quirk they introduced ('' if none)."""
    r = rng.random()
    if "GmbH & Co. KG" in name and r < 0.6:
        return name.replace(
            "GmbH & Co. KG", rng.choice(["GmbH & Co KG", "GmbH & Co.KG", "GmbH u. Co. KG"])
        ), "co_kg"
    if r < 0.12:
        return name.upper(), "caps"
    if r < 0.22:
        words = name.split(" ")
        k = rng.randrange(1, len(words))
        return " ".join(words[:k]) + "  " + " ".join(words[k:]), "double_space"
    if r < 0.30:
        return rng.choice([" " + name, name + " ", name + "  "]), "outer_space"
    if r < 0.34 and name.endswith(" GmbH"):
        return name[:-5] + rng.choice([" Gmbh", " GmbH.", " G.m.b.H."]), "gmbh_spelling"
    return name, ""


# --- apprenticeship board -----------------------------------------------------------------------


def write_appr(path: Path, rng: random.Random) -> list[dict]:
    pairs = []
    for e in SAMPLE_EMPLOYERS:
        occs = e[3] or ["kfz"]
        for occ in occs:
            for beruf in SAMPLE_APPRENTICESHIPS.get(occ, ([], None))[0]:
                pairs.append((e[0], occ, beruf))
    # prefer the occupations the partners asked for; keep (betrieb, beruf) unique
    pairs = list(dict.fromkeys(pairs))
    favourites = {
        "Fachkraft für Lagerlogistik",
        "Kaufmann im Einzelhandel",
        "Koch",
        "Elektroniker für Energie- und Gebäudetechnik",
        "Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik",
        "Maler und Lackierer",
        "Friseur",
        "Mechatroniker",
        "Fachinformatiker für Systemintegration",
    }
    fav = [p for p in pairs if p[2] in favourites]
    other = [p for p in pairs if p[2] not in favourites]
    seen_bb = set()
    chosen = []
    for p in rng.sample(fav, len(fav)) + rng.sample(other, len(other)):
        if (p[0], p[2]) in seen_bb:
            continue
        seen_bb.add((p[0], p[2]))
        chosen.append(p)
        if len(chosen) == 60:
            break
    chosen.sort(key=lambda p: (p[2], p[0]))
    out = []
    numbers = rng.sample(range(10000, 99999), len(chosen))
    for (betrieb, occ, beruf), num in zip(chosen, numbers, strict=True):
        e = EMP[betrieb]
        shown = (
            rng.choice(SAMPLE_BERUF_VARIANTS[beruf])
            if beruf in SAMPLE_BERUF_VARIANTS and rng.random() < 0.25
            else beruf
        )
        hsa, rsa, abi = SAMPLE_APPRENTICESHIPS[occ][1]
        abschluss = rng.choices(
            ["Hauptschulabschluss", "Realschulabschluss", "Abitur"], weights=[hsa, rsa, abi]
        )[0]
        schule = {
            "Halle (Saale)": "Halle (Saale)",
            "Borna": "Borna",
            "Grimma": "Grimma",
            "Delitzsch": "Delitzsch",
        }.get(town_of(e["plz"]), "Leipzig")
        sents = [rng.choice(SAMPLE_APPRENTICESHIP_PHRASES["lead"]).format(b=beruf)]
        sents += rng.sample(
            SAMPLE_APPRENTICESHIP_PHRASES["want"] + SAMPLE_APPRENTICESHIP_PHRASES["offer"],
            rng.choice([0, 1, 2]),
        )
        if rng.random() < 0.4:
            sents.append(rng.choice(SAMPLE_APPRENTICESHIP_PHRASES["school"]).format(schule=schule))
        nr = f"LS-2026-{num}"
        beginn = "01.08.2027" if rng.random() < 0.85 else rng.choice(["01.09.2027", "15.08.2027"])
        obj = {
            "angebotsnr": nr,
            "beruf": shown,
            "betrieb": betrieb,
            "plz": e["plz"],
            "ort": town_of(e["plz"]),
            "beginn": beginn,
            "plaetze": rng.choices([1, 2, 3, 4], weights=[55, 28, 12, 5])[0],
            "schulabschluss": abschluss,
            "beschreibung": " ".join(sents[:3]),
            "branche": e["sector"],
            "link": f"https://lehrstellen.ihk-example.de/angebot/{nr}",
        }
        out.append(obj)
    path.write_text(
        "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8"
    )
    return out


# --- README ---------------------------------------------------------------------------------


def reflow(lines: list[str], width: int = 100) -> str:
    """Join each paragraph's prose lines and wrap them again; lists, headings and code stay."""
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            # keep `code spans` on one line
            text = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(" ", "\x00"), " ".join(para))
            wrapped = textwrap.wrap(
                text, width=width, break_on_hyphens=False, break_long_words=False
            )
            out.extend(w.replace("\x00", " ") for w in wrapped)
            para.clear()

    for line in lines:
        if not line or line.startswith(("#", "- ", "    ")):
            flush()
            out.append(line)
        else:
            para.append(line.strip())
    flush()
    return "\n".join(out) + ("\n" if out and out[-1] else "")


# --- self-check (standard library + openpyxl only) ------------------------------------------


class SampleSet:
    """One draw of the sample files from the generator `rng`.

    The records drawn so far live here, not in the module: two SampleSets whose generators
    were seeded alike write the same bytes, whatever ran before them.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.openings: list[dict] = []
        self.used_occ_plz: set[tuple[str, str]] = set()  # (occupation, postcode) already taken
        # exhibitor, kind, op, title, desc, ... (numbers assigned when the list is written)
        self.fair_rows: list[dict] = []
        self.ba_rows: list[dict] = []
        self.used_refs: set[str] = set()
        # one street per employer, drawn before anything else: all its openings share it
        self.streets = {e[0]: street_for(e[2], rng) for e in SAMPLE_EMPLOYERS}

    def write(self, folder: Path) -> None:
        """Draw and write the four sample files and their README into `folder` (made if missing)."""
        folder.mkdir(parents=True, exist_ok=True)
        planted = self.build_fair()
        self.write_fair(folder / FAIR_FILE)
        ba_planted = self.build_ba(planted)
        self.write_ba(folder / BA_FILE)
        firms = self.write_firms(folder / FIRMS_FILE)
        appr = write_appr(folder / APPR_FILE, self.rng)
        self.write_readme(folder / "README.md", planted, ba_planted, firms, appr)

    def new_opening(
        self,
        occ: str,
        plz: str,
        *,
        employer: str | None = None,
        kind: str = "temp",
        register: bool = True,
    ) -> dict:
        rng = self.rng
        if register:
            self.used_occ_plz.add((occ, plz))
        reqs_pool = SAMPLE_OCCUPATIONS[occ]["reqs"]
        reqs = rng.sample(
            reqs_pool, rng.choice([1, 2, 2, 3]) if len(reqs_pool) >= 3 else len(reqs_pool)
        )
        reqs = [r for r in reqs_pool if r in reqs]  # stable order
        client = None
        if kind in ("temp", "private"):
            client = rng.choice(SAMPLE_CLIENTS[SAMPLE_OCCUPATIONS[occ]["sector"]])
        op = dict(
            id=len(self.openings) + 1,
            occ=occ,
            plz=plz,
            time=pick_time(occ, rng),
            reqs=reqs,
            client=client,
            start=None if rng.random() < 0.45 else rng.choice(START_DATES),
            wage=wage_for(occ, rng),
            quer=bool(SAMPLE_OCCUPATIONS[occ].get("quer")) and rng.random() < 0.6,
            employer=employer,
            street=self.streets[employer] if employer else street_for(plz, rng),
            dup_group=False,
            note="",
        )
        self.openings.append(op)
        return op

    def fresh_plz(self, occ: str, avoid_towns: set[str] = frozenset()) -> str:
        rng = self.rng
        for _ in range(500):
            plz = pick_plz(rng)
            if (occ, plz) not in self.used_occ_plz and town_of(plz) not in avoid_towns:
                return plz
        raise RuntimeError(f"no free postcode for {occ}")

    def fair_listing(
        self,
        exhibitor: str,
        kind: str,
        op: dict,
        *,
        title: str | None = None,
        avoid: set[str] | None = None,
        tag: str = "",
    ) -> dict:
        rng = self.rng
        row = dict(
            exhibitor=exhibitor,
            kind=kind,
            op=op,
            tag=tag,
            title=title or make_title(op, rng, avoid),
            desc=make_desc(op, kind, rng),
        )
        self.fair_rows.append(row)
        return row

    def build_fair(self) -> dict:
        rng = self.rng
        planted: dict[str, list] = {
            "dup_groups": [],
            "same_agency_twice": [],
            "hard_neg_towns": [],
            "hard_neg_districts": [],
            "lookalikes": [],
            "near_title_other_job": [],
        }
        temp_names = [a[0] for a in SAMPLE_TEMP_AGENCIES]
        agency_by_name = {a[0]: a for a in SAMPLE_TEMP_AGENCIES}

        # 0a) same employer, same town, near-identical title but a different job
        emp = EMP["Antriebstechnik Leipzig-Plagwitz GmbH"]
        op1 = self.new_opening("elektroniker_bt", emp["plz"], employer=emp["name"], kind="direct")
        op2 = self.new_opening("elektriker", emp["plz"], employer=emp["name"], kind="direct")
        r1 = self.fair_listing(
            emp["name"],
            "direct",
            op1,
            title="Elektroniker für Betriebstechnik (m/w/d)",
            tag="near_title",
        )
        r2 = self.fair_listing(
            emp["name"],
            "direct",
            op2,
            title="Elektroniker für Energie- und Gebäudetechnik (m/w/d)",
            tag="near_title",
        )
        planted["near_title_other_job"].append([r1, r2])

        # 0b) the exhibiting employers' own openings (reserved first so every employer gets rows)
        fair_emps = [e for e in SAMPLE_EMPLOYERS if e[4] == "fair"]
        for e in fair_emps:
            n = rng.randint(2, 4)
            occs = list(e[3])
            rng.shuffle(occs)
            for occ in occs[:n]:
                if (occ, e[2]) in self.used_occ_plz:
                    continue
                op = self.new_opening(occ, e[2], employer=e[0], kind="direct")
                self.fair_listing(e[0], "direct", op)

        # 1) same real opening offered by 2-4 temp agencies (about 15 % of all rows)
        group_sizes = [2, 3, 2, 4, 3, 2, 3, 2, 3, 2, 4, 2, 3]
        group_occs = [
            "lagerhelfer",
            "staplerfahrer",
            "kommissionierer",
            "produktionshelfer",
            "fachkraft_lager",
            "schweisser",
            "berufskraftfahrer",
            "elektroniker_bt",
            "montagehelfer",
            "pflegehelfer",
            "reinigungskraft",
            "maschinenfuehrer",
            "lagerhelfer",
        ]
        for size, occ in zip(group_sizes, group_occs, strict=True):
            plz = self.fresh_plz(occ)
            op = self.new_opening(occ, plz, kind="temp")
            op["dup_group"] = True
            candidates = [
                a
                for a in temp_names
                if occ in sum((SAMPLE_PROFILE_OCCUPATIONS[p] for p in agency_by_name[a][2]), [])
            ]
            agencies = rng.sample(candidates, size)
            titles: set[str] = set()
            rows = []
            for ag in agencies:
                r = self.fair_listing(ag, "temp", op, avoid=titles, tag="dup_group")
                titles.add(r["title"])
                rows.append(r)
            planted["dup_groups"].append(rows)

        # 2) same agency lists the same job twice with a slightly different title
        for _ in range(4):
            ag = agency_by_name[rng.choice(temp_names)]
            occ = agency_occ(ag, rng)
            plz = self.fresh_plz(occ)
            op = self.new_opening(occ, plz, kind="temp")
            stem = rng.choice(SAMPLE_OCCUPATIONS[occ]["forms"])
            r1 = self.fair_listing(
                ag[0], "temp", op, title=make_title(op, rng, stem=stem), tag="same_agency_twice"
            )
            r2 = self.fair_listing(
                ag[0],
                "temp",
                op,
                title=make_title(op, rng, {r1["title"]}, stem=stem),
                tag="same_agency_twice",
            )
            planted["same_agency_twice"].append([r1, r2])

        # 3) hard negatives: same agency, same title, two different towns (distinct openings)
        for _ in range(4):
            ag = agency_by_name[rng.choice(temp_names)]
            occ = agency_occ(ag, rng)
            plz1 = self.fresh_plz(occ)
            plz2 = self.fresh_plz(occ, avoid_towns={town_of(plz1)})
            op1 = self.new_opening(occ, plz1, kind="temp")
            op2 = self.new_opening(occ, plz2, kind="temp")
            title = make_title(op1, rng, town_tail=False, plain=True)
            r1 = self.fair_listing(ag[0], "temp", op1, title=title, tag="hard_neg_towns")
            r2 = self.fair_listing(ag[0], "temp", op2, title=title, tag="hard_neg_towns")
            planted["hard_neg_towns"].append([r1, r2])
        # ... and one pair in two different Leipzig districts (same town name, different PLZ)
        ag = agency_by_name["Personalservice Mitte GmbH"]
        occ = "kommissionierer"
        leipzig = [
            p for p in PLZ_KEYS if town_of(p) == "Leipzig" and (occ, p) not in self.used_occ_plz
        ]
        plz1, plz2 = rng.sample(leipzig, 2)
        op1 = self.new_opening(occ, plz1, kind="temp")
        op2 = self.new_opening(occ, plz2, kind="temp")
        title = make_title(op1, rng, town_tail=False, plain=True)
        r1 = self.fair_listing(ag[0], "temp", op1, title=title, tag="hard_neg_districts")
        r2 = self.fair_listing(ag[0], "temp", op2, title=title, tag="hard_neg_districts")
        planted["hard_neg_districts"].append([r1, r2])

        # 4) look-alikes: two agencies, same occupation, same postcode, but different clients /
        #    working time -> distinct openings
        for occ in ["lagerhelfer", "produktionshelfer", "kuechenhilfe"]:
            plz = self.fresh_plz(occ)
            ag1, ag2 = rng.sample(
                [
                    a
                    for a in temp_names
                    if occ in sum((SAMPLE_PROFILE_OCCUPATIONS[p] for p in agency_by_name[a][2]), [])
                ],
                2,
            )
            op1 = self.new_opening(occ, plz, kind="temp")
            op2 = self.new_opening(occ, plz, kind="temp")
            others = [
                c for c in SAMPLE_CLIENTS[SAMPLE_OCCUPATIONS[occ]["sector"]] if c != op1["client"]
            ]
            op2["client"] = rng.choice(others)
            op2["time"] = "TZ" if op1["time"] != "TZ" else "3SCH"
            op2["start"] = (
                dt.date(2027, 3, 1) if op1["start"] != dt.date(2027, 3, 1) else dt.date(2027, 1, 1)
            )
            r1 = self.fair_listing(ag1, "temp", op1, tag="lookalike")
            r2 = self.fair_listing(ag2, "temp", op2, tag="lookalike")
            planted["lookalikes"].append([r1, r2])

        # 6) ordinary rows
        for name, _ in SAMPLE_PRIVATE_AGENCIES:
            for _ in range(rng.randint(2, 4)):
                occ = rng.choice(SAMPLE_PRIVATE_OCCUPATIONS)
                op = self.new_opening(occ, self.fresh_plz(occ), kind="private")
                self.fair_listing(name, "private", op)
        target = 240
        counts = {a: sum(1 for r in self.fair_rows if r["exhibitor"] == a) for a in temp_names}
        while len(self.fair_rows) < target:
            # every agency gets at least 2 rows, then the busier ones get more
            lacking = [a for a in temp_names if counts[a] < 2]
            ag_name = (
                lacking[0]
                if lacking
                else rng.choices(
                    temp_names, weights=[3 if i % 3 == 0 else 1 for i in range(len(temp_names))]
                )[0]
            )
            ag = agency_by_name[ag_name]
            occ = agency_occ(ag, rng)
            op = self.new_opening(occ, self.fresh_plz(occ), kind="temp")
            self.fair_listing(ag_name, "temp", op)
            counts[ag_name] += 1
        return planted

    def write_fair(self, path: Path) -> None:
        rng = self.rng
        # exhibitors in alphabetical order, as the organisers sorted the list; rows of one exhibitor
        # in the order they were handed in
        order = sorted({r["exhibitor"] for r in self.fair_rows}, key=lambda s: s.casefold())
        rows = []
        for ex in order:
            mine = [r for r in self.fair_rows if r["exhibitor"] == ex]
            rng.shuffle(mine)
            rows += mine
        wb = Workbook()
        ws = wb.active
        ws.title = "Stellenangebote"
        ws["A1"] = "Jobmesse Leipzig – Stellenangebote der Aussteller (Stand 12.11.2026)"
        ws["A1"].font = Font(bold=True, size=13)
        header = [
            "Lfd. Nr.",
            "Aussteller",
            "Branche",
            "Stellenbezeichnung",
            "Anzahl",
            "PLZ",
            "Arbeitsort",
            "Arbeitszeit",
            "Beginn",
            "Beschreibung",
            "Bemerkung",
        ]
        for c, h in enumerate(header, start=1):
            cell = ws.cell(row=3, column=c, value=h)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center")
        for i, row in enumerate(rows, start=1):
            row["nr"] = i
            cells = fair_cells(row, rng)
            row["cells"] = cells
            values = [
                i,
                row["exhibitor"],
                cells["branche"],
                row["title"],
                cells["anzahl"],
                cells["plz"],
                cells["ort"],
                cells["zeit"],
                cells["beginn"],
                row["desc"],
                cells["bem"],
            ]
            for c, v in enumerate(values, start=1):
                cell = ws.cell(row=3 + i, column=c, value=v)
                if isinstance(v, dt.date):
                    cell.number_format = "DD.MM.YYYY"
                if c == 10:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [8, 42, 26, 46, 8, 8, 22, 16, 16, 90, 36]
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=3, column=c).column_letter].width = w
        ws.freeze_panes = "A4"
        wb.properties.creator = "Jobmesse Leipzig – Organisationsteam"
        wb.properties.created = PINNED_TIMESTAMP
        buf = io.BytesIO()
        wb.save(buf)
        path.write_bytes(pin_zip(buf.getvalue()))

    def ba_ref(self) -> str:
        rng = self.rng
        while True:
            office = rng.choice(["10000", "10001", "10001", "12265"])
            ref = f"{office}-{rng.randint(1000000000, 1199999999)}-S"
            if ref not in self.used_refs:
                self.used_refs.add(ref)
                return ref

    def ba_row(
        self,
        op: dict,
        employer: str,
        kind: str,
        *,
        avoid_titles: set[str] = frozenset(),
        cross_of: dict | None = None,
    ) -> dict:
        rng = self.rng
        published = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 87))
        if op["start"] is not None:
            start = max(op["start"], published)
        else:
            start = (
                max(published + dt.timedelta(days=rng.choice([0, 3, 7, 14])), dt.date(2026, 11, 16))
                if rng.random() < 0.5
                else published
            )
        town = town_of(op["plz"])
        ort = (
            town_display(op["plz"], rng, style="ba")
            if town in ("Leipzig", "Halle (Saale)")
            else town
        )
        if town == "Halle (Saale)":
            ort = "Halle (Saale)"
        row = dict(
            ref=self.ba_ref(),
            title=make_title(op, rng, set(avoid_titles)),
            employer=employer,
            street=op["street"],
            plz=op["plz"],
            ort=ort,
            start=start.strftime("%d.%m.%Y"),
            zeit=rng.choice(SAMPLE_TIME_BA[op["time"]]),
            anzahl=rng.choices([1, 2, 3, 5], weights=[70, 18, 8, 4])[0],
            pay=ba_pay(op, kind, rng),
            published=published,
            op=op,
            kind=kind,
            cross_of=cross_of,
            bad="",
        )
        self.ba_rows.append(row)
        return row

    def build_ba(self, planted: dict) -> dict:
        rng = self.rng
        ba_planted: dict[str, object] = {}
        # 1) 30 cross-source duplicates of fair openings: same employer, job and town, other title
        by_kind = {
            k: [r for r in self.fair_rows if r["kind"] == k] for k in ("temp", "private", "direct")
        }
        dup_group_rows = [g[rng.randrange(len(g))] for g in planted["dup_groups"]]
        chosen: list[dict] = []
        chosen += rng.sample(dup_group_rows, 4)
        chosen.append(planted["hard_neg_towns"][0][rng.randrange(2)])
        chosen.append(planted["same_agency_twice"][0][0])
        plain_temp = [r for r in by_kind["temp"] if r["tag"] == ""]
        chosen += rng.sample(plain_temp, 13)
        chosen += rng.sample([r for r in by_kind["private"]], 3)
        direct = [r for r in by_kind["direct"] if r["tag"] == ""]
        chosen += rng.sample(direct, 30 - len(chosen))
        seen_ops = set()
        for fr in chosen:
            assert fr["op"]["id"] not in seen_ops
            seen_ops.add(fr["op"]["id"])
            fair_titles = {r["title"] for r in self.fair_rows if r["op"] is fr["op"]}
            self.ba_row(
                fr["op"], fr["exhibitor"], fr["kind"], avoid_titles=fair_titles, cross_of=fr
            )

        # 2) openings only in this list
        ba_emps = [e for e in SAMPLE_EMPLOYERS if e[4] == "ba"]
        fair_emps = [e for e in SAMPLE_EMPLOYERS if e[4] == "fair"]
        for e in ba_emps:
            occs = list(e[3])
            rng.shuffle(occs)
            for occ in occs[: rng.randint(1, 3)]:
                if (occ, e[2]) in self.used_occ_plz:
                    continue
                op = self.new_opening(occ, e[2], employer=e[0], kind="direct")
                self.ba_row(op, e[0], "direct")
        for e in rng.sample(fair_emps, 6):
            for occ in e[3]:
                if (occ, e[2]) not in self.used_occ_plz:
                    op = self.new_opening(occ, e[2], employer=e[0], kind="direct")
                    self.ba_row(op, e[0], "direct")
                    break
        for name, _ in rng.sample(SAMPLE_PRIVATE_AGENCIES, 4):
            occ = rng.choice(SAMPLE_PRIVATE_OCCUPATIONS)
            op = self.new_opening(occ, self.fresh_plz(occ), kind="private")
            self.ba_row(op, name, "private")
        agencies = SAMPLE_TEMP_AGENCIES + SAMPLE_BA_ONLY_TEMP_AGENCIES
        # the garbled-PLZ row needs an opening in 04109
        occ = next(
            o
            for o in ["buerokaufmann", "kassierer", "verkaeufer", "servicekraft", "reinigungskraft"]
            if (o, "04109") not in self.used_occ_plz
        )
        op = self.new_opening(occ, "04109", kind="temp")
        garbled = self.ba_row(op, "PersoPlus Leipzig GmbH", "temp")
        garbled["plz"] = "041O9"
        garbled["bad"] = "garbled_plz"
        ba_planted["garbled"] = garbled
        while len(self.ba_rows) < 119:
            ag = rng.choice(agencies)
            occ = agency_occ(ag, rng)
            op = self.new_opening(occ, self.fresh_plz(occ), kind="temp")
            self.ba_row(op, ag[0], "temp")
        # 3) a row with an empty title (not one of the cross-source duplicates)
        candidates = [r for r in self.ba_rows if r["cross_of"] is None and not r["bad"]]
        empty = rng.choice(candidates)
        empty["title"] = ""
        empty["bad"] = "empty_title"
        ba_planted["empty"] = empty
        # order as the export came: newest first
        self.ba_rows.sort(key=lambda r: (r["published"], r["ref"]), reverse=True)
        # 4) an exact duplicate row (export paging overlap): row 58 appears again as row 61
        src = next(r for r in self.ba_rows[56:] if r["cross_of"] is None and not r["bad"])
        dup = dict(src)
        dup["bad"] = "exact_duplicate"
        self.ba_rows.insert(self.ba_rows.index(src) + 3, dup)
        ba_planted["duplicate"] = (src, dup)
        return ba_planted

    def write_ba(self, path: Path) -> None:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        w.writerow(BA_HEADER)
        for i, r in enumerate(self.ba_rows, start=2):
            r["line"] = i
            w.writerow(
                [
                    r["ref"],
                    r["title"],
                    r["employer"],
                    r["street"],
                    r["plz"],
                    r["ort"],
                    r["start"],
                    r["zeit"],
                    r["anzahl"],
                    r["pay"],
                    r["published"].strftime("%d.%m.%Y"),
                    f"https://www.arbeitsagentur.de/jobsuche/jobdetail/{r['ref']}",
                ]
            )
        path.write_bytes(
            buf.getvalue().encode("cp1252")
        )  # strict: fails loudly on an unencodable char

    def write_firms(self, path: Path) -> list[dict]:
        rng = self.rng
        rows = []
        for e in SAMPLE_EMPLOYERS:
            name, quirk = firm_name_variant(e[0], rng)
            branche = rng.choice(SAMPLE_FIRM_BRANCHE.get(e[1], [e[1]]))
            plz = e[2]
            plz_cell = plz
            if rng.random() < 0.08:
                plz_cell = plz.lstrip("0")
                quirk = (quirk + "+plz_no_zero").lstrip("+")
            street = self.streets[e[0]]
            if "Straße" in street and rng.random() < 0.25:
                street = street.replace("Straße", "Str.").replace("straße", "str.")
            ort = (
                town_display(plz, rng, style="fair")
                if town_of(plz) in ("Leipzig", "Halle (Saale)")
                else town_of(plz)
            )
            dom = slug(e[0])
            url = rng.choices(
                [f"https://www.{dom}", f"www.{dom}", dom, f"http://www.{dom}/", ""],
                weights=[35, 35, 10, 10, 10],
            )[0]
            rows.append(
                dict(cells=[name, branche, street, plz_cell, ort, url], quirk=quirk, name=e[0])
            )
        # a branch office typed as its own line, with a comma inside the name (quoted field)
        rows.append(
            dict(
                cells=[
                    "Haustechnik Wurzen GmbH, Niederlassung Eilenburg",
                    "Handwerk SHK",
                    street_for("04838", rng),
                    "04838",
                    "Eilenburg",
                    f"www.{slug('Haustechnik Wurzen GmbH')}",
                ],
                quirk="branch_with_comma",
                name="Haustechnik Wurzen GmbH",
            )
        )
        rng.shuffle(rows)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["Firma", "Branche", "Straße", "PLZ", "Ort", "Internet"])
        for i, r in enumerate(rows, start=2):
            r["line"] = i
            w.writerow(r["cells"])
        path.write_bytes(buf.getvalue().encode("utf-8-sig"))
        return rows

    def write_readme(
        self, path: Path, planted: dict, ba_planted: dict, firms: list[dict], appr: list[dict]
    ) -> None:
        def nrs(rows):
            return " / ".join(f"#{n}" for n in sorted(r["nr"] for r in rows))

        n_fair = len(self.fair_rows)
        n_dup_rows = sum(len(g) for g in planted["dup_groups"])
        cross = [
            r for r in self.ba_rows if r["cross_of"] is not None and r["bad"] != "exact_duplicate"
        ]
        garbled, empty, (dsrc, ddup) = (
            ba_planted["garbled"],
            ba_planted["empty"],
            ba_planted["duplicate"],
        )
        fair_dir = len({r["exhibitor"] for r in self.fair_rows if r["kind"] == "direct"})
        fair_tmp = len({r["exhibitor"] for r in self.fair_rows if r["kind"] == "temp"})
        fair_prv = len({r["exhibitor"] for r in self.fair_rows if r["kind"] == "private"})
        firm_quirks = [r for r in firms if r["quirk"]]
        lines = [
            "# Sample inputs",
            "",
            "Small, realistic, entirely made-up input files for `resque run` on a fresh machine. "
            "The region is",
            "Leipzig and surroundings; towns and postcodes are real, every company name is "
            "fictional (any",
            "resemblance to a real firm is coincidental), web addresses use `…-example.de` "
            "domains, and there is",
            "no personal data at all (no contact persons, e-mail addresses or phone numbers).",
            "",
            "Regenerate (deterministic, `random.Random(2026)`, standard library + openpyxl; "
            "byte-identical on re-run):",
            "",
            "    /work/venv/bin/python samples/make_samples.py",
            "",
            "Do not edit the files by hand; change the generator and re-run it (this README is "
            "generated too).",
            "",
            f"**`{FAIR_FILE}`** – the openings list of a job fair, typed into Excel by the "
            "organisers. Sheet",
            f"`Stellenangebote`: title in row 1, row 2 empty, header in row 3, {n_fair} openings "
            "from row 4",
            f"({fair_tmp} temp agencies, {fair_prv} private placement agencies, {fair_dir} direct "
            "employers), sorted by",
            "exhibitor. Quirks: PLZ is an Excel number for most rows (04109 shows as 4109) and "
            "text for some;",
            "`Beginn` is a real Excel date in some rows and text (`ab sofort`, `01.03.2027`, "
            "`März 2027`,",
            "`nach Vereinbarung`) in others; `Anzahl` is mostly a number, sometimes `2-3` or "
            "`mehrere`; `Arbeitszeit`",
            "mixes `Vollzeit`, `VZ`, `Schicht`, `3-Schicht` …; titles vary in gender markers, "
            "gendered forms, tails and",
            f"prefixes. Planted for the merge stage: {len(planted['dup_groups'])} real openings "
            "offered by 2–4 temp",
            f"agencies each with reworded titles and descriptions ({n_dup_rows} rows, "
            f"{100 * n_dup_rows / n_fair:.0f} %),",
            f"{len(planted['same_agency_twice'])} openings listed twice by the same agency with a "
            "slightly different",
            "title, and hard negatives (same agency and identical title in two towns / two "
            "Leipzig districts;",
            "two agencies with the same occupation and postcode but different clients; one "
            "employer with two",
            "near-identical Elektroniker titles for different jobs).",
            "",
            f"**`{BA_FILE}`** – the list of openings the public employer service hands over: "
            "`;`-separated,",
            "Windows-1252 (cp1252) encoded, CRLF line endings, header",
            f"`{';'.join(BA_HEADER)}`. {len(self.ba_rows)} data rows, newest first, BA-style",
            "reference numbers, dates as `01.12.2026`, `Vergütung` with `€` (so reading it as "
            "UTF-8 fails or",
            f"garbles). {len(cross)} rows are the same real openings as rows of the job-fair list "
            "(same employer, job",
            "and town, title worded differently) – cross-source duplicates. Three bad rows, as a "
            "real export has",
            f"them: line {empty['line']} has an empty `Stellentitel` ({empty['ref']}), line "
            f"{garbled['line']} has the garbled PLZ",
            f"`041O9` (letter O; {garbled['ref']}), and line {ddup['line']} is an exact copy of "
            f"line {dsrc['line']}",
            f"({dsrc['ref']}). Line numbers count the header as line 1.",
            "",
            f"**`{FIRMS_FILE}`** – a company list the partners (HWK/IHK) typed up from paper: "
            "UTF-8 with BOM,",
            f"comma-separated, header `Firma,Branche,Straße,PLZ,Ort,Internet`, {len(firms)} rows. "
            "It holds every",
            "direct employer that appears in the two vacancy files plus others (e.g. the "
            "apprenticeship",
            f"companies). Names or postcodes are typed inconsistently in {len(firm_quirks)} rows: "
            "extra or double spaces, `GmbH & Co KG` /",
            "`GmbH & Co.KG` / `GmbH u. Co. KG` for `GmbH & Co. KG`, names in CAPITALS, "
            "`Gmbh`/`G.m.b.H.`, PLZ",
            "without the leading zero, `Str.` for `Straße`, and `Internet` with or without "
            "scheme (`www.…`,",
            "bare domain, `http://…/`) or empty. One branch office is a separate row whose name "
            "contains a comma",
            "(quoted field).",
            "",
            f"**`{APPR_FILE}`** – apprenticeship offers exported as JSON Lines from a chamber "
            "board, UTF-8, one",
            f"object per line ({len(appr)} lines) with the keys `angebotsnr`, `beruf`, `betrieb`, "
            "`plz` (string),",
            "`ort`, `beginn` (`01.08.2027` mostly), `plaetze` (int), `schulabschluss`, "
            "`beschreibung`, `branche`,",
            "`link`. `beruf` is the official Ausbildungsberuf name, in about a quarter of the "
            "lines written",
            "differently (`Kaufmann/-frau im Einzelhandel`, `Koch/Köchin`, `(m/w/d)`). All "
            "companies are in the",
            "company list; no planted bad lines.",
            "",
            "## Ground truth (for tests of the merge and matching stages)",
            "",
            "Job fair rows are given by `Lfd. Nr.`; employer-service rows by `Referenznummer` "
            "(and CSV line).",
            "",
            "Same real opening, several temp agencies at the fair (+ employer-service row where "
            "there is one):",
            "",
        ]
        cross_by_op = {r["op"]["id"]: r for r in cross}
        for g in planted["dup_groups"]:
            extra = (
                f" = {cross_by_op[g[0]['op']['id']]['ref']}"
                if g[0]["op"]["id"] in cross_by_op
                else ""
            )
            lines.append(
                f"- {SAMPLE_OCCUPATIONS[g[0]['op']['occ']]['forms'][0]}, {g[0]['op']['plz']} "
                f"{town_of(g[0]['op']['plz'])}: "
                f"{nrs(g)}{extra}"
            )
        lines += ["", "Same agency, same opening listed twice:", ""]
        for g in planted["same_agency_twice"]:
            extra = (
                f" = {cross_by_op[g[0]['op']['id']]['ref']}"
                if g[0]["op"]["id"] in cross_by_op
                else ""
            )
            lines.append(f"- {g[0]['exhibitor']}: {nrs(g)}{extra}")
        lines += [
            "",
            "Hard negatives – look alike, but are different openings (must NOT be merged):",
            "",
        ]
        for g in planted["hard_neg_towns"] + planted["hard_neg_districts"]:
            lines.append(
                f'- same agency and title "{g[0]["title"]}", {g[0]["op"]["plz"]} vs '
                f"{g[1]['op']['plz']}: {nrs(g)}"
            )
        for g in planted["lookalikes"]:
            lines.append(
                f"- two agencies, same occupation and PLZ {g[0]['op']['plz']}, different client "
                f"and working time: {nrs(g)}"
            )
        for g in planted["near_title_other_job"]:
            lines.append(
                f"- {g[0]['exhibitor']}, Betriebstechnik vs Energie- und Gebäudetechnik: {nrs(g)}"
            )
        lines += [
            "",
            f"Cross-source duplicates ({len(cross)}; employer-service row = job-fair row):",
            "",
        ]
        for r in sorted(cross, key=lambda r: r["cross_of"]["nr"]):
            lines.append(
                f"- {r['ref']} (line {r['line']}) = #{r['cross_of']['nr']} ({r['employer']})"
            )
        lines += [
            "",
            "Every other row is a distinct opening: apart from the records listed above, no two "
            "vacancy",
            "records share the generator's occupation class and postcode.",
            "",
        ]
        path.write_text(reflow(lines), encoding="utf-8")

    def self_check(self, folder: Path) -> None:
        from openpyxl import load_workbook

        wb = load_workbook(folder / FAIR_FILE)
        ws = wb["Stellenangebote"]
        data = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
        with open(folder / BA_FILE, encoding="cp1252", newline="") as f:
            ba = list(csv.reader(f, delimiter=";"))
        with open(folder / FIRMS_FILE, encoding="utf-8-sig", newline="") as f:
            firms = list(csv.reader(f))
        appr = [
            json.loads(line)
            for line in (folder / APPR_FILE).read_text(encoding="utf-8").splitlines()
        ]
        assert len(data) == len(self.fair_rows)
        assert len(ba) - 1 == len(self.ba_rows) and all(len(r) == 12 for r in ba)
        assert all(len(r) == 6 for r in firms)
        print(
            f"{FAIR_FILE}: {len(data)} rows, {len({r[1] for r in data})} exhibitors, "
            f"{(folder / FAIR_FILE).stat().st_size // 1024} KB"
        )
        print(f"{BA_FILE}: {len(ba) - 1} rows, {(folder / BA_FILE).stat().st_size // 1024} KB")
        print(
            f"{FIRMS_FILE}: {len(firms) - 1} rows, {(folder / FIRMS_FILE).stat().st_size // 1024} "
            "KB"
        )
        print(f"{APPR_FILE}: {len(appr)} lines, {(folder / APPR_FILE).stat().st_size // 1024} KB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="folder to write to (default: this one)"
    )
    folder = parser.parse_args(argv).out
    samples = SampleSet(random.Random(SEED))
    samples.write(folder)
    samples.self_check(folder)


if __name__ == "__main__":
    main()

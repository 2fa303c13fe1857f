"""A labelled matching set whose occupations are real Jobsuche labels, half of them hidden.

    python benchmarks/real_match_set.py SRC [SRC ...] [--out benchmarks/data/real_match]
        [--seed 14] [--participants 300] [--strip 0.5] [--min-postings 3] [--no-descriptions]

SRC are files or folders (*.json, *.csv) of real Bundesagentur für Arbeit postings that carry
the employment service's occupation label: v4 `jobdetails` answers (`hauptberuf`), lists of
them, v6 search pages (`ergebnisliste`, `hauptberuf`/`alleBerufe`), v4 search pages
(`stellenangebote`, `beruf`), or CSV dumps of such records (one record a row, nested fields
written as Python or JSON literals). They are third-party data without a licence and never
committed: tests/data/matching/README.md ("Real-label set") names the download.

Writes to --out (git-ignored benchmarks/data/):
- vacancies.csv: one row per posting with a German postcode of the centroid table (the real
  title, employer, postcode, town and cleaned description) and a `Beruf` column holding the
  real label for a random half (`--strip`) of the postings and nothing for the other half.
- participants.csv: pseudonymous participants (RM-001 ...) wishing an occupation of the set,
  written as a participant writes it, living at a real postcode within their radius
  (25-100 km) of at least one posting of that occupation. No languages column.
- labels.csv: as tests/data/matching/labels.csv. relevance 3 when the posting's real label is
  the wished occupation and its postcode centroid lies within the radius, else 0 with the
  reason; pairs of other occupations are not listed (they count as 0).
- SUMMARY.txt: counts of what was read, dropped and written.

Every draw comes from one random.Random(--seed): the same inputs and seed give the same files.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resque.matching.privacy import scrub_personal_data  # noqa: E402
from resque.spiders.base import squish  # noqa: E402

OUT = ROOT / "benchmarks" / "data" / "real_match"
CENTROIDS = ROOT / "warehouse" / "data" / "postcode_centroids.csv"
SOURCE = "real_match"
# The radii partners' lists use (km); the issue's set drew from 25-100 km.
RADII = (25, 30, 40, 50, 75, 100)
EARTH_KM = 6371.0088  # the mean radius the ranker and make_eval_set.km use
# a contact section: everything from here on names people or says how to reach them
_CONTACT = re.compile(
    r"(Ansprechpart|Ansprechperson|Kontakt|Ihr Kontakt|Dein Kontakt|Fragen|Bewerbung an)",
    re.IGNORECASE,
)
VACANCY_COLUMNS = ["Referenznummer", "Stellentitel", "Arbeitgeber", "PLZ", "Arbeitsort"]
LABEL_COLUMNS = [
    "participant_id",
    "source",
    "source_ref",
    "relevance",
    "occupation_grade",
    "broken_constraint",
]


# ---------------------------------------------------------------- reading the sources


def _literal(value):
    """A nested field of a CSV dump: JSON or a Python literal ('[{'adresse': ...}]')."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text or text[0] not in "[{":
        return value
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(text)
        except (ValueError, SyntaxError):
            continue
    return None


def _records_of(data) -> list[dict]:
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    if isinstance(data, dict):
        for key in ("ergebnisliste", "stellenangebote"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return []


def _read_csv(path: Path) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: _literal(v) for k, v in row.items() if k} for row in csv.DictReader(handle)]


def read_records(paths: list[Path]) -> list[dict]:
    """Raw BA records of the given files or folders, the first one of each reference number.

    Files are read in sorted order, so that 'first' is deterministic.
    """
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".json", ".csv"))
        else:
            files.append(path)
    seen: dict[str, dict] = {}
    for path in files:
        if path.suffix == ".csv":
            records = _read_csv(path)
        else:
            records = _records_of(json.loads(path.read_text(encoding="utf-8")))
        for record in records:
            ref = str(record.get("referenznummer") or record.get("refnr") or "").strip()
            if ref and ref not in seen:
                seen[ref] = record
    return list(seen.values())


def label_of(record: dict) -> str:
    """The employment service's occupation: v4/v6 `hauptberuf`, v4 search `beruf`, else the
    first of v6 `alleBerufe`."""
    for key in ("hauptberuf", "beruf"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    every = record.get("alleBerufe")
    if isinstance(every, list) and every and isinstance(every[0], str):
        return " ".join(every[0].split())
    return ""


def place_of(record: dict) -> tuple[str, str]:
    """(postcode, town) of the record's first place: v4/v6 `stellenlokationen[].adresse`,
    v4 search `arbeitsort`, v4 details `arbeitsorte[]`."""
    candidates = []
    for item in record.get("stellenlokationen") or []:
        if isinstance(item, dict):
            candidates.append(item.get("adresse") or {})
    for key in ("arbeitsort", "arbeitsorte"):
        value = record.get(key)
        candidates += value if isinstance(value, list) else [value]
    for address in candidates:
        if isinstance(address, dict) and address.get("plz"):
            town = (address.get("ort") or "").split(",")[0]
            return str(address["plz"]).strip(), " ".join(town.split())
    return "", ""


def clean_description(text, keep: bool) -> str:
    """Contact data scrubbed, cut at the first contact heading and at 1,200 characters (as
    real_dedup_set.py does): no name, e-mail or phone number enters the set."""
    if not keep or not isinstance(text, str) or not text:
        return ""
    text = squish(text.replace("\\n", "\n")) or ""
    cut = _CONTACT.search(text)
    if cut:
        text = text[: cut.start()]
    return scrub_personal_data(text[:1200]).strip()


def posting_of(record: dict, keep_descriptions: bool) -> dict:
    postcode, town = place_of(record)
    title = record.get("stellenangebotsTitel") or record.get("titel") or ""
    employer = record.get("firma") or record.get("arbeitgeber") or ""
    text = record.get("stellenangebotsBeschreibung") or record.get("stellenbeschreibung")
    return {
        "ref": str(record.get("referenznummer") or record.get("refnr")).strip(),
        "title": " ".join(str(title).split()),
        "employer": " ".join(str(employer).split()) if isinstance(employer, str) else "",
        "postcode": postcode,
        "town": town,
        "description": clean_description(text, keep_descriptions),
        "label": label_of(record),
    }


# ---------------------------------------------------------------- geography


def read_centroids(path: Path = CENTROIDS) -> dict[str, tuple[str, float, float]]:
    with path.open(encoding="utf-8") as handle:
        return {
            r["postcode"]: (r["place"], float(r["lat"]), float(r["lon"]))
            for r in csv.DictReader(handle)
            if r["lat"] and r["lon"]
        }


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance, as the ranker and make_eval_set.km compute it."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


# ---------------------------------------------------------------- wishes


_PAREN = re.compile(r"\s*\([^)]*\)")
_DASH = re.compile(r"\s+-\s+")
# a label's generic head before ' - ' ('Fachkraft - Lagerlogistik', 'Helfer/in - Küche'):
# participants often write only the part after it
_GENERIC_HEAD = re.compile(r"^(Fachkraft|Helfer/in|Fachpraktiker/in|Assistent/in|Fachwirt/in)$")


def _one_gender(text: str, rng: random.Random) -> str:
    """'Informatiker/in' -> 'Informatiker' or 'Informatikerin'; 'Kaufmann/-frau' -> 'Kaufmann'
    or 'Kauffrau'; 'Wissenschaftliche/r' -> 'Wissenschaftlicher' or 'Wissenschaftliche';
    'Koch/Köchin' -> 'Koch' or 'Köchin'."""
    female = rng.random() < 0.5

    def word(match: re.Match) -> str:
        stem, tail = match.group(1), match.group(2)
        if tail == "in":
            return stem + "in" if female else stem
        if tail.startswith("-"):  # Kaufmann/-frau: the stem's last part is replaced
            return stem[: -len("mann")] + tail[1:] if female and stem.endswith("mann") else stem
        if tail == "r":  # Wissenschaftliche/r
            return stem if female else stem + "r"
        return tail if female else stem  # Koch/Köchin, Biologe/Biologin

    return re.sub(r"(\w+)/(-?\w+)", word, text)


def wish_of(label: str, rng: random.Random) -> str:
    """The occupation as a participant writes it: the label itself in 40% of wishes,
    otherwise one gender form, without '(Hochschule)'-like notes, and for a generic head
    ('Fachkraft - X') either 'X' or 'Fachkraft X'."""
    if rng.random() < 0.4:
        return label
    text = _PAREN.sub("", label).strip()
    parts = _DASH.split(text, maxsplit=1)
    if len(parts) == 2:
        head, rest = parts
        # a bare 'Elektro' or 'Küche' says too little: keep the head with short rests
        if _GENERIC_HEAD.match(head) and len(rest) > 8 and rng.random() < 0.5:
            text = rest
        else:
            text = f"{head} {rest}"
    return " ".join(_one_gender(text, rng).split()) or label


# ---------------------------------------------------------------- the set


def build(
    postings: list[dict],
    centroids: dict[str, tuple[str, float, float]],
    *,
    seed: int,
    participants: int,
    strip: float,
    min_postings: int,
) -> dict:
    """Vacancy rows, participant rows, label rows and counts, from postings with a label."""
    rng = random.Random(seed)
    counts = Counter()
    kept = []
    for posting in sorted(postings, key=lambda p: p["ref"]):
        if not posting["label"]:
            counts["dropped: no occupation label"] += 1
        elif not posting["title"]:
            counts["dropped: no title"] += 1
        elif not posting["postcode"]:
            counts["dropped: no postcode"] += 1
        elif posting["postcode"] not in centroids:
            counts["dropped: postcode not in the centroid table"] += 1
        else:
            kept.append(posting)
    stripped = set(rng.sample(range(len(kept)), round(strip * len(kept))))
    vacancies = [
        {
            "Referenznummer": p["ref"],
            "Stellentitel": p["title"],
            "Arbeitgeber": p["employer"],
            "PLZ": p["postcode"],
            "Arbeitsort": p["town"] or centroids[p["postcode"]][0],
            "Beschreibung": p["description"],
            "Beruf": "" if i in stripped else p["label"],
        }
        for i, p in enumerate(kept)
    ]
    by_label = defaultdict(list)
    for p in kept:
        by_label[p["label"]].append(p)
    wishable = sorted(label for label, ps in by_label.items() if len(ps) >= min_postings)
    if not wishable:
        raise SystemExit(f"no occupation has {min_postings} postings with a place")
    # sqrt of the posting count: frequent occupations are wished more often, without 300
    # participants all wishing the two biggest ones
    weights = [math.sqrt(len(by_label[label])) for label in wishable]
    points = {pc: (lat, lon) for pc, (_, lat, lon) in centroids.items()}
    codes = sorted(points)
    people, labels = [], []
    for n in range(1, participants + 1):
        label = rng.choices(wishable, weights)[0]
        radius = rng.choice(RADII)
        anchor = points[rng.choice(by_label[label])["postcode"]]
        near = [pc for pc in codes if km(points[pc], anchor) <= radius]
        home = rng.choice(near)
        pid = f"RM-{n:03d}"
        people.append(
            {
                "Pseudonym": pid,
                "Wunschberuf": wish_of(label, rng),
                "PLZ": home,
                "Ort": centroids[home][0],
                "Umkreis": f"{radius} km",
                "_label": label,
            }
        )
        for p in by_label[label]:
            inside = km(points[home], points[p["postcode"]]) <= radius
            labels.append(
                {
                    "participant_id": pid,
                    "source": SOURCE,
                    "source_ref": p["ref"],
                    "relevance": 3 if inside else 0,
                    "occupation_grade": 3,
                    "broken_constraint": "" if inside else "outside radius",
                }
            )
    counts.update(
        {
            "postings read": len(postings),
            "vacancies written": len(vacancies),
            "vacancies with their label hidden": len(stripped),
            "occupations among the vacancies": len(by_label),
            f"occupations with >= {min_postings} postings (wishable)": len(wishable),
            "occupations wished": len({p["_label"] for p in people}),
            "participants": len(people),
            "labels": len(labels),
            "labels with relevance 3": sum(1 for row in labels if row["relevance"] == 3),
        }
    )
    return {"vacancies": vacancies, "participants": people, "labels": labels, "counts": counts}


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_set(result: dict, out: Path, keep_descriptions: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    columns = VACANCY_COLUMNS + (["Beschreibung"] if keep_descriptions else []) + ["Beruf"]
    write_csv(out / "vacancies.csv", result["vacancies"], columns)
    write_csv(
        out / "participants.csv",
        result["participants"],
        ["Pseudonym", "Wunschberuf", "PLZ", "Ort", "Umkreis"],
    )
    write_csv(out / "labels.csv", result["labels"], LABEL_COLUMNS)
    summary = "".join(f"{key}: {value}\n" for key, value in sorted(result["counts"].items()))
    (out / "SUMMARY.txt").write_text(summary, encoding="utf-8")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="+", type=Path, help="files or folders of BA records")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--strip", type=float, default=0.5, help="share of labels hidden (0.5)")
    parser.add_argument(
        "--min-postings", type=int, default=3, help="postings an occupation needs to be wished"
    )
    parser.add_argument("--no-descriptions", action="store_true")
    args = parser.parse_args(argv)
    keep = not args.no_descriptions
    postings = [posting_of(r, keep) for r in read_records(args.src)]
    result = build(
        postings,
        read_centroids(),
        seed=args.seed,
        participants=args.participants,
        strip=args.strip,
        min_postings=args.min_postings,
    )
    write_set(result, args.out, keep)
    print((args.out / "SUMMARY.txt").read_text(encoding="utf-8"), end="")
    return result


if __name__ == "__main__":
    main()

"""A labelled dedup set built from real Jobsuche postings: real jobs, planted reposts.

    python benchmarks/real_dedup_set.py JSON [JSON ...] [--out benchmarks/data/real_dedup]
        [--share 0.5] [--seed 7] [--identical merge|keep] [--no-descriptions]

JSON are files (or folders of *.json) of real Bundesagentur für Arbeit answers: v4
`jobdetails` records, lists of them, or v6 search pages (`ergebnisliste`). They are third-party
data without a licence and are never committed: download them as tests/data/dedup/README.md
says ("Real-derived set") and give their path here. Each distinct reference number becomes
one opening (employer, title, postcode, town, occupation, description, dates) whose real
posting is written as source `ba_jobsuche`; a share of them (`--share`) get 1-4 reposts in
four other sources with the variations of issue 4 (gen_postings.py's: title wording, gender
markers, legal forms, missing postcode, district spelling, description edits, dates).

Real postings of one employer at one place that are different jobs stay different openings.
Postings that look identical (same employer, same title without gender marker, same postcode,
different reference number) are one opening with `--identical merge` (the default: no reader
could tell them apart, so no merger should be blamed for joining them) or distinct ones with
`keep`. Contact data in descriptions (e-mail, phone, 'Frau/Herr Name') is replaced by
matching.privacy.scrub_personal_data and everything from a contact heading on is cut, before
anything is written; `--no-descriptions` drops them altogether.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gen_postings as gp  # noqa: E402
from dedup_set_stats import employer_key  # noqa: E402

from resque.matching.privacy import scrub_personal_data  # noqa: E402
from resque.samples.vocabulary import POSTING_LEGAL_VARIANTS  # noqa: E402
from resque.spiders.base import squish  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "real_dedup"
REPOST_SOURCES = ["arbeitgeberservice", "jobmesse", "karriereseite", "stellenportal"]
_MARKER = re.compile(
    r"\s*[(\[]?\s*(?:[mwdfxgn]\s*[/|,]\s*){1,3}[mwdfxgn]\s*[)\]]?(?=\s|$|[-–,])"
    r"|\s*\((?:all genders|gn|m/w/d|w/m/d|d/m/w)\)",
    re.IGNORECASE,
)
_LEGAL = re.compile(
    r"\s+(GmbH & Co\.? ?KG|gGmbH|GmbH|mbH|AG|SE|KG|e\.\s?V\.|UG \(haftungsbeschränkt\))$"
)
# a contact section: everything from here on names people or says how to reach them
_CONTACT = re.compile(
    r"(Ansprechpart|Ansprechperson|Kontakt|Ihr Kontakt|Dein Kontakt|Fragen|Bewerbung an)",
    re.IGNORECASE,
)


def read_records(paths: list[Path]) -> list[dict]:
    """BA records of the given files or folders, first occurrence of each reference number."""
    files = [f for p in paths for f in (sorted(p.glob("*.json")) if p.is_dir() else [p])]
    seen: dict[str, dict] = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        records = data.get("ergebnisliste", [data]) if isinstance(data, dict) else data
        for record in records:
            ref = record.get("referenznummer") or record.get("refnr")
            if ref and ref not in seen:
                seen[ref] = record
    return list(seen.values())


def plain_title(title: str) -> str:
    """A title without its gender marker."""
    return " ".join(_MARKER.sub(" ", title).split())


def clean_description(text: str | None, keep: bool) -> str:
    """A description with contact data removed and the contact section cut off."""
    if not keep or not text:
        return ""
    text = squish(text.replace("\\n", "\n")) or ""
    cut = _CONTACT.search(text)
    if cut:
        text = text[: cut.start()]
    return scrub_personal_data(text[:1200]).strip()


def _date(value: str | None) -> dt.date | None:
    """An ISO date of a BA field, or None."""
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def address_of(record: dict) -> dict:
    """The first address of a BA record ({} if none)."""
    return (record.get("stellenlokationen") or [{}])[0].get("adresse", {})


def opening_of(record: dict, opening_id: int, keep_descriptions: bool) -> tuple[gp.Opening, str]:
    """One real posting as an opening of gen_postings, and its cleaned description."""
    address = address_of(record)
    town, _, district = (address.get("ort") or "").partition(",")
    firma = " ".join((record.get("firma") or "").split())
    legal = _LEGAL.search(firma)
    name, legal_form = (firma[: legal.start()], legal.group(1)) if legal else (firma, "")
    if legal_form not in POSTING_LEGAL_VARIANTS:
        name, legal_form = firma, ""
    postcode = address.get("plz") or ""
    employer = gp.Employer(name, legal_form, "", False, [(town, postcode, district.strip())])
    street = " ".join(filter(None, [address.get("strasse"), address.get("hausnummer")]))
    employer.street[postcode] = street
    title = plain_title(record.get("stellenangebotsTitel") or record.get("titel") or "")
    time = "VZ" if record.get("arbeitszeitVollzeit", True) else "TZ"
    posted = _date(record.get("datumErsteVeroeffentlichung")) or dt.date(2026, 9, 1)
    op = gp.Opening(
        opening_id=opening_id,
        employer=employer,
        occupation=record.get("hauptberuf") or "",
        town=town.strip(),
        postcode=postcode,
        district=district.strip(),
        time=time,
        hours=None,
        start=_date((record.get("eintrittszeitraum") or {}).get("von")),
        places=1,
        client=None,
        form=title,
        tasks=[],
        reqs=[],
        wage=0.0,
        posted=posted,
        forms=gp._gender_forms(title),
    )
    return op, clean_description(record.get("stellenangebotsBeschreibung"), keep_descriptions)


class RealGenerator(gp.Generator):
    """gen_postings' variations, with the real description (edited) instead of a drawn one."""

    def __init__(self, seed: int, descriptions: dict[int, str]):
        super().__init__(seed, gp.occupation_subset("all"))
        self.descriptions = descriptions

    def description(self, op: gp.Opening) -> str:
        sentences = re.split(r"(?<=[.!?])\s+", self.descriptions.get(op.opening_id, ""))
        kept = [s for i, s in enumerate(sentences) if i == 0 or self.rng.random() < 0.85]
        if len(kept) > 2 and self.rng.random() < 0.3:  # two sentences swapped
            i = self.rng.randrange(1, len(kept) - 1)
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
        return " ".join(kept)


def build(records: list[dict], seed: int, share: float, identical: str, keep: bool):
    """(postings per source, truth, merged identical count) of the real-derived set."""
    openings: list[gp.Opening] = []
    descriptions: dict[int, str] = {}
    by_look: dict[tuple[str, str, str], int] = {}
    truth_of: list[tuple[dict, int]] = []
    for record in records:
        op, text = opening_of(record, len(openings), keep)
        look = (employer_key(op.employer.name), op.form.lower(), op.postcode)
        if identical == "merge" and look in by_look:
            truth_of.append((record, by_look[look]))
            continue
        by_look[look] = op.opening_id
        openings.append(op)
        descriptions[op.opening_id] = text
        truth_of.append((record, op.opening_id))
    gen = RealGenerator(seed, descriptions)
    postings: dict[str, list[dict[str, str]]] = {s: [] for s in ["ba_jobsuche", *REPOST_SOURCES]}
    truth: list[tuple[str, str, int]] = []
    for record, opening_id in truth_of:  # the real postings, as captured
        op = openings[opening_id]
        ref = record.get("referenznummer") or record.get("refnr")
        postings["ba_jobsuche"].append(real_row(record, op, ref, descriptions[opening_id]))
        truth.append(("ba_jobsuche", ref, opening_id))
    for op in openings:  # planted reposts in the four other sources
        if gen.rng.random() >= share:
            continue
        for repost in range(1, 1 + min(1 + int(gen.rng.expovariate(0.9)), 4)):
            source = gen.rng.choice(REPOST_SOURCES)
            row = gen.posting(op, source, op.employer, repost)
            postings[source].append(row)
            truth.append((source, row["Referenznummer"], op.opening_id))
    return postings, truth, len(records) - len(openings)


def real_row(record: dict, op: gp.Opening, ref: str, description: str) -> dict[str, str]:
    """The real posting in the importer's columns (same columns as gen_postings' rows)."""
    return {
        "Referenznummer": ref,
        "Stellentitel": " ".join((record.get("stellenangebotsTitel") or op.form).split()),
        "Arbeitgeber": " ".join((record.get("firma") or "").split()),
        "Straße": op.employer.street.get(op.postcode, ""),
        "PLZ": op.postcode,
        "Arbeitsort": " ".join((address_of(record).get("ort") or op.town).split()),
        "Beschreibung": description,
        "Arbeitszeit": "Vollzeit" if op.time == "VZ" else "Teilzeit",
        "Eintrittsdatum": op.start.strftime("%d.%m.%Y") if op.start else "",
        "Anzahl Stellen": "",
        "Veröffentlicht am": op.posted.strftime("%d.%m.%Y"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--share", type=float, default=0.5)
    parser.add_argument("--identical", choices=["merge", "keep"], default="merge")
    parser.add_argument("--no-descriptions", action="store_true")
    args = parser.parse_args()
    records = read_records(args.json)
    if not records:
        raise SystemExit("resque: error: no BA records with a reference number in the input")
    postings, truth, merged = build(
        records, args.seed, args.share, args.identical, not args.no_descriptions
    )
    gp.write(args.out, postings, truth)
    print(
        f"{len(records)} real postings ({merged} identical-looking merged), "
        f"{len(truth)} postings written to {args.out}"
    )


if __name__ == "__main__":
    main()

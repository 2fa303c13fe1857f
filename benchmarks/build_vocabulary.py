"""Build benchmarks/vocabulary/kldb_berufe.csv from the official KldB 2010 (V. 2020) table.

    python benchmarks/build_vocabulary.py KLDB_CSV [--out benchmarks/vocabulary/kldb_berufe.csv]

KLDB_CSV is `KldB_2010,_V._2020-DE-2025-02-03-Gliederung_mit_Erläuterung.csv` of
janschachtschabel/skohub-kldb-vocab (Apache-2.0; the classification is the Bundesagentur für
Arbeit's, "Quelle: Statistik der Bundesagentur für Arbeit"), commit
b80983d63c799424acd35ec1e518b25e644b130b:

    git clone https://github.com/janschachtschabel/skohub-kldb-vocab
    git -C skohub-kldb-vocab checkout b80983d63c799424acd35ec1e518b25e644b130b

Writes one row per 5-digit occupation type (Berufsgattung): its code, short title, up to
eight BA occupation names listed under "Zugeordnete Berufe (Beispiele)" and up to three
short task phrases of its "Einschlüsse". gen_postings.py reads this file; it is committed,
so generating the labelled sets needs no download.
"""

from __future__ import annotations

import argparse
import csv
import html
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent / "vocabulary" / "kldb_berufe.csv"
# '51312-111 Fachkraft - Lagerlogistik' inside the 'Umfasst ferner' column
_NAMED = re.compile(r"\d{5}-\d{3}\s+(.+?)(?=\s+\d{5}-\d{3}\s|$)")
# training-only, abbreviated or civil-servant names are not what an ad says
_SKIP = re.compile(r"§|\(Ausbildung\)|Facharbeiter|Meister|\.|\(er/in\)|\d")


def occupation_names(text: str, limit: int = 8) -> list[str]:
    """The example occupation names of one Berufsgattung, without training-only variants."""
    names = [m.group(1).strip() for m in _NAMED.finditer(" ".join(text.split()))]
    return [n for n in names if not _SKIP.search(n) and len(n) <= 60][:limit]


def task_phrases(text: str, limit: int = 3) -> list[str]:
    """Short task phrases of the 'Einschlüsse' column (separated by runs of spaces there)."""
    parts = [" ".join(p.split()) for p in re.split(r"\s{3,}", html.unescape(text))]
    short = [p for p in parts if 12 <= len(p) <= 90 and "," not in p]
    return short[:limit]


def build(source: Path) -> list[list[str]]:
    """Rows (kldb, kurztitel, names, tasks) of every Berufsgattung with at least one name."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    out = []
    for row in rows[1:]:
        if len(row) < 7 or row[1] != "5" or row[0].zfill(5).startswith("0"):
            continue  # military occupations (Berufsbereich 0) are not posted on job boards
        names = occupation_names(row[6])
        if names:
            out.append([row[0].zfill(5), row[3], "|".join(names), "|".join(task_phrases(row[5]))])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(args.source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["kldb", "kurztitel", "names", "tasks"])
        writer.writerows(rows)
    print(f"{len(rows)} occupation types written to {args.out}")


if __name__ == "__main__":
    main()

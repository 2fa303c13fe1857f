"""Build matching/data/kldb_occupations.csv, the occupation model's seed, from the KldB 2010.

    python matching/data/make_kldb_occupations.py KLDB_CSV [--out FILE]

KLDB_CSV is `KldB_2010,_V._2020-DE-2025-02-03-Gliederung_mit_Erläuterung.csv` of
janschachtschabel/skohub-kldb-vocab (Apache-2.0), the Bundesagentur für Arbeit's
classification with its explanations (PROVENANCE.md beside this file). Each 5-digit
Berufsgattung lists its assigned occupations (`Zugeordnete Berufe (Beispiele): 21232-100
Steinbearbeiter/in  21232-101 Grabsteinmetz/in ...`); these are the Berufsbenennungen the
Jobsuche API returns as a posting's `beruf`/`hauptberuf`. One row per name:

    kldb;group;group_name;area;area_name;name
    21232;212;Naturstein-, Mineral-, Baustoffherstellung;2;Rohstoffgewinnung, ...;Steinbearbeiter/in
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

OUT = Path(__file__).resolve().parent / "kldb_occupations.csv"
# "21232-100 Steinbearbeiter/in" up to the next "NNNNN-NNN" or the end
_NAMED = re.compile(r"(\d{5})-\d{3}\s+(.*?)(?=\s+\d{5}-\d{3}\s|$)")


def build(source: Path) -> list[list[str]]:
    """Rows (kldb, group, group_name, area, area_name, name, text), sorted; military
    occupations left out. The area is the KldB's Berufsbereich (first digit); text is the
    name as the occupation model reads it (occupation_model.text_of), stored so that fitting
    does not reduce 18,822 names every night (tests/warehouse/test_occupations.py checks it).
    """
    from resque.matching.occupation_model import text_of  # noqa: PLC0415 (needs the path above)

    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    groups = {r[0].zfill(3): r[2].strip() for r in rows if len(r) > 2 and r[1] == "3"}
    areas = {r[0]: r[2].strip() for r in rows if len(r) > 2 and r[1] == "1"}
    out = set()
    for row in rows:
        code = row[0].zfill(5)
        if len(row) < 7 or row[1] != "5" or code.startswith("0"):
            continue  # Berufsbereich 0 is the armed forces, not posted on job boards
        for listed, name in _NAMED.findall(" ".join(row[6].split())):
            if listed == code and name.strip():
                group, area, name = code[:3], code[:1], name.strip()
                row = (code, group, groups.get(group, ""), area, areas.get(area, ""), name)
                out.add((*row, text_of(name)))
    return [list(r) for r in sorted(out)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(args.source)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(["kldb", "group", "group_name", "area", "area_name", "name", "text"])
        writer.writerows(rows)
    types = len({r[0] for r in rows})
    print(f"{len(rows)} occupation names of {types} types written to {args.out}")


if __name__ == "__main__":
    main()

"""Structure of a labelled dedup folder: how big its employers are and how alike their jobs.

    python benchmarks/dedup_set_stats.py FOLDER [FOLDER ...]

Reads FOLDER/<source>.csv (';'-separated, the importer's shape) and FOLDER/labels.csv and
prints: postings, openings, postings per opening, the largest employers at one postcode
(employer name without legal form, lower case) with their postings and openings, how many
such groups hold >= 20 and >= 50 postings, and the share of posting pairs within one
employer+postcode that are different openings (the pairs a merger must keep apart).
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

_LEGAL = re.compile(
    r"\b(gmbh|g\.m\.b\.h\.|ggmbh|gemeinnützige|mbh|co|kg|ag|se|e\.?\s?v|ev|ug|"
    r"haftungsbeschränkt|aör|a\.ö\.r\.|anstalt des öffentlichen rechts|u)\b\.?"
)


def employer_key(name: str) -> str:
    """Employer name without legal form, punctuation or case."""
    name = _LEGAL.sub(" ", name.lower())
    return " ".join(re.sub(r"[^\w ]", " ", name).split())


def read_folder(folder: Path) -> list[tuple[str, str, str]]:
    """(employer key, postcode, opening) of every posting of a labelled folder."""
    labels = {}
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels[(row["source"], row["source_ref"])] = row["cluster"]
    rows = []
    for path in sorted(folder.glob("*.csv")):
        if path.name == "labels.csv":
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                cluster = labels[(path.stem, row["Referenznummer"])]
                rows.append((employer_key(row["Arbeitgeber"]), row["PLZ"], cluster))
    return rows


def stats(rows: list[tuple[str, str, str]], top: int = 8) -> list[str]:
    """Lines of the report for one folder."""
    openings = {c for _, _, c in rows}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for employer, postcode, cluster in rows:
        if postcode:
            groups[(employer, postcode)].append(cluster)
    pairs = different = 0
    for clusters in groups.values():
        counts = Counter(clusters)
        n = len(clusters)
        same = sum(k * (k - 1) // 2 for k in counts.values())
        pairs += n * (n - 1) // 2
        different += n * (n - 1) // 2 - same
    largest = sorted(groups.items(), key=lambda kv: -len(kv[1]))[:top]
    return [
        f"postings {len(rows)}, openings {len(openings)}, "
        f"postings per opening {len(rows) / max(1, len(openings)):.2f}",
        f"employer+postcode groups {len(groups)}; >= 20 postings: "
        f"{sum(len(v) >= 20 for v in groups.values())}, >= 50: "
        f"{sum(len(v) >= 50 for v in groups.values())}",
        "largest (postings/openings): " + ", ".join(f"{len(v)}/{len(set(v))}" for _, v in largest),
        f"pairs within one employer+postcode: {pairs}, different openings: "
        f"{different / max(1, pairs):.3f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    for folder in parser.parse_args().folders:
        print(folder)
        for line in stats(read_folder(folder)):
            print(f"  {line}")


if __name__ == "__main__":
    main()

"""Write tests/data/dedup/samples_labels.csv: the truth of the bundled samples, as eval labels.

    python benchmarks/samples_labels.py

Reads the answer key in samples/README.md (planted duplicate groups, same-agency doubles,
cross-source duplicates) and a scratch warehouse loaded with the three vacancy files of
the samples, and writes one row (source, source_ref, cluster) per posting: postings the
key links share a cluster, every other posting is its own ("Every other row is a distinct
opening"). Job-fair rows are named by their 'Lfd. Nr.', which only the raw payload keeps.
The file is regenerated whenever the importer's identity hash changes; the tests build the
same labels on the fly with `labels()`.
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resque.pipelines.config import load_config  # noqa: E402
from resque.pipelines.importer import import_file  # noqa: E402
from resque.warehouse.db import open_warehouse  # noqa: E402

SAMPLES = ROOT / "samples"
OUT = ROOT / "tests" / "data" / "dedup"
FAIR, BA = "jobmesse_leipzig_2026", "arbeitgeberservice"
_FAIR_REF = re.compile(r"#(\d+)")
_BA_REF = re.compile(r"\b(\d{5}-\d{10}-S)\b")


def answer_key() -> tuple[list[list[tuple[str, str]]], list[list[tuple[str, str]]]]:
    """(duplicate groups, hard-negative pairs) as lists of (source, fair number or BA ref)."""
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    section = ""
    groups, negatives = [], []
    for line in text.splitlines():
        if not line.startswith("- "):
            if line.strip():
                section = line
            continue
        members = [(FAIR, n) for n in _FAIR_REF.findall(line)] + [
            (BA, r) for r in _BA_REF.findall(line)
        ]
        if section.startswith("Hard negatives"):
            negatives.append(members)
        elif section.startswith(("Same real opening", "Same agency", "Cross-source")):
            groups.append(members)
    return groups, negatives


def labels(con) -> tuple[dict[tuple[str, str], str], list[tuple[tuple[str, str], tuple[str, str]]]]:
    """Truth for the sample postings in a warehouse: {(source, source_ref): cluster}, and
    the hard-negative pairs, from the answer key of samples/README.md."""
    rows = con.execute(
        "select p.source, p.source_ref, r.payload->>'Lfd. Nr.' from postings as p "
        "join raw_records as r using (source, source_ref) "
        "where p.source in ('jobmesse_leipzig_2026', 'arbeitgeberservice', "
        "'ihk_lehrstellen_export') order by p.source, p.source_ref"
    ).fetchall()
    ref_of = {(FAIR, nr) if source == FAIR else (source, ref): ref for source, ref, nr in rows}
    cluster = {(source, ref): f"{source}:{ref}" for source, ref, _ in rows}
    groups, negatives = answer_key()
    for members in groups:  # union: groups that share a posting become one
        keys = [(source, ref_of[(source, key)]) for source, key in members]
        merged = {cluster[k] for k in keys}
        for k, value in cluster.items():
            if value in merged:
                cluster[k] = cluster[keys[0]]
    pairs = [((s1, ref_of[(s1, k1)]), (s2, ref_of[(s2, k2)])) for (s1, k1), (s2, k2) in negatives]
    return cluster, pairs


def main() -> None:
    config = load_config(SAMPLES / "resque.toml")
    with tempfile.TemporaryDirectory() as tmp:
        con = open_warehouse(Path(tmp) / "samples.duckdb")
        for source in config.sources.values():
            if source.entity == "vacancies" and source.type == "file":
                import_file(
                    con,
                    source.path,
                    entity="vacancies",
                    source=source.name,
                    overrides=source.map,
                    sheet=source.sheet,
                    defaults=source.defaults,
                )
        cluster, negatives = labels(con)
        con.close()
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "samples_labels.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_ref", "cluster"])
        writer.writerows((source, ref, value) for (source, ref), value in sorted(cluster.items()))
    print(f"{len(cluster)} labelled postings, {len(negatives)} hard negatives")


if __name__ == "__main__":
    main()

"""Import benchmark: a generated 1,000,000-row vacancy CSV through `resque import vacancies`.

Prints wall time and peak memory of the first import, of an identical re-import (the
idempotent path: nothing changes), and of a snapshot import of a list where 10% changed
and 5% disappeared, beside DuckDB's plain read_csv of the same file into a table (the floor
any import stands on). Targets: the first import in <= 20 s on the 2-core machine (issue 2);
every import in <= 12 s and 1.5 GB peak (issue 16).

    python benchmarks/bench_import.py [--rows 1000000] [--format {csv,jsonl,xlsx}] [--repeat 1]

`--repeat N` runs the baseline and the three imports N times, each round in a fresh
warehouse, and then prints each step's median: on a shared two-core machine one round can be
a third slower than the next. Each line shows the load average it started at.

`--format jsonl` or `xlsx` writes the same lists as JSON Lines or a workbook (one title
line above the header) and imports those; DuckDB's read_csv baseline is then left out.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import DATA, resque, run_measured

TITLES = [
    "Lagerhelfer (m/w/d)",
    "Fachkraft für Lagerlogistik (w/m/d)",
    "Kommissionierer m/w/d",
    "Staplerfahrer (m/w/d) - Vollzeit",
    "Berufskraftfahrer CE (m/w/d)",
    "Produktionshelfer*in",
    "Maschinen- und Anlagenführer (m/w/d)",
    "Elektroniker für Betriebstechnik (m/w/d)",
    "Koch / Köchin",
    "Küchenhilfe (m/w/d) in Leipzig",
    "Servicekraft (m/w/d)",
    "Reinigungskraft (m/w/d) Teilzeit",
    "Pflegehelfer (m/w/d)",
    "Verkäufer:in",
    "Kaufmann/-frau für Büromanagement",
    "Mechatroniker (m/w/d)",
    "Schweißer MAG (m/w/d)",
    "Montagehelfer (m/w/d) ab sofort",
    "Sicherheitsmitarbeiter (m/w/d)",
    "Paketzusteller (m/w/d)",
]
PLACES = [
    ("04109", "Leipzig"),
    ("04416", "Markkleeberg"),
    ("04425", "Taucha"),
    ("04435", "Schkeuditz"),
    ("04509", "Delitzsch"),
    ("04668", "Grimma"),
    ("04808", "Wurzen"),
    ("04838", "Eilenburg"),
    ("04552", "Borna"),
    ("06108", "Halle (Saale)"),
]
STARTS = ["ab sofort", "01.12.2026", "01.01.2027", "15.01.2027", "01.02.2027", "nach Vereinbarung"]
TIMES = ["Vollzeit", "Teilzeit", "Vollzeit/Teilzeit", "Schicht", "3-Schicht"]

# The baseline: the CSV read into a table of a database file by DuckDB alone, no checks.
READ_CSV = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[2] + '/read_csv.duckdb')\n"
    "con.execute('create table t as select * from read_csv(?, delim=\\';\\', all_varchar=true)',"
    " [sys.argv[1]])\n"
)


def generate(rows: int, seed: int) -> pd.DataFrame:
    """A realistic-looking employer-service list: ids, titles, 20,000 employers, 10 towns."""
    rng = np.random.default_rng(seed)
    place = rng.integers(0, len(PLACES), rows)
    employer = rng.integers(0, 20_000, rows)
    title = rng.integers(0, len(TITLES), rows)
    return pd.DataFrame(
        {
            "Referenznummer": [f"10001-{1_000_000_000 + i}-S" for i in range(rows)],
            "Stellentitel": np.array(TITLES, dtype=object)[title],
            "Arbeitgeber": [f"Firma {e} GmbH" for e in employer],
            "Straße": [f"Hauptstraße {e % 200 + 1}" for e in employer],
            "PLZ": np.array([p[0] for p in PLACES], dtype=object)[place],
            "Arbeitsort": np.array([p[1] for p in PLACES], dtype=object)[place],
            "Eintrittsdatum": np.array(STARTS, dtype=object)[rng.integers(0, len(STARTS), rows)],
            "Arbeitszeit": np.array(TIMES, dtype=object)[rng.integers(0, len(TIMES), rows)],
            "Anzahl Stellen": rng.integers(1, 6, rows).astype(str),
            # every description distinct, as in real lists: no help from repeated values
            "Beschreibung": [
                f"Wir suchen Verstärkung für unser Team (Stelle {i}). Staplerschein erwünscht."
                for i in range(rows)
            ],
            "Veröffentlicht am": "20.11.2026",
            "Link": [
                f"https://www.arbeitsagentur.de/jobsuche/jobdetail/10001-{1_000_000_000 + i}-S"
                for i in range(rows)
            ],
        }
    )


def changed_list(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Next week's list: 5% of openings gone, 10% reworded."""
    rng = np.random.default_rng(seed)
    kept = frame[rng.random(len(frame)) >= 0.05].copy()
    reworded = rng.random(len(kept)) < 0.10
    kept.loc[reworded, "Stellentitel"] = kept.loc[reworded, "Stellentitel"] + " - neu"
    return kept


def write_list(frame: pd.DataFrame, path: Path, kind: str) -> None:
    """The list as a file of the given format: ';'-separated CSV, JSON Lines or XLSX."""
    if kind == "csv":
        frame.to_csv(path, sep=";", index=False)
    elif kind == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)  # rows streamed out: 100,000 fit
        sheet = book.create_sheet("Stellen")
        sheet.append(["Stellenangebote der Woche"])  # a title line, as exported lists have
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            sheet.append(list(row))
        book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("csv", "jsonl", "xlsx"), default="csv")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; their median is printed")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    first_list = DATA / f"vacancies_{args.rows}.{args.format}"
    second_list = DATA / f"vacancies_{args.rows}_next.{args.format}"
    started = time.perf_counter()
    frame = generate(args.rows, seed=1)
    write_list(frame, first_list, args.format)
    write_list(changed_list(frame, seed=2), second_list, args.format)
    print(
        f"generated {args.rows:,} rows ({first_list.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    rounds = [run_round(first_list, second_list, args.format) for _ in range(args.repeat)]
    if args.repeat > 1:
        print(f"median of {args.repeat} rounds:")
        for label in rounds[0]:
            seconds = statistics.median(r[label][0] for r in rounds)
            peak_mb = statistics.median(r[label][1] for r in rounds)
            print(f"  {label:30s} {seconds:6.1f} s  peak {peak_mb:7.0f} MB")


def run_round(first_list: Path, second_list: Path, kind: str) -> dict[str, tuple[float, float]]:
    """The baseline and the three imports into a fresh warehouse: {step: (seconds, MB)}."""
    measured = {}
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "csv":  # DuckDB's read_csv is the floor of a CSV import only
            load = os.getloadavg()[0]
            seconds, peak_mb, _ = run_measured(
                [sys.executable, "-c", READ_CSV, str(first_list), tmp]
            )
            measured["duckdb read_csv (baseline)"] = (seconds, peak_mb)
            print(f"{'duckdb read_csv (baseline)':32s} {seconds:6.1f} s  peak {peak_mb:7.0f} MB"
                  f"  (load {load:.1f})")  # fmt: skip
        db = str(Path(tmp) / "bench.duckdb")
        steps = [
            ("first import", [str(first_list)]),
            ("identical re-import", [str(first_list)]),
            ("snapshot, 10% changed, 5% gone", [str(second_list), "--full"]),
        ]
        for label, extra in steps:
            load = os.getloadavg()[0]
            seconds, peak_mb, out = run_measured(
                resque("--db", db, "import", "vacancies", *extra, "--source", "bench")
            )
            measured[label] = (seconds, peak_mb)
            print(f"{label:32s} {seconds:6.1f} s  peak {peak_mb:7.0f} MB  (load {load:.1f})"
                  f"  | {out.strip()}")  # fmt: skip
    return measured


if __name__ == "__main__":
    main()

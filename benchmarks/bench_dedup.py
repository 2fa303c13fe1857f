"""Dedup benchmark: resque beside its peers on every labelled set, and the 1M speed run.

    python benchmarks/bench_dedup.py [--postings 10000] [--set FOLDER ...] [--real FOLDER]
        [--verbose]
    python benchmarks/bench_dedup.py --postings 1000000 --incremental 10000 [--vs-splink]

Side by side (no --incremental): each labelled set (a folder with one ';'-CSV per source
and labels.csv, as tests/data/dedup/eval) is imported with the real `resque import
vacancies` into a scratch warehouse and deduplicated with `resque dedup --full`; then
Splink 5 and the rapidfuzz baseline (benchmarks/dedup_peers.py, `pip install -e
'.[bench]'`) run on the same normalised columns, each in a child process of its own. One
block per set prints wall time, peak memory, pairwise precision / recall / F1, B-cubed F1,
pairwise precision / recall within employers with >= 20 postings at one postcode, and the
largest cluster (a chaining check). The sets: --set folders (repeatable), else the
generator at the bench seed (`--postings`) and tests/data/dedup/unseen if present; plus the
real-derived folder of --real or $RESQUE_REAL_DEDUP_SET. Each peer's threshold is the one
with the best pairwise F1 on tests/data/dedup/eval (on tests/data/dedup/train when the eval
set itself is scored), as resque's own. --verbose prints Splink's trained m and u.

Speed run (--incremental M > 0), as before:
1. Generates postings of about postings/2.3 real openings with gen_postings.py (a seed the
   model was never trained or tuned on), as one CSV per source, and holds back
   `--incremental` of them (random postings: reposts of known openings and new ones).
2. Loads the CSVs into a scratch warehouse with the real `resque import vacancies` command
   (not timed here; bench_import.py measures imports).
3. Runs `resque dedup --full`, then imports the held-back postings and runs an incremental
   `resque dedup`; prints wall time and peak memory of each, and pairwise precision, recall
   and F1 (`resque eval dedup`) of the vacancies after each.
4. With --vs-splink, runs Splink 5 configured as in the side-by-side run on the same
   postings and prints its time, memory and scores.

Targets (issue 4): --full on 1,000,000 postings <= 60 s and <= 4 GB, incremental +10,000
<= 5 s, pairwise F1 >= 0.95. Each step prints wall time, CPU time (user + system of the
child: on a shared machine wall time also counts waiting for a core) and peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from _common import DATA, resque, run_measured

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gen_postings  # noqa: E402

SEED = 4242  # not a seed of tests/data/dedup (101 train, 202 eval)
PEERS = Path(__file__).resolve().parent / "dedup_peers.py"
PEER_NAMES = ("splink", "rapidfuzz")
DEDUP_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "dedup"
# the peers' calibration set, and the one used when that set itself is scored
CALIBRATION = (DEDUP_DATA / "eval", DEDUP_DATA / "train")
UNSEEN = DEDUP_DATA / "unseen"


_WRAPPER = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write(f'\\nPEAK_KB={u.ru_maxrss} CPU_S={u.ru_utime + u.ru_stime}\\n')\n"
    "sys.exit(p.returncode)\n"
)


def run_timed(args: list[str]) -> tuple[float, float, float, str]:
    """Like _common.run_measured, plus the child's CPU seconds (user + system).

    The machine is shared: wall time includes waiting for a core, CPU time does not.
    """
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    tail = proc.stderr.rsplit("PEAK_KB=", 1)[1].split()
    return seconds, int(tail[0]) / 1024, float(tail[1].split("=")[1]), proc.stdout


def generate(folder: Path, postings: int, held_back: int) -> None:
    """The benchmark's CSVs: base/<source>.csv, next/<source>.csv and their labels."""
    if (folder / "done").exists():
        print(f"reusing generated data in {folder}")
        return
    started = time.perf_counter()
    rows, truth = gen_postings.generate(int(postings / 2.3), SEED)
    refs = [ref for _, ref, _ in truth]
    rng = random.Random(SEED)
    later = set(rng.sample(refs, held_back)) if held_back else set()
    base = {s: [r for r in rs if r["Referenznummer"] not in later] for s, rs in rows.items()}
    extra = {s: [r for r in rs if r["Referenznummer"] in later] for s, rs in rows.items()}
    gen_postings.write(folder / "base", base, [t for t in truth if t[1] not in later])
    gen_postings.write(folder / "next", extra, [t for t in truth if t[1] in later])
    gen_postings.write(folder / "all", {}, truth)
    (folder / "done").write_text("ok")
    print(f"generated {len(truth):,} postings in {time.perf_counter() - started:.0f} s")


def import_folder(db: str, folder: Path) -> None:
    """`resque import vacancies` for every source file of a folder."""
    started = time.perf_counter()
    for path in sorted(folder.glob("*.csv")):
        if path.name != "labels.csv":
            command = resque("--db", db, "import", "vacancies", str(path), "--source", path.stem)
            run_measured(command)
    print(f"imported {folder} in {time.perf_counter() - started:.0f} s")


def scores(db: str, labels: Path) -> str:
    """Pairwise precision, recall, F1 from `resque eval dedup`."""
    _, _, out = run_measured(resque("--db", db, "eval", "dedup", str(labels)))
    metrics = dict(line.rsplit(None, 1) for line in out.splitlines() if "  " in line)
    return (
        f"P {float(metrics['pairwise precision']):.4f}  R {float(metrics['pairwise recall']):.4f}"
        f"  F1 {float(metrics['pairwise F1']):.4f}  (B-cubed F1 {float(metrics['B-cubed F1']):.4f})"
    )


def peer_line(peer: str, db: str, labels: Path, *extra: str) -> tuple[float, float, dict]:
    """One peer (dedup_peers.py) in a child process: wall seconds, peak MB, its result fields."""
    command = [sys.executable, str(PEERS), peer, db, str(labels), *extra]
    seconds, peak, _, out = run_timed(command)
    for line in out.splitlines():
        if line.startswith("splink:"):
            print(f"    {line}")
    result = next(x for x in out.splitlines() if x.startswith(peer.upper()))
    return seconds, peak, dict(part.split("=") for part in result.split()[1:])


def load_set(db: str, folder: Path) -> tuple[float, float]:
    """Import a labelled folder into a fresh warehouse and run `resque dedup --full`."""
    import_folder(db, folder)
    seconds, peak, _, _ = run_timed(resque("--db", db, "dedup", "--full"))
    return seconds, peak


def resque_fields(db: str, labels: Path) -> dict:
    """resque's scores from `resque eval dedup`, and its largest vacancy, as peer fields."""
    _, _, out = run_measured(resque("--db", db, "eval", "dedup", str(labels)))
    metrics = dict(line.rsplit(None, 1) for line in out.splitlines() if "  " in line)
    con = duckdb.connect(db, read_only=True)
    largest = con.execute(
        "select max(n) from (select count(*) as n from postings group by vacancy_id)"
    ).fetchone()[0]
    con.close()
    names = {"P": "pairwise precision", "R": "pairwise recall", "F1": "pairwise F1"}
    names |= {"B3": "B-cubed F1", "LP": "large employers pairwise precision"}
    names |= {"LR": "large employers pairwise recall"}
    return {key: metrics[name] for key, name in names.items()} | {"largest": largest}


def calibration_for(folder: Path) -> Path:
    """The labelled set the peers' thresholds come from: never the set scored."""
    return CALIBRATION[1] if folder.resolve() == CALIBRATION[0].resolve() else CALIBRATION[0]


def calibrate(tmp: Path, folder: Path, cache: dict) -> dict[str, str]:
    """Each peer's best-F1 threshold on a calibration set (computed once per set)."""
    if folder not in cache:
        db = str(tmp / f"calibration_{len(cache)}.duckdb")
        load_set(db, folder)
        cache[folder] = {}
        model = str(tmp / f"splink_model_{len(cache)}.json")
        cache[folder]["model"] = model
        for peer in PEER_NAMES:
            extra = ["--calibrate", "--model", model]
            _, _, fields = peer_line(peer, db, folder / "labels.csv", *extra)
            cache[folder][peer] = fields["threshold"]
            print(
                f"  calibrated {peer} on {folder}: threshold {fields['threshold']}"
                f" (pairwise F1 there {fields['calibration_f1']})"
            )
    return cache[folder]


def print_row(name: str, seconds: float, peak: float, fields: dict) -> None:
    """One line of a set's block."""
    print(
        f"  {name:26s} {seconds:7.1f} {peak:7.0f} | {float(fields['P']):.4f} "
        f"{float(fields['R']):.4f} {float(fields['F1']):.4f} | {float(fields['B3']):.4f} |"
        f" {float(fields['LP']):.4f} {float(fields['LR']):.4f} | {fields['largest']}"
    )


def compare_set(tmp: Path, index: int, folder: Path, cache: dict, verbose: bool) -> None:
    """One block: resque, Splink and rapidfuzz on one labelled set."""
    db = str(tmp / f"set_{index}.duckdb")
    labels = folder / "labels.csv"
    seconds, peak = load_set(db, folder)
    thresholds = calibrate(tmp, calibration_for(folder), cache)
    truth = pd.read_csv(labels, dtype=str)["cluster"].value_counts()
    print(
        f"\nset {folder}: {truth.sum():,} postings, {int((truth * (truth - 1) // 2).sum()):,}"
        f" true pairs, largest opening {truth.max()}; peers calibrated on"
        f" {calibration_for(folder)}"
    )
    print(
        "  peer                        wall s peak MB | pair P pair R pairF1 | B3 F1  |"
        " >=20@place P  R   | largest cluster"
    )
    print_row("resque dedup --full", seconds, peak, resque_fields(db, labels))
    for peer in PEER_NAMES:
        threshold = thresholds[peer]
        extra = ["--threshold", threshold, "--model", thresholds["model"]]
        extra += ["--verbose"] if verbose else []
        seconds, peak, fields = peer_line(peer, db, labels, *extra)
        unit = "weight" if peer == "splink" else "ratio"
        print_row(f"{peer} ({unit} >= {threshold})", seconds, peak, fields)
        print(
            f"    (best {unit} on this set itself, from its labels: {fields['oracle_threshold']},"
            f" pairwise F1 {fields['oracle_f1']})"
        )


def default_sets(args: argparse.Namespace) -> list[Path]:
    """--set folders, else the generator at the bench seed and the unseen set if present;
    plus the real-derived set of --real or RESQUE_REAL_DEDUP_SET."""
    sets = list(args.set or [])
    if not sets:
        folder = DATA / f"dedup_sets/generated_{SEED}_{args.postings}"
        if not (folder / "labels.csv").exists():
            rows, truth = gen_postings.generate(int(args.postings / 2.3), SEED)
            gen_postings.write(folder, rows, truth)
        sets.append(folder)
        if UNSEEN.exists():
            sets.append(UNSEEN)
    real = args.real or os.environ.get("RESQUE_REAL_DEDUP_SET")
    if real:
        sets.append(Path(real))
    return sets


def speed_run(args: argparse.Namespace) -> None:
    """The 1M speed run: --full, then an incremental run; Splink with --vs-splink."""
    folder = DATA / f"dedup_{args.postings}_{args.incremental}"
    generate(folder, args.postings, args.incremental)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        import_folder(db, folder / "base")
        seconds, peak, cpu, out = run_timed(resque("--db", db, "dedup", "--full"))
        print(
            f"resque dedup --full      {seconds:6.1f} s  cpu {cpu:6.1f} s  peak {peak:6.0f} MB"
            f" | {out.strip()}"
        )
        print(f"  vacancies vs truth       {scores(db, folder / 'base' / 'labels.csv')}")
        if args.vs_splink:
            calibrated = calibrate(Path(tmp), CALIBRATION[0], {})
            labels = folder / "base" / "labels.csv"
            extra = ["--threshold", calibrated["splink"], "--model", calibrated["model"]]
            seconds, peak, fields = peer_line("splink", db, labels, *extra)
            print(
                f"splink 5 (duckdb)        {seconds:6.1f} s  peak {peak:6.0f} MB"
                f" | train+predict+cluster {fields['seconds']} s (wall includes reading postings)"
            )
            print(
                f"  vacancies vs truth       P {fields['P']}  R {fields['R']}  F1 {fields['F1']}"
                f"  (B-cubed F1 {fields['B3']})"
            )
        if args.incremental:
            import_folder(db, folder / "next")
            seconds, peak, cpu, out = run_timed(resque("--db", db, "dedup"))
            label = f"resque dedup (+{args.incremental:,})"
            print(
                f"{label:24s} {seconds:6.1f} s  cpu {cpu:6.1f} s  peak {peak:6.0f} MB"
                f" | {out.strip()}"
            )
            print(f"  vacancies vs truth       {scores(db, folder / 'all' / 'labels.csv')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--incremental", type=int, default=0, help="> 0: the speed run")
    parser.add_argument("--vs-splink", action="store_true", help="speed run: also Splink 5")
    parser.add_argument("--set", type=Path, action="append", help="a labelled folder (repeat)")
    parser.add_argument("--real", type=Path, help="a real-derived labelled folder")
    parser.add_argument("--verbose", action="store_true", help="print Splink's trained m and u")
    args = parser.parse_args()
    if args.incremental:
        speed_run(args)
        return
    cache: dict[Path, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for index, folder in enumerate(default_sets(args)):
            compare_set(Path(tmp), index, folder, cache, args.verbose)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()

"""Matching quality: resque against a plain character TF-IDF baseline, on two labelled sets.

    python benchmarks/bench_match_quality.py [--src SRC ...] [--set FOLDER] [--seed 14]
        [--today 2026-11-20] [--no-synthetic]

1. The real-label set (issue 14's first target): built by real_match_set.py from the real
   Jobsuche records SRC (tests/data/matching/README.md, "Real-label set", names the download),
   or read from --set FOLDER (default benchmarks/data/real_match/ when it exists).
2. The synthetic set of issue 5 (tests/data/matching), unless --no-synthetic.

Each set goes into a scratch warehouse with the real commands (`resque import vacancies`,
`import participants`, `match --today`, `eval match labels.csv`), timed in child processes.
The baseline ranks the same files without resque: character n-gram TF-IDF (char_wb 2-4) over
title + occupation (where the file has one) against the wish, cosine, the radius as a hard
filter (great-circle distance between postcode centroids; a vacancy without a known place is
not filtered, as resque does not filter it either), top 10, scored with
matching/ranking/metrics.py. The two are printed side by side.

If `resque match` fails on a participant file without a languages column (the crash of issue
14), the benchmark says so and retries with a neutral `Sprachen` column ('Deutsch C2; Englisch
C2': no vacancy is excluded by language; the labels ignore languages).
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import real_match_set  # noqa: E402
from _common import DATA, resque, run_measured  # noqa: E402

from resque.matching.ranking.metrics import evaluate  # noqa: E402

SYNTHETIC = HERE.parent / "tests" / "data" / "matching"
REAL = DATA / "real_match"
NEUTRAL_LANGUAGES = "Deutsch C2; Englisch C2"
_METRICS = re.compile(r"nDCG@10 ([0-9.]+)  MRR ([0-9.]+)  recall@10 ([0-9.]+)")
_KM = re.compile(r"(\d+(?:[.,]\d+)?)")


# ---------------------------------------------------------------- resque


def run_resque(folder: Path, source: str, today: str) -> dict:
    """Import, match and evaluate one set in a scratch warehouse: metrics, seconds, notes."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    db = str(scratch / "bench.duckdb")
    notes = []
    try:
        seconds = {}
        seconds["import"] = run_measured(
            resque(
                "--db", db, "import", "vacancies", str(folder / "vacancies.csv"), "--source", source
            )  # fmt: skip
        )[0]
        people = folder / "participants.csv"
        seconds["import"] += run_measured(
            resque("--db", db, "import", "participants", str(people))
        )[0]
        try:
            seconds["match"] = run_measured(resque("--db", db, "match", "--today", today))[0]
        except SystemExit as failure:
            if re.search("sprachen|languages", _header(people)) or "reshape" not in str(failure):
                raise
            notes.append(f"match failed without a languages column ({_last_line(failure)}); "
                         f"retried with Sprachen '{NEUTRAL_LANGUAGES}'")  # fmt: skip
            people = _with_languages(people, scratch / "participants.csv")
            run_measured(resque("--db", db, "import", "participants", str(people)))
            seconds["match"] = run_measured(resque("--db", db, "match", "--today", today))[0]
        took, _, out = run_measured(resque("--db", db, "eval", "match", str(folder / "labels.csv")))
        seconds["eval"] = took
        found = _METRICS.search(out)
        if not found:
            raise SystemExit(f"eval match printed no metrics:\n{out}")
        ndcg, mrr, recall = map(float, found.groups())
        return {"ndcg@10": ndcg, "mrr": mrr, "recall@10": recall, "seconds": seconds,
                "notes": notes, "line": out.strip()}  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _header(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        return handle.readline().lower()


def _last_line(failure: SystemExit) -> str:
    """The child's error line (its stderr ends with the wrapper's PEAK_KB line)."""
    lines = [line.strip() for line in str(failure).splitlines() if "error" in line]
    return lines[-1] if lines else "?"


def _with_languages(src: Path, dst: Path) -> Path:
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame["Sprachen"] = NEUTRAL_LANGUAGES
    frame.to_csv(dst, index=False)
    return dst


# ---------------------------------------------------------------- baseline


def _radius_km(text: str) -> float | None:
    found = _KM.search(text or "")
    return float(found.group(1).replace(",", ".")) if found else None


def _unit(points: list[tuple[float, float] | None]) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of points (zeros where unknown) and a mask of the known ones."""
    known = np.array([p is not None for p in points])
    lat = np.radians([p[0] if p else 0.0 for p in points])
    lon = np.radians([p[1] if p else 0.0 for p in points])
    xyz = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    return xyz, known


def baseline(folder: Path, source: str, k: int = 10) -> dict:
    """Character TF-IDF (char_wb 2-4) of title + occupation vs the wish, radius as a filter."""
    started = time.perf_counter()
    jobs = pd.read_csv(folder / "vacancies.csv", dtype=str, keep_default_na=False)
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    labels = pd.read_csv(folder / "labels.csv", dtype={"source_ref": str})
    title = jobs["Stellentitel"]
    text = title + " " + jobs["Beruf"] if "Beruf" in jobs else title
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True)
    job_vectors = vectoriser.fit_transform(text.str.strip())
    wish_vectors = vectoriser.transform(people["Wunschberuf"])
    scores = (wish_vectors @ job_vectors.T).toarray()  # rows are l2-normalised: cosine

    table = real_match_set.read_centroids()
    points = {pc: (lat, lon) for pc, (_, lat, lon) in table.items()}
    job_xyz, job_known = _unit([points.get(pc) for pc in jobs["PLZ"]])
    home_xyz, home_known = _unit([points.get(pc) for pc in people["PLZ"]])
    chord = np.clip(home_xyz @ job_xyz.T, -1.0, 1.0)
    distance = np.arccos(chord) * real_match_set.EARTH_KM
    rows = []
    for i, person in people.iterrows():
        radius = _radius_km(person.get("Umkreis", ""))
        allowed = scores[i] > 0
        if radius is not None and home_known[i]:
            allowed &= ~job_known | (distance[i] <= radius + 1e-9)
        candidates = np.flatnonzero(allowed)
        top = candidates[np.argsort(-scores[i, candidates], kind="stable")][:k]
        rows += [(person["Pseudonym"], jobs["Referenznummer"].iat[j], r + 1)
                 for r, j in enumerate(top)]  # fmt: skip
    matches = pd.DataFrame(rows, columns=["participant_id", "vacancy_id", "rank"])
    graded = labels[labels["source"] == source].rename(columns={"source_ref": "vacancy_id"})
    metrics = evaluate(matches, graded[["participant_id", "vacancy_id", "relevance"]], k=k)
    metrics["seconds"] = {"rank": time.perf_counter() - started}
    return metrics


# ---------------------------------------------------------------- report


def _count(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def report(name: str, folder: Path, source: str, today: str) -> list[str]:
    ours = run_resque(folder, source, today)
    plain = baseline(folder, source)
    jobs, people = _count(folder / "vacancies.csv"), _count(folder / "participants.csv")
    size = f"{jobs:,} vacancies x {people} participants"
    lines = [f"== {name}: {size} ({folder})"]
    lines += [f"   note: {note}" for note in ours["notes"]]
    lines.append(f"   {'system':<34} {'nDCG@10':>8} {'MRR':>6} {'recall@10':>10}   seconds")
    for label, m in (("resque (import, match, eval)", ours),
                     ("TF-IDF char_wb 2-4 + radius filter", plain)):  # fmt: skip
        took = " + ".join(f"{part} {s:.1f}" for part, s in m["seconds"].items())
        lines.append(
            f"   {label:<34} {m['ndcg@10']:>8.3f} {m['mrr']:>6.3f} {m['recall@10']:>10.3f}   {took}"
        )
    lines.append(f"   resque eval match: {ours['line']}")
    lines.append(
        f"   baseline: {plain['participants']} participants with a fitting vacancy, "
        f"{plain['without_fit']} without ({plain['without_fit_with_matches']} of whom got matches)"
    )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", nargs="+", type=Path, help="real BA records to build the set from")
    parser.add_argument("--set", type=Path, default=REAL, help="a built real-label set folder")
    parser.add_argument("--seed", type=int, default=14, help="seed of real_match_set.py (14)")
    parser.add_argument("--today", default="2026-11-20", help="resque match --today (2026-11-20)")
    parser.add_argument("--no-synthetic", action="store_true", help="skip tests/data/matching")
    args = parser.parse_args(argv)
    lines = []
    if args.src:
        started = time.perf_counter()
        real_match_set.main([*map(str, args.src), "--out", str(args.set), "--seed", str(args.seed)])
        lines.append(f"built {args.set} in {time.perf_counter() - started:.1f} s")
    if (args.set / "labels.csv").exists():
        lines += report("real-label set", args.set, real_match_set.SOURCE, args.today)
    else:
        lines.append(f"no real-label set at {args.set}: give --src (see real_match_set.py)")
    if not args.no_synthetic:
        lines += report("synthetic set of issue 5", SYNTHETIC, "eval_matching", args.today)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Occupation model: accuracy@1 and @3 on held-out REAL labelled Jobsuche postings.

    python benchmarks/bench_occupations.py [--src benchmarks/data/src] [--seed 14]
        [--test-size 0.3]

SRC are the files or folders of real Bundesagentur für Arbeit records that
benchmarks/real_match_set.py reads (tests/data/matching/README.md, "Real-label set", names
the download; third-party data, never committed). Each record gives a title
(`stellenangebotsTitel`/`titel`) and the employment service's label (`hauptberuf`/`beruf`,
else the first of `alleBerufe`); records are deduplicated by reference number.

The postings are split by employer (GroupShuffleSplit, fixed seed): an employer's reposts of
one ad are all on one side, so no method is rewarded for remembering them. On the test side:

(a) seed only: matching.occupation_model fitted on the KldB names alone (an empty warehouse);
(b) resque: the same model fitted on the train split plus the seed names, as the nightly run
    fits it (with 200 or more labelled postings its linear part reads title n-grams and
    description words); (b') the same reading titles only;
(c) a linear peer as scikit-learn's text-classification examples set it up: TfidfVectorizer
    (char_wb, the model's n-gram range, sublinear tf) and LinearSVC (class_weight None), C
    chosen by GroupKFold cross-validation on the train split; it reads the same normalised
    title (occupation_model.text_of) and learns from the train split only (the seed's 18,822
    one-example classes would make a one-vs-rest model too slow to retrain nightly);
(d) trivial: the train label most often seen with the exact normalised title, else the most
    frequent train label.

A prediction is right when its label equals the posting's label as occupation_model.label_key
compares them (case, spacing and the gender suffix ignored). For (b) the accuracy at the KldB
levels is printed too (and for (c), for comparison): the 5-digit occupation type and the
3-digit group, over the test postings whose own label the catalogue knows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, GroupKFold, GroupShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import real_match_set  # noqa: E402
from _common import DATA  # noqa: E402

from resque.matching.occupation_model import NGRAMS, OccupationModel, label_key, text_of  # noqa: E402

C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)


def read_postings(paths: list[Path]) -> list[dict]:
    """Title, label and employer of every labelled record (first record per reference)."""
    postings = []
    for record in real_match_set.read_records(paths):
        posting = real_match_set.posting_of(record, keep_descriptions=True)
        if not posting["title"] or not posting["label"]:
            continue
        # employer name, else the BA's employer hash, else the posting itself
        group = posting["employer"].casefold() or str(record.get("arbeitgeberHashId") or "")
        posting["group"] = group or posting["ref"]
        postings.append(posting)
    return postings


def split(postings: list[dict], seed: int, test_size: float) -> tuple[list[dict], list[dict]]:
    groups = [p["group"] for p in postings]
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train, test = next(splitter.split(postings, groups=groups))
    return [postings[i] for i in train], [postings[i] for i in test]


# ---------------------------------------------------------------- the methods


def resque_model(train: list[dict], seed_only: bool, descriptions: bool = True):
    """Fit occupation_model as the warehouse does; returns (fit seconds, a top-3 predictor,
    the model). Without `descriptions` its linear part reads titles only."""
    clock = time.perf_counter()
    if seed_only:
        model = OccupationModel.fit(seed=True)
    else:
        model = OccupationModel.fit(
            [p["title"] for p in train],
            [p["label"] for p in train],
            descriptions=[p["description"] for p in train] if descriptions else None,
        )
    seconds = time.perf_counter() - clock

    def top3(postings: list[dict]) -> list[list[str]]:
        texts = [p["description"] for p in postings] if descriptions else None
        names, _ = model.predict_top([p["title"] for p in postings], texts, 3)
        return [[n for n in row if n is not None] for row in names]

    return seconds, top3, model


def linear_peer(train: list[dict], seed: int):
    """TF-IDF char_wb + LinearSVC, C by 3-fold GroupKFold on the train split."""
    texts = [text_of(p["title"]) for p in train]
    labels = [label_key(p["label"]) for p in train]
    groups = [p["group"] for p in train]
    clock = time.perf_counter()
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True),
        LinearSVC(random_state=seed),  # class_weight None, as asked
    )
    search = GridSearchCV(
        pipeline,
        {"linearsvc__C": C_GRID},
        cv=GroupKFold(n_splits=3, shuffle=True, random_state=seed),
        scoring="accuracy",
        n_jobs=1,
    )
    search.fit(texts, labels, groups=groups)
    seconds = time.perf_counter() - clock
    best = search.best_estimator_
    classes = best.classes_

    def top3(postings: list[dict]) -> list[list[str]]:
        scores = best.decision_function([text_of(p["title"]) for p in postings])
        order = np.argsort(-scores, axis=1)[:, :3]
        return [list(classes[row]) for row in order]

    return seconds, top3, search.best_params_["linearsvc__C"]


def trivial(train: list[dict]):
    """Exact normalised title -> its most frequent train labels; else the most frequent."""
    clock = time.perf_counter()
    by_title: dict[str, Counter] = defaultdict(Counter)
    for p in train:
        by_title[text_of(p["title"])][label_key(p["label"])] += 1
    overall = [label for label, _ in Counter(label_key(p["label"]) for p in train).most_common(3)]
    seconds = time.perf_counter() - clock

    def top3(postings: list[dict]) -> list[list[str]]:
        out = []
        for title in (p["title"] for p in postings):
            seen = [label for label, _ in by_title.get(text_of(title), Counter()).most_common(3)]
            out.append((seen + [x for x in overall if x not in seen])[:3])
        return out

    return seconds, top3


# ---------------------------------------------------------------- scoring


def accuracy(test: list[dict], top: list[list[str]]) -> tuple[float, float]:
    hits1 = hits3 = 0
    for posting, guesses in zip(test, top, strict=True):
        truth, keys = label_key(posting["label"]), [label_key(g) for g in guesses]
        hits1 += bool(keys) and keys[0] == truth
        hits3 += truth in keys[:3]
    return hits1 / len(test), hits3 / len(test)


def kldb_accuracy(model, test: list[dict], top: list[list[str]]) -> dict[str, tuple]:
    """acc@1 and @3 at the 5-digit type and the 3-digit group, over labels the catalogue knows."""
    known = [(p, g) for p, g in zip(test, top, strict=True) if model.describe(p["label"]).kldb]
    result = {}
    for level, cut in (("KldB-5", 5), ("group-3", 3)):
        hits1 = hits3 = 0
        for posting, guesses in known:
            truth = model.describe(posting["label"]).kldb[:cut]
            codes = [(model.describe(g).kldb or "")[:cut] for g in guesses]
            hits1 += bool(codes) and codes[0] == truth
            hits3 += truth in codes[:3]
        result[level] = (hits1 / len(known), hits3 / len(known), len(known))
    return result


def measure(name: str, fit_seconds: float, top3, test: list[dict]) -> dict:
    clock = time.perf_counter()
    top = top3(test)
    seconds = time.perf_counter() - clock
    at1, at3 = accuracy(test, top)
    return {"name": name, "acc1": at1, "acc3": at3, "fit": fit_seconds, "predict": seconds,
            "top": top}  # fmt: skip


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, nargs="+", default=[DATA / "src"])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--test-size", type=float, default=0.3)
    args = parser.parse_args(argv)
    missing = [p for p in args.src if not p.exists()]
    if missing:
        raise SystemExit(
            f"{missing[0]}: not found; tests/data/matching/README.md ('Real-label set') "
            "names the download"
        )
    clock = time.perf_counter()
    postings = read_postings(args.src)
    read_seconds = time.perf_counter() - clock
    train, test = split(postings, args.seed, args.test_size)
    train_labels = {label_key(p["label"]) for p in train}
    reachable = sum(label_key(p["label"]) in train_labels for p in test)
    print(
        f"{len(postings)} labelled postings ({read_seconds:.1f} s to read), "
        f"{len({label_key(p['label']) for p in postings})} labels, "
        f"{len({p['group'] for p in postings})} employers; split by employer (seed {args.seed}):"
    )
    print(
        f"train {len(train)} postings, {len(train_labels)} labels, "
        f"{len({p['group'] for p in train})} employers; test {len(test)} postings, "
        f"{len({label_key(p['label']) for p in test})} labels, "
        f"{len({p['group'] for p in test})} employers; "
        f"{reachable} test postings ({reachable / len(test):.1%}) have a label seen in train"
    )
    seed_fit, seed_top, _ = resque_model(train, seed_only=True)
    fit, top, model = resque_model(train, seed_only=False)
    title_fit, title_top, _ = resque_model(train, seed_only=False, descriptions=False)
    peer_fit, peer_top, best_c = linear_peer(train, args.seed)
    base_fit, base_top = trivial(train)
    rows = [
        measure("(a) seed only", seed_fit, seed_top, test),
        measure("(b) resque: train + seed", fit, top, test),
        measure(f"(c) TF-IDF + LinearSVC, C={best_c:g}", peer_fit, peer_top, test),
        measure("(d) title lookup, else most frequent", base_fit, base_top, test),
        measure("(b') resque, titles only", title_fit, title_top, test),
    ]
    print(f"\n{'method':<40} {'acc@1':>6} {'acc@3':>6} {'fit s':>7} {'predict s':>9}")
    for r in rows:
        print(
            f"{r['name']:<40} {r['acc1']:>6.3f} {r['acc3']:>6.3f} {r['fit']:>7.2f} "
            f"{r['predict']:>9.3f}"
        )
    for row in rows[1:3]:
        levels = kldb_accuracy(model, test, row["top"])
        known = next(iter(levels.values()))[2]
        print(f"\n{row['name']} at the KldB levels ({known} test postings whose label has a code):")
        for level, (at1, at3, _) in levels.items():
            print(f"  {level:<8} acc@1 {at1:.3f}  acc@3 {at3:.3f}")
    return rows


if __name__ == "__main__":
    main()

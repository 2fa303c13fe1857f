"""Near-duplicate merging, stage by stage: normalise, block, compare, decide, cluster, name.

The warehouse (warehouse/linkage.py) reads the postings, calls these functions and writes
what they return; everything here is pure and works on DataFrames, so tests and the
benchmark run the same code on generated frames. `full_run` is a whole full run, from the
postings read to the `RunWrites` stored; matching.linkage.incremental is the incremental one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from resque.matching.linkage import blocking, comparisons
from resque.matching.linkage.classifier import Model
from resque.matching.linkage.clustering import cluster
from resque.matching.linkage.codes import CodedFrame, codes, derived
from resque.matching.linkage.occupations import occupation_group
from resque.matching.linkage.stable_ids import assign_ids
from resque.matching.linkage.titles import conflicts_within, title_words
from resque.matching.normalise import (
    city_key,
    client_keys,
    description_keys,
    employer_key,
    hours_of_texts,
    is_agency,
    pre_clean_titles,
    strip_context,
    title_key,
    town_key,
)

log = logging.getLogger(__name__)

# Pairs are scored in slices of this many, to bound the memory the features take.
PAIRS_PER_CHUNK = 500_000
# Scored pairs below this probability are not kept as evidence (unless near misses).
STORED_PROBABILITY = 0.2
# Near misses worth keeping as evidence: hard-rule pairs this alike in title and employer.
NEAR_MISS_SIMILARITY = 0.9
# The normalised columns stored beside the raw ones in `postings`.
NORMALISED_COLUMNS = {
    "title_key": "title_normalised",
    "employer_key": "employer_normalised",
    "town_key": "city_normalised",
    "weekly_hours": "weekly_hours",
}
DECISIONS = ("match", "non-match")
# The raw texts `prepare` derives the comparison columns from; blocking and scoring read
# only the derived ones.
RAW_TEXTS = ("title", "employer", "city", "street", "description")
# The column a full run's postings carry the title words stored by the last run in.
STORED_WORDS = "stored_title_words"
# What a run writes per posting besides its vacancy id and title words.
POSTING_COLUMNS = ["posting_id", *NORMALISED_COLUMNS]
# The evidence of a pair as stored (duplicate_pairs, with the run id): the ids, the blocking
# pass, the comparisons' features (comparisons.stored_features) and what `score_pairs` adds.
PAIR_FEATURES = [*comparisons.stored_features(), "costly_skipped", "crowd_offset"]
PAIR_COLUMNS = [
    "left_posting_id",
    "right_posting_id",
    "blocking_rule",
    *PAIR_FEATURES,
    "probability",
    "decision",
    "rule",
]


def _objects(values: np.ndarray, index: pd.Index) -> pd.Series:
    """Text values as an object column (pandas would infer its Arrow-backed str dtype,
    which is slower for the element-wise work done here)."""
    return pd.Series(values, index=index, dtype=object)


# Long texts read only by Arrow's string functions (lower, slice, regex): they stay in
# Arrow, since turning a million of them into Python strings costs time and memory.
ARROW_TEXTS = ("description",)


def objects_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as object columns (see `_objects`), but ARROW_TEXTS."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column]) and column not in ARROW_TEXTS:
            out[column] = _objects(out[column].to_numpy(dtype=object), out.index)
    return out


def _map_unique(values: pd.Series, rule: Callable[[Any], Any]) -> np.ndarray:
    """rule(value) per row, computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = np.array([rule(v) for v in uniques] + [rule(None)], dtype=object)
    return results[codes]


def normalise(raw: pd.DataFrame) -> pd.DataFrame:
    """The normalised columns of postings (title_key, employer_key, town_key, weekly_hours).

    Args:
        raw: postings with title, employer, city, description.
    Returns:
        A frame with the same index and the four columns of NORMALISED_COLUMNS.
    """
    out = pd.DataFrame(index=raw.index)
    out["employer_key"] = _objects(_map_unique(raw["employer"], employer_key), raw.index)
    out["town_key"] = _objects(_map_unique(raw["city"], town_key), raw.index)
    # per distinct title: markers, case and prefixes first, in Arrow, then the Python rules
    # once per distinct cleaned title ('Koch (m/w/d)' and 'Koch (w/m/d)' become one)
    title_codes, titles = pd.factorize(raw["title"], use_na_sentinel=True)
    titles = pd.Series(np.asarray(titles, dtype=object), dtype=object)
    keys = _map_unique(_objects(pre_clean_titles(titles), titles.index), title_key)
    base = np.append(keys, None)[title_codes]
    # a one-word title keeps its word whatever the employer or town (see strip_context)
    several = np.append([isinstance(k, str) and " " in k for k in keys], False)[title_codes]
    context = pd.DataFrame({"t": base, "e": out["employer_key"], "c": out["town_key"]})
    base[several] = _map_unique_rows(context[several], strip_context)
    out["title_key"] = _objects(base, raw.index)
    hours = np.append(hours_of_texts(titles), np.nan)[title_codes]
    missing = np.isnan(hours)
    if missing.any() and "description" in raw:
        hours[missing] = hours_of_texts(raw["description"][missing])
    out["weekly_hours"] = hours
    return out


def _map_unique_rows(frame: pd.DataFrame, rule: Callable[..., Any]) -> np.ndarray:
    """rule(*row) per row, computed once per distinct row (None for a missing value)."""
    row_codes = np.zeros(len(frame), dtype=np.int64)
    columns = []
    for column in frame.columns:
        found, distinct = pd.factorize(frame[column], use_na_sentinel=True)
        columns.append((found, np.append(np.asarray(distinct, dtype=object), None)))
        # compacted after each column, so the combined code cannot overflow
        row_codes = pd.factorize(row_codes * (len(distinct) + 1) + found + 1)[0]
    _, first = np.unique(row_codes, return_index=True)
    rows = zip(*(values[found[first]] for found, values in columns), strict=True)
    results = np.array([rule(*row) for row in rows], dtype=object)
    return results[row_codes]


def _title_words(key: object) -> tuple[str, ...]:
    """Blocking words of a title: its occupation group ('occ:staplerfahrer') if it has one,
    else the first five letters of each word of four or more (a tuple: blocking hashes it)."""
    if not isinstance(key, str):
        return ()
    group = occupation_group(key)
    if group:
        return (f"occ:{group}",)
    return tuple(sorted({w[:5] for w in key.split() if len(w) >= 4}))


def words_text(frame: pd.DataFrame) -> np.ndarray:
    """The blocking words of each posting's title as one space-separated text (or None), as
    stored in postings.title_words for the incremental run's neighbour search."""
    return _map_unique(frame["title_key"], lambda key: " ".join(_title_words(key)) or None)


def add_blocking_columns(frame: pd.DataFrame) -> None:
    """The columns the blocking rules read: occupation_key, title_words, place_key."""
    frame["occupation_key"] = _objects(
        _map_unique(frame["title_key"], occupation_group), frame.index
    )
    words = _map_unique(frame["title_key"], _title_words)
    frame["title_words"] = pd.Series(words, index=frame.index)
    postcode = frame["postcode"].to_numpy(dtype=object)
    place = np.where(pd.notna(postcode), postcode, frame["town_key"].to_numpy(dtype=object))
    frame["place_key"] = _objects(place, frame.index)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the derived comparison columns to postings that carry the normalised ones.

    Needs title_key, employer_key, town_key, weekly_hours (see `normalise`) and the raw
    posting columns; adds title_compact, title_words, occupation_key, is_agency,
    is_apprenticeship, place_key and, where the
    columns exist, description_key and street_key.
    """
    out = frame.copy()
    compact = _map_unique(out["title_key"], lambda k: k.replace(" ", "") if k else None)
    out["title_compact"] = _objects(compact, out.index)
    add_blocking_columns(out)
    out["is_agency"] = _map_unique(out["employer"], is_agency).astype(bool)
    out["agencies_here"] = agencies_here(out)
    out["is_apprenticeship"] = (out["employment_type"] == "apprenticeship").to_numpy(dtype=bool) | (
        out["occupation_key"] == "ausbildung"
    ).to_numpy(dtype=bool)
    if "description" in out:
        out["client_key"] = _objects(client_keys(out["description"]), out.index)
        keys = description_keys(out["description"], comparisons.DESCRIPTION_CHARS)
        out["description_key"] = _objects(keys, out.index)
    if "street" in out:
        streets = _map_unique(out["street"], lambda s: city_key(s) if s else None)
        out["street_key"] = _objects(streets, out.index)
    return out


def agencies_here(frame: pd.DataFrame) -> np.ndarray:
    """Per posting: how many differently named agencies post its job (occupation group, else
    title) in its place (postcode, else town) within the frame; 0 for unknown places."""
    job = frame["occupation_key"].where(frame["occupation_key"].notna(), frame["title_key"])
    keys = pd.DataFrame(
        {"place": frame["place_key"], "job": job, "employer": frame["employer_key"]}
    ).astype(object)
    agencies = keys[frame["is_agency"].to_numpy(dtype=bool)].drop_duplicates()
    counts = agencies.groupby(["place", "job"]).size()
    at = pd.MultiIndex.from_frame(keys[["place", "job"]])
    return counts.reindex(at).fillna(0).to_numpy(dtype=np.int64)


def normalise_and_prepare(raw: pd.DataFrame) -> pd.DataFrame:
    """`normalise` then `prepare`: raw postings ready for blocking and scoring."""
    return prepare(pd.concat([raw, normalise(raw)], axis=1))


@dataclass
class PairEvidence:
    """Features of candidate pairs, the hard rule each broke, and which were scored."""

    features: pd.DataFrame
    rule: np.ndarray
    scored: np.ndarray
    offset: np.ndarray


def pair_features(frame: pd.DataFrame, pairs: pd.DataFrame) -> PairEvidence:
    """Compare candidate pairs: hard rules, then cheap features, then costly ones.

    Pairs breaking a hard rule (on the fields, or on the evidence: who offers the job) are
    not scored. Pairs whose titles fail the prefilter skip the costly comparisons (their
    `costly_skipped` feature is 1) but are scored.
    """
    left = pairs["left"].to_numpy(dtype=np.int64)
    right = pairs["right"].to_numpy(dtype=np.int64)
    rule = comparisons.hard_rules(frame, left, right).to_numpy()
    features = comparisons.compare(frame, left, right, comparisons.CHEAP_COMPARISONS)
    passed = (features["title"].to_numpy() >= comparisons.TITLE_PREFILTER) | (
        features["title_partial"].to_numpy() >= comparisons.TITLE_PREFILTER + 0.25
    )
    rule = np.where(pd.isna(rule), comparisons.title_rule(features), rule)
    rule = np.where(pd.isna(rule), comparisons.employer_rule(features), rule)
    costly_rows = passed & pd.isna(rule)
    costly = comparisons.compare(
        frame, left[costly_rows], right[costly_rows], comparisons.COSTLY_COMPARISONS
    )
    for name in costly.columns:
        column = np.zeros(len(left), dtype=np.float32)
        column[costly_rows] = costly[name].to_numpy()
        features[name] = column
    features["costly_skipped"] = (~passed).astype(np.float32)
    features = comparisons.add_interactions(comparisons.add_levels(features))
    rule = np.where(pd.isna(rule), comparisons.evidence_rules(features), rule)
    scored = pd.isna(rule)
    offset = np.where(scored, comparisons.crowd_offset(frame, left, right, features), 0.0)
    return PairEvidence(features, rule, scored, offset)


def score_pairs(frame: pd.DataFrame, pairs: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Evidence and decision for each candidate pair.

    A pair that breaks a hard rule is a non-match with probability 0; the others get the
    model's probability and are matches at or above its threshold.

    Returns:
        Columns left, right, blocking_rule, every feature, probability, decision, rule.
    """
    if not isinstance(frame, CodedFrame):
        frame = CodedFrame(frame)  # codes shared by the comparisons
    evidence = pair_features(frame, pairs)
    features, scored = evidence.features, evidence.scored
    probability = np.zeros(len(features))
    if scored.any():
        probability[scored] = model.probability(features[scored], evidence.offset[scored])
    out = features  # the pair columns go in front, without copying the features
    for position, column in enumerate(pairs.columns):
        out.insert(position, column, pairs[column].array)  # keeps a categorical categorical
    out["crowd_offset"] = evidence.offset.astype(np.float32)
    out["probability"] = probability
    # categorical: pandas would turn a text column into an Arrow string array, row by row
    is_match = probability >= model.threshold
    out["decision"] = pd.Categorical.from_codes(np.where(is_match, 0, 1), categories=DECISIONS)
    out["rule"] = pd.Series(evidence.rule, dtype=object).where(pd.notna(evidence.rule), None)
    return out


def evidence_to_keep(scored: pd.DataFrame) -> pd.DataFrame:
    """The pairs worth storing: matches, near matches (p >= 0.2), and hard-rule near misses."""
    near_miss = (scored["title"] >= NEAR_MISS_SIMILARITY) & (
        scored["employer"] >= NEAR_MISS_SIMILARITY
    )
    keep = (scored["probability"] >= STORED_PROBABILITY) | near_miss
    return scored[keep.to_numpy()]


def empty_scored() -> pd.DataFrame:
    """No scored pairs: the columns of `score_pairs` that are stored, left and right as ints."""
    return pd.DataFrame(
        {"left": pd.Series(dtype="int64"), "right": pd.Series(dtype="int64")}
        | {name: pd.Series(dtype=object) for name in PAIR_COLUMNS[2:]}
    ).astype({"probability": "float64"})


def exclusive_codes(frame: pd.DataFrame | CodedFrame) -> list[np.ndarray]:
    """Per exclusive attribute, an int code per posting (-1 unknown): postcode, town, hours."""
    return [codes(frame, column)[0] for column in ("postcode", "town_key", "weekly_hours")]


@dataclass
class DedupResult:
    """What one dedup run decided."""

    vacancy_ids: np.ndarray
    clusters: np.ndarray
    pairs: pd.DataFrame
    events: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)


# Rounds of splitting vacancies that hold a title clash (each round adds the clashes of the
# last; in practice one round settles it).
TITLE_ROUNDS = 5


def cluster_pairs(
    frame: pd.DataFrame | CodedFrame,
    pairs: pd.DataFrame,
    threshold: float,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster labels per posting from scored pairs, with the chaining guards.

    Besides the guards of matching.clustering, every two postings of a vacancy must be
    compatible on title, compared or not: a vacancy holding two titles that name different
    jobs (matching.titles) is clustered again on its own, with those pairs kept apart.
    """
    left = pairs["left"].to_numpy(dtype=np.int64)
    right = pairs["right"].to_numpy(dtype=np.int64)
    probability = pairs["probability"].to_numpy(dtype=np.float64)
    apart = pairs["rule"].notna().to_numpy()
    exclusive = exclusive_codes(frame)
    options = {"threshold": threshold, "exclusive": exclusive}
    labels = cluster(len(frame), left, right, probability, apart=apart, groups=groups, **options)
    found, keys = codes(frame, "title_key")
    words = derived(frame, ("title_words", "title_key"), lambda: title_words(keys))
    for _ in range(TITLE_ROUNDS):
        clash = conflicts_within(words, found, labels)
        if len(clash) == 0:
            break
        labels = _split_clashes(labels, clash, left, right, probability, apart, groups, options)
    return labels


def _split_clashes(labels, clash, left, right, probability, apart, groups, options) -> np.ndarray:
    """The vacancies holding a clash clustered again on their own pairs, plus the clashing
    pairs as known different; every other vacancy keeps its label."""
    bad = np.isin(labels, labels[clash[:, 0]])
    nodes = np.flatnonzero(bad)
    local = np.full(len(labels), -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    inside = bad[left] & bad[right] & (labels[left] == labels[right])
    sub = cluster(
        len(nodes),
        np.concatenate([local[left[inside]], local[clash[:, 0]]]),
        np.concatenate([local[right[inside]], local[clash[:, 1]]]),
        np.concatenate([probability[inside], np.zeros(len(clash))]),
        apart=np.concatenate([apart[inside], np.ones(len(clash), dtype=bool)]),
        groups=None if groups is None else np.asarray(groups)[nodes],
        exclusive=[values[nodes] for values in options["exclusive"]],
        threshold=options["threshold"],
    )
    out = labels.astype(np.int64).copy()
    out[nodes] = labels.max() + 1 + sub
    return pd.factorize(out)[0]


def deduplicate(
    frame: pd.DataFrame,
    model: Model,
    *,
    rules: list[blocking.BlockingRule] | None = None,
    taken: set[str] | frozenset[str] = frozenset(),
    stopwatch: Any = None,
) -> DedupResult:
    """A full run: every posting compared within its blocks, clustered from scratch.

    Args:
        frame: prepared postings (see `normalise_and_prepare`) with posting_id, first_seen,
            previous_vacancy_id and is_new.
        model: the pair classifier.
        rules: blocking rules (default: blocking.default_rules()).
        taken: vacancy ids in use outside `frame`.
        stopwatch: optional object whose `lap(stage)` is called after each stage.
    """
    lap = stopwatch.lap if stopwatch is not None else lambda stage: None
    coded = CodedFrame(frame)
    pairs = blocking.candidate_pairs(coded, rules or blocking.default_rules())
    lap("blocking")
    decided, kept = score_in_chunks(coded, pairs, model)
    lap("scoring")
    clusters = cluster_pairs(coded, decided, model.threshold)
    lap("clustering")
    ids, events = assign_ids(frame.assign(cluster=clusters), taken)
    lap("stable_ids")
    stats = {
        "postings": len(frame),
        "candidate_pairs": len(pairs),
        "matched_pairs": int((decided["probability"] >= model.threshold).sum()),
        "vacancies": int(len(np.unique(clusters))),
    }
    return DedupResult(ids, clusters, kept, events, stats)


def score_in_chunks(
    frame: pd.DataFrame, pairs: pd.DataFrame, model: Model, chunk: int = PAIRS_PER_CHUNK
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """score_pairs over slices of the pairs, so the feature columns of only one slice are
    in memory at a time.

    Returns:
        (left, right, probability, rule of every pair; the full rows of the pairs to keep
        as evidence, see evidence_to_keep)
    """
    decided, kept = [], []
    for start in range(0, max(len(pairs), 1), chunk):
        scored = score_pairs(frame, pairs.iloc[start : start + chunk], model)
        decided.append(scored[["left", "right", "probability", "rule"]])
        kept.append(evidence_to_keep(scored))
    return pd.concat(decided, ignore_index=True), pd.concat(kept, ignore_index=True)


# --- a whole run ---------------------------------------------------------------------------


@dataclass
class RunWrites:
    """What one dedup run writes back; the warehouse stores each field as it is.

    Attributes:
        postings: the postings whose row changes, with POSTING_COLUMNS.
        vacancy_ids: their vacancy ids, in the same order.
        title_words: their title's blocking words as text (see `words_text`).
        pair_ids: the posting id of each row position `pairs` refers to.
        pairs: the evidence to store: left and right (positions into pair_ids) and the rest
            of PAIR_COLUMNS.
        events: the merges and splits (matching.linkage.stable_ids.assign_ids).
        recompared: posting ids whose stored evidence the run replaces; None: all of it.
        vacancies: vacancy ids whose summary must be rebuilt; None: every vacancy.
        stats: counts for the runs row and the summary line.
    """

    postings: pd.DataFrame
    vacancy_ids: np.ndarray
    title_words: np.ndarray
    pair_ids: np.ndarray
    pairs: pd.DataFrame
    events: pd.DataFrame
    recompared: np.ndarray | None
    vacancies: np.ndarray | None
    stats: dict[str, Any] = field(default_factory=dict)


def full_run(
    read_postings: Callable[[], pd.DataFrame], model: Model, *, stopwatch: Any = None
) -> RunWrites:
    """Every posting normalised, compared within its blocks and clustered anew.

    Args:
        read_postings: gives every posting: the raw columns (RAW_TEXTS and the other
            compared fields), posting_id, first_seen, previous_vacancy_id, is_new, is_dirty,
            and what the last run stored: the stored names of NORMALISED_COLUMNS and
            STORED_WORDS. A function, called here: the caller keeps no reference to the raw
            texts (~0.4 GB at 1M postings), which are dropped before pairs are built.
        stopwatch: optional object whose `lap(stage)` is called after each stage.
    Returns:
        The postings whose vacancy, normalised columns, title words or dedup state changed;
        the evidence replacing all stored evidence; every vacancy to rebuild.
    """
    lap = stopwatch.lap if stopwatch is not None else lambda stage: None
    raw = objects_frame(read_postings())
    stored_names = {value: key for key, value in NORMALISED_COLUMNS.items()}
    stored = raw[[*stored_names, STORED_WORDS]].rename(columns=stored_names)
    lap("read")
    normalised = normalise(raw)
    raw = raw.drop(columns=[*stored_names, STORED_WORDS])
    frame = prepare(pd.concat([raw, normalised], axis=1))
    # the keys are derived: drop the raw texts before pairs are built
    del raw, normalised
    frame = frame.drop(columns=list(RAW_TEXTS))
    lap("normalise")
    result = deduplicate(frame, model, stopwatch=stopwatch)
    words = words_text(frame)  # compared with the stored words, and written: once
    changed = changed_postings(frame, stored, result.vacancy_ids, words)
    return RunWrites(
        postings=frame.loc[changed, POSTING_COLUMNS],
        vacancy_ids=result.vacancy_ids[changed],
        title_words=words[changed],
        pair_ids=frame["posting_id"].to_numpy(),
        pairs=result.pairs,
        events=result.events,
        recompared=None,
        vacancies=None,
        stats={
            **result.stats,
            "compared": len(frame),
            "changed": int(changed.sum()),
            "merges": int((result.events["event"] == "merge").sum()),
            "splits": int((result.events["event"] == "split").sum()),
        },
    )


def changed_postings(
    frame: pd.DataFrame, stored: pd.DataFrame, vacancy_ids: np.ndarray, words: np.ndarray
) -> np.ndarray:
    """Postings whose vacancy, normalised columns, title words (`words`, see `words_text`)
    or dedup state must be written; `stored` holds the last run's values of the same rows."""
    changed = frame["is_dirty"].to_numpy(dtype=bool) | (
        frame["previous_vacancy_id"].to_numpy() != vacancy_ids
    )
    pairs = [(frame[c], stored[c]) for c in NORMALISED_COLUMNS]
    pairs.append((pd.Series(words, index=frame.index), stored[STORED_WORDS]))
    for now, before in pairs:
        now, before = now.astype(object), before.astype(object)
        differs = ~((now == before) | (now.isna() & before.isna()))
        changed |= differs.to_numpy(dtype=bool)
    return changed

"""Near-duplicate merging, stage by stage: normalise, block, compare, decide, cluster, name.

The warehouse (warehouse/dedup.py) reads the postings, calls these functions and writes
what they return; everything here is pure and works on DataFrames, so tests and the
benchmark run the same code on generated frames.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from matching import blocking, comparisons
from matching.classifier import Model
from matching.clustering import cluster
from matching.normalise import (
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
from matching.occupations import occupation_group
from matching.stable_ids import assign_ids

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


def _objects(values: np.ndarray, index: pd.Index) -> pd.Series:
    """Text values as an object column (pandas would infer its Arrow-backed str dtype,
    which is slower for the element-wise work done here)."""
    return pd.Series(values, index=index, dtype=object)


def objects_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as object columns (see `_objects`)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column]):
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
    # markers, case and prefixes first, over the whole column: far fewer distinct titles
    base = pd.Series(
        _map_unique(_objects(pre_clean_titles(raw["title"]), raw.index), title_key), index=raw.index
    )
    context = pd.DataFrame({"t": base, "e": out["employer_key"], "c": out["town_key"]})
    out["title_key"] = _objects(_map_unique_rows(context, strip_context), raw.index)
    hours = hours_of_texts(raw["title"])
    missing = np.isnan(hours)
    if missing.any() and "description" in raw:
        hours[missing] = hours_of_texts(raw["description"][missing])
    out["weekly_hours"] = hours
    return out


def _map_unique_rows(frame: pd.DataFrame, rule: Callable[..., Any]) -> np.ndarray:
    """rule(*row) per row, computed once per distinct row."""
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame.astype(object)))
    # MultiIndex turns None into NaN; the rules expect None for a missing value
    rows = ([None if isinstance(v, float) and v != v else v for v in row] for row in uniques)
    results = np.array([rule(*row) for row in rows] + [None], dtype=object)
    return results[codes]


def _title_words(key: object) -> list[str]:
    """Blocking words of a title: its occupation group ('occ:staplerfahrer') if it has one,
    else the first five letters of each word of four or more."""
    if not isinstance(key, str):
        return []
    group = occupation_group(key)
    if group:
        return [f"occ:{group}"]
    return sorted({w[:5] for w in key.split() if len(w) >= 4})


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
    by_evidence = comparisons.evidence_rules(
        features, comparisons.crowded_pairs(frame, left, right)
    )
    rule = np.where(pd.isna(rule), by_evidence, rule)
    return PairEvidence(features, rule, pd.isna(rule))


def score_pairs(frame: pd.DataFrame, pairs: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Evidence and decision for each candidate pair.

    A pair that breaks a hard rule is a non-match with probability 0; the others get the
    model's probability and are matches at or above its threshold.

    Returns:
        Columns left, right, blocking_rule, every feature, probability, decision, rule.
    """
    evidence = pair_features(frame, pairs)
    features, scored = evidence.features, evidence.scored
    probability = np.zeros(len(features))
    if scored.any():
        probability[scored] = model.probability(features[scored])
    out = features  # the pair columns go in front, without copying the features
    for position, column in enumerate(pairs.columns):
        out.insert(position, column, pairs[column].to_numpy())
    out["probability"] = probability
    out["decision"] = np.where(probability >= model.threshold, "match", "non-match")
    out["rule"] = pd.Series(evidence.rule, dtype=object).where(pd.notna(evidence.rule), None)
    return out


def evidence_to_keep(scored: pd.DataFrame) -> pd.DataFrame:
    """The pairs worth storing: matches, near matches (p >= 0.2), and hard-rule near misses."""
    near_miss = (scored["title"] >= NEAR_MISS_SIMILARITY) & (
        scored["employer"] >= NEAR_MISS_SIMILARITY
    )
    keep = (scored["probability"] >= STORED_PROBABILITY) | near_miss
    return scored[keep.to_numpy()]


def exclusive_codes(frame: pd.DataFrame) -> list[np.ndarray]:
    """Per exclusive attribute, an int code per posting (-1 unknown): postcode, town, hours."""
    return [
        pd.factorize(frame[column], use_na_sentinel=True)[0]
        for column in ("postcode", "town_key", "weekly_hours")
    ]


@dataclass
class DedupResult:
    """What one dedup run decided."""

    vacancy_ids: np.ndarray
    clusters: np.ndarray
    pairs: pd.DataFrame
    events: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)


def cluster_pairs(
    frame: pd.DataFrame, pairs: pd.DataFrame, threshold: float, groups: np.ndarray | None = None
) -> np.ndarray:
    """Cluster labels per posting from scored pairs, with the chaining guards."""
    return cluster(
        len(frame),
        pairs["left"].to_numpy(),
        pairs["right"].to_numpy(),
        pairs["probability"].to_numpy(),
        threshold=threshold,
        apart=pairs["rule"].notna().to_numpy(),
        exclusive=exclusive_codes(frame),
        groups=groups,
    )


def deduplicate(
    frame: pd.DataFrame,
    model: Model,
    *,
    rules: list[blocking.BlockingRule] | None = None,
    taken: set[str] | frozenset[str] = frozenset(),
) -> DedupResult:
    """A full run: every posting compared within its blocks, clustered from scratch.

    Args:
        frame: prepared postings (see `normalise_and_prepare`) with posting_id, first_seen,
            previous_vacancy_id and is_new.
        model: the pair classifier.
        rules: blocking rules (default: blocking.default_rules()).
        taken: vacancy ids in use outside `frame`.
    """
    pairs = blocking.candidate_pairs(frame, rules or blocking.default_rules())
    decided, kept = score_in_chunks(frame, pairs, model)
    clusters = cluster_pairs(frame, decided, model.threshold)
    ids, events = assign_ids(frame.assign(cluster=clusters), taken)
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

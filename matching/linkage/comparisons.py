"""Comparisons: how alike two postings are, field by field, and the hard rules.

Each comparison is a small declarative object: a feature name, the column(s) it reads and
how it compares them; its `names()` are the features it yields, from which the stored
evidence columns follow (`stored_features`, matching.linkage.dedup.PAIR_COLUMNS). Fuzzy
text comparisons run in rapidfuzz's C scorers over all pairs at once (`process.cpdist`, all
cores), never in a Python loop over pairs. A feature is a float in [0, 1]; a missing value
on either side gives 0 and a separate `*_missing` feature, so the classifier can tell
"unknown" from "different".

Hard rules are the cases where the domain is clear whatever the text says: a different
postcode or town is a different workplace (two branches of a chain are two vacancies), a
different number of weekly hours is a different vacancy, an apprenticeship is not a job
(a posting is an apprenticeship if its source says so or its title starts with
'Ausbildung', 'Azubi' or 'Auszubildende').

Pure functions over DataFrames; pairs are row positions into the postings frame.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse

from resque.matching.linkage import titles
from resque.matching.linkage.classifier import SUPPORT
from resque.matching.linkage.codes import codes, derived

# Working times that cannot describe the same opening.
_TIME_CONFLICTS = {
    frozenset(("full_time", "part_time")),
    frozenset(("full_time", "minijob")),
    frozenset(("shift", "minijob")),
    frozenset(("full_or_part_time", "minijob")),
    frozenset(("part_time", "shift")),
}
DESCRIPTION_CHARS = 250


def _days(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column as days since the epoch (NaN where missing)."""

    def compute() -> np.ndarray:
        dates = pd.to_datetime(frame[column]).to_numpy(dtype="datetime64[D]")
        days = dates.astype("int64").astype(np.float64)
        days[np.isnat(dates)] = np.nan
        return days

    return derived(frame, ("days", column), compute)


def _distinct_pair_scores(
    texts: np.ndarray, a: np.ndarray, b: np.ndarray, scorer: Any
) -> np.ndarray:
    """scorer(texts[a[i]], texts[b[i]]) / 100 per pair, computed once per distinct pair of
    texts: within a block the same employer or title meets itself many times. A text
    compared with itself scores 1 without asking the scorer (every scorer used here gives
    100 for two equal non-empty texts); most pairs of a block share their employer."""
    scores = np.ones(len(a), dtype=np.float32)
    same = a == b
    selves = pd.unique(a[same])
    blank = selves[[not str(text).split() for text in texts[selves]]]  # token scorers give 0
    todo = np.flatnonzero(~same | np.isin(a, blank))
    if len(todo) == 0:
        return scores
    key = a[todo].astype(np.int64) * len(texts) + b[todo]
    inverse, distinct = pd.factorize(key)  # hashing: faster than np.unique's sort
    first, second = texts[distinct // len(texts)].tolist(), texts[distinct % len(texts)].tolist()
    scores[todo] = (process.cpdist(first, second, scorer=scorer, workers=-1) / 100.0)[inverse]
    return scores


@dataclass(frozen=True)
class FuzzyComparison:
    """rapidfuzz similarity of a text column (0..1); `*_missing` where either side lacks it.

    Each of `levels` adds an indicator `<name>_<level * 100>` (similarity >= level), so the
    linear model can weigh 'identical', 'close' and 'somewhat alike' differently, as the
    comparison levels of a Fellegi-Sunter model do.
    """

    name: str
    column: str
    scorer: str = "token_set_ratio"
    missing_feature: bool = True
    levels: tuple[float, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.name, f"{self.name}_missing") if self.missing_feature else (self.name,)

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        found, texts = codes(frame, self.column)
        a, b = found[left], found[right]
        both = (a >= 0) & (b >= 0)
        score = np.zeros(len(a), dtype=np.float32)
        if both.any():
            score[both] = _distinct_pair_scores(
                np.asarray(texts, dtype=object), a[both], b[both], getattr(fuzz, self.scorer)
            )
        out = {self.name: score}
        if self.missing_feature:
            out[f"{self.name}_missing"] = (~both).astype(np.float32)
        return out


@dataclass(frozen=True)
class ExactComparison:
    """1 where both sides hold the same value, 0 otherwise; `*_missing` where either lacks it."""

    name: str
    column: str
    missing_feature: bool = True

    def names(self) -> tuple[str, ...]:
        return (self.name, f"{self.name}_missing") if self.missing_feature else (self.name,)

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        found = codes(frame, self.column)[0]
        a, b = found[left], found[right]
        both = (a >= 0) & (b >= 0)
        out = {self.name: (both & (a == b)).astype(np.float32)}
        if self.missing_feature:
            out[f"{self.name}_missing"] = (~both).astype(np.float32)
        return out


@dataclass(frozen=True)
class DateComparison:
    """Start dates: `*_same` within `tolerance_days`, `*_differ` beyond it; 0 and 0 if unknown."""

    name: str
    column: str
    tolerance_days: int = 0

    def names(self) -> tuple[str, ...]:
        return (f"{self.name}_same", f"{self.name}_differ")

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        days = _days(frame, self.column)
        gap = np.abs(days[left] - days[right])
        known = ~np.isnan(gap)
        close = known & (np.nan_to_num(gap) <= self.tolerance_days)
        return {
            f"{self.name}_same": close.astype(np.float32),
            f"{self.name}_differ": (known & ~close).astype(np.float32),
        }


@dataclass(frozen=True)
class GapComparison:
    """Years between two dates (capped at `cap`), for reposts that drift over time."""

    name: str
    column: str
    cap: float = 1.0

    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        days = _days(frame, self.column)
        years = np.nan_to_num(np.abs(days[left] - days[right]) / 365.0).clip(max=self.cap)
        return {self.name: years.astype(np.float32)}


@dataclass(frozen=True)
class WorkingTimeComparison:
    """Working-time categories: `*_same` if equal, `*_conflict` if they exclude each other."""

    name: str = "working_time"
    column: str = "working_time"

    def names(self) -> tuple[str, ...]:
        return (f"{self.name}_same", f"{self.name}_conflict")

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        found, kinds = codes(frame, self.column)
        a, b = found[left], found[right]
        both = (a >= 0) & (b >= 0)
        conflicts = np.array(
            [[frozenset((x, y)) in _TIME_CONFLICTS for y in kinds] for x in kinds], dtype=bool
        ).reshape(len(kinds), len(kinds))
        conflict = np.zeros(len(a), dtype=bool)
        conflict[both] = conflicts[a[both], b[both]]
        return {
            f"{self.name}_same": (both & (a == b)).astype(np.float32),
            f"{self.name}_conflict": conflict.astype(np.float32),
        }


@dataclass(frozen=True)
class CategoryComparison:
    """Categories: `*_same` if both known and equal, `*_differ` if both known and different."""

    name: str
    column: str

    def names(self) -> tuple[str, ...]:
        return (f"{self.name}_same", f"{self.name}_differ")

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        found = codes(frame, self.column)[0]
        a, b = found[left], found[right]
        both = (a >= 0) & (b >= 0)
        return {
            f"{self.name}_same": (both & (a == b)).astype(np.float32),
            f"{self.name}_differ": (both & (a != b)).astype(np.float32),
        }


@dataclass(frozen=True)
class FlagComparison:
    """Per-pair flags from a boolean column: `both_*` and `either_*`."""

    name: str
    column: str

    def names(self) -> tuple[str, ...]:
        return (f"both_{self.name}", f"either_{self.name}")

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        a = frame[self.column].to_numpy(dtype=bool)
        return {
            f"both_{self.name}": (a[left] & a[right]).astype(np.float32),
            f"either_{self.name}": (a[left] | a[right]).astype(np.float32),
        }


@dataclass(frozen=True)
class IdfComparison:
    """Cosine similarity of IDF-weighted word vectors of a text column (0..1; 1 if either side
    lacks it): words common among the column's distinct values ('personalservice', 'nord',
    'logistik') count little, rare ones ('elbtal') much. Document frequencies are those of
    the compared postings' distinct values, as in Splink's term-frequency adjustments."""

    name: str
    column: str

    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        found, texts = codes(frame, self.column)
        a, b = found[left], found[right]
        both = (a >= 0) & (b >= 0) & (a != b)  # a text is its own perfect match
        score = np.ones(len(a), dtype=np.float32)
        if both.any():
            vectors = derived(frame, ("idf", self.column), lambda: _idf_vectors(texts))
            key = a[both].astype(np.int64) * len(texts) + b[both]
            inverse, distinct = pd.factorize(key)
            first, second = distinct // len(texts), distinct % len(texts)
            cosine = np.asarray(vectors[first].multiply(vectors[second]).sum(axis=1)).ravel()
            score[both] = cosine[inverse]
        return {self.name: score}


@dataclass(frozen=True)
class TitleWordsComparison:
    """The words of two titles (matching.titles): `title_unshared`, the IDF-weighted share of
    words the other title does not cover; `title_extra`, 1 where only one title holds a
    distinctive word the other lacks; and `title_words_differ`, 1 where the titles name
    different jobs (the hard rule 'different_title', not a model feature)."""

    column: str = "title_key"

    def names(self) -> tuple[str, ...]:
        return ("title_unshared", "title_extra", "title_words_differ")

    def features(self, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> dict:
        found, keys = codes(frame, self.column)
        words = derived(frame, ("title_words", self.column), lambda: titles.title_words(keys))
        differ, unshared, extra = titles.compare_titles(words, found[left], found[right])
        return {
            "title_unshared": unshared,
            "title_extra": extra,
            "title_words_differ": differ.astype(np.float32),
        }


def _idf_vectors(texts: np.ndarray) -> sparse.csr_matrix:
    """L2-normalised TF-IDF word vectors of the texts, one row per text.

    What scikit-learn's `TfidfVectorizer(token_pattern=r"\\S+", sublinear_tf=True,
    lowercase=False)` computes, in scipy (tests/matching/linkage/test_dedup_scoring.py checks
    that they agree):
    importing scikit-learn takes 0.8 s, a sixth of an incremental run's budget.
    """
    words = [str(text).split() for text in texts]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    flat = np.fromiter(itertools.chain.from_iterable(words), dtype=object, count=lengths.sum())
    columns, vocabulary = pd.factorize(flat)
    rows = np.repeat(np.arange(len(words)), lengths)
    shape = (len(words), len(vocabulary))
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)
    counts.sum_duplicates()  # term frequencies
    document_frequency = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1 + len(words)) / (1 + document_frequency)) + 1  # smoothed, as sklearn's
    counts.data = (1 + np.log(counts.data)) * idf[counts.indices]  # sublinear tf
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    counts.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(counts.indptr))
    return counts


# The comparisons every candidate pair gets (cheap: short texts, codes).
CHEAP_COMPARISONS: list[Any] = [
    FuzzyComparison("title", "title_key", "token_set_ratio", False, (1.0, 0.85, 0.7)),
    FuzzyComparison("title_chars", "title_compact", "ratio", False, (0.9, 0.75)),
    FuzzyComparison("title_partial", "title_compact", "partial_ratio", False, (0.9, 0.75)),
    TitleWordsComparison(),
    FuzzyComparison("employer", "employer_key", "token_set_ratio", True, (1.0, 0.85)),
    IdfComparison("employer_idf", "employer_key"),
    CategoryComparison("occupation", "occupation_key"),
    ExactComparison("postcode", "postcode"),
    ExactComparison("town", "town_key"),
    ExactComparison("places", "places"),
    ExactComparison("source", "source", missing_feature=False),
    DateComparison("start", "start_date", tolerance_days=0),
    GapComparison("posted_gap", "posted_at"),
    WorkingTimeComparison(),
    FlagComparison("agency", "is_agency"),
]
# The comparisons of long texts, only for pairs that passed the title prefilter.
COSTLY_COMPARISONS: list[Any] = [
    FuzzyComparison("description", "description_key", "token_set_ratio", True, (0.9, 0.75, 0.6)),
    FuzzyComparison("street", "street_key", "token_sort_ratio", True, (0.9,)),
    CategoryComparison("client", "client_key"),
]
# Pairs whose titles share less than this (token set and partial similarity both) skip the
# costly comparisons (feature `costly_skipped`); they are still scored by the model.
TITLE_PREFILTER = 0.5
# Features that only decide a hard rule (`title_rule`): neither model input nor stored evidence.
RULE_FEATURES = ("title_words_differ",)


def stored_features() -> list[str]:
    """The features a pair's evidence keeps (duplicate_pairs), in comparison order: every
    comparison's `names()` but RULE_FEATURES. The level indicators and interactions are
    derived from these (`add_levels`, `add_interactions`), so they are not stored."""
    return [
        name
        for comparison in CHEAP_COMPARISONS + COSTLY_COMPARISONS
        for name in comparison.names()
        if name not in RULE_FEATURES
    ]


def compare(
    frame: pd.DataFrame, left: np.ndarray, right: np.ndarray, comparisons: list[Any]
) -> pd.DataFrame:
    """Feature columns for the pairs (left[i], right[i]) from the given comparisons."""
    columns: dict[str, np.ndarray] = {}
    for comparison in comparisons:
        columns.update(comparison.features(frame, left, right))
    return pd.DataFrame(columns)


def add_levels(features: pd.DataFrame) -> pd.DataFrame:
    """The level indicators of the fuzzy comparisons, `<name>_<level * 100>` = score >= level.

    Derived from the stored scores, so the evidence table needs only the scores.
    """
    for comparison in CHEAP_COMPARISONS + COSTLY_COMPARISONS:
        for level in getattr(comparison, "levels", ()):
            score = features[comparison.name].to_numpy()
            features[f"{comparison.name}_{round(level * 100)}"] = (score >= level).astype(
                np.float32
            )
    return features


def add_interactions(features: pd.DataFrame) -> pd.DataFrame:
    """The derived columns the model reads: `title_gate`, how far the titles agree (the
    token-set similarity, or the IDF-weighted share of covered words where higher: 'helfer
    lager' and 'lagerhelfer' agree fully); products that let evidence count differently
    across employers; and each supporting agreement times `title_gate`
    (matching.classifier.SUPPORT), so it counts only as far as the titles agree."""
    out = features
    cross = 1.0 - out["employer"]
    out["title_gate"] = title_gate(out)
    if "description" in out:
        out["description_x_cross"] = out["description"] * cross
    out["start_x_cross"] = out["start_same"] * cross
    out["conflict_x_cross"] = out["working_time_conflict"] * cross
    for name in SUPPORT:
        if name in out:
            out[f"{name}_x_title"] = out[name] * out["title_gate"]
    return out


# --- hard rules ------------------------------------------------------------------------------


def _differs(frame: pd.DataFrame, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    found = codes(frame, column)[0]
    a, b = found[left], found[right]
    return (a >= 0) & (b >= 0) & (a != b)


def _kind_differs(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    apprenticeship = frame["is_apprenticeship"].to_numpy(dtype=bool)
    return apprenticeship[left] != apprenticeship[right]


HARD_RULES = (
    "different_postcode",
    "different_town",
    "different_hours",
    "different_kind",
    "different_title",
    "different_employer",
    "agencies_without_shared_client",
    "agencies_without_shared_evidence",
)
# Employer names less alike than this are different employers (legal forms, case and
# spacing are already folded away; 'Müller Logistik' and 'Müller Logistik Leipzig' stay alike).
SAME_EMPLOYER = 0.85
# ... and names whose rare words differ: 'Aue Mitte Transporte' is not 'Moor Mitte Transporte'
# (token set 0.89), 'Grund Süd Personalpartner' not 'Atlas Süd Personalpartner' (0.87).
SAME_EMPLOYER_IDF = 0.7
# Two agencies' ads are one opening only with this much description in common, or the same
# kind of client named in both: the same job title in the same place is common at scale.
AGENCY_DESCRIPTION = 0.9
# Weight of the term-frequency adjustment of two agencies' pairs (see crowd_offset): 1 is the
# Fellegi-Sunter value, odds inversely proportional to how many agencies post the job there.
CROWD_WEIGHT = 1.0


def _different_employers(features: pd.DataFrame) -> np.ndarray:
    unlike = features["employer"] < SAME_EMPLOYER
    if "employer_idf" in features:
        # only where one name is not all of the other's words: 'Muster Logistik' and
        # 'Muster Logistik Niederlassung Leipzig' (token set 1) are one employer
        unlike |= (features["employer_idf"] < SAME_EMPLOYER_IDF) & (features["employer"] < 1.0)
    return (unlike & (features["employer_missing"] == 0)).to_numpy()


# Titles that agree less than this (title_gate) are different jobs, whatever else agrees.
TITLE_FLOOR = 0.5


def title_gate(features: pd.DataFrame) -> np.ndarray:
    """How far two titles agree: the token-set similarity, or the IDF-weighted share of
    their words the other title covers where higher ('helfer lager' / 'lagerhelfer': 1).
    Where only one title holds a distinctive word the other lacks, only the covered share
    counts: the token-set similarity is 1 for any title whose words are a subset of the
    other's ('Software Engineer' / 'Software Engineer Typescript': about 0.65, not 1)."""
    subset = features["title_extra"].to_numpy() == 1
    token_set = np.where(subset, 0.0, features["title"].to_numpy())
    gate = np.maximum(token_set, 1.0 - features["title_unshared"].to_numpy())
    return gate.astype(np.float32)


def title_rule(features: pd.DataFrame) -> np.ndarray:
    """'different_title' where the titles name different jobs: a distinctive word on each
    side that the other lacks ('Krankenpfleger Dermatologie' and '... Notaufnahme', see
    matching.titles), or titles agreeing less than TITLE_FLOOR ('Mitarbeiter' and
    'Reinigungskraft'). Same employer, same place and missing fields never outweigh that."""
    fired = np.full(len(features), None, dtype=object)
    differ = features["title_words_differ"].to_numpy() == 1
    fired[differ | (title_gate(features) < TITLE_FLOOR)] = "different_title"
    return fired


def employer_rule(features: pd.DataFrame) -> np.ndarray:
    """'different_employer' where two differently named employers are not both agencies.

    Two direct employers never offer the same opening, and an agency's anonymous client
    cannot be told from a direct employer. Checked on the cheap features, so such pairs
    skip the costly comparisons.
    """
    fired = np.full(len(features), None, dtype=object)
    fired[_different_employers(features) & (features["both_agency"] == 0).to_numpy()] = (
        "different_employer"
    )
    return fired


def crowd_offset(
    frame: pd.DataFrame, left: np.ndarray, right: np.ndarray, features: pd.DataFrame
) -> np.ndarray:
    """Log-odds added to the model's for pairs of two differently named agencies: minus
    CROWD_WEIGHT * log(agencies posting the job in the place), the fewer of both postings
    (column `agencies_here`; 0 where the frame lacks it).

    The term-frequency adjustment of Splink's models, for the job in its place: where many
    agencies post the same job in the same postcode, two of their ads agreeing on title and
    place is weak evidence, so the prior odds of one opening fall with their number. The model
    is fitted on sparse data (one or two agencies per job and place), where the offset is ~0.
    """
    if "agencies_here" not in frame:
        return np.zeros(len(left))
    count = frame["agencies_here"].to_numpy(dtype=np.float64)
    crowd = np.maximum(np.minimum(count[left], count[right]), 1.0)
    cross = (features["both_agency"] == 1).to_numpy() & _different_employers(features)
    return np.where(cross, -CROWD_WEIGHT * np.log(crowd), 0.0)


def evidence_rules(features: pd.DataFrame) -> np.ndarray:
    """Rules on who offers the job, for two differently named agencies.

    Two agencies may list the same client job, and many agencies list the same kind of job
    in the same place as different openings. Their ads are one opening only on evidence
    beyond title and place:
    - 'agencies_without_shared_client': the ads name different kinds of client and the
      descriptions do not share most of their text;
    - 'agencies_without_shared_evidence': nothing specific is shared: no client named in
      both, no common start date, no description in common. Title, place and working time
      alone are what every agency posting that job there shares. (How crowded the job is in
      its place still weighs on the pairs that pass, `crowd_offset`.)
    """
    shared_text = (features["client_same"] == 1) | (features["description"] >= AGENCY_DESCRIPTION)
    agencies = (features["both_agency"] == 1).to_numpy() & _different_employers(features)
    clash = agencies & (~shared_text & (features["client_differ"] == 1)).to_numpy()
    nothing = agencies & (~shared_text & (features["start_same"] == 0)).to_numpy()
    fired = np.full(len(features), None, dtype=object)
    fired[nothing] = "agencies_without_shared_evidence"
    fired[clash] = "agencies_without_shared_client"
    return fired


def hard_rules(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> pd.Series:
    """The first hard rule each pair breaks (None if none): such a pair is never one vacancy."""
    fired = np.full(len(left), None, dtype=object)
    checks = [
        ("different_postcode", _differs(frame, "postcode", left, right)),
        ("different_town", _differs(frame, "town_key", left, right)),
        ("different_hours", _hours_differ(frame, left, right)),
        ("different_kind", _kind_differs(frame, left, right)),
    ]
    for name, broken in checks:
        fired[broken & pd.isna(fired)] = name
    return pd.Series(fired, dtype=object)


def _hours_differ(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    hours = frame["weekly_hours"].to_numpy(dtype=float)
    a, b = hours[left], hours[right]
    return ~np.isnan(a) & ~np.isnan(b) & (np.abs(a - b) >= 1.0)

"""Occupations learned from labelled postings: a title or a wish -> the BA occupation it names.

Every Jobsuche posting carries the employment service's occupation (v4 `beruf`, v6
`hauptberuf`): a Berufsbenennung such as `Fachkraft - Lagerlogistik`, one of about 19,000
names the KldB 2010 assigns to its 1,296 occupation types (5-digit codes; the first three
digits are the occupation group, `513 Lagerwirtschaft, Post und Zustellung, Güterumschlag`).
Postings from fairs, employer pages, chamber boards and paper lists have no such label.

The model is a nearest centroid over character n-gram TF-IDF (scikit-learn): each
occupation's centroid is the normalised sum of the titles labelled with it, and a title
belongs to the occupation whose centroid is closest (cosine). It is trained on

- the **seed**: every KldB occupation name as an example of itself
  (`data/kldb_occupations.csv`, PROVENANCE.md beside it), so an empty warehouse still
  labels `Lagerhelfer` as `Lagerhelfer/in`;
- the **labelled postings**: their titles as examples of their label. This is where
  synonyms without shared letters come from: postings titled `Pflegefachmann (m/w/d)` and
  `Krankenpfleger` both labelled `Gesundheits- und Krankenpfleger/in` put both words into
  one centroid.

Nearest centroid rather than a linear model: thousands of classes with a handful of
examples each, retrained every night in about a second, and a confidence that is a plain
cosine a coach can be told about. benchmarks/bench_occupations.py measures it against a
linear model on real labelled postings.

Pure: no I/O besides reading the seed table shipped with the package.
"""

from __future__ import annotations

import csv
import functools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sparse_dot_topn import sp_matmul_topn

from matching import profiles as pf

SEED = Path(__file__).resolve().parent / "data" / "kldb_occupations.csv"
NGRAMS = (2, 5)  # character n-grams inside word boundaries (char_wb)


@dataclass(frozen=True)
class Occupation:
    """An occupation name with its KldB 2010 type and group, where the catalogue knows it."""

    name: str
    kldb: str | None  # 5-digit occupation type
    group: str | None  # 3-digit occupation group
    group_name: str | None


@dataclass(frozen=True)
class Catalogue:
    """The KldB occupation names: name key -> (5-digit code, 3-digit group), group names."""

    codes: dict[str, str]
    group_names: dict[str, str]

    def describe(self, name: str) -> Occupation:
        code = self.codes.get(label_key(name))
        group = code[:3] if code else None
        return Occupation(name, code, group, self.group_names.get(group) if group else None)


def label_key(name: object) -> str:
    """A label as compared: case, spacing and the gender suffix do not matter."""
    text = " ".join(str(name or "").split()).casefold()
    for tail in ("/-in", "/in", "(in)", "/-frau", "/frau"):
        text = text.replace(tail, "")
    return text


@functools.cache
def catalogue() -> Catalogue:
    """The seed table shipped with the package (data/kldb_occupations.csv)."""
    codes: dict[str, str] = {}
    groups: dict[str, str] = {}
    for row in _seed_rows():
        codes.setdefault(label_key(row["name"]), row["kldb"])
        groups.setdefault(row["group"], row["group_name"])
    return Catalogue(codes, groups)


@functools.cache
def _seed_rows() -> tuple[dict[str, str], ...]:
    with SEED.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter=";"))


def seed_names() -> list[str]:
    """Every occupation name of the seed table."""
    return [row["name"] for row in _seed_rows()]


def text_of(title: object) -> str:
    """What the model reads of a title or wish: the words that name the job."""
    return pf.occupation_text(title) or " ".join(str(title or "").split()).casefold()


class OccupationModel:
    """Title -> occupation name, by the nearest centroid of character n-gram TF-IDF."""

    def __init__(
        self,
        vectorizer: TfidfVectorizer,
        centroids: sp.csr_matrix,
        labels: np.ndarray,
        trained_on: int,
    ) -> None:
        self.vectorizer = vectorizer
        self.centroids = centroids  # labels x n-grams, rows of unit length
        self.labels = labels
        self.trained_on = trained_on  # labelled postings (distinct title, label) beyond the seed
        self._catalogue = catalogue()

    @classmethod
    def fit(
        cls,
        titles: Sequence[object] = (),
        labels: Sequence[object] = (),
        *,
        seed: bool = True,
    ) -> OccupationModel:
        """Learn from (title, label) pairs, plus the seed names as examples of themselves.

        Pairs with an empty title or label are skipped. Each distinct (title, label) pair
        counts 1 + log(its count): a label posted a thousand times under one title should
        not drown the other titles of the same label.
        """
        counts = Counter(
            (text_of(t), " ".join(str(lab).split()))
            for t, lab in zip(titles, labels, strict=True)
            if _present(t) and _present(lab)
        )
        trained_on = len(counts)
        if seed:
            for name in seed_names():
                counts[(text_of(name), name)] += 1
        counts = Counter({k: n for k, n in counts.items() if k[0].strip()})
        if not counts:
            raise ValueError("no labelled titles to learn occupations from")
        return cls._fitted(counts, trained_on)

    @classmethod
    def _fitted(cls, counts: Counter, trained_on: int) -> OccupationModel:
        examples = sorted(counts)
        names = sorted({lab for _, lab in examples})
        index = {lab: i for i, lab in enumerate(names)}
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, dtype=np.float32
        )
        x = vectorizer.fit_transform([text for text, _ in examples])
        weights = np.array([1 + math.log(counts[e]) for e in examples], dtype=np.float32)
        member = sp.csr_matrix(
            (weights, ([index[lab] for _, lab in examples], np.arange(len(examples)))),
            shape=(len(names), len(examples)),
        )
        centroids = normalize((member @ x).tocsr()).astype(np.float32)
        return cls(vectorizer, centroids, np.asarray(names, dtype=object), trained_on)

    def top_k(self, titles: Sequence[object], k: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest occupations of each title (names, cosines), best first.

        A title sharing no n-gram with any occupation gets None and 0.
        """
        texts = [text_of(t) for t in titles]
        distinct = sorted(set(texts))
        where = {t: i for i, t in enumerate(distinct)}
        names = np.full((len(distinct), k), None, dtype=object)
        scores = np.zeros((len(distinct), k), dtype=np.float32)
        if distinct:
            x = self.vectorizer.transform(distinct)
            near = sp_matmul_topn(x, self.centroids.T.tocsr(), top_n=k, sort=True).tocsr()
            for row in range(len(distinct)):
                lo, hi = near.indptr[row], near.indptr[row + 1]
                names[row, : hi - lo] = self.labels[near.indices[lo:hi]]
                scores[row, : hi - lo] = near.data[lo:hi]
        rows = np.array([where[t] for t in texts], dtype=np.int64)
        return names[rows], scores[rows]

    def predict(self, titles: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
        """The nearest occupation of each title and its cosine (the confidence, 0-1)."""
        names, scores = self.top_k(titles, 1)
        return names[:, 0], scores[:, 0]

    def describe(self, name: str) -> Occupation:
        """The occupation's KldB type and group, where the catalogue knows the name."""
        return self._catalogue.describe(name)

    def synonyms(self, name: str, titles: Iterable[str], limit: int = 5) -> list[str]:
        """Titles the model puts into `name` although they share no word with it."""
        words = set(text_of(name).split())
        found = [t for t in titles if not words & set(text_of(t).split())]
        names, _ = self.predict(found)
        return [t for t, n in zip(found, names, strict=True) if n == name][:limit]


def _present(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(str(value).strip())


def group_label(occupation: Occupation) -> str | None:
    """'513 Lagerwirtschaft, Post und Zustellung, Güterumschlag', for a coach to read."""
    if not occupation.group:
        return None
    return f"{occupation.group} {occupation.group_name}".strip()


def co_occurring(labels_per_posting: Iterable[Sequence[str]]) -> dict[str, Counter]:
    """Occupations named together on one posting (v6 `alleBerufe`): label -> its companions."""
    together: dict[str, Counter] = defaultdict(Counter)
    for labels in labels_per_posting:
        distinct = sorted({" ".join(str(x).split()) for x in labels if _present(x)})
        for a in distinct:
            for b in distinct:
                if a != b:
                    together[a][b] += 1
    return dict(together)

"""Occupations learned from labelled postings: a title or a wish -> the BA occupation it names.

Every Jobsuche posting carries the employment service's occupation (v4 `beruf`, v6
`hauptberuf`): a Berufsbenennung such as `Fachkraft - Lagerlogistik`, one of about 19,000
names the KldB 2010 assigns to its 1,296 occupation types (5-digit codes; the first three
digits are the occupation group, `513 Lagerwirtschaft, Post und Zustellung, Güterumschlag`).
Postings from fairs, employer pages, chamber boards and paper lists have no such label.

The model has two parts (scikit-learn). **Centroids** over character n-gram TF-IDF: each
occupation's centroid is the normalised sum of the titles labelled with it, and a title's
similarity to an occupation is the larger of its cosine with that centroid and with the
occupation's own name. They are trained on

- the **seed**: every KldB occupation name as an example of itself
  (`data/kldb_occupations.csv`, PROVENANCE.md beside it), so an empty warehouse still
  labels `Lagerhelfer` as `Lagerhelfer/in`;
- the **labelled postings**: their titles as examples of their label. This is where
  synonyms without shared letters come from: postings titled `Pflegefachmann (m/w/d)` and
  `Krankenpfleger` both labelled `Gesundheits- und Krankenpfleger/in` put both words into
  one centroid.

The centroids map wishes (`top_k`). Postings are labelled (`predict_top`) by a **linear SVM**
over the title's n-grams and the description's words once there are MIN_LINEAR labelled
postings, by the centroids before that. Where the title itself names an occupation, the
linear model chooses only within that occupation's KldB Berufsbereich: a description talks
about colleagues and customers, the title names the job. benchmarks/bench_occupations.py
measures both against a tuned linear peer on real labelled postings (docs/matching.md).

Pure: no I/O besides reading the seed table shipped with the package.
"""

from __future__ import annotations

import csv
import functools
import math
import os
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from sparse_dot_topn import sp_matmul_topn

from resque.matching.normalise import occupation_text

SEED = Path(__file__).resolve().parent / "data" / "kldb_occupations.csv"
NGRAMS = (2, 5)  # character n-grams inside word boundaries (char_wb)
NEAREST_KEPT = 50_000  # texts whose nearest occupations a model remembers
SPELLING = 0.9  # a label this close to a seed name is that name spelt otherwise


@dataclass(frozen=True)
class Occupation:
    """An occupation name with its KldB 2010 type and group, where the catalogue knows it."""

    name: str
    kldb: str | None  # 5-digit occupation type
    group: str | None  # 3-digit occupation group
    group_name: str | None
    area: str | None = None  # 1-digit Berufsbereich
    area_name: str | None = None


@dataclass(frozen=True)
class Catalogue:
    """The KldB occupation names: name key -> (5-digit code, 3-digit group), group names."""

    codes: dict[str, str]
    group_names: dict[str, str]
    area_names: dict[str, str]

    def describe(self, name: str) -> Occupation:
        return self.of_code(name, self.codes.get(label_key(name)))

    def of_code(self, name: str, code: str | None) -> Occupation:
        if not code:
            return Occupation(name, None, None, None)
        group, area = code[:3], code[:1]
        return Occupation(
            name, code, group, self.group_names.get(group), area, self.area_names.get(area)
        )


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
    areas: dict[str, str] = {}
    for row in _seed_rows():
        codes.setdefault(label_key(row["name"]), row["kldb"])
        groups.setdefault(row["group"], row["group_name"])
        areas.setdefault(row["area"], row["area_name"])
    return Catalogue(codes, groups, areas)


@functools.cache
def _seed_rows() -> tuple[dict[str, str], ...]:
    with SEED.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter=";"))


@functools.cache
def _seed_texts() -> dict[str, str]:
    """Each seed name -> what the model reads of it (stored in the seed table)."""
    return {row["name"]: row["text"] for row in _seed_rows()}


def seed_names() -> list[str]:
    """Every occupation name of the seed table."""
    return [row["name"] for row in _seed_rows()]


def text_of(title: object) -> str:
    """What the model reads of a title or wish: the words that name the job."""
    return occupation_text(title) or " ".join(str(title or "").split()).casefold()


class OccupationModel:
    """Title -> occupation name: centroids of character n-gram TF-IDF, and a linear SVM for
    postings once there are enough labels."""

    def __init__(
        self,
        vectorizer: TfidfVectorizer,
        centroids: sp.csr_matrix,
        names: sp.csr_matrix,
        labels: np.ndarray,
        trained_on: int,
    ) -> None:
        self.vectorizer = vectorizer
        self.centroids = centroids  # labels x n-grams, rows of unit length
        self.names = names  # labels x n-grams: each occupation's own name
        self.labels = labels
        self.trained_on = trained_on  # labelled postings (distinct title, label) beyond the seed
        self.linear: Pipeline | None = None  # set by fit() when there are enough labels
        self._catalogue = catalogue()
        seed = _seed_texts()
        self.seeded = np.array([n in seed for n in labels], dtype=np.float32)
        self.posted = np.zeros(len(labels), dtype=np.int8)  # set by fit(): labels postings carry
        self.name_length = np.array([len(n) for n in labels], dtype=np.int64)
        self._spelt_like: dict[str, str | None] = {}
        self._transposed: tuple[sp.csr_matrix, sp.csr_matrix] | None = None
        self._nearest: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._areas: np.ndarray | None = None  # of the linear model's classes

    @classmethod
    def fit(
        cls,
        titles: Sequence[object] = (),
        labels: Sequence[object] = (),
        *,
        descriptions: Sequence[object] | None = None,
        seed: bool = True,
    ) -> OccupationModel:
        """Learn from (title, label) pairs, plus the seed names as examples of themselves.

        With at least MIN_LINEAR labelled postings of two or more occupations, a linear
        model over the title's character n-grams and the description's words (when given)
        labels postings (`predict`); the centroids map wishes (`top_k`) and serve an
        empty warehouse.

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
            texts = _seed_texts()
            for name in seed_names():
                counts[(texts.get(name) or text_of(name), name)] += 1
        counts = Counter({k: n for k, n in counts.items() if k[0].strip()})
        if not counts:
            raise ValueError("no labelled titles to learn occupations from")
        model = cls._fitted(counts, trained_on)
        posted = {" ".join(str(lab).split()) for lab in labels if _present(lab)}
        model.posted = np.array([n in posted for n in model.labels], dtype=np.int8)
        model.linear = _linear(titles, labels, descriptions)
        return model

    @classmethod
    def _fitted(cls, counts: Counter, trained_on: int) -> OccupationModel:
        examples = sorted(counts)
        names = sorted({lab for _, lab in examples})
        index = {lab: i for i, lab in enumerate(names)}
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, dtype=np.float32
        )
        seeded = _seed_texts()
        name_texts = [seeded.get(n) or text_of(n) for n in names]
        texts = sorted({t for t, _ in examples} | set(name_texts))
        row = {t: i for i, t in enumerate(texts)}
        x = vectorizer.fit_transform(texts)  # each distinct text once
        weights = np.array([1 + math.log(counts[e]) for e in examples], dtype=np.float32)
        member = sp.csr_matrix(
            (weights, ([index[lab] for _, lab in examples], [row[t] for t, _ in examples])),
            shape=(len(names), len(texts)),
        )
        centroids = normalize((member @ x).tocsr()).astype(np.float32)
        # the name itself stays an anchor: a centroid pulled towards a thousand 'Java Full
        # Stack Entwickler' titles must not lose the plain wish 'Softwareentwickler'
        own = normalize(x[[row[t] for t in name_texts]]).astype(np.float32)
        return cls(vectorizer, centroids, own.tocsr(), np.asarray(names, dtype=object), trained_on)

    def top_k(self, titles: Sequence[object], k: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest occupations of each title (names, cosines), best first.

        A title sharing no n-gram with any occupation gets None and 0.
        """
        codes, given = pd.factorize(pd.Series(list(titles), dtype=object).fillna(""))
        of_given = [text_of(t) for t in given]  # titles repeat: each is reduced once
        distinct = sorted(set(of_given))
        # remembered per model: a coach's `match --participant` asks for the same texts again
        remembered = ((t, self._nearest.get((t, k))) for t in distinct)
        found = {t: hit for t, hit in remembered if hit is not None}
        todo = [t for t in distinct if t not in found]
        if todo:
            near = self._similarity(self.vectorizer.transform(todo), k)
            for row, text in enumerate(todo):
                found[text] = self._best_of(near, row, k)
            if len(self._nearest) + len(todo) > NEAREST_KEPT:  # a nightly run's many titles
                self._nearest.clear()
            if len(todo) <= NEAREST_KEPT:
                self._nearest.update({(t, k): found[t] for t in todo})
        names = np.full((len(distinct), k), None, dtype=object)
        scores = np.zeros((len(distinct), k), dtype=np.float32)
        for row, text in enumerate(distinct):
            found_names, found_scores = found[text]
            names[row, : len(found_names)] = found_names
            scores[row, : len(found_names)] = found_scores
        where = {t: i for i, t in enumerate(distinct)}
        rows = np.array([where[t] for t in of_given], dtype=np.int64)[codes]
        return names[rows], scores[rows]

    def _best_of(self, near: sp.csr_matrix, row: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        """A row's k best occupations. Ties ('Koch/Köchin' and 'Koch/Köchin in
        Feinkostbetrieben' both read 'koch'): one postings carry first, then the shorter name."""
        lo, hi = near.indptr[row], near.indptr[row + 1]
        cols, values = near.indices[lo:hi], near.data[lo:hi]
        best = np.lexsort((self.name_length[cols], -self.posted[cols], -values))[:k]
        return self.labels[cols[best]], values[best]

    def _similarity(self, x: sp.csr_matrix, k: int) -> sp.csr_matrix:
        """Titles x occupations: the larger cosine with the name or with the centroid."""
        if self._transposed is None:  # once per model: the conversion costs more than a query
            self._transposed = (self.centroids.T.tocsr(), self.names.T.tocsr())
        centroids, names = self._transposed
        # split over the cores: a nightly run asks for tens of thousands of titles against
        # ~19,000 names (33,545 titles: 12.1 s on one thread, 3.7 s on two)
        threads = os.cpu_count() or 1
        by_centroid = sp_matmul_topn(x, centroids, top_n=k * 3, n_threads=threads)
        by_name = sp_matmul_topn(x, names, top_n=k * 3, n_threads=threads)
        return by_centroid.maximum(by_name).tocsr()

    def predict(
        self, titles: Sequence[object], descriptions: Sequence[object] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The occupation of each posting and a confidence (0-1)."""
        names, scores = self.predict_top(titles, descriptions, 1)
        return names[:, 0], scores[:, 0]

    def predict_top(
        self, titles: Sequence[object], descriptions: Sequence[object] | None = None, k: int = 3
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k likeliest occupations of each posting and their confidences, best first.

        By the linear model when there is one (confidence: its margin, scaled as
        `_confidence` says), else the nearest centroid (confidence: the cosine).
        """
        if self.linear is None or not len(titles):
            names, cosines = self.top_k(titles, k)
            return names, _centroid_confidence(cosines)
        frame = _features(titles, descriptions)
        codes, distinct = pd.factorize(frame["title"] + "\x1f" + frame["description"])
        margins = np.asarray(self.linear.decision_function(frame.iloc[_firsts(codes)]))
        if margins.ndim == 1:  # two classes: one margin, positive for the second
            margins = np.column_stack([-margins, margins])
        k = min(k, margins.shape[1])
        margins = self._within_named_area(frame["title"].iloc[_firsts(codes)], margins)
        best = np.argsort(-margins, axis=1, kind="stable")[:, :k]
        names = self.linear.classes_[best].astype(object)
        # an occupation ruled out by its title is no prediction at all, not a weak one
        names[np.take_along_axis(margins, best, axis=1) == -np.inf] = None
        scores = _confidence(np.take_along_axis(margins, best, axis=1))
        # nothing to read (no title, no description): no occupation, not the intercepts' guess
        empty = (frame["title"].iloc[_firsts(codes)] == "").to_numpy() & (
            frame["description"].iloc[_firsts(codes)] == ""
        ).to_numpy()
        names[empty], scores[empty] = None, 0.0
        return names[codes], scores[codes]

    def _within_named_area(self, titles: pd.Series, margins: np.ndarray) -> np.ndarray:
        """The margins, with the occupations of another Berufsbereich ruled out where the
        title itself names an occupation (cosine >= SPELLING: the name, spelt otherwise).

        A description talks about colleagues, customers and products (`Qualitätssicherung`
        in a Data Engineer's ad, `Buchhaltung` in an application consultant's); the title is
        what the employer calls the job. So the description may choose among the
        occupations of the field the title names (the employment service files IT system
        engineers as `Data Engineer`, both area 4), never move the posting to another
        field. A title that names no occupation (`Mitarbeiter (m/w/d)`) leaves the
        description free.
        """
        named, cosine = self.top_k(titles.to_numpy(dtype=object), 1)
        area_of = {n: self.describe(n).area for n in set(named[:, 0]) if n is not None}
        title_area = np.array(
            [area_of[n] if n is not None and c >= SPELLING else None
             for n, c in zip(named[:, 0], cosine[:, 0], strict=True)],
            dtype=object,
        )  # fmt: skip
        known = np.flatnonzero(title_area != None)  # noqa: E711 (elementwise)
        if not len(known):
            return margins
        areas = self._class_areas()
        other = (areas != None) & (areas != title_area[known, None])  # noqa: E711
        out = margins.copy()
        out[known] = np.where(other, -np.inf, margins[known])
        return out

    def _class_areas(self) -> np.ndarray:
        """The Berufsbereich (1 digit) of each class of the linear model, None if unknown."""
        if self._areas is None:
            self._areas = np.array(
                [self.describe(str(n)).area for n in self.linear.classes_], dtype=object
            )
        return self._areas

    def describe(self, name: str) -> Occupation:
        """The occupation's KldB type and group: the catalogue's, else that of the seed name
        the label is written almost like ('Fachkraft für Lagerlogistik (m/w/d)' ->
        'Fachkraft - Lagerlogistik'), else unknown."""
        known = self._catalogue.describe(name)
        if known.kldb or not name:
            return known
        if name not in self._spelt_like:
            self._spelt_like[name] = self._seed_spelling(name)
        like = self._spelt_like[name]
        if not like:
            return known
        return self._catalogue.of_code(name, self._catalogue.describe(like).kldb)

    def _seed_spelling(self, name: str) -> str | None:
        """The seed name nearest to `name`, if it is nearly the same text (cosine >= 0.9)."""
        x = normalize(self.vectorizer.transform([text_of(name)]))
        near = (self.names @ x.T).toarray().ravel() * self.seeded
        best = int(near.argmax()) if len(near) else -1
        return str(self.labels[best]) if best >= 0 and near[best] >= SPELLING else None


# labelled postings below which the centroids alone label postings: a linear model of a few
# dozen examples of as many occupations guesses, and its margins mean little
MIN_LINEAR = 200
DESCRIPTION_CHARS = 2000  # the head of a description says the job; the rest is benefits


def _features(titles: Sequence[object], descriptions: Sequence[object] | None) -> pd.DataFrame:
    given = () if descriptions is None else descriptions
    texts = [str(d)[:DESCRIPTION_CHARS] if _present(d) else "" for d in given]
    return pd.DataFrame(
        {
            "title": [text_of(t) if _present(t) else "" for t in titles],
            "description": texts or [""] * len(titles),
        }
    )


def _linear(
    titles: Sequence[object], labels: Sequence[object], descriptions: Sequence[object] | None
) -> Pipeline | None:
    """A linear SVM over title n-grams and description words, as scikit-learn advises for
    text; None with too few labels. Measured against the centroids in bench_occupations."""
    keep = [i for i, (t, lab) in enumerate(zip(titles, labels, strict=True))
            if _present(t) and _present(lab)]  # fmt: skip
    names = [" ".join(str(labels[i]).split()) for i in keep]
    if len(keep) < MIN_LINEAR or len(set(names)) < 2:
        return None
    frame = _features(
        [titles[i] for i in keep],
        [descriptions[i] for i in keep] if descriptions is not None else None,
    )
    grams = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, dtype=np.float32
    )
    columns = [("title", grams, "title")]
    words = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=50_000, dtype=np.float32)
    with_words = [*columns, ("description", words, "description")]
    for parts in (with_words, columns):  # descriptions that share no word: titles alone
        pipeline = Pipeline(
            [("features", ColumnTransformer(parts)), ("svm", LinearSVC(C=0.5, random_state=0))]
        )
        with warnings.catch_warnings():
            # many occupations with one posting each is what a small warehouse has, not a
            # regression target mistaken for classes
            warnings.filterwarnings("ignore", "The number of unique classes", UserWarning)
            try:
                return pipeline.fit(frame, names)
            except ValueError as exc:  # 'After pruning, no terms remain' / 'empty vocabulary'
                if parts is columns or "terms" not in str(exc) and "vocabulary" not in str(exc):
                    raise
    return None


def _centroid_confidence(cosine: np.ndarray) -> np.ndarray:
    """A centroid cosine as 0-1 on the linear model's scale: a title that shares a few
    n-grams with an occupation (cosine 0.4) says nothing; 0.7 is an even bet, 1 is sure."""
    return np.clip((cosine - 0.4) / 0.6, 0, 1).astype(np.float32)


def _firsts(codes: np.ndarray) -> np.ndarray:
    """The row of each code's first occurrence, in code order (texts repeat: reposts)."""
    _, first = np.unique(codes, return_index=True)
    return first


def _confidence(margin: np.ndarray) -> np.ndarray:
    """A linear SVM's margin as 0-1: 0.5 at a margin of -0.25, 0.73 at 0, 0.93 at 0.4.

    On the real-label set (docs/matching.md) predictions with a margin of 0 or more were
    right 76% of the time, of 0.4 or more 87%, of -0.5 or more 54%.
    """
    return (1 / (1 + np.exp(-4 * (margin + 0.25)))).astype(np.float32)


def _present(value: object) -> bool:
    """A value with some text (None, NaN and pd.NA are absent, not the text '<NA>')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return type(value).__name__ not in ("NAType", "NaTType") and bool(str(value).strip())

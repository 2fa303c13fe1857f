"""The occupation channel of the ranker: wishes and vacancies as occupations, with evidence.

Titles say the same job in many ways (`Pflegefachmann`, `Krankenpfleger`,
`Gesundheits- und Krankenpfleger/in`) and different jobs in similar ways (`Lagerhelfer`,
`Bauhelfer`). The employment service labels each of its postings with an occupation; the
occupation model (matching/occupation_model.py) learns title -> occupation from those
labels and the KldB names. Here each vacancy text gets its occupations (its own labels;
else the likeliest predicted ones, each with its confidence) and each wish the occupations
it most likely names. A participant and a vacancy then meet

- on the **same occupation**: one the wish names is one the vacancy has, scored by how sure
  both sides are (the wish's cosine times the vacancy's confidence);
- on the **same occupation group** (KldB 2010, 3 digits: `513 Lagerwirtschaft, Post und
  Zustellung, Güterumschlag`): a related job, and the group is the evidence a coach reads.

Both are participant x vacancy-text matrices, like the title channel; `evidence()` says
for a chosen pair which of them holds. Pure: the model is handed in or fitted here from the
vacancies' own labels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from resque.matching.occupation_model import MIN_LINEAR, OccupationModel

SEPARATOR = "; "  # a Jobsuche posting's occupations: the main one first (spiders/ba_jobsuche)


@dataclass(frozen=True)
class LabelSettings:
    """How much an occupation agreement counts; the defaults are measured in docs/matching.md."""

    wish_floor: float = 0.5  # a wish names an occupation when its cosine is at least this
    wish_margin: float = 0.05  # ... and within this of the wish's best occupation
    # a vacancy without a label of its own keeps its `predicted` likeliest occupations down to
    # this confidence: on the real-label set the right one is often second or third, and an
    # unsure one still ranks it above vacancies of other occupations (its score says how unsure)
    vacancy_floor: float = 0.1
    predicted: int = 5
    group_score: float = 0.3  # same KldB group, different occupation
    group_floor: float = 0.3  # ... when the vacancy's occupation is at least this sure


def labels_of(value: object) -> list[str]:
    """The occupations of a raw `occupation` value ('Koch/Köchin; Beikoch/-köchin')."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part.strip() for part in str(value).split(SEPARATOR) if part.strip()]


def first_label(value: object) -> str | None:
    """The main occupation of a raw `occupation` value, None when there is none."""
    found = labels_of(value)
    return found[0] if found else None


def key_occupations(
    frame: pd.DataFrame,
    keys: np.ndarray,
    key_texts: np.ndarray,
    model: OccupationModel,
    settings: LabelSettings,
) -> pd.DataFrame:
    """(key, occupation, confidence) of each vacancy text `keys` names: the vacancies' own
    labels at 1.0; for those without, the model's `predicted` likeliest occupations at or
    above `vacancy_floor`. A text takes the highest confidence any of its vacancies gives."""
    stated = frame["occupation"]
    has = np.flatnonzero(stated.notna().to_numpy())
    own = [(keys[i], name, 1.0) for i in has for name in labels_of(stated.iat[i])]
    labelled = np.zeros(len(frame), dtype=bool)
    labelled[has] = [bool(labels_of(stated.iat[i])) for i in has]
    parts = [pd.DataFrame(own, columns=["key", "occupation", "confidence"])]
    todo = np.flatnonzero(~labelled)
    if len(todo):
        parts.append(_predicted(frame.iloc[todo], keys[todo], key_texts, model, settings))
    found = pd.concat(parts, ignore_index=True)
    return found.groupby(["key", "occupation"], as_index=False)["confidence"].max()


def _predicted(
    frame: pd.DataFrame,
    keys: np.ndarray,
    key_texts: np.ndarray,
    model: OccupationModel,
    settings: LabelSettings,
) -> pd.DataFrame:
    """(key, occupation, confidence) of the model's likeliest occupations of each vacancy."""
    if model.linear is None:
        # the centroids read the title alone, as the vacancy text key already holds it
        distinct = pd.DataFrame({"key": np.unique(keys)})
        titles, texts = key_texts[distinct["key"].to_numpy()], None
    else:
        # the linear model reads the description too: each distinct (text, key) once
        distinct = frame[["title", "description"]].fillna("").astype(str)
        distinct = distinct.assign(key=keys).drop_duplicates()
        titles = distinct["title"].to_numpy(dtype=object)
        texts = distinct["description"].to_numpy(dtype=object)
    names, scores = model.predict_top(titles, texts, settings.predicted)
    predicted = pd.DataFrame(
        {
            "key": np.repeat(distinct["key"].to_numpy(), names.shape[1]),
            "occupation": names.ravel(),
            "confidence": scores.ravel().astype(float),
        }
    )
    keep = predicted["occupation"].notna() & (predicted["confidence"] >= settings.vacancy_floor)
    return predicted[keep]


def model_for(frame: pd.DataFrame) -> OccupationModel:
    """The model learnt from the vacancies' own labels and the seed (when none is handed in).

    Remembered for the last few distinct training sets: a job coach's `match --participant`
    and the tests rank the same vacancies again and again.
    """
    labels = frame["occupation"].map(first_label)
    known = labels.notna()
    training = pd.DataFrame(
        {
            "title": frame.loc[known, "title"].astype(str),
            "label": labels[known].astype(str),
            "description": frame.loc[known, "description"].fillna("").astype(str),
        }
    )
    if len(training) < MIN_LINEAR:  # only the linear model reads descriptions
        training["description"] = ""
    hashes = pd.util.hash_pandas_object(training, index=False).to_numpy()
    digest = hashlib.sha256(hashes.tobytes()).hexdigest()
    if digest not in _FITTED:
        _FITTED[digest] = OccupationModel.fit(
            training["title"].tolist(),
            training["label"].tolist(),
            descriptions=training["description"].tolist(),
        )
        while len(_FITTED) > 4:
            _FITTED.pop(next(iter(_FITTED)))
    return _FITTED[digest]


_FITTED: dict[str, OccupationModel] = {}  # training-set digest -> model, oldest first


class OccupationChannel:
    """Participant x vacancy-text scores from agreeing occupations, and the evidence of a pair."""

    def __init__(
        self,
        wishes: list[list[str]],
        key_labels: pd.DataFrame,
        n_keys: int,
        model: OccupationModel,
        settings: LabelSettings,
    ) -> None:
        """key_labels: (key, occupation, confidence), one row per occupation of a text."""
        self.model, self.wishes = model, wishes
        self.wish_named = self._wish_occupations(wishes, model, settings)
        named = {n for found in self.wish_named.values() for n in found}
        self.vocabulary = sorted(named | set(key_labels["occupation"]))
        index = {n: i for i, n in enumerate(self.vocabulary)}
        described = [model.describe(n) for n in self.vocabulary]
        groups = pd.Series([o.group for o in described], dtype=object)
        self.group_codes, self.group_values = pd.factorize(groups)
        self.person_labels = self._person_matrix(wishes, index)
        label_codes = key_labels["occupation"].map(index).to_numpy(dtype=np.int64)
        # vacancy texts x occupations: the confidence of each occupation of a text
        self.key_labels = sp.csr_matrix(
            (
                key_labels["confidence"].to_numpy(dtype=np.float32),
                (key_labels["key"].to_numpy(dtype=np.int64), label_codes),
            ),
            shape=(n_keys, len(self.vocabulary)),
        )
        self.group_floor = settings.group_floor
        self.scores = self._scores(settings)

    @staticmethod
    def _wish_occupations(wishes, model, settings) -> dict[str, dict[str, float]]:
        """Wish text -> {occupation: cosine} of the occupations it most likely names."""
        texts = sorted({w for ws in wishes for w in ws if w.strip()})
        if not texts:
            return {}
        names, scores = model.top_k(texts, 3)
        named = {}
        for text, row_names, row_scores in zip(texts, names, scores, strict=True):
            best = float(row_scores[0])
            named[text] = {
                n: float(c)
                for n, c in zip(row_names, row_scores, strict=True)
                if n is not None and c >= settings.wish_floor and c >= best - settings.wish_margin
            }
        return named

    def _person_matrix(self, wishes: list[list[str]], index: dict[str, int]) -> sp.csr_matrix:
        """Participants x occupations: the best cosine with which any wish names it."""
        best: dict[tuple[int, int], float] = {}
        for p, ws in enumerate(wishes):
            for w in ws:
                for name, c in self.wish_named.get(w, {}).items():
                    at = (p, index[name])
                    best[at] = max(best.get(at, 0.0), c)
        rows = np.fromiter((p for p, _ in best), dtype=np.int64, count=len(best))
        cols = np.fromiter((c for _, c in best), dtype=np.int64, count=len(best))
        data = np.fromiter(best.values(), dtype=np.float32, count=len(best))
        return sp.csr_matrix((data, (rows, cols)), shape=(len(wishes), len(index)))

    def _scores(self, settings: LabelSettings) -> sp.csr_matrix:
        """Participants x vacancy texts: the same-occupation or same-group score (the larger)."""
        # same occupation: wish cosine x vacancy confidence (1 x 1 for an own label)
        same = _max_product(self.person_labels, self.key_labels.T.tocsr())
        self.same = same.astype(np.float32)
        sure = self.key_labels.multiply(self.key_labels >= settings.group_floor).tocsr()
        group = _shared(self.person_labels, sure, self.group_codes, len(self.group_values))
        group.data = np.full(len(group.data), settings.group_score, np.float32)
        return same.maximum(group).tocsr().astype(np.float32)

    def evidence(self, persons: np.ndarray, keys: np.ndarray) -> list[dict | None]:
        """Per pair: {'kind': 'occupation', ...} when a wished occupation is the vacancy's,
        {'kind': 'kldb_group', ...} when both lie in one KldB group, else None."""
        person, key = self.person_labels, self.key_labels
        seen: dict[tuple, dict | None] = {}  # participants with the same wishes repeat
        out: list[dict | None] = []
        for p, k in zip(persons, keys, strict=True):
            at = (tuple(self.wishes[p]), k)
            if at not in seen:
                wished = _row(person, p)
                seen[at] = self._pair_evidence(p, wished, _row(key, k))
            out.append(seen[at])
        return out

    def _pair_evidence(self, p: int, wished: dict, offered: dict) -> dict | None:
        both = [label for label in offered if label in wished]
        if both:
            label = max(both, key=lambda c: wished[c] * offered[c])
            name = self.vocabulary[label]
            wish = next((w for w in self.wishes[p] if name in self.wish_named.get(w, {})), None)
            return {
                "kind": "occupation",
                "name": name,
                "kldb": self.model.describe(name).kldb,
                "wish": wish,
                "confidence": round(float(offered[label]), 3),
            }
        groups = {self.group_codes[c] for c in wished} - {-1}
        for label in sorted(offered, key=lambda c: -offered[c]):
            if offered[label] >= self.group_floor and self.group_codes[label] in groups:
                described = self.model.describe(self.vocabulary[label])
                return {
                    "kind": "kldb_group",
                    "group": described.group,
                    "name": described.group_name,
                    "occupation": described.name,
                }
        return None


def _row(matrix: sp.csr_matrix, i: int) -> dict[int, float]:
    """Row i of a CSR matrix as {column: value}."""
    lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
    return dict(zip(matrix.indices[lo:hi].tolist(), matrix.data[lo:hi].tolist(), strict=True))


def _shared(
    person_labels: sp.csr_matrix, key_labels: sp.csr_matrix, codes: np.ndarray, n_codes: int
) -> sp.csr_matrix:
    """Participants x vacancy texts: 1 where a wished occupation and one of the text's lie
    in the same class (`codes`: the class of each occupation, -1 for unknown)."""
    known = codes >= 0
    member = sp.csr_matrix(
        (np.ones(int(known.sum()), np.float32), (np.flatnonzero(known), codes[known])),
        shape=(len(codes), n_codes),
    )
    person = (person_labels.astype(bool).astype(np.float32) @ member).astype(bool)
    keys = (key_labels.astype(bool).astype(np.float32) @ member).astype(bool)
    shared = (person.astype(np.float32) @ keys.T.astype(np.float32)).tocsr()
    shared.data = np.ones(len(shared.data), np.float32)
    return shared


def _max_product(a: sp.csr_matrix, b: sp.csr_matrix) -> sp.csr_matrix:
    """(a @ b) with max instead of sum: the best product over the shared occupations."""
    # one sparse product per slot: as many as the most occupations one vacancy text has
    # (a handful: its own labels, or the `predicted` likeliest ones of its vacancies)
    b = b.tocsc()
    out = sp.csr_matrix((a.shape[0], b.shape[1]), dtype=np.float32)
    counts = np.diff(b.indptr)
    for slot in range(int(counts.max()) if len(counts) else 0):
        has = counts > slot
        cols = np.flatnonzero(has)
        at = b.indptr[cols] + slot
        single = sp.csr_matrix((b.data[at], (b.indices[at], cols)), shape=b.shape, dtype=np.float32)
        out = out.maximum(a @ single)
    return out.tocsr()

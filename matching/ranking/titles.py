"""The occupation channel's index: how close a participant's wishes are to each vacancy title.

Titles and wishes are compared as TF-IDF over character n-grams (profiles.occupation_ngrams),
between distinct texts only (sparse_dot_topn), and spread to the vacancies by a sparse
product. Related occupations come from context: the words the vacancies of an occupation
use. The occupation model's evidence (occupation_match.OccupationChannel) joins both.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sparse_dot_topn import sp_matmul_topn

from resque.matching.ranking import profiles as pf
from resque.matching.ranking.inputs import Jobs, People
from resque.matching.ranking.occupation_match import OccupationChannel
from resque.matching.ranking.settings import Settings


class TitleIndex:
    """Occupation similarity: participant x vacancy-text matrix of the best wish's cosine."""

    def __init__(
        self, people: People, jobs: Jobs, settings: Settings, channel: OccupationChannel
    ) -> None:
        self.channel = channel
        wish_keys = people.wish_keys
        distinct = sorted({k for ks in wish_keys for k in ks if k})
        self.wish_index = {k: i for i, k in enumerate(distinct)}
        job_keys = [k if k else " " for k in jobs.keys]
        n_keys = len(job_keys)
        self.similarity = self._wish_similarity(distinct, job_keys, settings)
        self.title_by_person = self._best_wish(wish_keys, len(people.ids), n_keys)
        # vacancy text key -> vacancies, as a one-hot matrix for the spreading product
        n_jobs = len(jobs.ids)
        self.spread = sp.csr_matrix(
            (np.ones(n_jobs, np.float32), (jobs.key_codes, np.arange(n_jobs))),
            shape=(n_keys, n_jobs),
        )
        self.context_by_person = self._context_similarity(people, jobs, settings)
        self.by_person = self._candidate_keys(settings)
        self.spread_by_job = self.spread.tocsc()  # column slices per block are cheap
        self.key_of_job = jobs.key_codes
        self.jobs_per_key = np.bincount(jobs.key_codes, minlength=n_keys).astype(np.int64)
        self.wish_keys = wish_keys
        self.slot_rows = self._wish_slots(wish_keys, self.wish_index)

    def _wish_similarity(
        self, distinct: list[str], job_keys: list[str], settings: Settings
    ) -> sp.csr_matrix:
        """Distinct wish x vacancy text: cosine of their n-gram TF-IDF, the closest per wish."""
        self.vectorizer = TfidfVectorizer(
            analyzer=pf.occupation_ngrams, sublinear_tf=True, dtype=np.float32
        )
        # fitted on wishes too: n-grams only a wish has ('raum' in 'raumpfleger') must stay
        # in its vector, or the rest ('pfleger') would make it look like every care job
        self.vectorizer.fit([*job_keys, *distinct])
        x_jobs = self.vectorizer.transform(job_keys)
        n_keys = len(job_keys)
        if not distinct:
            return sp.csr_matrix((0, n_keys), dtype=np.float32)
        x_wish = self.vectorizer.transform(distinct)
        return sp_matmul_topn(
            x_wish,
            x_jobs.T.tocsr(),
            top_n=min(settings.key_candidates, n_keys),
            threshold=settings.min_occupation * 0.5,
            sort=False,
        ).tocsr()

    def _candidate_keys(self, settings: Settings) -> sp.csr_matrix:
        """Participant x vacancy text: the occupation similarity of the candidate texts.

        The best of title, occupation and context similarity, capped at settings.max_keys
        texts per participant, plus every text of a wished occupation.
        """
        channel = self.channel
        best = _at_least(self.title_by_person, settings.title_floor).maximum(channel.scores)
        # a related occupation by context (the words its vacancies use) is a candidate only
        # where the shared words include something the participant brings, because on real
        # lists many shared words are boilerplate ('unseres', 'Schulabschluss')
        related = self.context_by_person * settings.context_weight
        brought = self.context_evidence.astype(bool)  # the participant's own words shared
        best = best.maximum(_at_least(related, settings.context_floor).multiply(brought))
        best = best.maximum(related.multiply(channel.scores.astype(bool)))
        by_person = _top_per_row(best.tocsr(), settings.min_occupation, settings.max_keys)
        # one occupation has many titles ('Data Engineer': hundreds): every title of a wished
        # occupation stays a candidate, the cap is for the similar and related ones
        return by_person.maximum(channel.same).tocsr()

    @staticmethod
    def _wish_slots(wish_keys: list[list[str]], wish_index: dict[str, int]) -> np.ndarray:
        """Participant x wish position: the row of that wish in `similarity` (-1: none), so
        best_wishes reads every participant's k-th wish in one vectorised lookup."""
        slots = max((len(ks) for ks in wish_keys), default=0)
        slot_rows = np.full((len(wish_keys), max(slots, 1)), -1, dtype=np.int64)
        for i, ks in enumerate(wish_keys):
            for k, key in enumerate(ks):
                slot_rows[i, k] = wish_index.get(key, -1)
        return slot_rows

    def _context_similarity(self, people: People, jobs: Jobs, settings: Settings) -> sp.csr_matrix:
        """Participant x key similarity of the words vacancies of the wished occupation use.

        Each vacancy text key gets a context: the TF-IDF of the words of its vacancies
        ('Lager', 'Logistikzentrum', 'Verpackung' for 'kommissionierer'). A participant's
        context is that of the keys matching a wish closely; keys with a similar context
        are related occupations ('lagerhelfer'), learned from the vacancies, not a list.
        """
        stems = sorted({t for ts in jobs.terms for t in ts})
        index = {t: i for i, t in enumerate(stems)}
        rows = np.repeat(np.arange(len(jobs.terms)), [len(ts) for ts in jobs.terms])
        cols = [index[t] for ts in jobs.terms for t in ts]
        words = sp.csr_matrix(
            (np.ones(len(cols), np.float32), (rows, cols)), shape=(len(jobs.terms), len(stems))
        )
        counts = (self.spread @ words).tocsr()
        counts.data = np.log1p(counts.data)
        key_df = np.diff(counts.tocsc().indptr)
        n_keys = counts.shape[0]
        idf = np.log((1 + n_keys) / (1 + key_df)) + 1
        idf[key_df > max(2, settings.max_context_share * n_keys)] = 0
        context = normalize(counts @ sp.diags(idf.astype(np.float32)), copy=False).tocsr()
        context.eliminate_zeros()
        close = self.title_by_person.multiply(self.title_by_person >= settings.same_occupation)
        # the titles of the wished occupation count too, however they are worded
        close = close.maximum(self.channel.same.astype(bool).astype(np.float32))
        person = normalize((close @ context).tocsr(), copy=False)
        self.context, self.person_context = context, person.tocsr()
        self.context_stems = np.asarray(stems, dtype=object)
        self.context_evidence = self._brought(people, person.tocsr(), context, index)
        if not person.nnz:
            return sp.csr_matrix(self.title_by_person.shape, dtype=np.float32)
        return sp_matmul_topn(
            person.astype(np.float32),
            context.T.tocsr().astype(np.float32),
            top_n=min(settings.key_candidates, n_keys),
            threshold=settings.min_occupation / max(settings.context_weight, 1e-6) * 0.5,
        ).tocsr()

    @staticmethod
    def _brought(
        people: People, person: sp.csr_matrix, context: sp.csr_matrix, index: dict[str, int]
    ) -> sp.csr_matrix:
        """Participants x vacancy texts: > 0 where both contexts share a word the participant
        brings (a skill, qualification or wish term): the only context a coach is shown."""
        rows, cols = [], []
        for i, (skills, wishes) in enumerate(zip(people.terms, people.wish_terms, strict=True)):
            for term in {**skills, **wishes}:
                if term in index:
                    rows.append(i)
                    cols.append(index[term])
        own = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=person.shape)
        return (person.multiply(own).tocsr() @ context.T.tocsr()).tocsr()

    def shared_words(self, person: int, key: int, brings: dict[str, str], n: int = 3) -> list:
        """The participant's own words (`brings`: stem -> as written) that make a vacancy
        text's context close to theirs, closest first."""
        mine, theirs = self.person_context, self.context
        a = slice(mine.indptr[person], mine.indptr[person + 1])
        b = slice(theirs.indptr[key], theirs.indptr[key + 1])
        _, at_a, at_b = np.intersect1d(
            mine.indices[a], theirs.indices[b], assume_unique=True, return_indices=True
        )
        weight = mine.data[a][at_a] * theirs.data[b][at_b]
        stems = self.context_stems[mine.indices[a][at_a][np.argsort(-weight, kind="stable")]]
        found = [brings[s] for s in stems if s in brings]
        return list(dict.fromkeys(found))[:n]

    def _best_wish(self, wish_keys: list[list[str]], n_people: int, n_keys: int) -> sp.csr_matrix:
        """Participant x key similarity: the maximum over the participant's wishes."""
        best = sp.csr_matrix((n_people, n_keys), dtype=np.float32)
        slots = max((len(ks) for ks in wish_keys), default=0)
        for slot in range(slots):
            rows = [i for i, ks in enumerate(wish_keys) if len(ks) > slot and ks[slot]]
            if not rows:
                continue
            picks = [self.wish_index[wish_keys[i][slot]] for i in rows]
            choose = sp.csr_matrix(
                (np.ones(len(rows), np.float32), (rows, picks)),
                shape=(n_people, self.similarity.shape[0]),
            )
            best = best.maximum(choose @ self.similarity)
        return best.tocsr()

    def pairs_per_person(self, budget: int) -> np.ndarray:
        """Upper bound of candidate pairs per participant (all regions, within the budget)."""
        pairs = np.asarray(self.by_person.astype(bool) @ self.jobs_per_key).ravel()
        return np.minimum(pairs, budget + self.jobs_per_key.max()) if budget else pairs

    def block(self, rows: np.ndarray, cols: np.ndarray, budget: int) -> sp.csr_matrix:
        """Participants `rows` x vacancies `cols`: occupation similarity (sparse).

        Each participant keeps their best-matching vacancy texts until about `budget`
        vacancies are reached: the top k come from the best occupations, and a long tail
        of weakly related ones would only cost time.
        """
        chosen = self.by_person[rows]
        if budget:
            counts = np.bincount(self.key_of_job[cols], minlength=self.by_person.shape[1])
            chosen = _within_budget(chosen, counts, budget)
        return (chosen @ self.spread_by_job[:, cols]).tocsr()

    def best_wishes(
        self, rows: np.ndarray, key_codes: np.ndarray, wishes: list[list[str]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(the wish as written that meets each vacancy text best, its cosine) per pair."""
        coo = self.similarity.tocoo()
        width = self.similarity.shape[1]
        linear = coo.row.astype(np.int64) * width + coo.col
        order = np.argsort(linear, kind="stable")
        known, values = linear[order], coo.data[order]
        best = np.zeros(len(rows), dtype=np.float32)
        slot = np.full(len(rows), -1)
        for k in range(self.slot_rows.shape[1]):
            wish_rows = self.slot_rows[rows, k]
            found = _lookup(wish_rows.astype(np.int64) * width + key_codes, known, values)
            found = np.where(wish_rows >= 0, found, 0)
            better = found > best
            best[better], slot[better] = found[better], k
        text = [wishes[i][k] if k >= 0 else "" for i, k in zip(rows, slot, strict=True)]
        return np.asarray(text, dtype=object), best


def _at_least(matrix: sp.csr_matrix, floor: float) -> sp.csr_matrix:
    """The matrix without its entries below `floor`."""
    kept = matrix.multiply(matrix >= floor).tocsr()
    kept.eliminate_zeros()
    return kept


def _within_budget(matrix: sp.csr_matrix, counts: np.ndarray, budget: int) -> sp.csr_matrix:
    """Each row's entries, best first, while the vacancies they stand for stay within budget."""
    coo = matrix.tocoo()
    order = np.lexsort((-coo.data, coo.row))
    row, col, data = coo.row[order], coo.col[order], coo.data[order]
    size = counts[col].astype(np.int64)
    running = np.cumsum(size)
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.zeros(0, int)
    before = (
        running - size - np.repeat(running[starts] - size[starts], np.diff(np.r_[starts, len(row)]))
    )
    keep = (before < budget) & (size > 0)
    out = sp.csr_matrix((data[keep], (row[keep], col[keep])), shape=matrix.shape, dtype=np.float32)
    out.sort_indices()
    return out


def _top_per_row(matrix: sp.csr_matrix, threshold: float, keep: int) -> sp.csr_matrix:
    """Each row's `keep` largest entries at or above `threshold` (the candidate keys)."""
    coo = matrix.tocoo()
    good = coo.data >= threshold
    row, col, data = coo.row[good], coo.col[good], coo.data[good]
    order = np.lexsort((-data, row))
    row, col, data = row[order], col[order], data[order]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.array([], int)
    rank = np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)]))
    chosen = rank < keep
    pruned = sp.csr_matrix(
        (data[chosen], (row[chosen], col[chosen])), shape=matrix.shape, dtype=np.float32
    )
    pruned.sort_indices()
    return pruned


def _lookup(keys: np.ndarray, known: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values at `keys` where `known` (sorted) has them, else 0."""
    if not len(known):
        return np.zeros(len(keys), np.float32)
    at = np.clip(np.searchsorted(known, keys), 0, len(known) - 1)
    return np.where(known[at] == keys, values[at], 0).astype(np.float32)

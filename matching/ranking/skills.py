"""The skill channel's index: which of a participant's terms a vacancy text names.

A participant's skill, qualification and wish terms are weighted by IDF over the vacancies
(terms most vacancies name say nothing); a vacancy names a term also inside a compound
('Pflege' in 'Grundpflege'), so the match is by word stem, head or tail.
"""

from __future__ import annotations

import bisect
import functools

import numpy as np
import scipy.sparse as sp

from resque.matching.ranking import profiles as pf
from resque.matching.ranking.inputs import Jobs, People
from resque.matching.ranking.settings import Settings


@functools.lru_cache(maxsize=65536)
def _entry_terms(entry: str) -> frozenset[str]:
    """The terms of one skill entry as a participant wrote it (cached: entries repeat)."""
    return frozenset(pf.terms(entry))


class SkillIndex:
    """Skill overlap: share of a participant's terms (IDF-weighted) that a vacancy mentions."""

    def __init__(self, people: People, jobs: Jobs, settings: Settings) -> None:
        self.vacancy_stems = sorted({t for ts in jobs.terms for t in ts})
        self.person_terms = [
            {**ts, **self._with_fields(ws)}
            for ts, ws in zip(people.terms, people.wish_terms, strict=True)
        ]
        vocabulary = sorted({t for ts in self.person_terms for t in ts})
        self.vocabulary = vocabulary
        self.index = {t: i for i, t in enumerate(vocabulary)}
        n_jobs, n_terms = len(jobs.ids), len(vocabulary)
        self.job_terms = self._job_matrix(jobs, n_jobs, n_terms)
        weight = self._term_weights(n_jobs, settings)
        self.by_person = self._person_matrix(weight, len(people.ids), n_terms)

    def _term_weights(self, n_jobs: int, settings: Settings) -> np.ndarray:
        """IDF of each participant term over the vacancies; 0 for a term no vacancy names or
        too many do (settings.max_term_share), because such a term tells jobs apart not at all."""
        df = np.asarray(self.job_terms.sum(axis=0)).ravel()
        idf = np.log((1 + n_jobs) / (1 + df)) + 1
        useful = (df > 0) & (df <= max(1, settings.max_term_share * n_jobs))
        return np.where(useful, idf, 0).astype(np.float32)

    def _person_matrix(self, weight: np.ndarray, n_people: int, n_terms: int) -> sp.spmatrix:
        """Participants x terms, each row's weights summing to 1: a product with a vacancy's
        terms is then the share of the participant's (weighted) terms the vacancy names."""
        rows, cols = [], []
        for i, ts in enumerate(self.person_terms):
            for t in ts:
                rows.append(i)
                cols.append(self.index[t])
        person = sp.csr_matrix(
            (weight[cols] if cols else np.zeros(0, np.float32), (rows, cols)),
            shape=(n_people, n_terms),
        )
        person.eliminate_zeros()
        totals = np.asarray(person.sum(axis=1)).ravel()
        scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
        return sp.diags(scale.astype(np.float32)) @ person

    def _with_fields(self, wish_terms: dict[str, str]) -> dict[str, str]:
        """Wish terms plus the field each compound starts with, as vacancy texts name it.

        'lagerhelfer' adds 'lager' when some vacancy text says 'Lager': the field of a
        wished occupation ('in unserem Lager') is evidence for related jobs.
        """
        out = dict(wish_terms)
        for stem, word in wish_terms.items():
            at = bisect.bisect_left(self.vacancy_stems, stem[:4])
            best = None
            while at < len(self.vacancy_stems) and self.vacancy_stems[at] < stem:
                candidate = self.vacancy_stems[at]
                if stem.startswith(candidate) and len(candidate) >= 4:
                    best = candidate
                at += 1
            if best and best != stem:
                out.setdefault(best, word)
        return out

    def _job_matrix(self, jobs: Jobs, n_jobs: int, n_terms: int) -> sp.csr_matrix:
        """Vacancies x participant terms: 1 where the text names the term or a compound of it."""
        vacancy_stems = sorted({t for ts in jobs.terms for t in ts})
        matches = {stem: self._vocabulary_in(stem) for stem in vacancy_stems}
        rows, cols = [], []
        for j, ts in enumerate(jobs.terms):
            found = set()
            for stem in ts:
                found.update(matches[stem])
            rows.extend([j] * len(found))
            cols.extend(found)
        data = np.ones(len(rows), np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(n_jobs, n_terms))

    def _vocabulary_in(self, stem: str) -> list[int]:
        """Participant terms a vacancy word stem holds: itself, or as head or tail of a compound."""
        found = [self.index[stem]] if stem in self.index else []
        for cut in range(5, len(stem) - 2):
            for part in (stem[:cut], stem[-cut:]):
                if part in self.index:
                    found.append(self.index[part])
        return found

    def block(self, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
        """Participants `rows` x vacancies `cols`: skill share (sparse)."""
        return (self.by_person[rows] @ self.job_terms[cols].T).tocsr()

    def matched(self, person: int, entries: list[str], job_row: int) -> list[str]:
        """The participant's skills (as written) whose terms the vacancy names."""
        start, end = self.job_terms.indptr[job_row], self.job_terms.indptr[job_row + 1]
        named = {self.vocabulary[i] for i in self.job_terms.indices[start:end]}
        return [entry for entry in entries if not named.isdisjoint(_entry_terms(entry))]

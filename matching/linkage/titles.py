"""Title words: which words of a title name the job, and when two titles name different jobs.

Large employers post dozens of different jobs at one address, and often only one word
tells them apart: `Gesundheits- und Krankenpfleger Dermatologie` against `... Notaufnahme`,
`Elektroniker für Betriebstechnik` against `... für Energie- und Gebäudetechnik`. String
similarity calls such titles alike (token set 0.8 and more); here the words themselves
are compared.

- A word of one title is **covered** by the other title if the other has it, if one of
  the other's words begins or ends with it (`buchhaltung` in `finanzbuchhaltung`), if it
  is a compound of two of the other's words (`lagerhelfer` from `helfer lager`), or if it
  is an abbreviation the other spells out (`galabau` / `garten landschaftsbau`). A compound
  is not covered by its last part alone: `Facharzt` is not `Assistenzarzt`.
- The **distinctive** words of a title are its words without generic ones (`mitarbeiter`,
  `helfer`, `fachkraft`, working time, function words). Where both titles fall in one
  occupation group (matching.occupations), the words that name it are synonyms by the
  table and not distinctive: `Staplerfahrer` and `Gabelstaplerfahrer` are one occupation.
- **Different titles** (a hard rule): both titles hold a distinctive word the other does
  not cover, or they name different levels (`Senior`, `Junior`, `Lead`, `Werkstudent`,
  `Praktikant`, ...: LEVEL_WORDS; a level on one side only is a different level).
  Different occupation groups alone are strong evidence, `occupation_differ`, not a rule:
  `Verkäufer` may be the short form of `Bäckereifachverkäufer`.
- **Unshared words** (evidence, not a rule): the IDF-weighted share of the two titles'
  words the other does not cover, where document frequencies are those of the distinct
  titles compared (a rare word such as `Kältetechnik` weighs much, `Mitarbeiter` little);
  and whether one side holds a distinctive word the other lacks.

Pure functions over arrays of normalised title keys (matching.normalise.title_key). The
words are sparse title x word matrices, so a million pairs are compared in scipy, not in
a Python loop.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from resque.matching.linkage.occupations import occupation_span

# Words shared by different roles, or saying how rather than what: they never tell two
# jobs apart on their own. Working time and contract words are compared elsewhere
# (working_time, weekly_hours); gender remnants and function words carry nothing.
GENERIC_WORDS = frozenset(
    """
    mitarbeiter mitarbeiterin helfer helferin hilfe hilfskraft hilfskraefte aushilfe aushilfen
    fachkraft fachkraefte kraft kraefte assistenz assistent assistentin angestellte angestellter
    beschaeftigte arbeiter arbeiterin arbeitskraft arbeitskraefte personal team teammitglied
    kollege kollegin kollegen verstaerkung job jobs stelle stellen position quereinsteiger
    quereinsteigerin quereinstieg vollzeit teilzeit minijob minijobber minijobbasis basis
    aushilfsbasis festanstellung unbefristet befristet sofort ab schicht schichtdienst
    schichtarbeit nachtschicht fruehschicht spaetschicht wochenende stunden std woche
    gesucht dringend neu top klasse und oder fuer im in am an der die das des den dem mit bei
    zur zum als von vom auf ohne m w d x gn innen
    """.split()  # noqa: SIM905 (a word list reads better as words)
)
# Words that say the level of a job: 'Senior Data Engineer' and 'Data Engineer' posted by one
# employer on one day are two openings, as are 'Werkstudent' and 'Praktikant' of one team.
LEVEL_WORDS = frozenset(
    ("senior", "junior", "lead", "principal", "head", "chief")
    + ("werkstudent", "praktikant", "praktikum", "trainee", "volontaer")
)
# Abbreviations common in German job titles, and the words they stand for (folded, as in
# title keys): 'Gärtner GaLaBau' is 'Gärtner Garten- und Landschaftsbau'.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "galabau": ("garten", "landschaftsbau"),
    "shk": ("sanitaer", "heizungs", "klimatechnik"),
    "mfa": ("medizinische", "fachangestellte"),
    "zfa": ("zahnmedizinische", "fachangestellte"),
    "pta": ("pharmazeutisch", "technische", "assistent"),
    "mta": ("medizinisch", "technische", "assistent"),
    "fisi": ("fachinformatiker", "systemintegration"),
    "fiae": ("fachinformatiker", "anwendungsentwicklung"),
    "kfz": ("kraftfahrzeug",),
    "lkw": ("lastkraftwagen",),
    "bwl": ("betriebswirtschaft",),
    "hr": ("personal",),
}
# Shorter parts of a word cover nothing: 'bau' is not covered by 'baumarkt'.
MIN_PART = 4


@dataclass(frozen=True)
class TitleWords:
    """The words of distinct title keys as sparse title x word matrices (one row per title).

    `tokens`: its words, abbreviations beside what they stand for; `cover`: what it covers
    (its tokens, the known words its words begin or end with: 'finanzbuchhaltung' covers
    'buchhaltung'; and known compounds of two of its words: 'helfer lager' covers
    'lagerhelfer'); `distinctive`: tokens without generic words;
    `named`: distinctive tokens without those naming its occupation group; `weight`: tokens
    with their IDF (all tokens, and without the naming ones: `weight_named`); `group`: the
    occupation group's code per title (-1: none)."""

    tokens: sparse.csr_matrix
    cover: sparse.csr_matrix
    distinctive: sparse.csr_matrix
    named: sparse.csr_matrix
    weight: sparse.csr_matrix
    weight_named: sparse.csr_matrix
    group: np.ndarray
    level: np.ndarray


def title_words(keys: np.ndarray) -> TitleWords:
    """The words of distinct title keys (None or '' for a missing title)."""
    texts = [key if isinstance(key, str) else "" for key in keys]
    spans = [occupation_span(text) for text in texts]
    words = [_with_expansions(text.split()) for text in texts]
    vocabulary = set().union(*words) if words else set()
    cover, naming = [], []
    for text, these, found in zip(texts, words, spans, strict=True):
        cover.append(these | _affixes(these, vocabulary) | _compounds(text.split(), vocabulary))
        naming.append(_naming_words(text.split(), found[1]) if found else set())
    tokens = words
    index = {word: i for i, word in enumerate(sorted(set().union(*cover)))}
    token_matrix = _matrix(tokens, index)
    frequency = np.bincount(token_matrix.indices, minlength=len(index))
    idf = np.log((1 + len(texts)) / (1 + frequency)) + 1.0
    generic = [index[w] for w in GENERIC_WORDS if w in index]
    distinctive = _without(token_matrix, generic)
    named = _without(distinctive, None, _matrix(naming, index))
    weight = token_matrix.multiply(idf[np.newaxis, :]).tocsr()
    weight_named = _without(weight, None, _matrix(naming, index))
    groups = pd.factorize(np.array([f[0] if f else None for f in spans], dtype=object))[0]
    levels = pd.factorize(np.array([" ".join(sorted(w & LEVEL_WORDS)) for w in words]))[0]
    return TitleWords(
        token_matrix,
        _matrix(cover, index),
        distinctive,
        named,
        weight,
        weight_named,
        groups,
        levels,
    )


def _with_expansions(words: list[str]) -> set[str]:
    """The words, plus what their abbreviations stand for and the abbreviations of any
    spelt-out words: either spelling covers the other."""
    out = set(words)
    for short, long in ABBREVIATIONS.items():
        if short in out:
            out.update(long)
        elif all(word in out for word in long):
            out.add(short)
    return out


def _compounds(words: list[str], vocabulary: set[str]) -> set[str]:
    """Known words made of two of the words, either way round, with or without a linking
    's' ('helfer lager' covers 'lagerhelfer', 'helfer produktion' 'produktionshelfer')."""
    out = set()
    for first, second in itertools.permutations(words, 2):
        for joint in (first + second, first + "s" + second):
            if joint in vocabulary:
                out.add(joint)
    return out


def _affixes(words: set[str], vocabulary: set[str]) -> set[str]:
    """Known words the words begin or end with ('buchhaltung' in 'finanzbuchhaltung')."""
    out = set()
    for word in words:
        for cut in range(MIN_PART, len(word)):
            for part in (word[:cut], word[-cut:]):
                if part in vocabulary:
                    out.add(part)
    return out


def _naming_words(words: list[str], spans: list[tuple[int, int]]) -> set[str]:
    """The words that overlap a match of the occupation pattern in the compacted title."""
    start, out = 0, set()
    for word in words:
        end = start + len(word)
        if any(a < end and start < b for a, b in spans):
            out.add(word)
        start = end
    return out


def _matrix(rows: list[set[str]], index: dict[str, int]) -> sparse.csr_matrix:
    """A binary title x word matrix."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    columns = np.fromiter(
        (index[w] for row in rows for w in row), dtype=np.int64, count=int(lengths.sum())
    )
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    data = np.ones(len(columns), dtype=np.float64)
    matrix = sparse.csr_matrix((data, columns, indptr), shape=(len(rows), len(index)))
    matrix.sort_indices()
    return matrix


def _without(
    matrix: sparse.csr_matrix, columns: list[int] | None, mask: sparse.csr_matrix | None = None
) -> sparse.csr_matrix:
    """The matrix without some columns, or without the entries of a binary mask."""
    out = matrix
    if columns:
        keep = np.ones(matrix.shape[1])
        keep[columns] = 0.0
        out = out.multiply(keep[np.newaxis, :])
    if mask is not None:
        out = out - out.multiply(mask)
    out = sparse.csr_matrix(out)
    out.eliminate_zeros()
    return out


def _uncovered(matrix: sparse.csr_matrix, cover: sparse.csr_matrix, a, b) -> np.ndarray:
    """Per pair: the sum of row a of `matrix` over the words row b of `cover` lacks."""
    rows = matrix[a]
    covered = rows.multiply(cover[b])
    return np.asarray(rows.sum(axis=1)).ravel() - np.asarray(covered.sum(axis=1)).ravel()


def compare_titles(
    t: TitleWords, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair of title codes (-1: no title), computed once per distinct pair:
    (different titles: bool, IDF-weighted unshared share: float32, distinctive extra on one
    side only: float32). A pair with a missing title is never 'different'."""
    n = len(a)
    differ = np.zeros(n, dtype=bool)
    unshared = np.zeros(n, dtype=np.float32)
    extra = np.zeros(n, dtype=np.float32)
    todo = np.flatnonzero((a >= 0) & (b >= 0) & (a != b))
    if len(todo) == 0:
        return differ, unshared, extra
    size = t.tokens.shape[0]
    inverse, distinct = pd.factorize(a[todo].astype(np.int64) * size + b[todo])
    x, y = distinct // size, distinct % size
    # words naming one occupation group are synonyms by the table, not distinctive
    same = (t.group[x] >= 0) & (t.group[x] == t.group[y])
    rest_x = np.where(
        same, _uncovered(t.named, t.cover, x, y), _uncovered(t.distinctive, t.cover, x, y)
    )
    rest_y = np.where(
        same, _uncovered(t.named, t.cover, y, x), _uncovered(t.distinctive, t.cover, y, x)
    )
    total = np.asarray(t.weight[x].sum(axis=1) + t.weight[y].sum(axis=1)).ravel()
    lost = np.where(
        same,
        _uncovered(t.weight_named, t.cover, x, y) + _uncovered(t.weight_named, t.cover, y, x),
        _uncovered(t.weight, t.cover, x, y) + _uncovered(t.weight, t.cover, y, x),
    )
    share = np.divide(lost, total, out=np.zeros_like(total), where=total > 0)
    other_level = t.level[x] != t.level[y]
    differ[todo] = (((rest_x > 0) & (rest_y > 0)) | other_level)[inverse]
    unshared[todo] = share[inverse]
    extra[todo] = ((rest_x > 0) != (rest_y > 0))[inverse]
    return differ, unshared, extra


def compare_pair(t: TitleWords, a: int, b: int) -> tuple[bool, float, float]:
    """compare_titles for one pair: (different titles, unshared share, extra on one side)."""
    differ, unshared, extra = compare_titles(t, np.array([a]), np.array([b]))
    return bool(differ[0]), float(unshared[0]), float(extra[0])


def conflicts_within(t: TitleWords, title_codes: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Pairs of postings (k x 2, row positions) in one cluster whose titles name different
    jobs, whether or not they were ever compared: A~B and B~C chain A to C.

    Args:
        t: the words of the distinct titles that `title_codes` index (-1: no title).
        title_codes: the title code per posting.
        labels: the cluster label per posting.
    """
    rows = pd.DataFrame({"c": labels, "t": title_codes, "i": np.arange(len(labels))})
    rows = rows[rows["t"] >= 0]
    distinct = rows.drop_duplicates(["c", "t"])
    several = distinct["c"].duplicated(keep=False).to_numpy()
    distinct = distinct[several]
    if distinct.empty:
        return np.empty((0, 2), dtype=np.int64)
    both = distinct.merge(distinct, on="c")
    both = both[both["t_x"] < both["t_y"]]
    differ = compare_titles(t, both["t_x"].to_numpy(), both["t_y"].to_numpy())[0]
    clash = both.loc[differ, ["c", "t_x", "t_y"]]
    if clash.empty:
        return np.empty((0, 2), dtype=np.int64)
    pairs = clash.merge(rows, left_on=["c", "t_x"], right_on=["c", "t"]).merge(
        rows, left_on=["c", "t_y"], right_on=["c", "t"], suffixes=("_a", "_b")
    )
    return pairs[["i_a", "i_b"]].to_numpy(dtype=np.int64)

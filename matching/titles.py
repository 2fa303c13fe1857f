"""Title words: which words of a title name the job, and when two titles name different jobs.

Large employers post dozens of different jobs at one address, and often only one word
tells them apart: `Gesundheits- und Krankenpfleger Dermatologie` against `... Notaufnahme`,
`Elektroniker für Betriebstechnik` against `... für Energie- und Gebäudetechnik`. String
similarity calls such titles alike (token set 0.8 and more); here the words themselves
are compared.

- A word of one title is **covered** by the other title if the other has it, if it is a
  part of the other's words run together (`lager` in `lagerhelfer`), or if it is made of
  the other's words (`lagerhelfer` from `helfer lager`).
- The **distinctive** words of a title are its words without generic ones (`mitarbeiter`,
  `helfer`, `fachkraft`, working time, function words). Where both titles fall in one
  occupation group (matching.occupations), the words that name it are synonyms by the
  table and not distinctive: `Staplerfahrer` and `Gabelstaplerfahrer` are one occupation.
- **Different titles** (a hard rule): both titles hold a distinctive word the other does
  not cover. (Different occupation groups alone are strong evidence, `occupation_differ`,
  not a rule: `Verkäufer` may be the short form of `Bäckereifachverkäufer`.)
- **Unshared words** (evidence, not a rule): the IDF-weighted share of the two titles'
  words the other does not cover, where document frequencies are those of the distinct
  titles compared (a rare word such as `Kältetechnik` weighs much, `Mitarbeiter` little);
  and whether one side holds a distinctive word the other lacks.

Pure functions over arrays of normalised title keys (matching.normalise.title_key).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.occupations import occupation_span

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
# Shorter words cover only as whole words: 'bau' must not be covered by 'baumarkt'.
MIN_PART = 4


@dataclass(frozen=True)
class TitleWords:
    """Per distinct title key: its words, its words run together, its distinctive words,
    its occupation group; and the inverse document frequency of each word."""

    words: list[frozenset[str]]
    compact: list[str]
    distinctive: list[frozenset[str]]
    naming: list[frozenset[str]]
    group: list[str | None]
    idf: dict[str, float]


def title_words(keys: np.ndarray) -> TitleWords:
    """The words of distinct title keys (None or '' for a missing title)."""
    words, compact, distinctive, naming_words, group = [], [], [], [], []
    frequency: Counter[str] = Counter()
    for key in keys:
        text = key if isinstance(key, str) else ""
        these = text.split()
        found = occupation_span(text)
        naming = _naming_words(these, found[1]) if found else frozenset()
        words.append(_with_expansions(these))
        compact.append("".join(these))
        distinctive.append(frozenset(these) - GENERIC_WORDS)
        naming_words.append(naming)
        group.append(found[0] if found else None)
        frequency.update(words[-1])
    total = len(keys)
    idf = {w: math.log((1 + total) / (1 + n)) + 1.0 for w, n in frequency.items()}
    return TitleWords(words, compact, distinctive, naming_words, group, idf)


def _with_expansions(words: list[str]) -> frozenset[str]:
    """The words, plus what their abbreviations stand for and the abbreviations of any
    spelt-out words: either spelling covers the other."""
    out = set(words)
    for short, long in ABBREVIATIONS.items():
        if short in out:
            out.update(long)
        elif all(word in out for word in long):
            out.add(short)
    return frozenset(out)


def _naming_words(words: list[str], spans: list[tuple[int, int]]) -> frozenset[str]:
    """The words that overlap a match of the occupation pattern in the compacted title."""
    start, out = 0, set()
    for word in words:
        end = start + len(word)
        if any(a < end and start < b for a, b in spans):
            out.add(word)
        start = end
    return frozenset(out)


def _covered(word: str, words: frozenset[str], compact: str) -> bool:
    """Whether the other title (its words, run together) covers this word."""
    if word in words or (word in ABBREVIATIONS and all(w in words for w in ABBREVIATIONS[word])):
        return True
    if len(word) < MIN_PART:
        return False
    if word in compact:
        return True
    rest = word
    for other in sorted(words, key=len, reverse=True):  # made of the other's words?
        if len(other) >= 3:
            rest = rest.replace(other, "")
    return len(rest) <= 1  # a linking 's' may remain: 'produktions' + 'helfer'


def _uncovered(words: frozenset[str], other: frozenset[str], compact: str) -> list[str]:
    return [w for w in words if not _covered(w, other, compact)]


def compare_pair(t: TitleWords, a: int, b: int) -> tuple[bool, float, float]:
    """(different titles, IDF-weighted unshared share, distinctive extra on one side)."""
    if a == b:
        return False, 0.0, 0.0
    # words naming one occupation group are synonyms by the table, not unshared words
    same_group = t.group[a] is not None and t.group[a] == t.group[b]
    synonyms = (t.naming[a] | t.naming[b]) if same_group else frozenset()
    extra_a = _uncovered(t.distinctive[a] - synonyms, t.words[b], t.compact[b])
    extra_b = _uncovered(t.distinctive[b] - synonyms, t.words[a], t.compact[a])
    differ = bool(extra_a and extra_b)
    idf = t.idf
    total = sum(idf[w] for w in t.words[a]) + sum(idf[w] for w in t.words[b])
    unshared = sum(
        idf[w] for w in _uncovered(t.words[a], t.words[b], t.compact[b]) if w not in synonyms
    ) + sum(idf[w] for w in _uncovered(t.words[b], t.words[a], t.compact[a]) if w not in synonyms)
    share = unshared / total if total else 0.0
    return differ, share, float(bool(extra_a) != bool(extra_b))


def compare_titles(
    t: TitleWords, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """compare_pair for pairs of title codes (-1: no title), computed once per distinct pair.

    Returns:
        (different: bool, unshared: float32, extra: float32) per pair; a pair with a
        missing title is never 'different' and has no unshared words.
    """
    n = len(a)
    differ = np.zeros(n, dtype=bool)
    unshared = np.zeros(n, dtype=np.float32)
    extra = np.zeros(n, dtype=np.float32)
    todo = np.flatnonzero((a >= 0) & (b >= 0) & (a != b))
    if len(todo) == 0:
        return differ, unshared, extra
    size = len(t.words)
    inverse, distinct = pd.factorize(a[todo].astype(np.int64) * size + b[todo])
    results = [compare_pair(t, int(x // size), int(x % size)) for x in distinct]
    columns = np.array(results, dtype=np.float64).reshape(-1, 3)
    differ[todo] = columns[inverse, 0].astype(bool)
    unshared[todo] = columns[inverse, 1]
    extra[todo] = columns[inverse, 2]
    return differ, unshared, extra


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

"""Blocking: which pairs of postings are worth comparing at all.

Comparing every posting with every other grows with the square of their number. A blocking
rule names key columns; only postings sharing the whole key form candidate pairs. Several
rules (passes) are combined, so a pair missed by one (a typo in the employer, a missing
postcode) is found by another. A block larger than the rule's `max_block` (a temp agency
with hundreds of ads in one town) is not compared all-against-all: its postings are sorted
by title and each is compared with its `window` nearest neighbours (sorted neighbourhood),
so cost stays linear in the block's size.

Pure functions over a DataFrame with one row per posting; pairs are row positions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resque.matching.linkage.codes import CodedFrame, codes, derived


@dataclass(frozen=True)
class BlockingRule:
    """Postings sharing all `columns` (none of them missing) are candidate pairs.

    `explode` names a column holding a list per row (title words): a row then joins one
    block per element. Blocks above `max_block` rows fall back to a sorted neighbourhood of
    `window` rows ordered by the `sort_by` columns. `needs_missing` keeps only pairs where
    that column is missing on at least one side, `needs_different` only pairs whose values
    of that column differ (what other passes cannot find).
    """

    name: str
    columns: tuple[str, ...]
    explode: str | None = None
    max_block: int = 12
    window: int = 6
    sort_by: tuple[str, ...] = ("title_key",)
    needs_missing: str | None = None
    needs_different: str | None = None


# Giant blocks are sorted so that postings of one job sit next to each other.
BY_JOB = ("occupation_key", "title_key")


def default_rules() -> list[BlockingRule]:
    """The passes used by the dedup stage (see docs/dedup.md)."""
    return [
        # the same employer at the same postcode: reposts, cross-source copies, new titles
        BlockingRule("employer_postcode", ("employer_key", "postcode"), sort_by=BY_JOB),
        # the same employer in the same town, one posting without a postcode
        BlockingRule(
            "employer_town", ("employer_key", "town_key"), sort_by=BY_JOB, needs_missing="postcode"
        ),
        # the same place and occupation or title word: other agencies listing the same job,
        # employers spelled differently
        BlockingRule(
            "place_title_word",
            ("place_key",),
            explode="title_words",
            sort_by=BY_JOB,
            needs_different="employer_key",
        ),
        # the same employer and title, one posting without a town
        BlockingRule("employer_title", ("employer_key", "title_key"), needs_missing="town_key"),
    ]


def _block_ids(columns: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """A block number per row from (codes, number of distinct values) per key column;
    -1 where a key column is missing."""
    block = np.zeros(len(columns[0][0]), dtype=np.int64)
    valid = np.ones(len(block), dtype=bool)
    for column_codes, distinct in columns:
        valid &= column_codes >= 0
        block = block * (distinct + 1) + column_codes
    block = pd.factorize(np.where(valid, block, -1))[0].astype(np.int64)
    block[~valid] = -1
    return block


def _rows_and_blocks(frame: pd.DataFrame, rule: BlockingRule) -> tuple[np.ndarray, np.ndarray]:
    """(row position, block number) for every row in a block, exploded when the rule says so."""
    keys = [codes(frame, column) for column in rule.columns]
    if rule.explode is None:
        rows = np.arange(len(frame), dtype=np.int64)
        block = _block_ids([(found, len(distinct)) for found, distinct in keys])
    else:
        rows, elements, distinct_elements = derived(
            frame, ("explode", rule.explode), lambda: _explode(frame[rule.explode])
        )
        exploded = [(found[rows], len(distinct)) for found, distinct in keys]
        block = _block_ids([*exploded, (elements, distinct_elements)])
    keep = block >= 0
    return rows[keep], block[keep]


def _explode(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, int]:
    """(row of each element, code of each element, number of distinct elements) of a column
    holding a list or tuple per row, expanded once per distinct cell: a million postings
    hold only some ten thousand distinct lists of title words."""
    values = cells.to_numpy(dtype=object)
    try:
        found, distinct = pd.factorize(values)
    except TypeError:  # lists are not hashable
        found, distinct = pd.factorize(pd.Series([tuple(v) for v in values], dtype=object))
    sizes = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
    flat = np.fromiter(itertools.chain.from_iterable(distinct), dtype=object, count=sizes.sum())
    element_codes, elements = pd.factorize(flat)
    lengths = np.where(found >= 0, sizes[found], 0)  # a missing cell has no elements
    rows = np.repeat(np.arange(len(values), dtype=np.int64), lengths)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    first = (np.cumsum(sizes) - sizes)[found]
    return rows, element_codes[np.repeat(first, lengths) + within].astype(np.int64), len(elements)


def _all_pairs(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every pair within each block; blocks of one size are enumerated together."""
    lefts, rights = [], []
    for size in np.unique(sizes):
        if size < 2:
            continue
        first = starts[sizes == size]
        i, j = np.triu_indices(int(size), 1)
        lefts.append(order[(first[:, None] + i[None, :]).ravel()])
        rights.append(order[(first[:, None] + j[None, :]).ravel()])
    return _concat(lefts), _concat(rights)


def _neighbour_pairs(
    order: np.ndarray, block_of: np.ndarray, window: int
) -> tuple[np.ndarray, ...]:
    """Pairs of rows at most `window` apart in sort order, within the same block."""
    lefts, rights = [], []
    for step in range(1, window + 1):
        same = block_of[:-step] == block_of[step:]
        lefts.append(order[:-step][same])
        rights.append(order[step:][same])
    return _concat(lefts), _concat(rights)


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def rule_pairs(
    frame: pd.DataFrame, rule: BlockingRule, dirty: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (left < right row positions) of one rule.

    Args:
        frame: one row per posting, with the rule's columns and `sort_by`.
        dirty: optional boolean mask; only blocks holding a dirty row are expanded, and
            only pairs with at least one dirty row are returned (incremental runs).
    """
    rows, block = _rows_and_blocks(frame, rule)
    if dirty is not None:
        touched = np.unique(block[dirty[rows]])
        keep = np.isin(block, touched)
        rows, block = rows[keep], block[keep]
    if len(rows) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    sort_keys = [codes(frame, column, sort=True)[0][rows] for column in reversed(rule.sort_by)]
    position = np.lexsort((rows, *sort_keys, block))
    rows, block = rows[position], block[position]
    boundaries = np.flatnonzero(np.diff(block)) + 1
    starts = np.concatenate([[0], boundaries])
    sizes = np.diff(np.concatenate([starts, [len(block)]]))
    small = sizes <= rule.max_block
    left_small, right_small = _all_pairs(rows, starts[small], sizes[small])
    giant_rows = np.repeat(~small, sizes)
    left_giant, right_giant = _neighbour_pairs(rows[giant_rows], block[giant_rows], rule.window)
    left = np.concatenate([left_small, left_giant])
    right = np.concatenate([right_small, right_giant])
    left, right = np.minimum(left, right), np.maximum(left, right)
    keep = left != right
    if rule.needs_missing is not None:
        missing = frame[rule.needs_missing].isna().to_numpy()
        keep &= missing[left] | missing[right]
    if rule.needs_different is not None:
        different = codes(frame, rule.needs_different)[0]
        keep &= different[left] != different[right]
    if dirty is not None:
        keep &= dirty[left] | dirty[right]
    return left[keep], right[keep]


def candidate_pairs(
    frame: pd.DataFrame, rules: list[BlockingRule], dirty: np.ndarray | None = None
) -> pd.DataFrame:
    """The union of all rules' pairs, each once, with the first rule that found it.

    Returns:
        A frame with `left`, `right` (row positions, left < right) and `blocking_rule`.
    """
    n = max(len(frame), 1)
    frame = frame if isinstance(frame, CodedFrame) else CodedFrame(frame)  # codes shared by rules
    found = [rule_pairs(frame, rule, dirty) for rule in rules]
    if not found:
        return pd.DataFrame({"left": [], "right": [], "blocking_rule": []})
    code = np.concatenate([left * n + right for left, right in found])
    rule_of = np.repeat(np.arange(len(rules)), [len(left) for left, _ in found])
    first = ~pd.Series(code).duplicated(keep="first").to_numpy()  # hashing, no sort
    code, rule_of = code[first], rule_of[first]
    names = pd.Categorical.from_codes(rule_of, categories=[rule.name for rule in rules])
    return pd.DataFrame({"left": code // n, "right": code % n, "blocking_rule": names})


def block_sizes(frame: pd.DataFrame, rule: BlockingRule) -> pd.Series:
    """Rows per block of a rule, largest first (for tuning `max_block`)."""
    _, block = _rows_and_blocks(frame, rule)
    return pd.Series(block).value_counts()

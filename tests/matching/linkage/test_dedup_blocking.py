"""Blocking: candidate pairs within blocks only, linear cost for giant blocks, incremental mode."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resque.matching.linkage.blocking import (
    BlockingRule,
    block_sizes,
    candidate_pairs,
    default_rules,
    rule_pairs,
)


def _frame(rows: list[tuple[str | None, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["employer_key", "town_key", "title_key"])


def _pairs(left: np.ndarray, right: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(left.tolist(), right.tolist(), strict=True))


def test_pairs_only_within_blocks_and_never_with_a_missing_key():
    frame = _frame(
        [
            ("a", "leipzig", "koch"),
            ("a", "leipzig", "koch"),
            ("a", "halle", "koch"),
            ("b", "leipzig", "koch"),
            ("a", "leipzig", "maler"),
            (None, "leipzig", "koch"),
        ]
    )
    rule = BlockingRule("employer_town", ("employer_key", "town_key"))
    assert _pairs(*rule_pairs(frame, rule)) == {(0, 1), (0, 4), (1, 4)}


def test_a_giant_block_falls_back_to_a_sorted_neighbourhood():
    # a temp agency with 2,000 ads in one town: all pairs would be ~2 million
    titles = [f"titel {i % 50:02d}" for i in range(2000)]
    frame = _frame([("agentur", "leipzig", t) for t in titles])
    rule = BlockingRule("employer_town", ("employer_key", "town_key"), max_block=100, window=5)
    left, right = rule_pairs(frame, rule)
    assert len(left) <= 2000 * 5
    # neighbours in title order: equal titles (the likely duplicates) are paired
    found = _pairs(left, right)
    assert (0, 50) in found and (50, 100) in found
    equal = sum(titles[a] == titles[b] for a, b in found)
    assert equal / len(found) > 0.9


def test_small_blocks_next_to_a_giant_block_still_get_all_their_pairs():
    rows = [("agentur", "leipzig", f"t{i}") for i in range(500)]
    rows += [("firma", "leipzig", "koch")] * 4
    rule = BlockingRule("employer_town", ("employer_key", "town_key"), max_block=50, window=3)
    left, right = rule_pairs(_frame(rows), rule)
    found = _pairs(left, right)
    assert {(500, 501), (500, 503), (502, 503)} <= found
    assert len(found) <= 500 * 3 + 6


def test_exploded_words_pair_rows_that_share_any_word():
    frame = pd.DataFrame(
        {
            "place_key": ["04109", "04109", "04109", "04105"],
            "title_words": [["lager", "helfe"], ["helfe"], ["koch"], ["lager"]],
            "title_key": ["a", "b", "c", "d"],
        }
    )
    rule = BlockingRule("place_title_word", ("place_key",), explode="title_words")
    assert _pairs(*rule_pairs(frame, rule)) == {(0, 1)}


def test_incremental_mode_returns_only_pairs_with_a_dirty_row():
    frame = _frame([("a", "leipzig", "koch")] * 4 + [("b", "leipzig", "koch")] * 2)
    dirty = np.array([False, False, True, False, False, False])
    rule = BlockingRule("employer_town", ("employer_key", "town_key"))
    assert _pairs(*rule_pairs(frame, rule, dirty)) == {(0, 2), (1, 2), (2, 3)}


def test_passes_are_combined_and_each_pair_is_listed_once():
    frame = pd.DataFrame(
        {
            "employer_key": ["a", "a", "b"],
            "postcode": ["04109", "04109", "04109"],
            "town_key": ["leipzig", "leipzig", "leipzig"],
            "place_key": ["04109", "04109", "04109"],
            "title_key": ["koch", "koch", "koch"],
            "occupation_key": ["koch", "koch", "koch"],
            "title_words": [["koch"], ["koch"], ["koch"]],
        }
    )
    pairs = candidate_pairs(frame, default_rules())
    assert sorted(zip(pairs["left"], pairs["right"], strict=True)) == [(0, 1), (0, 2), (1, 2)]
    assert pairs.loc[(pairs["left"] == 0) & (pairs["right"] == 1), "blocking_rule"].iloc[0] == (
        "employer_postcode"
    )


def test_block_sizes_report_the_largest_blocks_first():
    frame = _frame([("a", "x", "t")] * 3 + [("b", "x", "t")])
    sizes = block_sizes(frame, BlockingRule("e", ("employer_key",)))
    assert sizes.tolist() == [3, 1]


def test_a_row_without_title_words_joins_no_word_block():
    frame = pd.DataFrame(
        {
            "place_key": ["04109", "04109", "04109"],
            "title_words": [("lager", "helfe"), None, ("koch",)],
            "title_key": ["lagerhelfer", None, "koch"],
        }
    )
    rule = BlockingRule("place_title_word", ("place_key",), explode="title_words")
    left, right = rule_pairs(frame, rule)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == []

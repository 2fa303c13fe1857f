"""Whole dedup runs without a database: full_run, then incremental_run asking a Reader that
answers from frames; and the stored evidence columns derived from the comparisons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from resque.matching.linkage import comparisons
from resque.matching.linkage import dedup as md
from resque.matching.linkage.classifier import default_model
from resque.matching.linkage.incremental import incremental_run
from resque.matching.linkage.stable_ids import singleton_id

LAGER = "Kommissionierung per Handscanner, Verpackung und Versand. Wir bieten 14,50 € pro Stunde."
RAW = [
    "posting_id",
    "source",
    "title",
    "employer",
    "city",
    "street",
    "description",
    "working_time",
    "employment_type",
    "start_date",
    "places",
    "posted_at",
]


def _posting(number: int, title: str, employer: str, source: str = "a", **more) -> dict:
    """A posting as imported: its own one-posting vacancy, never through a dedup run."""
    posting_id = f"p{number:04d}"
    return {
        "posting_id": posting_id,
        "source": source,
        "source_ref": f"R{number}",
        "title": title,
        "employer": employer,
        "postcode": "04109",
        "city": "Leipzig",
        "street": None,
        "description": LAGER,
        "working_time": "full_time",
        "employment_type": None,
        "start_date": dt.date(2027, 1, 1),
        "places": 1,
        "posted_at": dt.date(2026, 11, 1),
        "first_seen": dt.date(2026, 11, number),
        "vacancy_id": singleton_id(posting_id),
        "dedup_run_id": None,
        "dirty": True,
        **dict.fromkeys(md.NORMALISED_COLUMNS.values()),
        "title_words": None,
        **more,
    }


class FrameWarehouse:
    """The postings and evidence tables as frames, read and written as the warehouse does:
    the Reader of an incremental run, the reading function of a full run, and `store`."""

    def __init__(self, postings: list[dict]):
        self.postings = pd.DataFrame(postings)
        self.pairs = pd.DataFrame(columns=md.PAIR_COLUMNS)

    def _keys(self, rows: pd.DataFrame, normalised: bool) -> pd.DataFrame:
        out = pd.DataFrame(
            {
                "posting_id": rows["posting_id"],
                "postcode": rows["postcode"],
                "first_seen": rows["first_seen"],
                "previous_vacancy_id": rows["vacancy_id"],
                "is_new": rows["dedup_run_id"].isna(),
                "is_dirty": rows["dirty"],
            }
        )
        for key, stored in md.NORMALISED_COLUMNS.items() if normalised else ():
            out[key] = rows[stored]
        return out.reset_index(drop=True)

    def read_all(self) -> pd.DataFrame:
        renamed = {"vacancy_id": "previous_vacancy_id", "dirty": "is_dirty"}
        out = self.postings.rename(columns={**renamed, "title_words": md.STORED_WORDS})
        return out.assign(is_new=self.postings["dedup_run_id"].isna())

    # the Reader of matching.linkage.incremental
    def dirty(self) -> pd.DataFrame:
        return self._keys(self.postings[self.postings["dirty"]], normalised=False)

    def rows(self, posting_ids: np.ndarray) -> pd.DataFrame:
        return self.postings.set_index("posting_id").loc[posting_ids].reset_index()[RAW]

    def neighbours(self, keys: pd.DataFrame) -> pd.DataFrame:
        # every settled posting: more than can share a block, which blocking sorts out
        assert {"employer_key", "place_key", "title_words"} <= set(keys.columns)
        return self._keys(self.postings[~self.postings["dirty"]], normalised=True)

    def members(self, vacancy_ids: np.ndarray, read: np.ndarray) -> pd.DataFrame:
        rows = self.postings[
            self.postings["vacancy_id"].isin(vacancy_ids) & ~self.postings["posting_id"].isin(read)
        ]
        return self._keys(rows, normalised=True)

    def stored_pairs(self, posting_ids: np.ndarray) -> pd.DataFrame:
        inside = self.pairs["left_posting_id"].isin(posting_ids) & self.pairs[
            "right_posting_id"
        ].isin(posting_ids)
        return self.pairs.loc[
            inside, ["left_posting_id", "right_posting_id", "probability", "rule"]
        ]

    def taken_ids(self, candidates: np.ndarray, posting_ids: np.ndarray) -> set[str]:
        others = self.postings.loc[~self.postings["posting_id"].isin(posting_ids), "vacancy_id"]
        return set(others) & set(candidates)

    def store(self, writes: md.RunWrites, run_id: int) -> None:
        """What warehouse/linkage.py writes, applied to the frames."""
        at = self.postings.set_index("posting_id")
        ids = writes.postings["posting_id"].to_numpy()
        at.loc[ids, "vacancy_id"] = writes.vacancy_ids
        for key, stored in md.NORMALISED_COLUMNS.items():
            at.loc[ids, stored] = writes.postings[key].to_numpy()
        at.loc[ids, "title_words"] = writes.title_words
        at.loc[ids, ["dirty", "dedup_run_id"]] = [False, run_id]
        self.postings = at.reset_index()
        pairs = writes.pairs.assign(
            left_posting_id=writes.pair_ids[writes.pairs["left"].to_numpy(dtype=np.int64)],
            right_posting_id=writes.pair_ids[writes.pairs["right"].to_numpy(dtype=np.int64)],
        )[md.PAIR_COLUMNS]
        if writes.recompared is None:
            self.pairs = pairs
        else:
            again = self.pairs["left_posting_id"].isin(writes.recompared) | self.pairs[
                "right_posting_id"
            ].isin(writes.recompared)
            self.pairs = pd.concat([self.pairs[~again], pairs], ignore_index=True)

    def vacancy(self, number: int) -> str:
        return self.postings.set_index("posting_id").at[f"p{number:04d}", "vacancy_id"]


def _first_week() -> FrameWarehouse:
    """Two openings, one of them posted twice, through a full run."""
    warehouse = FrameWarehouse(
        [
            _posting(1, "Lagerhelfer (m/w/d)", "Muster Logistik GmbH"),
            _posting(2, "Lagerhelfer*in", "MUSTER LOGISTIK GMBH", source="b"),
            _posting(3, "Koch (m/w/d)", "Gasthof Sonne GmbH", description="Regionale Küche."),
        ]
    )
    writes = md.full_run(warehouse.read_all, default_model())
    assert writes.recompared is None and writes.vacancies is None
    assert writes.stats["compared"] == 3 and writes.stats["changed"] == 3
    warehouse.store(writes, run_id=1)
    return warehouse


def test_a_full_run_merges_the_repost_and_names_it_after_the_oldest_posting():
    warehouse = _first_week()
    assert warehouse.vacancy(1) == warehouse.vacancy(2) == "v0001"
    assert warehouse.vacancy(3) == "v0003"
    assert len(warehouse.pairs) >= 1
    again = md.full_run(warehouse.read_all, default_model())
    assert again.stats["changed"] == 0 and len(again.postings) == 0  # nothing to write twice


def test_an_incremental_run_adds_a_new_posting_to_its_vacancy_and_leaves_the_rest():
    warehouse = _first_week()
    new = [
        _posting(4, "Lagerhelfer (m/w/d)", "Muster Logistik GmbH", source="c"),
        _posting(5, "Verkäufer (m/w/d)", "Bäckerei Korn", description="Brot und Kuchen."),
    ]
    warehouse.postings = pd.concat([warehouse.postings, pd.DataFrame(new)], ignore_index=True)
    writes = incremental_run(warehouse, default_model())
    assert writes is not None
    assert set(writes.recompared) == {"p0004", "p0005"}
    assert writes.stats["compared"] == 2 and writes.stats["merges"] == 0
    # the written postings are the new ones: the vacancy they joined keeps its id and rows
    assert sorted(writes.postings["posting_id"]) == ["p0004", "p0005"]
    assert set(writes.vacancies) >= {"v0001", "v0004", "v0005"}
    assert "v0003" not in set(writes.vacancies)
    warehouse.store(writes, run_id=2)
    assert warehouse.vacancy(4) == warehouse.vacancy(1) == "v0001"
    assert warehouse.vacancy(5) == "v0005" and warehouse.vacancy(3) == "v0003"
    assert incremental_run(warehouse, default_model()) is None  # nothing new or changed


def _prepared(*postings: dict) -> pd.DataFrame:
    """Postings ready for scoring (the stored columns are the warehouse's, not compared)."""
    raw = pd.DataFrame(postings).drop(columns=list(md.NORMALISED_COLUMNS.values()))
    return md.normalise_and_prepare(raw)


def test_each_comparison_names_the_features_it_yields():
    frame = _prepared(_posting(1, "Lagerhelfer", "Muster"), _posting(2, "Koch", "Sonne"))
    left, right = np.array([0]), np.array([1])
    for comparison in comparisons.CHEAP_COMPARISONS + comparisons.COSTLY_COMPARISONS:
        assert tuple(comparison.features(frame, left, right)) == comparison.names(), comparison


def test_the_stored_evidence_columns_are_what_scoring_yields():
    """PAIR_COLUMNS follows from the comparisons: every stored column is one score_pairs
    gives, and what it gives besides is derived again from them (levels, interactions) or
    decides a hard rule only."""
    frame = _prepared(_posting(1, "Lagerhelfer", "Muster"), _posting(2, "Lagerhelfer", "Muster"))
    pairs = pd.DataFrame({"left": [0], "right": [1], "blocking_rule": ["test"]})
    scored = md.score_pairs(frame, pairs, default_model())
    stored = set(md.PAIR_COLUMNS) - {"left_posting_id", "right_posting_id"}
    assert stored <= set(scored.columns)
    features = scored[md.PAIR_FEATURES].copy()
    derived = comparisons.add_interactions(comparisons.add_levels(features))
    extra = set(scored.columns) - stored - {"left", "right"}
    assert extra == (set(derived.columns) - set(md.PAIR_FEATURES)) | set(comparisons.RULE_FEATURES)
    assert set(default_model().features) <= set(derived.columns)
    assert len(md.PAIR_COLUMNS) == len(set(md.PAIR_COLUMNS))

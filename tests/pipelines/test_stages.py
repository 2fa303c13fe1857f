"""The normalise and validate stages over whole batches."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resque.pipelines import stages
from resque.pipelines import values as nz


@pytest.mark.parametrize("rule", list(nz.UNCHANGED_PATTERNS), ids=lambda r: r.__name__)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_values_matching_a_fast_path_pattern_are_left_unchanged(rule, data):
    value = data.draw(st.from_regex(nz.UNCHANGED_PATTERNS[rule], fullmatch=True))
    if value.casefold() not in nz.PLACEHOLDERS:
        assert rule(value) == value


# placeholders, links, messy spaces, and names shouting or not
SAMPLED_VALUES = ["n/a", "https://x.de/a", "www.y.de", " a  b ", "A-1", "GROß GMBH", "MÜLLER gmbh"]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=30),
            st.sampled_from(SAMPLED_VALUES),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_fast_path_gives_the_same_result_as_the_plain_one(monkeypatch_values, values):
    series = pd.Series(values, dtype="str")
    for rule in nz.UNCHANGED_PATTERNS:
        slow = stages.map_unique(series, rule).to_pylist()
        monkeypatch_values.setattr(stages, "FAST_PATH_MIN_ROWS", 1)
        fast = stages.map_unique(series, rule).to_pylist()
        monkeypatch_values.setattr(stages, "FAST_PATH_MIN_ROWS", 5_000)
        assert fast == slow


@pytest.fixture(scope="module")
def monkeypatch_values():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def batch(**columns):
    """A one-source record frame with the given posting columns (others empty)."""
    length = len(next(iter(columns.values())))
    frame = pd.DataFrame(
        {name: [None] * length for name in stages.record_fields("vacancies")}, dtype=object
    )
    frame["source"] = "s"
    for name, values in columns.items():
        frame[name] = pd.Series(values, dtype=object)
    frame["row_number"] = range(2, length + 2)
    return frame


def test_postcode_written_into_the_city_column_is_split_off():
    out = stages.normalise(batch(title=["Koch"], city=["04109 Leipzig"]), "vacancies")
    assert (out["postcode"][0], out["city"][0]) == ("04109", "Leipzig")


def test_source_defaults_fill_only_what_is_missing():
    out = stages.normalise(
        batch(title=["a", "b"], employment_type=[None, "Praktikum"]),
        "vacancies",
        {"employment_type": "apprenticeship"},
    )
    assert out["employment_type"].tolist() == ["apprenticeship", "internship"]


def test_records_without_id_get_the_same_hash_for_the_same_identity():
    out = stages.normalise(
        batch(title=["Koch", "KOCH", "Koch"], employer=["A", "A", "B"]), "vacancies"
    )
    refs = out["source_ref"].tolist()
    assert refs[0] == refs[1] != refs[2]
    assert all(re.fullmatch(r"h:[0-9a-f]{20}", ref) for ref in refs)


def test_validate_gives_the_first_reason_per_row():
    frame = batch(
        source_ref=["1", "2", "2", "3", "4"],
        title=[None, "Koch", "Koch", "x" * 301, "Bäcker"],
        postcode=["1", "04109", None, None, "041O9"],
    )
    reasons = stages.validate(stages.normalise(frame, "vacancies"), "vacancies")[
        stages.REJECT
    ].tolist()
    assert reasons == [
        "no title",
        None,
        "duplicate of row 3 (same id 2)",
        "title longer than 300 characters",
        "invalid postcode '041O9'",
    ]


def test_a_rejected_record_does_not_make_its_twin_a_duplicate():
    frame = batch(source_ref=["1", "1"], title=[None, "Koch"])
    reasons = stages.validate(stages.normalise(frame, "vacancies"), "vacancies")[
        stages.REJECT
    ].tolist()
    assert reasons == ["no title", None]

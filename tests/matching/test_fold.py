"""Text folding has one home (issue 15): one umlaut table, four named ways to fold with it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resque.matching.normalise import (
    UMLAUT_SPELLINGS,
    UMLAUTS,
    fast_fold,
    fold,
    fold_case,
    hours_in_text,
    lower_umlauts,
)
from resque.pipelines.values import weekly_hours
from tests.conftest import ROOT

# 'ä' (or an escape of it) given 'ae' as a dict entry, a pair or replace() arguments.
_A_TO_AE = re.compile(r"""["'](?:ä|\\u00e4|\\xe4|\\N\{[^}]*\})["']\s*[:,]\s*["']ae["']""")


def _package_sources() -> list[Path]:
    """Every .py file of the project outside tests/ (and outside hidden or build folders)."""
    skip = {"tests", "build", "dist", "node_modules", "__pycache__"}
    return [
        path
        for path in ROOT.rglob("*.py")
        if not any(part in skip or part.startswith(".") for part in path.relative_to(ROOT).parts)
    ]


def test_the_umlaut_table_is_written_down_once():
    homes = sorted(
        str(path.relative_to(ROOT))
        for path in _package_sources()
        if _A_TO_AE.search(path.read_text(encoding="utf-8"))
    )
    assert homes == ["matching/normalise.py"], (
        "a second umlaut table: import UMLAUTS or a fold function from matching.normalise"
    )


def test_the_scan_sees_every_spelling_of_a_table():
    for line in (
        '{"ä": "ae"}',
        "str.maketrans({'ä': 'ae'})",
        'text.replace("ä", "ae")',
        '("\\u00e4", "ae")',
        '{"\\xe4": "ae"}',
        '{"\\N{LATIN SMALL LETTER A WITH DIAERESIS}": "ae"}',
    ):
        assert _A_TO_AE.search(line), line
    assert not _A_TO_AE.search('"Verkäufer" -> "verkaeufer"')


def test_matching_normalise_imports_nothing_from_pipelines():
    # pipelines.normalise imports the table from here: an import back would be circular.
    tree = ast.parse((ROOT / "matching" / "normalise.py").read_text(encoding="utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [
        name for name in imported if name and name.split(".")[:2] == ["resque", "pipelines"]
    ]


def test_the_table_spells_lower_case_umlauts_and_sharp_s():
    assert UMLAUT_SPELLINGS == {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
    assert "Ärger".translate(UMLAUTS) == "Ärger"  # upper case: callers lower it first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Präsenz", "praesenz"),
        ("MÜLLER", "mueller"),
        ("Straße", "strasse"),
        ("GROẞ", "gross"),  # capital sharp s
        ("Café", "café"),  # accents stay
        ("40\u00a0Std.", "40\u00a0std."),  # spaces as written, no NFKC
        ("Ka\u0308se", "ka\u0308se"),  # a decomposed umlaut stays decomposed
    ],
)
def test_fold_case_lowers_and_spells_umlauts_only(text, expected):
    assert fold_case(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Müßig", "muessig"),  # lower() keeps 'ß', so the table spells it
        ("ÄRZTEHAUS", "aerztehaus"),
        ("Ha\ufb01sch", "ha\ufb01sch"),  # lower() keeps the 'fi' ligature; casefold expands it
        ("Café & Co", "café & co"),
    ],
)
def test_lower_umlauts_is_lower_with_umlauts_spelled(text, expected):
    assert lower_umlauts(text) == expected


def test_lower_umlauts_and_fold_case_differ_where_lower_and_casefold_do():
    assert fold_case("Ha\ufb01sch") == "hafisch"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Verkäufer*in – Café", "verkaeufer*in - cafe"),  # en dash made '-', accent dropped
        ("Müller\u00a0GmbH", "mueller gmbh"),
        ("Ka\u0308se", "kaese"),  # NFKC composes the umlaut first
        ("Lohn 15 €", "lohn 15 €"),  # other non-ASCII kept
        ("Ørsted", "ørsted"),
        ("４０ Std", "40 std"),  # full-width digits
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Verkäufer*in – Café", "verkaeufer*in  cafe"),  # en dash dropped, accent dropped
        ("Müller\u00a0GmbH", "mueller gmbh"),  # NFKD makes the no-break space a space
        ("Ka\u0308se", "kase"),  # a decomposed umlaut loses its dots
        ("Lohn 15 €", "lohn 15 "),  # every other non-ASCII character dropped
        ("Ørsted", "rsted"),
        ("GROẞE Straße", "grosse strasse"),
    ],
)
def test_fast_fold_is_pure_ascii(text, expected):
    assert fast_fold(text) == expected
    assert fast_fold(text).isascii()


# Composed German text of letters, digits, spaces and accents: where the ranker's texts live.
_GERMAN = st.text(alphabet="abcxyzABCXYZ019 .,-/*()äöüßÄÖÜẞéèàçÉ", max_size=60)


@given(_GERMAN)
def test_fast_fold_agrees_with_fold_on_german_text(text):
    assert fast_fold(text) == fold(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40 Std./Woche", 40.0),
        ("20-25 Std.", 25.0),
        ("38,5 Wochenstunden", 38.5),
        ("8 Std. täglich", 40.0),
        ("Minijob, 40 Std./Monat", 9.2),
        ("30", 30.0),
        ("80 Stunden", None),
        ("Vollzeit", None),
        ("", None),
    ],
)
def test_hours_in_text_and_weekly_hours_read_text_alike(text, expected):
    assert hours_in_text(text) == expected
    assert weekly_hours(text) == expected

"""Sectors as the WZ 2008 classification: section (A-U) and, where the text allows, division.

The chambers classify companies by economic activity; the sources write it as free text
('Zeitarbeit', 'Spedition/Logistik', 'Gewerk: Dachdecker') or now and then as a WZ code
('78.20', 'WZ 2008: 43.22', 'N'). A code maps directly; text maps through the synonym
table matching/data/wz2008_synonyms.csv (provenance: matching/data/PROVENANCE.md).
The raw text is always kept beside the result: an unknown text gives no WZ code, never a
guess, so the report can say "nicht zugeordnet" instead of "ohne Angabe".
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from typing import NamedTuple

# Which divisions make up each section (WZ 2008, Destatis): division ranges per section.
SECTION_DIVISIONS = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}  # fmt: skip
# '78', '78.2', '78.20', '78.20.0', optionally after 'WZ', 'WZ 2008', 'WZ08' and a colon
_CODE = re.compile(
    r"(?:wz\s*(?:20)?08\s*[:-]?\s*|wz\s*[:-]?\s*)?(?P<division>\d{2})(?:\.\d{1,2}(?:\.\d)?)?\b"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
_SECTION = re.compile(r"(?:wz\s*(?:20)?08\s*[:-]?\s*|abschnitt\s+)?(?P<section>[A-U])", re.I)
_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*")
# 'Spedition/Logistik', 'Handwerk - Maler', 'Hotellerie, Gastronomie'
_PARTS = re.compile(r"\s*(?:/|,|;|\s-\s|\s–\s|\bund\b)\s*")
# 'Gewerk: Dachdecker', 'Branche: Logistik'
_LABEL = re.compile(r"^(?:branche|gewerk|wirtschaftszweig|sektor)\s*:\s*", re.IGNORECASE)


class WZ(NamedTuple):
    """A WZ 2008 section letter and, when known, its two-digit division."""

    section: str
    division: str | None = None


def _key(text: str) -> str:
    """Lookup form of a sector text: lower case, single spaces, no trailing punctuation."""
    return re.sub(r"\s+", " ", text).strip(" .:;-").casefold()


@cache
def wz_names() -> dict[str, str]:
    """Official WZ 2008 names of every section (A-U) and division ('01'-'99'), by code."""
    path = resources.files("resque.matching") / "data" / "wz2008.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


@cache
def _synonyms() -> dict[str, WZ]:
    """The synonym table, plus every official section and division name, by lookup key."""
    table = {}
    for code, name in wz_names().items():
        table[_key(name)] = WZ(section_of(code), code if code.isdigit() else None)
    path = resources.files("resque.matching") / "data" / "wz2008_synonyms.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table[_key(row["text"])] = WZ(row["section"], row["division"] or None)
    return table


def section_of(code: str) -> str:
    """The section letter of a section letter or a two-digit division."""
    if not code.isdigit():
        return code.upper()
    number = int(code)
    return next(s for s, (low, high) in SECTION_DIVISIONS.items() if low <= number <= high)


def _from_code(text: str) -> WZ | None:
    """A WZ code at the start of the text ('78.20 Befristete Überlassung', 'WZ 2008: N')."""
    match = _CODE.fullmatch(text)
    if match and match["division"] in wz_names():
        return WZ(section_of(match["division"]), match["division"])
    match = _SECTION.fullmatch(text)
    return WZ(match["section"].upper()) if match else None


def _from_parts(key: str) -> WZ | None:
    """'Spedition/Logistik' -> H: the parts that map must agree on the section."""
    found = [wz for part in _PARTS.split(key) if part and (wz := _synonyms().get(part))]
    if not found or len({wz.section for wz in found}) > 1:
        return None
    divisions = {wz.division for wz in found}
    division = divisions.pop() if len(divisions) == 1 else None
    if division is None:  # one part named the division, the others only the section
        named = {wz.division for wz in found if wz.division}
        division = named.pop() if len(named) == 1 else None
    return WZ(found[0].section, division)


def normalise_sector(text: str | None) -> WZ | None:
    """The WZ 2008 section (and division where the text allows) of a sector text; None if
    the text is empty or names no known sector."""
    if text is None or not str(text).strip():
        return None
    text = _LABEL.sub("", str(text).strip())
    if wz := _from_code(text.strip()):
        return wz
    key = _key(text)
    table = _synonyms()
    if key in table:
        return table[key]
    bare = _key(_PARENTHESES.sub(" ", key))  # 'Zeitarbeit (Logistik)' -> 'zeitarbeit'
    # 'Handwerk (SHK)': the bracket names the trade when the rest names none
    opened = _key(key.replace("(", "/").replace(")", ""))
    return table.get(bare) or _from_parts(bare) or _from_parts(opened)


def wz_section(text: str | None) -> str | None:
    """The WZ 2008 section letter of a sector text, or None."""
    wz = normalise_sector(text)
    return wz.section if wz else None


def wz_division(text: str | None) -> str | None:
    """The WZ 2008 two-digit division of a sector text, or None when the text allows none."""
    wz = normalise_sector(text)
    return wz.division if wz else None

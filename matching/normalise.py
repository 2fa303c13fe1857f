"""Reducing names and titles to what identifies them, for comparing records across sources.

Pure functions, no I/O. The raw value is always kept elsewhere; these produce comparison keys.
"""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Legal forms, longest first so that 'gmbh & co. kg' goes before 'gmbh'.
_LEGAL_FORMS = re.compile(
    r"\b(?:(?:gmbh|ag|se|ug|kg)\s*(?:&|\+|u\.|und)\s*co\.?\s*(?:kgaa|kg|ohg)"
    r"|ug\s*\(haftungsbeschraenkt\)|g\.?\s?m\.?\s?b\.?\s?h\.?|ggmbh|gmbh|mbh|kgaa|ag|kg|ohg|gbr"
    r"|e\.\s?v\.?|e\.\s?k\.?|e\.\s?g\.?|eg|ug|se|inh\.?|ltd\.?|limited|inc\.?|co\.?)(?=\W|$)"
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Case-folded ASCII-ish text: umlauts spelled out, accents dropped."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def employer_key(name: object) -> str | None:
    """A company name without legal form, case or punctuation: 'Müller GmbH' -> 'mueller'."""
    if name is None or not isinstance(name, str) or not name.strip():
        return None
    text = _LEGAL_FORMS.sub(" ", fold(name))
    key = _NON_ALNUM.sub(" ", text).strip()
    return key or _NON_ALNUM.sub(" ", fold(name)).strip() or None

"""Source names a reader outside the project understands: 'ba_jobsuche' -> 'Jobsuche der
Bundesagentur für Arbeit'.

A source's `display_name` in the config wins; else the table below (the bundled sources and
the kinds partners add: chamber boards, job fairs, paper lists); else a readable form of the
slug ('stellenliste_nord_2026' -> 'Stellenliste Nord 2026'). Pure, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

DISPLAY_NAMES = {
    "ba_jobsuche": "Jobsuche der Bundesagentur für Arbeit",
    "ihk_lehrstellen": "IHK-Lehrstellenbörse",
    "ihk_lehrstellen_export": "IHK-Lehrstellenbörse (Export)",
    "hwk_lehrstellen": "Lehrstellen-Radar der Handwerkskammern",
    "chamber_companies": "Firmenverzeichnis von IHK und HWK",
    "jobposting_jsonld": "Karriereseiten der Arbeitgeber",
    "arbeitgeberservice": "Liste des Arbeitgeberservice",
    "firmenliste": "Firmenliste der Partner (Papierliste)",
    "kompetenzanalyse": "Kompetenzanalyse",
}
# Families of slugs partners make up: a prefix and the words it stands for.
PREFIXES = {
    "jobmesse": "Jobmesse",
    "ihk": "IHK",
    "hwk": "HWK",
    "ba": "Bundesagentur für Arbeit",
    "papierliste": "Papierliste",
}
_SPLIT = re.compile(r"[_\-\s.]+")


def display_name(slug: str, configured: Mapping[str, str] | None = None) -> str:
    """The readable name of one source (see the module docstring for the order)."""
    if configured and configured.get(slug):
        return configured[slug]
    if slug in DISPLAY_NAMES:
        return DISPLAY_NAMES[slug]
    words = [w for w in _SPLIT.split(slug) if w]
    if not words:
        return slug
    head = PREFIXES.get(words[0].lower(), words[0][:1].upper() + words[0][1:])
    return " ".join([head, *(_word(w) for w in words[1:])])


def display_names(slugs: Iterable[str] | None, configured: Mapping[str, str] | None = None) -> str:
    """A vacancy's sources as one readable text, each once, in the given order."""
    names = [display_name(str(s), configured) for s in (slugs if slugs is not None else [])]
    return ", ".join(dict.fromkeys(names))


def _word(word: str) -> str:
    return word.upper() if word.lower() in {"ihk", "hwk", "ba"} else word[:1].upper() + word[1:]

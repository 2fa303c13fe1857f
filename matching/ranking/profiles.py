"""Reading what a profile or a vacancy says: occupations, skills, languages, licences, working time.

Pure functions, no I/O. The participant importer uses them to store clean values; the
ranker uses them to compare a profile with a vacancy text. Every function accepts what a
file cell or a warehouse column holds (None, text, lists) and never raises on odd input.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable

from resque.matching.normalise import fast_fold, fold, occupation_text

# --- lists ---------------------------------------------------------------------------------

_LIST_SPLIT = re.compile(r"\s*(?:[;|\n\r•]|,(?![0-9]))\s*")


def split_list(value: object) -> list[str]:
    """A cell or list as clean entries: 'Lager; Küche, Bau' -> ['Lager', 'Küche', 'Bau']."""
    if _is_missing(value):
        return []
    if isinstance(value, str):
        return list(_split_text(value))
    if isinstance(value, Iterable):
        return _clean(p for item in value for p in split_list(item))
    return _clean([str(value)])


@functools.lru_cache(maxsize=65536)
def _split_text(value: str) -> tuple[str, ...]:
    """split_list of one text (cached: ten thousand profiles repeat the same entries)."""
    return tuple(_clean(_LIST_SPLIT.split(value)))


def _clean(parts: Iterable[object]) -> list[str]:
    """The entries without extra spaces, dots and dashes, without 'keine', each once."""
    seen: dict[str, None] = {}
    for part in parts:
        text = _SPACES.sub(" ", str(part)).strip(" .-–")
        if text and text.casefold() not in {"-", "keine", "keiner", "nein", "none", "k.a."}:
            seen.setdefault(text, None)
    return list(seen)


_SPACES = re.compile(r"\s+")


def wish_keys(wishes: object) -> list[str]:
    """Each wish of a cell or list as occupation text, wish by wish ('' where none is left):
    what the ranker compares with vacancy titles ('Verkäuferin' -> 'verkaeufer')."""
    return [occupation_text(w) for w in split_list(wishes)]


def _is_missing(value: object) -> bool:
    """None, NaN, pd.NA or NaT (pandas 3 string columns hold pd.NA; it must not become '<NA>')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


# --- languages (CEFR) ----------------------------------------------------------------------

CEFR = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}
NATIVE = 7
LEVEL_NAMES = {v: k for k, v in CEFR.items()} | {NATIVE: "Muttersprache"}
# Folded language names (German and English) -> the German display name.
LANGUAGES = {
    "deutsch": "Deutsch", "german": "Deutsch",
    "englisch": "Englisch", "english": "Englisch",
    "arabisch": "Arabisch", "arabic": "Arabisch",
    "russisch": "Russisch", "russian": "Russisch",
    "ukrainisch": "Ukrainisch", "ukrainian": "Ukrainisch",
    "persisch": "Persisch", "farsi": "Persisch", "persian": "Persisch", "dari": "Dari",
    "paschtu": "Paschtu", "pashto": "Paschtu", "paschto": "Paschtu",
    "tuerkisch": "Türkisch", "turkish": "Türkisch",
    "kurdisch": "Kurdisch", "kurdish": "Kurdisch", "kurmandschi": "Kurdisch", "sorani": "Kurdisch",
    "tigrinya": "Tigrinya", "tigrinisch": "Tigrinya",
    "franzoesisch": "Französisch", "french": "Französisch",
    "spanisch": "Spanisch", "spanish": "Spanisch",
    "italienisch": "Italienisch", "italian": "Italienisch",
    "polnisch": "Polnisch", "polish": "Polnisch",
    "rumaenisch": "Rumänisch", "romanian": "Rumänisch",
    "bulgarisch": "Bulgarisch", "serbisch": "Serbisch", "kroatisch": "Kroatisch",
    "bosnisch": "Bosnisch", "albanisch": "Albanisch", "georgisch": "Georgisch",
    "armenisch": "Armenisch", "vietnamesisch": "Vietnamesisch", "somali": "Somali",
    "amharisch": "Amharisch", "urdu": "Urdu", "hindi": "Hindi", "tamil": "Tamil",
    "portugiesisch": "Portugiesisch", "griechisch": "Griechisch", "chinesisch": "Chinesisch",
}  # fmt: skip
_CEFR_LEVEL = re.compile(r"\b([abc][12])\b(?:\s*[/-]\s*([abc][12])\b)?", re.IGNORECASE)
_NATIVE_WORDS = re.compile(r"muttersprach|erstsprach|native|mother\s*tongue")
# Words that stand for a level when no CEFR code is given (folded text).
_LEVEL_WORDS = (
    (re.compile(r"verhandlungssicher|fliessend|fluent|sehr gut|exzellent"), 5),
    (re.compile(r"in wort und schrift|gute?\w*\s+\w*kenntnis|\bgut\b|\bgood\b"), 4),
    (re.compile(r"grundkenntnis|grundlage|anfaenger|basic|elementar|einfache"), 2),
)
_LEVEL_BEFORE = re.compile(r"\b([abc][12])\s*-?\s*$")
_LANGUAGE_NAMES = "|".join(sorted(LANGUAGES, key=len, reverse=True))
# A language mentioned in a vacancy text; 'Deutschlandticket' is not a German requirement.
_LANGUAGE_MENTION = re.compile(
    r"\b(" + _LANGUAGE_NAMES + r")(?:kenntnisse|kenntnissen|sprachkenntnisse|e|en|es|em|er)?\b"
)
# Abbreviation dots would end a clause early ('Deutsch mind. B2'): they are dropped first.
_ABBREVIATION_DOT = re.compile(r"\b(mind|min|ca|bzw|ggf|inkl|kl|nr|evtl|vorh|erf|z\.b|u\.a)\.")
_OPTIONAL = re.compile(
    r"wuenschenswert|von vorteil|vorteilhaft|idealerweise|optional|\bgern\b|\bgerne\b"
    r"|waere schoen|erwuenscht|kein muss|nicht erforderlich|nicht notwendig|plus\b"
)


def _without_abbreviation_dots(key: str) -> str:
    """'deutsch mind. b2' -> 'deutsch mind b2', so that only real sentence ends split clauses."""
    return _ABBREVIATION_DOT.sub(lambda m: m.group(1).replace(".", ""), key)


def parse_language(entry: str) -> tuple[str, int | None] | None:
    """'Deutsch B1' -> ('Deutsch', 3); 'Arabisch (Muttersprache)' -> ('Arabisch', 7)."""
    key = fold(entry)
    name = None
    for word in re.findall(r"[a-z]+", key):
        if word in LANGUAGES:
            name = LANGUAGES[word]
            break
    if name is None:
        words = re.findall(r"[^\W\d_]{3,}", entry)
        if not words:
            return None
        name = words[0].capitalize()
    return name, _level_in(key)


def _level_in(key: str) -> int | None:
    """The CEFR level a folded text states (the higher of 'B1/B2'), else None."""
    if _NATIVE_WORDS.search(key):
        return NATIVE
    match = _CEFR_LEVEL.search(key)
    if match:
        levels = [CEFR[g.upper()] for g in match.groups() if g]
        return max(levels)
    for pattern, level in _LEVEL_WORDS:
        if pattern.search(key):
            return level
    return None


def language_label(name: str, level: int | None) -> str:
    """('Deutsch', 3) -> 'Deutsch B1'."""
    return name if level is None else f"{name} {LEVEL_NAMES[level]}"


def parse_languages(value: object) -> list[str]:
    """A languages cell as stored labels: 'Deutsch B1; Arabisch' -> ['Deutsch B1', 'Arabisch']."""
    labels: dict[str, None] = {}
    for entry in split_list(value):
        parsed = parse_language(entry)
        if parsed:
            labels.setdefault(language_label(*parsed), None)
    return list(labels)


def language_levels(labels: object) -> dict[str, int]:
    """Stored labels as {language: level}; a language without level counts as A1."""
    levels: dict[str, int] = {}
    for entry in split_list(labels):
        parsed = parse_language(entry)
        if parsed:
            name, level = parsed
            levels[name] = max(levels.get(name, 0), level or 1)
    return levels


def required_languages(text: object) -> dict[str, int]:
    """Language levels a vacancy text asks for: 'Deutsch mind. B2' -> {'Deutsch': 4}.

    A mention without level means basic knowledge (A2); an optional one ('Englisch von
    Vorteil') is no requirement.
    """
    if not isinstance(text, str) or not text:
        return {}
    return _languages_in(_without_abbreviation_dots(fold(text)))


def _languages_in(key: str) -> dict[str, int]:
    """required_languages of a folded text without abbreviation dots."""
    found: dict[str, int] = {}
    mentions = list(_LANGUAGE_MENTION.finditer(key))
    for index, mention in enumerate(mentions):
        end = mentions[index + 1].start() if index + 1 < len(mentions) else len(key)
        after = key[mention.end() : min(end, mention.end() + 40)]
        previous_end = mentions[index - 1].end() if index else 0
        before = key[max(previous_end, mention.start() - 30) : mention.start()]
        clause = re.split(r"[.;!?]\s|\n", after, maxsplit=1)[0]
        if _OPTIONAL.search(clause) or _OPTIONAL.search(before[-15:]):
            continue
        right_before = _LEVEL_BEFORE.search(before)  # 'B1-Deutschkenntnisse'
        level = _level_in(clause) or (CEFR[right_before.group(1).upper()] if right_before else None)
        level = level or CEFR["A2"]
        name = LANGUAGES[mention.group(1)]
        found[name] = max(found.get(name, 0), min(level, CEFR["C2"]))
    return found


# --- driving and forklift licences ---------------------------------------------------------

FORKLIFT = "Stapler"
# A licence class and the classes it includes (Fahrerlaubnisverordnung: CE includes C, BE, ...).
LICENCE_INCLUDES = {
    "AM": {"AM"}, "A1": {"A1", "AM"}, "A2": {"A2", "A1", "AM"}, "A": {"A", "A2", "A1", "AM"},
    "B": {"B", "AM", "L"}, "BE": {"BE", "B", "AM", "L"},
    "C1": {"C1", "B", "AM", "L"}, "C1E": {"C1E", "C1", "BE", "B", "AM", "L"},
    "C": {"C", "C1", "B", "AM", "L"}, "CE": {"CE", "C", "C1E", "C1", "BE", "B", "T", "AM", "L"},
    "D1": {"D1", "B", "AM", "L"}, "D1E": {"D1E", "D1", "BE", "B", "AM", "L"},
    "D": {"D", "D1", "B", "AM", "L"}, "DE": {"DE", "D", "D1E", "D1", "BE", "B", "AM", "L"},
    "T": {"T", "L", "AM"}, "L": {"L"},
    FORKLIFT: {FORKLIFT},
}  # fmt: skip
LICENCE_BITS = {code: 1 << bit for bit, code in enumerate(LICENCE_INCLUDES)}
_CLASS = r"(c1e|d1e|c1|d1|ce|be|de|am|a1|a2|[abcdlt])"
_FORKLIFT_WORDS = re.compile(
    r"stapler|flurfoerderzeug|gabelstapler|forklift|fahrausweis fuer flurfoerder"
)
# 'FS' only as a word of its own: inside a word it is a verb ending ('du darfst', 'hilfst'),
# and 'darfst du' would read as the tractor class T
_LICENCE_WORDS = r"(?:fuehrerschein|fahrerlaubnis|\bfs\b|driving licen[cs]e|licen[cs]e)"
_LICENCE_CLASS = re.compile(
    _LICENCE_WORDS
    + r"\w*\s*(?:der\s*)?(?:klassen?|kl\.?)?\s*:?\s*"
    + _CLASS
    + r"\b(?:\s*(?:/|,|und|oder|bzw\.?)\s*"
    + _CLASS
    + r"\b)?"
)
_CLASS_THEN_WORD = re.compile(r"\b(?:klasse|kl\.?)\s*" + _CLASS + r"\b")
_DRIVER_TITLE = re.compile(
    r"(?:kraftfahrer|berufskraftfahrer|lkw\s*-?\s*fahrer|fahrer\w*|bkf)\W*(?:\w+\W+){0,2}?"
    r"(?:klasse\s*)?\(?\b(c1e|ce|c1|c)\b"
)
_CAR_LICENCE = re.compile(r"pkw\s*-?\s*fuehrerschein|\bfuehrerschein\b(?!\s*(?:klasse|kl\b))")


def parse_licences(value: object) -> list[str]:
    """A participant's licences as codes: 'B, CE, Staplerschein' -> ['B', 'CE', 'Stapler']."""
    codes: dict[str, None] = {}
    for entry in split_list(value):
        key = fold(entry)
        if _FORKLIFT_WORDS.search(key):
            codes.setdefault(FORKLIFT, None)
            key = _FORKLIFT_WORDS.sub(" ", key)
        for part in re.split(r"[\s,/+]+|\bund\b", key):
            part = part.strip("().:")
            part = re.sub(r"^(?:klasse|kl)", "", part)
            if part.upper() in LICENCE_INCLUDES and part.upper() != FORKLIFT.upper():
                codes.setdefault(part.upper(), None)
        if re.search(r"pkw|auto|car", key) and "B" not in codes:
            codes.setdefault("B", None)
    return sorted(codes, key=list(LICENCE_INCLUDES).index)


def licence_mask(codes: Iterable[str]) -> int:
    """Bit mask of every licence the codes include (CE includes C, C1, BE, B, ...)."""
    mask = 0
    for code in codes:
        for included in LICENCE_INCLUDES.get(code, ()):
            mask |= LICENCE_BITS[included]
    return mask


# A licence the employer helps to get is no requirement ('Staplerschein kann erworben werden').
_OFFERED = re.compile(
    r"kann\s+(?:\w+\s+){0,3}erworben|wird\s+(?:\w+\s+){0,2}(?:finanziert|ermoeglicht"
    r"|bezahlt|uebernommen)|erwerb\w* (?:des|eines)|machen koennen"
)


def required_licences(text: object) -> tuple[list[str], list[str]]:
    """(required, preferred) licence codes a vacancy title and text ask for.

    'Führerschein Klasse B' -> B; 'Staplerschein' -> Stapler; 'Berufskraftfahrer CE' -> CE;
    'C/CE' asks for the lower class C. A mention marked optional ('Führerschein von
    Vorteil', 'Staplerschein kann erworben werden') is preferred, not required.
    """
    if not isinstance(text, str) or not text:
        return [], []
    return _licences_in(_without_abbreviation_dots(fold(text)))


def _licences_in(key: str) -> tuple[list[str], list[str]]:
    """required_licences of a folded text without abbreviation dots."""
    required: dict[str, None] = {}
    preferred: dict[str, None] = {}
    for code, start, end in _licence_mentions(key):
        clause = key[start : min(len(key), end + 60)]
        clause = re.split(r"[.;!?]\s|\n", clause, maxsplit=1)[0]
        before = key[max(0, start - 20) : start]
        optional = _OPTIONAL.search(clause) or _OPTIONAL.search(before) or _OFFERED.search(clause)
        (preferred if optional else required).setdefault(code, None)
    preferred = {c: None for c in preferred if c not in required}
    return list(required), list(preferred)


def _licence_mentions(key: str) -> list[tuple[str, int, int]]:
    """(code, start, end) of each licence a folded text mentions.

    Each pattern runs only when a cheap substring says it can match: most vacancy texts
    name no licence, and this runs for every one of them.
    """
    found = []
    if "fuehrerschein" in key or "fahrerlaubnis" in key or "fs" in key or "licen" in key:
        for match in _LICENCE_CLASS.finditer(key):
            classes = [g.upper() for g in match.groups() if g]
            # 'C/CE' or 'B oder BE': either will do, so the lower (first listed) class counts
            found.append((classes[0], match.start(), match.end()))
    if "kl" in key:
        for match in _CLASS_THEN_WORD.finditer(key):
            found.append((match.group(1).upper(), match.start(), match.end()))
    if "fahrer" in key or "bkf" in key:
        for match in _DRIVER_TITLE.finditer(key):
            found.append((match.group(1).upper(), match.start(), match.end()))
    if "stapler" in key or "flurfoerder" in key or "forklift" in key:
        for match in _FORKLIFT_WORDS.finditer(key):
            found.append((FORKLIFT, match.start(), match.end()))
    if "fuehrerschein" in key or "pkw" in key:
        covered = [(s, e) for _, s, e in found]
        for match in _CAR_LICENCE.finditer(key):
            if not any(s <= match.start() < e for s, e in covered):
                found.append(("B", match.start(), match.end()))
    return found


# --- working time --------------------------------------------------------------------------

WORKING_TIMES = ("full_time", "part_time", "full_or_part_time", "shift", "minijob")
_NO_SHIFT = re.compile(r"(?:keine?|ohne|nicht)\s*(?:\w+\s+)?(?:schicht|nacht|wochenend)|no shift")
_SHIFT_WORDS = re.compile(r"schicht|nachtdienst|fruehdienst|spaetdienst|\bshift")


def accepts_shift(value: object) -> bool | None:
    """What a wish says about shifts: 'Teilzeit, keine Schicht' -> False, 'auch Schicht' -> True."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = fold(value)
    if _NO_SHIFT.search(key):
        return False
    if _SHIFT_WORDS.search(key):
        return True
    return None


def is_shift_work(text: object) -> bool:
    """Whether a vacancy text asks for shift work ('3-Schicht', 'Früh-, Spät- und Nachtschicht')."""
    return isinstance(text, str) and bool(_SHIFT_WORDS.search(fold(text)))


def working_time_fits(wish: str | None, offered: str | None) -> bool:
    """Whether an offered working time fits the wished one (unknown on either side fits)."""
    if wish is None or offered is None or wish == "full_or_part_time":
        return True
    if offered == "full_or_part_time":
        return True
    if wish == "full_time":
        return offered in ("full_time", "shift")
    if wish in ("part_time", "minijob"):
        return offered in ("part_time", "minijob", "shift")
    if wish == "shift":
        return offered in ("full_time", "shift")
    return True


# --- radius and dates ----------------------------------------------------------------------

_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
UNLIMITED_RADIUS_KM = 1000.0


def parse_radius_km(value: object) -> float | None:
    """Mobility radius in km: '25 km', 'bis 30', 30.0; 'bundesweit' -> 1000; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) and 0 <= number <= UNLIMITED_RADIUS_KM else None
    key = fold(str(value))
    if re.search(r"bundesweit|deutschlandweit|unbegrenzt|egal|beliebig|nationwide", key):
        return UNLIMITED_RADIUS_KM
    numbers = [float(n.replace(",", ".")) for n in _NUMBER.findall(key)]
    if not numbers:
        return None
    radius = max(numbers)
    return radius if radius <= UNLIMITED_RADIUS_KM else None


# --- occupation text and skill terms -------------------------------------------------------


FIELD_BOOST = 2  # extra copies of the n-grams from the first half of each word
NGRAM_SIZES = (3, 4, 5)


def occupation_ngrams(text: str) -> list[str]:
    """Character 3-5-grams of an occupation text, those of each word's first half repeated.

    German compounds put the field first and the role last ('Lager|helfer',
    'Pflege|helfer'): sharing the field ('Lagerhelfer' ~ 'Lagerfachkraft') says more about
    two occupations than sharing the role ('Lagerhelfer' ~ 'Pflegehelfer'), so the n-grams
    of the first half of a word count more.
    """
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        head = max(5, len(word) // 2)
        for n in NGRAM_SIZES:
            for start in range(len(padded) - n + 1):
                gram = padded[start : start + n]
                grams.append(gram)
                if start < head - n + 2:
                    grams.extend([gram] * FIELD_BOOST)
    return grams


# fmt: off
STOP_WORDS = frozenset((
    "aber", "alle", "als", "also", "am", "an", "auch", "auf", "aus", "bei", "beim", "bis",
    "das", "dass", "dem", "den", "der", "des", "die", "dies", "diese", "du", "durch", "ein",
    "eine", "einem", "einen", "einer", "eines", "er", "es", "fuer", "gute", "gut", "hat", "im",
    "in", "ist", "ihr", "ihre", "ihren", "ihrer", "kann", "mit", "nach", "oder", "ohne",
    "sehr", "sich", "sie", "sind", "so", "und", "unser", "unsere", "unseren", "uns", "von",
    "vor", "wir", "wie", "zu", "zum", "zur", "zwischen", "bzw", "ca", "etc", "ggf", "inkl",
    "mind", "mindestens", "min", "sowie", "the", "and", "or", "with", "of", "for", "in", "to",
    "a", "an", "erfahrung", "erfahrungen", "kenntnis", "kenntnisse", "kenntnissen",
    "grundkenntnisse", "faehigkeit", "faehigkeiten", "bereitschaft", "arbeit", "arbeiten",
    "taetigkeit", "taetigkeiten", "bereich", "bereichen", "aufgaben", "aufgabe",
    "anforderungen", "bieten", "suchen", "sucht", "wichtig", "erforderlich", "voraussetzung",
    "voraussetzungen", "abgeschlossene", "abgeschlossener", "abgeschlossen", "anerkannt",
    "anerkennung", "nicht", "laufend", "offen", "beantragt", "jahre", "jahr", "monate",
    "monat", "neben", "eigene", "eigenen", "deutsch", "englisch", "niveau", "sprache",
    "sprachen",
))
# fmt: on
_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ungen", "innen", "ern", "ung", "en", "er", "es", "e", "n", "s")
_MIN_STEM = 4


def stem(word: str) -> str:
    """A crude German stem: 'kommissionierung' and 'kommissionierer' -> 'kommissionier'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def terms(text: object) -> dict[str, str]:
    """{stem: first word} of the content words of a text, stop words left out."""
    if not isinstance(text, str) or not text:
        return {}
    return _terms_in(fold(text))


_STEMS: dict[str, str | None] = {}


def _terms_in(key: str) -> dict[str, str]:
    """terms() of a folded text; each distinct word is stemmed once per process."""
    found: dict[str, str] = {}
    for word in _WORD.findall(key):
        root = _STEMS.get(word, "")
        if root == "":
            keep = len(word) >= 3 and word not in STOP_WORDS and not word.isdigit()
            root = _STEMS[word] = stem(word) if keep else None
        if root is not None and root not in found:
            found[root] = word
    return found


# Cheap substring checks that tell which slow pattern can match at all.
_LICENCE_HINTS = ("fuehrer", "fahrer", "stapler", "flurfoerder", "klasse", "kl ", "pkw", "fs ")
_SHIFT_HINTS = ("schicht", "dienst", "shift")


def parse_vacancy_text(text: str) -> dict:
    """Everything the ranker reads from one vacancy text, folding it once.

    Returns {'terms', 'required', 'preferred', 'languages', 'shift'} as terms(),
    required_licences(), required_languages() and is_shift_work() would.
    """
    key = fast_fold(text) if text else ""
    plain = _without_abbreviation_dots(key)
    has_licence = any(hint in key for hint in _LICENCE_HINTS)
    required, preferred = _licences_in(plain) if has_licence else ([], [])
    languages = _languages_in(plain)
    shift = any(hint in key for hint in _SHIFT_HINTS) and bool(_SHIFT_WORDS.search(key))
    return {
        "terms": _terms_in(key),
        "required": required,
        "preferred": preferred,
        "languages": languages,
        "shift": shift,
    }

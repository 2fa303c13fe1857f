"""Reducing titles, names and places to what identifies them, for comparing records across sources.

Pure functions, no I/O. The raw value is always kept elsewhere; these produce comparison keys:

- `title_key`: a job title without gender markers, gendered word forms, working-time and
  place tails, recruiting prefixes and punctuation ('Verkäufer*in (m/w/d) - Vollzeit' ->
  'verkaeufer').
- `employer_key`: a company name without legal form ('Müller GmbH & Co. KG' -> 'mueller').
- `town_key` / `city_key`: a place name without postcode, district or state suffix
  ('04109 Leipzig-Plagwitz' -> 'leipzig').
- `is_agency`: whether an employer name is a temp or placement agency.
- `posting_hours`: weekly hours stated in a title or description (`hours_in_text` is the
  rule, which pipelines.normalise.weekly_hours applies to source values too).
- `fold`, `fast_fold`, `fold_case`, `lower_umlauts`: the package's text folding, all on
  the one umlaut table `UMLAUTS`.
- `client_key`: the client a temp agency's ad names ('Einsatz bei einem Logistikdienstleister
  in Leipzig' -> 'logistikdienstleister').
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The package's one umlaut table (issue 15): ASCII-only German writes 'ä' as 'ae', so
# 'Müller' and 'Mueller' must give one key. Lower case only, as every user lowers case first;
# 'ß' matters after lower() (casefold() already spells it 'ss').
UMLAUT_SPELLINGS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
UMLAUTS = str.maketrans(UMLAUT_SPELLINGS)
# Legal forms, longest first so that 'gmbh & co. kg' goes before 'gmbh'.
_LEGAL_FORMS = re.compile(
    r"\b(?:(?:gmbh|ag|se|ug|kg)\s*(?:&|\+|u\.|und)\s*co\.?\s*(?:kgaa|kg|ohg)"
    r"|ug\s*\(haftungsbeschraenkt\)|gemeinnuetzige\s+gmbh|g\.?\s?m\.?\s?b\.?\s?h\.?|ggmbh|gmbh|mbh|kgaa|ag|kg|ohg|gbr"
    r"|e\.\s?v\.?|ev|e\.\s?k\.?|e\.\s?g\.?|eg|ug|se|inh\.?|ltd\.?|limited|inc\.?|co\.?)(?=\W|$)"
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class _Marks(dict):
    """str.translate table for fold_marks, filled the first time each character is seen.

    Filled lazily because the character categories of all of Unicode take half a second
    to scan, and most text is ASCII and never looks here.
    """

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        category = unicodedata.category(char)
        if category[0] == "Z":  # every space, line and paragraph separator
            out = " "
        elif category == "Pd" or char in _MORE_DASHES:
            out = "-"
        elif category == "Cf":  # zero-width space, joiners, word joiner, BOM, soft hyphen
            out = ""
        elif category == "Nd":  # Arabic-Indic and other decimal digits
            out = str(unicodedata.digit(char))
        else:
            out = char
        self[codepoint] = out
        return out


# Dash-like characters outside the 'Pd' category: minus signs and the hyphen bullet.
_MORE_DASHES = frozenset("\u2212\u2043\u02d7\u2796\ufe63\uff0d")
_MARKS = _Marks()


def fold_marks(text: str) -> str:
    """Text with its look-alike characters made plain, case and letters kept.

    NFKC first (full-width digits and letters, '＠', ligatures), then every Unicode space
    (no-break, narrow, thin, figure, ideographic, ...) as ' ', every dash (en, em, minus,
    non-breaking hyphen, ...) as '-', any decimal digit as its ASCII digit, and invisible
    format characters (zero-width space and joiners, word joiner, BOM, soft hyphen)
    removed. Used wherever two spellings must compare equal: comparison keys, header keys,
    pseudonym source ids and the privacy guard, which must see '0176\u00a012345678' and
    'max\u200b@web.de' as what they are.
    """
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else text.translate(_MARKS)


def fold_case(text: str) -> str:
    """Case-folded text with umlauts spelled out, nothing else: 'Präsenz' -> 'praesenz'.

    Accents and look-alike characters stay, so patterns over it see the text as written;
    the normalise stage's category rules and `hours_in_text` read this.
    """
    return text.casefold().translate(UMLAUTS)


def lower_umlauts(text: str) -> str:
    """lower() with umlauts spelled out: 'Müßig' -> 'muessig'.

    For names built from file names and company names (inbox sources, sample domains):
    lower() keeps what casefold() would expand ('ﬁ' stays one non-ASCII character), so
    these names stay as they were before the table was shared.
    """
    return text.lower().translate(UMLAUTS)


def fold(text: str) -> str:
    """Case-folded ASCII-ish text: fold_marks, then umlauts spelled out, accents dropped.

    Other non-ASCII characters ('€', 'ø') are kept.
    """
    text = fold_case(fold_marks(text))
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# str.replace per entry of the table: four passes in C are seven times faster than
# translate's lookup per character, and unrolled (no loop) they cost short texts nothing.
# Unpacking fails at import if the table grows, so fast_fold cannot silently fall behind it.
(_A, _AE), (_O, _OE), (_U, _UE), (_SZ, _SS) = UMLAUT_SPELLINGS.items()


def fast_fold(text: str) -> str:
    """fold() for long texts: case folded, umlauts spelled out, then pure ASCII.

    The ranker folds ~100k vacancy texts with it. Unlike fold: no fold_marks (NFKD still
    turns no-break and thin spaces into ' '), so an en dash, '€' or 'ø' is dropped rather
    than kept or made '-', and a decomposed umlaut ('a' + U+0308) becomes 'a', not 'ae'
    (stored texts are NFC, so their umlauts are composed). Its readers' patterns are ASCII.
    """
    key = text.casefold().replace(_A, _AE).replace(_O, _OE).replace(_U, _UE).replace(_SZ, _SS)
    if key.isascii():
        return key
    return unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")


def employer_key(name: object) -> str | None:
    """A company name without legal form, case or punctuation: 'Müller GmbH' -> 'mueller'."""
    if name is None or not isinstance(name, str) or not name.strip():
        return None
    text = _LEGAL_FORMS.sub(" ", fold(name))
    key = _NON_ALNUM.sub(" ", text).strip()
    return key or _NON_ALNUM.sub(" ", fold(name)).strip() or None


# --- agencies ------------------------------------------------------------------------------

_AGENCY = re.compile(
    r"zeitarbeit|leiharbeit|personal\s*-?\s*(?:service|dienst|partner|agentur|vermittlung|leasing"
    r"|kontor|management|loesung|werk)|personal\b|arbeitnehmerueberlassung|staff|temp\b|\bperso"
    r"|jobvermittlung|arbeitsvermittlung|personalvermittlung|recruiting|\bjobs?\b"
)


def is_agency(name: object) -> bool:
    """True if an employer name reads like a temp or placement agency ('Personalservice Mitte')."""
    if not isinstance(name, str) or not name:
        return False
    return bool(_AGENCY.search(fold(name)))


# --- titles --------------------------------------------------------------------------------

# Binnen-I before case folding: 'VerkäuferIn', 'MitarbeiterInnen'.
_BINNEN_I = re.compile(r"(?<=[a-zäöüß])In(?:nen)?\b")
_GENDER_LETTER = r"(?:m|w|d|f|x|i|div\.?|divers|inter)"
_GENDER_MARKERS = re.compile(
    r"\(\s*" + _GENDER_LETTER + r"(?:\s*[/|,\\-]\s*" + _GENDER_LETTER + r"){1,3}\s*\)"
    r"|(?<![\w/])" + _GENDER_LETTER + r"(?:\s*[/|]\s*" + _GENDER_LETTER + r"){2,3}(?![\w/])"
    r"|\(\s*(?:mwd|wmd|all\s*genders?|alle\s*geschlechter|gn\*?|geschlechtsneutral)\s*\)"
    r"|\ball\s*genders?\b|\bmwd\b"
)
# Gendered word forms: 'Verkäufer*in', 'Helfer:in', 'Mitarbeiter/-in', 'Mitarbeiter(in)',
# 'Mitarbeiter_innen', 'Kaufmann/-frau', 'Pflegefachfrau/-mann', 'anerkannte/r'.
_GENDER_SUFFIX = re.compile(
    r"(?<=[a-z])(?:\*|:|_|/-?|\(|-)innen\)?(?![a-z])|(?<=[a-z])(?:\*|:|_|/-?|\()in\)?(?![a-z])"
)
_MANN_FRAU = re.compile(r"(?<=[a-z])(mann|frau)\s*/\s*-?\s*(?:[a-z]*?)(?:frau|mann)(?![a-z])")
_SLASH_R = re.compile(r"(?<=[a-z]e)/r(?![a-z])")
_FRAU_WORD = re.compile(r"(?<=[a-z])frau(?=en\b|\b)")
# Feminine forms of masculine titles: 'Verkäuferin', 'Friseurin', 'Fachlageristin'.
_FEMININE = re.compile(r"(?<=[a-z]{3})(er|eur|ist|ant|ent|or|ar|eut|ot|at)in(?:nen)?\b")
_IRREGULAR_FEMININE = {
    "koechin": "koch",
    "aerztin": "arzt",
    "zahnaerztin": "zahnarzt",
    "tieraerztin": "tierarzt",
    "anwaeltin": "anwalt",
    "baeuerin": "bauer",
    "beamtin": "beamter",
    "kollegin": "kollege",
    "fachaerztin": "facharzt",
}
_PREFIXES = re.compile(
    r"^(?:(?:wir\s+suchen|wir\s+stellen\s+ein|gesucht|ab\s+sofort\s+gesucht|dringend\s+gesucht"
    r"|stellenangebot|stellenanzeige|jobangebot|job|neu|top\s*-?\s*job|sofort)\s*[:!\-–]\s*)+"
)
# Working-time and start words that say nothing about which job it is.
_TAIL_WORDS = (
    r"vollzeit|teilzeit|\bvz\b|\btz\b|minijob|aushilfe auf minijobbasis|festanstellung|unbefristet"
    r"|befristet|ab\s+sofort|sofort|zum\s+naechstmoeglichen\s+zeitpunkt|quereinstieg\s+moeglich"
    r"|quereinsteiger\s+willkommen|auch\s+fuer\s+quereinsteiger|schichtarbeit|schichtdienst"
    r"|im\s+[0-9]+\s*-?\s*schicht\s*-?\s*(?:system|betrieb)|[0-9]+\s*-?\s*schicht(?:system)?"
    r"|wechselschicht|nachtschicht|in\s+vollzeit|in\s+teilzeit|in\s+voll\s*-?\s*oder\s+teilzeit"
    r"|voll\s*-?\s*oder\s+teilzeit|vollzeit\s*/\s*teilzeit|teilzeit\s*/\s*vollzeit|gesucht"
    r"|dringend|mit\s+uebernahmeoption|direktvermittlung|in\s+festanstellung|top\s*-?\s*gehalt"
    r"|(?:[0-9]+(?:[.,][0-9]+)?\s*(?:-|bis)\s*)?[0-9]+(?:[.,][0-9]+)?\s*(?:std|stunden|h)\.?"
    r"(?:\s*(?:/|pro|je)\s*(?:woche|wo))?\.?"
)
_TAIL_SEGMENT = re.compile(
    r"\s*(?:[-–—,|/+]|\(|\bund\b)?\s*\(?\s*(?:" + _TAIL_WORDS + r")\s*\)?\s*$"
)
# Words after 'in'/'bei' that are no place: 'Arzt in Weiterbildung Neurologie',
# 'Pflegefachkraft in Leitungsfunktion' (title_key and title_occupations both keep them).
_NOT_A_PLACE = (
    r"weiterbildung|ausbildung|anstellung|festanstellung|vertretung|elternzeit|leitung"
    r"|leitungsfunktion|kooperation|kombination|zusammenarbeit"
)
# 'in Leipzig', 'in 04109 Leipzig-Plagwitz', 'in Halle (Saale)', 'Raum Leipzig' at the end.
_PLACE_TAIL = re.compile(
    r"\s*[-–,]?\s*(?:\bin\b|\bim\s+raum\b|\braum\b|\bstandort\b|\bbei\b)\s+"
    r"(?!der\b|die\b|das\b|dem\b|den\b|einem\b|einer\b|unserem\b|unserer\b|"
    + _NOT_A_PLACE
    + r")(?:[0-9]{5}\s+)?[a-z][a-z.]*(?:[-/ ][a-z][a-z.]*){0,2}(?:\s*\([a-z ]+\))?\s*$"
)
_PUNCT = re.compile(r"[^a-z0-9]+")
# A postcode left in a title ('Data Engineer, 71282 Hemmingen') says where, not which job.
_POSTCODE_WORD = re.compile(r"[0-9]{5}")
# Words that are filler in titles, never what tells two jobs apart: gender letters left
# over, conjunctions, articles and prepositions ('Kaufmann im Einzelhandel').
# fmt: off
_FILLER = frozenset((
    "m", "w", "d", "x", "f", "r", "in", "innen", "und", "oder", "bzw", "u", "im", "fuer", "der",
    "die", "das", "den", "dem", "des", "zum", "zur", "mit", "von", "vom", "bei", "am", "an",
    "auf", "als", "fur",
))
# fmt: on


def _strip_gender(text: str) -> str:
    """Gender markers and gendered endings removed; the masculine base form kept."""
    text = _GENDER_MARKERS.sub(" ", text)
    text = _MANN_FRAU.sub(r"\1", text)
    text = _GENDER_SUFFIX.sub("", text)
    text = _SLASH_R.sub("", text)
    text = _FRAU_WORD.sub("mann", text)
    return text


# A title without any of these words has no tail to strip (a cheap test before the costly one).
_TAIL_HINT = re.compile(
    r"zeit|sofort|befrist|schicht|quereinst|minijob|festanst|gesucht|dringend|std|stunden|\bh\b"
    r"|\bin\b|\bim\b|raum|standort|\bbei\b|\bvz\b|\btz\b|uebernahme|direktverm|gehalt|aushilfe"
)


def _strip_tails(text: str) -> str:
    """Working-time, start and place tails removed from the end, repeatedly."""
    if not _TAIL_HINT.search(text):
        return text
    for _ in range(6):
        shorter = _TAIL_SEGMENT.sub("", text)
        shorter = _PLACE_TAIL.sub("", shorter) if shorter == text else shorter
        if shorter == text or not shorter.strip(" -–,"):
            return text
        text = shorter
    return text


def _base_word(word: str) -> str:
    """A feminine word form reduced to the masculine base ('verkaeuferin' -> 'verkaeufer')."""
    if word in _IRREGULAR_FEMININE:
        return _IRREGULAR_FEMININE[word]
    if word.endswith("kraefte"):  # plural: 'Reinigungskräfte'
        return word[:-7] + "kraft"
    if word.endswith("in") or word.endswith("innen"):
        return _FEMININE.sub(r"\1", word)
    return word


def title_key(title: object) -> str | None:
    """A job title reduced to the words that say which job it is.

    'Verkäufer*in (m/w/d) - Vollzeit' -> 'verkaeufer'; 'Wir suchen: Kaufmann/-frau für
    Büromanagement in Leipzig' -> 'kaufmann fuer bueromanagement'. Words repeated by a
    gender pair ('Kassierer / Kassiererin') are kept once. None for empty titles.
    """
    if not isinstance(title, str) or not title.strip():
        return None
    text = fold(_BINNEN_I.sub("", title))
    text = " ".join(_strip_gender(text).split())  # one space, as pre_clean_titles leaves it
    text = _PREFIXES.sub("", text.strip())
    # 'Müller GmbH: Lagerhelfer', 'Ausbildung 2027: Koch': the job is after the colon
    head, colon, rest = text.rpartition(": ")
    if colon and rest.strip():
        text = rest
    text = _strip_tails(text)
    words: list[str] = []
    for raw in _PUNCT.split(text):
        if not raw or raw in _FILLER or _POSTCODE_WORD.fullmatch(raw):
            continue
        word = _base_word(raw)
        if word not in words:
            words.append(word)
    return " ".join(words) or _PUNCT.sub(" ", fold(title)).strip() or None


def strip_context(key: str | None, employer: str | None, town: str | None) -> str | None:
    """A title key without the employer's or town's words ('lagerhelfer mueller' -> 'lagerhelfer').

    Titles sometimes carry the employer's name or the town as a prefix or suffix; the words
    are dropped only if something else remains.
    """
    if not key:
        return key
    drop = set()
    if employer:
        drop.update(employer.split())
    if town:
        drop.update(town.split())
    if not drop:
        return key
    words = [w for w in key.split() if w not in drop]
    return " ".join(words) if words else key


# --- places --------------------------------------------------------------------------------

_POSTCODE = re.compile(r"(?<![0-9])[0-9]{5}(?![0-9])")
_PAREN = re.compile(r"\([^)]*\)")
_STATE_SUFFIX = re.compile(
    r",\s*(?:sachs(?:en)?|sa|sachsen\s*-?\s*anhalt|thuer(?:ingen)?|th|bayern|bay|by|brandenburg|bb"
    r"|hessen|he|nrw|nordrhein\s*-?\s*westfalen|niedersachsen|nds|ni|berlin|be|hamburg|hh"
    r"|bremen|hb|saarland|sl|rheinland\s*-?\s*pfalz|rlp|rp|schleswig\s*-?\s*holstein|sh"
    r"|mecklenburg\s*-?\s*vorpommern|mv|baden\s*-?\s*wuerttemberg|bw|deutschland|germany|de)"
    r"\.?\s*$"
)
# The qualifiers of a town that are part of its name and tell towns apart.
_TWO_WORD_TOWNS = frozenset(("bad", "sankt", "st", "neu", "gross", "klein", "alt", "hohen"))


def city_key(city: object) -> str | None:
    """A place name folded, without postcode, state suffix or bracketed district.

    '04109 Leipzig' -> 'leipzig'; 'LEIPZIG, Sachs' -> 'leipzig'; 'Leipzig (Gohlis)' ->
    'leipzig'; 'Leipzig-Plagwitz' -> 'leipzig plagwitz' (town_key drops the district).
    """
    if not isinstance(city, str) or not city.strip():
        return None
    text = fold(city)
    text = _POSTCODE.sub(" ", text)
    text = _STATE_SUFFIX.sub("", text)
    text = _PAREN.sub(" ", text)
    text = text.split(",")[0].split("/")[0]
    key = _PUNCT.sub(" ", text).strip()
    return key or None


def town_key(city: object) -> str | None:
    """The town a place name is in, districts dropped: 'Leipzig-Plagwitz' -> 'leipzig'.

    Towns whose first word is a common qualifier ('Bad Düben', 'Sankt Egidien') keep two
    words, so 'Bad Düben' and 'Bad Lausick' stay apart.
    """
    key = city_key(city)
    if key is None:
        return None
    words = key.split()
    if words[0] in _TWO_WORD_TOWNS and len(words) > 1:
        return f"{words[0]} {words[1]}"
    return words[0]


# --- working hours -------------------------------------------------------------------------

# A decimal number, with the German comma or a point ('38,5').
NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
_HOURS = re.compile(
    r"(?:(" + NUMBER + r")\s*(?:-|–|—|bis|und)\s*)?(" + NUMBER + r")\s*-?\s*"
    r"(?:wochenstunden|stunden|stunde|std|hours|hour|hrs|hr|h)\b\.?"
    r"(?:\s*(?:/|pro|je|im|in der|per|a)?\s*(tag|taeglich|day|monat|monatlich|mtl|month))?"
)
_BARE_NUMBER = re.compile(NUMBER)
_WEEKS_PER_MONTH = 52 / 12


def decimal(text: str) -> float:
    """A float from a NUMBER match, accepting the German decimal comma."""
    return float(text.replace(",", "."))


def plausible_hours(hours: float) -> float | None:
    """Hours per week if plausible (1..60), else None."""
    return hours if 1 <= hours <= 60 else None


def hours_in_text(text: str) -> float | None:
    """Weekly working hours a text states ('40 Std./Woche', '20-25 Std.' -> 25.0), or None.

    Here rather than in pipelines.normalise (which applies it to source values) so that
    matching needs nothing from pipelines.
    """
    key = fold_case(text).strip()
    if _BARE_NUMBER.fullmatch(key):
        return plausible_hours(decimal(key))
    match = _HOURS.search(key)
    if match is None:
        return None
    hours = decimal(match[2])
    if match[1]:
        hours = max(hours, decimal(match[1]))
    period = match[3]
    # '8 Std./Tag' and minijob '40 Std./Monat' must not read as 8 or 40 hours a week.
    if period in ("tag", "taeglich", "day"):
        hours *= 5
    elif period:
        hours = round(hours / _WEEKS_PER_MONTH, 1)
    return plausible_hours(hours)


def posting_hours(title: object, description: object = None) -> float | None:
    """Weekly hours stated in the title, else in the description ('Teilzeit 20 Std./Woche')."""
    for text in (title, description):
        if isinstance(text, str) and text:
            hours = hours_in_text(text[:2000])
            if hours is not None:
                return hours
    return None


_PHRASE_END = r"(.+?)(?:\s+(?:in|im|am|aus|suchen)\b|\s*\(|[.,;:]|$)"
_CLIENT_PATTERNS = [
    re.compile(r"einsatz\s+bei\s+(?:ein\w*\s+)?" + _PHRASE_END),
    re.compile(r"\bkunde\w*\s+(?:ist\s+)?(?:ein\w*\s+)" + _PHRASE_END),
    re.compile(r"festanstellung\s+bei\s+(?:ein\w*\s+)?" + _PHRASE_END),
    re.compile(r"\bfuer\s+(?:einen|eine|ein)\s+(?!einsatz|direkte)" + _PHRASE_END),
]


def client_key(description: object) -> str | None:
    """The head noun of the client a temp agency's ad describes, if it names one.

    Agencies hide the client's name but say what it is ('Unser Kunde ist ein
    Logistikdienstleister', 'Einsatz bei einer Klinik'); two agencies offering the same
    job name the same kind of client. Only the last word of the phrase is kept, so
    declension ('einem', 'ein') does not matter.
    """
    if not isinstance(description, str) or not description:
        return None
    text = fold(description[:600])
    for pattern in _CLIENT_PATTERNS:
        match = pattern.search(text)
        if match:
            words = _PUNCT.sub(" ", match[1]).split()
            return words[-1] if words else None
    return None


# --- the same rules over whole columns (Arrow's RE2, no Python loop per row) -----------------

# RE2 has no look-ahead: the patterns run in turn, as client_key tries them.
_CLIENT_RE2 = [
    r"einsatz\s+bei\s+(?:ein\w*\s+)?(?P<p>[^.,;:(]+?)(?:\s+(?:in|im|am|aus|suchen)\b|\s*\(|[.,;:]|$)",
    r"\bkunde\w*\s+(?:ist\s+)?ein\w*\s+(?P<p>[^.,;:(]+?)(?:\s+(?:in|im|am|aus|suchen)\b|\s*\(|[.,;:]|$)",
    r"festanstellung\s+bei\s+(?:ein\w*\s+)?(?P<p>[^.,;:(]+?)(?:\s+(?:in|im|am|aus|suchen)\b|\s*\(|[.,;:]|$)",
    r"\b(?:für|fuer)\s+(?:einen|eine|ein)\s+(?P<p>[^.,;:(]+?)(?:\s+(?:in|im|am|aus|suchen)\b|\s*\(|[.,;:]|$)",
]


def _lower_head(texts: pd.Series, chars: int) -> pa.Array:
    """The first `chars` characters of each text, lower-cased, as an Arrow array."""
    return pc.utf8_lower(pc.utf8_slice_codeunits(_arrow_texts(texts), 0, chars))


def _arrow_texts(texts: pd.Series) -> pa.Array:
    """A text column as an Arrow array: without a copy if pandas keeps it in Arrow already."""
    if isinstance(texts.dtype, pd.StringDtype):
        return pa.array(texts, from_pandas=True)
    return pa.array(texts.astype(object).where(texts.notna(), None), pa.string(), from_pandas=True)


def description_keys(descriptions: pd.Series, chars: int) -> np.ndarray:
    """Each description's first `chars` characters, lower-cased (None where missing)."""
    return np.asarray(_lower_head(descriptions, chars).to_pandas(), dtype=object)


def client_keys(descriptions: pd.Series) -> np.ndarray:
    """client_key for a whole column: the same rules, run by Arrow's regex engine."""
    text = _lower_head(descriptions, 600)
    found = np.full(len(descriptions), None, dtype=object)
    for pattern in _CLIENT_RE2:
        phrase = pc.struct_field(pc.extract_regex(text, pattern), [0])
        phrase = np.asarray(phrase.to_pandas(), dtype=object)
        todo = pd.isna(found) & pd.notna(phrase)
        found[todo] = phrase[todo]
    heads = {p: _client_head(p) for p in pd.unique(found[pd.notna(found)])}
    return np.array([heads.get(p) if p is not None else None for p in found], dtype=object)


def _client_head(phrase: str) -> str | None:
    words = _PUNCT.sub(" ", fold(phrase)).split()
    if not words or words[0] in ("einsatz", "direkte"):
        return None
    return words[-1]


# hours_in_text's pattern in RE2 (on lower-cased, not folded, text), plus
# the character after it, so that the Python rule can check the word ends there.
_HOURS_RE2 = (
    r"(?P<h>(?:[0-9]+(?:[.,][0-9]+)?\s*(?:-|–|—|bis|und)\s*)?[0-9]+(?:[.,][0-9]+)?\s*-?\s*"
    r"(?:wochenstunden|stunden|stunde|std|hours|hour|hrs|hr|h)\b\.?"
    r"(?:\s*(?:/|pro|je|im|in der|per|a)?\s*"
    r"(?:tag|taeglich|täglich|day|monat|monatlich|mtl|month))?.?)"
)


def hours_of_texts(texts: pd.Series) -> np.ndarray:
    """posting_hours for a column of texts.

    Arrow cuts out the first passage that states hours ('20-25 Std./Woche'); the Python
    rule then reads each distinct passage once, instead of every text that mentions hours.
    """
    # RE2's \s is ASCII: '40\u00a0Std.' (a no-break space, common in pasted ads) must match
    heads = pc.replace_substring_regex(_lower_head(texts, 2000), "[\u00a0\u202f\u2009]", " ")
    found = pc.extract_regex(heads, _HOURS_RE2)
    passages = np.asarray(pc.struct_field(found, [0]).to_pandas(), dtype=object)
    codes, distinct = pd.factorize(passages, use_na_sentinel=True)
    hours = np.array([hours_in_text(p) for p in distinct] + [None], dtype=float)[codes]
    # RE2's \b is ASCII: in '3 Häuser ... 30 Std.' it cuts out '3 hä', which the rule
    # rejects; such texts are read whole, as the rule reads them
    for row in np.flatnonzero((codes >= 0) & np.isnan(hours)):
        value = hours_in_text(texts.iloc[row][:2000])
        hours[row] = np.nan if value is None else value
    return hours


# Spellings title_key removes anyway, removed over a whole column by Arrow first, so that
# the Python rules run once per distinct title that is left ('Lagerhelfer (m/w/d)' and
# 'Lagerhelfer (w/m/d)' become one). Binnen-I needs the case, so it goes before lowering.
_PRE_CLEAN = [
    (r"([a-zäöüß])In(?:nen)?\b", r"\1"),
    (None, None),  # lower case
    (r"\(\s*(?:m|w|d|x|f|i)(?:\s*[/|,]\s*(?:m|w|d|x|f|i)){1,3}\s*\)", " "),
    (r"\(\s*(?:all\s*genders?|gn\*?)\s*\)", " "),
    (r"\s+", " "),
]


# What title_key cuts off anyway, cut over the whole column too: an employer's name or a
# recruiting phrase before the last ': ', and working-time tails at the end ('- Vollzeit',
# ', unbefristet', '(20 Std./Woche)'; a few passes, as title_key repeats it). Generated and
# real titles vary mostly there, so far fewer distinct titles reach the Python rules.
_HEAD = r"^.*:\s+(\S)"
_TAIL_PASSES = 3


def pre_clean_titles(titles: pd.Series) -> np.ndarray:
    """Titles lower-cased, without Binnen-I, the common gender markers, a head before the
    last ': ' and working-time tails (see title_key); a title that would be left empty is
    kept as it was, as title_key keeps it."""
    array = _arrow_texts(titles)
    for pattern, replacement in _PRE_CLEAN:
        if pattern is None:
            array = pc.utf8_lower(array)
        else:
            array = pc.replace_substring_regex(array, pattern, replacement)
    array = pc.utf8_trim_whitespace(array)
    cut = pc.replace_substring_regex(array, _HEAD, r"\1")
    for _ in range(_TAIL_PASSES):
        cut = pc.replace_substring_regex(cut, _TAIL_SEGMENT.pattern, "")
    empty = pc.equal(pc.utf8_length(pc.utf8_trim(cut, " -–,")), 0)
    array = pc.if_else(pc.fill_null(empty, False), array, pc.utf8_trim_whitespace(cut))
    return np.asarray(array.to_pandas(), dtype=object)


def occupation_text(title: object, occupation: object = None, city: object = None) -> str:
    """The occupation a title names, for comparing with wishes (see title_key).

    'Pflegehelfer*in (m/w/x) in Markranstädt' -> 'pflegehelfer'; a stated occupation that
    says more than the title is added ('Azubi 2027' + 'Koch' -> 'azubi koch').
    """
    words: dict[str, None] = {}
    for value in (title, occupation):
        for word in (title_key(value) or "").split():
            words.setdefault(word, None)
    key = " ".join(words)
    town = town_key(city)
    return strip_context(key, None, town) if key else ""


# The place tail title_occupations cuts off before title_key ('... in Leipzig (Wahren)'): a
# capitalised name after 'in'/'bei', then only more names, brackets, slashes and the small
# words of German place names ('Brandenburg an der Havel', 'Jessen (Elster) Seyda'). Not a
# place: the words title_key keeps ('Arzt in Weiterbildung – Kardiologie'), and a tail with
# other small words or '&' ('PhD in AI & Data Science for Cancer Research'), which names
# the job; title_key strips whatever place the cheap cut leaves.
_PLACE_PARTICLES = r"an|am|der|die|den|dem|im|in|bei|ob|unter|vor|auf|zu|zum|zur|a\.|i\.|v\.|d\."
_TITLE_PLACE_TAIL = (
    r"\s+(?:in|bei|nahe|Raum|Region)\s+(?!(?i:" + _NOT_A_PLACE + r")\b)(?:[0-9]{5}\s+)?"
    r"[A-ZÄÖÜ][^\s,;|&]*(?:\s+(?:[A-ZÄÖÜ(/][^\s,;|&]*|(?:" + _PLACE_PARTICLES + r")(?=\s)))*\s*$"
)


def title_occupations(titles: pd.Series) -> np.ndarray:
    """Each title as the occupation text it names, without a place tail: the title's part of
    the ranker's occupation key (matching.ranking.inputs), stored as
    postings.title_occupation at import (warehouse/parsed.py).

    'Lagerhelfer (m/w/d) in Leipzig (Wahren)' -> 'lagerhelfer'; '' for a missing title.
    """
    # titles repeat endlessly across a region: each distinct title is reduced once, after a
    # cheap cut of place tails ('... in Leipzig (Wahren)') that would make most unique
    cut = pd.Series(titles, dtype=object).fillna("").astype(str)
    cut = cut.str.replace(_TITLE_PLACE_TAIL, "", regex=True)
    codes, distinct = pd.factorize(cut)
    keys = np.asarray([occupation_text(t) for t in distinct] + [""], dtype=object)
    return keys[codes]


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def header_key(header: object) -> str:
    """A header reduced to what people mean by it: 'Angebots-Nr.' -> 'angebotsnr'.

    The one header key of resque: the readers, the column mapping and the privacy guard
    all compare headers through it (fold: NFKC, look-alike spaces and dashes, umlauts).
    """
    return _NON_ALNUM.sub("", fold(str(header)))

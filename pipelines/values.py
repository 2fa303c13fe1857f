"""Scalar normalisation for the normalise stage: one source value in, one clean value out.

Every function accepts whatever a spider, CSV or Excel reader hands over (None, str, int,
float incl. NaN, date/datetime, numpy/pandas scalars, ...) and never raises: a value it
cannot make sense of becomes None, and the validate stage decides what missing means.
The stage applies these to the unique values of 1,000,000-row columns, so patterns are
compiled once here and already-clean text takes a fast path.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata

from resque.matching.normalise import NUMBER, decimal, fold_case, hours_in_text, plausible_hours

# --- shared helpers ------------------------------------------------------------------------

# Sources write "nothing" in many ways; compared after casefold so 'N/A' and 'NULL' match too.
# fmt: off
_PLACEHOLDERS = frozenset(
    s.casefold()
    for s in (
        "", "-", "--", "---", "/", "n/a", "#n/a", "n.a.", "k.a.", "k. a.", "keine angabe",
        "null", "none", "nan", "nat", "<na>", "–", "—",
    )
)
# fmt: on
_MAX_PLACEHOLDER_LEN = max(map(len, _PLACEHOLDERS))

# Every char Python's str.isspace() knows lands in exactly one class below, so a second pass
# finds nothing left to do (idempotence).
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff]")
_HSPACE = re.compile(r"[ \t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_EDGES = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")
_ANY_NEWLINES = re.compile(r"\n+")

_MIDNIGHT = dt.time()


def _to_text(value: object) -> str | None:
    """The value as raw text; None for None, NaN-likes and values without a usable str()."""
    if isinstance(value, str):
        return value
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        # Excel and pandas turn integer columns with gaps into floats: 3.0 means "3".
        return str(int(value)) if value.is_integer() else repr(value)
    try:
        if isinstance(value, int):
            return str(value)  # bools included ('True'); ValueError past 4300 digits
        if isinstance(value, dt.date):
            if value != value:  # pandas.NaT is a datetime subclass
                return None
            # Excel dates arrive as midnight datetimes; the time part is noise there.
            if (
                isinstance(value, dt.datetime)
                and value.tzinfo is None
                and value.time() == _MIDNIGHT
            ):
                return value.date().isoformat()
            return value.isoformat()
        if isinstance(value, (bytes, bytearray)):
            return bytes(value).decode("utf-8", "replace")
        if value != value:  # numpy.nan, Decimal('NaN'); pandas.NA raises here -> missing
            return None
        if isinstance(value, numbers.Integral):
            return _to_text(int(value))
        if isinstance(value, numbers.Real):
            return _to_text(float(value))
        return str(value)
    except Exception:
        return None


def _number(value: object) -> int | float | None:
    """A finite int or float from a numeric (non-text) value, else None (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            number = float(value)
            return number if math.isfinite(number) else None
    except Exception:
        return None
    return None


def _is_clean(text: str) -> bool:
    """True if `text` is a non-placeholder single line that cleaning would leave unchanged."""
    return (
        text.isprintable()  # False for newlines, tabs, NBSP, control and format chars
        and text[0] != " "
        and text[-1] != " "
        and "  " not in text
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
        and (len(text) > _MAX_PLACEHOLDER_LEN or text.casefold() not in _PLACEHOLDERS)
    )


def _clean(text: str) -> str:
    """The full clean-up behind clean_text, without the placeholder check."""
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _HSPACE.sub(" ", text)
    text = _LINE_EDGES.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    # NFC last: removing an invisible char can bring a base letter and its accent together.
    return unicodedata.normalize("NFC", text.strip())


# --- text ----------------------------------------------------------------------------------


def clean_text(value: object) -> str | None:
    """Tidy free text (descriptions): whitespace, control chars, NFC; None for placeholders."""
    text = _to_text(value)
    if not text:
        return None
    if _is_clean(text):
        return text
    text = _clean(text)
    return None if text.casefold() in _PLACEHOLDERS else text


def clean_line(value: object) -> str | None:
    """Like clean_text, but one line: all whitespace incl. newlines becomes single spaces."""
    text = _to_text(value)
    if not text:
        return None
    if _is_clean(text):
        return text
    text = _ANY_NEWLINES.sub(" ", _clean(text))
    return None if text.casefold() in _PLACEHOLDERS else text


# --- postcode and city ---------------------------------------------------------------------

_PLZ_BARE = re.compile(r"([0-9]{4,5})(?:\.0+)?")
# A standalone 5-digit group; neighbours like '12345-6789' or '0341/12345' mean it is part of
# a longer number (ZIP+4, phone), not a postcode.
_PLZ_IN_TEXT = re.compile(r"(?<![0-9])(?<![0-9][-./,])([0-9]{5})(?![0-9])(?![-./,][0-9])")
_PC_FIRST = re.compile(
    r"(?:DE?\s*[-‐–]?\s*)?([0-9]{5})(?![0-9])(?![-./,][0-9])[\s,;:/‐–-]*(.*)", re.IGNORECASE
)
_PC_LAST = re.compile(r"(.*?)[\s,;:/(\[‐–-]*(?<![0-9])([0-9]{5})[\s)\]]*")
_LETTER = re.compile(r"[^\W\d_]")


def _plz(number: int) -> str | None:
    """The number as a 5-digit PLZ if it lies in the German range 01001..99998."""
    return f"{number:05d}" if 1001 <= number <= 99998 else None


def normalise_postcode(value: object) -> str | None:
    """A German 5-digit postcode as text with leading zeros, found in numbers or text."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 5 and text.isascii() and text.isdigit():
            return _plz(int(text))
    else:
        number = _number(value)
        if number is not None:
            # Excel drops the leading zero: 4109 means '04109'.
            return _plz(int(number)) if number == int(number) else None
        text = _to_text(value)
        if text is None:
            return None
    bare = _PLZ_BARE.fullmatch(text)
    if bare:
        return _plz(int(bare[1]))
    found = set(_PLZ_IN_TEXT.findall(text))
    return _plz(int(found.pop())) if len(found) == 1 else None


def _city(text: str) -> str | None:
    """The city part of a place string, or None if it holds no letters."""
    city = clean_line(text.strip(" ,;:/‐–-"))
    return city if city and _LETTER.search(city) else None


def split_postcode_city(value: object) -> tuple[str | None, str | None]:
    """Split '04109 Leipzig', 'D-04109 Leipzig' or 'Leipzig (04109)' into (postcode, city)."""
    if _number(value) is not None:
        return normalise_postcode(value), None
    text = clean_line(value)
    if text is None:
        return None, None
    match = _PC_FIRST.fullmatch(text)
    if match:
        return _plz(int(match[1])), _city(match[2])
    match = _PC_LAST.fullmatch(text)
    if match:
        return _plz(int(match[2])), _city(match[1])
    if not _LETTER.search(text):
        return normalise_postcode(text), None
    return None, text


# --- dates ---------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, shifted for its fake 1900-02-29
_DMY_FAST = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4}|[0-9]{2})")

# fmt: off
_MONTHS = {
    "januar": 1, "jänner": 1, "jaenner": 1, "january": 1, "jan": 1,
    "februar": 2, "feber": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "marz": 3, "march": 3, "mär": 3, "mrz": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}
# fmt: on
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

# Words around a start date that carry no date information ('ab 01.08.', 'Montag, 1. April').
_DATE_PREFIX = re.compile(
    r"(?:(?:ab|zum|zur|am|vom|dem|den|beginn|start|eintritt|ausbildungsbeginn|frühestens"
    r"|fruehestens"
    r"|voraussichtlich|ca|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend"
    r"|sonntag|mo|di|mi|do|fr|sa|so)\b\.?[\s:,]*)+"
)
_TIME = r"(?:,?\s*[0-9]{1,2}[:.][0-9]{2}(?::[0-9]{2})?(?:\s*uhr)?)?"
_ISO = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[t ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"\s*(?:z|utc|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
# Day first, also with '/': German sources never write month first.
_DMY = re.compile(r"([0-9]{1,2})\s*([./-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4}|[0-9]{2})" + _TIME)
_D_MONTH_Y = re.compile(r"([0-9]{1,2})\.?\s*" + _MONTH + r"\s*([0-9]{4})")
_MONTH_Y = re.compile(_MONTH + r"\s*([0-9]{4})")
_M_Y = re.compile(r"([0-9]{1,2})\s*[./]\s*([0-9]{4})")
_Y_M = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def _date(year: int, month: int, day: int) -> dt.date | None:
    """A valid date in 1990..2100 (two-digit years are 20xx), else None."""
    if year < 100:
        year += 2000
    if not 1990 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _parse_date_text(text: str) -> dt.date | None:
    """The slow path of parse_german_date for anything but a plain 'dd.mm.yyyy'."""
    line = clean_line(text)
    if line is None:
        return None
    line = line.lower()
    if prefix := _DATE_PREFIX.match(line):
        line = line[prefix.end() :]
    if m := _DMY_FAST.fullmatch(line):
        return _date(int(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.fullmatch(line):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.fullmatch(line):
        # '26-04-01' could be yy-mm-dd; two-digit years are trusted only with '.' or '/'.
        if m[2] == "-" and len(m[4]) == 2:
            return None
        return _date(int(m[4]), int(m[3]), int(m[1]))
    if m := _D_MONTH_Y.fullmatch(line):
        return _date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if m := _MONTH_Y.fullmatch(line):
        return _date(int(m[2]), _MONTHS[m[1]], 1)
    if m := _M_Y.fullmatch(line):
        return _date(int(m[2]), int(m[1]), 1)
    if m := _Y_M.fullmatch(line):
        return _date(int(m[1]), int(m[2]), 1)
    return None


def parse_german_date(value: object) -> dt.date | None:
    """A date from German/ISO text, date objects or Excel serials; month-year gives the 1st."""
    if isinstance(value, str):
        if m := _DMY_FAST.fullmatch(value):
            return _date(int(m[3]), int(m[2]), int(m[1]))
        return _parse_date_text(value)
    if isinstance(value, dt.date):
        if value != value:  # pandas.NaT
            return None
        # The calendar date as the source wrote it; no conversion between time zones.
        day = value.date() if isinstance(value, dt.datetime) else value
        return _date(day.year, day.month, day.day)
    number = _number(value)
    if number is not None:
        if not 20000 <= number <= 80000:
            return None
        day = _EXCEL_EPOCH + dt.timedelta(days=int(number))  # fraction = time of day
        return _date(day.year, day.month, day.day)
    text = _to_text(value)
    return _parse_date_text(text) if text else None


_IMMEDIATE = re.compile(
    r"\bsofort|\basap\b|naechst\s*-?\s*moeglich|schnellst\s*-?\s*moeglich"
    r"|baldmoeglich|\bumgehend|\bimmediate|as soon as possible"
)
_NEGATION = re.compile(r"\bnicht\b|\bnot\b")


def is_immediate_start(value: object) -> bool:
    """True if a start-date value means 'as soon as possible' ('ab sofort', 'asap', ...)."""
    if not isinstance(value, str):
        return False
    key = fold_case(value)
    return bool(_IMMEDIATE.search(key)) and not _NEGATION.search(key)


# --- numbers -------------------------------------------------------------------------------

# '-1' (a common 'unknown' code) is negative, but in '2-3' the '-' belongs to the range.
_PLACES = re.compile(
    r"(?:(?<!\w)(-)\s*)?(?<![0-9])(" + NUMBER + r")(?:\s*(?:-|–|—|bis)\s*(" + NUMBER + r"))?"
)
_MAX_PLACES = 10000


def _places(number: float) -> int | None:
    """The number as a count of places if it is a whole number in 1..10000."""
    if not number.is_integer():
        return None
    return int(number) if 1 <= number <= _MAX_PLACES else None


def parse_places(value: object) -> int | None:
    """Number of openings: '3 Stellen', 'ca. 5', '2-3' (upper bound), '10+'; None if vague."""
    number = _number(value)
    if number is not None:
        return _places(float(number)) if abs(number) <= _MAX_PLACES else None
    text = _to_text(value)
    if text is None:
        return None
    match = _PLACES.search(text)
    if match is None or match[1]:
        return None
    count = decimal(match[2])
    if match[3]:
        count = max(count, decimal(match[3]))
    return _places(count)


def weekly_hours(value: object) -> float | None:
    """Weekly working hours from numbers or text ('40 Std./Woche', '20-25 Std.' -> 25.0).

    The text rule is matching.normalise.hours_in_text, which matching reads postings with.
    """
    number = _number(value)
    if number is not None:
        return plausible_hours(float(number)) if abs(number) <= 60 else None
    text = _to_text(value)
    return hours_in_text(text) if text else None


# --- categories ----------------------------------------------------------------------------

# 'Minijob', '538-Euro-Job', '603 € Basis': the threshold changes yearly, so any amount.
_MINIJOB = re.compile(
    r"mini\s*-?\s*job|geringfuegig|\b[0-9]{3}\s*-?\s*(?:euro|eur|€)\s*-?\s*(?:job|basis)"
)

_EMPLOYMENT_CODES = {1: "work", 2: "self_employed", 4: "apprenticeship", 34: "internship"}
# fmt: off
_EMPLOYMENT_TYPES = frozenset(
    ("apprenticeship", "dual_study", "internship", "temporary_agency", "minijob",
     "volunteer", "self_employed", "work")
)
# fmt: on
# First match wins, so more specific kinds come before the catch-all 'work'
# ('Ausbildung/Duales Studium' is an apprenticeship, 'Zeitarbeit' is not plain work).
_EMPLOYMENT_RULES = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("apprenticeship", r"ausbildung|lehrstelle|lehrling|\bazubi|auszubildend|apprentice"),
        ("dual_study", r"dual\w*\s*-?\s*(?:studium|studien|student|study)"),
        ("internship", r"praktik(?:um|ant|a\b)|einstiegsqualifizierung|\beq\b|\bintern(?:ship)?\b"),
        # 'Teilzeitarbeit' contains 'zeitarbeit' but is part-time work.
        (
            "temporary_agency",
            r"(?<!teil)(?<!voll)zeitarbeit|leiharbeit|arbeitnehmerueberlassung"
            r"|\ban?ue\b|personaldienstleist|temp(?:orary)? agency",
        ),
        ("minijob", _MINIJOB.pattern),
        # Freiwilligendienste (FSJ, FÖJ, BFD) and honorary posts: not employment, but offers
        (
            "volunteer",
            r"ehrenamt|freiwilligendienst|freiwillige[sn]? (?:soziale|oekologische)s? jahr"
            r"|\bfsj\b|\bfoej\b|\bbfd\b|volunteer",
        ),
        (
            "self_employed",
            r"freiberuf|selbst(?:st)?aendig|honorar|freelance|freie[rn]? mitarbeit|contractor",
        ),
        # 'Aushilfe', 'Werkstudent' and schema.org's TEMPORARY, PER_DIEM and OTHER (spelt as
        # words by the JSON-LD spider) are jobs of no more specific kind
        (
            "work",
            r"arbeit|anstellung|angestellt|befristet|job|stelle|sozialversicherungspflichtig"
            r"|beschaeftigung|employment|\bwork\b|aushilf|werkstudent|\btemporary\b"
            r"|\bper diem\b|\bother\b",
        ),
    )
)
_INT_TEXT = re.compile(r"[0-9]{1,6}(?:\.0+)?")


def normalise_employment_type(value: object) -> str | None:
    """Map free text or a BA angebotsart code to 'apprenticeship', 'work', ... or None."""
    number = _number(value)
    if number is not None:
        return _EMPLOYMENT_CODES.get(int(number)) if number == int(number) else None
    text = clean_line(value)
    if text is None:
        return None
    key = fold_case(text)
    if key in _EMPLOYMENT_TYPES:
        return key
    if _INT_TEXT.fullmatch(key):
        return _EMPLOYMENT_CODES.get(int(float(key)))
    for kind, pattern in _EMPLOYMENT_RULES:
        if pattern.search(key):
            return kind
    return None


# fmt: off
_WORKING_TIME_CODES: dict[str, str | None] = {
    # BA Jobsuche arbeitszeit codes, plus the values this function returns (idempotence)
    "vz": "full_time", "tz": "part_time", "snw": "shift", "shift": "shift",
    "schicht": "shift", "minijob": "minijob", "mj": "minijob",
    "heimtelearbeit": None, "ho": None,
    "full_time": "full_time", "part_time": "part_time",
    "full_or_part_time": "full_or_part_time",
}
# fmt: on
_FULL_TIME = re.compile(r"vollzeit|\bvz\b|full\s*-?\s*time|\bvoll\s*-")
_PART_TIME = re.compile(r"teilzeit|\btz\b|part\s*-?\s*time|\bteil\s*-")
_SHIFT = re.compile(r"schicht|\bsnw\b|\bshift")
_FULL_TIME_HOURS = 35.0


def normalise_working_time(value: object) -> str | None:
    """Map free text or a BA arbeitszeit code to 'full_time', 'part_time', ... or None."""
    if _number(value) is not None:
        hours = weekly_hours(value)
    else:
        text = clean_line(value)
        if text is None:
            return None
        key = fold_case(text)
        if key in _WORKING_TIME_CODES:
            return _WORKING_TIME_CODES[key]
        full, part = _FULL_TIME.search(key), _PART_TIME.search(key)
        if full and part:
            return "full_or_part_time"
        if _MINIJOB.search(key):
            return "minijob"
        # An explicit full/part-time statement says more about the job than its shift pattern.
        if full:
            return "full_time"
        if part:
            return "part_time"
        if _SHIFT.search(key):
            return "shift"
        hours = weekly_hours(text)
    if hours is None:
        return None
    return "full_time" if hours >= _FULL_TIME_HOURS else "part_time"


# --- URLs and coordinates ------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s")
_OTHER_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?![0-9])", re.IGNORECASE)  # not 'x.de:8080'
_URL_SPLIT = re.compile(r"[/?#]")
# Unicode labels (müller.de), but an ASCII TLD: 'z.B.' or 'Hr.Müller' are not hosts.
_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)\.?", re.I)


def normalise_url(value: object) -> str | None:
    """An http(s) URL; bare hosts get 'https://'; mailto:, javascript: and non-URLs give None."""
    text = _to_text(value)
    if text is None:
        return None
    text = text.strip()
    if not text or _WHITESPACE.search(text):
        return None
    head = text[:8].lower()
    if head.startswith("https://"):
        scheme, rest = "https", text[8:]
    elif head.startswith("http://"):
        scheme, rest = "http", text[7:]
    elif text.startswith("//"):
        scheme, rest = "https", text[2:]
    elif "://" in text or _OTHER_SCHEME.match(text):
        return None
    else:
        scheme, rest = "", text
    host = _URL_SPLIT.split(rest, maxsplit=1)[0]
    if "@" in host:
        if not scheme:  # 'info@firma.de' is an e-mail address
            return None
        host = host.rpartition("@")[2]
    host, _, port = host.partition(":")
    if (port and not port.isdigit()) or not _HOST.fullmatch(host):
        return None
    return f"{scheme or 'https'}://{rest}"


_COORD = re.compile(r"([+\-−]?)\s*([0-9]{1,3})(?:[.,]([0-9]+))?\s*°?")
_COORD_LIMITS = {"lat": 90.0, "lon": 180.0, "lng": 180.0}


def parse_coordinate(value: object, kind: str) -> float | None:
    """A latitude (kind 'lat') or longitude ('lon') in range, accepting '51,34'; else None."""
    limit = _COORD_LIMITS.get(kind) if isinstance(kind, str) else None
    if limit is None:
        return None
    number = _number(value)
    if number is None:
        text = _to_text(value)
        match = _COORD.fullmatch(text.strip()) if text else None
        if match is None:
            return None
        sign = "-" if match[1] in ("-", "−") else ""
        number = float(f"{sign}{match[2]}.{match[3] or 0}")
    # compared before float(): float() of a huge int overflows
    return float(number) if -limit <= number <= limit else None


# --- names ---------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_VOWEL = re.compile(r"[aeiouyäöü]", re.IGNORECASE)
# fmt: off
_SMALL_WORDS = frozenset(
    ("und", "u", "für", "fuer", "der", "die", "das", "den", "dem", "des", "von", "vom", "zu",
     "zum", "zur", "mit", "im", "in", "am", "an", "auf", "bei", "of", "the", "and", "for")
)
# fmt: on
# fmt: off
_LEGAL_FORMS = {
    "gmbh": "GmbH", "ggmbh": "gGmbH", "mbh": "mbH", "ag": "AG", "kg": "KG", "kgaa": "KGaA",
    "se": "SE", "ug": "UG", "ohg": "OHG", "gbr": "GbR", "eg": "eG", "co": "Co",
    "haftungsbeschränkt": "haftungsbeschränkt",
    "e.v.": "e.V.", "e.k.": "e.K.", "e.g.": "e.G.", "i.l.": "i.L.", "i.g.": "i.G.",
}
# fmt: on
_LEGAL_FORM = re.compile(
    r"(?<!\w)(?:(?:ggmbh|gmbh|mbh|kgaa|ag|kg|se|ug|ohg|gbr|eg|co|haftungsbeschränkt)(?!\w)"
    r"|e\.\s?[vkg]\.|i\.\s?[lg]\.)",
    re.IGNORECASE,
)


def _title_word(match: re.Match[str]) -> str:
    """Title-case one upper-case letter run, keeping acronyms like 'BMW' and 'HNO'."""
    word, start, end = match[0], match.start(), match.end()
    text = match.string
    if len(word) == 1 and start and text[start - 1] == "'":
        return word.lower()  # MÜLLER'S -> Müller's
    if 2 <= len(word) <= 4 and not _VOWEL.search(word) and text[end : end + 1] != ".":
        return word  # 'DR.' and 'STR.' are abbreviations, not acronyms
    lower = word.lower()
    if start and lower in _SMALL_WORDS:
        return lower
    return word[0] + word[1:].lower()


def _legal_form(match: re.Match[str]) -> str:
    """The canonical spelling of a legal form such as GmbH or e.V."""
    # IGNORECASE also matches look-alikes ('İ', 'ſ') that have no canonical spelling
    return _LEGAL_FORMS.get(match[0].casefold().replace(" ", ""), match[0])


def normalise_name(value: object) -> str | None:
    """A display name: clean_line, and SHOUTING names (> 4 chars) in title case ('GmbH')."""
    name = clean_line(value)
    # 'ß' has no capital in most sources, so 'GROß GMBH' still counts as shouting.
    if name is None or len(name) <= 4 or not name.replace("ß", "").isupper():
        return name
    return _LEGAL_FORM.sub(_legal_form, _WORD.sub(_title_word, name))


# --- column-wise fast paths --------------------------------------------------------------------

# Values matching these patterns come out of their rule unchanged (unless they are a
# placeholder such as 'n/a'). The patterns are checked in Arrow for whole columns, so columns
# of mostly distinct values (ids, links) skip one Python call per value. They describe a
# subset of what each rule leaves alone; tests/pipelines/test_stages.py checks that property.
# Printable Latin-1 (German text: 'Verstärkung für' included) but the soft hyphen \xad,
# which cleaning removes: every such char is printable and already NFC, so a line of them
# with single spaces is left as it is. Written as \xNN, which both Python and RE2 read.
_LATIN1_CHAR = r"[!-~\xa1-\xac\xae-\xff]"
_LATIN1_LINE = rf"^{_LATIN1_CHAR}(?:[ ]?{_LATIN1_CHAR})*$"
# Such a line with a lowercase letter is no SHOUTING name, which normalise_name leaves as it
# is ('ß' does not count: normalise_name ignores it). RE2 has no look-ahead, so the letter is
# spelled out between the line's other characters (the employer column is mostly distinct
# names: this skips ~0.5 s of Python a million rows).
_LATIN1_LOWER = r"[a-z\xe0-\xf6\xf8-\xff]"
_LATIN1_NAME = rf"^(?:{_LATIN1_CHAR}[ ]?)*{_LATIN1_LOWER}(?:[ ]?{_LATIN1_CHAR})*$"
_ASCII_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
UNCHANGED_PATTERNS = {
    clean_line: _LATIN1_LINE,
    clean_text: _LATIN1_LINE,
    normalise_name: _LATIN1_NAME,
    normalise_url: rf"^https?://{_ASCII_LABEL}(?:\.{_ASCII_LABEL})*\.[A-Za-z]{{2,63}}(?:[/?#][!-~]*)?$",
}
PLACEHOLDERS = _PLACEHOLDERS

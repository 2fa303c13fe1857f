"""What may never enter participant data: columns and values that identify or single out a person.

Pure functions, no I/O. The participant importer refuses a file with such a column or
value before anything of it is stored or logged, and the ranker refuses input frames that
carry such a column, so a protected attribute can reach neither the warehouse nor a score.

The guard folds, then checks. Every header and every cell is first made plain with
`matching.normalise.fold` (NFKC, so full-width digits and '＠' are ASCII; every Unicode
space as ' ', every dash as '-', zero-width characters and soft hyphens removed, umlauts
spelled out, case folded), so that a no-break space inside a phone number or a zero-width
space before the '@' hides nothing. Then:

- Headers (`protected_kind`) are compared whole, per dotted part (JSON 'kontakt.mail',
  'person.name') and word by word, which catches the abbreviations people type:
  'Mobil-Nr.', 'Tel. privat', 'Geb.-Dat.', 'Staatsang.', 'Nat.', 'Aufenth.-Status',
  'Sozialvers.-Nr.', 'TN-Name', 'Kinderzahl'.
- Cells, header cells included (`personal_data_in_text`, `personal_data_in_cell`), are
  searched for e-mail addresses (also '(at)', '[at]', '(ät)', ' @ ', ' at ' before a
  domain, '(punkt)', '(dot)'), IBANs (mod-97 checked), social-insurance numbers (German
  RVNR, check digit validated), tax ids (Steuer-ID, check digit validated), dates of
  birth, phone numbers (German and international spellings), street addresses and
  'Name: ...' labels.

What is deliberately not a finding, so that ordinary competence-analysis files import:
postcodes ('04315', even two of them), years ('Staplerschein seit 2019'), small numbers
('Schicht 3', '40 Std./Woche', '25 km'), CEFR levels ('B1 Deutsch'), month ranges
('09/2015 - 06/2019'), times ('06-14 Uhr') and participant ids ('TN-2026-001').

Dates: one rule for every cell. A date with a birth label ('geb.', 'geboren',
'Geburtsdatum', 'DOB', 'Jahrgang') is a birth date whatever its year, and so is a year
after such a label. Any other full date (dd.mm.yyyy, d.m.yy, ISO, '3. April 1988', or a
date cell of a workbook) is a birth date candidate when its year lies 14 to 80 years back:
availability dates ('verfügbar ab 01.03.2027') are recent or in the future and pass,
while a past event written as a full date ('Ausbildung 01.09.2008 - 31.08.2011') is
refused; such history belongs in years only ('Ausbildung 2008-2011').

Names are found only where something says it is one: a header ('Name', 'TN-Name',
'Ansprechpartner') or a label in a cell ('Name: Anna Schmidt', 'Vorname: ...'). Names in
running text ('Wareneingang Anna Schmidt') are not detected: no list of first names or
capitalisation rule tells 'Anna Schmidt' from 'Kasse Rewe' without refusing many honest
files. The other kinds in the same cell usually give such a cell away.

The participant id of a source file (the competence analysis' 'TN-2026-001') is not stored
either: `pseudonym()` turns it into a keyed pseudonym ('P-4XKM-9T2B-QHZ7') that only the
holder of the key can recompute from the source id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections import Counter

from resque.matching.normalise import fold, fold_marks, header_key

# --- headers ---------------------------------------------------------------------------------

# Per kind of personal data, the header keys that name it. A key matches when it equals an
# entry, or contains one of the `parts` (long, unambiguous stems: 'geburtsdatum' in
# 'geburtsdatumtn'); short words ('tel', 'age', 'sex') must match the whole key, because
# as parts they occur in harmless headers ('mobilitaet', 'stage', 'essex').
PROTECTED_EXACT: dict[str, tuple[str, ...]] = {
    "name": ("name", "namen", "vorname", "nachname", "familienname", "geburtsname", "rufname",
             "firstname", "lastname", "surname", "fullname", "givenname", "vornamename",
             "namevorname", "nameteilnehmer", "teilnehmername", "tnname", "vorundnachname",
             "ansprechpartner", "ansprechpartnerin", "kontaktperson"),
    "date of birth": ("geburtsdatum", "geburtstag", "geburtsjahr", "geburtsort", "geboren",
                      "gebdatum", "gebam", "dob", "dateofbirth", "birthdate", "birthday",
                      "alter", "age", "jahrgang", "birthplace", "placeofbirth", "geb",
                      "gebdat", "gebtag", "gebjahr", "gebort"),
    "address": ("adresse", "anschrift", "strasse", "str", "strassehausnummer", "hausnummer",
                "hausnr", "wohnanschrift", "meldeadresse", "address", "street",
                "streetaddress", "addressline1", "addressline2", "strnr", "strassenr",
                "wohnadresse", "postanschrift"),
    "phone": ("telefon", "tel", "telnr", "telefonnummer", "handy", "handynummer", "mobil",
              "mobilnummer", "mobiltelefon", "mobile", "mobilephone", "phone", "phonenumber",
              "telephone", "rufnummer", "festnetz", "whatsapp", "fax", "kontakt", "contact",
              "mobilnr", "handynr", "telprivat", "teldienstlich", "telefonprivat", "mobiltel",
              "kontaktdaten", "kontaktnummer", "kontaktnr"),
    "e-mail": ("email", "mail", "emailadresse", "mailadresse", "emailaddress", "emailadr",
               "mailadr", "epost"),
    "nationality": ("staatsangehoerigkeit", "nationalitaet", "nationality", "staatsbuergerschaft",
                    "citizenship", "herkunft", "herkunftsland", "geburtsland", "countryoforigin",
                    "ethnie", "ethnicity", "ethnischeherkunft", "staatsang", "staatsangeh",
                    "nat"),
    "gender": ("geschlecht", "gender", "sex", "anrede", "salutation", "geschl"),
    "religion": ("religion", "konfession", "glaube", "religionszugehoerigkeit",
                 "weltanschauung", "belief"),
    "residence permit": ("aufenthaltstitel", "aufenthaltsstatus", "aufenthaltserlaubnis",
                         "aufenthalt", "duldung", "residencepermit", "residencestatus",
                         "visum", "visa", "asylstatus", "asyl", "fluechtlingsstatus",
                         "auslaenderbehoerde", "bamfaktenzeichen", "aktenzeichen",
                         "aufenth", "aufenthstatus", "aufenthtitel"),
    "photo": ("foto", "photo", "bild", "lichtbild", "passbild", "picture", "image"),
    "health or disability": ("behinderung", "schwerbehinderung", "gdb", "gesundheit",
                             "krankheit", "diagnose", "disability", "health", "schwanger",
                             "schwangerschaft", "pregnancy"),
    "family": ("familienstand", "kinder", "anzahlkinder", "maritalstatus", "children",
               "kinderzahl", "kinderanzahl", "zahlderkinder", "anzkinder", "famstand"),
    "identity number": ("sozialversicherungsnummer", "svnummer", "svnr",
                        "rentenversicherungsnummer", "rvnr", "rvnummer", "sozialversnr",
                        "sozialvers", "versicherungsnummer", "versnr",
                        "steuerid", "steueridnr", "steuernummer", "steuernr", "iban",
                        "kontonummer", "kontonr", "bankverbindung", "passnummer",
                        "ausweisnummer", "personalausweis", "reisepass", "kundennummer",
                        "bakundennummer", "socialsecuritynumber", "passport"),
}  # fmt: skip
PROTECTED_PARTS: dict[str, tuple[str, ...]] = {
    "name": ("vorname", "nachname", "familienname", "geburtsname", "firstname", "lastname",
             "surname", "ansprechpartner", "kontaktperson"),
    "date of birth": ("geburtsdatum", "geburtstag", "geburtsjahr", "geburtsort", "dateofbirth",
                      "birthdate", "geburtsdat", "gebdat"),
    "address": ("adresse", "anschrift", "strasse", "hausnummer", "address"),
    "phone": ("telefon", "handynummer", "mobilnummer", "mobiltelefon", "phonenumber",
              "handynr", "mobilnr", "kontaktdaten"),
    "e-mail": ("email", "emailadresse", "mailadresse", "mailadr"),
    "nationality": ("staatsangehoerigkeit", "nationalitaet", "nationality", "staatsbuergerschaft",
                    "herkunftsland", "ethnisch", "ethnicity", "staatsang"),
    "gender": ("geschlecht", "gender"),
    "religion": ("religion", "konfession"),
    "residence permit": ("aufenthaltstitel", "aufenthaltsstatus", "aufenthaltserlaubnis",
                         "duldung", "residencepermit", "asylstatus"),
    "photo": ("lichtbild", "passbild", "foto", "photo"),
    "health or disability": ("behinderung", "diagnose", "disability"),
    "family": ("kinderzahl", "familienstand"),
    "identity number": ("sozialvers", "versicherungsnummer", "ausweisnummer", "passnummer",
                        "kundennummer", "steuerid", "steuernummer", "kontonummer",
                        "bankverbindung"),
}  # fmt: skip
# Words that name a kind wherever they stand in a header, alone or joined with the next word
# ('Tel. privat', 'Mobil-Nr.', 'TN-Name', 'Geb.-Dat.'). Only words that mean nothing else:
# 'alter' (also 'old'), 'mobil' ('mobil ja/nein': has transport) and 'kinder' count only
# as the whole header.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "namen", "vorname", "vornamen", "nachname", "familienname", "geburtsname",
             "rufname", "tnname", "ansprechpartner", "ansprechpartnerin", "kontaktperson",
             "firstname", "lastname", "surname", "fullname"),
    "date of birth": ("geb", "gebdat", "gebdatum", "geburtsdatum", "geburtstag", "geburtsjahr",
                      "geboren", "dob", "birthdate", "birthday", "jahrgang"),
    "address": ("adresse", "anschrift", "strasse", "str", "hausnr", "hausnummer", "wohnadresse",
                "address", "street"),
    "phone": ("tel", "telefon", "telnr", "telefonnummer", "handy", "handynr", "handynummer",
              "mobilnr", "mobilnummer", "mobiltelefon", "phone", "telephone", "fax", "whatsapp",
              "festnetz", "kontakt", "kontaktdaten", "contact", "rufnummer"),
    "e-mail": ("email", "mail", "emailadresse", "mailadresse", "epost"),
    "nationality": ("staatsang", "staatsangeh", "staatsangehoerigkeit", "nat", "nationalitaet",
                    "nationality", "citizenship", "herkunftsland"),
    "gender": ("geschlecht", "geschl", "gender", "anrede"),
    "religion": ("religion", "konfession"),
    "residence permit": ("aufenth", "aufenthaltsstatus", "aufenthaltstitel", "duldung",
                         "asylstatus"),
    "photo": ("foto", "photo", "lichtbild", "passbild"),
    "health or disability": ("behinderung", "schwerbehinderung", "gdb", "diagnose"),
    "family": ("familienstand", "kinderzahl", "kinderanzahl"),
    "identity number": ("svnr", "sozialvers", "sozialversicherungsnummer", "rvnr", "steuerid",
                        "steuernr", "steuernummer", "iban", "passnummer", "ausweisnummer",
                        "personalausweis"),
}  # fmt: skip
# Words besides the protected ones that a plain protected header is made of: such a header
# may be named in an error ('Tel. privat'), any other is named by its position, because it
# may hold what it names ('Name Anna Schmidt').
_HEADER_FILLERS = frozenset((
    "nr", "nummer", "privat", "dienstlich", "des", "der", "die", "tn", "teilnehmer",
    "teilnehmerin", "teilnehmers", "teilnehmenden", "person", "daten", "adr", "und", "oder",
    "mobil", "e", "am", "tt", "mm", "jjjj", "jj", "status", "titel", "dat", "datum", "von",
    "ort", "land", "id", "of", "date", "birth", "number", "mobile", "alter", "kinder",
    "anzahl", "zahl", "ja", "nein", "in", "im", "vers", "versicherung", "bild",
))  # fmt: skip
# Headers that name a person only when they stand alone: a column 'Person' holds names, a
# JSON object 'person' may hold the profile ('person.wunschberuf').
_WHOLE_ONLY = {"person": "name", "personen": "name"}
_WORD_KIND = {word: kind for kind, words in HEADER_WORDS.items() for word in words}
_KNOWN_HEADER_WORDS = (
    _HEADER_FILLERS | set(_WORD_KIND) | {w for ws in PROTECTED_EXACT.values() for w in ws}
)
_WORDS = re.compile(r"[a-z0-9]+")


def _header_words(header: object) -> list[str]:
    """The words of a folded header: 'Tel. privat' -> ['tel', 'privat']."""
    return _WORDS.findall(fold(str(header)))


def protected_kind(header: object) -> str | None:
    """The kind of personal data a column header names ('e-mail', 'gender', ...), or None.

    Compared whole, per dotted part ('kontakt.mail' -> 'kontakt', 'mail') and per word or
    pair of adjacent words ('Mobil-Nr.' -> 'mobilnr').
    """
    text = str(header)
    whole = header_key(text)
    if whole in _WHOLE_ONLY:
        return _WHOLE_ONLY[whole]
    # the last dotted part is the most specific: 'kontakt.mail' is an e-mail column
    parts = reversed(text.split("."))
    keys = [key for key in [whole, *map(header_key, parts)] if key]
    for key in keys:
        for kind, exact in PROTECTED_EXACT.items():
            if key in exact:
                return kind
    words = _header_words(text)
    pairs = [a + b for a, b in zip(words, words[1:], strict=False)]
    for word in words + pairs:
        if word in _WORD_KIND:
            return _WORD_KIND[word]
    for key in keys:
        for kind, parts in PROTECTED_PARTS.items():
            if any(part in key for part in parts):
                return kind
    return None


def protected_columns(headers: list[object]) -> list[tuple[str, str]]:
    """(header, kind) of every header that names personal data, in file order."""
    found = []
    for header in headers:
        kind = protected_kind(header)
        if kind is not None:
            found.append((str(header), kind))
    return found


def nameable_header(header: object) -> bool:
    """Whether a header may be quoted in an error: made only of known header words.

    'Tel. privat' and 'E-Mail' may; 'Name Anna Schmidt' or 'Telefon 0176 1234567' may not,
    so they are named by position instead.
    """
    words = _header_words(header)
    if not words:
        return False
    position = 0
    while position < len(words):  # each word known alone, or with the next ('residence permit')
        if "".join(words[position : position + 2]) in _KNOWN_HEADER_WORDS:
            position += 2
        elif words[position] in _KNOWN_HEADER_WORDS:
            position += 1
        else:
            return False
    return True


# --- values: what each kind looks like once folded ---------------------------------------------

EMAIL = "an e-mail address"
PHONE = "a phone number"
BIRTH_DATE = "a date of birth"
ADDRESS = "a street address"
IBAN = "an IBAN"
SOCIAL_INSURANCE = "a social-insurance number"
TAX_ID = "a tax id"
NAME = "a name"

# E-mail: 'max@web.de', 'max @ web.de', 'max (at) web (punkt) de', 'max(ät)web.de' (folded
# to '(aet)'), 'max [at] web [dot] de', 'max at web.de' ('at' between spaces only before a
# domain with a dot).
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT = rf"(?:\s*@\s*|\s*{_OPEN}\s*(?:at|aet|ad)\s*{_CLOSE}\s*|\s+at\s+)"
_DOT = rf"(?:\.|\s*{_OPEN}\s*(?:dot|punkt|pkt)\s*{_CLOSE}\s*|\s+(?:dot|punkt)\s+)"
# possessive local part, matched from a word's start only: no backtracking on long words
_EMAIL = re.compile(
    rf"(?<![\w.%+-])[\w.%+-]++{_AT}\w[\w-]*(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,24}}(?![\w])"
)
_EMAIL_HINT = re.compile(r"@|\bat\b|\baet\b|\bad\b")

# Phone numbers: an international prefix ('+49', '0049', '+49 (0)', or a bare '49' before
# a German area code) or a national area code ('0341', '(0341)', '0176', 'Tel0176'), then
# digit groups with separators ' ', '-', '/', '.' between them. The area code has at least
# three digits, so dates ('01.08.2027'), months ('05/2018') and times ('06-14 Uhr') never
# start a number; a match that starts just after a digit and a separator ('TN-2026-001')
# is part of something else.
_GROUPS = r"\d+(?:[ ./-]{1,3}\d+)*"
_PHONE = re.compile(
    r"(?<!\d)(?<!\d[./-])"
    r"(?P<prefix>(?:\+|00)\s?[1-9]\d{0,2}(?:[ ./-]{0,3}\(0\))?"
    r"|(?<![\w+])49(?=[ ./-]{0,3}(?:\(0\)[ ./-]{0,3})?[1-9])(?:[ ./-]{0,3}\(0\))?"
    r"|\(?0[1-9]\d{1,4}\)?)"
    rf"[ ./-]{{0,3}}{_GROUPS}"
)
_MIN_DIGITS = {"national": 8, "international": 8, "bare49": 10}
_POSTCODE_RUN = re.compile(r"\d{5}(?:[ ./-]{1,3}\d{5})+")
_ONLY_DIGITS = re.compile(r"\d{7,15}")
_ID_SHAPE = re.compile(r"[a-z]{0,6}[ -]?\d[\d-]*")

# Dates: 'dd.mm.yyyy', 'd.m.yy', 'dd/mm/yyyy', ISO 'yyyy-mm-dd', '3. April 1988'.
_MONTHS = {"jan": 1, "feb": 2, "maer": 3, "mar": 3, "apr": 4, "mai": 5, "may": 5, "jun": 6,
           "jul": 7, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dez": 12,
           "dec": 12}  # fmt: skip
_DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\s?[./-]\s?(?P<m>\d{1,2})\s?[./-]\s?(?P<y>\d{4}|\d{2})(?![\d])"
    r"|(?<![\d.-])(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?!\d)"
    r"|(?<![\d.])(?P<nd>\d{1,2})\.?\s?(?P<nm>jan|feb|maer|mar|apr|mai|may|jun|jul|aug|sep|okt"
    r"|oct|nov|dez|dec)[a-z]*\.?\s?(?P<ny>\d{4})(?!\d)"
)
_BIRTH_LABEL = re.compile(
    r"(?<![a-z])(?:geb(?:oren|urtsdatum|urtstag|urtsjahr|datum|dat|\.?\s?am)?|dob"
    r"|date\s+of\s+birth|birth\s*date|born|jahrgang|jg)(?![a-z])"
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_BIRTH_AGES = (14, 80)
_LABEL_REACH = 30  # characters after a birth label in which a date or year counts

# Street addresses: a street word and a house number ('Hauptstraße 5', 'Karl-Liebknecht-Str.
# 12a', 'Am Ring 3', 'Lindenweg 7-9'), not followed by a unit ('Arbeitsweg 30 km').
_STREET = re.compile(
    r"(?<![a-z])(?P<word>[a-z]*(?:-[a-z]+)*-?(?:strasse|str\.?|weg|platz|allee|gasse"
    r"|ring|damm|(?<!ae)ufer|chaussee|promenade))"
    r"\s?(?:nr\.?\s?)?(?P<number>\d{1,3}\s?[a-z]?(?:\s?[-/]\s?\d{1,3}\s?[a-z]?)?)(?![\w])"
    r"(?!\s?(?:(?:km|std|stunden|h|min|minuten|jahre?n?|monate?n?|tage?n?|wochen?|uhr|euro|eur"
    r"|kg|t|m|x)(?![a-z])|%|€|[.,]\d))"
)
# A street word alone ('Platz 1 im Wettbewerb') is a street only after 'am', 'an der', ...
_BARE_STREET_WORDS = frozenset(("weg", "platz", "ring", "damm", "ufer"))
_STREET_ARTICLE = re.compile(r"(?:^|\s)(?:am|an der|an den|im|auf dem|zum|zur|hinter dem)\s$")
# Compounds on '-platz' and '-weg' that are places of work and ways to it, not streets.
_NOT_STREETS = frozenset((
    "arbeitsplatz", "ausbildungsplatz", "praktikumsplatz", "studienplatz", "kitaplatz",
    "betreuungsplatz", "lagerplatz", "stellplatz", "parkplatz", "sitzplatz", "schulplatz",
    "arbeitsweg", "anfahrtsweg", "fahrweg", "bildungsweg", "lebensweg", "umweg", "heimweg",
    "werdegang", "karriereweg", "dienstweg",
    # English words on '-ring' that CVs use ('Catering 2 Jahre' has its unit, 'Monitoring 2'
    # has none)
    "catering", "monitoring", "engineering", "tutoring", "mentoring", "scoring", "offering",
    "steering", "tailoring", "lettering", "ordering", "soldering", "wiring", "hiring",
    "spring", "string", "during", "bring", "sharing", "caring", "clearing", "gathering",
    "storing", "measuring", "manufacturing", "covering", "recovering", "entering",
    "restoring", "explaining", "training", "recruiting", "boring", "colouring", "coloring",
))  # fmt: skip

# IBAN: country code, check digits, account (lengths from the IBAN registry).
_IBAN_LENGTHS = {
    "ad": 24, "ae": 23, "al": 28, "at": 20, "az": 28, "ba": 20, "be": 16, "bg": 22, "bh": 22,
    "bi": 27, "br": 29, "by": 28, "ch": 21, "cr": 22, "cy": 28, "cz": 24, "de": 22, "dj": 27,
    "dk": 18, "do": 28, "ee": 20, "eg": 29, "es": 24, "fi": 18, "fk": 18, "fo": 18, "fr": 27,
    "gb": 22, "ge": 22, "gi": 23, "gl": 18, "gr": 27, "gt": 28, "hn": 28, "hr": 21, "hu": 28,
    "ie": 22, "il": 23, "iq": 23, "is": 26, "it": 27, "jo": 30, "kw": 30, "kz": 20, "lb": 28,
    "lc": 32, "li": 21, "lt": 20, "lu": 20, "lv": 21, "ly": 25, "mc": 27, "md": 24, "me": 22,
    "mk": 19, "mn": 20, "mr": 27, "mt": 31, "mu": 30, "ni": 28, "nl": 18, "no": 15, "om": 23,
    "pk": 24, "pl": 28, "ps": 29, "pt": 25, "qa": 29, "ro": 24, "rs": 22, "ru": 33, "sa": 24,
    "sc": 31, "sd": 18, "se": 24, "si": 19, "sk": 24, "sm": 27, "so": 23, "st": 25, "sv": 28,
    "tl": 23, "tn": 24, "tr": 26, "ua": 29, "va": 22, "vg": 24, "xk": 20, "ye": 30,
}  # fmt: skip
_IBAN = re.compile(r"(?<![a-z0-9])([a-z]{2}\d{2}(?:[ -]?[a-z0-9]){11,31})")
# Social-insurance number (Rentenversicherungsnummer): area, birth date ddmmyy, initial,
# serial, check digit: '65 170839 J 00 3', '65170839J003'.
_RVNR = re.compile(r"(?<![a-z0-9])(\d{2})[ -]?(\d{6})[ -]?([a-z])[ -]?(\d{2})[ -]?(\d)(?![a-z0-9])")
_RVNR_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
# Tax id (Steuer-ID): 11 digits, often grouped '12 345 678 903'.
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ ./-]?\d)*")

# Names: only where a label says so ('Name: Anna Schmidt', 'Vorname = Anna').
_NAME_LABEL = re.compile(
    r"(?<![a-z])(?:vor-?\s?und\s?(?:zu)?nachname|vorname|nachname|familienname|name"
    r"|tn-?name|teilnehmer(?:in)?|ansprechpartner(?:in)?|kontaktperson)\s?[:=]\s?[a-z]"
)


def personal_data_in_text(value: object, *, id_column: bool = False) -> str | None:
    """The kind of identifying data a text holds ('a phone number', ...), or None.

    Args:
        value: a cell or header as read; anything but a string is None.
        id_column: the value is a participant id, which is replaced by its keyed pseudonym
            and never stored: numbers there ('4711001') are ids, not phone numbers.
    Returns:
        The first kind found, checked in this order: e-mail, IBAN, social-insurance
        number, tax id, date of birth, phone number, street address, name label.
    """
    if not isinstance(value, str):
        return None
    text = fold(value)
    if len(text) < 6:
        return None
    digits = sum(ch.isdigit() for ch in text)
    checks = (
        (EMAIL, _has_email),
        (IBAN, _has_iban),
        (SOCIAL_INSURANCE, _has_rvnr),
        (TAX_ID, _has_tax_id),
        (BIRTH_DATE, _has_birth_date),
        (PHONE, _has_id_safe_phone if id_column else _has_phone),
        (ADDRESS, _has_street_address),
        (NAME, _has_name_label),
    )
    for kind, check in checks:
        if check(text, digits):
            return kind
    return None


def personal_data_in_cell(value: object, *, id_column: bool = False) -> str | None:
    """The kind of identifying data any cell holds: text, a number or a date.

    A spreadsheet stores a phone number typed without separators as a number
    (017612345678 -> 17612345678): outside the id column, a whole number of seven or more
    digits counts as one (or as a tax id when its check digit says so). A date cell is a
    birth date candidate by the rule of dates in the module docstring.
    """
    if isinstance(value, str):
        return personal_data_in_text(value, id_column=id_column)
    if isinstance(value, dt.date):  # datetime and pandas' Timestamp too
        return BIRTH_DATE if _is_birth_year(value.year) else None
    if id_column or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    number = str(abs(int(value)))
    if _is_tax_id(number):
        return TAX_ID
    return PHONE if len(number) >= 7 else None


def _has_email(text: str, _digits: int) -> bool:
    """An e-mail address in any of its spellings."""
    return bool(_EMAIL_HINT.search(text)) and bool(_EMAIL.search(text))


def _has_iban(text: str, digits: int) -> bool:
    """An IBAN whose mod-97 check holds, with or without spaces."""
    if digits < 12:
        return False
    for match in _IBAN.finditer(text):
        compact = re.sub(r"[ -]", "", match.group(1))
        length = _IBAN_LENGTHS.get(compact[:2])
        if length and len(compact) >= length and _iban_checks(compact[:length]):
            return True
    return False


def _iban_checks(iban: str) -> bool:
    """ISO 13616 mod-97: the account, then the country and check digits, as a number."""
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _has_rvnr(text: str, digits: int) -> bool:
    """A German social-insurance number with a valid birth date and check digit."""
    if digits < 11:
        return False
    return any(rvnr_checks("".join(m.groups())) for m in _RVNR.finditer(text))


def rvnr_checks(number: str) -> bool:
    """Whether a compact RVNR ('65170839J003') has a plausible date and its check digit."""
    area, month, letter = number[:2], int(number[4:6]), number[8]
    # the day is left free: it is raised for people who share area, date and serial
    if not "02" <= area <= "89" or not 1 <= month <= 12:
        return False
    digits = number[:8] + f"{ord(letter.lower()) - 96:02d}" + number[9:11]
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _RVNR_WEIGHTS, strict=True))
    return total % 10 == int(number[11])


def _has_tax_id(text: str, digits: int) -> bool:
    """An 11-digit Steuer-ID with a valid check digit, grouped or not."""
    if digits < 11:
        return False
    for match in _DIGIT_RUN.finditer(text):
        groups = re.split(r"\D", match.group())
        # any consecutive groups of the run: '25 86 095 742 719' holds '86 095 742 719'
        for start in range(len(groups)):
            for end in range(start + 1, len(groups) + 1):
                number = "".join(groups[start:end])
                if len(number) >= 11:
                    if _is_tax_id(number):
                        return True
                    break
    return False


def _is_tax_id(number: str) -> bool:
    """The Steuer-ID rules: 11 digits, no leading 0, one digit repeated, ISO 7064 check."""
    if len(number) != 11 or number[0] == "0":
        return False
    repeated = [count for count in Counter(number[:10]).values() if count > 1]
    if len(repeated) != 1 or repeated[0] not in (2, 3):
        return False
    product = 10
    for digit in number[:10]:
        total = (int(digit) + product) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10 == int(number[10])


def _has_birth_date(text: str, digits: int) -> bool:
    """A labelled date or year, or a full date whose year is 14 to 80 years back."""
    if digits < 2:
        return False
    for label in _BIRTH_LABEL.finditer(text):
        after = text[label.end() : label.end() + _LABEL_REACH]
        if _DATE.search(after) or _YEAR.search(after):
            return True
    return any(_is_birth_year(year) for year in _date_years(text))


def _date_years(text: str) -> list[int]:
    """The year of every valid calendar date in the text (two-digit years resolved)."""
    years = []
    for match in _DATE.finditer(text):
        parts = match.groupdict()
        if parts["d"]:
            day, month, year = int(parts["d"]), int(parts["m"]), parts["y"]
        elif parts["iy"]:
            day, month, year = int(parts["id"]), int(parts["im"]), parts["iy"]
        else:
            day, month, year = int(parts["nd"]), _MONTHS[parts["nm"]], parts["ny"]
        full_year = _full_year(year)
        try:
            dt.date(full_year, month, day)
        except ValueError:
            continue
        years.append(full_year)
    return years


def _full_year(year: str) -> int:
    """'1988' -> 1988; '88' -> 1988 and '07' -> 2007 (a two-digit year is never ahead)."""
    if len(year) == 4:
        return int(year)
    this_year = dt.date.today().year
    century = this_year // 100 * 100
    return century + int(year) if century + int(year) <= this_year else century - 100 + int(year)


def _is_birth_year(year: int) -> bool:
    """Whether a person born in `year` would now be 14 to 80 years old."""
    youngest, oldest = _BIRTH_AGES
    age = dt.date.today().year - year
    return youngest <= age <= oldest


def _has_phone(text: str, digits: int) -> bool:
    """A German or international phone number, or a cell that is only a long number."""
    if digits < 7:
        return False
    if _ONLY_DIGITS.fullmatch(text.strip()):
        return True
    return _phone_in(text)


def _has_id_safe_phone(text: str, digits: int) -> bool:
    """A phone number in an id column: a bare number there is an id ('0012345678')."""
    if digits < 7 or _ID_SHAPE.fullmatch(text.strip()):
        return False
    return _phone_in(text)


def _phone_in(text: str) -> bool:
    """Whether any phone-shaped run has enough digits and is not a list of postcodes."""
    for match in _PHONE.finditer(text):
        found = match.group()
        prefix = match.group("prefix")
        if _POSTCODE_RUN.fullmatch(found):
            continue  # '04109 04315': postcodes; a phone's area code has at most 5 digits
        if prefix.startswith(("+", "00")):
            kind = "international"
        elif prefix.startswith("49"):
            kind = "bare49"
        else:
            kind = "national"
        if sum(ch.isdigit() for ch in found) >= _MIN_DIGITS[kind]:
            return True
    return False


def _has_street_address(text: str, digits: int) -> bool:
    """A street name with a house number."""
    if digits < 1:
        return False
    for match in _STREET.finditer(text):
        word = match.group("word").rstrip(".")
        if word.rsplit("-", 1)[-1] in _NOT_STREETS:  # 'IT-Monitoring 2' too
            continue
        if word in _BARE_STREET_WORDS and not _STREET_ARTICLE.search(text[: match.start()]):
            continue
        return True
    return False


def _has_name_label(text: str, _digits: int) -> bool:
    """A 'Name: ...'-style label followed by a word."""
    return bool(_NAME_LABEL.search(text))


# --- keyed pseudonyms ------------------------------------------------------------------------

# Crockford's base32: digits and capitals without I, L, O and U, so a pseudonym read out on
# the phone or copied by hand from a printed list is not misread.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 12 characters of 5 bits = 60 bits of the HMAC. Two of n people share a pseudonym with
# probability about n^2 / 2^61: 4e-9 for 100,000 participants, 4e-7 for a million. That
# is negligible next to typing errors (and within one file the importer would reject the
# second of such a pair as a duplicate rather than merge two people).
PSEUDONYM_CHARS = 12
_PSEUDONYM = re.compile(r"P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
_LOOKS_LIKE_PSEUDONYM = re.compile(r"P-\w{4}-\w{4}-\w{4}")
_FINGERPRINT_MESSAGE = b"resque-key-check"


def source_id_key(source_id: str) -> str:
    """The form of a source id that is hashed: fold_marks (NFKC, any dash as '-', any space
    as ' ', zero-width characters removed), spaces collapsed, case-folded.

    'tn-2026-001 ', 'TN‑2026‑001' (non-breaking hyphens) and 'TN-2026-001' name the same
    person in two files, so they must get the same pseudonym.
    """
    text = fold_marks(source_id)
    return " ".join(text.split()).casefold()


def pseudonym(source_id: str, key: bytes) -> str:
    """The keyed pseudonym of a participant's source id: 'P-' and 12 base32 characters.

    Args:
        source_id: the participant id of the source file, as written there.
        key: the secret (at least 16 bytes). Without it nobody can recompute the pseudonym
            from a guessed source id, as they could from a plain hash of the usually
            sequential ids ('TN-2026-001', 'TN-2026-002', ...).
    Returns:
        'P-XXXX-XXXX-XXXX', HMAC-SHA256 over the normalised id (`source_id_key`), cut to
        60 bits; the same for the same id and key, whatever file it came from.
    """
    if len(key) < 16:
        raise ValueError("a pseudonym key has at least 16 bytes")
    digest = hmac.new(key, source_id_key(source_id).encode("utf-8"), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:8], "big") >> (64 - 5 * PSEUDONYM_CHARS)
    chars = "".join(
        _CROCKFORD[(bits >> (5 * (PSEUDONYM_CHARS - 1 - i))) & 31] for i in range(PSEUDONYM_CHARS)
    )
    return f"P-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def is_pseudonym(text: str) -> bool:
    """Whether `text` has the form of a pseudonym (any case), rather than of a source id."""
    return bool(_PSEUDONYM.fullmatch(text.strip().upper()))


def participant_pseudonym(text: str, key: bytes | None) -> str:
    """A pseudonym as given (upper-cased), or the pseudonym of a source id.

    Raises ValueError for a source id when there is no key to hash it with.
    """
    if is_pseudonym(text):
        return text.strip().upper()
    if _LOOKS_LIKE_PSEUDONYM.fullmatch(text.strip().upper()):
        # hashing it as a source id would name some unrelated pseudonym in the error
        raise ValueError(
            f"{text.strip()!r} is not a valid pseudonym (P-XXXX-XXXX-XXXX, no I L O U)"
        )
    if key is None:
        raise ValueError("a source id needs the pseudonym key")
    return pseudonym(text, key)


def key_fingerprint(key: bytes) -> str:
    """Eight hex characters that tell two keys apart without revealing either."""
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:8]


# --- scrubbing free text: the spiders keep no contact person of a posting -----------------
# Patterns of their own, apart from the import guard's above: the guard refuses a whole file
# on a hint, scrubbing replaces what it is sure of inside a description.

_SCRUB_AT = r"(?:@|\s*[(\[{]at[)\]}]\s*)"
_SCRUB_DOT = r"(?:\.|\s*[(\[{]dot[)\]}]\s*)"
# 'name@firma.de', and the obfuscated 'name (at) firma (dot) de' of contact pages
SCRUB_EMAIL = re.compile(
    r"[\w.+-]+" + _SCRUB_AT + r"[\w-]+(?:" + _SCRUB_DOT + r"[\w-]+)*" + _SCRUB_DOT + r"[a-z]{2,}\b",
    re.IGNORECASE,
)
# '0341 12345-67', '(0341) 123 45 67', '03425 / 8521-0', '+49 341 1234567'; a postcode
# ('04109 Leipzig') or a date ('01.08.2027') has too few digits after the prefix to match.
SCRUB_PHONE = re.compile(r"(?<![\w+])(?:\+\s?\d{2}|\(?0\d{2,5}\)?)(?:[ \t/-]*\d){5,}")
# 'Frau Sabine Krüger', 'Herrn Dr. Vogel': salutation and up to two capitalised names.
SCRUB_PERSON = re.compile(
    r"\b(?:Frau|Herrn?|Hr\.|Fr\.)\s+(?:(?:Dr|Prof|Dipl)\.[\w.-]*\s*)*"
    r"[A-ZÄÖÜ][\w'-]+(?:\s+[A-ZÄÖÜ][\w'-]+)?"
)
REMOVED = "[Kontakt entfernt]"


def has_personal_data(text: str | None) -> bool:
    """True if text holds an e-mail address, a phone number or a salutation with a name."""
    return bool(text) and any(p.search(text) for p in (SCRUB_EMAIL, SCRUB_PHONE, SCRUB_PERSON))


def scrub_personal_data(text: str | None) -> str | None:
    """Free text with e-mail addresses, phone numbers and 'Frau/Herr Name' replaced."""
    if not text:
        return text
    for pattern in (SCRUB_EMAIL, SCRUB_PHONE, SCRUB_PERSON):
        text = pattern.sub(REMOVED, text)
    return text

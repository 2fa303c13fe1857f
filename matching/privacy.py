"""What may never enter participant data: columns and values that identify or single out a person.

Pure functions, no I/O. The participant importer refuses a file with such a column or
value before anything of it is stored or logged, and the ranker refuses input frames that
carry such a column, so a protected attribute can reach neither the warehouse nor a score.
Detection works on header keys (case-folded, umlauts spelled out, punctuation removed), so
'Geburts-Datum', 'E-Mail' and 'Staatsangehörigkeit' are caught however they are written.

The participant id of a source file (the competence analysis' 'TN-2026-001') is not stored
either: `pseudonym()` turns it into a keyed pseudonym ('P-4XKM-9T2B-QHZ7') that only the
holder of the key can recompute from the source id.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from matching.normalise import fold

# Per kind of personal data, the header keys that name it. A key matches when it equals an
# entry, or contains one of the `parts` (long, unambiguous stems: 'geburtsdatum' in
# 'geburtsdatumtn'); short words ('tel', 'age', 'sex') must match the whole key, because
# as parts they occur in harmless headers ('mobilitaet', 'stage', 'essex').
PROTECTED_EXACT: dict[str, tuple[str, ...]] = {
    "name": ("name", "namen", "vorname", "nachname", "familienname", "geburtsname", "rufname",
             "firstname", "lastname", "surname", "fullname", "givenname", "vornamename",
             "namevorname", "nameteilnehmer", "teilnehmername"),
    "date of birth": ("geburtsdatum", "geburtstag", "geburtsjahr", "geburtsort", "geboren",
                      "gebdatum", "gebam", "dob", "dateofbirth", "birthdate", "birthday",
                      "alter", "age", "jahrgang", "birthplace", "placeofbirth"),
    "address": ("adresse", "anschrift", "strasse", "str", "strassehausnummer", "hausnummer",
                "hausnr", "wohnanschrift", "meldeadresse", "address", "street",
                "streetaddress", "addressline1", "addressline2"),
    "phone": ("telefon", "tel", "telnr", "telefonnummer", "handy", "handynummer", "mobil",
              "mobilnummer", "mobiltelefon", "mobile", "mobilephone", "phone", "phonenumber",
              "telephone", "rufnummer", "festnetz", "whatsapp", "fax", "kontakt", "contact"),
    "e-mail": ("email", "mail", "emailadresse", "mailadresse", "emailaddress"),
    "nationality": ("staatsangehoerigkeit", "nationalitaet", "nationality", "staatsbuergerschaft",
                    "citizenship", "herkunft", "herkunftsland", "geburtsland", "countryoforigin",
                    "ethnie", "ethnicity", "ethnischeherkunft"),
    "gender": ("geschlecht", "gender", "sex", "anrede", "salutation"),
    "religion": ("religion", "konfession", "glaube", "religionszugehoerigkeit",
                 "weltanschauung", "belief"),
    "residence permit": ("aufenthaltstitel", "aufenthaltsstatus", "aufenthaltserlaubnis",
                         "aufenthalt", "duldung", "residencepermit", "residencestatus",
                         "visum", "visa", "asylstatus", "asyl", "fluechtlingsstatus",
                         "auslaenderbehoerde", "bamfaktenzeichen", "aktenzeichen"),
    "photo": ("foto", "photo", "bild", "lichtbild", "passbild", "picture", "image"),
    "health or disability": ("behinderung", "schwerbehinderung", "gdb", "gesundheit",
                             "krankheit", "diagnose", "disability", "health", "schwanger",
                             "schwangerschaft", "pregnancy"),
    "family": ("familienstand", "kinder", "anzahlkinder", "maritalstatus", "children"),
    "identity number": ("sozialversicherungsnummer", "svnummer", "svnr",
                        "rentenversicherungsnummer",
                        "steuerid", "steuernummer", "iban", "passnummer", "ausweisnummer",
                        "personalausweis", "reisepass", "kundennummer", "bakundennummer",
                        "socialsecuritynumber", "passport"),
}  # fmt: skip
PROTECTED_PARTS: dict[str, tuple[str, ...]] = {
    "name": ("vorname", "nachname", "familienname", "geburtsname", "firstname", "lastname",
             "surname"),
    "date of birth": ("geburtsdatum", "geburtstag", "geburtsjahr", "geburtsort", "dateofbirth",
                      "birthdate"),
    "address": ("adresse", "anschrift", "strasse", "hausnummer", "address"),
    "phone": ("telefon", "handynummer", "mobilnummer", "mobiltelefon", "phonenumber"),
    "e-mail": ("email", "emailadresse", "mailadresse"),
    "nationality": ("staatsangehoerigkeit", "nationalitaet", "nationality", "staatsbuergerschaft",
                    "herkunftsland", "ethnisch", "ethnicity"),
    "gender": ("geschlecht", "gender"),
    "religion": ("religion", "konfession"),
    "residence permit": ("aufenthaltstitel", "aufenthaltsstatus", "aufenthaltserlaubnis",
                         "duldung", "residencepermit", "asylstatus"),
    "photo": ("lichtbild", "passbild", "foto", "photo"),
    "health or disability": ("behinderung", "diagnose", "disability"),
    "identity number": ("sozialversicherung", "ausweisnummer", "passnummer", "kundennummer"),
}  # fmt: skip

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL_SPELLED = re.compile(
    r"[\w.+-]+\s*(?:\(at\)|\[at\]|\{at\})\s*[\w-]+(?:\s*(?:\.|\(dot\))\s*\w+)+"
)
# A phone number: '+49 341 1234567', '0049-341-...', '0341/1234567', '(0341) 123 45 67',
# '0176 12345678'. Starts with '+', '00' or a leading 0, at least 7 digits in all; dots are
# not separators here, so dates ('01.08.2027') and postcodes ('04109') never match.
_PHONE = re.compile(r"(?<![\w.])(?:\+|00|\(0|0)[0-9()/ \-]{6,}[0-9]")
_MIN_PHONE_DIGITS = 7


def header_key(header: object) -> str:
    """A header reduced for comparison: 'E-Mail-Adresse' -> 'emailadresse'."""
    return _NON_ALNUM.sub("", fold(str(header)))


def protected_kind(header: object) -> str | None:
    """The kind of personal data a column header names ('e-mail', 'gender', ...), or None."""
    key = header_key(header)
    if not key:
        return None
    for kind, exact in PROTECTED_EXACT.items():
        if key in exact:
            return kind
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


def personal_data_in_text(value: object) -> str | None:
    """'an e-mail address' or 'a phone number' if free text contains one, else None."""
    if not isinstance(value, str) or len(value) < 7:
        return None
    if "@" in value and _EMAIL.search(value):
        return "an e-mail address"
    lower = value.lower()
    if any(mark in lower for mark in ("(at)", "[at]", "{at}")) and _EMAIL_SPELLED.search(lower):
        return "an e-mail address"
    for match in _PHONE.finditer(value):
        if sum(ch.isdigit() for ch in match.group()) >= _MIN_PHONE_DIGITS:
            return "a phone number"
    return None


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


# Dashes other than '-' that word processors and Excel's autocorrect put into ids.
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")


def source_id_key(source_id: str) -> str:
    """The form of a source id that is hashed: NFKC, any dash as '-', spaces collapsed,
    case-folded.

    'tn-2026-001 ', 'TN‑2026‑001' (non-breaking hyphens) and 'TN-2026-001' name the same
    person in two files, so they must get the same pseudonym.
    """
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", source_id))
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

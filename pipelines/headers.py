"""Which column of a file holds which record field: German and English header synonyms."""

from __future__ import annotations

from resque.errors import ResqueError
from resque.matching.normalise import header_key
from resque.pipelines.record import record_fields

# Per field, the header spellings people use, best first. Headers are compared after
# header_key(): case-folded, umlauts spelled out, punctuation and spaces removed. Every
# record field's own name ('source_ref') is one of its synonyms, so that a file written
# from the warehouse (`resque query --csv`) imports back with its ids.
POSTING_SYNONYMS: dict[str, list[str]] = {
    "source_ref": [
        "sourceref",
        "referenznummer",
        "refnr",
        "angebotsnr",
        "angebotsnummer",
        "stellenangebotsnr",
        "stellenid",
        "stellennummer",
        "stellennr",
        "jobid",
        "chiffre",
        "kennung",
        "referenz",
        "reference",
        "ref",
        "id",
        "identifier",
        "externalid",
        "sourceid",
    ],
    "title": [
        "stellenbezeichnung",
        "stellentitel",
        "titel",
        "jobtitel",
        "stellenangebot",
        "bezeichnung",
        "stelle",
        "position",
        "jobtitle",
        "title",
        "job",
        "ausbildungsberuf",
        "beruf",
    ],
    "occupation": [
        "beruf",
        "berufsbezeichnung",
        "ausbildungsberuf",
        "zielberuf",
        "occupation",
    ],
    "employer": [
        "firma",
        "unternehmen",
        "arbeitgeber",
        "betrieb",
        "firmenname",
        "aussteller",
        "ausbildungsbetrieb",
        "einrichtung",
        "company",
        "companyname",
        "employer",
        "hiringorganization",
        "organisation",
        "organization",
    ],
    "sector": ["branche", "wirtschaftszweig", "sektor", "sector", "industry"],
    "postcode": ["plz", "postleitzahl", "zip", "zipcode", "postcode", "postalcode"],
    "city": [
        "arbeitsort",
        "ort",
        "einsatzort",
        "stadt",
        "standort",
        "gemeinde",
        "city",
        "town",
        "location",
        "place",
    ],
    "street": [
        "strasse",
        "strassehausnummer",
        "strassenr",
        "anschrift",
        "adresse",
        "street",
        "streetaddress",
        "address",
    ],
    "lat": ["lat", "latitude", "breitengrad", "breite"],
    "lon": ["lon", "lng", "longitude", "laengengrad", "laenge"],
    "description": [
        "beschreibung",
        "stellenbeschreibung",
        "taetigkeit",
        "taetigkeiten",
        "aufgaben",
        "stellenangebotsbeschreibung",
        "description",
        "details",
        "text",
    ],
    "employment_type": [
        "angebotsart",
        "anstellungsart",
        "beschaeftigungsart",
        "vertragsart",
        "stellenart",
        "art",
        "employmenttype",
        "contracttype",
        "jobtype",
    ],
    "working_time": [
        "arbeitszeit",
        "arbeitszeitmodell",
        "umfang",
        "stundenumfang",
        "workinghours",
        "workingtime",
    ],
    "start_date": [
        # the start as the source wrote it ('ab sofort'), which a warehouse export carries
        # beside the parsed start_date: read first, it loses nothing
        "starttext",
        "beginn",
        "eintrittsdatum",
        "eintritt",
        "startdatum",
        "start",
        "ausbildungsbeginn",
        "arbeitsbeginn",
        "abwann",
        "startdate",
        "jobstartdate",
    ],
    "places": [
        "anzahl",
        "anzahlstellen",
        "anzahlplaetze",
        "plaetze",
        "freieplaetze",
        "stellen",
        "anzahlfreieplaetze",
        "places",
        "openings",
        "totaljobopenings",
        "positions",
        "numberofpositions",
    ],
    "url": ["link", "url", "weblink", "stellenlink", "internetadresse", "externeurl"],
    "posted_at": [
        "veroeffentlichtam",
        "veroeffentlicht",
        "veroeffentlichungsdatum",
        "aktuelleveroeffentlichungsdatum",
        "eingestelltam",
        "erstelltam",
        "datum",
        "dateposted",
        "postedat",
        "datepublished",
        "publishedat",
        "published",
    ],
    "valid_through": [
        "gueltigbis",
        "bewerbungsfrist",
        "bewerbungsschluss",
        "validthrough",
        "closingdate",
        "deadline",
        "expiresat",
        "expires",
    ],
}

EMPLOYER_SYNONYMS: dict[str, list[str]] = {
    "source_ref": [
        "sourceref",
        "betriebsnummer",
        "mitgliedsnummer",
        "kundennummer",
        "firmennummer",
        "id",
        "identifier",
    ],
    "name": [
        "firma",
        "firmenname",
        "unternehmen",
        "name",
        "betrieb",
        "arbeitgeber",
        "company",
        "companyname",
        "employer",
        "organisation",
        "organization",
    ],
    "sector": POSTING_SYNONYMS["sector"],
    "postcode": POSTING_SYNONYMS["postcode"],
    "city": ["ort", "stadt", "gemeinde", "city", "town", "sitz"],
    "street": POSTING_SYNONYMS["street"],
    "url": ["internet", "website", "webseite", "homepage", "url", "link", "www"],
}

# Participant profiles from the competence analysis (pseudonymous; see pipelines/participants.py).
PARTICIPANT_SYNONYMS: dict[str, list[str]] = {
    "participant_id": [
        "teilnehmerid",
        "teilnehmendenid",
        "teilnehmerinid",
        "pseudonym",
        "tnid",
        "tnnr",
        "teilnehmernr",
        "teilnehmernummer",
        "teilnehmerkennung",
        "participantid",
        "participant",
        "kennung",
        "id",
    ],
    "desired_occupations": [
        "wunschberuf",
        "wunschberufe",
        "berufswunsch",
        "berufswuensche",
        "zielberuf",
        "zielberufe",
        "wunschtaetigkeit",
        "desiredoccupation",
        "desiredoccupations",
        "wishedoccupation",
        "wishedoccupations",
        "targetoccupation",
        "targetoccupations",
        "desiredjob",
        "desiredjobs",
        "beruf",
    ],
    "skills": [
        "kompetenzen",
        "faehigkeiten",
        "faehigkeitenundkenntnisse",
        "kenntnisse",
        "kenntnisseundfaehigkeiten",
        "skills",
        "competences",
        "competencies",
    ],
    "languages": ["sprachen", "sprachkenntnisse", "sprache", "languages", "languageskills"],
    "qualifications": [
        "qualifikationen",
        "qualifikation",
        "abschluesse",
        "abschluss",
        "berufsabschluss",
        "berufsabschluesse",
        "qualifikationenanerkanntnichtanerkannt",
        "abschluesseanerkanntnichtanerkannt",
        "qualifications",
    ],
    "licences": [
        "fuehrerschein",
        "fuehrerscheine",
        "fahrerlaubnis",
        "fahrerlaubnisse",
        "fuehrerscheinklasse",
        "fuehrerscheinklassen",
        "scheine",
        "licences",
        "licenses",
        "drivinglicence",
        "drivinglicense",
    ],
    "working_time": [
        "arbeitszeit",
        "arbeitszeitwunsch",
        "gewuenschtearbeitszeit",
        "umfang",
        "workingtime",
    ],
    "postcode": ["plz", "postleitzahl", "wohnortplz", "postcode", "zip", "zipcode"],
    "city": ["ort", "wohnort", "plzort", "stadt", "gemeinde", "city", "town", "place"],
    "radius_km": [
        "umkreis",
        "umkreiskm",
        "mobilitaet",
        "mobilitaetkm",
        "umkreismobilitaetkm",
        "mobilitaetumkreiskm",
        "radius",
        "radiuskm",
        "pendelbereitschaft",
        "pendelbereitschaftkm",
        "maxentfernung",
        "maxentfernungkm",
        "mobility",
        "mobilitykm",
        "mobilityradius",
        "mobilityradiuskm",
        "travelradius",
        "travelradiuskm",
        "maxdistance",
        "maxdistancekm",
        "maxcommutekm",
    ],
    "available_from": [
        "verfuegbarab",
        "verfuegbar",
        "verfuegbarkeit",
        "startab",
        "eintrittab",
        "abwann",
        "availablefrom",
        "available",
        "availability",
    ],
}


# A partner's copy of the circulating vacancy list (`resque export vacancies`, read back by
# `resque import vacancy-list`): the stable id and the columns the partners fill in. The
# list's own columns ('Plätze laut Liste', 'Beginn laut Liste') are not read back.
VACANCY_LIST_SYNONYMS: dict[str, list[str]] = {
    "vacancy_id": ["stellenidnichtaendern", "stellenid", "vacancyid"],
    "still_open": ["nochoffenjanein", "nochoffen", "offen", "stillopen"],
    "places": ["plaetze", "anzahlplaetze", "freieplaetze", "places"],
    "start_date": ["beginn", "startdatum", "start", "startdate"],
    "contact_known_at": [
        "ansprechpartnerbekanntbei",
        "ansprechpartnerbekanntbeiorganisationkeineperson",
        "kontaktbekanntbei",
        "contactknownat",
    ],
    "note": ["hinweis", "hinweise", "anmerkung", "bemerkung", "notiz", "note"],
}


SYNONYMS = {
    "vacancies": POSTING_SYNONYMS,
    "employers": EMPLOYER_SYNONYMS,
    "participants": PARTICIPANT_SYNONYMS,
    "vacancy_list": VACANCY_LIST_SYNONYMS,
}
REQUIRED = {
    "vacancies": "title",
    "employers": "name",
    "participants": "participant_id",
    "vacancy_list": "vacancy_id",
}
# A field that may share its column with another when nothing better exists:
# an apprenticeship list's only "Beruf" column is both its title and its occupation.
SHAREABLE = {("title", "occupation")}


def _key_variants(header: object) -> list[str]:
    """The header's key, then its last dotted part ('arbeitsort.plz' -> 'plz')."""
    text = str(header)
    variants = [header_key(text)]
    if "." in text.strip("."):
        variants.append(header_key(text.rsplit(".", 1)[-1]))
    return variants


def parse_overrides(pairs: list[str] | None, entity: str) -> dict[str, str]:
    """--map 'Column=field' options as {column: field}; unknown fields are an error."""
    known = set(record_fields(entity)) - {"source"}
    overrides = {}
    for pair in pairs or []:
        column, sep, target = pair.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise ResqueError(f"--map {pair!r}: expected 'Column=field'")
        if target.strip() not in known:
            names = ", ".join(sorted(known))
            raise ResqueError(f"--map {pair!r}: unknown field {target.strip()!r} (known: {names})")
        overrides[column.strip()] = target.strip()
    return overrides


def map_columns(
    columns: list[str], entity: str, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    """Assign record fields to file columns: {field: column}.

    Explicit overrides win; then each (field, column) pair is taken in order of how
    good a synonym the header is, each column and each field used once.
    """
    synonyms = SYNONYMS[entity]
    overrides = overrides or {}
    missing = [c for c in overrides if c not in columns]
    if missing:
        raise ResqueError(f"--map names columns the file does not have: {', '.join(missing)}")
    assigned = {field: column for column, field in overrides.items()}
    used = set(overrides)
    candidates = []
    for column in columns:
        for variant_rank, key in enumerate(_key_variants(column)):
            for field, names in synonyms.items():
                if key in names:
                    candidates.append((variant_rank, names.index(key), field, column))
    for _, _, field, column in sorted(candidates, key=lambda c: (c[0], c[1])):
        if field not in assigned and column not in used:
            assigned[field] = column
            used.add(column)
    for first, second in SHAREABLE:
        if first not in assigned and second in assigned and first in synonyms:
            shared = assigned[second]
            if any(key in synonyms[first] for key in _key_variants(shared)):
                assigned[first] = shared
    return assigned


def require_columns(mapping: dict[str, str], columns: list[str], entity: str, label: str) -> None:
    """Fail with one line when the file has no column for the required field."""
    needed = REQUIRED[entity]
    if needed not in mapping:
        shown = ", ".join(str(c) for c in columns[:12]) + (" …" if len(columns) > 12 else "")
        raise ResqueError(
            f"{label}: no {needed} column found (columns: {shown}); "
            f"name it with --map 'Column={needed}'"
        )

"""Occupation groups of common German job titles, in the spirit of the BA's KldB 2010.

Titles of one opening vary in wording ('Staplerfahrer', 'Gabelstaplerfahrer',
'Flurförderzeugführer'), and look-alike titles can be different jobs ('Elektroniker für
Betriebstechnik' and 'Elektroniker für Energie- und Gebäudetechnik'). String similarity
cannot tell these apart; knowing the occupation can. This is a small hand-written table of
frequent titles in regional job ads (helpers, skilled trades, care, retail, office), each
pattern matched against the normalised title without spaces. The first matching group
wins, so more specific patterns come first. A title no pattern knows has no group and
gives the classifier no evidence either way.

Pure data and one function.
"""

from __future__ import annotations

import re

# (group, pattern on the title key without spaces), most specific first.
_GROUPS: list[tuple[str, str]] = [
    ("ausbildung", r"^(?:ausbildung|azubi|auszubildende)"),
    ("fachkraft_lagerlogistik", r"fachkraft\w*lagerlogistik|lagerfachkraft|lagerlogistiker"),
    ("fachlagerist", r"fachlagerist"),
    ("staplerfahrer", r"stapler|flurfoerderzeug|gabelstapler|reachtruck"),
    ("kommissionierer", r"kommissionier|picker"),
    (
        "lagerhelfer",
        r"lager(?:helfer|mitarbeiter|arbeiter|hilfe|kraft|ist)|helfer\w*lager|mitarbeiter\w*lager",
    ),
    (
        "berufskraftfahrer",
        r"berufskraftfahrer|lkwfahrer|kraftfahrer|fahrer\w*ce\b|cefahrer|fahrer\w*ce",
    ),
    ("paketzusteller", r"paketzust|zusteller|kurierfahrer|auslieferungsfahrer|paketfahrer"),
    (
        "produktionshelfer",
        r"produktionshelfer|produktionsmitarbeiter|produktionsarbeiter|helfer\w*produktion|mitarbeiter\w*produktion",
    ),
    (
        "maschinenfuehrer",
        r"anlagenfuehrer|maschinenbediener|anlagenbediener|maschinenfuehrer|maschinenundanlagen",
    ),
    ("elektroniker_betriebstechnik", r"elektroniker\w*betriebstechnik|betriebselektriker"),
    (
        "elektroniker_gebaeudetechnik",
        r"elektroniker\w*(?:energie|gebaeude)|elektroinstallateur|elektromonteur|elektriker",
    ),
    ("mechatroniker", r"mechatroniker"),
    ("industriemechaniker", r"industriemechaniker|schlosser"),
    ("schweisser", r"schweisser"),
    ("montagehelfer", r"montagehelfer|montagemitarbeiter|montagearbeiter|helfer\w*montage"),
    (
        "kuechenhilfe",
        r"kuechenhilfe|kuechenhelfer|spuelkraft|spueler|mitarbeiter\w*kueche|kuechenkraft",
    ),
    ("koch", r"koch"),
    ("kundenservice", r"callcenter|kundenberater|kundenservice|kundenbetreu"),
    (
        "servicekraft",
        r"servicekraft|servicemitarbeiter|kellner|restaurantfach|mitarbeiter\w*service$|mitarbeiterimservice",
    ),
    ("housekeeping", r"housekeeping|zimmerreinig|zimmermaedchen|roomattendant"),
    ("reinigungskraft", r"reinigung|raumpfleger|putzkraft"),
    ("pflegehelfer", r"pflegehelfer|pflegehilf|pflegeassist|altenpflegehelfer"),
    ("pflegefachkraft", r"pflegefach|altenpfleger|krankenpfleger|krankenschwester"),
    (
        "baeckereiverkauf",
        r"baeckerei\w*verk|fachverkaeufer\w*lebensmittel|verkaeufer\w*baeckerei|baeckereifach",
    ),
    ("baecker", r"baecker|backwaren"),
    ("fleischer", r"fleischer|metzger"),
    ("einzelhandelskaufmann", r"kaufmann\w*einzelhandel|einzelhandelskaufmann"),
    ("kassierer", r"kassierer|kassenkraft|mitarbeiter\w*kasse"),
    ("verkaeufer", r"verkaeufer|verkaufsmitarbeiter|mitarbeiter\w*verkauf|verkaufshilfe"),
    ("buerokaufmann", r"bueromanagement|buerokaufmann|buerokraft|kaufmann\w*buero"),
    ("sachbearbeiter", r"sachbearbeiter|verwaltungsmitarbeiter|verwaltungsfachangestellte"),
    ("fachinformatiker", r"fachinformatiker|administrator|itsupport|itsupporter"),
    ("friseur", r"friseur|stylist"),
    ("maler", r"maler|lackierer"),
    ("anlagenmechaniker_shk", r"anlagenmechaniker|shk|heizungsmonteur|installateur|sanitaer"),
    ("tischler", r"tischler|schreiner"),
    ("hausmeister", r"hausmeister|haustechniker|objektbetreuer"),
    ("sicherheit", r"sicherheit|security|objektschuetzer|wachmann|wachschutz|wachdienst"),
    ("erzieher", r"erzieher|paedagogischefachkraft|kinderpfleger"),
    ("gaertner", r"gaertner|galabau|gartenpfleger|landschaftsbau"),
    ("dachdecker", r"dachdecker|dachklempner"),
    ("maurer", r"maurer"),
    ("bauhelfer", r"bauhelfer|bauarbeiter|helfer\w*bau|helferhoch|tiefbau"),
    ("medizinische_fachangestellte", r"medizinischefachangestellte|^mfa|arzthelfer"),
]
_PATTERNS = [(group, re.compile(pattern)) for group, pattern in _GROUPS]


def occupation_group(title_key: object) -> str | None:
    """The occupation group of a normalised title ('gabelstaplerfahrer' -> 'staplerfahrer')."""
    found = occupation_span(title_key)
    return found[0] if found else None


def occupation_span(title_key: object) -> tuple[str, list[tuple[int, int]]] | None:
    """(group, [(start, end) of each text the group's pattern matches in the title without
    spaces]), or None.

    The spans tell which words name the occupation ('krankenpfleger' in 'gesundheits
    krankenpfleger dermatologie'; 'maschinen' and 'anlagenfuehrer' in 'maschinen
    anlagenfuehrer'), so the others can be compared (matching.titles).
    """
    if not isinstance(title_key, str) or not title_key:
        return None
    compact = title_key.replace(" ", "")
    for group, pattern in _PATTERNS:
        spans = [match.span() for match in pattern.finditer(compact)]
        if spans:
            return group, spans
    return None

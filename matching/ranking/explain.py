"""Why a vacancy was proposed to a participant, in words a job coach can check.

Pure functions, no I/O. The ranker hands over one row of facts per match (REASON_FIELDS:
the wish and title that met, the skills the vacancy names, the distance and how it was
located, the licences, working time, start and languages asked); `reason_json()` turns
them into the JSON stored in `matches.reasons`, with a one-line `summary`; `reason_dicts()`
gives the same as dicts for a list ranked on demand; and `lines()` turns a reasons dict
into readable lines for a printed list.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

REASON_FIELDS = (
    "wish",
    "title",
    "occupation_similarity",
    "related_evidence",
    "skills",
    "distance_km",
    "radius_km",
    "located_by",
    "licences_required",
    "licences_unstated",
    "licences_welcome_held",
    "licences_welcome_missing",
    "working_time_wished",
    "working_time_offered",
    "shift_work",
    "start",
    "available_from",
    "languages",
    "components",
)
# Decimal places of the floats in a stored reason (similarity, distance, components).
DECIMALS = 3
WORKING_TIME_WORDS = {
    "full_time": "full time",
    "part_time": "part time",
    "full_or_part_time": "full or part time",
    "shift": "shifts",
    "minijob": "minijob",
}


def reason_json(frame: pd.DataFrame) -> list[str]:
    """Each match's reasons as JSON text: a one-line summary and the facts behind it.

    Args:
        frame: the ranker's matches with the REASON_FIELDS columns.
    Returns:
        One JSON object per row, in row order (serialised by pandas, not a Python loop).
    """
    if not len(frame):
        return []
    text = _facts(frame).to_json(
        orient="records", lines=True, force_ascii=False, double_precision=DECIMALS
    )
    # pandas escapes every '/' as '\/' (valid, but 'm\/w\/d' reads badly in a query result);
    # a backslash of the text itself is written '\\', so this cannot split an escape
    return text.replace("\\/", "/").splitlines()


def reason_dicts(frame: pd.DataFrame) -> list[dict]:
    """Each match's reasons as dicts: what `reason_json`'s text reads back as, without the text.

    For a list ranked on demand and shown at once (`resque match --participant`): the keys
    and values a stored run's reasons have, a missing value None, floats rounded to DECIMALS
    places (Python's rounding; pandas's JSON writer may differ in the last place when the
    digit after it is a 5).
    """
    if not len(frame):
        return []
    records = _facts(frame).to_dict(orient="records")
    return [{key: _plain(value) for key, value in record.items()} for record in records]


def _facts(frame: pd.DataFrame) -> pd.DataFrame:
    """The REASON_FIELDS of each row, after its one-line summary."""
    frame = frame.reset_index(drop=True)
    facts = frame[list(REASON_FIELDS)].copy()
    facts.insert(0, "summary", summaries(frame))
    return facts


def _plain(value: object) -> object:
    """A fact as JSON holds it: built-in types, None for a missing value, floats rounded."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        return round(value, DECIMALS) if math.isfinite(value) else None
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(item) for item in value]
    raise TypeError(f"a reason of type {type(value).__name__} has no JSON form")


def summaries(frame: pd.DataFrame) -> pd.Series:
    """'wish "Koch" ~ "Koch (m/w/d)" (0.93); skills: HACCP; 4.2 km (radius 20 km)' per row."""
    wish = frame["wish"].fillna("").astype(str)
    similarity = frame["occupation_similarity"].map("{:.2f}".format)
    evidence = frame.get("related_evidence")
    said = pd.Series(
        [_evidence_en(e) for e in evidence] if evidence is not None else [""] * len(frame),
        index=frame.index,
        dtype=object,
    )
    occupation = np.where(
        wish != "",
        'wish "' + wish + '" ~ "' + frame["title"].astype(str) + '" (' + similarity + ")",
        said,
    )
    skills = frame["skills"].map(lambda s: "skills: " + ", ".join(s) if len(s) else "")
    known = frame["distance_km"].notna()
    distance = np.where(
        known,
        frame["distance_km"].map("{:.1f} km".format)
        + " (radius "
        + frame["radius_km"].map("{:g}".format)
        + " km)",
        "distance unknown, radius not checked",
    )
    return _joined([occupation, skills.to_numpy(), distance], frame.index)


def _joined(parts: list, index: pd.Index) -> pd.Series:
    """The non-empty parts of each row joined by '; ' (column-wise, not a row loop)."""
    out = pd.Series(parts[0], index=index, dtype=object).fillna("")
    for part in parts[1:]:
        part = pd.Series(part, index=index, dtype=object).fillna("")
        glue = np.where((out != "") & (part != ""), "; ", "")
        out = out + glue + part
    return out


def _evidence_en(evidence: object) -> str:
    """The occupation evidence of a pair in a few words (never the vacancy's own title)."""
    if not isinstance(evidence, dict):
        return ""
    if evidence.get("kind") == "occupation":
        code = f" (KldB {evidence['kldb']})" if evidence.get("kldb") else ""
        return f'wish "{evidence.get("wish") or ""}" names occupation "{evidence["name"]}"{code}'
    if evidence.get("kind") == "kldb_group":
        return f"same occupation group {evidence.get('group')} {evidence.get('name') or ''}".strip()
    if evidence.get("kind") == "context" and evidence.get("words"):
        return "related: vacancies of both ask for " + ", ".join(evidence["words"])
    return ""


def lines(reasons: dict) -> list[str]:
    """A stored reasons dict as readable lines, one per aspect, for a printed list."""
    out = [reasons["summary"].split("; ")[0]]
    if reasons.get("skills"):
        out.append("skills named in the vacancy: " + ", ".join(reasons["skills"]))
    out.append(_distance_line(reasons))
    if reasons.get("licences_required"):
        out.append("licence required: " + ", ".join(reasons["licences_required"]) + " (held)")
    if reasons.get("licences_unstated"):
        unstated = ", ".join(reasons["licences_unstated"])
        out.append(f"licence required: {unstated} (not stated in the profile)")
    welcome = [f"{c} (held)" for c in reasons.get("licences_welcome_held") or []]
    welcome += [f"{c} (not held)" for c in reasons.get("licences_welcome_missing") or []]
    if welcome:
        out.append("licence welcome: " + ", ".join(welcome))
    working_time = _working_time_line(reasons)
    if working_time:
        out.append(working_time)
    if reasons.get("languages"):
        out.append(reasons["languages"])
    out.append(
        f"start {_date(reasons.get('start'))}, available from {_date(reasons['available_from'])}"
    )
    return out


def _distance_line(reasons: dict) -> str:
    km = reasons.get("distance_km")
    if km is None or (isinstance(km, float) and math.isnan(km)):
        return "distance unknown (a place is missing): radius not checked"
    return (
        f"{km:.1f} km away (radius {reasons['radius_km']:g} km, located by {reasons['located_by']})"
    )


def _working_time_line(reasons: dict) -> str | None:
    offered = reasons.get("working_time_offered")
    if offered is None and not reasons.get("shift_work"):
        return None
    said = WORKING_TIME_WORDS.get(offered, "not stated")
    if reasons.get("shift_work") and offered != "shift":
        said += ", with shifts"
    wished = WORKING_TIME_WORDS.get(reasons.get("working_time_wished"), "any")
    return f"working time: offered {said}, wished {wished}"


def _date(iso: str | None) -> str:
    """'2026-12-01' -> '01.12.2026'; None -> 'not stated'; 'immediately' stays."""
    if not iso:
        return "not stated"
    if iso.count("-") != 2:
        return iso
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


# --- German, for the job coaches and the employer service (issue 14) -------------------------
# Rendered from the stored reasons dict: the JSON in `matches.reasons` stays as the ranker
# wrote it, so a wording change needs no re-run and old runs read the same way.

SEPARATOR = " · "
WORKING_TIME_DE = {
    "full_time": "Vollzeit",
    "part_time": "Teilzeit",
    "full_or_part_time": "Voll- oder Teilzeit",
    "shift": "Schichtarbeit",
    "minijob": "Minijob",
}
LOCATED_BY_DE = {
    "coordinates": "Koordinaten",
    "postcode": "Postleitzahl",
    "postcode area": "Postleitzahlbereich",
    "town": "Ortsname",
}
LEVEL_DE = {"native": "Muttersprache"}
# The ranker's language fact: 'Deutsch B1 held, B2 asked (1 short)', pairs joined by '; '.
_LANGUAGE_FACT = re.compile(
    r"^(?P<name>.+?) (?:(?P<held>\S+) held|not listed), (?P<asked>\S+) asked"
    r"(?: \((?P<gap>\d+)(?: levels?)? short\))?$"
)


def de_number(value: float, decimals: int = 1) -> str:
    """4.7 -> '4,7'; a decimal comma and a dot between thousands, as German readers expect."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def de_amount(value: float) -> str:
    """A radius or count without needless decimals: 20.0 -> '20', 12.5 -> '12,5'."""
    return de_number(value, 0) if float(value).is_integer() else de_number(value, 1)


def de_date(iso: str | None) -> str:
    """'2026-12-01' -> '01.12.2026'; 'immediately' -> 'sofort'; None -> 'nicht angegeben'."""
    if not iso:
        return "nicht angegeben"
    if iso == "immediately":
        return "sofort"
    return _date(iso)


def licence_de(code: str) -> str:
    """'Stapler' -> 'Staplerschein', 'CE' -> 'Führerschein CE'."""
    return "Staplerschein" if code == "Stapler" else f"Führerschein {code}"


def coach_summary(reasons: dict) -> str:
    """The reasons in one German line, parts joined by ' · ' (the export's Begründung)."""
    return SEPARATOR.join(coach_lines(reasons))


def coach_lines(reasons: dict) -> list[str]:
    """The reasons as German lines, one per aspect, in the order a coach checks them.

    Occupation first (the wish that met the vacancy, or the stored evidence of a related
    occupation; never the vacancy's own title as its own explanation), then skills,
    distance, licences, working time, languages and start.
    """
    parts = [
        _occupation_de(reasons),
        _skills_de(reasons),
        _distance_de(reasons),
        *_licences_de(reasons),
        _working_time_de(reasons),
        _languages_de(reasons.get("languages")),
        _start_de(reasons),
    ]
    return [p for p in parts if p]


def has_evidence(reasons: dict) -> bool:
    """A wish met the vacancy, or the reasons name why the occupation is related."""
    return bool(reasons.get("wish")) or bool(reasons.get("related_evidence"))


def _occupation_de(reasons: dict) -> str | None:
    wish = reasons.get("wish")
    if wish:
        similarity = reasons.get("occupation_similarity")
        score = f" ({de_number(similarity, 2)})" if _known(similarity) else ""
        return f"Wunschberuf {wish} passt zu „{reasons.get('title') or ''}“{score}"
    return _related_de(reasons.get("related_evidence"))


def _related_de(evidence) -> str | None:
    """Only what the evidence says; without evidence nothing is claimed about relatedness."""
    if not isinstance(evidence, dict):
        return None
    kind = evidence.get("kind")
    name = evidence.get("name")
    if kind == "occupation" and name:
        code = f" (KldB {evidence['kldb']})" if evidence.get("kldb") else ""
        wish = evidence.get("wish")
        return f"Wunschberuf {wish}: Beruf „{name}“{code}" if wish else f"Beruf „{name}“{code}"
    if kind == "kldb_group" and evidence.get("group"):
        group = " ".join(str(p) for p in (evidence["group"], name) if p)
        return f"verwandter Beruf: gleiche Berufsgruppe {group}"
    if kind == "context" and evidence.get("words"):
        words = ", ".join(evidence["words"])
        return f"verwandter Beruf: Stellen beider Berufe verlangen, was Sie mitbringen: {words}"
    if kind == "cooccurrence":
        other = evidence.get("with") or evidence.get("wish") or name
        said = f" mit „{other}“" if other else ""
        count = evidence.get("count")
        times = f" ({de_amount(count)}-mal)" if _known(count) else ""
        return f"verwandter Beruf: in Stellenangeboten oft gemeinsam genannt{said}{times}"
    return None


def _skills_de(reasons: dict) -> str | None:
    skills = reasons.get("skills") or []
    return "Kenntnisse: " + ", ".join(skills) if len(skills) else None


def _distance_de(reasons: dict) -> str:
    km = reasons.get("distance_km")
    if not _known(km):
        return "Entfernung unbekannt (Ort fehlt), Umkreis nicht geprüft"
    radius = reasons.get("radius_km")
    within = f" (Umkreis {de_amount(radius)} km)" if _known(radius) else ""
    return f"{de_number(km, 1)} km{within}"


def _licences_de(reasons: dict) -> list[str]:
    # a required licence is a hard constraint: a listed pair holds it, or the participant's
    # licences are not stated, which the coach has to ask about
    out = [
        f"{licence_de(c)} verlangt und vorhanden" for c in reasons.get("licences_required") or []
    ]
    out += [
        f"{licence_de(c)} verlangt, im Profil nicht angegeben"
        for c in reasons.get("licences_unstated") or []
    ]
    out += [
        f"{licence_de(c)} erwünscht und vorhanden"
        for c in reasons.get("licences_welcome_held") or []
    ]
    out += [
        f"{licence_de(c)} erwünscht, nicht vorhanden"
        for c in reasons.get("licences_welcome_missing") or []
    ]
    return out


def _working_time_de(reasons: dict) -> str | None:
    offered = reasons.get("working_time_offered")
    if offered is None and not reasons.get("shift_work"):
        return None
    said = WORKING_TIME_DE.get(offered, "nicht angegeben")
    if reasons.get("shift_work") and offered != "shift":
        said += ", mit Schichten"
    wished = WORKING_TIME_DE.get(reasons.get("working_time_wished"), "ohne Vorgabe")
    return f"Arbeitszeit: {said} (gewünscht: {wished})"


def _languages_de(facts: str | None) -> str | None:
    """'Deutsch B1 held, B2 asked (1 short)' -> 'Deutsch B2 verlangt, B1 vorhanden (...)'."""
    if not facts:
        return None
    out = []
    for fact in str(facts).split("; "):
        found = _LANGUAGE_FACT.match(fact)
        if not found:
            out.append(fact)  # a wording this version does not know: shown as stored
            continue
        asked, held = found["asked"], found["held"]
        text = f"{found['name']} {LEVEL_DE.get(asked, asked)} verlangt, "
        text += f"{LEVEL_DE.get(held, held)} vorhanden" if held else "nicht angegeben"
        if found["gap"]:
            gap = int(found["gap"])
            text += f" ({gap} {'Stufe' if gap == 1 else 'Stufen'} darunter)"
        out.append(text)
    return "Sprachen: " + "; ".join(out)


def _start_de(reasons: dict) -> str | None:
    start, available = reasons.get("start"), reasons.get("available_from")
    if not start and not available:
        return None
    return f"Beginn {de_date(start)}, verfügbar ab {de_date(available)}"


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))

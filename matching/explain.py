"""Why a vacancy was proposed to a participant, in words a job coach can check.

Pure functions, no I/O. The ranker hands over one row of facts per match (REASON_FIELDS:
the wish and title that met, the skills the vacancy names, the distance and how it was
located, the licences, working time, start and languages asked); `reason_json()` turns
them into the JSON stored in `matches.reasons`, with a one-line `summary`, and `lines()`
turns a stored reasons dict back into readable lines for a printed list.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

REASON_FIELDS = (
    "wish",
    "title",
    "occupation_similarity",
    "skills",
    "distance_km",
    "radius_km",
    "located_by",
    "licences_required",
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
    frame = frame.reset_index(drop=True)
    facts = frame[list(REASON_FIELDS)].copy()
    facts.insert(0, "summary", summaries(frame))
    text = facts.to_json(orient="records", lines=True, force_ascii=False, double_precision=3)
    # pandas escapes every '/' as '\/' (valid, but 'm\/w\/d' reads badly in a query result);
    # a backslash of the text itself is written '\\', so this cannot split an escape
    return text.replace("\\/", "/").splitlines()


def summaries(frame: pd.DataFrame) -> pd.Series:
    """'wish "Koch" ~ "Koch (m/w/d)" (0.93); skills: HACCP; 4.2 km (radius 20 km)' per row."""
    wish = frame["wish"].fillna("").astype(str)
    similarity = frame["occupation_similarity"].map("{:.2f}".format)
    occupation = np.where(
        wish != "",
        'wish "' + wish + '" ~ "' + frame["title"].astype(str) + '" (' + similarity + ")",
        'related to "' + frame["title"].astype(str) + '"',
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
    parts = pd.DataFrame({"o": occupation, "s": skills.to_numpy(), "d": distance})
    return parts.apply(lambda r: "; ".join(p for p in r if p), axis=1, raw=True)


def lines(reasons: dict) -> list[str]:
    """A stored reasons dict as readable lines, one per aspect, for a printed list."""
    out = [reasons["summary"].split("; ")[0]]
    if reasons.get("skills"):
        out.append("skills named in the vacancy: " + ", ".join(reasons["skills"]))
    out.append(_distance_line(reasons))
    if reasons.get("licences_required"):
        out.append("licence required: " + ", ".join(reasons["licences_required"]) + " (held)")
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

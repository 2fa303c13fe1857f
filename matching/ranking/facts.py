"""The facts behind each match: the rows rank() returns, which explain.py renders as reasons.

Per chosen pair: the wish that met the vacancy and how closely, the evidence of a related
occupation, the skills the vacancy names, distance and how the places were located, the
licences required and welcome, working times, shifts, start and availability, languages
held against asked, and the score's components. Ranks are given here, after the pairs a
coach could not check are dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resque.matching.ranking import explain
from resque.matching.ranking import geo as geo_
from resque.matching.ranking import profiles as pf
from resque.matching.ranking.inputs import Jobs, People

MATCH_COLUMNS = ("participant_id", "vacancy_id", "rank", "score", "distance_km", "reasons")
# What rank() returns: the stored columns without reasons, then the facts behind the reasons.
RESULT_COLUMNS = tuple(dict.fromkeys([*MATCH_COLUMNS[:-1], *explain.REASON_FIELDS]))


def empty_matches() -> pd.DataFrame:
    """No match, with the columns (and object types) of a ranking that found some."""
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in RESULT_COLUMNS})


def as_frame(best, people: People, jobs: Jobs, titles, skills, settings) -> pd.DataFrame:
    """The chosen pairs as the matches frame with the facts behind each (explain.REASON_FIELDS)."""
    p, v = best["p"], best["v"]
    wish, similarity, evidence = _ties(p, v, people, jobs, titles, settings)
    weak = similarity < settings.title_floor
    distance = best["distance"].astype(float)
    precision = np.maximum(people.precision[p], jobs.precision[v])
    frame = pd.DataFrame(
        {
            "participant_id": people.ids[p],
            "vacancy_id": jobs.ids[v],
            "score": best["score"].astype(float),
            "distance_km": np.round(distance, 1),
            "wish": wish,
            "title": jobs.titles[v],
            "occupation_similarity": np.where(weak, np.nan, np.round(similarity, 3)),
            "related_evidence": evidence,
            "skills": [
                skills.matched(i, people.skill_entries[i], j) for i, j in zip(p, v, strict=True)
            ],
            "radius_km": people.radius[p],
            "located_by": np.where(
                np.isnan(distance), None, np.asarray(geo_.PRECISION, dtype=object)[precision]
            ),
            "licences_required": [
                jobs.required_codes[j] if known else []
                for j, known in zip(v, people.licences_known[p], strict=True)
            ],
            "licences_unstated": [
                [] if known else jobs.required_codes[j]
                for j, known in zip(v, people.licences_known[p], strict=True)
            ],
            "working_time_wished": _names(people.working_time[p]),
            "working_time_offered": _names(jobs.working_time[v]),
            "shift_work": jobs.shift[v],
            "start": _start_facts(jobs.start[v], jobs.today),
            "available_from": _iso_dates(people.available[p]),
            "languages": _language_facts(p, v, people, jobs),
        }
    )
    held, missing = _welcome_licences(p, v, people, jobs)
    frame["licences_welcome_held"], frame["licences_welcome_missing"] = held, missing
    frame["components"] = _components(best)
    return _ranked(frame, jobs.tie_rank[v])


def _ties(p, v, people: People, jobs: Jobs, titles, settings) -> tuple:
    """(the wish that meets each vacancy, its title similarity, the evidence of a related
    occupation): what a coach is shown as the reason the pair belongs together."""
    wish, similarity = titles.best_wishes(p, jobs.key_codes[v], people.wishes)
    evidence = titles.channel.evidence(p, jobs.key_codes[v])
    # a distant title is no reason; the agreeing occupation (evidence) is
    weak = similarity < settings.title_floor
    wish = np.where(weak, None, wish)
    for i in np.flatnonzero(weak & np.array([e is None for e in evidence], dtype=bool)):
        brings = {**people.terms[p[i]], **people.wish_terms[p[i]]}
        words = titles.shared_words(p[i], jobs.key_codes[v[i]], brings)
        evidence[i] = {"kind": "context", "words": words} if words else None
    return wish, similarity, evidence


def _components(best) -> list[dict[str, float]]:
    """The score's parts per pair, rounded: shown beside the reasons."""
    return [
        {"occupation": round(float(o), 3), "skills": round(float(k), 3),
         "distance": round(float(c), 3), "language": round(float(g), 3)}
        for o, k, c, g in zip(
            best["occupation"], best["skills"], best["closeness"], best["language"], strict=True
        )
    ]  # fmt: skip


def _ranked(frame: pd.DataFrame, tie: np.ndarray) -> pd.DataFrame:
    """The evidenced pairs ranked per participant: score, then nearer, then vacancy id order."""
    # a pair tied by nothing a coach can check (a context without the participant's own
    # words) is not suggested (issue 14, item 4)
    keep = (frame["wish"].notna() | frame["related_evidence"].notna()).to_numpy()
    frame = frame[keep]  # none is dropped when the search kept only evidenced pairs
    frame["_tie"] = tie[keep]
    frame["_distance"] = frame["distance_km"].fillna(np.inf)
    frame = frame.sort_values(
        ["participant_id", "score", "_distance", "_tie"], ascending=[True, False, True, True]
    )
    frame["rank"] = frame.groupby("participant_id").cumcount() + 1
    return frame[list(RESULT_COLUMNS)].reset_index(drop=True)


def _names(codes: np.ndarray) -> np.ndarray:
    """Working-time codes as names (None for unknown)."""
    names = np.asarray([*pf.WORKING_TIMES, None], dtype=object)
    return names[np.where(codes < 0, len(pf.WORKING_TIMES), codes)]


def _start_facts(days: np.ndarray, today: float) -> np.ndarray:
    """A vacancy's start as an ISO date, 'immediately' (ab sofort, or already past) or None."""
    out = _iso_dates(days)
    out[days == today] = "immediately"
    return out


def _iso_dates(days: np.ndarray) -> np.ndarray:
    """Days since 1970 as ISO dates; None for NaN (not stated)."""
    out = np.full(len(days), None, dtype=object)
    known = ~np.isnan(days)
    out[known] = (np.datetime64("1970-01-01") + days[known].astype("timedelta64[D]")).astype(str)
    return out


def _language_facts(p, v, people: People, jobs: Jobs) -> np.ndarray:
    """'Deutsch B1 held, B2 asked (1 level short)' per pair, for the languages asked."""
    out = pd.Series([""] * len(p), dtype=object)
    levels = pd.Series(["", "A1", "A2", "B1", "B2", "C1", "C2", "native"], dtype=object)
    for column, name in enumerate(jobs.language_names):
        asked = jobs.asks[v, column].astype(int)
        held = people.holds[p, column].astype(int)
        if not asked.any():
            continue
        gap = np.maximum(asked - held, 0)
        held_text = np.where(
            held > 0, name + " " + levels[held].to_numpy() + " held", name + " not listed"
        )
        text = pd.Series(held_text, dtype=object) + ", " + levels[asked].to_numpy() + " asked"
        text = text.where(gap == 0, text + " (" + pd.Series(gap).astype(str) + " short)")
        text = text.where(asked > 0, "")
        out = out.where(text == "", out.where(out == "", out + "; ") + text)
    return out.where(out != "", None).to_numpy()


def _welcome_licences(p, v, people: People, jobs: Jobs) -> tuple[list, list]:
    """Licences a vacancy welcomes (not requires): those the participant holds, and not."""
    held: list[list[str]] = [[] for _ in range(len(p))]
    missing: list[list[str]] = [[] for _ in range(len(p))]
    # whether a participant without stated licences holds a welcome one is not known
    welcoming = np.flatnonzero((jobs.welcomes[v] != 0) & people.licences_known[p])
    for k in welcoming:
        codes = jobs.preferred_codes[v[k]]
        held[k] = [c for c in codes if pf.LICENCE_BITS[c] & people.licences[p[k]]]
        missing[k] = [c for c in codes if c not in held[k]]
    return held, missing

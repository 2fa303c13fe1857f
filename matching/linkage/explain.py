"""The account `resque dedup explain` prints: a vacancy's postings and why they were merged.

Pure text from the rows the warehouse reads (warehouse/linkage.py: explain_vacancy).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resque.matching.linkage import comparisons
from resque.matching.linkage.classifier import Model
from resque.matching.linkage.dedup import PAIR_FEATURES

# Near misses with other vacancies shown, most likely first.
NEAR_MISSES_SHOWN = 10


def vacancy_text(
    vacancy_id: str,
    postings: pd.DataFrame,
    pairs: pd.DataFrame,
    events: pd.DataFrame,
    model: Model,
) -> str:
    """A readable account of one vacancy: its postings, and why each pair was merged.

    Lists the postings, then for each stored pair among them the field scores, the
    probability and the decision or rule, with the features that weighed most; then near
    misses with postings of other vacancies, and the vacancy's merge/split history.

    Args:
        postings: the vacancy's postings (posting_id, source, source_ref, title, employer,
            postcode, city, first_seen, is_active), oldest first.
        pairs: the stored evidence (PAIR_COLUMNS) of the pairs touching the vacancy, with
            `same_vacancy` true where both postings belong to it; inside first, then best.
        events: its merges and splits (run_id, happened_at, event, vacancy_id,
            other_vacancy_id, postings).
        model: the classifier whose threshold and weights explain the decisions.
    """
    lines = [
        f"Vacancy {vacancy_id}: {len(postings)} posting(s) "
        f"from {postings['source'].nunique()} source(s)",
        "",
    ]
    for row in postings.itertuples(index=False):
        place = " ".join(str(v) for v in (row.postcode, row.city) if isinstance(v, str))
        lines.append(
            f"  {row.posting_id}  {row.source}:{row.source_ref}  {row.title!r}"
            f"  | {row.employer or '-'}"
            f"  | {place or '-'}  | first seen {str(row.first_seen)[:10]}"
            + ("" if row.is_active else "  (inactive)")
        )
    inner = pairs[pairs["same_vacancy"]]
    outer = pairs[~pairs["same_vacancy"]]
    lines += ["", f"Pairs inside the vacancy ({len(inner)}):"]
    lines += [pair_text(row, model) for _, row in inner.iterrows()] or [
        "  (none: a single posting)"
    ]
    if len(outer):
        lines += ["", f"Near misses with other vacancies ({len(outer)}, best first):"]
        lines += [pair_text(row, model) for _, row in outer.head(NEAR_MISSES_SHOWN).iterrows()]
    if len(events):
        lines += ["", "History:"]
        for row in events.itertuples(index=False):
            lines.append(
                f"  run {row.run_id} ({str(row.happened_at)[:16]}): {row.event} "
                f"{row.vacancy_id} -> {row.other_vacancy_id} ({row.postings} posting(s))"
            )
    return "\n".join(lines)


def pair_text(row: pd.Series, model: Model) -> str:
    """One pair: ids, decision, probability, field scores, and the strongest model terms."""
    verdict = row["decision"] + (f" by rule {row['rule']}" if isinstance(row["rule"], str) else "")
    scores = ", ".join(
        f"{name} {row[name]:.2f}"
        for name in ("title", "employer", "description", "street", "employer_idf", "title_unshared")
        if not row.get(f"{name}_missing", 0) and pd.notna(row.get(name))
    )
    flags = [
        label
        for name, label in (
            ("postcode", "same postcode"),
            ("town", "same town"),
            ("start_same", "same start"),
            ("start_differ", "different start"),
            ("working_time_same", "same working time"),
            ("working_time_conflict", "working times conflict"),
            ("both_agency", "both agencies"),
        )
        if row[name] == 1
    ]
    text = (
        f"  {row['left_posting_id']} ~ {row['right_posting_id']}: {verdict}, "
        f"p = {row['probability']:.3f} (threshold {model.threshold:.2f}) [{row['blocking_rule']}]\n"
        f"      scores: {scores}" + (f"; {', '.join(flags)}" if flags else "")
    )
    if not isinstance(row["rule"], str):
        text += "\n      weighed most: " + _weighed_most(row, model)
        crowd = row.get("crowd_offset")
        if pd.notna(crowd) and crowd < 0:
            agencies = round(float(np.exp(-crowd / comparisons.CROWD_WEIGHT)))
            text += f"\n      crowded job: {agencies} agencies post it here, log-odds {crowd:+.2f}"
    return text


def _weighed_most(row: pd.Series, model: Model, shown: int = 4) -> str:
    """The model terms with the largest effect on the pair, from its stored features."""
    scores = pd.DataFrame([row[PAIR_FEATURES]]).astype(float)
    features = comparisons.add_interactions(comparisons.add_levels(scores))
    top = model.contributions(features.iloc[0])[:shown]
    return ", ".join(f"{name} {effect:+.2f}" for name, _, effect in top)

"""The ranker's thresholds and weights, in one frozen object every ranking module reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from resque.matching.ranking.occupation_match import LabelSettings


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights of the ranker; the defaults are tuned on tests/data/matching."""

    top: int = 10
    default_radius_km: float = 30.0
    min_occupation: float = 0.1  # title similarity that makes a pair a candidate
    min_score: float = 0.2  # below this a pair is too weak to show at all
    start_grace_days: int = 31  # available up to a month after the start still fits
    unknown_distance_factor: float = 0.3  # closeness credit when a place is unknown
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "occupation": 0.6,
            "skills": 0.2,
            "distance": 0.12,
            "language": 0.08,
        }
    )
    key_candidates: int = 400  # vacancy texts kept per wished occupation
    max_keys: int = 200  # similar and related vacancy texts a participant is compared with
    candidate_budget: int = 1000  # per participant: best occupations until this many vacancies
    workers: int = 2  # processes parsing vacancy texts (the machine has 2 cores)
    same_occupation: float = 0.6  # title similarity taken as the wished occupation itself
    context_weight: float = 1.0  # related occupations (similar context) score up to this
    max_context_share: float = 0.5  # words in more occupations' contexts than this are noise
    block_pairs: int = 3_000_000  # candidate pairs per block (memory bound)
    max_term_share: float = 0.25  # terms in more vacancies than this say nothing
    # below this title similarity a wish does not explain a vacancy: the pair needs an
    # agreeing occupation or occupation group (matching.occupation_match) to be suggested
    title_floor: float = 0.2
    context_floor: float = 0.15  # a related occupation by context alone, at least this close
    labels: LabelSettings = field(default_factory=LabelSettings)

"""The one record every source yields: a posting, or an employer for company directories.

Spiders yield these dataclasses as Scrapy items; file importers build frames with the same
columns. Everything then passes the same stages: normalise -> validate -> store.
Values are kept as the source wrote them; the normalise stage parses them and keeps the
source text beside the parsed value where parsing can lose information (dates).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Posting:
    """One job or apprenticeship opening as one source published it."""

    source: str
    source_ref: str | None = None
    title: str | None = None
    employer: str | None = None
    occupation: str | None = None
    sector: str | None = None
    postcode: Any = None
    city: str | None = None
    street: str | None = None
    lat: Any = None
    lon: Any = None
    description: str | None = None
    employment_type: str | None = None
    working_time: str | None = None
    start_date: Any = None
    places: Any = None
    url: str | None = None
    posted_at: Any = None
    valid_through: Any = None
    # everything the source sent, as it sent it (lineage, re-parsing)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Employer:
    """One company as a chamber directory or a company list describes it."""

    source: str
    source_ref: str | None = None
    name: str | None = None
    sector: str | None = None
    postcode: Any = None
    city: str | None = None
    street: str | None = None
    url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Participant:
    """One pseudonymous participant profile from the competence analysis.

    Only these fields are read from a participant file; pipelines/participants.py refuses
    files that carry names, contacts, birth dates or other protected attributes.
    """

    source: str
    participant_id: str | None = None
    desired_occupations: Any = None
    skills: Any = None
    languages: Any = None
    qualifications: Any = None
    licences: Any = None
    working_time: Any = None
    postcode: Any = None
    city: str | None = None
    radius_km: Any = None
    available_from: Any = None
    raw: dict[str, Any] = field(default_factory=dict)


RECORD_TYPES = {"vacancies": Posting, "employers": Employer, "participants": Participant}


def record_fields(entity: str) -> list[str]:
    """Field names of the record for `entity` (vacancies, employers, participants), no `raw`."""
    return [f.name for f in fields(RECORD_TYPES[entity]) if f.name != "raw"]

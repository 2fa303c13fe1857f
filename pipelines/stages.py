"""The stages every batch of records passes, whatever its source: normalise -> validate.

A batch is a DataFrame with one column per record field (see pipelines.record). The scalar
rules live in pipelines.normalise; here they are applied column-wise to each column's
distinct values only, because real files repeat dates, places and employers endlessly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from resque.matching.normalise import employer_key
from resque.matching.sectors import wz_division, wz_section
from resque.pipelines import values as nz
from resque.pipelines.readers import RawTable
from resque.pipelines.record import record_fields

MAX_TITLE_LENGTH = 300
FAST_PATH_MIN_ROWS = 5_000  # below this the Arrow round trip costs more than it saves
MAX_TEXT_LENGTH = 100_000
REJECT = "reject_reason"

# Per posting field: the scalar rule that normalises it.
POSTING_RULES: dict[str, Callable[[Any], Any]] = {
    "source_ref": nz.clean_line,
    "title": nz.clean_line,
    "employer": nz.normalise_name,
    "occupation": nz.clean_line,
    "sector": nz.clean_line,
    "city": nz.clean_line,
    "street": nz.clean_line,
    "description": nz.clean_text,
    "employment_type": nz.normalise_employment_type,
    "working_time": nz.normalise_working_time,
    "places": nz.parse_places,
    "url": nz.normalise_url,
    "posted_at": nz.parse_german_date,
    "valid_through": nz.parse_german_date,
}
EMPLOYER_RULES: dict[str, Callable[[Any], Any]] = {
    "source_ref": nz.clean_line,
    "name": nz.normalise_name,
    "sector": nz.clean_line,
    "city": nz.clean_line,
    "street": nz.clean_line,
    "url": nz.normalise_url,
}
# Fields whose identity defines a posting when the source gives it no id of its own.
IDENTITY = {
    "vacancies": ["title", "employer", "postcode", "city", "street"],
    "employers": ["name", "postcode", "city"],
}


TEXT = pa.string()
# Arrow type of each normalised field; everything else is text.
FIELD_TYPES: dict[str, pa.DataType] = {
    "lat": pa.float64(),
    "lon": pa.float64(),
    "start_date": pa.date32(),
    "posted_at": pa.date32(),
    "valid_through": pa.date32(),
    "places": pa.int32(),
    "is_immediate_start": pa.bool_(),
    "row_number": pa.int64(),
}


def map_unique(values: pd.Series, rule: Callable[[Any], Any], kind: pa.DataType = TEXT) -> pa.Array:
    """rule(value) for every value as an Arrow array, computed once per distinct value."""
    unchanged = _unchanged_mask(values, rule)
    if unchanged is None:
        return pa.array(_map_distinct(values, rule), type=kind)
    original = _text_array(values)
    changed = pc.invert(unchanged)
    replacements = pa.array(
        _map_distinct(values[changed.to_numpy(zero_copy_only=False)], rule), type=kind
    )
    return pc.replace_with_mask(original, changed, replacements)


def _map_distinct(values: pd.Series, rule: Callable[[Any], Any]) -> np.ndarray:
    """rule(value) computed once per distinct value, spread back to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    for index, value in enumerate(uniques):
        results[index] = rule(value)
    results[-1] = rule(None)  # code -1 (missing) indexes the last slot
    return results[codes]


def _text_array(values: pd.Series) -> pa.Array:
    """A text column as one contiguous Arrow array (array kernels refuse chunked input)."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _unchanged_mask(values: pd.Series, rule: Callable[[Any], Any]) -> pa.BooleanArray | None:
    """Where a text column's values are ones the rule leaves as they are, checked in Arrow."""
    pattern = nz.UNCHANGED_PATTERNS.get(rule)
    if pattern is None or len(values) < FAST_PATH_MIN_ROWS:
        return None
    if not isinstance(values.dtype, pd.StringDtype):
        return None
    text = _text_array(values)
    matches = pc.match_substring_regex(text, pattern)
    placeholder = pc.is_in(pc.utf8_lower(text), value_set=pa.array(sorted(nz.PLACEHOLDERS)))
    return pc.fill_null(pc.and_(matches, pc.invert(placeholder)), False)


def to_record_frame(
    raw: RawTable, mapping: dict[str, str], source: str, entity: str
) -> pd.DataFrame:
    """The raw rows reshaped to record fields: mapped columns, everything else empty."""
    length = len(raw.frame)
    columns: dict[str, Any] = {}
    for name in record_fields(entity):
        if name == "source":
            columns[name] = np.full(length, source, dtype=object)
        elif name in mapping:
            columns[name] = raw.frame[mapping[name]].reset_index(drop=True)
        else:
            columns[name] = np.full(length, None, dtype=object)
    frame = pd.DataFrame(columns)
    frame["row_number"] = np.asarray(raw.row_numbers, dtype="int64")
    return frame


def normalise(
    frame: pd.DataFrame, entity: str, defaults: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Parse and clean every field; keep the source's postcode and start text for validation.

    Returns a frame of Arrow-backed columns: no Python object per value where the values
    passed through unchanged, and no conversion when the batch is handed to DuckDB.
    """
    columns: dict[str, pa.Array] = {
        "source": pa.array(frame["source"], type=pa.string(), from_pandas=True),
        "row_number": pa.array(frame["row_number"], type=pa.int64()),
    }
    rules = POSTING_RULES if entity == "vacancies" else EMPLOYER_RULES
    for name, rule in rules.items():
        columns[name] = map_unique(frame[name], rule, FIELD_TYPES.get(name, TEXT))
    columns.update(_normalised_place(frame))
    columns.update(_normalised_sector(columns["sector"]))
    if entity == "vacancies":
        columns.update(_normalised_posting_extras(frame))
    else:
        names = columns["name"].to_pandas(types_mapper=pd.ArrowDtype)
        columns["name_normalised"] = map_unique(names, employer_key)
    out = pa.table(columns).to_pandas(types_mapper=pd.ArrowDtype)
    for name, value in (defaults or {}).items():
        out[name] = out[name].where(out[name].notna(), value)
    _fill_source_ref(out, entity)
    return out


def _normalised_place(frame: pd.DataFrame) -> dict[str, pa.Array]:
    """Postcode as 5-digit text; a postcode written into the city column is split off."""
    postcode = map_unique(frame["postcode"], nz.normalise_postcode)
    split = _map_distinct(frame["city"], nz.split_postcode_city)
    from_city = pa.array([pair[0] for pair in split], type=pa.string())
    return {
        "postcode_text": map_unique(frame["postcode"], nz.clean_line),
        "postcode": pc.coalesce(postcode, from_city),
        "city": pa.array([pair[1] for pair in split], type=pa.string()),
    }


def _normalised_sector(sector: pa.Array) -> dict[str, pa.Array]:
    """The WZ 2008 section and division beside the sector text they came from."""
    text = sector.to_pandas(types_mapper=pd.ArrowDtype)
    return {
        "sector_wz_section": map_unique(text, wz_section),
        "sector_wz_division": map_unique(text, wz_division),
    }


def _normalised_posting_extras(frame: pd.DataFrame) -> dict[str, pa.Array]:
    """Dates beside the text they came from, coordinates, and the immediate-start flag."""
    start = frame["start_date"]
    return {
        "start_text": map_unique(start, nz.clean_line),
        "start_date": map_unique(start, nz.parse_german_date, pa.date32()),
        "is_immediate_start": map_unique(start, nz.is_immediate_start, pa.bool_()),
        "lat": map_unique(frame["lat"], lambda v: nz.parse_coordinate(v, "lat"), pa.float64()),
        "lon": map_unique(frame["lon"], lambda v: nz.parse_coordinate(v, "lon"), pa.float64()),
    }


def identity_ref(values: list[Any]) -> str:
    """A deterministic id for a record the source gave none: 'h:' + hash of its identity."""
    text = "\x1f".join("" if v is None else str(v).casefold() for v in values)
    return "h:" + hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _fill_source_ref(out: pd.DataFrame, entity: str) -> None:
    """Give records without a source id one derived from what identifies them."""
    missing = out["source_ref"].isna().to_numpy()
    if missing.any():
        identity = out.loc[missing, IDENTITY[entity]].itertuples(index=False, name=None)
        out.loc[missing, "source_ref"] = [identity_ref(list(values)) for values in identity]


def validate(frame: pd.DataFrame, entity: str, *, duplicates: bool = True) -> pd.DataFrame:
    """Mark each record with the reason it is rejected, or None; the first reason wins.

    `duplicates=False` leaves the last rule, a repeated id, to the caller: a load in
    batches checks it over the whole load (warehouse.load.staged_accepted).
    """
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame stays as it was
    reasons = pd.Series(None, index=out.index, dtype=object)

    def reject(mask: pd.Series | np.ndarray, reason: Any) -> None:
        known = pd.Series(mask, index=out.index).fillna(False)  # unknown is no reason
        mask = known.to_numpy(dtype=bool) & reasons.isna().to_numpy()
        if mask.any():
            if isinstance(reason, pd.Series):
                reason = reason.reindex(reasons.index).to_numpy()[mask]
            reasons[mask] = reason

    required = "title" if entity == "vacancies" else "name"
    reject(out[required].isna(), f"no {'title' if entity == 'vacancies' else 'company name'}")
    lengths = out[required].str.len()
    reject(lengths > MAX_TITLE_LENGTH, f"{required} longer than {MAX_TITLE_LENGTH} characters")
    bad_postcode = out["postcode"].isna() & out["postcode_text"].notna()
    reject(bad_postcode, "invalid postcode " + out["postcode_text"].astype(str).map(repr))
    if entity == "vacancies":
        too_long = out["description"].str.len() > MAX_TEXT_LENGTH
        reject(too_long, f"description longer than {MAX_TEXT_LENGTH} characters")
    if duplicates:
        _reject_duplicates(out, reasons, reject)
    out[REJECT] = reasons.astype(object).where(reasons.notna(), None)
    return out


def _reject_duplicates(out: pd.DataFrame, reasons: pd.Series, reject: Callable) -> None:
    """A second record with the same id in one batch is a duplicate of the first."""
    alive = reasons.isna()
    refs = out["source_ref"].where(alive)
    duplicated = refs.duplicated(keep="first") & alive
    if duplicated.any():
        first_row = out[alive].drop_duplicates("source_ref").set_index("source_ref")["row_number"]
        where = out.loc[duplicated, "source_ref"].map(first_row)
        text = "duplicate of row " + where.astype("Int64").astype(str) + " (same id "
        reject(duplicated, text + out.loc[duplicated, "source_ref"].astype(str) + ")")

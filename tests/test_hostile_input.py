"""Hostile input: no file content crashes a reader or a stage; it loads or fails with one line."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import stages
from pipelines.errors import ResqueError
from pipelines.headers import map_columns
from pipelines.readers import read_table

CELL = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
HEADERS = st.lists(
    st.sampled_from(
        [
            "Titel",
            "Firma",
            "PLZ",
            "Ort",
            "Beginn",
            "Anzahl",
            "Link",
            "ID",
            "Beschreibung",
            "Arbeitszeit",
            "lat",
            "x",
            "",
        ]
    ),
    min_size=1,
    max_size=8,
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def through_the_stages(path: Path) -> None:
    """Read, map, normalise, validate: a ResqueError is fine, anything else is a bug."""
    try:
        table = read_table(path, "vacancies")
    except ResqueError as exc:
        assert "\n" not in str(exc)
        return
    mapping = map_columns(list(table.frame.columns), "vacancies")
    if "title" not in mapping:
        return
    frame = stages.to_record_frame(table, mapping, "s", "vacancies")
    batch = stages.validate(stages.normalise(frame, "vacancies"), "vacancies")
    accepted = batch[batch[stages.REJECT].isna()]
    assert accepted["title"].notna().all()
    assert accepted["source_ref"].is_unique
    assert accepted["postcode"].dropna().str.fullmatch(r"[0-9]{5}").all()


SCRATCH = Path(tempfile.mkdtemp(prefix="resque-hostile-"))


def in_file(suffix: str, data: bytes) -> Path:
    """The data as a file with the given suffix (one scratch folder for the module)."""
    path = SCRATCH / f"input{suffix}"
    path.write_bytes(data)
    return path


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_csv(data):
    through_the_stages(in_file(".csv", data))


@SETTINGS
@given(
    header=HEADERS,
    rows=st.lists(st.lists(st.text(max_size=30), max_size=9), max_size=12),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
)
def test_random_csv_tables(header, rows, delimiter, encoding):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    text = "\n".join(lines)
    through_the_stages(in_file(".csv", text.encode(encoding, errors="replace")))


SHEET_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40
)  # Excel refuses these


@SETTINGS
@given(
    header=HEADERS,
    rows=st.lists(
        st.lists(st.one_of(CELL.filter(lambda v: not isinstance(v, str)), SHEET_TEXT), max_size=9),
        max_size=10,
    ),
)
def test_random_xlsx_sheets(header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([None if isinstance(c, float) and c != c else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    through_the_stages(in_file(".xlsx", buffer.getvalue()))


JSON = st.recursive(
    st.one_of(CELL.filter(lambda v: not isinstance(v, float) or v == v), st.text(max_size=10)),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    objects=st.lists(
        st.one_of(
            st.dictionaries(
                st.sampled_from(["titel", "plz", "ort", "id", "beginn", "x"]), JSON, max_size=6
            ),
            JSON,
        ),
        max_size=8,
    )
)
def test_random_json_lines(objects):
    text = "\n".join(json.dumps(o) for o in objects)
    through_the_stages(in_file(".jsonl", text.encode("utf-8")))

"""Hostile input: no file content crashes a reader or a stage; it loads or fails with one line."""

from __future__ import annotations

import functools
import io
import json
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resque.errors import ResqueError
from resque.pipelines import stages
from resque.pipelines.headers import map_columns
from resque.pipelines.readers import read_table

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


# --- poison: what no real list holds, refused with one line before it costs memory or time -----


def refused(path: Path, match: str) -> str:
    """The one-line refusal of reading `path` as vacancies."""
    with pytest.raises(ResqueError, match=match) as info:
        read_table(path, "vacancies")
    assert "\n" not in str(info.value) and str(info.value).startswith(f"{path}: refused")
    return str(info.value)


@pytest.mark.parametrize("row", [2, 200], ids=["in the head", "further down"])
def test_a_csv_field_over_128_kb_is_refused_naming_its_row(tmp_path, row):
    lines = ["Titel;Beschreibung"] + [f"Koch {i};kurz" for i in range(2, row)]
    lines.append("Koch;" + "x" * 200_000)
    path = tmp_path / "l.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = refused(path, "over 128 KB")
    assert f"line {row}" in line or f"row {row}, column 'Beschreibung'" in line
    assert "xxx" not in line


def test_json_nested_990_deep_is_refused(tmp_path):
    path = tmp_path / "l.jsonl"
    deep = '{"titel": "Koch", "x": ' + '{"a": ' * 990 + "1" + "}" * 990 + "}"
    path.write_text(deep + '\n{"titel": "Bäcker"}\n', encoding="utf-8")
    refused(path, "nested")


def test_json_nested_just_too_deep_for_a_list_is_refused_by_line(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_text('{"titel": "Koch"}\n' + '{"a": ' * 40 + "1" + "}" * 40 + "\n", encoding="utf-8")
    refused(path, "line 2 is nested deeper than 32 levels")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_100000_column_header_is_refused(tmp_path, suffix):
    names = ["Titel"] + [f"c{i}" for i in range(100_000)]
    if suffix == ".csv":
        text = ";".join(names) + "\nKoch;1\n"
    else:
        text = json.dumps(dict.fromkeys(names, 1)) + "\n"
    path = tmp_path / f"l{suffix}"
    path.write_text(text, encoding="utf-8")
    refused(path, "more than 1,000 columns")


def test_xlsx_shared_strings_of_hundreds_of_mb_are_refused_before_parsing(tmp_path, monkeypatch):
    def parsed(*args, **kwargs):
        raise AssertionError("the workbook was parsed before its sizes were checked")

    path = tmp_path / "l.xlsx"
    path.write_bytes(huge_shared_strings(200))
    assert len(path.read_bytes()) < 2 << 20  # small to keep, huge to unpack
    monkeypatch.setattr(openpyxl, "load_workbook", parsed)
    monkeypatch.setattr(zipfile.ZipFile, "testzip", parsed)
    refused(path, "shared strings would unpack to 200 MB")


def test_a_workbook_with_small_shared_strings_is_read(tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(huge_shared_strings(0))
    assert read_table(path, "vacancies").frame.to_dict("records") == [
        {"Titel": "Koch", "Firma": None}
    ]


CUT = {
    "short last row": "Titel;Firma;PLZ\nKoch;Linde;04109\nBäcker;Sonne",
    "quote never closed": 'Titel;Firma;PLZ\nKoch;Linde;04109\nBäcker;Sonne;"041',
    "quote never closed over a line": 'Titel;Firma;PLZ\nKoch;Linde;04109\nBäcker;"Sonne\nGmbH',
}


@pytest.mark.parametrize("case", CUT, ids=list(CUT))
def test_a_last_row_cut_mid_line_is_refused(tmp_path, case):
    path = tmp_path / "l.csv"
    path.write_text(CUT[case], encoding="utf-8")
    refused(path, "the last row is cut off")


def test_a_last_json_line_cut_mid_object_is_refused(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_text('{"titel": "Koch"}\n{"titel": "Bäck', encoding="utf-8")
    refused(path, "the last line is cut off")


@pytest.mark.parametrize(
    "text",
    [
        'Titel;Firma;PLZ\nKoch;Linde;04109\nBäcker;"Sonne ""GmbH""";04109',  # no final newline
        "Titel;Firma;PLZ\nKoch;Linde;04109\nBäcker;Sonne\n",  # a short row, then a line end
        '{"titel": "Koch"}\n{"titel": "Bäcker"}',
    ],
    ids=["whole last row", "short row that ends", "whole last json line"],
)
def test_a_file_without_a_final_newline_but_whole_rows_is_read(tmp_path, text):
    path = tmp_path / ("l.jsonl" if text.startswith("{") else "l.csv")
    path.write_text(text, encoding="utf-8")
    table = read_table(path, "vacancies")
    assert len(table.frame) + len(table.bad_rows) == 2


# A workbook by hand: openpyxl writes no shared strings part, and Excel's files have one.
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{REL}/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Stellen" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL}/worksheet"/>'
        f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/>'
        "</Relationships>"
    ),
    "xl/worksheets/sheet1.xml": (
        f'<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
        "</sheetData></worksheet>"
    ),
}


@functools.cache  # built once for the session: both test files use the same workbook
def huge_shared_strings(size_mb: int) -> bytes:
    """A valid workbook whose fourth shared string is `size_mb` MB of one letter (~1 MB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        with book.open("xl/sharedStrings.xml", "w") as member:
            head = "<si><t>Titel</t></si><si><t>Firma</t></si><si><t>Koch</t></si><si><t>"
            member.write(f'<sst xmlns="{MAIN}">{head}'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(size_mb):
                member.write(chunk)
            member.write(b"</t></si></sst>")
    return out.getvalue()

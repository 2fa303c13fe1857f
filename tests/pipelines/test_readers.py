"""Readers: every format, delimiter, encoding and header position people send."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resque.errors import ResqueError
from resque.pipelines import readers
from resque.pipelines.readers import read_table

HEADER = ["Angebots-Nr.", "Stellenbezeichnung", "Firma", "PLZ", "Ort"]
ROWS = [
    ["A1", "Lagerhelfer (m/w/d)", "Müller GmbH", "04109", "Leipzig"],
    ["A2", "Koch/Köchin", "Gaststätte Zur Linde", "04416", "Markkleeberg"],
]


def write_csv(
    path: Path,
    rows: list[list[str]],
    delimiter: str = ";",
    encoding: str = "utf-8",
    preamble: str = "",
) -> Path:
    text = preamble + "\n".join(delimiter.join(row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_csv_delimiters_are_detected(tmp_path, delimiter):
    table = read_table(write_csv(tmp_path / "l.csv", [HEADER, *ROWS], delimiter), "vacancies")
    assert list(table.frame.columns) == HEADER
    assert table.frame["Firma"].tolist() == ["Müller GmbH", "Gaststätte Zur Linde"]
    assert table.detail["delimiter"] == delimiter


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
    ],
)
def test_csv_encodings_are_detected(tmp_path, encoding, expected):
    rows = [HEADER, [*ROWS[0][:2], "Bäckerei Groß – 14 €", *ROWS[0][3:]]]
    table = read_table(write_csv(tmp_path / "l.csv", rows, encoding=encoding), "vacancies")
    assert table.frame["Firma"].tolist() == ["Bäckerei Groß – 14 €"]
    assert table.detail["encoding"] == expected


def test_title_lines_above_the_header_are_skipped(tmp_path):
    path = write_csv(
        tmp_path / "l.csv", [HEADER, *ROWS], preamble="Jobmesse Leipzig – Stellenangebote\n;;;;\n"
    )
    table = read_table(path, "vacancies")
    assert list(table.frame.columns) == HEADER
    assert table.row_numbers == [4, 5]


def test_quoted_values_may_hold_delimiters_and_line_breaks(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text('Titel;Beschreibung\n"Koch";"Kochen; Braten\nund Backen"\n', encoding="utf-8")
    table = read_table(path, "vacancies")
    assert table.frame["Beschreibung"].tolist() == ["Kochen; Braten\nund Backen"]


def test_ragged_rows_become_bad_rows_with_their_line(tmp_path):
    path = write_csv(tmp_path / "l.csv", [HEADER, ROWS[0], ROWS[1] + ["extra"]])
    table = read_table(path, "vacancies")
    assert len(table.frame) == 1
    assert table.bad_rows[0][0] == 3
    assert "6 fields, the header has 5" in table.bad_rows[0][1]


def test_repeated_and_blank_headers_get_unique_names(tmp_path):
    path = write_csv(tmp_path / "l.csv", [["Titel", "Ort", "Ort", ""], ["Koch", "a", "b", "c"]])
    assert list(read_table(path, "vacancies").frame.columns) == [
        "Titel",
        "Ort",
        "Ort_2",
        "column_4",
    ]


def write_xlsx(path: Path, rows: list[list], title_rows: int = 0, sheets: int = 1) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Deckblatt" if sheets > 1 else "Stellen"
    if sheets > 1:
        book.active.append(["Jobmesse 2026"])
        sheet = book.create_sheet("Stellen")
    else:
        sheet = book.active
    for _ in range(title_rows):
        sheet.append(["Stellenangebote der Aussteller"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_keeps_cell_types_and_finds_the_header(tmp_path):
    rows = [
        HEADER + ["Beginn", "Anzahl"],
        ["A1", "Koch", "Linde", 4109, "Leipzig", dt.datetime(2027, 3, 1), 2],
    ]
    table = read_table(write_xlsx(tmp_path / "l.xlsx", rows, title_rows=2), "vacancies")
    record = table.frame.iloc[0]
    assert (record["PLZ"], record["Beginn"], record["Anzahl"]) == (4109, dt.date(2027, 3, 1), 2)
    assert table.row_numbers == [4]
    assert table.detail["header_row"] == 3


def test_xlsx_picks_the_sheet_with_a_header(tmp_path):
    table = read_table(write_xlsx(tmp_path / "l.xlsx", [HEADER, *ROWS], sheets=2), "vacancies")
    assert table.detail["sheet"] == "Stellen"
    assert len(table.frame) == 2


def test_xlsx_named_sheet_must_exist(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [HEADER, *ROWS])
    with pytest.raises(ResqueError, match="no sheet 'Nope' \\(sheets: Stellen\\)"):
        read_table(path, "vacancies", sheet="Nope")


def test_xlsx_empty_rows_are_skipped_with_numbers_kept(tmp_path):
    table = read_table(
        write_xlsx(tmp_path / "l.xlsx", [HEADER, ROWS[0], [None] * 5, ROWS[1]]), "vacancies"
    )
    assert table.row_numbers == [2, 4]


def test_jsonl_flattens_nested_objects_and_reports_broken_lines(tmp_path):
    lines = [
        json.dumps({"titel": "Koch", "arbeitsort": {"plz": 4109, "ort": "Leipzig"}}),
        "{broken",
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "l.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    table = read_table(path, "vacancies")
    assert table.frame.to_dict("records") == [
        {"titel": "Koch", "arbeitsort.plz": 4109, "arbeitsort.ort": "Leipzig"}
    ]
    assert [(n, r.split(" (")[0]) for n, r, _ in table.bad_rows] == [
        (2, "not valid JSON"),
        (3, "not a JSON object"),
    ]


def test_json_array_is_read_like_lines(tmp_path):
    path = tmp_path / "l.json"
    path.write_text(json.dumps([{"titel": "Koch"}, {"titel": "Bäcker"}]), encoding="utf-8")
    assert read_table(path, "vacancies").frame["titel"].tolist() == ["Koch", "Bäcker"]


# --- files that cannot be read: one line naming the file and the problem -----------------------


def _truncated_xlsx(path: Path) -> Path:
    good = write_xlsx(path.with_name("good.xlsx"), [HEADER, *ROWS]).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def _zip_bomb(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1 << 20)
            for _ in range(24):  # 24 MB unpacked, a few kB packed; the test lowers the limit
                member.write(chunk)
    path.write_bytes(buffer.getvalue())
    return path


BAD_FILES = {
    "missing": (lambda p: p, "no such file"),
    "empty": (lambda p: (p.write_bytes(b""), p)[1], "the file is empty"),
    "blank": (lambda p: (p.write_text("\n \n"), p)[1], "the file is empty"),
    "binary renamed .csv": (
        lambda p: (p.write_bytes(bytes(range(256)) * 40), p)[1],
        "binary content",
    ),
    "mixed encodings": (
        lambda p: (
            p.write_bytes(
                "Titel;Ort\nKöchin;Leipzig\n".encode() + "Bäcker;Grimma\n".encode("cp1252")
            ),
            p,
        )[1],
        "mixed encodings: UTF-8 text, but line 3",
    ),
    "truncated xlsx": (
        lambda p: _truncated_xlsx(p.with_suffix(".xlsx")),
        "not a readable XLSX workbook",
    ),
    "xlsx that is no zip": (
        lambda p: (p.with_suffix(".xlsx").write_text("hello"), p.with_suffix(".xlsx"))[1],
        "not a readable XLSX workbook",
    ),
    "old xls": (
        lambda p: (
            p.with_suffix(".xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
            p.with_suffix(".xls"),
        )[1],
        "old binary Excel format",
    ),
    "zip bomb": (
        lambda p: _zip_bomb(p.with_suffix(".xlsx")),
        "refused, the workbook would unpack to",
    ),
    "jsonl without objects": (
        lambda p: (p.with_suffix(".jsonl").write_text("1\n2\n"), p.with_suffix(".jsonl"))[1],
        "no JSON object found",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_unreadable_files_fail_with_one_line(tmp_path, monkeypatch, case):
    monkeypatch.setattr("resque.pipelines.readers.MAX_XLSX_UNPACKED", 16 << 20)
    make, message = BAD_FILES[case]
    path = make(tmp_path / "list.csv")
    with pytest.raises(ResqueError) as info:
        read_table(path, "vacancies")
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(ResqueError, match="is a directory"):
        read_table(tmp_path, "vacancies")


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(
        st.one_of(
            st.text(max_size=6).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.binary(max_size=4),
        ),
        max_size=12,
    ).map(b"".join),
    block=st.integers(min_value=1, max_value=7),
)
def test_the_utf8_check_agrees_with_python_whatever_the_block_ends_cut(
    tmp_path_factory, data, block
):
    """Arrow checks the file a block at a time: a character cut by a block's end is not
    an error, a surrogate, overlong or unfinished character is, as for Python's decoder."""
    data = data.replace(b"\x00", b"")  # a NUL byte marks UTF-16 before any check
    path = tmp_path_factory.mktemp("utf8") / "f.csv"
    path.write_bytes(b"a;b\n" + data)
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "UTF8_CHECK_BLOCK", block)
        assert readers._is_utf8_file(path, b"a;b\n" + data) is expected

"""Reading the files people actually get: CSV (any delimiter, UTF-8 or Windows-1252), XLSX, JSONL.

A reader returns the rows as they stand in the file, with the file's own headers. It finds
the header row below title lines, and refuses a file it cannot read with one clear line.

It also refuses, with one line and before anything is stored, what no real list holds but a
damaged or hostile file does: a field over 128 KB, more than 1,000 columns, JSON nested
deeper than 32 levels, an XLSX whose shared strings would unpack to more than 64 MB, and a
file cut off in its last row (no final newline and a short last row, an unclosed quote or
a broken last JSON line: a copy still in progress).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import itertools
import json
import mmap
import re
import struct
import weakref
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from resque.errors import ResqueError
from resque.pipelines.headers import REQUIRED, SYNONYMS, header_key

HEADER_SEARCH_ROWS = 30
DELIMITERS = (";", ",", "\t", "|")
MAX_XLSX_UNPACKED = 1 << 30  # a zip bomb unpacks to far more; a real list to a few MB
# openpyxl reads the shared strings whole into memory, before any row: a list's unique
# texts come to a few MB, a hostile single string to hundreds
MAX_SHARED_STRINGS = 64 << 20
MAX_FIELD_BYTES = csv.field_size_limit()  # 128 KB, as Python's own CSV reader
MAX_COLUMNS = 1_000
MAX_JSON_DEPTH = 32
# Arrow parses a CSV a block at a time: one block is one batch of rows through the stages
# (~30,000 rows of a typical list), and no value may be longer than a block. Small blocks
# keep the batches the read-ahead holds small, which leaves the load's memory to DuckDB
# (warehouse/load.py LOAD_MEMORY_LIMIT); 32 MB blocks peaked 0.2 GB higher, no faster.
CSV_BLOCK_BYTES = 8 << 20
# A workbook or JSON Lines file goes through the stages this many rows at a time: a batch's
# Python objects (~1 KB a row) stay far below the CSV block's, and its overhead is small.
ROW_BATCH = 50_000
HEAD_BYTES = 1 << 20
UTF8_CHECK_BLOCK = 16 << 20  # the whole file is checked for UTF-8 this much at a time
_SHARED_STRINGS = re.compile(r"(^|/)sharedstrings[^/]*\.xml$", re.IGNORECASE)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


@dataclass
class RawTable:
    """Rows as read, with the file's headers, and where each row stands in the file."""

    frame: pd.DataFrame
    row_numbers: list[int]
    bad_rows: list[tuple[int | None, str, str]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class TableStream:
    """A file's headers and format, and its rows in batches read as they are asked for.

    `bad_rows` fills as the batches are read: it is complete once they are exhausted. A
    refusal found further down the file (an overlong field, a cut-off last row) is raised
    by the iteration.
    """

    columns: list[str]
    detail: dict[str, Any]
    batches: Iterator[RawTable]
    bad_rows: list[tuple[int | None, str, str]] = field(default_factory=list)


def open_table(path: str | Path, entity: str, sheet: str | None = None) -> TableStream:
    """Open a CSV, XLSX or JSONL file: its header now, its rows as batches.

    A CSV comes a parser block at a time, a workbook or JSON Lines file ROW_BATCH rows at a
    time; only a JSON array file is read whole. ResqueError names the file and problem.
    """
    path = Path(path)
    head = _read_head(path)
    kind = _detect_kind(path, head)
    if kind == "csv":
        return _read_csv(path, head, entity)
    try:
        stream = _open_xlsx(path, entity, sheet) if kind == "xlsx" else _open_jsonl(path, head)
    except RecursionError as exc:  # a parser's own recursion, on nesting no list has
        raise _too_deep_to_read(path) from exc
    _check_width(path, stream.columns)
    return stream


def _too_deep_to_read(path: Path) -> ResqueError:
    return ResqueError(f"{path}: refused, the data is nested too deeply to read")


def read_table(path: str | Path, entity: str, sheet: str | None = None) -> RawTable:
    """A CSV, XLSX or JSONL file read whole; ResqueError names the file and problem."""
    stream = open_table(path, entity, sheet)
    parts = list(stream.batches)
    if len(parts) == 1:
        frame, numbers = parts[0].frame, parts[0].row_numbers
    else:
        frame = pd.concat([part.frame for part in parts], ignore_index=True)
        numbers = [number for part in parts for number in part.row_numbers]
    return RawTable(frame, numbers, stream.bad_rows, stream.detail)


def _check_width(path: Path, headers: list[Any]) -> None:
    """Refuse a header wider than any list: it costs memory and time in every later step."""
    if len(headers) > MAX_COLUMNS:
        raise ResqueError(f"{path}: refused, the header has more than {MAX_COLUMNS:,} columns")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a one-line reason why there are none."""
    if not path.exists():
        raise ResqueError(f"{path}: no such file")
    if path.is_dir():
        raise ResqueError(f"{path}: is a directory, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ResqueError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not data.strip():
        raise ResqueError(f"{path}: the file is empty")
    return data


def _read_head(path: Path) -> bytes:
    """The file's first megabyte, or a one-line reason why there is none."""
    if not path.exists():
        raise ResqueError(f"{path}: no such file")
    if path.is_dir():
        raise ResqueError(f"{path}: is a directory, not a file")
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError as exc:
        raise ResqueError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not head.strip():
        _read_bytes(path)  # says 'empty' unless something follows the blank megabyte
    return head


def _detect_kind(path: Path, data: bytes) -> str:
    """xlsx, jsonl or csv, by content first and extension second."""
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if suffix in {".xlsx", ".xlsm"}:
        raise ResqueError(f"{path}: not a readable XLSX workbook (no zip signature)")
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ResqueError(f"{path}: old binary Excel format (.xls); save it as .xlsx or CSV")
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    return "csv"


# --- CSV -------------------------------------------------------------------------------------


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """The file as text and the encoding it was in: UTF-8 (with or without BOM), UTF-16, cp1252."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ResqueError(f"{path}: broken UTF-16 text at byte {exc.start}") from exc
    nul = data.find(b"\x00")
    if nul != -1:
        raise ResqueError(f"{path}: binary content, not a text file (NUL byte at offset {nul})")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if _UTF8_MULTIBYTE.search(data):
        line = data.count(b"\n", 0, bad_at) + 1
        raise ResqueError(
            f"{path}: mixed encodings: UTF-8 text, but line {line} is in another encoding; "
            "save the whole file as UTF-8"
        )
    text = data.decode("cp1252", errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 1000):
        raise ResqueError(f"{path}: binary content or an unknown encoding, not a text file")
    return text, "cp1252"


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines most consistently into the most fields."""
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        try:
            counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines[:10]]
        except csv.Error:  # a field over the size limit when split this way: not this one
            continue
        widest = max(counts, default=1)
        if widest > 1:
            score = widest * 10 + sum(1 for c in counts if c == widest)
            if score > best_score:
                best, best_score = delimiter, score
    return best


def _header_index(rows: list[list[Any]], entity: str) -> int:
    """Index of the header row: the first with a column for the required field."""
    wanted = set(SYNONYMS[entity][REQUIRED[entity]])
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {header_key(cell) for cell in row if cell not in (None, "")}
        if keys & wanted:
            return index
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in row if cell not in (None, "")) >= 2:
            return index
    return 0


def unique_headers(headers: list[Any]) -> list[str]:
    """Headers as text, blanks named by position, repeats numbered ('Ort', 'Ort_2')."""
    seen: dict[str, int] = {}
    result = []
    for position, header in enumerate(headers, start=1):
        name = str(header).strip() if header not in (None, "") else f"column_{position}"
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


def _read_csv(path: Path, head: bytes, entity: str) -> TableStream:
    """CSV with sniffed delimiter and encoding, parsed by Arrow's reader one block at a time."""
    body = _CsvBody.of(path, head)
    head_text = body.head(200_000).decode("utf-8", errors="ignore")
    head_lines = head_text.splitlines()[: HEADER_SEARCH_ROWS * 2]
    non_empty = [line for line in head_lines if line.strip()]
    if not non_empty:
        raise ResqueError(f"{path}: the file is empty")
    delimiter = _sniff_delimiter(non_empty)
    parsed_head = [
        _split_line(path, line, number, delimiter)
        for number, line in enumerate(head_lines, start=1)
    ]
    header_at = _header_index(parsed_head, entity)
    headers = unique_headers(parsed_head[header_at])
    _check_width(path, headers)
    detail = {
        "format": "csv",
        "encoding": body.encoding,
        "delimiter": delimiter,
        "header_row": header_at + 1,
    }
    stream = TableStream(headers, detail, iter(()))
    stream.batches = _csv_batches(path, body, header_at, headers, delimiter, stream.bad_rows)
    return stream


def _split_line(path: Path, line: str, number: int, delimiter: str) -> list[str]:
    """One line of the file's head split into fields; a field over the limit is refused."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as exc:
        raise ResqueError(
            f"{path}: refused, line {number} has a field over {MAX_FIELD_BYTES >> 10} KB"
        ) from exc


def _check_field_sizes(path: Path, table: pa.Table, first_row: int) -> None:
    """Refuse a field longer than any list's (128 KB): named by row and column, not shown."""
    for name, column in zip(table.column_names, table.columns, strict=True):
        lengths = pc.binary_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_FIELD_BYTES:
            index = pc.index(lengths, longest).as_py()
            raise ResqueError(
                f"{path}: refused, row {first_row + index}, column '{name}' has a field over "
                f"{MAX_FIELD_BYTES >> 10} KB"
            )


class _CsvBody:
    """The text of a CSV file as UTF-8 bytes, read from the file itself when it is UTF-8.

    Only a file in another encoding (cp1252, UTF-16) is decoded whole into memory; the
    whole body is otherwise looked at only for a ragged row or a last line without a line end.
    """

    def __init__(self, path: Path, encoding: str, start: int = 0, data: bytes | None = None):
        self.path, self.encoding, self.start, self.data = path, encoding, start, data
        self._mapped: mmap.mmap | None = None
        self._lines_at = (0, 0)  # (offset, newlines before it): ragged rows come in order

    @classmethod
    def of(cls, path: Path, head: bytes) -> _CsvBody:
        """UTF-8 (with or without BOM) as it is; anything else decoded once and re-encoded."""
        if _is_utf8_file(path, head):
            return cls(path, "utf-8", 3 if head.startswith(b"\xef\xbb\xbf") else 0)
        text, encoding = decode_text(path, _read_bytes(path))
        return cls(path, encoding, data=text.encode("utf-8"))

    def head(self, size: int) -> bytes:
        if self.data is not None:
            return self.data[:size]
        with self.path.open("rb") as file:
            file.seek(self.start)
            return file.read(size)

    def open(self, line_index: int) -> tuple[Any, int]:
        """A binary stream from the start of line `line_index` (0-based), and that offset."""
        if self.data is not None:
            stream: Any = io.BytesIO(self.data)
        else:
            stream = self.path.open("rb")
            stream.seek(self.start)
        for _ in range(line_index):  # binary lines end at '\n' only, as Arrow's rows do
            if not stream.readline():
                break
        return stream, stream.tell() - (self.start if self.data is None else 0)

    def whole(self) -> bytes | mmap.mmap:
        """The body, for the rare looks at all of it: mapped, not read, for a file."""
        if self.data is not None:
            return self.data
        if self._mapped is None:
            with self.path.open("rb") as file:
                self._mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        return self._mapped

    def find(self, text: bytes, start: int) -> int:
        found = self.whole().find(text, self.start + start)
        return found - self.start if found != -1 else -1

    def line_of(self, offset: int) -> int:
        """The 1-based line number at a body offset, counting on from the last one asked."""
        whole = self.whole()
        at, newlines = self._lines_at if offset >= self._lines_at[0] else (0, 0)
        for chunk in range(at, offset, 16 << 20):
            end = min(offset, chunk + (16 << 20))
            newlines += whole[self.start + chunk : self.start + end].count(b"\n")
        self._lines_at = (offset, newlines)
        return newlines + 1

    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size - self.start

    def endswith(self, text: bytes) -> bool:
        if self.data is not None or not text:
            return (self.data or b"").endswith(text) if text else True
        size = self.size()
        if len(text) > size:
            return False
        with self.path.open("rb") as file:
            file.seek(self.start + size - len(text))
            return file.read() == text

    def text_lines(self) -> Iterator[str]:
        """The body as text lines, line ends kept (as io.StringIO(text, newline='') gives)."""
        raw = io.BytesIO(self.data) if self.data is not None else self.path.open("rb")
        if self.data is None:
            raw.seek(self.start)
        with io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as text:
            yield from text

    def close(self) -> None:
        if self._mapped is not None:
            self._mapped.close()
            self._mapped = None


def _is_utf8_file(path: Path, head: bytes) -> bool:
    """Whether the whole file is UTF-8, checked a block at a time (not read into memory)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:65536]:
        return False
    carry = b""  # a character cut in two by a block's end, completed by the next block
    try:
        with path.open("rb") as file:
            while block := file.read(UTF8_CHECK_BLOCK):
                data = carry + block if carry else block
                cut = _complete_utf8_end(data)
                if not _is_utf8(data, cut):
                    return False
                carry = data[cut:]
    except OSError as exc:
        raise ResqueError(f"{path}: cannot be read ({exc.strerror})") from exc
    return not carry


def _is_utf8(data: bytes, end: int) -> bool:
    """Whether data[:end] is UTF-8, checked by Arrow's validator without copying the bytes
    (Python's decoder takes seconds for a file of a million rows, Arrow a tenth of that)."""
    offsets = pa.py_buffer(struct.pack("<ii", 0, end))
    text = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.cast(pa.string())
    except pa.ArrowInvalid:
        return False
    return True


def _complete_utf8_end(data: bytes) -> int:
    """Where a multi-byte character cut off by the end of `data` starts (len(data) if none)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # a lead byte: how many bytes its character takes
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) - back if needed > back else len(data)
    return len(data)


def _ends_in_open_quote(body: _CsvBody, delimiter: str) -> bool:
    """Whether a file without a final line end stops inside a quoted value.

    Arrow takes such a value to the end of the file; Python's reader tells it apart: a
    sentinel line after the text comes back as its own row only if every quote closed.
    """
    if body.endswith(b"\n") or body.endswith(b"\r") or body.find(b'"', 0) == -1:
        return False
    sentinel = "\ue000end\ue000"
    rows = csv.reader(_with_sentinel(body.text_lines(), sentinel), delimiter=delimiter)
    try:
        last = collections.deque(rows, maxlen=1)
    except csv.Error:  # a quoted value running on past the size limit
        return True
    return list(last) != [[sentinel]]


def _with_sentinel(lines: Iterator[str], sentinel: str) -> Iterator[str]:
    """The lines of text + '\n' + sentinel, for a text without a final line end."""
    last = None
    for line in lines:
        if last is not None:
            yield last
        last = line
    if last is not None:
        yield last + "\n"
    yield sentinel


def _csv_batches(
    path: Path,
    body: _CsvBody,
    header_at: int,
    headers: list[str],
    delimiter: str,
    bad_rows: list[tuple[int | None, str, str]],
) -> Iterator[RawTable]:
    """The rows below the header line, a block at a time; ragged rows are set aside.

    Refuses, once the last block is read, a file whose last row is cut off: no final line
    end and fewer fields than the header, or a quote never closed.
    """
    stream, body_start = body.open(header_at + 1)
    open_end = not (body.endswith(b"\n") or body.endswith(b"\r"))
    cut = False

    def skip_invalid(row: pacsv.InvalidRow) -> str:
        nonlocal cut
        text = row.text.encode("utf-8")
        if open_end and row.actual_columns < row.expected_columns and body.endswith(text):
            cut = True
        # Arrow gives no row number when values may span lines: find the line by its text
        found = body.find(text, body_start)
        line = body.line_of(found) if found != -1 else None
        reason = f"row has {row.actual_columns} fields, the header has {row.expected_columns}"
        bad_rows.append((line, reason, row.text[:2000]))
        return "skip"

    first_row, read = header_at + 2, 0
    try:
        with stream:
            for batch in _arrow_batches(path, stream, headers, delimiter, skip_invalid):
                table = pa.Table.from_batches([batch])
                _check_field_sizes(path, table, first_row + read)
                rows = range(first_row + read, first_row + read + batch.num_rows)
                read += batch.num_rows
                yield RawTable(table.to_pandas(), list(rows))
        if cut or _ends_in_open_quote(body, delimiter):
            raise ResqueError(
                f"{path}: refused, the last row is cut off (no line end, "
                + ("fewer fields than the header" if cut else "a quote never closed")
                + "); the file may still be being copied, or was cut short"
            )
    finally:
        body.close()


def _arrow_batches(
    path: Path, stream: Any, headers: list[str], delimiter: str, on_invalid: Any
) -> Iterator[pa.RecordBatch]:
    """Arrow's streaming CSV reader over `stream`, every column text; at least one batch."""
    schema = pa.schema([(name, pa.string()) for name in headers])
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(column_names=headers, block_size=CSV_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in headers},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        empty = True
        for batch in reader:
            empty = False
            yield batch
    except pa.ArrowInvalid as exc:
        message = str(exc).splitlines()[0]
        raise ResqueError(f"{path}: not a readable CSV file ({message})") from exc
    if empty:  # a header and nothing below it
        yield pa.RecordBatch.from_pylist([], schema=schema)


# --- XLSX ------------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    """Refuse a truncated workbook or one that would unpack to a zip bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_unpacked_sizes(path, parts)  # before testzip, which unpacks everything
            broken = archive.testzip()  # unpacks a part at a time, holding none of it
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ResqueError(f"{path}: not a readable XLSX workbook (truncated or corrupt)") from exc
    except OSError as exc:
        raise ResqueError(f"{path}: cannot be read ({exc.strerror})") from exc
    if broken is not None:
        raise ResqueError(f"{path}: not a readable XLSX workbook (damaged part {broken})")


def _check_unpacked_sizes(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    """Refuse by the sizes the zip declares, before a byte is unpacked.

    A part cannot unpack to more than it declares: zipfile stops there and checks the CRC.
    """
    unpacked = sum(info.file_size for info in parts)
    if unpacked > MAX_XLSX_UNPACKED:
        raise ResqueError(f"{path}: refused, the workbook would unpack to {unpacked >> 20} MB")
    for info in parts:
        if _SHARED_STRINGS.search(info.filename) and info.file_size > MAX_SHARED_STRINGS:
            raise ResqueError(
                f"{path}: refused, the workbook's shared strings would unpack to "
                f"{info.file_size >> 20} MB (at most {MAX_SHARED_STRINGS >> 20} MB)"
            )


def _xlsx_value(value: Any) -> Any:
    """Cell values as the importer wants them: dates as dates, text stripped of nothing."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _corrupt_xlsx(path: Path) -> ResqueError:
    return ResqueError(f"{path}: not a readable XLSX workbook (truncated or corrupt)")


def _load_book(path: Path) -> Any:
    """The workbook in read-only mode: its sheets are read row by row from the zip."""
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise ResqueError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from exc


def _open_xlsx(path: Path, entity: str, sheet: str | None) -> TableStream:
    """The first sheet with a recognisable header (or the named one): its header now, its
    rows in batches. Only a sheet's first HEADER_SEARCH_ROWS rows are read to choose it."""
    _check_zip(path)
    book = _load_book(path)
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise ResqueError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(names)})")
        for name in [sheet] if sheet else names:
            rows = book[name].iter_rows(values_only=True)
            head = [
                list(map(_xlsx_value, row)) for row in itertools.islice(rows, HEADER_SEARCH_ROWS)
            ]
            header_at = _header_index(head, entity)
            if sheet or _has_required(head[header_at] if head else [], entity):
                break
        else:
            raise ResqueError(
                f"{path}: no sheet has a {REQUIRED[entity]} column; name one with --sheet "
                f"and --map 'Column={REQUIRED[entity]}' (sheets: {', '.join(names)})"
            )
    except (zipfile.BadZipFile, EOFError, KeyError, OSError, ElementTree.ParseError) as exc:
        book.close()
        raise _corrupt_xlsx(path) from exc
    except BaseException:
        book.close()
        raise
    headers = unique_headers(head[header_at] if head else [])
    detail = {"format": "xlsx", "sheet": name, "header_row": header_at + 1}
    # The open workbook goes on to the batches (opening it again costs as much as reading
    # its shared strings, seconds for a large list); closed when they end, or when a stream
    # never read (a refused header) is dropped.
    batches = _xlsx_batches(path, book, name, header_at, headers)
    weakref.finalize(batches, book.close)
    return TableStream(headers, detail, batches)


def _has_required(row: list[Any], entity: str) -> bool:
    """Whether a header row names the entity's required field."""
    wanted = set(SYNONYMS[entity][REQUIRED[entity]])
    return any(header_key(cell) in wanted for cell in row if cell is not None)


def _xlsx_batches(
    path: Path, book: Any, name: str, header_at: int, headers: list[str]
) -> Iterator[RawTable]:
    """The sheet's rows below the header, ROW_BATCH at a time; wholly empty rows are dropped."""
    width = len(headers)
    body: list[list[Any]] = []
    numbers: list[int] = []
    yielded = False
    try:
        rows = book[name].iter_rows(values_only=True)
        index = 0
        for index, row in enumerate(rows, start=1):
            if index <= header_at + 1:
                continue
            cells = [
                None if isinstance(c, str) and not c.strip() else _xlsx_value(c)
                for c in row[:width]
            ]
            if any(c is not None for c in cells):
                body.append(cells + [None] * (width - len(cells)))
                numbers.append(index)
            if len(body) >= ROW_BATCH:
                yield RawTable(pd.DataFrame(body, columns=headers, dtype=object), numbers)
                body, numbers, yielded = [], [], True
        if body or not yielded:  # a header with nothing below it is still one (empty) batch
            yield RawTable(pd.DataFrame(body, columns=headers, dtype=object), numbers)
    except (zipfile.BadZipFile, EOFError, KeyError, OSError) as exc:
        raise _corrupt_xlsx(path) from exc
    except ElementTree.ParseError as exc:  # the sheet's XML breaks off further down
        raise ResqueError(
            f"{path}: not a readable XLSX workbook (sheet {name!r} is damaged after row {index})"
        ) from exc
    finally:
        book.close()


# --- JSONL -----------------------------------------------------------------------------------


class _TooDeep(Exception):
    """A JSON object nested deeper than MAX_JSON_DEPTH."""


def _flatten(obj: dict[str, Any], prefix: str = "", depth: int = 1) -> dict[str, Any]:
    """Nested objects as dotted keys: {'arbeitsort': {'plz': 1}} -> {'arbeitsort.plz': 1}."""
    if depth > MAX_JSON_DEPTH:
        raise _TooDeep
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}.", depth + 1))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _too_long(record: dict[str, Any]) -> str | None:
    """The key of a value longer than any list's field (128 KB), if there is one."""
    for key, value in record.items():
        # four bytes a character at most: only long strings are encoded to measure
        if (
            isinstance(value, str)
            and len(value) * 4 > MAX_FIELD_BYTES
            and (len(value.encode("utf-8")) > MAX_FIELD_BYTES)
        ):
            return key
    return None


def _json_record(path: Path, number: int, line: Any) -> dict[str, Any] | tuple[str, str]:
    """One line (or array item) as a flat record, or (reason, text) when it is a bad row.

    Refuses nesting deeper than MAX_JSON_DEPTH and a value longer than any list's field.
    """
    try:
        obj = json.loads(line) if isinstance(line, str) else line
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg})", line[:2000]
    if not isinstance(obj, dict):
        return "not a JSON object", str(line)[:2000]
    try:
        record = _flatten(obj)
    except _TooDeep:
        raise ResqueError(
            f"{path}: refused, line {number} is nested deeper than {MAX_JSON_DEPTH} levels"
        ) from None
    long_key = _too_long(record)
    if long_key is not None:
        raise ResqueError(
            f"{path}: refused, line {number}, key '{long_key}' has a value over "
            f"{MAX_FIELD_BYTES >> 10} KB"
        )
    return record


class _JsonSource:
    """The entries of a JSON Lines file (or a JSON array), numbered, readable more than once.

    A UTF-8 file is read from disk line by line on every pass; a file in another encoding
    (cp1252, UTF-16) is decoded whole once, as a CSV in one is. A JSON array is read whole:
    the standard library has no incremental parser and pyarrow.json reads only JSON Lines
    (with its own typing and no per-line rejects), so streaming one would need a new
    dependency (ijson) for a form the lists we get rarely take.
    """

    def __init__(self, path: Path, head: bytes):
        self.path = path
        self.text: str | None = None
        if _is_utf8_file(path, head):
            self.encoding = "utf-8"
        else:
            self.text, self.encoding = decode_text(path, _read_bytes(path))
        self.items: list[Any] | None = None
        if self._first_char() == "[":
            text = self.text if self.text is not None else path.read_text("utf-8-sig")
            try:
                self.items = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ResqueError(
                    f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
                ) from exc
        self.ends_open = False  # set by a pass over lines: no line end after the last one

    def _lines(self) -> Iterator[str]:
        if self.text is not None:
            yield from io.StringIO(self.text, newline=None)
            return
        with self.path.open(encoding="utf-8-sig", newline=None) as file:
            yield from file

    def _first_char(self) -> str:
        for line in self._lines():
            if line.strip():
                return line.lstrip()[0]
        return ""

    def entries(self) -> Iterator[tuple[int, Any]]:
        """(line number, line text) of each non-blank line, or (position, item) of an array."""
        if self.items is not None:
            yield from enumerate(self.items, start=1)
            return
        self.ends_open = False
        for number, line in enumerate(self._lines(), start=1):
            self.ends_open = not line.endswith("\n")
            if "\x00" in line:
                raise ResqueError(
                    f"{self.path}: binary content, not a text file (NUL byte in line {number})"
                )
            if line.strip():
                yield number, line.rstrip("\n")


def _open_jsonl(path: Path, head: bytes) -> TableStream:
    """One JSON object per line (or a JSON array); a broken line is a rejected row.

    The file is read twice: first to check every line and gather the columns (the union
    of the keys, in order of first appearance, which the header mapping and the privacy
    check need before a row is stored), then ROW_BATCH records at a time for the load.
    """
    source = _JsonSource(path, head)
    keys: dict[str, None] = {}
    bad_rows: list[tuple[int | None, str, str]] = []
    last_bad = False
    for number, line in source.entries():
        record = _json_record(path, number, line)
        last_bad = isinstance(record, tuple)
        if isinstance(record, tuple):
            bad_rows.append((number, *record))
            continue
        keys.update(dict.fromkeys(record))
        if len(keys) > MAX_COLUMNS:
            _check_width(path, list(keys))
    if (
        last_bad
        and source.ends_open
        and source.items is None
        and bad_rows[-1][1].startswith("not valid JSON")
    ):
        raise ResqueError(
            f"{path}: refused, the last line is cut off (no line end, not valid "
            "JSON); the file may still be being copied, or was cut short"
        )
    if not keys:
        raise ResqueError(f"{path}: no JSON object found in the file")
    names = list(keys)
    headers = unique_headers(names)
    detail = {"format": "jsonl", "encoding": source.encoding}
    return TableStream(headers, detail, _jsonl_batches(source, names, headers), bad_rows)


def _jsonl_batches(source: _JsonSource, names: list[str], headers: list[str]) -> Iterator[RawTable]:
    """The good records, ROW_BATCH at a time, every one with all the file's columns.

    Values keep their JSON types (an integer stays one though others lack its key); the
    bad lines were set aside by the first pass and are skipped here.
    """
    rows: list[list[Any]] = []
    numbers: list[int] = []
    try:
        for number, line in source.entries():
            record = _json_record(source.path, number, line)
            if isinstance(record, tuple):
                continue
            rows.append([record.get(name) for name in names])
            numbers.append(number)
            if len(rows) >= ROW_BATCH:
                yield _json_table(rows, numbers, headers)
                rows, numbers = [], []
    except RecursionError as exc:
        raise _too_deep_to_read(source.path) from exc
    if rows:
        yield _json_table(rows, numbers, headers)


def _json_table(rows: list[list[Any]], numbers: list[int], headers: list[str]) -> RawTable:
    frame = pd.DataFrame(rows, columns=headers, dtype=object)
    return RawTable(frame.where(frame.notna(), None), numbers)  # a JSON NaN is no value

"""Imports read a file in batches inside one transaction: batched reads load exactly what a
whole read loads, and a refusal in a later batch leaves the warehouse as it was."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from resque.errors import ResqueError
from resque.pipelines import readers
from tests.conftest import dump_tables, query
from tests.pipelines.test_import import LIST_A, write_list

ROWS = 130  # three batches of 50 rows; CSV blocks of 2 KB hold ~25 rows


def _rows(long_at: int | None = None, count: int = ROWS) -> list[dict]:
    """Vacancies as dicts; a 200 KB place name at row index `long_at` if given."""
    rows = []
    for i in range(count):
        row = {
            "Referenznummer": f"R{i:04d}",
            "Stellentitel": ["Koch (m/w/d)", "Lagerhelfer", "Pflegehelfer*in"][i % 3],
            "Arbeitgeber": f"Firma {i % 7} GmbH",
            "PLZ": ["04109", "04416", "4177"][i % 3],
            "Arbeitsort": "Leipzig",
            "Eintrittsdatum": ["ab sofort", "01.12.2026", ""][i % 3],
            "Anzahl Stellen": str(i % 4 + 1),
        }
        if i == long_at:
            row["Arbeitsort"] = "x" * (200 << 10)
        rows.append(row)
    return rows


def _csv(path, rows):
    header = ";".join(rows[0])
    return write_list(path, [";".join(r.values()) for r in rows], header=header, encoding="utf-8")


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Stellenangebote Dezember"])  # a title line above the header
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    book.save(path)
    return path


def _jsonl(path, rows, deep_at: int | None = None):
    lines = []
    for i, row in enumerate(rows):
        item = {"angebotsnr": row["Referenznummer"], "beruf": row["Stellentitel"],
                "betrieb": {"name": row["Arbeitgeber"], "ort": row["Arbeitsort"]},
                "plz": int(row["PLZ"]) if i % 2 else row["PLZ"]}  # fmt: skip
        if i > 100:  # a key only the last batch has: a column of every row's payload
            item["extra"] = {"hinweis": f"spät {i}"}
        if i == deep_at:
            for _ in range(40):
                item = {"tiefer": item}
        lines.append(json.dumps(item, ensure_ascii=False))
    lines.insert(110, '{"angebotsnr": "kaputt", ')  # a broken line in a later batch: a reject
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


WRITERS = {"csv": _csv, "xlsx": _xlsx, "jsonl": _jsonl}


def _small_batches(patch):
    patch.setattr(readers, "ROW_BATCH", 50)
    patch.setattr(readers, "CSV_BLOCK_BYTES", 2048)


def _loaded(db) -> dict:
    """What an import leaves, less the times it ran at."""
    return {
        "postings": query(
            db, "select * exclude (first_seen, last_seen) from postings order by posting_id"
        ),
        "raw_records": query(
            db, "select * exclude (received_at) from raw_records order by source_ref"
        ),
        "rejects": query(db, "select * from rejects order by row_number"),
    }


@pytest.mark.parametrize("kind", WRITERS)
def test_a_file_of_several_batches_loads_as_read_whole(tmp_path, resque, monkeypatch, kind):
    path = WRITERS[kind](tmp_path / f"list.{kind}", _rows())
    whole, batched = tmp_path / "whole.duckdb", tmp_path / "batched.duckdb"
    assert len(list(readers.open_table(path, "vacancies").batches)) == 1
    assert resque("--db", whole, "import", "vacancies", path, "--source", "s").code == 0
    with monkeypatch.context() as patch:
        _small_batches(patch)
        assert len(list(readers.open_table(path, "vacancies").batches)) >= 3
        assert resque("--db", batched, "import", "vacancies", path, "--source", "s").code == 0
    loaded = _loaded(whole)
    assert len(loaded["postings"]) == ROWS
    assert loaded == _loaded(batched)
    if kind == "jsonl":
        assert [r[3] for r in loaded["rejects"]] == [None]  # the broken line, nothing else
        [(payload,)] = query(whole, "select payload from raw_records where source_ref = 'R0000'")
        assert json.loads(payload)["extra.hinweis"] is None  # a key first seen in batch 3


def _cut_sheet(path):
    """A workbook whose sheet's XML breaks off inside row 123, CRCs intact."""
    whole = path.with_name("whole.xlsx")
    _xlsx(whole, _rows())
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as cut:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data[: data.index(b'<row r="123"') + 20]
            cut.writestr(info, data)
    return path


# A refusal the reading meets in the third batch or later, and how its message places it.
# A CSV value may not be longer than a parser block: that case has 3,000 rows in 256 KB
# blocks. openpyxl keeps at most 32,767 characters of a cell, so no XLSX cell is overlong.
REFUSED = {
    "csv": (lambda p: _csv(p / "l.csv", _rows(long_at=2900, count=3000)), "refused, row 2902,"),
    "xlsx": (_cut_sheet, "(sheet 'Sheet' is damaged after row 122)"),
    "jsonl (too long)": (lambda p: _jsonl(p / "l.jsonl", _rows(long_at=120)), "line 122,"),
    "jsonl (too deep)": (lambda p: _jsonl(p / "l.jsonl", _rows(), deep_at=120), "line 122 "),
}


def _batches_before_refusal(path) -> int:
    """How many batches the reading gives before it refuses the file."""
    read = 0
    with pytest.raises(ResqueError):
        for _ in readers.open_table(path, "vacancies").batches:
            read += 1
    return read


@pytest.mark.parametrize("case", REFUSED)
def test_a_refusal_in_a_later_batch_leaves_the_warehouse_as_it_was(
    tmp_path, db, resque, monkeypatch, case
):
    resque(
        "--db", db, "import", "vacancies", write_list(tmp_path / "a.csv", LIST_A), "--source", "s"
    )
    before = dump_tables(db)
    runs_before = query(db, "select count(*) from runs")[0][0]
    write, placed = REFUSED[case]
    path = write(tmp_path / "l.xlsx") if case == "xlsx" else write(tmp_path)
    _small_batches(monkeypatch)
    if case == "csv":
        monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", 256 << 10)
    # CSV and XLSX refuse while a batch is staged already; JSON Lines in its first pass
    assert _batches_before_refusal(path) == {"csv": 1, "xlsx": 2}.get(case, 0)
    result = resque("--db", db, "import", "vacancies", path, "--source", "s", "--full")
    assert result.code == 1
    assert result.err.startswith(f"resque: error: {path}: ")
    assert result.err.count("\n") == 1 and placed in result.err
    assert dump_tables(db) == before
    assert query(db, "select count(*) from runs")[0][0] == runs_before + 1
    assert query(db, "select status from runs order by run_id desc limit 1") == [("failed",)]

"""A small warehouse for the partners' circulating list (issue 16), built from two CSV files.

The job fair's three openings (an umlaut-rich one, one whose title is a formula, one starting
'ab sofort') and one of the employer service, imported through the CLI: a second or so.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from resque import cli

FAIR = "jobmesse_leipzig_2026"
FAIR_CSV = (
    "Referenznummer;Stellentitel;Arbeitgeber;PLZ;Arbeitsort;Eintrittsdatum;Arbeitszeit;"
    "Anzahl Stellen\n"
    "M-1;Bäcker*in (m/w/d);Bäckerei Größe & Söhne GmbH;04103;Leipzig;01.08.2027;Vollzeit;2\n"
    'M-2;=HYPERLINK("http://evil.example","klick");Übel AG;04109;Leipzig;;Teilzeit;\n'
    "M-3;Lagerhelfer*in;Lager Nord GmbH;04425;Taucha;ab sofort;Schicht;1\n"
)
SERVICE_CSV = (
    "Referenznummer;Stellentitel;Arbeitgeber;PLZ;Arbeitsort\n"
    "A-1;Koch/Köchin;Gasthaus Zur Linde;04275;Leipzig\n"
)
FORMULA_TITLE = '=HYPERLINK("http://evil.example","klick")'


def build_warehouse(folder: Path) -> Path:
    """The warehouse with the fair's and the employer service's openings."""
    db = folder / "list.duckdb"
    for name, text, source in (
        ("messe.csv", FAIR_CSV, FAIR),
        ("ags.csv", SERVICE_CSV, "arbeitgeberservice"),
    ):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        assert (
            cli.main(["--db", str(db), "import", "vacancies", str(path), "--source", source]) == 0
        )
    return db


def export_list(resque, db: Path, out: Path, *extra: str) -> list[Path]:
    """`resque export vacancies` into `out`; the files it printed."""
    result = resque("--db", db, "export", "vacancies", "--out", out, *extra)
    assert result.code == 0, result.err
    return [Path(line) for line in result.out.splitlines() if line.startswith(str(out))]


def sheet_rows(path: Path) -> list[dict]:
    """The list sheet's rows as {header: value}."""
    sheet = openpyxl.load_workbook(path)["Stellen"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def fill(path: Path, out: Path, answers: dict[str, dict[str, object]]) -> Path:
    """The partner's copy: `answers` {vacancy id or title: {header: value}} written into the
    list sheet (found by the id in column A, else by the title in column B), saved as `out`."""
    book = openpyxl.load_workbook(path)
    sheet = book["Stellen"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        key = next((k for k in answers if k in (row[0].value, row[1].value)), None)
        for header, value in answers.get(key, {}).items():
            sheet.cell(row[0].row, headers[header]).value = value
    book.save(out)
    return out

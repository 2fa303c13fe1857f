"""The employer-service list prints (issue 14, item 7) and reads in German (item 5).

The default suite checks the workbook's print settings with openpyxl; the slow test has
LibreOffice render it to PDF and finds every column header on the first page.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from resque import cli
from resque.reports.employer_service import HEADERS, WIDTH_LIMITS
from tests.conftest import query

MONTH = "2026-12"
SOURCE_SLUG = re.compile(r"\b(ba_jobsuche|ihk_lehrstellen|hwk_lehrstellen|jobposting_jsonld)\b")


@pytest.fixture(scope="module")
def exported(matched_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled samples' list: matched, approved and exported once for this module."""
    folder = tmp_path_factory.mktemp("printed")
    db = Path(shutil.copy(matched_db, folder / "w.duckdb"))
    run = query(db, "select max(run_id) from runs where kind = 'match'")[0][0]
    assert cli.main(["--db", str(db), "approve", str(run), "--by", "coach"]) == 0
    out = folder / "out"
    assert cli.main(["--db", str(db), "export", "employer-service", "--out", str(out),
                     "--month", MONTH]) == 0  # fmt: skip
    return next(out.glob("*.xlsx")), next(out.glob("*.csv"))


def test_the_sheet_is_set_up_for_a4_landscape_fit_to_width(exported):
    sheet = openpyxl.load_workbook(exported[0])["Vorschläge"]
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$1"


def test_text_wraps_rows_are_high_enough_and_widths_are_bounded(exported):
    sheet = openpyxl.load_workbook(exported[0])["Vorschläge"]
    columns = list(HEADERS)
    widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
              for i in range(1, len(columns) + 1)]  # fmt: skip
    assert all(8 <= w <= max(WIDTH_LIMITS[c], 8) + 2 for w, c in zip(widths, columns, strict=True))
    # A4 landscape holds about 150 units at 100 %: fitted to its width, text stays at 75 % or more
    assert sum(widths) <= 200
    reasons = columns.index("reasons") + 1
    tall = 0
    for row in sheet.iter_rows(min_row=2):
        text = row[reasons - 1].value or ""
        assert row[reasons - 1].alignment.wrap_text and row[1].alignment.wrap_text
        height = sheet.row_dimensions[row[0].row].height
        assert height is not None and height >= 15
        # a reason longer than its column is wide gets more than one line of height
        if len(text) > 1.5 * widths[reasons - 1]:
            assert height >= 30
            tall += 1
    assert tall > 0
    # every header word fits its column: nothing is clipped
    for column, width in zip(columns, widths, strict=True):
        assert max(len(word) for word in HEADERS[column].split()) <= width


def test_the_list_reads_in_german_with_source_names(exported):
    xlsx, csv_file = exported
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    reasons = [r[10] for r in rows[1:]]
    sources = [r[5] for r in rows[1:]]
    assert reasons and all(reasons)
    assert not any("wish " in r or "related to" in r or "radius" in r for r in reasons)
    assert any(r.startswith("Wunschberuf ") and " · " in r for r in reasons)
    assert all(re.search(r"\d,\d km \(Umkreis", r) or "Entfernung unbekannt" in r for r in reasons)
    assert not any(SOURCE_SLUG.search(s) for s in sources)
    assert any("Jobsuche der Bundesagentur für Arbeit" in s for s in sources)
    # the bundled config names the fair's list itself (display_name)
    assert any("Jobmesse Leipzig 2026 (Liste der Veranstalter)" in s for s in sources)
    sheet = openpyxl.load_workbook(xlsx)["Vorschläge"]
    assert [c.value for c in sheet[2]][10] == reasons[0]


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pypdf if installed, else poppler's pdftotext)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        if not shutil.which("pdftotext"):
            pytest.skip("neither pypdf nor pdftotext (poppler-utils) is installed")
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


@pytest.mark.slow
def test_libreoffice_prints_every_column_on_the_first_page(exported, tmp_path):
    soffice = _soffice()
    if not soffice:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    xlsx, _ = exported
    profile = tmp_path / "lo-profile"  # a private profile: no clash with a running office
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pages = _pdf_pages(tmp_path / (xlsx.stem + ".pdf"))
    rows = openpyxl.load_workbook(xlsx)["Vorschläge"].max_row - 1
    # the list sheet plus one page of the info sheet; fitted to width, a page holds many rows
    assert 2 <= len(pages) <= max(3, rows // 5), len(pages)
    first = " ".join(pages[0].split())
    for header in HEADERS.values():
        for word in header.split():  # a header may wrap inside its cell
            assert word in first, f"{word!r} of {header!r} is not on page 1"
    # the header row repeats on every page of the list
    list_pages = [p for p in pages if "Stellen-ID" in p]
    assert len(list_pages) >= len(pages) - 1

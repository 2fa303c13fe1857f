"""Headers a file borrows from the warehouse: the record's own field names keep their ids.

Issue 13, item 7: a CSV headed `source_ref,title,employer,...` had its `source_ref` ignored,
so every row got a content hash as id and distinct postings collided as duplicates. What
`resque query --csv "select * from postings"` writes must import back with the same ids,
also when saved the German Excel way (BOM, semicolons, decimal commas).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLES, query

SOURCES = {
    "ags": "arbeitgeberservice_2026-11.csv",
    "ihk": "ihk_lehrstellen.jsonl",
    "messe": "jobmesse_leipzig_2026.xlsx",
}


@pytest.fixture
def imported(resque, db: Path) -> Path:
    """A warehouse with the three sample vacancy lists, one source each."""
    for source, name in SOURCES.items():
        result = resque("--db", db, "import", "vacancies", SAMPLES / name, "--source", source)
        assert result.code == 0, result.err
    return db


def exported(resque, db: Path, folder: Path, where: str = "true") -> Path:
    """`resque query --csv` of the postings, saved as a file."""
    result = resque("--db", db, "query", "--live", "--csv", f"select * from postings where {where}")
    assert result.code == 0, result.err
    path = folder / "postings.csv"
    path.write_text(result.out, encoding="utf-8")
    return path


def last_run(db: Path) -> tuple:
    return query(db, "select status, rows_new, rows_updated, rows_rejected from runs "
                     "order by run_id desc limit 1")[0]  # fmt: skip


def refs(db: Path, source: str) -> list[str]:
    return sorted(r[0] for r in query(db, "select source_ref from postings where source = ?",
                                      [source]))  # fmt: skip


def test_query_csv_of_every_posting_imports_as_a_new_source_with_the_same_ids(
    resque, imported, tmp_path
):
    path = exported(resque, imported, tmp_path)
    result = resque("--db", imported, "import", "vacancies", path, "--source", "again")
    assert result.code == 0, result.err
    assert last_run(imported) == ("succeeded", 417, 0, 0)
    originals = sorted(r[0] for r in query(imported, "select source_ref from postings "
                                                     "where source <> 'again'"))  # fmt: skip
    assert refs(imported, "again") == originals


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_query_csv_of_a_source_reimports_onto_the_same_postings(resque, imported, tmp_path, source):
    before = query(imported, "select posting_id, content_hash from postings order by 1")
    path = exported(resque, imported, tmp_path, f"source = '{source}'")
    result = resque("--db", imported, "import", "vacancies", path, "--source", source)
    assert result.code == 0, result.err
    assert last_run(imported) == ("succeeded", 0, 0, 0)
    assert query(imported, "select posting_id, content_hash from postings order by 1") == before


def test_german_excel_csv_of_the_postings_imports_with_the_same_ids(resque, imported, tmp_path):
    frame = pd.read_csv(exported(resque, imported, tmp_path), dtype=str, keep_default_na=False)
    for column in ("lat", "lon"):
        frame[column] = frame[column].str.replace(".", ",", regex=False)
    path = tmp_path / "excel.csv"
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfposting_id;source;source_ref;")
    result = resque("--db", imported, "import", "vacancies", path, "--source", "excel")
    assert result.code == 0, result.err
    assert last_run(imported)[3] == 0
    rows = "select source_ref, lat, lon, start_date, is_immediate_start from postings where "
    copied = query(imported, rows + "source = 'excel' order by 1")
    assert copied == query(imported, rows + "source in ('ags', 'ihk', 'messe') order by 1")


def import_text(resque, db: Path, path: Path, text: str, *command: str) -> None:
    """Write `text` to `path` and import it with `resque import COMMAND...`; it must succeed."""
    path.write_text(text, encoding="utf-8")
    result = resque("--db", db, "import", command[0], path, *command[1:])
    assert result.code == 0, result.err


def test_record_field_names_as_headers_keep_the_source_ids(resque, db, tmp_path):
    own_names = (
        "source_ref,title,employer,postcode,city,posted_at\n"
        "A-1,Lagerhelfer (m/w/d),Elster Logistik GmbH,04435,Schkeuditz,2026-11-02\n"
        "A-2,Lagerhelfer (m/w/d),Elster Logistik GmbH,04435,Schkeuditz,2026-11-09\n"
    )
    import_text(resque, db, tmp_path / "own.csv", own_names, "vacancies", "--source", "own")
    assert refs(db, "own") == ["A-1", "A-2"]  # not content hashes, and no "duplicate of row 2"
    assert last_run(db)[3] == 0


def test_participant_file_with_english_headers_is_read_whole(resque, db, tmp_path):
    english = (
        "participant_id,desired_occupations,zip,town,mobility_km,available_from\n"
        "TN-1,Fachkraft Lagerlogistik,04109,Leipzig,25,2026-12-01\n"
    )
    import_text(resque, db, tmp_path / "participants.csv", english, "participants")
    assert query(db, "select postcode, city, radius_km, available_from::varchar "
                     "from participants") == [("04109", "Leipzig", 25.0, "2026-12-01")]  # fmt: skip

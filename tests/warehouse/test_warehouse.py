"""The warehouse's contracts, dbt style: every key unique and not null, every reference resolves.

Checked on the warehouse `resque run` builds from the bundled samples.
"""

from __future__ import annotations

import pytest

from resque.warehouse.db import _migration_files, applied_versions, connect, migrate
from tests.conftest import query

UNIQUE_KEYS = {
    "postings": "posting_id",
    "postings ": "source, source_ref",
    "vacancies": "vacancy_id",
    "employers": "employer_id",
    "employers ": "source, source_ref",
    "runs": "run_id",
    "raw_records": "source, source_ref, payload_hash",
    "participants": "participant_id",
    "pseudonym_keys": "fingerprint",
}
REFERENCES = [
    ("postings", "vacancy_id", "vacancies", "vacancy_id"),
    ("postings", "first_run_id", "runs", "run_id"),
    ("postings", "last_run_id", "runs", "run_id"),
    ("employers", "last_run_id", "runs", "run_id"),
    ("raw_records", "run_id", "runs", "run_id"),
    ("rejects", "run_id", "runs", "run_id"),
    ("matches", "participant_id", "participants", "participant_id"),
    ("pseudonym_keys", "first_run_id", "runs", "run_id"),
]


@pytest.mark.parametrize(
    "table", UNIQUE_KEYS, ids=[f"{t.strip()}({k})" for t, k in UNIQUE_KEYS.items()]
)
def test_keys_are_unique_and_not_null(filled_db, table):
    key = UNIQUE_KEYS[table]
    name = table.strip()
    nulls = " or ".join(f"{column.strip()} is null" for column in key.split(","))
    assert query(filled_db, f"select count(*) from {name} where {nulls}") == [(0,)]
    assert query(filled_db, f"select count(*) - count(distinct ({key})) from {name}") == [(0,)]
    assert query(filled_db, f"select count(*) from {name}")[0][0] > 0


@pytest.mark.parametrize(
    ("table", "column", "target", "key"),
    REFERENCES,
    ids=[f"{t}.{c}->{g}" for t, c, g, _ in REFERENCES],
)
def test_references_resolve(filled_db, table, column, target, key):
    orphans = query(
        filled_db,
        f"select count(*) from {table} as a anti join {target} as b on a.{column} = b.{key}",
    )
    assert orphans == [(0,)]


def test_vacancy_counts_match_their_postings(filled_db):
    assert query(
        filled_db,
        """
        select count(*) from vacancies as v
        join (select vacancy_id, count(*) as n from postings group by 1) as p using (vacancy_id)
        where v.n_postings <> p.n""",
    ) == [(0,)]


def test_vacancies_equal_their_summary_after_imports(sample_db, tmp_path, resque):
    """An import refreshes only the vacancies it touched, copying one-posting vacancies
    directly: the result must still be the full rebuild (vacancy_summary), row for row."""
    source, ref, title = query(
        sample_db,
        """
        select p.source, p.source_ref, p.title from postings as p
        join vacancies as v using (vacancy_id)
        where v.n_postings > 1 and p.source <> 'jobmesse_leipzig_2026'
        order by p.posting_id limit 1""",
    )[0]  # a posting dedup merged with another: its vacancy is summarised, not copied
    header = "Referenznummer;Stellentitel;Arbeitgeber;PLZ;Arbeitsort;Branche"
    merged = tmp_path / "merged.csv"
    merged.write_text(f"{header}\n{ref};{title} - neu;Firma A;04109;Leipzig;\n", "utf-8")
    first = tmp_path / "first.csv"
    first.write_text(
        f"{header}\nN1;Koch (m/w/d);Firma B;04416;Markkleeberg;Gastgewerbe\n"
        "N2;Lagerhelfer;Firma C;04109;Leipzig;\nN3;Maler;Firma D;04425;Taucha;Handwerk\n",
        "utf-8",
    )
    second = tmp_path / "second.csv"  # N1 changed, N2 unchanged, N3 gone
    second.write_text(
        f"{header}\nN1;Koch/Köchin (m/w/d);Firma B;04416;Markkleeberg;Gastgewerbe\n"
        "N2;Lagerhelfer;Firma C;04109;Leipzig;\n",
        "utf-8",
    )
    imports = [
        (merged, source, []),
        (first, "neu", []),
        (second, "neu", ["--full", "--allow-shrink"]),
        (second, "neu", ["--full"]),
    ]
    for path, name, extra in imports:
        result = resque("--db", sample_db, "import", "vacancies", path, "--source", name, *extra)
        assert result.code == 0, result.err
    everything = "select * from {} order by vacancy_id"
    assert query(sample_db, everything.format("vacancies")) == query(
        sample_db, everything.format("vacancy_summary")
    )
    touched = query(
        sample_db,
        "select v.n_postings > 1, v.title, v.is_active from vacancies as v "
        "join postings as p using (vacancy_id) "
        "where (p.source, p.source_ref) in ((?, ?), ('neu', 'N3')) order by p.source_ref",
        [source, ref],
    )
    assert touched == [(True, f"{title} - neu", True), (False, "Maler", False)]


def test_postcodes_are_five_digit_text(filled_db):
    assert query(
        filled_db, "select count(*) from postings where not regexp_full_match(postcode, '[0-9]{5}')"
    ) == [(0,)]


def test_migrations_apply_once_in_order(tmp_path):
    con = connect(tmp_path / "m.duckdb")
    try:
        applied = migrate(con)
        assert applied == [name for _, name, _ in _migration_files()]
        assert migrate(con) == []
        assert applied_versions(con) == {version for version, _, _ in _migration_files()}
    finally:
        con.close()


def test_a_migration_that_deletes_personal_data_rewrites_the_file(tmp_path, monkeypatch):
    """Like 0006 (source ids): deleted rows must not stay readable in freed blocks."""
    from resque.warehouse import db as warehouse_db

    path = tmp_path / "w.duckdb"
    bundled = _migration_files()
    store = (900, "0900_notes.sql", "create table notes (text varchar);")
    monkeypatch.setattr(warehouse_db, "_migration_files", lambda: [*bundled, store])
    con = warehouse_db.open_warehouse(path)
    con.execute("insert into notes select 'ZQX-SECRET-' || range from range(2000)")
    con.execute("checkpoint")
    con.close()
    assert b"ZQX-SECRET-1999" in path.read_bytes()
    erase = (901, "0901_erase.sql", f"delete from notes;\n{warehouse_db.REWRITE_MARKER}\n")
    monkeypatch.setattr(warehouse_db, "_migration_files", lambda: [*bundled, store, erase])
    con = warehouse_db.open_warehouse(path)
    assert con.execute("select count(*) from notes").fetchall() == [(0,)]
    assert 901 in applied_versions(con)
    con.close()
    assert b"ZQX-SECRET" not in path.read_bytes()

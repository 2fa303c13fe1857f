"""The inbox folder: which source a dropped file belongs to, and where it goes afterwards."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from pipelines.config import load_config
from pipelines.errors import ResqueError
from pipelines.inbox import import_inbox_file, inbox_source, pending_files, source_name_from_file
from tests.conftest import SAMPLES, query
from warehouse.db import open_warehouse


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("Arbeitgeberservice_2026-12.csv", "arbeitgeberservice"),
        ("Liste Bäckerei Müller 01.12.2026.xlsx", "liste_baeckerei_mueller"),
        ("jobmesse_leipzig_2026.xlsx", "jobmesse_leipzig_2026"),  # a configured name as it is
        ("stellen-20261201.jsonl", "stellen"),
    ],
)
def test_source_name_from_the_file_name(name, source):
    assert source_name_from_file(Path(name), ["jobmesse_leipzig_2026"]) == source


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "resque.toml"
    path.write_text(
        '[inbox]\npath = "inbox"\n'
        f'[sources.arbeitgeberservice]\npath = "{SAMPLES / "arbeitgeberservice_2026-11.csv"}"\n'
        'write_mode = "snapshot"\nmap = { "Stellenangebot" = "title" }\n',
        encoding="utf-8",
    )
    (tmp_path / "inbox").mkdir()
    return load_config(path)


def drop(config, source: Path, name: str, age: float = 3600) -> Path:
    target = config.inbox / name
    shutil.copy(source, target)
    os.utime(target, (time.time() - age, time.time() - age))
    return target


def test_a_configured_source_lends_its_settings(config):
    file = drop(
        config, SAMPLES / "arbeitgeberservice_2026-11.csv", "arbeitgeberservice_2026-12.csv"
    )
    source = inbox_source(file, config)
    assert (source.name, source.write_mode, source.path) == ("arbeitgeberservice", "snapshot", file)
    assert source.map == {"Stellenangebot": "title"}


def test_an_unknown_source_only_merges(config):
    file = drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "neue_liste.jsonl")
    source = inbox_source(file, config)
    assert (source.name, source.entity, source.write_mode) == ("neue_liste", "vacancies", "merge")


def test_a_sidecar_names_source_and_settings(config):
    file = drop(config, SAMPLES / "firmenliste_hwk_ihk.csv", "scan.csv")
    (config.inbox / "scan.csv.toml").write_text(
        'source = "firmen_hwk"\nentity = "employers"\n', encoding="utf-8"
    )
    source = inbox_source(file, config)
    assert (source.name, source.entity) == ("firmen_hwk", "employers")
    (config.inbox / "scan.csv.toml").write_text('quelle = "x"\n', encoding="utf-8")
    with pytest.raises(ResqueError, match="unknown key 'quelle'"):
        inbox_source(file, config)


def test_young_hidden_and_sidecar_files_wait(config):
    drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "alt.jsonl")
    drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "jung.jsonl", age=0)
    drop(config, SAMPLES / "ihk_lehrstellen.jsonl", ".versteckt.jsonl")
    (config.inbox / "alt.jsonl.toml").write_text("", encoding="utf-8")
    assert [p.name for p in pending_files(config.inbox)] == ["alt.jsonl"]


def test_imported_files_move_to_done_and_failed(config, db):
    good = drop(config, SAMPLES / "ihk_lehrstellen.jsonl", "lehrstellen_2026-12.jsonl")
    (config.inbox / "lehrstellen_2026-12.jsonl.toml").write_text(
        'defaults = { employment_type = "apprenticeship" }\n', encoding="utf-8"
    )
    bad = config.inbox / "leer.csv"
    bad.write_text("", encoding="utf-8")
    con = open_warehouse(db)
    try:
        result = import_inbox_file(con, good, config)
        with pytest.raises(ResqueError):
            import_inbox_file(con, bad, config)
    finally:
        con.close()
    assert (result.source, result.counts.rows_loaded) == ("lehrstellen", 60)
    assert not good.exists() and not bad.exists()
    done = sorted(p.name for p in (config.inbox / "done").iterdir())
    assert [n.split("_", 1)[1] for n in done] == [
        "lehrstellen_2026-12.jsonl",
        "lehrstellen_2026-12.jsonl.toml",
    ]
    assert any(p.name.endswith("leer.csv.error.txt") for p in (config.inbox / "failed").iterdir())
    assert query(db, "select distinct employment_type from postings") == [("apprenticeship",)]
    assert ("leer", "failed") in query(db, "select source, status from runs")

"""[sources.NAME] tables: a spider source is understood without `type`, and a key of the other
source type says which type it belongs to (issue 13, item 7: it said "unknown key 'base_url'")."""

from __future__ import annotations

from pathlib import Path

import pytest

from resque.errors import ResqueError
from resque.pipelines.config import load_config


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "resque.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_spider_source_without_type_is_a_spider_source(tmp_path):
    path = config(
        tmp_path,
        '[sources.karriere]\nspider = "jobposting_jsonld"\nbase_url = "https://karriere.example.de/"\n'
        'start_urls = ["https://karriere.example.de/jobs/"]\n',
    )
    source = load_config(path).sources["karriere"]
    assert (source.type, source.spider, source.base_url) == (
        "spider",
        "jobposting_jsonld",
        "https://karriere.example.de/",
    )


def test_file_source_without_type_is_still_a_file_source(tmp_path):
    source = load_config(config(tmp_path, '[sources.ags]\npath = "ags.csv"\n')).sources["ags"]
    assert (source.type, source.path) == ("file", tmp_path / "ags.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[sources.a]\nbase_url = "https://x.example.de/"\n',
            "[sources.a]: key 'base_url' belongs to a spider source, but this is a file "
            "source; a spider source needs type = 'spider' and spider = '...'",
        ),
        (
            '[sources.a]\ntype = "file"\nspider = "ba_jobsuche"\n',
            "[sources.a]: key 'spider' belongs to a spider source",
        ),
        (
            '[sources.a]\nspider = "ba_jobsuche"\npath = "a.csv"\n',
            "[sources.a]: key 'path' belongs to a file source, but this is a spider source; "
            "a file source needs type = 'file'",
        ),
    ],
)
def test_key_of_the_other_source_type_says_which_type_it_needs(tmp_path, text, expected):
    with pytest.raises(ResqueError) as raised:
        load_config(config(tmp_path, text))
    assert expected in str(raised.value)
    assert "unknown key" not in str(raised.value)


def test_cli_names_the_missing_type_in_one_line(tmp_path, resque):
    path = config(tmp_path, '[sources.a]\nbase_url = "https://x.example.de/"\n')
    result = resque("--config", path, "--db", tmp_path / "x.duckdb", "run")
    assert result.code == 1
    assert result.err.startswith("resque: error: ") and result.err.count("\n") == 1
    assert "type = 'spider'" in result.err


def test_a_misspelt_key_is_still_unknown(tmp_path):
    with pytest.raises(ResqueError, match="unknown key 'base_ulr'"):
        load_config(config(tmp_path, '[sources.a]\nspider = "x"\nbase_ulr = "https://x.de/"\n'))

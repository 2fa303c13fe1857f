"""The config model (issue 15): every table refuses a key it does not know, in one line naming
the file, the table and the key; `[match] top` is read; environment beats file beats default."""

from __future__ import annotations

from pathlib import Path

import pytest

from resque.errors import ResqueError
from resque.pipelines.config import DEDUP_REFUSED, load_config
from tests.conftest import query


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "resque.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ResqueError) as raised:
        load_config(path)
    return str(raised.value)


@pytest.mark.parametrize(
    ("text", "where", "key"),
    [
        ('[warehouse]\npaht = "x.duckdb"\n', "[warehouse]", "paht"),
        ("[import]\nmax_shrnk = 0.3\n", "[import]", "max_shrnk"),
        ('[sources.a]\ntype = "file"\npth = "a.csv"\n', "[sources.a]", "pth"),
        ('[sources.b]\nspider = "ba_jobsuche"\nstart_url = ["x"]\n', "[sources.b]", "start_url"),
        ('[schedule]\nnighty = "0 2 * * *"\n', "[schedule]", "nighty"),
        ("[match]\ntopp = 5\n", "[match]", "topp"),
        ('[export]\nrecipient = "x"\n', "[export]", "recipient"),
        ('[inbox]\nfolder = "x"\n', "[inbox]", "folder"),
        ("[privacy]\nretention = 18\n", "[privacy]", "retention"),
        ("[bogus]\nx = 1\n", "top level", "bogus"),
        ("thing = 1\n", "top level", "thing"),
    ],
)
def test_a_misspelt_key_in_any_table_is_refused_in_one_line(tmp_path, text, where, key):
    path = write(tmp_path, text)
    message = refusal(path)
    assert message.startswith(f"{path}: {where}: unknown key {key!r} (known: ")
    assert "\n" not in message


def test_dedup_is_refused_with_the_reason(tmp_path):
    path = write(tmp_path, "[dedup]\nthreshold = 0.7\n")
    assert refusal(path) == f"{path}: {DEDUP_REFUSED}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[match]\ntop = 0\n", "[match]: top must be a whole number >= 1"),
        ('[match]\ntop = "many"\n', "[match]: top must be a whole number >= 1"),
        ("[match]\ntop = true\n", "[match]: top must be a whole number >= 1"),
        ("match = 3\n", "[match] must be a table"),
        ("[sources.a]\nmap = { Titel = 1 }\n", "[sources.a]: map.Titel: "),
        ('[export]\npath = ""\n', "[export]: path must be a folder name"),
    ],
)
def test_a_wrong_value_is_one_line_not_a_traceback(tmp_path, text, expected):
    path = write(tmp_path, text)
    message = refusal(path)
    assert message.startswith(f"{path}: {expected}") and "\n" not in message


def test_the_cli_prints_a_config_mistake_as_one_line(tmp_path, resque):
    path = write(tmp_path, "[match]\ntopp = 5\n")
    result = resque("--config", path, "--db", tmp_path / "x.duckdb", "match")
    assert result.code == 1 and result.err.count("\n") == 1
    assert result.err.startswith(f"resque: error: {path}: [match]: unknown key 'topp'")


def test_environment_beats_the_file_beats_the_default(tmp_path, monkeypatch):
    assert load_config(write(tmp_path, "")).match_top == 10
    path = write(
        tmp_path,
        '[match]\ntop = 7\n[import]\nmax_shrink = 0.4\n[schedule]\nnightly = "0 3 * * *"\n',
    )
    assert load_config(path).match_top == 7
    monkeypatch.setenv("RESQUE_MATCH__TOP", "5")
    monkeypatch.setenv("RESQUE_IMPORT__MAX_SHRINK", "0.6")  # `import` is a Python keyword
    monkeypatch.setenv("RESQUE_SCHEDULE__TIMEZONE", "UTC")
    config = load_config(path)
    assert (config.match_top, config.max_shrink) == (5, 0.6)
    # a variable replaces one key: the rest of the table still comes from the file
    assert (config.schedule.timezone, config.schedule.nightly) == ("UTC", "0 3 * * *")


def test_a_wrong_value_from_the_environment_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("RESQUE_MATCH__TOP", "lots")
    message = refusal(write(tmp_path, ""))
    assert message == "$RESQUE_MATCH__TOP: [match]: top must be a whole number >= 1"


def last_match(db: Path) -> tuple[int, int]:
    """The newest match run's `top` and the deepest rank it stored."""
    return query(
        db,
        "select (details->>'top')::int, (select max(rank) from matches m where m.run_id = r.run_id)"
        " from runs r where kind = 'match' order by run_id desc limit 1",
    )[0]


def test_match_top_in_the_config_is_what_resque_match_keeps(
    sample_db, tmp_path, resque, monkeypatch
):
    path = write(tmp_path, "[match]\ntop = 1\n")
    assert resque("--config", path, "--db", sample_db, "match").code == 0
    assert last_match(sample_db) == (1, 1)
    monkeypatch.setenv("RESQUE_MATCH__TOP", "2")  # the environment beats the file
    assert resque("--config", path, "--db", sample_db, "match").code == 0
    assert last_match(sample_db) == (2, 2)
    # the flag beats both
    assert resque("--config", path, "--db", sample_db, "match", "--top", "3").code == 0
    assert last_match(sample_db) == (3, 3)

"""No value that comes from data can steer a read or write outside its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from resque.errors import ResqueError
from resque.pipelines.config import load_config
from resque.pipelines.inbox import inbox_source, source_name_from_file
from resque.pipelines.steps import check_source_name
from resque.warehouse.export import month_bounds


@pytest.mark.parametrize("name", ["../etc", "a/b", "..", "", ".hidden", "x" * 65, "a\\b", "a b"])
def test_source_names_cannot_hold_paths(name):
    with pytest.raises(ResqueError, match="source name"):
        check_source_name(name)


@pytest.mark.parametrize("stem", ["../../etc/passwd", "..", "a/../b", "Liste März 2026-12"])
def test_inbox_file_names_become_plain_source_names(stem):
    name = source_name_from_file(Path(stem + ".csv"))
    assert "/" not in name and not name.startswith(".")
    check_source_name(name)


def test_inbox_sidecar_cannot_name_a_path_as_source(tmp_path):
    file = tmp_path / "liste.csv"
    file.write_text("Titel\nKoch\n", encoding="utf-8")
    (tmp_path / "liste.csv.toml").write_text('source = "../../elsewhere"\n', encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text("", encoding="utf-8")
    with pytest.raises(ResqueError, match="source name '../../elsewhere'"):
        inbox_source(file, load_config(config))


@pytest.mark.parametrize("month", ["../../tmp/x", "2026-12/..", "2026-13", "12-2026", ""])
def test_export_month_must_be_a_month(month):
    with pytest.raises(ResqueError, match="month must be YYYY-MM"):
        month_bounds(month)

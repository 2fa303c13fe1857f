"""One installed package, `resque` (issue 15): no generic top-level module comes back."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.conftest import ROOT  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# the repository's folders and modules, installed as resque.<name>
GENERIC = ("cli", "flows", "pipelines", "spiders", "matching", "warehouse", "reports", "samples")


def test_setuptools_installs_only_the_resque_package():
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"resque": "."}
    assert "py-modules" not in setuptools
    assert setuptools["packages"][0] == "resque"
    assert all(name.startswith("resque.") for name in setuptools["packages"][1:])
    assert all(name.startswith("resque.") for name in setuptools["package-data"])
    assert PYPROJECT["project"]["scripts"] == {"resque": "resque.cli:main"}


def test_no_file_imports_a_generic_top_level_module():
    pattern = re.compile(rf"^\s*(from|import) ({'|'.join(GENERIC)})\b", re.M)
    files = [
        path
        for folder in (ROOT, *(ROOT / name for name in (*GENERIC, "tests", "benchmarks")))
        for path in (folder.glob("*.py") if folder == ROOT else folder.rglob("*.py"))
    ]
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in files
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# the installed packages with modules of their own (samples holds scripts and data)
PACKAGES = [
    name for name in PYPROJECT["tool"]["setuptools"]["packages"][1:] if name != "resque.samples"
]
CHECK = f"""
import importlib, pkgutil, sys
import resque.cli, resque.flows
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object
from resque.spiders.settings import base_settings

for package in {PACKAGES!r}:
    importlib.import_module(package)
    modules = pkgutil.walk_packages(sys.modules[package].__path__, package + ".")
    for info in modules:
        importlib.import_module(info.name)
settings = Settings(base_settings())
assert SpiderLoader.from_settings(settings).list(), "no spider found"
named = settings["SPIDERMON_SPIDER_CLOSE_MONITORS"]
for path in [*settings.getdict("DOWNLOADER_MIDDLEWARES"), *named]:
    load_object(path)
generic = sorted(name for name in sys.modules if name.split(".")[0] in {GENERIC!r})
assert not generic, generic
"""


def test_every_module_and_every_named_object_loads_from_another_folder(tmp_path):
    # run outside the checkout, where `import spiders` and the like would find nothing:
    # a module, a Scrapy setting or a spider that still names one fails here
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr

"""The crawl contract: what every spider's crawl must give, one real crawl per spider.

Each spider crawls its saved site (tests/spiders/saved_sites.py) once, through `resque
crawl`: the spider in its own process on 127.0.0.1, Spidermon's checks at its close, the
items loaded through the store stages. The items the crawl process wrote are kept (the
process runner is wrapped, not replaced) so the contract can check them as they left the
spider, and the warehouse as they arrived. The per-spider files test their pages field by
field without a crawl; their further crawls (faults, changed layouts) are in the slow step.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

import resque.spiders
from resque.pipelines import crawl as crawl_module
from resque.pipelines import stages
from resque.pipelines.crawl import items_to_batch
from resque.pipelines.record import RECORD_TYPES
from tests.conftest import query
from tests.spiders.conftest import crawl_runs
from tests.spiders.saved_sites import EMAIL_OR_PHONE, SAVED_SITES, SavedSite

TABLES = {"vacancies": "postings", "employers": "employers"}


def test_every_spider_has_a_saved_site():
    """A new spider joins the contract: its module needs an entry in SAVED_SITES."""
    spiders = Path(resque.spiders.__file__).parent
    helpers = {"__init__", "base", "middlewares", "monitors", "process", "settings"}
    modules = {p.stem for p in spiders.glob("*.py")} - helpers
    assert modules == {s.spider for s in SAVED_SITES}


@pytest.fixture
def crawl_outputs(monkeypatch) -> list[crawl_module.CrawlOutput]:
    """What each crawl process left behind (items, stats), as the loader read it."""
    outputs = []
    real = crawl_module.run_spider_process

    def recorded(spec, *args, **kwargs):
        outputs.append(real(spec, *args, **kwargs))
        return outputs[-1]

    monkeypatch.setattr(crawl_module, "run_spider_process", recorded)
    return outputs


@pytest.mark.parametrize("saved", SAVED_SITES, ids=lambda s: s.spider)
def test_crawl_of_the_saved_site(saved: SavedSite, site, crawl, crawl_outputs, tmp_path):
    saved.serve(site)
    result = crawl(saved.spider, saved.source(site))
    assert result.code == 0, result.err
    (output,) = crawl_outputs
    items = output.items

    # Spidermon ran its checks at the spider's close, and none failed
    assert output.stats["resque/monitors_run"] > 0
    assert output.stats["resque/failed_monitors"] == []
    assert output.stats["finish_reason"] == "finished"

    # every record of the saved site, once, each with its source and its id there
    assert len(items) == saved.items
    assert {item["source"] for item in items} == {saved.spider}
    refs = [item["source_ref"] for item in items]
    assert all(isinstance(ref, str) and ref.strip() for ref in refs)
    assert len(set(refs)) == len(refs)

    # the items are the entity's record, field for field, and the store stages accept them
    record = RECORD_TYPES[saved.entity]
    assert {key for item in items for key in item} <= {f.name for f in fields(record)}
    records, _ = items_to_batch(items, saved.spider, saved.entity)
    frame = stages.validate(stages.normalise(records, saved.entity), saved.entity)
    assert frame[stages.REJECT].isna().all(), frame[stages.REJECT].dropna().tolist()

    # nothing that identifies a person, in any field or in the raw data kept for lineage
    for item in items:
        text = json.dumps(item, ensure_ascii=False)
        assert not EMAIL_OR_PHONE.search(text), (item["source_ref"], EMAIL_OR_PHONE.search(text))
        assert not [word for word in saved.personal if word in text], item["source_ref"]

    # the warehouse: one succeeded crawl run with no failed monitor, every record active
    db = tmp_path / "crawl.duckdb"
    (run,) = crawl_runs(db)
    assert (run["status"], run["rows_in"], run["rows_new"]) == ("succeeded", len(items), len(items))
    assert run["details"]["failed_monitors"] == [] and run["details"]["items"] == len(items)
    table = TABLES[saved.entity]
    stored = query(db, f"select source, source_ref from {table} where is_active")
    assert sorted(stored) == sorted((saved.spider, ref) for ref in refs)
    assert query(db, "select count(*) from rejects") == [(0,)]

"""One crawl in its own OS process: `python -m spiders.crawl SPEC.json`.

The Twisted reactor cannot be restarted inside one process, so the parent
(pipelines/crawl.py) starts this module once per crawl. It writes the items as JSON Lines
through Scrapy's feed exports and the crawl's stats as JSON, and never touches the
warehouse: the parent loads the items through the same store stage as file imports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from resque.spiders.settings import base_settings


def crawl_settings(spec: dict[str, Any]) -> Settings:
    """Base settings, then the source's own, then what this run needs (feed, monitors)."""
    settings = Settings(base_settings())
    settings.setdict(spec.get("settings", {}), priority="project")
    out = Path(spec["out_dir"])
    settings.set(
        "FEEDS",
        {str(out / "items.jsonl"): {"format": "jsonlines", "encoding": "utf8"}},
        priority="cmdline",
    )
    settings.set("SPIDERMON_MIN_ITEMS", int(spec.get("min_items", 1)), priority="cmdline")
    settings.set("LOG_FILE", str(out / "crawl.log"), priority="cmdline")
    return settings


def run(spec: dict[str, Any]) -> int:
    """Run the spider the spec names; write stats.json; 0 when the crawl finished."""
    settings = crawl_settings(spec)
    process = CrawlerProcess(settings)  # its root handler writes LOG_FILE
    spider_class = process.spider_loader.load(spec["spider"])
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, **spec.get("args", {}))
    process.start()
    stats = crawler.stats.get_stats()
    out = Path(spec["out_dir"]) / "stats.json"
    out.write_text(json.dumps(stats, default=str, indent=1), encoding="utf-8")
    return 0 if stats.get("finish_reason") == "finished" else 3


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    return run(spec)


if __name__ == "__main__":
    sys.exit(main())

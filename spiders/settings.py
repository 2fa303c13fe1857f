"""Scrapy settings every crawl starts from: polite by default.

Layers, lowest first: these defaults, a source's `[sources.NAME.settings]` table in the
config, then environment variables (RESQUE_USER_AGENT, RESQUE_HTTPCACHE=1 for development).
"""

from __future__ import annotations

import os
from typing import Any

BOT_NAME = "resque"
SPIDER_MODULES = ["resque.spiders"]
NEWSPIDER_MODULE = "resque.spiders"

USER_AGENT = "resque/0.1 (job-placement network vacancy collector; +mailto:resque@example.org)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [403, 408, 429, 500, 502, 503, 504, 522, 524]
HTTPCACHE_ENABLED = False  # development only: RESQUE_HTTPCACHE=1
HTTPCACHE_DIR = "httpcache"
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    # above RetryMiddleware (550): sees a 429/503 and its Retry-After before the retry is made
    "resque.spiders.middlewares.RetryAfterMiddleware": 560,
}
EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
}
SPIDERMON_ENABLED = True
# pipelines/crawl.py computes field coverage over the items itself; Spidermon's own walks
# into every nested raw dict and costs a third of a small crawl.
SPIDERMON_ADD_FIELD_COVERAGE = False
SPIDERMON_SPIDER_CLOSE_MONITORS = ("resque.spiders.monitors.CrawlHealthSuite",)
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished"]
SPIDERMON_MIN_ITEMS = 1
SPIDERMON_MAX_ERRORS = 0


def base_settings() -> dict[str, Any]:
    """This module's settings as a dict, with environment overrides applied."""
    settings = {name: value for name, value in globals().items() if name.isupper()}
    if os.environ.get("RESQUE_USER_AGENT"):
        settings["USER_AGENT"] = os.environ["RESQUE_USER_AGENT"]
    if os.environ.get("RESQUE_HTTPCACHE") == "1":
        settings["HTTPCACHE_ENABLED"] = True
    return settings

"""Crawl health with Spidermon: checks at spider close, results kept in the crawl's stats.

The parent process sets SPIDERMON_MIN_ITEMS from the source's last successful crawl, so a
crawl that suddenly returns far fewer items (a changed site) fails the item-count monitor
and the load is marked degraded.
"""

from __future__ import annotations

from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import (
    BaseScrapyMonitor,
    ErrorCountMonitor,
    FinishReasonMonitor,
    ItemCountMonitor,
)
from spidermon.core.actions import Action

from resque.errors import RESULTS_MISSING, RESULTS_MISSING_REASON


@monitors.name("Results Missing Monitor")
class ResultsMissingMonitor(BaseScrapyMonitor):
    """No answer or first page lost its results (SourceSpider.results_missing)."""

    @monitors.name("test_results_arrived")
    def test_results_arrived(self) -> None:
        reason = self.stats.get(RESULTS_MISSING_REASON, "")
        self.assertFalse(self.stats.get(RESULTS_MISSING, 0), msg=reason)


class RecordMonitorResults(Action):
    """Write the names of failed monitors into the crawl stats for the parent to read."""

    def run_action(self) -> None:
        failed = [str(r.monitor.name) for r in self.result.monitors_failed_results]
        self.data.crawler.stats.set_value("resque/failed_monitors", failed)
        self.data.crawler.stats.set_value("resque/monitors_run", self.result.testsRun)


class CrawlHealthSuite(MonitorSuite):
    """Enough items, a normal finish, no errors in the log, no answer without its results."""

    monitors = [ItemCountMonitor, FinishReasonMonitor, ErrorCountMonitor, ResultsMissingMonitor]
    monitors_finished_actions = [RecordMonitorResults]

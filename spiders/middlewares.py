"""Downloader middleware: wait as long as the server asks before a retry."""

from __future__ import annotations

import email.utils
import logging
import time

from scrapy import Request
from scrapy.http import Response

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = 300.0


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), capped; None if absent."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, min(when - (now if now is not None else time.time()), MAX_RETRY_AFTER))


class RetryAfterMiddleware:
    """On 429 or 503 with Retry-After, slow the slot down so the retry comes after that time."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if response.status in (429, 503):
            delay = retry_after_seconds(response.headers.get(b"Retry-After"))
            if delay is not None:
                self._delay_slot(request, delay)
                self.crawler.stats.inc_value("resque/retry_after_honoured")
                log.info("%s asked to wait %.0f s (Retry-After)", response.url, delay)
        return response

    def _delay_slot(self, request: Request, delay: float) -> None:
        """Push the download slot's delay up to what the server asked for."""
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)

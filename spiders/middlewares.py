"""Downloader middleware: wait as long as the server asks before a retry."""

from __future__ import annotations

import email.utils
import logging
import time

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.asyncio import sleep

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
        # slot key -> monotonic time before which the server asked us not to come back
        self.not_before: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request: Request, spider=None) -> None:
        """Hold a request to a server that asked for a pause until the pause is over.

        The slot delay alone does not guarantee it: Scrapy randomises it by +-50% and
        counts it from the previous request, not from the 429 answer.
        """
        wait = self.not_before.get(self._slot_key(request), 0.0) - time.monotonic()
        if wait > 0:
            await sleep(wait)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if response.status in (429, 503):
            delay = retry_after_seconds(response.headers.get(b"Retry-After"))
            if delay is not None:
                key = self._slot_key(request)
                until = time.monotonic() + delay
                self.not_before[key] = max(self.not_before.get(key, 0.0), until)
                self._delay_slot(request, delay)
                self.crawler.stats.inc_value("resque/retry_after_honoured")
                log.info("%s asked to wait %.0f s (Retry-After)", response.url, delay)
        return response

    def _slot_key(self, request: Request) -> str:
        """The download slot (normally the host) a request goes through."""
        downloader = self.crawler.engine.downloader
        return request.meta.get("download_slot") or downloader.get_slot_key(request)

    def _delay_slot(self, request: Request, delay: float) -> None:
        """Push the download slot's delay up to what the server asked for."""
        slot = self.crawler.engine.downloader.slots.get(self._slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, delay)

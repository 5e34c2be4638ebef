"""Login rate limit: a sliding window per client address and per token, in this process.

In memory on purpose: the service runs as one process (`serve`); several workers would each
keep their own window, which multiplies the allowance by the number of workers.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque


class SlidingWindow:
    """At most `limit` attempts per key in any `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, *keys: str, now: float | None = None) -> int:
        """Record an attempt under every key; 0 if allowed, else whole seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            waits = [self._wait(key, now) for key in keys]
            if max(waits, default=0) > 0:
                return max(waits)
            for key in keys:
                self._hits.setdefault(key, deque()).append(now)
            return 0

    def _wait(self, key: str, now: float) -> int:
        hits = self._hits.get(key)
        if hits is None:
            return 0
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]  # so the table does not grow with every address ever seen
            return 0
        if len(hits) < self.limit:
            return 0
        return max(1, math.ceil(hits[0] + self.window - now))


def login_keys(client: str | None, token: str) -> tuple[str, str]:
    """The keys one login attempt counts against: the address and the (hashed) token."""
    return f"ip:{client or '?'}", "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]

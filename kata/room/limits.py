"""Rate limits for the room's server: a token bucket per key (a learner, an address)."""

from __future__ import annotations

import time


class Buckets:
    """A token bucket per key: ``capacity`` at once, then ``rate`` per second."""

    def __init__(self, capacity: float, rate: float):
        self.capacity, self.rate, self._state = capacity, rate, {}

    def wait(self, key) -> float:
        """0 if a token is there, else the seconds until one is."""
        now = time.monotonic()
        tokens, then = self._state.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        self._state[key] = (tokens, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key) -> float:
        """Spend a token: 0 if there was one, else the seconds to wait (nothing spent)."""
        wait = self.wait(key)
        if not wait:
            tokens, now = self._state[key]
            self._state[key] = (tokens - 1, now)
        return wait

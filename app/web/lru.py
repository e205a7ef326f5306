"""A small thread-safe LRU of rendered pages, each entry valid for a time and one generation."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ExpiringLru:
    """At most MAX_ENTRIES values, each kept SECONDS at most and only for its GENERATION.

    The generation is whatever the cached value was built from (the course store's counter):
    a value from another generation is a miss, so a course edit is never served stale.
    """

    def __init__(
        self, *, seconds: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.clock = clock  # injectable: tests move time forward instead of sleeping
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, Any, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, generation: Any) -> Any | None:
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now and entry[1] == generation:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[2]
            self.misses += 1
            return None

    def put(self, key: Hashable, generation: Any, value: Any) -> None:
        with self._lock:
            self._entries[key] = (self.clock() + self.seconds, generation, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

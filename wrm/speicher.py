"""A thread-safe LRU store: what a worker keeps between requests (answers, checked logins,
computed figures) is kept in these, each bounded."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from wrm.zaehler import CACHE


class Lru:
    """A thread-safe least-recently-used store of `groesse` entries (0: keeps nothing); with a
    `name`, its hits and misses are counted for `/metrics` (`wrm_cache_total`)."""

    def __init__(self, groesse: int, name: str | None = None) -> None:
        self.groesse = groesse
        self._eintraege: OrderedDict[Any, Any] = OrderedDict()
        self._sperre = threading.Lock()
        self._zaehler = None if name is None else (CACHE.labels(name, "treffer"),
                                                   CACHE.labels(name, "fehlschlag"))

    def holen(self, key: Any) -> Any:
        """The stored value, or None."""
        with self._sperre:
            treffer = self._eintraege.get(key)
            if treffer is not None:
                self._eintraege.move_to_end(key)
        if self._zaehler is not None:
            self._zaehler[treffer is None].inc()
        return treffer

    def __len__(self) -> int:
        return len(self._eintraege)

    def leeren(self) -> None:
        """Forget every entry (`wrm.zwischenspeicher`)."""
        with self._sperre:
            self._eintraege.clear()

    def ablegen(self, key: Any, inhalt: Any) -> None:
        """Keep a value; the least recently used entry goes when full."""
        if self.groesse <= 0:
            return
        with self._sperre:
            self._eintraege[key] = inhalt
            self._eintraege.move_to_end(key)
            while len(self._eintraege) > self.groesse:
                self._eintraege.popitem(last=False)

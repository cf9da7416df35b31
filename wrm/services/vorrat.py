"""Vorrat: where a service keeps what it loaded that does not depend on the day asked for
(a Landkreis' Kommunen, its periods, its agreements with their history), so a caller can
share it."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

#: Called with a key and a loader: returns what the loader returns, from a store or by
#: calling it. The read model passes one that shares across a worker's read-only requests at
#: the same data version (`wrm.services.lesemodell`), a weekly series one for its own days
#: (`merken`); everyone else loads every time (`selbst`).
Vorrat = Callable[[Hashable, Callable[[], Any]], Any]


def selbst(_schluessel: Hashable, laden: Callable[[], Any]) -> Any:
    """No store: load every time."""
    return laden()


def merken() -> Vorrat:
    """A store for one caller that asks for many days in a row (a weekly series): each load
    once. Only while nothing is written in between."""
    gemerkt: dict[Hashable, Any] = {}

    def vorrat(schluessel: Hashable, laden: Callable[[], Any]) -> Any:
        if schluessel not in gemerkt:
            gemerkt[schluessel] = laden()
        return gemerkt[schluessel]

    return vorrat

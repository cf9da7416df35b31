"""Vorrat: where a service keeps what it loaded that does not depend on the day asked for
(a Landkreis' periods, its agreements with their history), so a caller can share it."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

#: Called with a key and a loader: returns what the loader returns, from a store or by
#: calling it. The API passes one that shares across a worker's read-only requests at the
#: same data version (`wrm.api.context`); everyone else loads every time (`selbst`).
Vorrat = Callable[[Hashable, Callable[[], Any]], Any]


def selbst(_schluessel: Hashable, laden: Callable[[], Any]) -> Any:
    """No store: load every time."""
    return laden()

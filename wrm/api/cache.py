"""Response cache for read operations: the figures change a few times a day, read all day.

An entry is keyed by the operation text, its variables and operation name, the caller's role,
Kommune and Landkreis (what the caller may see), and the data version (`Datenstand`) that every
write bumps in its own transaction. A read after a write therefore misses in every worker.
Entries also expire after a minute, because "veraltet" and today's date move with the clock.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql.language import OperationDefinitionNode

from graphql import GraphQLError, OperationType, parse
from wrm.models import Benutzer

#: Longest time an entry is served, in seconds, even without a write.
LEBENSDAUER_S = 60


@lru_cache(maxsize=256)
def _nur_lesend(abfrage: str, operation: str | None) -> bool:
    """Whether the operation to run is a query (not a mutation); False when it does not parse."""
    try:
        dokument = parse(abfrage, max_tokens=10_000)
    except GraphQLError:
        return False
    operationen = [d for d in dokument.definitions if isinstance(d, OperationDefinitionNode)]
    if operation is not None:
        operationen = [o for o in operationen if o.name and o.name.value == operation]
    return len(operationen) == 1 and operationen[0].operation == OperationType.QUERY


@dataclass(frozen=True)
class Ausweis:
    """What a cached answer may depend on about the caller, and when its login was checked."""

    rolle: str
    kommune_id: int | None
    landkreis_id: int
    geprueft: float

    @classmethod
    def von(cls, benutzer: Benutzer) -> Ausweis:
        """The caller's relevant facts, now."""
        return cls(benutzer.rolle.value, benutzer.kommune_id, benutzer.landkreis_id, time.time())


def schluessel(anfrage: Any, ausweis: Ausweis, version: int) -> tuple[Any, ...] | None:
    """The cache key of a JSON request body, or None when it must not be cached."""
    if not isinstance(anfrage, dict) or not isinstance(anfrage.get("query"), str):
        return None
    operation = anfrage.get("operationName")
    if not isinstance(operation, str | None) or not _nur_lesend(anfrage["query"], operation):
        return None
    variablen = json.dumps(anfrage.get("variables") or {}, sort_keys=True)
    # Some answers depend on the clock too ("veraltet", today's Stichtag): entries also expire.
    minute = int(time.time() // LEBENSDAUER_S)
    return (anfrage["query"], variablen, operation, ausweis.rolle, ausweis.kommune_id,
            ausweis.landkreis_id, version, minute)


class Antwortcache:
    """A thread-safe LRU (response bodies; logins by token hash and data version)."""

    def __init__(self, groesse: int) -> None:
        self.groesse = groesse
        self._eintraege: OrderedDict[Any, Any] = OrderedDict()
        self._sperre = threading.Lock()

    def holen(self, key: Any) -> Any:
        """The cached value, or None."""
        with self._sperre:
            treffer = self._eintraege.get(key)
            if treffer is not None:
                self._eintraege.move_to_end(key)
            return treffer

    def ablegen(self, key: Any, inhalt: Any) -> None:
        """Keep a value; the least recently used entry goes when full."""
        if self.groesse <= 0:
            return
        with self._sperre:
            self._eintraege[key] = inhalt
            self._eintraege.move_to_end(key)
            while len(self._eintraege) > self.groesse:
                self._eintraege.popitem(last=False)

"""Response cache for read operations: the figures change a few times a day, read all day.

An entry is keyed by the operation text, its variables and operation name, the caller's role,
Kommune and Landkreis (what the caller may see), and the data version (`Datenstand`) that every
write bumps in its own transaction. A read after a write therefore misses in every worker.
Entries also expire after a minute, because "veraltet" and today's date move with the clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import request
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from wrm.models import Benutzer
from wrm.models.datenstand import mit_transaktion
from wrm.services.tokens import Abbild, abbilden

#: Longest time an entry is served, in seconds, even without a write.
LEBENSDAUER_S = 60


@dataclass(frozen=True)
class Ausweis:
    """What a cached answer may depend on about the caller, and when its login was checked."""

    rolle: str
    kommune_id: int | None
    landkreis_id: int
    geprueft: float
    #: The user's record as checked, for a request the response cache cannot answer.
    abbild: Abbild | None = field(default=None, compare=False)

    @classmethod
    def von(cls, benutzer: Benutzer) -> Ausweis:
        """The caller's relevant facts, now."""
        return cls(benutzer.rolle.value, benutzer.kommune_id, benutzer.landkreis_id, time.time(),
                   abbilden(benutzer))


def schluessel(anfrage: Any, ausweis: Ausweis, version: int) -> tuple[Any, ...] | None:
    """The cache key of a JSON request body, or None when it cannot be cached.

    The key does not say whether the operation only reads: an answer is stored only after a
    query ran (`NurLesend`), so a mutation's key never finds an entry, and the text is parsed
    once, by the execution, not a second time here.
    """
    if not isinstance(anfrage, dict) or not isinstance(anfrage.get("query"), str):
        return None
    operation = anfrage.get("operationName")
    if not isinstance(operation, str | None):
        return None
    variablen = json.dumps(anfrage.get("variables") or {}, sort_keys=True)
    # Some answers depend on the clock too ("veraltet", today's Stichtag): entries also expire.
    minute = int(time.time() // LEBENSDAUER_S)
    return (anfrage["query"], variablen, operation, ausweis.rolle, ausweis.kommune_id,
            ausweis.landkreis_id, version, minute)


#: Set in the request's WSGI environ when the operation that ran was a query.
NUR_LESEND = "wrm.nur_lesend"


class NurLesend(SchemaExtension):
    """Notes in the request whether the operation executed was a query (only those answers
    are kept): from the document the execution parsed anyway. A query goes on reading without
    a transaction, as the view began (`ohne_transaktion_lesen`); a mutation gets one."""

    def on_execute(self) -> Iterator[None]:
        """Record the operation type, before the resolvers run."""
        if self.execution_context.operation_type == OperationType.QUERY:
            request.environ[NUR_LESEND] = True
        else:
            mit_transaktion(self.execution_context.context.session)
        yield

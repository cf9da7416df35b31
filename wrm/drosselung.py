"""Throttling of failed logins, counted atomically before the password is checked.

Each attempt takes a slot of `ANMELDUNG_LIMIT` for its (client address, user name) *before*
the password is looked at, so parallel guesses cannot all pass the check first; a successful
login frees the slots again. With `RATELIMIT_STORAGE_URI=redis://…` every gunicorn worker
counts in the same place (the `limits` library's moving window is one Lua script on Redis).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from wrm import zwischenspeicher
from wrm.namen import namensschluessel

log = logging.getLogger(__name__)
_ERWEITERUNG = "wrm_drosselung"


class Anmeldedrossel:
    """The failure counter of one app: its limits and where they are counted."""

    def __init__(self, grenzen: list[RateLimitItem], speicher_uri: str) -> None:
        self.grenzen = grenzen
        self.strategie = MovingWindowRateLimiter(storage_from_string(speicher_uri))
        # If the shared store (Redis) fails, each worker keeps counting on its own rather than
        # letting every guess through or locking everybody out.
        self.ersatz = MovingWindowRateLimiter(MemoryStorage())

    def _gemeinsam_oder_ersatz(self, arbeit: Callable[[MovingWindowRateLimiter], bool]) -> bool:
        try:
            return arbeit(self.strategie)
        except Exception:  # noqa: BLE001 - any failure of the store means: count per process
            log.warning("Zählspeicher der Anmeldedrosselung nicht erreichbar; zähle je Prozess.")
            return arbeit(self.ersatz)

    def versuch(self, *schluessel: str) -> bool:
        """Take a slot of every limit for an attempt; False when any limit is reached.

        A refused attempt adds nothing to a full window, so waiting always ends the lock.
        """
        def nehmen(strategie: MovingWindowRateLimiter) -> bool:
            return all([strategie.hit(g, "anmeldung", *schluessel) for g in self.grenzen])
        return self._gemeinsam_oder_ersatz(nehmen)

    def leeren(self) -> None:
        """Forget every counted attempt (`wrm.zwischenspeicher`)."""
        for strategie in (self.strategie, self.ersatz):
            try:
                strategie.storage.reset()
            except Exception:  # noqa: BLE001 - an unreachable store holds nothing to forget
                log.warning("Zählspeicher der Anmeldedrosselung nicht erreichbar.")

    def erfolg(self, *schluessel: str) -> None:
        """Forget the counted attempts after a successful login."""
        def freigeben(strategie: MovingWindowRateLimiter) -> bool:
            for grenze in self.grenzen:
                strategie.clear(grenze, "anmeldung", *schluessel)
            return True
        self._gemeinsam_oder_ersatz(freigeben)


def drossel() -> Anmeldedrossel:
    """The app's login throttle."""
    return current_app.extensions[_ERWEITERUNG]  # type: ignore[no-any-return]


def anmeldeschluessel(name: str) -> tuple[str, str]:
    """What attempts are counted by: the client address and the user name (case-folded)."""
    return request.remote_addr or "?", namensschluessel(name)


def init_drosselung(app: Flask) -> None:
    """Create the app's throttle from `ANMELDUNG_LIMIT` and `RATELIMIT_STORAGE_URI`."""
    app.extensions[_ERWEITERUNG] = Anmeldedrossel(
        parse_many(app.config["ANMELDUNG_LIMIT"]), app.config["RATELIMIT_STORAGE_URI"])
    zwischenspeicher.anmelden(app, app.extensions[_ERWEITERUNG])

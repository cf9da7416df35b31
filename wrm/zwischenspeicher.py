"""What a worker keeps between requests — the GraphQL answers, checked logins, the read
model's figures, the counted login attempts — registered in one place, so everything can be
emptied at once. (Strawberry's parser and validation caches depend on the schema and the text
alone; they need no emptying.)

None of it is needed for correctness after a write (entries are keyed by the data version), but
a test suite that runs many tests against one application must start each test with nothing
remembered from the one before; `leeren` is that reset.
"""

from __future__ import annotations

from typing import Protocol

from flask import Flask

_ERWEITERUNG = "wrm_zwischenspeicher"


class Leerbar(Protocol):
    """A store that can forget everything it holds."""

    def leeren(self) -> None:
        """Forget every entry."""


def anmelden(app: Flask, speicher: Leerbar) -> None:
    """Register a store of the app (once, when the app is made)."""
    app.extensions.setdefault(_ERWEITERUNG, []).append(speicher)


def leeren(app: Flask) -> None:
    """Empty every registered store of the app."""
    for speicher in app.extensions.get(_ERWEITERUNG, []):
        speicher.leeren()

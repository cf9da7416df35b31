"""WRM — Wohnraummanagement: refugee housing figures for a county and its Kommunen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wrm.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # `from wrm import create_app` loads the web stack on first use only: the pure modules
    # (`wrm.kennzahlen`, `wrm.meldefelder`) must import without Flask.
    if name == "create_app":
        from wrm.app import create_app

        return create_app
    raise AttributeError(f"module 'wrm' has no attribute {name!r}")

"""WRM — Wohnraummanagement: refugee housing figures for a county and its Kommunen."""

from wrm.app import create_app

__all__ = ["create_app"]

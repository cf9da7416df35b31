"""A short load test without loss (the full one is part of `make bench`): gunicorn with two
workers, locust with press and county readers and Kommunen writing with versions."""

from __future__ import annotations

from pathlib import Path

from benchmarks.lastlauf import lasttest


def test_every_acknowledged_write_is_kept_and_nothing_fails(leere_datenbank: str,
                                                              tmp_path: Path) -> None:
    werte = lasttest(tmp_path, sekunden=6, nutzer=8, url=leere_datenbank)
    assert werte["fehlgeschlagen"] == 0, werte
    assert werte["probleme"] == [], werte["probleme"][:5]
    assert werte["quittiert"] > 10 and werte["anfragen"] > 100, werte

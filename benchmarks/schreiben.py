"""Parallel writes of different Kommunen on PostgreSQL (issue 26): does the one data-version
row that every write updates serialise them?

The demo (17 Kommunen whose figures are typed) in a fresh PostgreSQL database, gunicorn with
2 workers × 8 threads (16 requests in flight, so that a lock, not the worker count, would be
what limits), and writers that each save their own Kommune's report again and again with the
version of their last answer. `write_scaling_16` is req/s of 16 writers ÷ req/s of one.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from benchmarks.dienste import BIN, gunicorn

LESEN = 'query($k: String!) { kommune(name: $k) { meldung { version } } }'
SCHREIBEN = ("mutation($k: String!, $v: Int!, $w: Int!) { meldungSpeichern(kommune: $k, "
             "version: $v, eingabe: {verfuegbarDezentral: $w}) { version } }")


def _zugaenge(url: str) -> list[tuple[str, str]]:
    """(Kommune, token) of every Kommune login whose figures are typed."""
    from wrm.models import Benutzer, Meldequelle, Rolle
    from wrm.services.tokens import token_anlegen

    motor = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    zugaenge = []
    with Session(motor) as session:
        for benutzer in session.scalars(select(Benutzer).where(Benutzer.rolle == Rolle.KOMMUNE)
                                        .order_by(Benutzer.name)):
            if benutzer.kommune.meldequelle == Meldequelle.EINGABE:  # type: ignore[union-attr]
                zugaenge.append((benutzer.kommune.name,  # type: ignore[union-attr]
                                 token_anlegen(session, benutzer=benutzer)[1]))
        session.commit()
    motor.dispose()
    return zugaenge


def _post(verbindung: http.client.HTTPConnection, token: str, abfrage: str,
          variablen: dict) -> dict:
    verbindung.request("POST", "/graphql", json.dumps({"query": abfrage, "variables": variablen}),
                       {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    antwort = verbindung.getresponse()
    inhalt = json.loads(antwort.read())
    if antwort.status != 200 or "errors" in inhalt:
        raise RuntimeError(f"Schreiblast: HTTP {antwort.status} {str(inhalt)[:300]}")
    return inhalt["data"]  # type: ignore[no-any-return]


def _schreiber(adresse: str, kommune: str, token: str, ende: float, zaehler: list[int],
               fehler: list[BaseException]) -> None:
    try:
        _schreiben(adresse, kommune, token, ende, zaehler)
    except Exception as grund:  # noqa: BLE001 - reported by `_lauf`, which fails the run
        fehler.append(grund)


def _schreiben(adresse: str, kommune: str, token: str, ende: float, zaehler: list[int]) -> None:
    teile = urlsplit(adresse)
    verbindung = http.client.HTTPConnection(teile.hostname, teile.port, timeout=30)
    version = _post(verbindung, token, LESEN, {"k": kommune})["kommune"]["meldung"]["version"]
    wert = 0
    while time.monotonic() < ende:
        wert = (wert + 1) % 500
        version = _post(verbindung, token, SCHREIBEN, {"k": kommune, "v": version, "w": wert}
                        )["meldungSpeichern"]["version"]
        zaehler.append(1)
    verbindung.close()


def _lauf(adresse: str, zugaenge: list[tuple[str, str]], sekunden: float) -> float:
    """req/s of saves with one writer per (Kommune, token)."""
    zaehler: list[int] = []
    fehler: list[BaseException] = []
    ende = time.monotonic() + sekunden
    faeden = [threading.Thread(target=_schreiber, args=(adresse, k, t, ende, zaehler, fehler))
              for k, t in zugaenge]
    beginn = time.monotonic()
    for faden in faeden:
        faden.start()
    for faden in faeden:
        faden.join()
    if fehler:
        raise RuntimeError(f"{len(fehler)} Schreiber abgebrochen, zuerst: {fehler[0]}")
    return len(zaehler) / (time.monotonic() - beginn)


def schreibskalierung(url: str, *, quick: bool, melden: Callable[[str], None]) -> dict:
    """Measure on the empty PostgreSQL database `url`; the ratio and both rates."""
    umgebung = {**os.environ, "WRM_DATABASE_URL": url}
    subprocess.run([str(BIN / "wrm"), "demo"], check=True, capture_output=True, env=umgebung)
    zugaenge = _zugaenge(url)[:16]
    assert len(zugaenge) == 16, zugaenge
    sekunden = 3 if quick else 10
    with gunicorn("wsgi:app", {"WRM_DATABASE_URL": url, "WRM_SECRET_KEY": "bench"},
                  threads=8) as (adresse, _):
        _lauf(adresse, zugaenge, 1)  # warm-up: both workers, every connection pool
        eins = _lauf(adresse, zugaenge[:1], sekunden)
        sechzehn = _lauf(adresse, zugaenge, sekunden)
    verhaeltnis = round(sechzehn / eins, 3) if eins else 0.0
    melden(f"Schreiben parallel (PostgreSQL, gunicorn 2 Worker × 8 Threads): 1 Kommune "
           f"{eins:.0f} req/s, 16 Kommunen {sechzehn:.0f} req/s → {verhaeltnis}× (Ziel ≥ 1,5)")
    return {"write_rps_1": round(eins, 1), "write_rps_16": round(sechzehn, 1),
            "write_scaling_16": verhaeltnis}

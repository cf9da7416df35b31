"""The raw floor: the press figures with nothing but one SELECT, the arithmetic and json.dumps.

`anwendung` is a bare WSGI app over the same database (WRM_DATABASE_URL), served by gunicorn
beside the real app; `berechnen` is the same work in process.
"""

from __future__ import annotations

import json
import os
from typing import Any

from sqlalchemy import Connection, create_engine, text

from wrm import kennzahlen
from wrm.meldefelder import ZAHLENNAMEN

_SPALTEN = ", ".join(f"m.{n}" for n in ZAHLENNAMEN)
ABFRAGE = text(f"""
    SELECT k.name, q.wert, {_SPALTEN}, m.lage, m.stand
    FROM kommunen k
    LEFT JOIN meldungen m ON m.kommune_id = k.id
    LEFT JOIN aufnahmequoten q ON q.kommune_id = k.id AND q.verteilzeitraum_id = :zeitraum
    WHERE k.landkreis_id = :landkreis AND k.aktiv
""")


def berechnen(verbindung: Connection, landkreis: int, zeitraum: int) -> bytes:
    """The press table (rows by Bedarf with every computed figure) as JSON bytes."""
    zeilen = []
    for name, quote, *werte in verbindung.execute(ABFRAGE, {"landkreis": landkreis,
                                                             "zeitraum": zeitraum}):
        felder = dict(zip((*ZAHLENNAMEN, "lage"), werte[:-1], strict=True))
        zeilen.append(kennzahlen.Zeile(kommune=name, aufnahmequote=quote, **felder))
    ergebnis = kennzahlen.auswerten(zeilen)
    return json.dumps({"zeilen": [z.als_dict() for z in ergebnis.zeilen]}, default=str).encode()


_motor = None


def anwendung(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """WSGI: answer every request with the press table of Landkreis and period 1."""
    global _motor
    if _motor is None:
        _motor = create_engine(os.environ["WRM_DATABASE_URL"].replace(
            "postgresql://", "postgresql+psycopg://"))
    laenge = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(laenge)
    with _motor.connect() as verbindung:
        inhalt = berechnen(verbindung, int(os.environ.get("BODEN_LANDKREIS", "1")),
                           int(os.environ.get("BODEN_ZEITRAUM", "1")))
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(inhalt)))])
    return [inhalt]

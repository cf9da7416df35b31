"""`wrm auswertung --format json` as the reference every other output is compared with."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask.testing import FlaskCliRunner


def cli_auswertung(runner: FlaskCliRunner, stichtag: date | None) -> dict:
    """The CLI's JSON; each row's `stand` parsed to an aware datetime to the second."""
    argumente = ["auswertung", "--format", "json"]
    if stichtag is not None:
        argumente += ["--stichtag", stichtag.isoformat()]
    ergebnis = runner.invoke(args=argumente)
    assert ergebnis.exit_code == 0, ergebnis.output
    daten = json.loads(ergebnis.output)
    for zeile in daten["zeilen"]:
        if zeile["stand"] is not None:
            zeile["stand"] = datetime.fromisoformat(zeile["stand"]).replace(microsecond=0)
    return daten

"""Run the load test: demo data, gunicorn (2 workers), locust headless, then the loss check."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

from benchmarks.dienste import BIN, WURZEL, gunicorn


def pruefen(motor: Any, ergebnis: dict[str, Any]) -> list[str]:
    """What went wrong: every acknowledged write must be in the history and the last one in the
    report; nothing else may have failed. Empty when all is well."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from wrm.models import Kommune, Meldung, Verlaufseintrag

    probleme = [f"Fehler ohne Konflikt: {f}" for f in ergebnis["fehler"]]
    with Session(motor) as session:
        for name, quittungen in ergebnis["quittiert"].items():
            kommune = session.scalar(select(Kommune).where(Kommune.name == name))
            verlauf = {e.version: e.verfuegbar_dezentral for e in session.scalars(
                select(Verlaufseintrag).where(Verlaufseintrag.kommune_id == kommune.id))}
            for version, wert in quittungen:
                if verlauf.get(version) != wert:
                    probleme.append(f"{name}: quittierte Version {version} ({wert}) fehlt im "
                                    f"Verlauf ({verlauf.get(version)})")
            letzte = max(quittungen)
            meldung = session.scalar(select(Meldung).where(Meldung.kommune_id == kommune.id))
            if (meldung.version, meldung.verfuegbar_dezentral) != tuple(letzte):
                probleme.append(f"{name}: Meldung steht bei {meldung.version}/"
                                f"{meldung.verfuegbar_dezentral}, quittiert war {letzte}")
    return probleme


def lasttest(ordner: Path, *, sekunden: int, nutzer: int = 16, url: str | None = None
             ) -> dict[str, Any]:
    """Run it on an empty database (`url`, default a SQLite file in `ordner`); returns locust's
    figures, the outcome counts and the problems found (if any)."""
    from wrm import create_app
    from wrm.db import db
    from wrm.konfiguration import datenbank_url
    from wrm.models import Benutzer, Meldequelle, Rolle
    from wrm.services.tokens import token_anlegen

    url = url or f"sqlite:///{ordner / 'last.sqlite'}"
    os.environ["WRM_INSTANCE_PATH"] = str(ordner)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "last"})
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    zugang: dict[str, Any] = {"kommunen": {}}
    with app.app_context():
        for benutzer in db.session.scalars(select(Benutzer)):
            token = token_anlegen(db.session, benutzer=benutzer)[1]
            if benutzer.rolle == Rolle.KOMMUNE:
                # The writers type (9): only Kommunen whose figures are typed (the others'
                # come from their accommodation list and refuse a typed (9)).
                if benutzer.kommune.meldequelle == Meldequelle.EINGABE:  # type: ignore[union-attr]
                    zugang["kommunen"][benutzer.kommune.name] = token  # type: ignore[union-attr]
            else:
                zugang[benutzer.rolle.value] = token
        db.session.commit()
        db.engine.dispose()
    (ordner / "zugang.json").write_text(json.dumps(zugang))
    ergebnisdatei = ordner / "ergebnis.json"
    umgebung = {"WRM_DATABASE_URL": url, "WRM_SECRET_KEY": "last",
                "WRM_LAST_ZUGANG": str(ordner / "zugang.json"),
                "WRM_LAST_ERGEBNIS": str(ergebnisdatei)}
    with gunicorn("wsgi:app", umgebung) as (adresse, _):
        lauf = subprocess.run(
            [str(BIN / "locust"), "-f", str(WURZEL / "benchmarks" / "last.py"), "--headless",
             "-u", str(nutzer), "-r", str(nutzer), "-t", f"{sekunden}s", "--host", adresse,
             "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"],
            cwd=WURZEL, env={**os.environ, **umgebung}, capture_output=True, text=True,
            timeout=sekunden + 120)
    if not ergebnisdatei.exists():
        raise RuntimeError(f"locust lieferte kein Ergebnis:\n{lauf.stdout}\n{lauf.stderr}")
    ergebnis = json.loads(ergebnisdatei.read_text())
    motor = create_engine(datenbank_url(url))
    probleme = pruefen(motor, ergebnis)
    motor.dispose()
    quittiert = sum(len(q) for q in ergebnis["quittiert"].values())
    return {**ergebnis["statistik"], "quittiert": quittiert, "konflikte": ergebnis["konflikte"],
            "probleme": probleme}

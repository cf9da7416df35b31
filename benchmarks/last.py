"""Load without loss, the locustfile: press and county reading, Kommunen writing their own
reports with the version they read (the check is in `benchmarks/lastlauf.py`).

    locust -f benchmarks/last.py --headless -u 16 -r 16 -t 60s --host http://127.0.0.1:PORT

WRM_LAST_ZUGANG names a JSON file with the tokens ({"presse": …, "landkreis": …, "kommunen":
{"Kommune A": …}}); the run writes what it saw to WRM_LAST_ERGEBNIS (JSON).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PRESSE = ("query { auswertung { zusammenfassung { fehlend } zeilen { kommune { name } bedarf "
          "gesamtVerfuegbar } } }")
KREIS = ("query { kommunen { name meldung { bedarf version veraltet bemerkung } } "
         "auswertung { zusammenfassung { benoetigt fehlend } } }")
LESEN = 'query($k: String!) { kommune(name: $k) { meldung { version verfuegbarDezentral } } }'
SCHREIBEN = ("mutation($k: String!, $v: Int!, $w: Int!) { meldungSpeichern(kommune: $k, "
             "version: $v, eingabe: {verfuegbarDezentral: $w}) { version verfuegbarDezentral } }")


_ZUGANG: dict[str, Any] = json.loads(Path(os.environ["WRM_LAST_ZUGANG"]).read_text())
_ERGEBNIS: dict[str, Any] = {"quittiert": {}, "konflikte": 0, "fehler": []}

def _post(nutzer: HttpUser, token: str, abfrage: str, variablen: dict | None = None,
          name: str = "") -> dict | None:
    with nutzer.client.post("/graphql", json={"query": abfrage, "variables": variablen or {}},
                            headers={"Authorization": f"Bearer {token}"}, name=name,
                            catch_response=True) as antwort:
        if antwort.status_code != 200:
            antwort.failure(f"HTTP {antwort.status_code}")
            _ERGEBNIS["fehler"].append(f"{name}: HTTP {antwort.status_code}")
            return None
        inhalt = antwort.json()
        codes = {f.get("extensions", {}).get("code") for f in inhalt.get("errors") or []}
        if codes == {"CONFLICT"}:
            _ERGEBNIS["konflikte"] += 1
            antwort.success()  # refused as designed, with a conflict message
            return None
        if codes:
            antwort.failure(str(inhalt["errors"])[:200])
            _ERGEBNIS["fehler"].append(f"{name}: {inhalt['errors']}"[:300])
            return None
        return inhalt["data"]  # type: ignore[no-any-return]

class Presse(HttpUser):
    """The press office asking again and again."""

    weight = 3
    wait_time = between(0, 0.05)

    @task
    def auswertung(self) -> None:
        """The press table."""
        _post(self, _ZUGANG["presse"], PRESSE, name="presse")

class Landkreis(HttpUser):
    """The county looking at everything."""

    weight = 1
    wait_time = between(0, 0.1)

    @task
    def ueberblick(self) -> None:
        """Kommunen, versions, notes and the summary."""
        _post(self, _ZUGANG["landkreis"], KREIS, name="landkreis")

class Kommune(HttpUser):
    """A clerk reading its report and saving a changed figure with the version read."""

    weight = 2
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        """Pick one of four Kommunen: clerks share them, so real conflicts happen."""
        self.name, self.token = random.choice(sorted(_ZUGANG["kommunen"].items())[:4])

    @task
    def melden(self) -> None:
        """Read the version, then save with it."""
        daten = _post(self, self.token, LESEN, {"k": self.name}, name="kommune lesen")
        if not daten:
            return
        version = daten["kommune"]["meldung"]["version"]
        wert = random.randint(0, 500)
        gespeichert = _post(self, self.token, SCHREIBEN,
                            {"k": self.name, "v": version, "w": wert}, name="kommune speichern")
        if gespeichert:
            meldung = gespeichert["meldungSpeichern"]
            _ERGEBNIS["quittiert"].setdefault(self.name, []).append(
                [meldung["version"], meldung["verfuegbarDezentral"]])

@events.test_stop.add_listener
def _ende(environment: Any, **kwargs: Any) -> None:
    gesamt = environment.stats.total
    _ERGEBNIS["statistik"] = {
        "anfragen": gesamt.num_requests, "fehlgeschlagen": gesamt.num_failures,
        "rps": round(gesamt.total_rps, 1),
        "p99_ms": gesamt.get_response_time_percentile(0.99)}
    Path(os.environ["WRM_LAST_ERGEBNIS"]).write_text(json.dumps(_ERGEBNIS))

"""`make bench`: WRM against PostGraphile and the raw floor, side by side in one run; ends with
one JSON line.

    .venv/bin/python benchmarks/run.py [--quick] [--postgres URL] [--vergleich URL]

Figures are ratios measured in the same run on the same machine (never timed tests). With
--quick every size is small and the whole run takes under two minutes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks import boden, daten  # noqa: E402
from benchmarks import unterkuenfte as unterkunftsmessung  # noqa: E402
from benchmarks.dienste import gunicorn, rss_mb  # noqa: E402
from benchmarks.lastlauf import lasttest  # noqa: E402
from benchmarks.schreiben import schreibskalierung  # noqa: E402
from benchmarks.vergleich import lua  # noqa: E402
from benchmarks.vergleichslauf import vergleichen  # noqa: E402
from benchmarks.wrk import wrk_skript  # noqa: E402
from wrm import create_app, umverteilung  # noqa: E402
from wrm.db import db  # noqa: E402
from wrm.meldefelder import ZAHLENNAMEN  # noqa: E402
from wrm.models import Benutzer, Landkreis, Verteilzeitraum  # noqa: E402
from wrm.services.auswertung import auswertung, bundesweit_am  # noqa: E402
from wrm.services.importe import meldungen_importieren  # noqa: E402
from wrm.services.tokens import token_anlegen  # noqa: E402
from wrm.services.vorschlag import vorschlag  # noqa: E402

PRESSE = (WURZEL / "graphql" / "operations" / "presse" / "kommunen_tabelle.graphql").read_text(
    encoding="utf-8")
BIN = Path(sys.executable).parent


def melden(text: str) -> None:
    """A human-readable line (stderr, so stdout ends with the JSON line alone)."""
    print(text, file=sys.stderr, flush=True)


def _median_us(aufruf: Callable[[], object], wiederholungen: int, runden: int = 5) -> float:
    zeiten = []
    for _ in range(runden):
        beginn = time.perf_counter()
        for _ in range(wiederholungen):
            aufruf()
        zeiten.append((time.perf_counter() - beginn) / wiederholungen * 1e6)
    return statistics.median(zeiten)


def demo_app(ordner: Path, url: str | None) -> tuple[object, str, int, int]:
    """An app on the demo data; returns it, a press token, the Landkreis and the period id."""
    os.environ["WRM_INSTANCE_PATH"] = str(ordner)
    app = create_app({"DATABASE_URL": url or f"sqlite:///{ordner / 'wrm.sqlite'}",
                      "SECRET_KEY": "bench"})
    ausgabe = app.test_cli_runner().invoke(args=["demo"])
    assert ausgabe.exit_code == 0, ausgabe.output
    with app.app_context():
        presse = db.session.scalar(select(Benutzer).where(Benutzer.name == "presse"))
        token = token_anlegen(db.session, benutzer=presse)[1]
        db.session.commit()
        landkreis = presse.landkreis_id
        zeitraum = db.session.scalar(select(Verteilzeitraum.id).where(
            Verteilzeitraum.landkreis_id == landkreis))
    return app, token, landkreis, zeitraum


def im_prozess(app, token: str, landkreis: int, zeitraum: int, quick: bool) -> dict:  # type: ignore[no-untyped-def]
    """The press query through the real app (WSGI call in process) against the raw floor."""
    koerper = json.dumps({"query": PRESSE}).encode()

    def umgebung() -> dict:
        return {"REQUEST_METHOD": "POST", "PATH_INFO": "/graphql", "SERVER_NAME": "bench",
                "SERVER_PORT": "80", "wsgi.url_scheme": "http", "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": str(len(koerper)), "wsgi.input": io.BytesIO(koerper),
                "HTTP_AUTHORIZATION": f"Bearer {token}", "wsgi.errors": sys.stderr}

    def graphql() -> None:
        status = []
        teile = app.wsgi_app(umgebung(), lambda s, h: status.append(s))
        inhalt = b"".join(teile)
        assert status[0].startswith("200") and b'"errors"' not in inhalt, inhalt[:300]

    with app.app_context():
        motor = db.engine

    def floor() -> None:
        with motor.connect() as verbindung:
            boden.berechnen(verbindung, landkreis, zeitraum)

    n = 200 if quick else 2000
    graphql()
    floor()
    app_us, boden_us = _median_us(graphql, n), _median_us(floor, n)
    app.config["ANTWORTCACHE"] = 0
    ohne_cache_us = _median_us(graphql, n // 4)
    app.config["ANTWORTCACHE"] = 512
    melden(f"im Prozess: GraphQL {app_us:.0f} µs (ohne Antwortcache {ohne_cache_us:.0f} µs), "
           f"Boden {boden_us:.0f} µs → Verhältnis {app_us / boden_us:.2f} "
           f"(ohne Cache {ohne_cache_us / boden_us:.2f})")
    return {"graphql_inprocess_ratio": round(app_us / boden_us, 3),
            "graphql_inprocess_us": round(app_us), "floor_inprocess_us": round(boden_us),
            "graphql_uncached_ratio": round(ohne_cache_us / boden_us, 3)}


def wrk(url: str, koerper: str, token: str, sekunden: int) -> tuple[float, float, int]:
    """req/s, p99 in ms and the number of failed answers from wrk (16 connections)."""
    messung = wrk_skript(f"{url}/graphql", lua(koerper, token), 16, sekunden)
    return messung.rps, messung.p99_ms, messung.fehler


#: Seconds of load before a measured wrk run (workers booted, caches warm).
AUFWAERMEN_S = 3


def ueber_http(app, token: str, landkreis: int, zeitraum: int, quick: bool) -> dict:  # type: ignore[no-untyped-def]
    """Press query via gunicorn (2 workers) under wrk, against the floor app served alike."""
    url = app.config["DATABASE_URL"]
    umgebung = {"WRM_DATABASE_URL": url, "WRM_SECRET_KEY": "bench",
                "BODEN_LANDKREIS": str(landkreis), "BODEN_ZEITRAUM": str(zeitraum)}
    sekunden = 3 if quick else 15
    koerper = json.dumps({"query": PRESSE})
    # gunicorn's master accepts connections before its workers have booted (WRM's take about
    # 2 s here); a short run first, so the measurement starts with both workers serving.
    with gunicorn("benchmarks.boden:anwendung", umgebung) as (boden_url, _):
        wrk(boden_url, koerper, token, AUFWAERMEN_S)
        boden_rps, boden_p99, boden_fehler = wrk(boden_url, koerper, token, sekunden)
    with gunicorn("wsgi:app", umgebung) as (wrm_url, master):
        wrk(wrm_url, koerper, token, AUFWAERMEN_S)
        wrm_rps, wrm_p99, wrm_fehler = wrk(wrm_url, koerper, token, sekunden)
        rss = rss_mb(master)
    assert boden_fehler == 0 and wrm_fehler == 0, (boden_fehler, wrm_fehler)
    melden(f"HTTP (gunicorn 2 Worker, wrk 16 Verbindungen, {sekunden} s): WRM {wrm_rps:.0f} req/s "
           f"(p99 {wrm_p99:.1f} ms), Boden {boden_rps:.0f} req/s (p99 {boden_p99:.1f} ms) → "
           f"Verhältnis {wrm_rps / boden_rps:.2f}; Worker-RSS {rss:.0f} MB")
    return {"http_ratio": round(wrm_rps / boden_rps, 3), "http_rps": round(wrm_rps),
            "http_floor_rps": round(boden_rps), "http_p99_ms": round(wrm_p99, 2),
            "worker_rss_mb": round(rss, 1)}


def landesweit(url: str, quick: bool, name: str) -> dict:
    """One county's Auswertung at past Stichtage, and the national summary, at scale."""
    motor = create_engine(url)
    umfang = daten.KLEIN if quick else daten.BUND
    beginn = time.perf_counter()
    eintraege = daten.erzeugen(motor, umfang, bis=date.today())
    melden(f"{name}: {umfang.landkreise} Landkreise × {umfang.kommunen_je_kreis} Kommunen, "
           f"{eintraege} Verlaufseinträge erzeugt in {time.perf_counter() - beginn:.0f} s")
    zufall = random.Random(3)
    with Session(motor) as session:
        # the generated ones ("Landkreis 001" …), not the default county of `wrm init`
        kreise = session.scalars(select(Landkreis).where(Landkreis.name.like("Landkreis ___"))
                                 ).all()
        tage = [date.today() - timedelta(days=zufall.randint(1, umfang.tage - 1))
                for _ in range(60)]
        zeiten = []
        for tag in tage:
            kreis = zufall.choice(kreise)
            beginn = time.perf_counter()
            auswertung(session, landkreis=kreis, stichtag=tag)
            zeiten.append((time.perf_counter() - beginn) * 1000)
        bund = []
        for tag in tage[:5]:
            beginn = time.perf_counter()
            bundesweit_am(session, stichtag=tag)
            bund.append((time.perf_counter() - beginn) * 1000)
        beginn = time.perf_counter()
        for kreis in kreise:
            vorschlag(session, landkreis=kreis)
        alle_vorschlaege = (time.perf_counter() - beginn) * 1000
    unterkunftswerte = unterkunftsmessung.messen(motor, tage=umfang.tage, melden=melden,
                                                 name=name)
    motor.dispose()
    p50, summe = statistics.median(zeiten), statistics.median(bund)
    melden(f"{name}: Auswertung eines Landkreises am Stichtag p50 {p50:.1f} ms; "
           f"bundesweite Zusammenfassung {summe:.0f} ms; Umverteilungsvorschlag für alle "
           f"{len(kreise)} Landkreise {alle_vorschlaege / 1000:.1f} s (Ziel < 10 s bei 400)")
    return {"stichtag_county_p50_ms": round(p50, 2), "national_summary_ms": round(summe, 1),
            "proposal_all_counties_s": round(alle_vorschlaege / 1000, 2), **unterkunftswerte}


def vorschlag_60() -> dict:
    """The proposal for one Landkreis of 60 Kommunen (random needs, spares and places)."""
    # A warm-up first: the first call imports networkx.
    umverteilung.vorschlagen([umverteilung.Ort("A", 52, 8, 1, 0),
                              umverteilung.Ort("B", 52, 8, 0, 1)])
    zeiten = []
    for saat in range(30):
        zufall = random.Random(saat)
        orte = [umverteilung.Ort(
            kommune=f"K{i}", breitengrad=zufall.uniform(52.0, 52.8),
            laengengrad=zufall.uniform(7.6, 8.5),
            bedarf=zufall.randint(1, 80) if i % 2 else 0,
            frei=0 if i % 2 else zufall.randint(1, 90)) for i in range(60)]
        beginn = time.perf_counter()
        umverteilung.vorschlagen(orte)
        zeiten.append((time.perf_counter() - beginn) * 1000)
    p50, hoechst = statistics.median(zeiten), max(zeiten)
    melden(f"Umverteilungsvorschlag, 60 Kommunen: p50 {p50:.1f} ms, höchstens {hoechst:.1f} ms "
           "(Ziel < 100 ms)")
    return {"proposal_60_p50_ms": round(p50, 2), "proposal_60_max_ms": round(hoechst, 2)}


def einlesen(ordner: Path, quick: bool) -> dict:
    """Import rows per second: one file of new Kommunen with their reports (all or nothing)."""
    anzahl = 2000 if quick else 11_000
    kopf = ["kommune", "aufnahmequote", *ZAHLENNAMEN, "lage"]
    zeilen = [";".join(kopf)]
    zeilen += [";".join([f"Import {i:05d}", str(100 + i % 50), str(40 + i % 50), str(i % 40),
                         *(str((i + n) % 9) for n in range(len(ZAHLENNAMEN) - 2)), "ausreichend"])
               for i in range(anzahl)]
    inhalt = "\n".join(zeilen).encode()
    motor = create_engine(f"sqlite:///{ordner / 'import.sqlite'}")
    from wrm.db import Base

    Base.metadata.create_all(motor)
    with Session(motor) as session:
        kreis = Landkreis(name="Importkreis")
        session.add(kreis)
        session.commit()
        beginn = time.perf_counter()
        meldungen_importieren(session, inhalt=inhalt, landkreis=kreis, anlegen=True)
        session.commit()
        dauer = time.perf_counter() - beginn
    melden(f"Import: {anzahl} Zeilen in {dauer:.2f} s → {anzahl / dauer:.0f} Zeilen/s")
    return {"import_rows_per_s": round(anzahl / dauer)}


def last(ordner: Path, quick: bool) -> dict:
    """Load without loss: 16 clients reading and writing, then every acknowledged write checked."""
    sekunden = 10 if quick else 60
    (ordner / "last").mkdir()
    werte = lasttest(ordner / "last", sekunden=sekunden, nutzer=16)
    melden(f"Last ({sekunden} s, 16 Nutzer, gunicorn 2 Worker): {werte['anfragen']} Anfragen, "
           f"{werte['rps']} req/s, p99 {werte['p99_ms']} ms, {werte['fehlgeschlagen']} Fehler, "
           f"{werte['quittiert']} quittierte Schreibvorgänge, {werte['konflikte']} Konflikte, "
           f"{len(werte['probleme'])} Verluste")
    for problem in werte["probleme"][:10]:
        melden(f"  VERLUST: {problem}")
    return {"load_rps": werte["rps"], "load_p99_ms": werte["p99_ms"],
            "load_failures": werte["fehlgeschlagen"], "load_acked_writes": werte["quittiert"],
            "load_conflicts": werte["konflikte"], "load_lost_writes": len(werte["probleme"])}


def main() -> None:
    """Run every benchmark and print the JSON line."""
    argumente = argparse.ArgumentParser(description=__doc__)
    argumente.add_argument("--quick", action="store_true", help="kleine Größen, unter 2 Minuten")
    argumente.add_argument("--postgres", metavar="URL", help="zusätzlich auf PostgreSQL")
    argumente.add_argument("--vergleich", metavar="URL",
                           help="leere PostgreSQL-Datenbank für den Vergleich mit PostGraphile")
    argumente.add_argument("--kreis", metavar="URL",
                           help="leere PostgreSQL-Datenbank für den Vergleich am Seed-Landkreis")
    argumente.add_argument("--schreiben", metavar="URL",
                           help="leere PostgreSQL-Datenbank für parallele Schreibvorgänge")
    optionen = argumente.parse_args()
    ergebnis: dict[str, object] = {"quick": optionen.quick, "machine": {
        "cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory() as verzeichnis:
        ordner = Path(verzeichnis)
        app, token, landkreis, zeitraum = demo_app(ordner / "demo", None)
        ergebnis.update(im_prozess(app, token, landkreis, zeitraum, optionen.quick))
        ergebnis.update(vorschlag_60())
        ergebnis.update(ueber_http(app, token, landkreis, zeitraum, optionen.quick))
        if optionen.vergleich:
            ergebnis.update(vergleichen(optionen.vergleich, quick=optionen.quick, melden=melden,
                                        kreis_url=optionen.kreis))
        if optionen.schreiben:
            ergebnis.update(schreibskalierung(optionen.schreiben, quick=optionen.quick,
                                              melden=melden))
        with app.app_context():
            db.engine.dispose()
        national = ordner / "national"
        national.mkdir()
        os.environ["WRM_INSTANCE_PATH"] = str(national)
        subprocess.run([str(BIN / "wrm"), "init"], check=True, capture_output=True,
                       env={**os.environ, "WRM_DATABASE_URL": f"sqlite:///{national}/n.sqlite"})
        ergebnis.update(landesweit(f"sqlite:///{national}/n.sqlite", optionen.quick, "SQLite"))
        if optionen.postgres:
            subprocess.run([str(BIN / "wrm"), "init"], check=True, capture_output=True,
                           env={**os.environ, "WRM_DATABASE_URL": optionen.postgres})
            pg = landesweit(optionen.postgres.replace("postgresql://", "postgresql+psycopg://"),
                            optionen.quick, "PostgreSQL")
            ergebnis.update({f"pg_{k}": v for k, v in pg.items()})
        ergebnis.update(einlesen(ordner, optionen.quick))
        ergebnis.update(last(ordner, optionen.quick))
    print(json.dumps(ergebnis), flush=True)


if __name__ == "__main__":
    main()

"""WRM beside the peer a county would pick instead (PostGraphile) and the raw floor, over the
same PostgreSQL rows, in one run: the press table, cached and uncached (issue 14).

Every system is checked to answer the same figures before anything is timed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, create_engine, select, update
from sqlalchemy.orm import Session

from benchmarks import daten
from benchmarks.dienste import WURZEL, freier_port
from benchmarks.wrk import Messung, wrk_skript
from wrm.models import Art, Benutzer, Kommune, Rolle, Verteilzeitraum
from wrm.services.tokens import token_anlegen

PEER = WURZEL / "benchmarks" / "postgraphile"
PRESSE = (WURZEL / "graphql" / "operations" / "presse" / "kommunen_tabelle.graphql").read_text(
    encoding="utf-8")
#: Its id as a trusted document (`wrm operationen`).
PRESSE_ID = "sha256:" + hashlib.sha256(PRESSE.encode("utf-8")).hexdigest()
#: The same fields from PostGraphile (its list of the peer function's rows).
PEER_ABFRAGE = """query KommunenTabelle($landkreis: Int!, $stichtag: Date) {
  auswertungList(landkreis: $landkreis, stichtag: $stichtag) {
    name aufnahmequote zuweisungen ankuenfte keineQuotenanrechnung moeglicheQuotenanrechnung
    zuErfuellen inGemeinschaftsunterkuenften dezentralUntergebracht
    verfuegbarGemeinschaftsunterkunft verfuegbarDezentral
    inAussichtGemeinschaftsunterkunft inAussichtDezentral
    sofortVerfuegbar inAussicht gesamtVerfuegbar bedarf lage stand veraltet anrechnungen
  }
}"""
#: The figures compared row by row (GraphQL names; both systems use them).
ZAHLEN = ("aufnahmequote", "zuweisungen", "ankuenfte", "keineQuotenanrechnung",
          "moeglicheQuotenanrechnung", "zuErfuellen", "inGemeinschaftsunterkuenften",
          "dezentralUntergebracht", "verfuegbarGemeinschaftsunterkunft", "verfuegbarDezentral",
          "inAussichtGemeinschaftsunterkunft", "inAussichtDezentral", "sofortVerfuegbar",
          "inAussicht", "gesamtVerfuegbar", "bedarf", "veraltet", "anrechnungen")
#: Days of history of the county: each half more than a run asks for (no Stichtag twice in a
#: run, none of the run before), and far more than the response cache holds (512 per worker).
TAGE_KREIS = 9000
#: State scale: the rows of 40 Landkreise (40 × 27 Kommunen) in one press table, with more
#: days of history than a run of one connection asks for.
KOMMUNEN_LAND = 40 * 27
TAGE_LAND = 400


@dataclass(frozen=True)
class Kreis:
    """A Landkreis of the benchmark data with its press token and its Stichtage."""

    id: int
    zeitraum: int
    token: str
    tage: list[str]


def _presse(session: Session, kreis_id: int, tage: int) -> Kreis:
    benutzer = Benutzer(name=f"presse-bench-{kreis_id}", passwort_hash="-", rolle=Rolle.PRESSE,
                        landkreis_id=kreis_id)
    session.add(benutzer)
    session.flush()
    token = token_anlegen(session, benutzer=benutzer)[1]
    zeitraum = session.scalar(select(Verteilzeitraum.id).where(
        Verteilzeitraum.landkreis_id == kreis_id))
    heute = date.today()
    # Newest first: a wrk run that stops early still asks for days that have history.
    stichtage = [(heute - timedelta(days=n)).isoformat() for n in range(1, tage)]
    return Kreis(kreis_id, zeitraum, token, stichtage)  # type: ignore[arg-type]


def vorbereiten(url: str) -> tuple[Kreis, Kreis]:
    """Migrate the empty database, write the county (21 Kommunen, 1,500 days) and the state
    scale (1,080 Kommunen, 90 days), the press logins and the peer's functions."""
    subprocess.run([str(WURZEL / ".venv" / "bin" / "wrm"), "init"], check=True,
                   capture_output=True, env={**os.environ, "WRM_DATABASE_URL": url})
    motor = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    daten.erzeugen(motor, daten.Umfang(1, 21, TAGE_KREIS), bis=date.today())
    daten.erzeugen(motor, daten.Umfang(1, KOMMUNEN_LAND, TAGE_LAND), bis=date.today(), saat=2)
    with Session(motor) as session:
        kreis_id, land_id = session.scalars(select(Verteilzeitraum.landkreis_id).order_by(
            Verteilzeitraum.landkreis_id.desc()).limit(2)).all()[::-1]
        kreis, land = _presse(session, kreis_id, TAGE_KREIS), _presse(session, land_id, TAGE_LAND)
        session.commit()
    _peer_einrichten(motor)
    return kreis, land


def _peer_einrichten(motor: Engine) -> None:
    """The peer's functions, then steady state, as autovacuum keeps a county's database:
    visibility map and statistics set, so neither system's measurement meets a background
    VACUUM of the fresh rows. Disposes of `motor`."""
    with motor.begin() as verbindung:
        verbindung.exec_driver_sql((PEER / "peer.sql").read_text(encoding="utf-8"))
    with motor.connect().execution_options(isolation_level="AUTOCOMMIT") as verbindung:
        verbindung.exec_driver_sql("VACUUM ANALYZE")
    motor.dispose()


def vorbereiten_kreis(url: str) -> Kreis:
    """The seed's county in its own database: `wrm demo` (the paper's 21 Kommunen and the
    invented twelve weeks before), without the county's own shelters (a row the peer does not
    know), its Kommunen dated back 25 years so that every Stichtag of the run answers their 21
    rows (before the twelve weeks with empty figures), the press login and the peer's
    functions."""
    umgebung = {**os.environ, "WRM_DATABASE_URL": url}
    subprocess.run([str(WURZEL / ".venv" / "bin" / "wrm"), "demo"], check=True,
                   capture_output=True, env=umgebung)
    motor = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(motor) as session:
        kreis_id = session.scalar(select(Kommune.landkreis_id).limit(1))
        session.execute(update(Kommune).where(Kommune.art == Art.LANDKREIS).values(aktiv=False))
        session.execute(update(Kommune).values(
            angelegt_am=datetime.now(UTC) - timedelta(days=TAGE_KREIS + 10)))
        kreis = _presse(session, kreis_id, TAGE_KREIS)  # type: ignore[arg-type]
        session.commit()
    _peer_einrichten(motor)
    return kreis


@contextmanager
def postgraphile(url: str, workers: int = 2) -> Iterator[str]:
    """PostGraphile (installed by scripts/postgraphile.sh) on the peer schema; yields its URL."""
    port = freier_port()
    befehl = [str(PEER / "node_modules" / ".bin" / "postgraphile"), "-c", url,
              "--schema", "wrm_peer", "--host", "127.0.0.1", "--port", str(port),
              "--disable-query-log", "--simple-collections", "only", "--disable-graphiql"]
    if workers > 1:
        befehl += ["--cluster-workers", str(workers)]
    prozess = subprocess.Popen(befehl, cwd=PEER, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    adresse = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                abfragen(adresse, {"query": "{ __typename }"}, None)
                break
            except OSError:
                time.sleep(0.1)
        yield adresse
    finally:
        prozess.terminate()
        prozess.wait(10)


def abfragen(adresse: str, koerper: dict, token: str | None) -> dict:
    """POST a GraphQL body to `adresse`/graphql; the decoded answer."""
    kopf = {"Content-Type": "application/json"}
    if token:
        kopf["Authorization"] = f"Bearer {token}"
    anfrage = urllib.request.Request(f"{adresse}/graphql", data=json.dumps(koerper).encode(),
                                     headers=kopf)
    with urllib.request.urlopen(anfrage, timeout=30) as antwort:
        return json.loads(antwort.read())  # type: ignore[no-any-return]


def _zeilen_wrm(antwort: dict) -> dict[str, dict]:
    assert "errors" not in antwort, antwort
    return {z["kommune"]["name"]: z for z in antwort["data"]["auswertung"]["zeilen"]}


def _zeilen_peer(antwort: dict) -> dict[str, dict]:
    assert "errors" not in antwort, antwort
    return {z["name"]: z for z in antwort["data"]["auswertungList"]}


def _gleich(wrm: dict[str, dict], peer: dict[str, dict], wo: str) -> None:
    assert wrm.keys() == peer.keys(), (wo, sorted(wrm.keys() ^ peer.keys())[:5])
    assert wrm, wo  # an empty table proves nothing
    for name, zeile in wrm.items():
        anderes = peer[name]
        for feld in ZAHLEN:
            assert zeile[feld] == anderes[feld], (wo, name, feld, zeile[feld], anderes[feld])
        lage = (zeile["lage"] or "").lower(), (anderes["lage"] or "").lower()
        assert lage[0] == lage[1], (wo, name, lage)
        staende = [datetime.fromisoformat(z["stand"]) if z["stand"] else None
                   for z in (zeile, anderes)]
        assert staende[0] == staende[1], (wo, name, staende)


def pruefen(wrm_url: str, peer_url: str, boden_url: str | None, kreis: Kreis) -> int:
    """Both systems answer the same figures today and at Stichtage across the history; the
    floor too (today). Returns the number of rows compared."""
    verglichen = 0
    for stichtag in [None, *kreis.tage[:: max(1, len(kreis.tage) // 6)]]:
        wrm = _zeilen_wrm(abfragen(wrm_url, {"query": PRESSE, "variables": {
            "stichtag": stichtag}}, kreis.token))
        peer = _zeilen_peer(abfragen(peer_url, {"query": PEER_ABFRAGE, "variables": {
            "landkreis": kreis.id, "stichtag": stichtag}}, None))
        _gleich(wrm, peer, f"Stichtag {stichtag or 'heute'}")
        verglichen += len(wrm)
    if boden_url is not None:
        anfrage = urllib.request.Request(boden_url, data=b"{}")
        with urllib.request.urlopen(anfrage, timeout=30) as antwort:
            boden = {z["kommune"]: z for z in json.loads(antwort.read())["zeilen"]}
        wrm = _zeilen_wrm(abfragen(wrm_url, {"query": PRESSE}, kreis.token))
        assert boden.keys() == wrm.keys()
        for name, zeile in boden.items():
            assert zeile["bedarf"] == wrm[name]["bedarf"], (name, "Boden")
            assert zeile["zu_erfuellen"] == wrm[name]["zuErfuellen"], (name, "Boden")
    return verglichen


def lua(koerper: str, token: str | None, tage: list[str] | None = None,
        neuer_text: bool = False) -> str:
    """A wrk script: the same body each time, or a new Stichtag (from `tage`) or a new query
    text (an alias with a counter) each request. `messen` fills in @LAUF@ and @START@ per run,
    so that no run repeats a request of another (each would meet the response cache). Every
    answer that is not 200 or carries GraphQL errors is counted ("GraphQL-Fehler: n")."""
    zeilen = ['wrm_kopf = {["Content-Type"] = "application/json"}']
    if token:
        zeilen.append(f'wrm_kopf["Authorization"] = "Bearer {token}"')
    zeilen += [
        f"local vorlage = {json.dumps(koerper)}",
        # `fehler` and `nummer` are globals: wrk reads and sets them in each thread's state.
        "local faeden = {}",
        "fehler = 0",
        "function setup(faden) faden:set('nummer', #faeden); table.insert(faeden, faden) end",
        "function response(status, kopf, inhalt)",
        "  if status ~= 200 or string.find(inhalt, '\"errors\"', 1, true) then",
        "    fehler = fehler + 1",
        "  end",
        "end",
        "function done(zusammenfassung, latenz, anfragen)",
        "  local summe = 0",
        "  for _, faden in ipairs(faeden) do summe = summe + faden:get('fehler') end",
        "  io.write(string.format('GraphQL-Fehler: %d\\n', summe))",
        "end",
    ]
    if tage is None and not neuer_text:
        zeilen += ['wrk.method = "POST"', "wrk.body = vorlage", "wrk.headers = wrm_kopf"]
        return "\n".join(zeilen) + "\n"
    zeilen += [
        f"local tage = {{{', '.join(json.dumps(t) for t in tage or ['-'])}}}",
        "local zaehler = 0",
        # wrk's threads take turns (with two: one odd, one even), from this run's start.
        "function init(args) zaehler = nummer end",
        "function request()",
        "  zaehler = zaehler + @SCHRITT@",
        "  local tag = tage[((@START@ + zaehler) % #tage) + 1]",
        "  local inhalt = string.gsub(vorlage, '@TAG@', tag)",
        "  inhalt = string.gsub(inhalt, '@NR@', '@LAUF@' .. tostring(zaehler))",
        '  return wrk.format("POST", "/graphql", wrm_kopf, inhalt)',
        "end",
    ]
    return "\n".join(zeilen) + "\n"


def koerper(abfrage: str, variablen: dict, *, stichtag: bool, neuer_text: bool,
            feld: str, gespeichert: bool = False) -> str:
    """The JSON body with placeholders the wrk script fills (@TAG@, @NR@); `gespeichert`:
    the saved operation by its document id instead of its text (trusted documents)."""
    if neuer_text:
        abfrage = abfrage.replace(f"{feld}(", f"a@NR@: {feld}(", 1)
    werte = {**variablen, "stichtag": "@TAG@" if stichtag else None}
    if gespeichert:
        return json.dumps({"documentId": PRESSE_ID, "variables": werte})
    return json.dumps({"query": abfrage, "variables": werte})


@dataclass(frozen=True)
class Ergebnis:
    """One system under one kind of load at 2 and 16 connections."""

    zwei: Messung
    sechzehn: Messung


#: Runs so far: each gets its own alias numbers and its own half of the Stichtage.
_LAEUFE = itertools.count(1)


def _lauf(skript: str, tage: int, faeden: int) -> str:
    lauf = next(_LAEUFE)
    return (skript.replace("@LAUF@", f"{lauf}x").replace("@SCHRITT@", str(faeden))
            .replace("@START@", str(lauf % 2 * (tage // 2))))


def messen(adresse: str, skript: str, sekunden: int, tage: int = 2) -> Ergebnis:
    """wrk at 2 and 16 connections against `adresse`/graphql; `tage`: how many Stichtage the
    script takes turns with (consecutive runs use different halves). Fails when any answer
    was an error."""
    return Ergebnis(einzeln(adresse, skript, sekunden, tage, 2),
                    einzeln(adresse, skript, sekunden, tage, 16))


def einzeln(adresse: str, skript: str, sekunden: int, tage: int, verbindungen: int
            ) -> Messung:
    """One wrk run (see `messen`)."""
    messung = wrk_skript(f"{adresse}/graphql", _lauf(skript, tage, min(2, verbindungen)),
                         verbindungen, sekunden)
    assert not messung.fehler, (adresse, messung)
    return messung

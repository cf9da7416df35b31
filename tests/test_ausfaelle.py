"""Faults of the database under a running server: a German 503 that says nothing was saved,
reads that keep working on a read-only database, and recovery without a restart."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from benchmarks.dienste import freier_port, gunicorn
from tests.conftest import POSTGRES_URL, admin_token, anmelden, api_token, graphql
from tests.datenbestand import abzug
from tests.factories import ZAHLEN
from tests.welt import PASSWORT, Welt
from wrm.db import db
from wrm.models import Meldung

# Faults of the database end the connection of a request; the tests need a database of
# their own, not the rolled-back transaction every other test shares its connection with.
pytestmark = pytest.mark.echte_commits

NICHT_GESPEICHERT = "Es wurde nichts gespeichert."
LESEN = '{ kommune(name: "Kommune Eigen") { meldung { zuweisungen version } } }'


def _formular(client) -> dict:  # type: ignore[no-untyped-def]
    return {**{k: "" if v is None else v for k, v in ZAHLEN.items()}, "version": 1,
            "csrf_token": admin_token(client)}


@contextmanager
def _datenbank_gestoert(app: Flask, *, nur_schreiben: bool) -> Iterator[None]:
    """The database refuses writes ("disk is full"), or every statement ("server gone")."""
    def stoeren(conn, cursor, anweisung, parameter, kontext, viele):  # type: ignore[no-untyped-def]
        schreibend = anweisung.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if schreibend or not nur_schreiben:
            raise OperationalError(anweisung, parameter, Exception("database or disk is full"))

    with app.app_context():
        motor = db.engine
    event.listen(motor, "before_cursor_execute", stoeren)
    try:
        yield
    finally:
        event.remove(motor, "before_cursor_execute", stoeren)


def test_a_full_database_refuses_writes_in_german_and_recovers(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "eigen")
    pfad = f"/admin/meldung/edit/?id={welt.eigene_meldung}"
    with web.app_context():
        vorher = abzug()
    with _datenbank_gestoert(web, nur_schreiben=True):
        seite = client.post(pfad, data={**_formular(client), "zuweisungen": 12})
        assert seite.status_code == 503
        text = seite.get_data(as_text=True)
        assert NICHT_GESPEICHERT in text and "Vorübergehend nicht verfügbar" in text
        assert "disk is full" not in text  # no internals
        api = graphql(client, 'mutation { meldungSpeichern(kommune: "Kommune Eigen", '
                              'version: 1, eingabe: {zuweisungen: 12}) { version } }')
        assert api.status_code == 503
        fehler = api.get_json()["errors"][0]
        assert fehler["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert NICHT_GESPEICHERT in fehler["message"]
        assert client.get("/admin/uebersicht/").status_code == 200  # reads go on
        assert graphql(client, LESEN).status_code == 200
    with web.app_context():
        assert abzug() == vorher
    assert client.post(pfad, data={**_formular(client), "zuweisungen": 12}).status_code == 302


def test_a_database_that_is_gone_answers_503_and_recovers(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    with _datenbank_gestoert(web, nur_schreiben=False):
        seite = client.get("/admin/uebersicht/")
        assert seite.status_code == 503 and NICHT_GESPEICHERT in seite.get_data(as_text=True)
        api = graphql(client, "{ kommunen { name } }")
        assert api.status_code == 503
        assert api.get_json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert web.test_client().get("/login").status_code == 200  # needs no database
    assert client.get("/admin/uebersicht/").status_code == 200


def _angemeldet(url: str, name: str) -> requests.Session:
    sitzung = requests.Session()
    seite = sitzung.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', seite)
    assert token is not None
    antwort = sitzung.post(f"{url}/login", data={"name": name, "passwort": PASSWORT,
                                                 "csrf_token": token.group(1)},
                           allow_redirects=False, timeout=10)
    assert antwort.status_code == 302, antwort.text[:300]
    return sitzung


def _speichern(sitzung: requests.Session, url: str, welt: Welt, zuweisungen: int
               ) -> requests.Response:
    pfad = f"{url}/admin/meldung/edit/?id={welt.eigene_meldung}"
    seite = sitzung.get(pfad, timeout=10).text.split('id="meldung"', 1)[1]  # the report form
    werte = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                     seite).group(1),  # type: ignore[union-attr]
             "version": re.search(r'name="version" type="hidden" value="(\d+)"',
                                  seite).group(1)}  # type: ignore[union-attr]
    werte.update({k: "" if v is None else v for k, v in ZAHLEN.items()})
    werte["zuweisungen"] = zuweisungen
    return sitzung.post(pfad, data=werte, allow_redirects=False, timeout=10)


def _lesen(url: str, token: str) -> requests.Response:
    return requests.post(f"{url}/graphql", json={"query": LESEN}, timeout=10,
                         headers={"Authorization": f"Bearer {token}"})


def _ohne_dateirechte_von_root() -> tuple[str, ...]:
    # root ignores file permissions; without CAP_DAC_OVERRIDE it obeys them like anyone.
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("setpriv (util-linux) fehlt")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search")


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite-Fassung; auf PostgreSQL läuft "
                    "test_unreachable_postgresql_answers_503_and_recovers")
def test_read_only_sqlite_serves_reads_refuses_writes_and_recovers(
        web: Flask, welt: Welt, database_url: str, tmp_path: Path) -> None:
    token = api_token(web, "kreis")
    with web.app_context():
        db.engine.dispose()  # the server alone holds connections to the database
    datei = Path(urlsplit(database_url).path)
    with web.app_context():
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    umgebung = {"WRM_DATABASE_URL": database_url, "WRM_SECRET_KEY": "test",
                "WRM_INSTANCE_PATH": str(tmp_path)}
    datei.chmod(0o444)
    try:
        with gunicorn("wsgi:app", umgebung, praefix=_ohne_dateirechte_von_root()) as (url, _):
            lesen = _lesen(url, token)  # the token's last-use stamp cannot be written
            assert lesen.status_code == 200 and lesen.json()["data"]["kommune"]["meldung"] == {
                "zuweisungen": 10, "version": 1}
            sitzung = _angemeldet(url, "eigen")  # logging in writes nothing
            assert sitzung.get(f"{url}/admin/uebersicht/", timeout=10).status_code == 200
            abgelehnt = _speichern(sitzung, url, welt, 12)
            assert abgelehnt.status_code == 503
            assert NICHT_GESPEICHERT in abgelehnt.text
            for teil in datei.parent.glob(datei.name + "*"):  # the admin repairs it, with the
                teil.chmod(0o644)  # -wal/-shm files SQLite created like it; no restart
            assert _speichern(sitzung, url, welt, 12).status_code == 302
            assert _lesen(url, token).json()["data"]["kommune"]["meldung"]["zuweisungen"] == 12
    finally:
        for teil in datei.parent.glob(datei.name + "*"):
            teil.chmod(0o644)


class Weiterleitung:
    """A TCP relay in front of PostgreSQL that the test can cut and restore."""

    def __init__(self, ziel: tuple[str, int]) -> None:
        self.ziel, self.port = ziel, freier_port()
        self._hoerer: socket.socket | None = None
        self._offen: list[socket.socket] = []

    def starten(self) -> None:
        """Accept connections on `port` and relay them."""
        self._hoerer = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._annehmen, args=(self._hoerer,), daemon=True).start()

    def _annehmen(self, hoerer: socket.socket) -> None:
        while True:
            try:
                kunde, _ = hoerer.accept()
            except OSError:
                return
            server = socket.create_connection(self.ziel)
            self._offen += [kunde, server]
            for von, nach in ((kunde, server), (server, kunde)):
                threading.Thread(target=self._pumpen, args=(von, nach), daemon=True).start()

    @staticmethod
    def _pumpen(von: socket.socket, nach: socket.socket) -> None:
        try:
            while daten := von.recv(65536):
                nach.sendall(daten)
        except OSError:
            pass
        finally:
            for s in (von, nach):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def kappen(self) -> None:
        """The database is unreachable: no new connections, the open ones broken."""
        if self._hoerer is not None:
            with suppress(OSError):  # wakes the thread blocked in accept(); close() would not
                self._hoerer.shutdown(socket.SHUT_RDWR)
            self._hoerer.close()
        for verbindung in self._offen:
            with suppress(OSError):
                verbindung.shutdown(socket.SHUT_RDWR)
            verbindung.close()
        self._offen.clear()


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL-Fassung; auf SQLite läuft "
                    "test_read_only_sqlite_serves_reads_refuses_writes_and_recovers")
def test_unreachable_postgresql_answers_503_and_recovers(web: Flask, welt: Welt,
                                                        database_url: str,
                                                        tmp_path: Path) -> None:
    token = api_token(web, "kreis")
    with web.app_context():
        db.engine.dispose()  # the server alone holds connections to the database
    teile = urlsplit(database_url)
    relais = Weiterleitung((teile.hostname or "127.0.0.1", teile.port or 5432))
    relais.starten()
    ueber_relais = teile._replace(netloc=f"{teile.username}:{teile.password}@127.0.0.1:"
                                         f"{relais.port}").geturl()
    umgebung = {"WRM_DATABASE_URL": ueber_relais, "WRM_SECRET_KEY": "test",
                "WRM_INSTANCE_PATH": str(tmp_path)}
    try:
        with gunicorn("wsgi:app", umgebung) as (url, _):
            sitzung = _angemeldet(url, "eigen")
            assert _lesen(url, token).status_code == 200
            relais.kappen()
            for _ in range(3):  # each worker's pooled connections are found dead in turn
                seite = sitzung.get(f"{url}/admin/uebersicht/", timeout=30)
                assert seite.status_code == 503 and NICHT_GESPEICHERT in seite.text
                api = _lesen(url, token)
                assert api.status_code == 503
                assert api.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            abgelehnt = sitzung.post(f"{url}/admin/meldung/edit/?id={welt.eigene_meldung}",
                                     data={"zuweisungen": "12"}, allow_redirects=False,
                                     timeout=30)
            assert abgelehnt.status_code == 503
            relais.starten()
            assert sitzung.get(f"{url}/admin/uebersicht/", timeout=30).status_code == 200
            assert _speichern(sitzung, url, welt, 12).status_code == 302
            assert _lesen(url, token).json()["data"]["kommune"]["meldung"]["zuweisungen"] == 12
    finally:
        relais.kappen()
    with web.app_context():
        assert db.session.get(Meldung, welt.eigene_meldung).zuweisungen == 12


class _Verbindung:
    """A DBAPI connection of a server that may have gone away (for `_nach_ruhe_pruefen`)."""

    def __init__(self, weg: bool) -> None:
        self.weg, self.pings, self.zurueckgerollt = weg, 0, 0

    def cursor(self) -> _Verbindung:
        return self

    def execute(self, sql: str) -> None:
        self.pings += 1
        if self.weg:
            raise OSError("server closed the connection unexpectedly")

    def close(self) -> None:
        pass

    def rollback(self) -> None:
        self.zurueckgerollt += 1


def test_a_server_connection_is_tested_only_after_a_rest(monkeypatch) -> None:
    from types import SimpleNamespace

    from sqlalchemy.exc import DisconnectionError

    from wrm import db as dbmodul

    uhr = [1000.0]
    monkeypatch.setattr(dbmodul.time, "monotonic", lambda: uhr[0])
    eintrag = SimpleNamespace(info={})
    gesund = _Verbindung(weg=False)
    dbmodul._nach_ruhe_pruefen(gesund, eintrag, None)  # never used: tested
    assert (gesund.pings, gesund.zurueckgerollt) == (1, 1)
    dbmodul._benutzt(gesund, eintrag)
    uhr[0] += dbmodul.RUHE_S / 2
    dbmodul._nach_ruhe_pruefen(gesund, eintrag, None)  # in use a moment ago: no round trip
    assert gesund.pings == 1
    uhr[0] += dbmodul.RUHE_S * 2
    weg = _Verbindung(weg=True)
    with pytest.raises(DisconnectionError):  # the pool then opens a new connection
        dbmodul._nach_ruhe_pruefen(weg, eintrag, None)
    assert weg.pings == 1

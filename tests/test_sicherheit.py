"""What an attacker from outside tried: sessions that outlive logout, open redirects, framing,
oversized bodies. Each test fails on the code before the fix."""

from __future__ import annotations

import io
import json
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import admin_token, anmelden, graphql
from tests.datenbestand import abzug
from tests.welt import Welt
from wrm.db import db
from wrm.models import Meldung
from wrm.sicherheit import sicheres_ziel


def _kopie(web: Flask, original: FlaskClient) -> FlaskClient:
    """A second client holding a copy of the original's session cookie (a stolen cookie)."""
    kopie = web.test_client()
    keks = original.get_cookie("session")
    assert keks is not None
    kopie.set_cookie("session", keks.value)
    return kopie


def test_logout_ends_every_copy_of_the_session(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    kopie = _kopie(web, client)
    assert kopie.get("/admin/uebersicht/").status_code == 200
    client.post("/logout", data={"csrf_token": client.get("/_test/tokens").get_json()["wtf"]})
    assert client.get("/admin/uebersicht/").status_code == 302
    assert kopie.get("/admin/uebersicht/").status_code == 302
    antwort = graphql(kopie, "{ kommunen { name } }")
    assert antwort.status_code == 401
    assert antwort.get_json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    anmelden(client, "kreis")  # a new login works as before
    assert client.get("/admin/uebersicht/").status_code == 200


def test_session_ends_after_its_lifetime(web: Flask, welt: Welt,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    client = web.test_client()
    anmelden(client, "eigen")
    assert client.get("/admin/uebersicht/").status_code == 200
    stunden = web.config["SITZUNG_STUNDEN"]
    jetzt = time.time()

    def uhr(sekunden: float) -> object:
        """The login's clock only (the cookie's own age check keeps the real time)."""
        return type("Uhr", (), {"time": staticmethod(lambda: jetzt + sekunden)})

    # Used the whole day long, the session still ends after SITZUNG_STUNDEN.
    monkeypatch.setattr("wrm.anmeldung.time", uhr(stunden * 3600 - 60))
    assert client.get("/admin/uebersicht/").status_code == 200
    monkeypatch.setattr("wrm.anmeldung.time", uhr(stunden * 3600 + 60))
    antwort = client.get("/admin/uebersicht/")
    assert antwort.status_code == 302 and "/login" in antwort.headers["Location"]


def test_session_ends_when_left_idle(web: Flask, welt: Welt,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    client = web.test_client()
    anmelden(client, "eigen")
    keks = client.get_cookie("session")
    assert keks is not None and keks.expires is not None  # a permanent cookie, re-signed
    leerlauf = web.config["SITZUNG_LEERLAUF_MINUTEN"] * 60
    jetzt = time.time()

    class Uhr:
        """itsdangerous reads time.time() to check the cookie's age."""

        @staticmethod
        def time() -> float:
            return jetzt + leerlauf + 60

    monkeypatch.setattr("itsdangerous.timed.time", Uhr)
    assert client.get("/admin/uebersicht/").status_code == 302


def test_session_lifetime_is_configurable(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from wrm import create_app

    monkeypatch.setenv("WRM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("WRM_SITZUNG_STUNDEN", "8")
    monkeypatch.setenv("WRM_SITZUNG_LEERLAUF_MINUTEN", "30")
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite'}"})
    assert app.config["SITZUNG_STUNDEN"] == 8
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)


@pytest.mark.parametrize("ziel", [
    "https://boese.example/", "//boese.example/", "/\\boese.example", "/\t/boese.example",
    "/\n/x", "/%09/boese.example", "%2F%2Fboese.example", "/%5Cboese.example",
    "javascript:alert(1)", "http:boese.example", "/\x00x", " //boese.example", "/\u2028/x",
])
def test_no_redirect_leaves_the_site(web: Flask, welt: Welt, ziel: str) -> None:
    assert sicheres_ziel(ziel, "/admin/") == "/admin/"
    client = web.test_client()
    # A control character in the query is refused outright (400), anything else ignored.
    abgelehnt = any(ord(z) < 0x20 and z not in "\t\n\r" for z in ziel)
    erwartet_anonym = 400 if abgelehnt else 200
    assert client.get("/login", query_string={"next": ziel}).status_code == erwartet_anonym
    anmelden(client, "kreis")
    antwort = client.get("/login", query_string={"next": ziel})  # logged in: straight on
    if abgelehnt:
        assert antwort.status_code == 400
    else:
        assert antwort.status_code == 302 and antwort.headers["Location"] == "/admin/"


def test_the_raw_reported_redirects(web: Flask, welt: Welt) -> None:
    """The two URLs of the report, byte for byte: no foreign Location, no 500."""
    client = web.test_client()
    anmelden(client, "kreis")
    for pfad in ("/login?next=/%09/evil.example", "/login?next=/%0a/x"):
        antwort = client.get(pfad)
        assert antwort.status_code == 302 and antwort.headers["Location"] == "/admin/"


def test_own_targets_still_work(web: Flask, welt: Welt) -> None:
    assert sicheres_ziel("/admin/uebersicht/?stichtag=2026-01-01", "/x") == \
        "/admin/uebersicht/?stichtag=2026-01-01"
    client = web.test_client()
    anmelden(client, "kreis")
    assert client.get("/admin/kommune/new/?url=/admin/kommune/").status_code == 200
    for fremd in ("//boese.example", "https://boese.example/", "/%0d%0aSet-Cookie:x=1"):
        antwort = client.get(f"/admin/kommune/new/?url={fremd}")
        assert antwort.status_code == 400
        assert "führt nicht zu einer Seite von WRM" in antwort.get_data(as_text=True)


@pytest.mark.parametrize("pfad", ["/login", "/admin/", "/admin/uebersicht/", "/nirgends",
                                  "/admin/static/admin/js/helpers.js"])
def test_every_response_forbids_framing_and_sniffing(web: Flask, welt: Welt, pfad: str) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    with client.get(pfad) as antwort:
        kopf = antwort.headers
    assert kopf["X-Frame-Options"] == "DENY"
    assert kopf["X-Content-Type-Options"] == "nosniff"
    csp = kopf["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "Strict-Transport-Security" not in kopf  # only in production (behind TLS)
    api = graphql(client, "{ kommunen { name } }").headers
    assert api["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in \
        api["Content-Security-Policy"]


def test_production_adds_hsts(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from wrm import create_app

    monkeypatch.setenv("WRM_INSTANCE_PATH", str(tmp_path))
    app = create_app({"ENV": "production", "SECRET_KEY": "x" * 32,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    kopf = app.test_client().get("/login").headers
    assert kopf["Strict-Transport-Security"].startswith("max-age=")


def test_pages_with_figures_are_not_cached(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    assert client.get("/admin/uebersicht/").headers["Cache-Control"] == "no-store"


def test_a_chunked_megabyte_is_refused_before_it_is_read(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "eigen")
    with web.app_context():
        vorher = abzug()
    koerper = json.dumps({"query": 'mutation { meldungSpeichern(kommune: "Kommune Eigen", '
                                   'version: 1, eingabe: {bemerkung: "%s"}) { version } }'
                                   % ("x" * 1_000_000)}).encode()
    antwort = client.post("/graphql", input_stream=io.BytesIO(koerper),
                          headers={"Transfer-Encoding": "chunked",
                                   "Content-Type": "application/json"},
                          environ_overrides={"wsgi.input_terminated": True})
    assert antwort.status_code == 413
    fehler = antwort.get_json()["errors"][0]
    assert fehler["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "größer als" in fehler["message"]
    with web.app_context():
        assert abzug() == vorher


def test_oversized_form_and_overlong_note_are_refused(web: Flask, welt: Welt) -> None:
    from tests.factories import ZAHLEN

    client = web.test_client()
    anmelden(client, "eigen")
    with web.app_context():
        vorher = abzug()
    pfad = f"/admin/meldung/edit/?id={welt.eigene_meldung}"
    formular = {**{k: "" if v is None else v for k, v in ZAHLEN.items()}, "version": 1,
                "csrf_token": admin_token(client)}
    riesig = client.post(pfad, data={**formular, "bemerkung": "x" * 600_000})
    assert riesig.status_code == 413
    assert "größer als erlaubt" in riesig.get_data(as_text=True)
    lang = client.post(pfad, data={**formular, "bemerkung": "x" * 2001})
    assert lang.status_code == 200
    assert "darf höchstens 2.000 Zeichen lang sein" in lang.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher
    genau = client.post(pfad, data={**formular, "bemerkung": "x" * 2000})
    assert genau.status_code == 302
    with web.app_context():
        assert len(db.session.scalar(select(Meldung.bemerkung).where(
            Meldung.id == welt.eigene_meldung))) == 2000

"""Login, logout, password change, throttling and session cookies."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import admin_token, anmelden
from tests.welt import PASSWORT, Welt
from wrm.db import db
from wrm.models import Benutzer


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/_test/tokens").get_json()["wtf"]


def test_login_redirects_to_admin_and_wrong_password_is_refused_in_german(
        web: Flask, welt: Welt) -> None:
    client = web.test_client()
    falsch = anmelden(client, "eigen", "falsch-falsch-1")
    assert falsch.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in falsch.get_data(as_text=True)
    assert client.get("/admin/meldung/").status_code == 302  # still logged out
    richtig = anmelden(client, "eigen")
    assert richtig.status_code == 302 and richtig.headers["Location"].endswith("/admin/")


def test_unknown_user_gets_the_same_message(web: Flask, welt: Welt) -> None:
    antwort = anmelden(web.test_client(), "niemand", "irgendwas-123")
    assert antwort.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in antwort.get_data(as_text=True)


def test_deactivated_user_cannot_log_in_and_is_logged_out(web: Flask, welt: Welt) -> None:
    antwort = anmelden(web.test_client(), "inaktiv")
    assert antwort.status_code == 401
    assert "deaktiviert" in antwort.get_data(as_text=True)
    client = web.test_client()
    anmelden(client, "eigen")
    assert client.get("/admin/uebersicht/").status_code == 200
    with web.app_context():
        db.session.scalar(select(Benutzer).where(Benutzer.name == "eigen")).aktiv = False
        db.session.commit()
    assert client.get("/admin/uebersicht/").status_code == 302  # the running session ends


def test_login_without_csrf_token_is_refused(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    antwort = client.post("/login", data={"name": "eigen", "passwort": PASSWORT})
    assert antwort.status_code in (200, 400)
    assert client.get("/admin/uebersicht/").status_code == 302  # not logged in


@pytest.mark.parametrize("ziel, erwartet", [
    ("/admin/uebersicht/", "/admin/uebersicht/"),
    ("https://boese.example/", "/admin/"),
    ("//boese.example/", "/admin/"),
    ("/\\boese.example", "/admin/"),
])
def test_next_only_leads_to_own_pages(web: Flask, welt: Welt, ziel: str, erwartet: str) -> None:
    client = web.test_client()
    token = _token(client)
    antwort = client.post("/login", query_string={"next": ziel},
                          data={"name": "eigen", "passwort": PASSWORT, "csrf_token": token})
    assert antwort.status_code == 302
    assert antwort.headers["Location"] == erwartet


def test_repeated_failures_lock_with_a_clear_message(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    status = [anmelden(client, "eigen", f"falsch-{i:06d}").status_code for i in range(5)]
    assert status == [401] * 5
    gesperrt = anmelden(client, "eigen")  # even the right password now waits
    assert gesperrt.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in gesperrt.get_data(as_text=True)
    # another account from the same address is not locked by these failures
    assert anmelden(web.test_client(), "kreis").status_code == 302


def test_successful_logins_do_not_count_as_failures(web: Flask, welt: Welt) -> None:
    for _ in range(8):
        assert anmelden(web.test_client(), "presse").status_code == 302


def test_logout_needs_post_with_token(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "eigen")
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={})  # no token: stays logged in
    assert client.get("/admin/uebersicht/").status_code == 200
    client.post("/logout", data={"csrf_token": _token(client)})
    assert client.get("/admin/uebersicht/").status_code == 302


def test_password_change_checks_and_ends_other_sessions(web: Flask, welt: Welt) -> None:
    hier, dort = web.test_client(), web.test_client()
    anmelden(hier, "eigen")
    anmelden(dort, "eigen")
    neu = "ganz-neues-passwort-42"

    def aendern(altes: str, neues: str, wiederholung: str):  # type: ignore[no-untyped-def]
        return hier.post("/passwort", data={"altes": altes, "neues": neues,
                                            "wiederholung": wiederholung,
                                            "csrf_token": _token(hier)})

    assert "bisherige Passwort ist falsch" in aendern("falsch-000000", neu, neu).get_data(
        as_text=True)
    assert "mindestens 10 Zeichen" in aendern(PASSWORT, "kurz", "kurz").get_data(as_text=True)
    assert "stimmen nicht überein" in aendern(PASSWORT, neu, neu + "x").get_data(as_text=True)
    assert anmelden(web.test_client(), "eigen").status_code == 302  # nothing changed yet
    assert aendern(PASSWORT, neu, neu).status_code == 302
    assert hier.get("/admin/uebersicht/").status_code == 200  # this session goes on
    assert dort.get("/admin/uebersicht/").status_code == 302  # the other one ends
    assert anmelden(web.test_client(), "eigen", neu).status_code == 302
    assert anmelden(web.test_client(), "eigen").status_code == 401


def test_session_cookie_is_httponly_and_lax(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    antwort = anmelden(client, "eigen")
    cookie = antwort.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production (see test_konfiguration)


def test_login_page_is_german(web: Flask) -> None:
    seite = web.test_client().get("/login").get_data(as_text=True)
    assert 'lang="de"' in seite and "Benutzername" in seite and "Anmelden" in seite


def test_the_county_cannot_deactivate_itself_by_bulk_action(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis", PASSWORT)
    with web.app_context():
        ich = db.session.scalar(select(Benutzer).where(Benutzer.name == "kreis"))
        presse = db.session.scalar(select(Benutzer).where(Benutzer.name == "presse"))
        kennungen = [ich.id, presse.id]
    antwort = client.post("/admin/benutzer/action/", data={
        "action": "deaktivieren", "rowid": kennungen, "csrf_token": admin_token(client)},
        follow_redirects=True)
    text = antwort.get_data(as_text=True)
    assert "Sie können sich nicht selbst deaktivieren" in text and "1 Benutzer deaktiviert" in text
    with web.app_context():
        aktiv = dict(db.session.execute(select(Benutzer.name, Benutzer.aktiv)).all())
    assert aktiv["kreis"] is True and aktiv["presse"] is False


def test_login_creates_both_csrf_secrets_at_once(web: Flask, welt: Welt) -> None:
    # Created later by the first page with a form, a secret could be lost to a static file's
    # response re-signing the older cookie at the same moment: that form would then get 400.
    client = web.test_client()
    seite = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', seite).group(1)  # type: ignore[union-attr]
    with client.session_transaction() as sitzung:
        assert "csrf" not in sitzung  # no admin form was shown yet
    antwort = client.post("/login", data={"name": "eigen", "passwort": PASSWORT,
                                          "csrf_token": token})
    assert antwort.status_code == 302
    with client.session_transaction() as sitzung:
        assert sitzung.get("csrf") and sitzung.get("csrf_token")

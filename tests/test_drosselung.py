"""Login throttling: counted before the password is checked, whatever the body encoding, per real
client behind a proxy, and across gunicorn workers through Redis (against a running server)."""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from flask import Flask

from benchmarks.dienste import gunicorn
from tests.conftest import anmelden
from tests.welt import PASSWORT, Welt
from wrm.db import db

REDIS_URL = os.environ.get("WRM_TEST_REDIS_URL")


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/_test/tokens").get_json()["wtf"]


def test_a_locked_user_stays_locked_when_the_form_is_sent_as_json(web: Flask,
                                                                  welt: Welt) -> None:
    client = web.test_client()
    for nummer in range(5):
        assert anmelden(client, "eigen", f"falsch-{nummer:06d}").status_code == 401
    json_anmeldung = client.post("/login", json={"name": "eigen", "passwort": PASSWORT,
                                                 "csrf_token": _token(client)})
    assert json_anmeldung.status_code == 429
    assert client.get("/admin/uebersicht/").status_code == 302  # not logged in
    # Upper case and blanks are the same user name for the counter.
    gross = client.post("/login", json={"name": "  EIGEN ", "passwort": PASSWORT,
                                        "csrf_token": _token(client)})
    assert gross.status_code == 429


def test_a_successful_login_forgets_earlier_failures(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    for nummer in range(4):
        anmelden(client, "eigen", f"falsch-{nummer:06d}")
    assert anmelden(client, "eigen").status_code == 302
    client.post("/logout", data={"csrf_token": _token(client)})
    for nummer in range(4):  # four more are allowed again
        assert anmelden(client, "eigen", f"falsch-{nummer:06d}").status_code == 401


def test_behind_a_proxy_each_real_client_is_counted_on_its_own(web: Flask, welt: Welt) -> None:
    def versuche(app: Flask, weitergeleitet: str) -> int:
        client = app.test_client()
        token = _token(client)
        return client.post("/login", data={"name": "eigen", "passwort": "falsch-123456",
                                           "csrf_token": token},
                           headers={"X-Forwarded-For": weitergeleitet}).status_code

    # Without a configured proxy the header is ignored: changing it does not escape the lock.
    assert [versuche(web, f"10.0.0.{n}") for n in range(6)] == [401] * 5 + [429]

    from tests.datenbanken import testweg
    from wrm import create_app

    hinter_proxy = testweg(create_app({**web.config, "PROXY_ANZAHL": 1}))
    assert [versuche(hinter_proxy, "10.0.1.1") for _ in range(6)] == [401] * 5 + [429]
    assert versuche(hinter_proxy, "10.0.1.2") == 401  # another client is not locked
    with hinter_proxy.app_context():
        db.engine.dispose()


def _anmeldeformular(url: str) -> tuple[requests.Session, str]:
    sitzung = requests.Session()
    seite = sitzung.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', seite)
    assert token is not None, seite[:500]
    return sitzung, token.group(1)


@pytest.mark.skipif(not REDIS_URL and os.environ.get("CI") != "true",
                    reason="kein Redis (scripts/redis.sh startet oder installiert es)")
def test_parallel_guesses_against_two_workers_are_counted_once(
        welt: Welt, database_url: str, tmp_path: Path) -> None:
    """Twelve wrong passwords at the same moment, spread over two gunicorn workers with six
    threads each that count in Redis: exactly five are checked, seven refused unchecked."""
    assert REDIS_URL, "WRM_TEST_REDIS_URL fehlt (scripts/test.sh setzt sie)"
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()

    umgebung = {"WRM_DATABASE_URL": database_url, "WRM_SECRET_KEY": "drossel",
                "WRM_INSTANCE_PATH": str(tmp_path), "WRM_RATELIMIT_STORAGE_URI": REDIS_URL,
                "WRM_ANMELDUNG_LIMIT": "5 per minute"}
    with gunicorn("wsgi:app", umgebung, threads=6) as (url, _):
        formulare = [_anmeldeformular(url) for _ in range(12)]
        start = threading.Barrier(len(formulare))

        def raten(formular: tuple[requests.Session, str]) -> int:
            sitzung, token = formular
            start.wait()
            return sitzung.post(f"{url}/login", data={
                "name": "eigen", "passwort": "falsch-falsch", "csrf_token": token},
                allow_redirects=False, timeout=30).status_code

        with ThreadPoolExecutor(len(formulare)) as pool:
            status = sorted(pool.map(raten, formulare))
        assert status == [401] * 5 + [429] * 7, status
        sitzung, token = _anmeldeformular(url)  # the right password waits too
        assert sitzung.post(f"{url}/login", data={"name": "eigen", "passwort": PASSWORT,
                                                  "csrf_token": token},
                            allow_redirects=False, timeout=10).status_code == 429

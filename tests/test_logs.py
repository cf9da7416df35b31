"""Log lines for the county's IT (issue 27): with `WRM_LOG_FORMAT=json` every line gunicorn
and WRM write is one JSON object, requests with their fields, and no password or token of the
run anywhere; every response names its request id."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from flask import Flask

from benchmarks.dienste import gunicorn
from tests.conftest import api_token
from tests.welt import PASSWORT, Welt

ANFRAGEFELDER = {"zeit", "stufe", "nachricht", "anfrage_id", "methode", "pfad", "status",
                 "dauer_ms", "benutzer_id"}


def test_every_response_names_its_request_id(web: Flask) -> None:
    client = web.test_client()
    eigene = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", eigene)
    assert client.get("/healthz").headers["X-Request-ID"] != eigene
    assert client.get("/healthz", headers={"X-Request-ID": "proxy-7.a_b"}).headers[
        "X-Request-ID"] == "proxy-7.a_b"
    # Not a plain token (a line break would forge a log line): a new id instead.
    assert client.get("/healthz", headers={"X-Request-ID": "a b"}).headers[
        "X-Request-ID"] != "a b"


@pytest.mark.echte_commits
def test_json_lines_of_a_served_run_hold_no_secret(web: Flask, welt: Welt, database_url: str,
                                                   tmp_path: Path) -> None:
    token = api_token(web, "kreis")
    umgebung = {"WRM_DATABASE_URL": database_url, "WRM_SECRET_KEY": "log-test-schluessel",
                "WRM_INSTANCE_PATH": str(tmp_path), "WRM_LOG_FORMAT": "json"}
    datei = tmp_path / "ausgabe.log"
    with datei.open("wb") as ausgabe, gunicorn(
            "wsgi:app", umgebung, workers=1,
            argumente=("-c", "python:wrm.gunicorn_konfiguration"), ausgabe=ausgabe) as (url, _):
        sitzung = requests.Session()
        seite = sitzung.get(f"{url}/login", timeout=10).text
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', seite).group(1)  # type: ignore[union-attr]
        falsch = sitzung.post(f"{url}/login?x=1", data={
            "name": "kreis", "passwort": "falsches-passwort-99", "csrf_token": csrf}, timeout=10)
        assert falsch.status_code == 401
        richtig = sitzung.post(f"{url}/login", data={
            "name": "kreis", "passwort": PASSWORT, "csrf_token": csrf}, timeout=10)
        assert richtig.ok and "/login" not in richtig.url
        antwort = requests.post(f"{url}/graphql?token={token}", timeout=10, json={
            "query": "{ auswertung { zeilen { kommune { name } } } }"},
            headers={"Authorization": f"Bearer {token}"})
        assert antwort.ok
    text = datei.read_text(encoding="utf-8")
    for geheim in (PASSWORT, "falsches-passwort-99", token, "log-test-schluessel", csrf):
        assert geheim not in text
    zeilen = [json.loads(z) for z in text.splitlines() if z.strip()]
    assert all({"zeit", "stufe", "nachricht"} <= z.keys() for z in zeilen)
    assert any("Booting worker" in z["nachricht"] for z in zeilen)  # gunicorn's own line
    anfragen = [z for z in zeilen if z["nachricht"] == "Anfrage"]
    assert all(z.keys() == ANFRAGEFELDER and "?" not in z["pfad"] for z in anfragen)
    graphql = next(z for z in anfragen if z["pfad"] == "/graphql")
    assert graphql["methode"] == "POST" and graphql["status"] == 200
    assert isinstance(graphql["benutzer_id"], int)
    assert [z["benutzer_id"] for z in anfragen if z["pfad"] == "/login"][:1] == [None]

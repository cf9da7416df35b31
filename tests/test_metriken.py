"""`/metrics` (issue 27): Prometheus' format, only for the allowed addresses, and the counts
move with what happens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from benchmarks.dienste import gunicorn
from tests.conftest import anmelden, api_token, graphql
from tests.welt import Welt
from wrm import create_app
from wrm.db import db
from wrm.konfiguration import KonfigurationsFehler
from wrm.models import Kommune, Landkreis

LESEN = '{ kommune(name: "Kommune Eigen") { meldung { zuweisungen } } }'


def _werte(client, **umgebung: str) -> dict[tuple[str, tuple], float]:  # type: ignore[no-untyped-def]
    antwort = client.get("/metrics", environ_overrides=umgebung)
    assert antwort.status_code == 200, antwort.status_code
    assert antwort.mimetype == "text/plain"
    return {(probe.name, tuple(sorted(probe.labels.items()))): probe.value
            for familie in text_string_to_metric_families(antwort.get_data(as_text=True))
            for probe in familie.samples}


def _wert(werte: dict, name: str, **labels: str) -> float:
    return werte.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def eigene_app(web: Flask, database_url: str) -> Iterator[object]:
    """Apps of other settings on the test's database."""
    apps = []

    def machen(**einstellungen: object) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                          "SECRET_KEY": "test", **einstellungen})
        apps.append(app)
        return app

    yield machen
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_only_allowed_addresses_read_the_metrics(eigene_app) -> None:  # type: ignore[no-untyped-def]
    standard = eigene_app().test_client()
    for adresse, status in (("127.0.0.1", 200), ("::1", 200), ("10.1.2.3", 403),
                            ("192.168.0.9", 403)):
        assert standard.get("/metrics", environ_overrides={"REMOTE_ADDR": adresse}
                            ).status_code == status, adresse
    netz = eigene_app(METRIKEN_ERLAUBT="10.0.0.0/8, 192.168.0.9").test_client()
    for adresse, status in (("10.1.2.3", 200), ("192.168.0.9", 200), ("127.0.0.1", 403)):
        assert netz.get("/metrics", environ_overrides={"REMOTE_ADDR": adresse}
                        ).status_code == status, adresse


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(eigene_app) -> None:  # type: ignore[no-untyped-def]
    kopf = {"X-Forwarded-For": "127.0.0.1"}
    ohne_proxy = eigene_app().test_client()
    assert ohne_proxy.get("/metrics", headers=kopf, environ_overrides={
        "REMOTE_ADDR": "10.9.9.9"}).status_code == 403
    mit_proxy = eigene_app(PROXY_ANZAHL=1).test_client()
    assert mit_proxy.get("/metrics", headers=kopf, environ_overrides={
        "REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    assert mit_proxy.get("/metrics", headers={"X-Forwarded-For": "10.1.1.1"}).status_code == 403


def test_an_entry_that_is_no_address_stops_the_start() -> None:
    with pytest.raises(KonfigurationsFehler, match="WRM_METRIKEN_ERLAUBT: „intranet“"):
        create_app({"TESTING": True, "METRIKEN_ERLAUBT": "127.0.0.1,intranet"})


def test_the_counts_follow_requests_logins_caches_and_overdue_reports(
        web: Flask, welt: Welt) -> None:
    client = web.test_client()
    vorher = _werte(client)
    token = api_token(web, "kreis")
    for _ in range(3):
        assert graphql(client, LESEN, token=token).status_code == 200
    assert graphql(client, LESEN, token="wrm_falsch").status_code == 401
    assert anmelden(web.test_client(), "kreis", "falsch-falsch-1").status_code == 401
    nachher = _werte(client)

    def mehr(name: str, **labels: str) -> float:
        return _wert(nachher, name, **labels) - _wert(vorher, name, **labels)

    assert mehr("wrm_anfragen_total", gruppe="graphql", methode="POST", status="200") == 3
    assert mehr("wrm_anfragen_total", gruppe="graphql", methode="POST", status="401") == 1
    assert mehr("wrm_anfragen_total", gruppe="anmeldung", methode="POST", status="401") == 1
    assert mehr("wrm_anfrage_dauer_sekunden_count", gruppe="graphql") == 4
    assert mehr("wrm_anmeldungen_fehlgeschlagen_total", weg="token") == 1
    assert mehr("wrm_anmeldungen_fehlgeschlagen_total", weg="formular") == 1
    # The same question three times: computed once, then answered from the cache.
    assert mehr("wrm_cache_total", speicher="antworten", ergebnis="treffer") == 2
    with web.app_context():
        for landkreis in db.session.scalars(select(Landkreis)):
            kommunen = [k for k in db.session.scalars(select(Kommune).where(
                Kommune.landkreis_id == landkreis.id, Kommune.aktiv))
                if not k.des_landkreises]
            # The world's reports are all of today: overdue is who never reported.
            erwartet = sum(1 for k in kommunen if k.meldung is None)
            assert _wert(nachher, "wrm_meldungen_ueberfaellig",
                         landkreis=landkreis.name) == erwartet
    assert _wert(nachher, "wrm_meldungen_ueberfaellig", landkreis="Landkreis Osnabrück") >= 1


def test_metrics_still_answer_when_the_database_does_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/fehlt/ordner/wrm.sqlite"})
    werte = _werte(app.test_client())
    assert not [k for k in werte if k[0] == "wrm_meldungen_ueberfaellig"]
    assert _wert(werte, "wrm_datenbankfehler_total") >= 1


@pytest.mark.echte_commits
def test_one_scrape_sums_every_gunicorn_worker(web: Flask, database_url: str,
                                              tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With `PROMETHEUS_MULTIPROC_DIR` (README, Production), whichever worker answers the
    scrape counts the requests of both."""
    ordner = tmp_path / "metriken"
    ordner.mkdir()
    umgebung = {"WRM_DATABASE_URL": database_url, "WRM_SECRET_KEY": "metriken",
                "WRM_INSTANCE_PATH": str(tmp_path), "PROMETHEUS_MULTIPROC_DIR": str(ordner)}
    with gunicorn("wsgi:app", umgebung, argumente=("-c", "python:wrm.gunicorn_konfiguration",
                                                   "--log-level", "warning")) as (url, _):
        # Each request on a new connection, so both workers take some.
        for _ in range(40):
            assert requests.get(f"{url}/healthz", timeout=10).ok
        text = requests.get(f"{url}/metrics", timeout=10).text
    werte = {(p.name, tuple(sorted(p.labels.items()))): p.value
             for f in text_string_to_metric_families(text) for p in f.samples}
    # The first request (the server's start is awaited by asking "/") is not a health check.
    assert _wert(werte, "wrm_anfragen_total", gruppe="betrieb", methode="GET",
                 status="200") == 40
    assert len({p.name for p in ordner.iterdir()}) >= 2  # files of both workers

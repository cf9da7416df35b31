"""GraphQL reads run without a transaction (no BEGIN and ROLLBACK round trips), mutations in
one (`wrm.models.datenstand.ohne_transaktion_lesen` / `mit_transaktion`), on an app whose
session is not bound into a test transaction, as in production."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Connection

from tests.conftest import api_token, graphql
from wrm.db import db
from wrm.konfiguration import datenbank_url
from wrm.models import Kommune, Meldung

LESEN = '{ kommune(name: "Kommune B") { meldung { version verfuegbarDezentral } } }'
SCHREIBEN = ('mutation($v: Int!, $w: Int!) { meldungSpeichern(kommune: "Kommune B", '
             "version: $v, eingabe: {verfuegbarDezentral: $w}) { version } }")


@pytest.fixture
def demo(leere_app: Flask) -> Flask:
    """The demo on a database of its own, with an unbound session."""
    assert leere_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    return leere_app


def _isolationen(app: Flask) -> list[Any]:
    """The isolation level each statement of the app's engine ran with (None: the default,
    in a transaction)."""
    gesehen: list[Any] = []

    def merken(verbindung: Connection, *_: Any) -> None:
        gesehen.append(verbindung.get_execution_options().get("isolation_level"))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", merken)
    return gesehen


def _gespeichert(app: Flask) -> int | None:
    """Kommune B's (9) as another connection sees it (committed)."""
    with app.app_context():
        motor = create_engine(datenbank_url(str(db.engine.url.render_as_string(
            hide_password=False))))
    try:
        with motor.connect() as verbindung:
            return verbindung.scalar(select(Meldung.verfuegbar_dezentral).join(
                Kommune, Meldung.kommune_id == Kommune.id).where(Kommune.name == "Kommune B"))
    finally:
        motor.dispose()


def test_a_query_reads_without_a_transaction_and_a_mutation_writes_in_one(demo: Flask) -> None:
    token, client = api_token(demo, "landkreis"), demo.test_client()
    graphql(client, LESEN, token=token)  # the token is checked and stamped once
    gesehen = _isolationen(demo)
    meldung = graphql(client, LESEN, token=token).get_json()["data"]["kommune"]["meldung"]
    assert gesehen and set(gesehen) == {"AUTOCOMMIT"}, gesehen
    gesehen.clear()
    antwort = graphql(client, SCHREIBEN, {"v": meldung["version"], "w": 321}, token=token)
    assert antwort.get_json()["data"]["meldungSpeichern"]["version"] == meldung["version"] + 1
    assert "AUTOCOMMIT" in gesehen and gesehen[-1] != "AUTOCOMMIT"  # the writes: a transaction
    assert _gespeichert(demo) == 321
    nachher = graphql(client, LESEN, token=token).get_json()["data"]["kommune"]["meldung"]
    assert nachher == {"version": meldung["version"] + 1, "verfuegbarDezentral": 321}


def test_a_refused_mutation_leaves_nothing(demo: Flask) -> None:
    token, client = api_token(demo, "landkreis"), demo.test_client()
    meldung = graphql(client, LESEN, token=token).get_json()["data"]["kommune"]["meldung"]
    veraltet = graphql(client, SCHREIBEN, {"v": meldung["version"] - 1, "w": 5}, token=token)
    assert veraltet.get_json()["errors"][0]["extensions"]["code"] == "CONFLICT"
    zu_viel = graphql(client, SCHREIBEN, {"v": meldung["version"], "w": -3}, token=token)
    assert zu_viel.get_json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert _gespeichert(demo) == meldung["verfuegbarDezentral"]
    assert graphql(client, LESEN, token=token).get_json()["data"]["kommune"]["meldung"] == meldung

"""Each test starts from its template as it was (`tests.datenbanken`): what one test wrote,
configured, cached or counted is gone for the next. The two tests run in this order; the second
fails if any of the first one's state survived the reset between them."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from tests.conftest import anmelden, api_token, graphql
from tests.welt import PASSWORT, Welt
from wrm.api.view import Ansichtsspeicher
from wrm.db import db
from wrm.models import Art, Kommune
from wrm.models.datenstand import datenstand
from wrm.services.lesemodell import Lesemodell

ABFRAGE = '{ kommune(name: "Kommune Eigen") { name meldung { zuweisungen } } }'
#: Filled by the first test, read by the second.
ERSTER: dict[str, object] = {}


def test_1_a_test_writes_configures_caches_and_locks(web: Flask, welt: Welt) -> None:
    with web.app_context():
        ERSTER["version_vorher"] = datenstand(db.session)
        db.session.add(Kommune(name="Nur im ersten Test", landkreis_id=1, art=Art.GEMEINDE))
        db.session.commit()
        assert datenstand(db.session) != ERSTER["version_vorher"]
    web.config["MELDEFRIST_TAGE"] = 99
    assert graphql(web.test_client(), ABFRAGE, token=api_token(web, "kreis")).status_code == 200
    client = web.test_client()
    for _ in range(5):  # the login limit is 5 a minute
        assert anmelden(client, "eigen", "falsch-falsch").status_code == 401
    assert anmelden(client, "eigen", PASSWORT).status_code == 429


def test_2_the_next_test_sees_none_of_it(web: Flask, welt: Welt) -> None:
    with web.app_context():
        assert db.session.scalar(select(func.count(Kommune.id)).where(
            Kommune.name == "Nur im ersten Test")) == 0
        assert datenstand(db.session) == ERSTER["version_vorher"]
    assert web.config["MELDEFRIST_TAGE"] == 7
    # The answer the first test cached is not served: the view's stores are empty (validated
    # texts may stay, they depend on the schema and the text alone).
    gespeichert = web.extensions["wrm_zwischenspeicher"]
    ansicht = [s for s in gespeichert if isinstance(s, Ansichtsspeicher)]
    modell = [s for s in gespeichert if isinstance(s, Lesemodell)]
    assert ansicht and modell
    assert all(len(s.antworten) == len(s.ausweise) == 0 for s in ansicht)
    assert all(len(s.eintraege) == 0 for s in modell)
    # The attempts counted for "eigen" are gone: the right password logs in.
    assert anmelden(web.test_client(), "eigen", PASSWORT).status_code == 302

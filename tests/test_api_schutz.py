"""GraphQL protections: limits, POST only, GraphiQL gate, masked faults, constant query count,
the committed SDL, and the token commands."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.conftest import anmelden, graphql
from tests.datenbestand import abfragen_zaehlen
from tests.welt import Welt
from wrm.db import db
from wrm.models import Benutzer, Rolle, Token
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.tokens import token_anlegen
from wrm.zeit import heute

SDL = Path(__file__).parent.parent / "graphql" / "schema.graphql"


@pytest.fixture
def token(web: Flask, welt: Welt) -> str:
    """A county token."""
    with web.app_context():
        kreis = db.session.scalar(select(Benutzer).where(Benutzer.name == "kreis"))
        klartext = token_anlegen(db.session, benutzer=kreis)[1]
        db.session.commit()
    return klartext


def test_committed_sdl_matches_the_code() -> None:
    from wrm.api.schema import schema

    assert SDL.read_text(encoding="utf-8") == schema.as_str() + "\n", "make schema"


def _verweigert(antwort, code: int | None = None) -> str:  # type: ignore[no-untyped-def]
    assert antwort.status_code != 500
    if code is not None:
        assert antwort.status_code == code
    inhalt = antwort.get_json(silent=True) or {}
    assert not inhalt.get("data")
    return str(inhalt.get("errors") or antwort.get_data(as_text=True))


def test_depth_bomb_is_refused_quickly(web: Flask, token: str) -> None:
    tief = "kommune { meldung { " * 12 + "bedarf" + " } }" * 12
    beginn = time.perf_counter()
    antwort = graphql(web.test_client(), f"{{ kommunen {{ meldung {{ {tief} }} }} }}",
                      token=token)
    assert time.perf_counter() - beginn < 2
    assert "depth" in _verweigert(antwort)


def test_hundred_aliases_are_refused(web: Flask, token: str) -> None:
    aliase = " ".join(f"a{i}: auswertung {{ stichtag }}" for i in range(100))
    assert "aliases" in _verweigert(graphql(web.test_client(), f"{{ {aliase} }}", token=token))


def test_one_megabyte_query_is_refused_before_parsing(web: Flask, token: str) -> None:
    riesig = "{ kommunen { name } }" + " " * 1_000_000
    beginn = time.perf_counter()
    antwort = graphql(web.test_client(), riesig, token=token)
    assert time.perf_counter() - beginn < 2
    assert "größer als" in _verweigert(antwort, 413)


def test_many_tokens_are_refused(web: Flask, token: str) -> None:
    viele = "{ kommunen { " + "name " * 6000 + "} }"
    assert "token" in _verweigert(graphql(web.test_client(), viele, token=token)).lower()


def test_queries_via_get_and_form_posts_are_refused(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    per_get = client.get("/graphql", query_string={"query": "{ kommunen { name } }"})
    assert per_get.status_code in (400, 405) and b"Kommune Eigen" not in per_get.data
    # A cross-site form can send the session cookie only as a form post, never as JSON.
    formular = client.post("/graphql", data={"query": 'mutation { meldungBestaetigen('
                                                      'kommune: "Kommune Eigen", version: 1) '
                                                      '{ stand } }'})
    assert formular.status_code == 400
    with web.app_context():
        from wrm.models import Meldung

        assert db.session.get(Meldung, welt.eigene_meldung).version == 1


def test_graphiql_only_for_logged_in_users(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    seite = client.get("/graphql", headers={"Accept": "text/html"})
    assert seite.status_code == 302 and "/login" in seite.headers["Location"]
    anmelden(client, "presse")
    seite = client.get("/graphql", headers={"Accept": "text/html"})
    assert seite.status_code == 200 and b"graphiql" in seite.data.lower()
    # Served from the application itself: no outside address in the page or its policy.
    text = seite.get_data(as_text=True)
    assert "/static/graphiql/graphiql/graphiql.min.js" in text
    assert "https://" not in text and "http://" not in text.replace("http://localhost", "")
    assert "https:" not in seite.headers["Content-Security-Policy"]


def test_graphiql_off_in_production_unless_configured(tmp_path: Path, monkeypatch) -> None:
    from wrm import create_app

    monkeypatch.setenv("WRM_INSTANCE_PATH", str(tmp_path))
    for graphiql, status in ((None, 404), (True, 302)):
        konfiguration = {"ENV": "production", "SECRET_KEY": "x" * 32, "TESTING": True,
                         "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}"}
        if graphiql is not None:
            konfiguration["GRAPHIQL"] = graphiql
        app = create_app(konfiguration)
        antwort = app.test_client().get("/graphql", headers={"Accept": "text/html"})
        assert antwort.status_code == status


def test_faults_are_masked_german_and_logged(web: Flask, token: str, monkeypatch,
                                             caplog) -> None:
    from wrm.api import context
    from wrm.services import lesemodell

    def kaputt(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("SELECT geheim FROM intern")

    # Both ways to the figures: the read model's (queries) and the context's own.
    monkeypatch.setattr(lesemodell, "staende", kaputt)
    monkeypatch.setattr(context, "staende", kaputt)
    inhalt = graphql(web.test_client(), "{ kommunen { name } }", token=token).get_json()
    assert inhalt["errors"][0]["message"].startswith("Interner Fehler")
    assert "geheim" not in str(inhalt) and "Traceback" not in str(inhalt)
    assert "SELECT geheim" in caplog.text  # the operator still learns what happened


ABFRAGEN = {
    "kommunen": "{ kommunen { name art meldung { bedarf version bemerkung kommune { name } } "
                "verlauf { feld alt neu benutzer } } }",
    "auswertung": "{ auswertung { zeilen { kommune { name meldung { bedarf } } bedarf bemerkung"
                  " } gesamt { bedarf } zusammenfassung { fehlend } } }",
    # Today's Stichtag reads the history (the path of any past day) and sees all test data.
    "stichtag": f'{{ auswertung(stichtag: "{heute().isoformat()}") {{ zeilen {{ kommune {{ name }} '
                "bedarf version } } }",
}


@pytest.mark.parametrize("name", ABFRAGEN)
def test_query_count_does_not_grow_with_the_number_of_kommunen(app: Flask, name: str) -> None:
    app.config["ANTWORTCACHE"] = 0  # count the resolvers' queries, not cache hits
    with app.app_context():
        zeitraum = factories.zeitraum(date(2020, 1, 1))
        kreis = benutzer_anlegen(db.session, name="kreis", rolle=Rolle.LANDKREIS,
                                 landkreis=factories.landkreis(), passwort="sehr-geheim-123")
        token = token_anlegen(db.session, benutzer=kreis)[1]
        db.session.commit()
    anzahlen = []
    for bis in (2, 30):
        with app.app_context():
            for nummer in range(len(anzahlen) * 2, bis):
                kommune = factories.kommune(f"K{nummer:03d}")
                factories.quote(kommune, db.session.merge(zeitraum), 50)
                factories.meldung(kommune)
                factories.meldung(kommune, zuweisungen=12)
            db.session.commit()
        graphql(app.test_client(), ABFRAGEN[name], token=token)  # stamps the token's first use
        with abfragen_zaehlen(app) as gezaehlt:
            inhalt = graphql(app.test_client(), ABFRAGEN[name], token=token).get_json()
        assert "errors" not in inhalt, inhalt
        anzahlen.append(len(gezaehlt))
    assert anzahlen[0] == anzahlen[1], anzahlen


def test_token_commands_issue_list_and_revoke(web: Flask, welt: Welt) -> None:
    runner = web.test_cli_runner()
    ausgabe = runner.invoke(args=["token", "anlegen", "presse", "--name", "Skript"])
    klartext = ausgabe.output.strip().splitlines()[-1]
    with web.app_context():
        gespeichert = db.session.scalar(select(Token))
        assert klartext not in gespeichert.hash and len(gespeichert.hash) == 64
    client = web.test_client()
    assert graphql(client, "{ kommunen { name } }", token=klartext).status_code == 200
    liste = runner.invoke(args=["token", "liste", "presse"]).output
    assert "Skript" in liste and "gültig" in liste and klartext not in liste
    widerruf = runner.invoke(args=["token", "widerrufen", "presse", "--name", "Skript"])
    assert widerruf.exit_code == 0 and "1 Token(s) widerrufen" in widerruf.output
    assert graphql(client, "{ kommunen { name } }", token=klartext).status_code == 401
    nochmal = runner.invoke(args=["token", "widerrufen", "presse"])
    assert nochmal.exit_code == 1 and "Kein gültiger Token" in nochmal.output
    unbekannt = runner.invoke(args=["token", "anlegen", "niemand"])
    assert unbekannt.exit_code == 1 and "gibt es nicht" in unbekannt.output
    inaktiv = runner.invoke(args=["token", "anlegen", "inaktiv"])
    assert inaktiv.exit_code == 1 and "deaktiviert" in inaktiv.output

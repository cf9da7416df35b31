"""One rule for names (`wrm.namen`): spaces around and inside a name never make it another one,
wherever it is entered (screens, command line, imports) or asked for (GraphQL, command line);
a new name that differs from an existing one only in spaces or case is refused."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from tests.conftest import admin_token, anmelden, graphql
from tests.factories import ZAHLEN
from tests.welt import Welt
from wrm.db import db
from wrm.models import Benutzer, Kommune, Landkreis, Rolle, Token, Vereinbarung, Verteilzeitraum
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.pruefung import Validierungsfehler
from wrm.services.tokens import token_anlegen

#: "Kommune Eigen" as typed or pasted from a spreadsheet.
VERSCHMUTZT = " kommune\u00a0 Eigen\t"


def test_the_rule() -> None:
    assert name_bereinigen("  Kommune \t A \u00a0") == "Kommune A"
    assert name_bereinigen("Gemeinde Bad Essen") == "Gemeinde Bad Essen"
    assert name_bereinigen("Bu\u0308ren") == "Büren"  # composed, as typed on another system
    assert namensschluessel(VERSCHMUTZT) == namensschluessel("Kommune Eigen")
    assert namensschluessel("Kommune A") != namensschluessel("Kommune AB")


def test_graphql_finds_a_kommune_with_stray_spaces_in_queries_and_mutations(
        web: Flask, welt: Welt) -> None:
    with web.app_context():
        token = token_anlegen(db.session, benutzer=db.session.scalar(
            select(Benutzer).where(Benutzer.name == "kreis")))[1]
        db.session.commit()
    client = web.test_client()
    gelesen = graphql(client, "query($n: String!) { kommune(name: $n) { name } }",
                      {"n": VERSCHMUTZT}, token=token).get_json()
    assert gelesen == {"data": {"kommune": {"name": "Kommune Eigen"}}}
    angefragt = graphql(client, "mutation($z: String!) { vereinbarungAnfragen(zuweisend: $z, "
                                "aufnehmend: \" Kommune Fremd \", personen: 1) "
                                "{ zuweisend aufnehmend } }",
                        {"z": VERSCHMUTZT}, token=token).get_json()
    assert angefragt == {"data": {"vereinbarungAnfragen": {
        "zuweisend": "Kommune Eigen", "aufnehmend": "Kommune Fremd"}}}, angefragt


def test_screens_store_names_trimmed_and_refuse_a_second_spelling(web: Flask,
                                                                  welt: Welt) -> None:
    with web.app_context():  # the world's period is open-ended: end it before the new ones
        db.session.scalar(select(Verteilzeitraum)).ende = date(2030, 12, 31)
        db.session.commit()
    client = web.test_client()
    anmelden(client, "kreis")

    def speichern(pfad: str, **felder: str) -> str:
        daten = {"csrf_token": admin_token(client), **felder}
        return client.post(pfad, data=daten, follow_redirects=True).get_data(as_text=True)

    speichern("/admin/kommune/new/", name="  Neustadt \u00a0am  See ", art="Gemeinde")
    seite = speichern("/admin/kommune/new/", name=VERSCHMUTZT, art="Gemeinde")
    assert "Die Kommune „Kommune Eigen“ gibt es schon." in seite
    speichern("/admin/verteilzeitraum/new/", name=" P 2031 ", beginn="2031-01-01",
              ende="2031-12-31", kontingent="")
    seite = speichern("/admin/verteilzeitraum/new/", name="p  2031", beginn="2032-01-01",
                      ende="", kontingent="")
    assert "Einen Verteilzeitraum „P 2031“ gibt es schon." in seite
    with web.app_context():
        kreis = db.session.scalar(select(Landkreis).where(Landkreis.name == "Landkreis Osnabrück"))
        kommunen = db.session.scalars(select(Kommune.name).where(
            Kommune.landkreis_id == kreis.id)).all()
        zeitraeume = db.session.scalars(select(Verteilzeitraum.name)).all()
    assert sorted(kommunen) == ["Kommune Eigen", "Kommune Fremd", "Kommune Leer",
                                "Neustadt am See"]
    assert sorted(zeitraeume) == ["P 2031", "Verteilzeitraum ab 01.01.2020"]


def test_the_command_line_trims_names_too(web: Flask, welt: Welt, runner: FlaskCliRunner,
                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    with web.app_context():
        db.session.scalar(select(Verteilzeitraum)).ende = date(2039, 12, 31)
        db.session.commit()
    ergebnis = runner.invoke(args=["zeitraum", "anlegen", "  P 2040 ", "--beginn", "2040-01-01"])
    assert ergebnis.exit_code == 0, ergebnis.output
    ergebnis = runner.invoke(args=["zeitraum", "anlegen", "p 2040", "--beginn", "2041-01-01"])
    assert ergebnis.exit_code == 1 and "Einen Verteilzeitraum „P 2040“ gibt es schon." in \
        ergebnis.output
    ergebnis = runner.invoke(args=["token", "anlegen", " kreis ", "--name", " Skript  1 "])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert runner.invoke(args=["token", "widerrufen", "kreis ", "--name", "Skript 1"]
                         ).exit_code == 0
    ergebnis = runner.invoke(args=["quoten", "anpassen", VERSCHMUTZT, "--art", "entlastung",
                                   "--personen", "2", "--grund", "Landesaufnahme",
                                   "--zeitraum", " p 2040"])
    assert ergebnis.exit_code == 0, ergebnis.output
    datei = tmp_path / "meldungen.csv"
    werte = {**ZAHLEN, "zuweisungen": 17}
    zeile = [" Kommune  Fremd ", ""] + ["" if v is None else str(v) for v in werte.values()]
    datei.write_text(";".join(["kommune", "aufnahmequote", *werte]) + "\n" + ";".join(zeile)
                     + "\n", encoding="utf-8")
    ergebnis = runner.invoke(args=["import", str(datei)])
    assert ergebnis.exit_code == 0, ergebnis.output
    with web.app_context():
        assert db.session.scalars(select(Verteilzeitraum.name).order_by(
            Verteilzeitraum.beginn)).all() == ["Verteilzeitraum ab 01.01.2020", "P 2040"]
        assert db.session.scalars(select(Token.name)).all() == ["Skript 1"]
        fremd = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune Fremd"))
        assert fremd.meldung.zuweisungen == 17
        assert db.session.scalar(select(Vereinbarung.id)) is None


def test_a_user_name_differing_only_in_case_or_spaces_is_refused(ctx: None,
                                                                  welt: Welt) -> None:
    kreis = db.session.scalar(select(Landkreis).where(Landkreis.name == "Landkreis Osnabrück"))
    try:
        benutzer_anlegen(db.session, name=" Kreis ", rolle=Rolle.PRESSE, landkreis=kreis,
                         passwort="sehr-geheim-123")
    except Validierungsfehler as fehler:
        assert fehler.fehler == {"name": "Den Benutzer „kreis“ gibt es schon."}
    else:
        raise AssertionError("angelegt")
    neu = benutzer_anlegen(db.session, name="  Presse \u00a0Zwei ", rolle=Rolle.PRESSE,
                           landkreis=kreis, passwort="sehr-geheim-123")
    assert neu.name == "Presse Zwei"

"""Overdue reports: marked on the screen, `veraltet` in GraphQL, and a reminder e-mail via a
local SMTP server; an up-to-date report gets none."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from tests import factories
from tests.conftest import anmelden, graphql
from tests.postfach import Briefkasten, freier_port
from wrm.db import db
from wrm.models import Rolle
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.tokens import token_anlegen


@pytest.fixture
def zwei_kommunen(web: Flask) -> str:
    """Kommune Alt reported 10 days ago, Kommune Neu today; a user with e-mail each."""
    with web.app_context():
        zeitraum = factories.zeitraum(date(2020, 1, 1))
        kreis = factories.landkreis()
        for name, alter in (("Alt", 10), ("Neu", 0)):
            kommune = factories.kommune(f"Kommune {name}")
            factories.quote(kommune, zeitraum, 40)
            factories.meldung(kommune, um=datetime.now(UTC) - timedelta(days=alter, hours=1))
            benutzer_anlegen(db.session, name=name.lower(), rolle=Rolle.KOMMUNE, kommune=kommune,
                             landkreis=kreis, email=f"{name.lower()}@kommune.test",
                             passwort="sehr-geheim-123")
        # a Kommune that never reported, whose user has no e-mail address
        benutzer_anlegen(db.session, name="leer", rolle=Rolle.KOMMUNE,
                         kommune=factories.kommune("Kommune Leer"), landkreis=kreis,
                         passwort="sehr-geheim-123")
        kreisbenutzer = benutzer_anlegen(db.session, name="kreis", rolle=Rolle.LANDKREIS,
                                         landkreis=kreis, passwort="sehr-geheim-123")
        token = token_anlegen(db.session, benutzer=kreisbenutzer)[1]
        db.session.commit()
    return token


def test_backdated_report_is_overdue_everywhere_and_gets_a_reminder(
        web: Flask, zwei_kommunen: str, briefkasten: Briefkasten) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    seite = client.get("/admin/auswertung/").get_data(as_text=True)
    assert "1 von 3 Kommunen haben in den letzten 7 Tagen gemeldet" in seite
    zeilen = {name: zeile for name, zeile in
              ((z.split("</a>")[0].rsplit(">", 1)[-1], z)
               for z in seite.split('<tr')[1:] if "</a>" in z)}
    assert "überfällig" in zeilen["Kommune Alt"] and "überfällig" not in zeilen["Kommune Neu"]
    assert "(10 Tage)" in zeilen["Kommune Alt"]

    veraltet = graphql(client, "{ kommunen { name meldung { veraltet } } }",
                       token=zwei_kommunen).get_json()["data"]["kommunen"]
    assert {k["name"]: (k["meldung"] or {}).get("veraltet") for k in veraltet} == {
        "Kommune Alt": True, "Kommune Neu": False, "Kommune Leer": None}
    ueberfaellig = graphql(client, "{ kommunen(nurVeraltet: true) { name } }",
                           token=zwei_kommunen).get_json()["data"]["kommunen"]
    assert [k["name"] for k in ueberfaellig] == ["Kommune Alt", "Kommune Leer"]

    runner = web.test_cli_runner()
    probe = runner.invoke(args=["erinnern", "--dry-run"])
    assert probe.exit_code == 0 and "Würde erinnern: alt" in probe.output
    assert briefkasten.post == []
    ergebnis = runner.invoke(args=["erinnern"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "Keine E-Mail-Adresse: leer" in ergebnis.output
    assert [m["To"] for m in briefkasten.post] == ["alt@kommune.test"]
    mail = briefkasten.post[0]
    text = mail.get_payload(decode=True).decode("utf-8")
    assert "Kommune Alt" in mail["Subject"] and "melden" in mail["Subject"]
    assert "https://wrm.kreis.test/admin/meine-meldung/" in text
    assert "Angaben unverändert bestätigen" in text and "7 Tage" in text


def test_smtp_failure_is_reported_in_german(web: Flask, zwei_kommunen: str) -> None:
    web.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=freier_port())
    ergebnis = web.test_cli_runner().invoke(args=["erinnern"])
    assert ergebnis.exit_code == 1 and "Versand fehlgeschlagen" in ergebnis.output


def test_nobody_overdue_sends_nothing(web: Flask, zwei_kommunen: str,
                                      briefkasten: Briefkasten) -> None:
    from wrm.models import Landkreis

    with web.app_context():
        db.session.query(Landkreis).update({"meldefrist_tage": 30})
        db.session.commit()
    ergebnis = web.test_cli_runner().invoke(args=["erinnern"])
    assert "0 Erinnerung(en) versandt; Meldefrist 30 Tage." in ergebnis.output
    assert briefkasten.post == []


def test_address_set_on_the_user_screen_gets_the_reminder(
        web: Flask, zwei_kommunen: str, briefkasten: Briefkasten) -> None:
    """The county gives "leer" an address through the screen (email-validator checks it);
    the next reminder run reaches it."""
    from sqlalchemy import select

    from tests.conftest import admin_token
    from wrm.models import Benutzer

    client = web.test_client()
    anmelden(client, "kreis")
    with web.app_context():
        leer = db.session.scalar(select(Benutzer).where(Benutzer.name == "leer"))
        kennung, kommune_id = leer.id, leer.kommune_id
    pfad = f"/admin/benutzer/edit/?id={kennung}"
    formular = {"rolle": "kommune", "kommune": str(kommune_id), "aktiv": "y",
                "csrf_token": admin_token(client)}
    falsch = client.post(pfad, data={**formular, "email": "kein-at-zeichen"})
    assert falsch.status_code == 200 and "Keine gültige E-Mail-Adresse." in falsch.get_data(
        as_text=True)
    assert client.post(pfad, data={**formular, "email": "leer@kommune-leer.de"}).status_code == 302
    with web.app_context():
        assert db.session.get(Benutzer, kennung).email == "leer@kommune-leer.de"
    ergebnis = web.test_cli_runner().invoke(args=["erinnern"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert sorted(m["To"] for m in briefkasten.post) == ["alt@kommune.test", "leer@kommune-leer.de"]

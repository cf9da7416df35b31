"""E-mails about agreements: queued with each change, sent by `wrm benachrichtigen` to the
users of both Kommunen over a real local SMTP server, kept when the server is down."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.postfach import Briefkasten, freier_port
from tests.welt import Welt
from wrm.db import db
from wrm.models import (
    Benachrichtigung,
    Benutzer,
    Kommune,
    Vereinbarung,
    Vereinbarungsstatus,
)
from wrm.services import vereinbarungen as dienst
from wrm.services.pruefung import Validierungsfehler


def _adressen(web: Flask) -> None:
    with web.app_context():
        for name in ("eigen", "fremd", "kreis"):
            benutzer = db.session.scalar(select(Benutzer).where(Benutzer.name == name))
            benutzer.email = f"{name}@kommune.test"  # type: ignore[union-attr]
        db.session.commit()


def _weg(web: Flask) -> int:
    with web.app_context():
        def kommune(name: str) -> Kommune:
            return db.session.scalar(select(Kommune).where(Kommune.name == name))  # type: ignore[return-value]
        v = dienst.vereinbarung_anlegen(db.session, benutzer=None, system="Test", angaben=(
            dienst.Vereinbarungsangaben(zuweisend=kommune("Kommune Eigen"),
                                        aufnehmend=kommune("Kommune Fremd"), personen=5)))
        dienst.status_setzen(db.session, vereinbarung=v, ziel=Vereinbarungsstatus.ZUGESAGT,
                             version=v.version, benutzer=None, system="Test")
        db.session.commit()
        return v.id


def test_both_kommunen_get_an_email_for_every_change(web: Flask, welt: Welt,
                                                     briefkasten: Briefkasten) -> None:
    _adressen(web)
    kennung = _weg(web)
    ergebnis = web.test_cli_runner().invoke(args=["benachrichtigen"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "4 Benachrichtigung(en) versandt." in ergebnis.output
    post = sorted((str(m["To"]), str(m["Subject"])) for m in briefkasten.post)
    assert post == sorted(
        (f"{n}@kommune.test", "Wohnraummanagement: Vereinbarung Kommune Eigen → Kommune Fremd "
                              f"{was}") for n in ("eigen", "fremd") for was in ("angefragt",
                                                                                "zugesagt"))
    text = briefkasten.post[0].get_content()
    assert f"Vereinbarung Nr. {kennung}" in text and "Personen: 5 Personen" in text
    assert "Zugewiesen an: Kommune Eigen" in text and "Untergebracht in: Kommune Fremd" in text
    # Nothing is sent twice.
    assert "0 Benachrichtigung(en)" in web.test_cli_runner().invoke(
        args=["benachrichtigen"]).output
    assert len(briefkasten.post) == 4


def test_a_refused_step_queues_nothing(web: Flask, welt: Welt) -> None:
    _adressen(web)
    kennung = _weg(web)
    with web.app_context():
        vorher = db.session.scalar(select(func.count(Benachrichtigung.id)))
        v = db.session.get(Vereinbarung, kennung)
        with pytest.raises(Validierungsfehler):
            dienst.status_setzen(db.session, vereinbarung=v,  # type: ignore[arg-type]
                                 ziel=Vereinbarungsstatus.BEENDET, version=v.version,  # type: ignore[union-attr]
                                 benutzer=None, system="Test")
        db.session.rollback()
        assert db.session.scalar(select(func.count(Benachrichtigung.id))) == vorher


def test_when_the_server_is_down_the_emails_wait_and_the_reason_is_german(
        web: Flask, welt: Welt) -> None:
    _adressen(web)
    _weg(web)
    web.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=freier_port())
    ergebnis = web.test_cli_runner().invoke(args=["benachrichtigen"])
    assert ergebnis.exit_code == 1
    assert "E-Mail-Versand fehlgeschlagen" in ergebnis.output
    with web.app_context():
        offen = db.session.scalars(select(Benachrichtigung)).all()
        assert len(offen) == 4
        assert all(b.gesendet_am is None and b.versuche == 1 for b in offen)

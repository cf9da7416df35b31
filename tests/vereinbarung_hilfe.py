"""Helpers of the agreement screen tests: a Kommune by name, an agreement taken through some
steps, a logged-in client, an agreement's status and version."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.conftest import anmelden
from wrm.db import db
from wrm.models import Kommune, Vereinbarung, Vereinbarungsstatus
from wrm.services import vereinbarungen as dienst

S = Vereinbarungsstatus


def kommune_namens(name: str) -> Kommune:
    """The Kommune of that name (inside an app context)."""
    return db.session.scalar(select(Kommune).where(Kommune.name == name))  # type: ignore[return-value]


def vereinbarung_zwischen(web: Flask, zuweisend: str, aufnehmend: str, *schritte: S) -> int:
    """An agreement of 6 persons taken through `schritte` by the CLI's trusted path; its id.
    (Whether the host has 6 free places is not the point here: an overbooking is confirmed.)"""
    with web.app_context():
        v = dienst.vereinbarung_anlegen(db.session, benutzer=None, system="Test", angaben=(
            dienst.Vereinbarungsangaben(zuweisend=kommune_namens(zuweisend),
                                        aufnehmend=kommune_namens(aufnehmend), personen=6)),
            ueberbelegung_bestaetigt=True)
        for ziel in schritte:
            dienst.status_setzen(db.session, vereinbarung=v, ziel=ziel, version=v.version,
                                 benutzer=None, system="Test", ueberbelegung_bestaetigt=True)
        db.session.commit()
        return v.id


def angemeldet(web: Flask, name: str):  # type: ignore[no-untyped-def]
    """A test client logged in as `name`."""
    client = web.test_client()
    assert anmelden(client, name).status_code == 302
    return client


def stand_von(web: Flask, kennung: int) -> tuple[S, int]:
    """An agreement's status and version."""
    with web.app_context():
        v = db.session.get(Vereinbarung, kennung)
        return v.status, v.version  # type: ignore[union-attr]

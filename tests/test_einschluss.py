"""Including an agreement is part of saving the report: one save changes the figures and marks
the agreement as contained in them, so no figure counts a move twice or not at all in between,
and the county's `fehlend` does not depend on which side reports first."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.conftest import admin_token, anmelden
from tests.datenbestand import abzug
from tests.vereinbarung_hilfe import stand_von, vereinbarung_zwischen
from tests.welt import Welt
from wrm import kennzahlen
from wrm.db import db
from wrm.models import Kommune, Vereinbarung, Vereinbarungsstatus
from wrm.services.stand import staende

S = Vereinbarungsstatus


def _zahlen(app: Flask) -> tuple[dict[str, int | None], int]:
    """Each Kommune's Bedarf and the county's fehlend, now."""
    with app.app_context():
        kreis = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune Eigen")).landkreis
        zeilen = [s.zeile for s in staende(db.session, landkreis=kreis)]
        return ({z.kommune: z.bedarf for z in zeilen},
                kennzahlen.zusammenfassen(zeilen).fehlend)


def _speichern(app: Flask, name: str, meldung_id: int, *, enthalten: list[str],
               **werte: object) -> str:
    """Save the report of `name`'s Kommune through the form, with the ticked agreements."""
    client = app.test_client()
    assert anmelden(client, name).status_code == 302
    with app.app_context():
        version = db.session.get_one(Kommune, db.session.scalar(
            select(Kommune.id).join(Kommune.meldung).where(
                Kommune.meldung.has(id=meldung_id)))).meldung.version
    daten = {k: "" if v is None else v for k, v in {**factories.ZAHLEN, **werte}.items()}
    daten.update({"version": version, "csrf_token": admin_token(client), "enthalten": enthalten})
    antwort = client.post(f"/admin/meldung/edit/?id={meldung_id}", data=daten,
                          follow_redirects=True)
    return antwort.get_data(as_text=True)


def test_one_save_moves_the_figures_and_includes_the_agreement(web: Flask, welt: Welt) -> None:
    bedarf_vorher, fehlend_vorher = _zahlen(web)
    # Kommune Fremd promises to house 4 persons allocated to Kommune Eigen.
    kennung = vereinbarung_zwischen(web, "Kommune Eigen", "Kommune Fremd", S.ZUGESAGT)
    zugesagt, fehlend = _zahlen(web)
    assert fehlend == fehlend_vorher
    assert zugesagt["Kommune Fremd"] == bedarf_vorher["Kommune Fremd"] + 6
    assert zugesagt["Kommune Eigen"] == bedarf_vorher["Kommune Eigen"] - 6

    # The host's form offers the agreement; its report has 6 free places fewer (4 + 2 → 0).
    seite = web.test_client()
    assert anmelden(seite, "fremd").status_code == 302
    formular = seite.get(f"/admin/meldung/edit/?id={welt.fremde_meldung}").get_data(
        as_text=True)
    wert = f"{kennung}:{stand_von(web, kennung)[1]}"
    assert f'name="enthalten" value="{wert}"' in formular
    _speichern(web, "fremd", welt.fremde_meldung, enthalten=[wert],
               verfuegbar_gemeinschaftsunterkunft=0, verfuegbar_dezentral=0)
    nach_aufnehmender, fehlend = _zahlen(web)
    assert nach_aufnehmender == zugesagt  # neither side's Bedarf moved
    assert fehlend == fehlend_vorher  # not −6 or +6 until the other side reports
    with web.app_context():
        v = db.session.get_one(Vereinbarung, kennung)
        assert v.aufnehmend_beruecksichtigt_am is not None
        assert v.zuweisend_beruecksichtigt_am is None

    # The allocated Kommune reports the 6 persons in (1): again nothing counts twice.
    wert = f"{kennung}:{stand_von(web, kennung)[1]}"
    seite = _speichern(web, "eigen", welt.eigene_meldung, enthalten=[wert], zuweisungen=16)
    assert _zahlen(web) == (zugesagt, fehlend_vorher)
    assert "Hinweis" not in seite  # the report moved by the agreement's persons


def test_a_stale_agreement_saves_neither_the_report_nor_the_inclusion(web: Flask,
                                                                      welt: Welt) -> None:
    kennung = vereinbarung_zwischen(web, "Kommune Eigen", "Kommune Fremd", S.ZUGESAGT)
    veraltet = f"{kennung}:{stand_von(web, kennung)[1] - 1}"
    with web.app_context():
        vorher = abzug()
    seite = _speichern(web, "fremd", welt.fremde_meldung, enthalten=[veraltet],
                       verfuegbar_dezentral=0)
    assert "wurde inzwischen geändert" in seite
    with web.app_context():
        assert abzug() == vorher
    # Another Kommune's agreement cannot be ticked into a report.
    fremde = vereinbarung_zwischen(web, "Kommune Leer", "Kommune Eigen", S.ZUGESAGT)
    seite = _speichern(web, "fremd", welt.fremde_meldung,
                       enthalten=[f"{fremde}:{stand_von(web, fremde)[1]}"],
                       verfuegbar_dezentral=0)
    assert f"„Kommune Fremd“ ist an der Vereinbarung {fremde} nicht beteiligt." in seite
    with web.app_context():
        assert abzug() == vorher | {k: v for k, v in abzug().items()
                                    if k in ("vereinbarungen", "vereinbarungsereignisse",
                                             "benachrichtigungen", "datenstand",
                                             "aenderungsprotokoll")}

"""The "Hilfe zwischen Kommunen" screens: every user × own/foreign side × step through the
buttons, list and page by role, asking a host (also prefilled from the proposal), bad input."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import admin_token
from tests.datenbestand import abzug
from tests.vereinbarung_hilfe import angemeldet, kommune_namens, stand_von, vereinbarung_zwischen
from tests.welt import Welt
from wrm.db import db
from wrm.models import Vereinbarung, Vereinbarungsstatus
from wrm.services import vereinbarungen as dienst

S = Vereinbarungsstatus
NUTZER = ("kreis", "eigen", "fremd", "presse")


#: Who may take each step of an agreement Eigen (allocated) → Fremd (host).
SCHRITTE = [
    (S.ZUGESAGT, (), {"kreis", "fremd"}), (S.ABGELEHNT, (), {"kreis", "fremd"}),
    (S.ZURUECKGEZOGEN, (), {"kreis", "eigen"}), (S.BELEGT, (S.ZUGESAGT,), {"kreis", "fremd"}),
    (S.BEENDET, (S.ZUGESAGT, S.BELEGT), {"kreis", "fremd"}),
]


@pytest.mark.parametrize("gespiegelt", [False, True], ids=["eigen_zuweisend", "eigen_aufnehmend"])
@pytest.mark.parametrize("nutzer", NUTZER)
@pytest.mark.parametrize(("ziel", "vorweg", "erlaubt"), SCHRITTE,
                         ids=[s[0].value for s in SCHRITTE])
def test_step_buttons_matrix(web: Flask, welt: Welt, nutzer: str, ziel: S,
                             vorweg: tuple[S, ...], erlaubt: set[str], gespiegelt: bool) -> None:
    seiten = ("Kommune Fremd", "Kommune Eigen") if gespiegelt else ("Kommune Eigen",
                                                                   "Kommune Fremd")
    if gespiegelt:
        erlaubt = {{"eigen": "fremd", "fremd": "eigen"}.get(n, n) for n in erlaubt}
    kennung = vereinbarung_zwischen(web, *seiten, *vorweg)
    client = angemeldet(web, nutzer)
    vorher_status, version = stand_von(web, kennung)
    with web.app_context():
        vorher = abzug()
    seite = client.get(f"/admin/vereinbarung/details/?id={kennung}")
    antwort = client.post("/admin/vereinbarung/schritt/", data={
        "csrf_token": admin_token(client), "id": kennung, "version": version,
        "ziel": ziel.value, "grund": "Turnhalle belegt"})
    if nutzer == "presse":
        assert seite.status_code == antwort.status_code == 403
    else:
        assert seite.status_code == 200 and antwort.status_code == 302
        # The button is offered exactly to those who may press it.
        assert (f'id="schritt-{ziel.value}"' in seite.get_data(as_text=True)) == (
            nutzer in erlaubt)
    if nutzer in erlaubt:
        assert stand_von(web, kennung)[0] is ziel
    else:
        with web.app_context():
            assert abzug() == vorher
        assert stand_von(web, kennung)[0] is vorher_status


def test_list_and_page_by_role(web: Flask, welt: Welt) -> None:
    eigene = vereinbarung_zwischen(web, "Kommune Eigen", "Kommune Fremd")
    andere = vereinbarung_zwischen(web, "Kommune Fremd", "Kommune Leer")
    for nutzer, sichtbar in (("kreis", {eigene, andere}), ("eigen", {eigene}),
                             ("fremd", {eigene, andere})):
        client = angemeldet(web, nutzer)
        liste = client.get("/admin/vereinbarung/").get_data(as_text=True)
        for kennung in (eigene, andere):
            seite = client.get(f"/admin/vereinbarung/details/?id={kennung}")
            assert seite.status_code == (200 if kennung in sichtbar else 404), (nutzer, kennung)
        assert ("Kommune Leer" in liste) == (andere in sichtbar), nutzer
        assert "Um Aufnahme bitten" in liste
    presse = angemeldet(web, "presse")
    assert presse.get("/admin/vereinbarung/").status_code == 403
    assert presse.get("/admin/vereinbarung/anfragen/").status_code == 403


def test_a_kommune_asks_a_host_for_its_own_kommune_only(web: Flask, welt: Welt) -> None:
    client = angemeldet(web, "eigen")
    formular = client.get("/admin/vereinbarung/anfragen/").get_data(as_text=True)
    auswahl = formular[formular.index('id="zuweisend"'):formular.index('id="aufnehmend"')]
    assert "Kommune Eigen" in auswahl and "Kommune Fremd" not in auswahl
    with web.app_context():
        eigen, fremd = kommune_namens("Kommune Eigen").id, kommune_namens("Kommune Fremd").id
        vorher = abzug()
    daten = {"csrf_token": admin_token(client), "aufnehmend": fremd, "personen": "6",
             "platzart": "dezentral", "anrechnung": "zuweisend", "leistungen_durch": "zuweisend",
             "kita_schule_durch": "aufnehmend"}
    fremdes = client.post("/admin/vereinbarung/anfragen/", data={**daten, "zuweisend": fremd})
    assert fremdes.status_code == 200
    assert "Bitte eine der angebotenen Möglichkeiten wählen." in fremdes.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher
    antwort = client.post("/admin/vereinbarung/anfragen/", data={**daten, "zuweisend": eigen})
    assert antwort.status_code == 302
    with web.app_context():
        neu = db.session.scalars(select(Vereinbarung)).one()
        assert (neu.zuweisend_id, neu.aufnehmend_id, neu.personen, neu.status) == (
            eigen, fremd, 6, S.ANGEFRAGT)


@pytest.mark.parametrize(("daten", "text"), [
    ({"personen": "0"}, "größer als 0"),
    ({"personen": "x"}, "keine ganze Zahl"),
    ({"aufnehmend": "zuweisend"}, "Die aufnehmende Kommune muss eine andere sein."),
    ({"bis": "2000-01-01"}, "„bis“ liegt vor „von“."),
    ({"platzart": "Turnhalle"}, "Bitte einen der angebotenen Werte wählen."),
])
def test_bad_requests_are_refused_at_the_field(web: Flask, welt: Welt, daten: dict,
                                               text: str) -> None:
    client = angemeldet(web, "kreis")
    with web.app_context():
        eigen, fremd = kommune_namens("Kommune Eigen").id, kommune_namens("Kommune Fremd").id
        vorher = abzug()
    formular = {"csrf_token": admin_token(client), "zuweisend": eigen, "aufnehmend": fremd,
                "personen": "7", "platzart": "dezentral", "anrechnung": "zuweisend",
                "leistungen_durch": "zuweisend", "kita_schule_durch": "aufnehmend"}
    formular.update(daten)
    if formular["aufnehmend"] == "zuweisend":
        formular["aufnehmend"] = eigen
    antwort = client.post("/admin/vereinbarung/anfragen/", data=formular)
    assert antwort.status_code == 200
    assert text in antwort.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher


def test_generic_create_edit_delete_are_closed(web: Flask, welt: Welt) -> None:
    kennung = vereinbarung_zwischen(web, "Kommune Eigen", "Kommune Fremd")
    client = angemeldet(web, "kreis")
    with web.app_context():
        vorher = abzug()
    assert client.get("/admin/vereinbarung/new/").status_code in (302, 403, 404)
    assert client.get(f"/admin/vereinbarung/edit/?id={kennung}").status_code in (302, 403, 404)
    client.post("/admin/vereinbarung/delete/", data={"id": kennung,
                                                      "csrf_token": admin_token(client)})
    with web.app_context():
        assert abzug() == vorher


def test_a_stale_page_gets_the_conflict_message(web: Flask, welt: Welt) -> None:
    kennung = vereinbarung_zwischen(web, "Kommune Eigen", "Kommune Fremd")
    client = angemeldet(web, "fremd")
    _, alt = stand_von(web, kennung)
    with web.app_context():
        v = db.session.get(Vereinbarung, kennung)
        dienst.status_setzen(db.session, vereinbarung=v, ziel=S.ZUGESAGT,  # type: ignore[arg-type]
                             version=alt, benutzer=None, system="Test")
        db.session.commit()
    antwort = client.post("/admin/vereinbarung/schritt/", data={
        "csrf_token": admin_token(client), "id": kennung, "version": alt, "ziel": "belegt"},
        follow_redirects=True)
    assert "inzwischen geändert" in antwort.get_data(as_text=True)
    assert stand_von(web, kennung)[0] is S.ZUGESAGT

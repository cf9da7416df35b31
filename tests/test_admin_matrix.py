"""Every role × every admin endpoint × own/foreign record: status, and no change where denied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask_login import login_user
from sqlalchemy import select

from tests import factories
from tests.conftest import admin_token, anmelden
from tests.datenbestand import abzug, nur_die_meldung
from tests.welt import PASSWORT, Welt
from wrm.db import db
from wrm.models import Benutzer

ROLLEN = ("anonym", "kreis", "eigen", "presse")
ZIELE = ("eigen", "fremd")


@dataclass(frozen=True)
class Fall:
    """One endpoint: how to call it and the expected status per role (and per target)."""

    name: str
    methode: str
    pfad: Callable[[Welt, int], str]
    erwartet: dict[str, int | tuple[int, int]]
    daten: Callable[[Welt, int, str], dict] = field(default=lambda w, i, t: {})
    # roles whose successful call is meant to change data (everything else must not)
    aendernd: frozenset[str] = frozenset()


def _meldung(w: Welt, i: int, token: str) -> dict:
    return {**{k: "" if v is None else v for k, v in factories.ZAHLEN.items()},
            "zuweisungen": 11, "version": 1, "csrf_token": token}


FAELLE = [
    Fall("liste", "GET", lambda w, i: "/admin/meldung/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 403}),
    Fall("details", "GET", lambda w, i: f"/admin/meldung/details/?id={i}",
         {"anonym": 302, "kreis": 200, "eigen": (200, 404), "presse": 403}),
    Fall("bearbeiten_get", "GET", lambda w, i: f"/admin/meldung/edit/?id={i}",
         {"anonym": 302, "kreis": 200, "eigen": (200, 404), "presse": 403}),
    Fall("bearbeiten_post", "POST", lambda w, i: f"/admin/meldung/edit/?id={i}",
         {"anonym": 302, "kreis": 302, "eigen": (302, 404), "presse": 403},
         daten=_meldung, aendernd=frozenset({"kreis", "eigen"})),
    Fall("anlegen_get", "GET", lambda w, i: "/admin/meldung/new/",
         {"anonym": 302, "kreis": 200, "eigen": 302, "presse": 403}),
    Fall("anlegen_post", "POST", lambda w, i: "/admin/meldung/new/",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda w, i, t: {**_meldung(w, i, t), "kommune": w.ohne_meldung, "version": 0},
         aendernd=frozenset({"kreis"})),
    Fall("loeschen", "POST", lambda w, i: "/admin/meldung/delete/",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda w, i, t: {"id": i, "csrf_token": t}),
    Fall("sammelaktion", "POST", lambda w, i: "/admin/meldung/action/",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda w, i, t: {"action": "delete", "rowid": [w.eigene_meldung, w.fremde_meldung],
                                "csrf_token": t}),
    Fall("export_csv", "GET", lambda w, i: "/admin/meldung/export/csv/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 403}),
    Fall("ajax_update", "POST", lambda w, i: "/admin/meldung/ajax/update/",
         {"anonym": 302, "kreis": 404, "eigen": 404, "presse": 403},
         daten=lambda w, i, t: {"list_form_pk": i, "zuweisungen": 99, "csrf_token": t}),
    Fall("bestaetigen", "POST", lambda w, i: "/admin/meldung/bestaetigen/",
         {"anonym": 302, "kreis": 302, "eigen": (302, 404), "presse": 403},
         daten=lambda w, i, t: {"id": i, "version": 1, "csrf_token": t},
         aendernd=frozenset({"kreis", "eigen"})),
    Fall("ajax_lookup", "GET", lambda w, i: "/admin/benutzer/ajax/lookup/?name=kommune&query=",
         {"anonym": 302, "kreis": 200, "eigen": 403, "presse": 403}),
    Fall("kaputte_id", "GET", lambda w, i: "/admin/meldung/edit/?id=1%27%20OR%201=1",
         {"anonym": 302, "kreis": 404, "eigen": 404, "presse": 403}),
    *[
        Fall(f"liste_{ansicht}", "GET", lambda w, i, a=ansicht: f"/admin/{a}/",
             {"anonym": 302, "kreis": 200, "eigen": 403, "presse": 403})
        for ansicht in ("kommune", "verteilzeitraum", "aufnahmequote", "benutzer")
    ],
    Fall("liste_verlauf", "GET", lambda w, i: "/admin/verlauf/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 403}),
    Fall("uebersicht", "GET", lambda w, i: "/admin/uebersicht/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 200}),
    Fall("auswertung", "GET", lambda w, i: "/admin/auswertung/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 200}),
    # Quotas: everyone but the press reads a Quotenblatt; only the county calculates, applies,
    # closes and adjusts (the world's period has no contingent and no end, so the county's
    # calls are refused with a message and change nothing either).
    Fall("quotenblatt", "GET", lambda w, i: "/admin/quotenblatt/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 403}),
    Fall("quotenblatt_anpassen", "POST", lambda w, i: "/admin/quotenblatt/anpassen",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda w, i, t: {"csrf_token": t, "kommune": w.eigene_kommune, "zeitraum": 1,
                                "art": "entlastung", "personen": 3, "grund": "",
                                "gelesen": ""}),
    Fall("quotenberechnung", "GET", lambda w, i: "/admin/quotenberechnung/",
         {"anonym": 302, "kreis": 200, "eigen": 403, "presse": 403}),
    *[
        Fall(f"quotenberechnung_{schritt}", "POST",
             lambda w, i, s=schritt: f"/admin/quotenberechnung/{s}",
             {"anonym": 302, "kreis": 302, "eigen": 403, "presse": 403},
             daten=lambda w, i, t: {"csrf_token": t, "zeitraum": 1, "bestaetigt": "ja",
                                    "fingerabdruck": "x"})
        for schritt in ("anwenden", "abschliessen")
    ],
    # The horizon: every role reads it; only the county enters announcements (here refused
    # for a malformed week and a missing file, so nothing changes).
    Fall("prognose", "GET", lambda w, i: "/admin/prognose/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 200}),
    Fall("prognose_eintragen", "POST", lambda w, i: "/admin/prognose/eintragen",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 302},
         daten=lambda w, i, t: {"csrf_token": t, "kommune": w.eigene_kommune,
                                "woche": "2027-5", "personen": 3}),
    Fall("prognose_einlesen", "POST", lambda w, i: "/admin/prognose/einlesen",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 302},
         daten=lambda w, i, t: {"csrf_token": t}),
]



def fremde_kommune(web: Flask, welt: Welt) -> int:
    """The Kommune of the other report of the world."""
    from wrm.models import Meldung

    with web.app_context():
        return db.session.get(Meldung, welt.fremde_meldung).kommune_id


def _zielabhaengig(fall: Fall) -> bool:
    """Whether the call names the addressed report (its path or form differs per target)."""
    muster = Welt(*range(1, 7))
    return (fall.pfad(muster, 101) != fall.pfad(muster, 102)
            or fall.daten(muster, 101, "t") != fall.daten(muster, 102, "t"))


def _kombinationen() -> list[object]:
    """Every case × role, × own/foreign report where the call names one (a call that does not
    is the same request for both, so it runs once)."""
    return [pytest.param(fall, rolle, ziel, id=f"{fall.name}-{rolle}-{ziel}")
            for fall in FAELLE for rolle in ROLLEN
            for ziel in (ZIELE if _zielabhaengig(fall) else ZIELE[:1])]


@pytest.mark.parametrize(("fall", "rolle", "ziel"), _kombinationen())
def test_matrix(fall: Fall, rolle: str, ziel: str, web: Flask, welt: Welt) -> None:
    client = web.test_client()
    if rolle != "anonym":
        assert anmelden(client, rolle, PASSWORT).status_code == 302
    token = admin_token(client)
    ziel_id = welt.eigene_meldung if ziel == "eigen" else welt.fremde_meldung
    with web.app_context():
        vorher = abzug()
    pfad = fall.pfad(welt, ziel_id)
    if fall.methode == "GET":
        antwort = client.get(pfad)
    else:
        antwort = client.post(pfad, data=fall.daten(welt, ziel_id, token))
    erwartet = fall.erwartet[rolle]
    if isinstance(erwartet, tuple):
        erwartet = erwartet[ZIELE.index(ziel)]
    assert antwort.status_code == erwartet, antwort.get_data(as_text=True)[:500]
    if rolle == "anonym":
        assert "/login" in antwort.headers["Location"]
    with web.app_context():
        nachher = abzug()
    erlaubt = rolle in fall.aendernd and erwartet in (200, 302)
    if erlaubt:  # exactly the addressed report was saved, nothing else
        neu = fall.name == "anlegen_post"
        nur_die_meldung(vorher, nachher, neu=neu, kommune_id=welt.ohne_meldung if neu else (
            welt.eigene_kommune if ziel == "eigen" else fremde_kommune(web, welt)))
    else:
        assert nachher == vorher, "a denied or read-only call must change nothing"


def _text(web: Flask, rolle: str, pfad: str) -> str:
    client = web.test_client()
    anmelden(client, rolle, PASSWORT)
    antwort = client.get(pfad)
    assert antwort.status_code == 200
    return antwort.get_data(as_text=True)


def test_lists_and_exports_contain_only_the_scope(web: Flask, welt: Welt) -> None:
    assert "Kommune Fremd" in _text(web, "kreis", "/admin/meldung/export/csv/")
    eigen_export = _text(web, "eigen", "/admin/meldung/export/csv/")
    assert "Kommune Eigen" in eigen_export and "Kommune Fremd" not in eigen_export
    assert "Kommune Fremd" not in _text(web, "eigen", "/admin/meldung/")
    assert "Kommune Fremd" not in _text(web, "eigen", "/admin/verlauf/")
    lookup = _text(web, "kreis", "/admin/benutzer/ajax/lookup/?name=kommune&query=")
    assert "Kommune Eigen" in lookup and "Fremdort" not in lookup


def test_count_query_uses_the_scope(web: Flask, welt: Welt) -> None:
    ansicht = next(v for v in web.extensions["admin"][0]._views if v.endpoint == "meldung")
    for name, anzahl in (("kreis", 2), ("eigen", 1)):
        with web.test_request_context():
            login_user(db.session.scalar(select(Benutzer).where(Benutzer.name == name)))
            assert ansicht.get_count_query().scalar() == anzahl
            assert ansicht.get_list(0, None, None, None, [])[0] == anzahl


def test_internal_note_only_for_county_and_own_kommune(web: Flask, welt: Welt) -> None:
    assert "intern: Turnhalle" in _text(web, "kreis", "/admin/uebersicht/")
    assert "intern: Turnhalle" in _text(web, "fremd", "/admin/uebersicht/")
    assert "intern: Turnhalle" not in _text(web, "eigen", "/admin/uebersicht/")
    presse = _text(web, "presse", "/admin/uebersicht/")
    assert "intern: Turnhalle" not in presse and "Test" not in presse  # no reporter names
    assert "Kommune Fremd" in presse  # figures are open to every role
    # A column the press can never read is not shown to it; a Kommune sees its own notes'.
    assert ">Bemerkung</th>" not in presse
    assert ">Bemerkung</th>" in _text(web, "eigen", "/admin/uebersicht/")


def test_presse_finds_no_edit_screen_in_the_menu(web: Flask, welt: Welt) -> None:
    start = _text(web, "presse", "/admin/")
    for verboten in ("/admin/meldung/", "/admin/benutzer/", "/admin/verlauf/", "Meine Meldung"):
        assert verboten not in start
    assert "/admin/uebersicht/" in start and "/admin/auswertung/" in start


def _fremder_benutzer(web: Flask, welt: Welt) -> int:
    """A user of the other Landkreis, which the county of the world must not touch."""
    from wrm.models import Kommune, Rolle
    from wrm.services.benutzer import benutzer_anlegen

    with web.app_context():
        kommune = db.session.get(Kommune, welt.fremder_kreis_kommune)
        fremd = benutzer_anlegen(db.session, name="anderswo", rolle=Rolle.KOMMUNE,
                                 kommune=kommune, landkreis=kommune.landkreis, passwort=PASSWORT)
        db.session.commit()
        return fremd.id


@pytest.mark.parametrize("aktion", ["deaktivieren", "passwort", "delete"])
def test_user_actions_skip_users_of_another_landkreis(web: Flask, welt: Welt, aktion: str) -> None:
    fremd = _fremder_benutzer(web, welt)
    client = web.test_client()
    anmelden(client, "kreis", PASSWORT)
    with web.app_context():
        vorher = abzug()
        hash_vorher = db.session.get(Benutzer, fremd).passwort_hash
    antwort = client.post("/admin/benutzer/action/", data={
        "action": aktion, "rowid": [fremd], "csrf_token": admin_token(client)})
    assert antwort.status_code in (302, 404)
    with web.app_context():
        benutzer = db.session.get(Benutzer, fremd)
        assert benutzer is not None and benutzer.aktiv
        assert benutzer.passwort_hash == hash_vorher
        assert abzug() == vorher
    assert "Neues Passwort für anderswo" not in client.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize("pfad", [
    "/admin/kommune/edit/?id={k}", "/admin/kommune/details/?id={k}",
    "/admin/benutzer/edit/?id={b}",
])
def test_county_cannot_open_records_of_another_landkreis(web: Flask, welt: Welt, pfad: str) -> None:
    fremd = _fremder_benutzer(web, welt)
    client = web.test_client()
    anmelden(client, "kreis", PASSWORT)
    antwort = client.get(pfad.format(k=welt.fremder_kreis_kommune, b=fremd))
    assert antwort.status_code == 404


def test_county_cannot_delete_a_kommune_of_another_landkreis(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis", PASSWORT)
    with web.app_context():
        vorher = abzug()
    client.post("/admin/kommune/delete/", data={"id": welt.fremder_kreis_kommune,
                                                "csrf_token": admin_token(client)})
    client.post(f"/admin/kommune/edit/?id={welt.fremder_kreis_kommune}",
                data={"name": "Gekapert", "art": "Stadt", "csrf_token": admin_token(client)})
    with web.app_context():
        assert abzug() == vorher


def test_county_creates_a_kommune_user_bound_to_its_own_kommune_only(
        web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis", PASSWORT)

    def anlegen(name: str, kommune: int | str, rolle: str = "kommune"):  # type: ignore[no-untyped-def]
        return client.post("/admin/benutzer/new/", data={
            "name": name, "passwort": "ein-langes-passwort", "rolle": rolle,
            "kommune": kommune, "aktiv": "y", "csrf_token": admin_token(client)})

    with web.app_context():
        vorher = abzug()
    for name, kommune, rolle, text in (
            ("a", welt.fremder_kreis_kommune, "kommune", "braucht eine Kommune"),  # not found
            ("b", "", "kommune", "braucht eine Kommune"),
            ("c", welt.eigene_kommune, "presse", "Die Rolle presse wird an keine Kommune")):
        antwort = anlegen(name, kommune, rolle)
        assert antwort.status_code == 200, name
        assert text in antwort.get_data(as_text=True), name
    with web.app_context():
        assert abzug() == vorher
    assert anlegen("neu", welt.eigene_kommune).status_code == 302
    with web.app_context():
        neu = db.session.scalar(select(Benutzer).where(Benutzer.name == "neu"))
        assert neu is not None and neu.kommune_id == welt.eigene_kommune
    assert anmelden(web.test_client(), "neu", "ein-langes-passwort").status_code == 302


def test_service_refuses_binding_a_user_to_a_kommune_of_another_landkreis(
        web: Flask, welt: Welt) -> None:
    from wrm.models import Kommune, Rolle
    from wrm.services.benutzer import benutzer_aendern
    from wrm.services.pruefung import Validierungsfehler

    with web.app_context():
        eigen = db.session.scalar(select(Benutzer).where(Benutzer.name == "eigen"))
        fremd = db.session.get(Kommune, welt.fremder_kreis_kommune)
        with pytest.raises(Validierungsfehler) as fehler:
            benutzer_aendern(db.session, benutzer=eigen, rolle=Rolle.KOMMUNE, kommune=fremd,
                             email=None, aktiv=True)
        assert "gehört nicht zum Landkreis Osnabrück" in fehler.value.fehler["kommune"]


def test_county_sets_its_reporting_interval_others_cannot(web: Flask, welt: Welt) -> None:
    from wrm.models import Landkreis

    with web.app_context():
        kreis_id = db.session.scalar(select(Landkreis.id).where(
            Landkreis.name == "Landkreis Osnabrück"))
        fremd_id = db.session.scalar(select(Landkreis.id).where(
            Landkreis.name == "Landkreis Anderswo"))
    for rolle in ("eigen", "presse"):
        client = web.test_client()
        anmelden(client, rolle, PASSWORT)
        assert client.get(f"/admin/landkreis/edit/?id={kreis_id}").status_code == 403
    client = web.test_client()
    anmelden(client, "kreis", PASSWORT)
    assert client.get(f"/admin/landkreis/edit/?id={fremd_id}").status_code == 404
    falsch = client.post(f"/admin/landkreis/edit/?id={kreis_id}", data={
        "meldefrist_tage": "0", "csrf_token": admin_token(client)})
    assert "zwischen 1 und 365" in falsch.get_data(as_text=True)
    client.post(f"/admin/landkreis/edit/?id={kreis_id}", data={
        "meldefrist_tage": "3", "csrf_token": admin_token(client)})
    with web.app_context():
        assert db.session.get(Landkreis, kreis_id).meldefrist_tage == 3
    seite = client.get("/admin/auswertung/").get_data(as_text=True)
    assert "in den letzten 3 Tagen gemeldet" in seite

"""The "Unterkünfte" screen: every role × every path × an own, a foreign and the county's own
accommodation — status, and no change where denied; the daily tasks through the forms."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import admin_token, anmelden
from tests.welt import PASSWORT, Welt
from wrm.db import db
from wrm.models import Kommune, Meldequelle, Unterkunft, Unterkunftseintrag
from wrm.services import unterkuenfte as dienst

ROLLEN = ("anonym", "kreis", "eigen", "presse")
ZIELE = ("eigen", "fremd", "landkreis")
ADRESSEN = {"eigen": "Hallenweg 1", "fremd": "Geheimstraße 7", "landkreis": "Messeplatz 2"}


def _unterkunft(name: str, **werte: object) -> dict[str, object]:
    return {"name": name, "art": "gemeinschaftsunterkunft", "status": "in_betrieb",
            "plaetze": 50, "gesperrt": 0, "belegt": 20, "reserviert": 0, **werte}


@pytest.fixture
def orte(web: Flask, welt: Welt) -> dict[str, int]:
    """An accommodation of Kommune Eigen, of Kommune Fremd and of the Landkreis itself."""
    with web.app_context():
        kommunen = {k.name: k for k in db.session.scalars(select(Kommune))}
        kreis = kommunen["Kommune Eigen"].landkreis
        ids = {}
        for ziel, kommune in (("eigen", kommunen["Kommune Eigen"]),
                              ("fremd", kommunen["Kommune Fremd"]), ("landkreis", None)):
            ids[ziel] = dienst.speichern(
                db.session, landkreis=kreis, kommune=kommune, system="Test",
                werte=_unterkunft(f"Halle {ziel}", adresse=ADRESSEN[ziel])).unterkunft.id
        db.session.commit()
        return ids


def _abzug(web: Flask) -> tuple:
    with web.app_context():
        return (tuple(tuple(sorted(u.werte().items(), key=str)) + (u.version,) for u in
                      db.session.scalars(select(Unterkunft).order_by(Unterkunft.id))),
                len(db.session.scalars(select(Unterkunftseintrag)).all()))


def _formular(i: int, t: str, **mehr: object) -> dict:
    return {**{k: "" if v is None else v for k, v in _unterkunft("Neu", belegt=21).items()},
            "version": 1, "csrf_token": t, **mehr}


@dataclass(frozen=True)
class Fall:
    name: str
    methode: str
    pfad: Callable[[int], str]
    erwartet: dict[str, int | tuple[int, int, int]]
    daten: Callable[[int, str, dict], dict] = field(default=lambda i, t, o: {})
    aendernd: frozenset[str] = frozenset()
    # Whether the call names the accommodation (then it runs for each of the three).
    je_ziel: bool = False


_EIGEN_NUR = (200, 404, 404)
FAELLE = [
    Fall("liste", "GET", lambda i: "/admin/unterkunft/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 403}),
    Fall("details", "GET", lambda i: f"/admin/unterkunft/details/?id={i}",
         {"anonym": 302, "kreis": 200, "eigen": _EIGEN_NUR, "presse": 403}, je_ziel=True),
    Fall("bearbeiten_get", "GET", lambda i: f"/admin/unterkunft/bearbeiten/?id={i}",
         {"anonym": 302, "kreis": 200, "eigen": _EIGEN_NUR, "presse": 403}, je_ziel=True),
    Fall("bearbeiten_post", "POST", lambda i: f"/admin/unterkunft/bearbeiten/?id={i}",
         {"anonym": 302, "kreis": 302, "eigen": (302, 404, 404), "presse": 403},
         daten=lambda i, t, o: _formular(i, t, name="Halle geändert"),
         aendernd=frozenset({"kreis", "eigen"}), je_ziel=True),
    Fall("belegung", "POST", lambda i: "/admin/unterkunft/belegung/",
         {"anonym": 302, "kreis": 302, "eigen": (302, 404, 404), "presse": 403},
         daten=lambda i, t, o: {"id": i, "version": 1, "personen": 3, "csrf_token": t},
         aendernd=frozenset({"kreis", "eigen"}), je_ziel=True),
    Fall("anlegen_get", "GET", lambda i: "/admin/unterkunft/anlegen/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 403}),
    Fall("anlegen_post", "POST", lambda i: "/admin/unterkunft/anlegen/",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda i, t, o: _formular(i, t, kommune=o["fremd_kommune"]),
         aendernd=frozenset({"kreis", "eigen"})),
    Fall("hochladen_get", "GET", lambda i: "/admin/unterkunft/hochladen/",
         {"anonym": 302, "kreis": 200, "eigen": 200, "presse": 403}),
    # Flask-Admin's own paths are closed: writes go through the service only.
    Fall("generisch_bearbeiten", "POST", lambda i: f"/admin/unterkunft/edit/?id={i}",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda i, t, o: _formular(i, t), je_ziel=True),
    Fall("generisch_anlegen", "POST", lambda i: "/admin/unterkunft/new/",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda i, t, o: _formular(i, t)),
    Fall("loeschen", "POST", lambda i: "/admin/unterkunft/delete/",
         {"anonym": 302, "kreis": 302, "eigen": 302, "presse": 403},
         daten=lambda i, t, o: {"id": i, "csrf_token": t}, je_ziel=True),
    Fall("export", "GET", lambda i: "/admin/unterkunft/export/csv/",
         {"anonym": 302, "kreis": 404, "eigen": 404, "presse": 403}),
    Fall("kaputte_id", "GET", lambda i: "/admin/unterkunft/bearbeiten/?id=1%27%20OR%201=1",
         {"anonym": 302, "kreis": 404, "eigen": 404, "presse": 403}),
]


def _kombinationen() -> list[object]:
    return [pytest.param(fall, rolle, ziel, id=f"{fall.name}-{rolle}-{ziel}")
            for fall in FAELLE for rolle in ROLLEN
            for ziel in (ZIELE if fall.je_ziel else ZIELE[:1])]


@pytest.mark.parametrize(("fall", "rolle", "ziel"), _kombinationen())
def test_matrix(fall: Fall, rolle: str, ziel: str, web: Flask, welt: Welt,
                orte: dict[str, int]) -> None:
    client = web.test_client()
    if rolle != "anonym":
        assert anmelden(client, rolle, PASSWORT).status_code == 302
    token = admin_token(client)
    vorher = _abzug(web)
    i = orte[ziel]
    andere = {"fremd_kommune": fremd_kommune(web)}
    antwort = (client.get(fall.pfad(i)) if fall.methode == "GET"
               else client.post(fall.pfad(i), data=fall.daten(i, token, andere)))
    erwartet = fall.erwartet[rolle]
    if isinstance(erwartet, tuple):
        erwartet = erwartet[ZIELE.index(ziel)]
    assert antwort.status_code == erwartet, antwort.get_data(as_text=True)[:300]
    seite = antwort.get_data(as_text=True)
    for anderer, adresse in ADRESSEN.items():  # never another's address on any path
        if rolle in ("eigen", "presse") and anderer != "eigen":
            assert adresse not in seite
    nachher = _abzug(web)
    if not (rolle in fall.aendernd and erwartet in (200, 302)):
        assert nachher == vorher, "a denied or read-only call must change nothing"
    else:
        assert nachher != vorher


def fremd_kommune(web: Flask) -> int:
    with web.app_context():
        return db.session.scalar(select(Kommune.id).where(Kommune.name == "Kommune Fremd"))  # type: ignore[return-value]


def test_a_kommune_creates_for_itself_only_and_sees_its_own(web: Flask, welt: Welt,
                                                            orte: dict[str, int]) -> None:
    client = web.test_client()
    anmelden(client, "eigen", PASSWORT)
    token = admin_token(client)
    # The form offers no Kommune; a smuggled one is ignored: the new one is Eigen's.
    antwort = client.post("/admin/unterkunft/anlegen/", data=_formular(
        0, token, name="Wohnung Markt 1", art="dezentral", plaetze=4, belegt=2,
        kommune=fremd_kommune(web)))
    assert antwort.status_code == 302
    with web.app_context():
        neu = db.session.scalar(select(Unterkunft).where(Unterkunft.name == "Wohnung Markt 1"))
        assert neu.kommune.name == "Kommune Eigen"  # type: ignore[union-attr]
    liste = client.get("/admin/unterkunft/").get_data(as_text=True)
    assert "Wohnung Markt 1" in liste and "Halle eigen" in liste
    assert "Halle fremd" not in liste and "Halle landkreis" not in liste
    assert 'id="summen"' in liste


def test_bad_input_is_shown_at_the_field_and_saves_nothing(web: Flask, welt: Welt,
                                                           orte: dict[str, int]) -> None:
    client = web.test_client()
    anmelden(client, "eigen", PASSWORT)
    token = admin_token(client)
    vorher = _abzug(web)
    seite = client.post("/admin/unterkunft/anlegen/", data=_formular(
        0, token, plaetze=10, gesperrt=12, sperrgrund="Brand")).get_data(as_text=True)
    assert "Gesperrte Plätze (12) dürfen nicht mehr sein als Plätze (10)." in seite
    seite = client.post("/admin/unterkunft/anlegen/", data=_formular(
        0, token, name="Halle eigen")).get_data(as_text=True)
    assert "Die Unterkunft „Halle eigen“ gibt es bei Kommune Eigen schon." in seite
    seite = client.post("/admin/unterkunft/anlegen/", data=_formular(
        0, token, plaetze="viele")).get_data(as_text=True)
    assert "„viele“ ist keine ganze Zahl" in seite
    assert _abzug(web) == vorher


def test_a_stale_form_is_refused_and_the_daily_update_moves_the_report(
        web: Flask, welt: Welt, orte: dict[str, int]) -> None:
    client = web.test_client()
    anmelden(client, "eigen", PASSWORT)
    token = admin_token(client)
    with web.app_context():
        eigen = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune Eigen"))
        dienst.meldequelle_setzen(db.session, kommune=eigen, quelle=Meldequelle.UNTERKUENFTE,
                                  system="Test")
        db.session.commit()
    i = orte["eigen"]
    assert client.post("/admin/unterkunft/belegung/", data={
        "id": i, "version": 1, "personen": 3, "csrf_token": token}).status_code == 302
    with web.app_context():
        eigen = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune Eigen"))
        assert eigen.meldung.in_gemeinschaftsunterkuenften == 23  # type: ignore[union-attr]
        assert eigen.meldung.verfuegbar_gemeinschaftsunterkunft == 27  # type: ignore[union-attr]
    # The same form again (version 1) is stale now: refused, nothing changes.
    vorher = _abzug(web)
    antwort = client.post("/admin/unterkunft/belegung/", data={
        "id": i, "version": 1, "personen": 3, "csrf_token": token}, follow_redirects=True)
    assert "wurde inzwischen geändert" in antwort.get_data(as_text=True)
    assert _abzug(web) == vorher
    details = client.get(f"/admin/unterkunft/details/?id={i}").get_data(as_text=True)
    assert "Belegung geändert" in details and "belegt: 20 → 23" in details


def test_the_upload_uses_the_import_rules_and_the_users_scope(web: Flask, welt: Welt,
                                                             orte: dict[str, int]) -> None:
    client = web.test_client()
    anmelden(client, "eigen", PASSWORT)
    token = admin_token(client)
    kopf = "kommune;name;art;status;plaetze;belegt\n"
    vorher = _abzug(web)
    seite = client.post("/admin/unterkunft/hochladen/", data={
        "csrf_token": token, "datei": (io.BytesIO((
            kopf + "Kommune Eigen;Neu 1;dezentral;in_betrieb;4;1\n"
            "Kommune Fremd;Neu 2;dezentral;in_betrieb;4;1\n").encode()), "liste.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Zeile 3, Spalte kommune: Unterkünfte von „Kommune Fremd“ pflegt nur diese " \
           "Kommune oder der Landkreis." in seite
    assert _abzug(web) == vorher
    antwort = client.post("/admin/unterkunft/hochladen/", data={
        "csrf_token": token, "datei": (io.BytesIO((
            kopf + "Kommune Eigen;Neu 1;dezentral;in_betrieb;4;1\n").encode()), "liste.csv")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "1 Unterkünfte angelegt, 0 geändert, 0 unverändert." in antwort.get_data(as_text=True)


def test_the_report_form_shows_the_lists_figures_read_only(web: Flask, welt: Welt,
                                                           orte: dict[str, int]) -> None:
    client = web.test_client()
    anmelden(client, "eigen", PASSWORT)
    with web.app_context():
        eigen = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune Eigen"))
        dienst.meldequelle_setzen(db.session, kommune=eigen, quelle=Meldequelle.UNTERKUENFTE,
                                  system="Test")
        db.session.commit()
        meldung_id, version = eigen.meldung.id, eigen.meldung.version  # type: ignore[union-attr]
        werte = eigen.meldung.werte()  # type: ignore[union-attr]
    seite = client.get(f"/admin/meldung/edit/?id={meldung_id}").get_data(as_text=True)
    assert 'id="aus-liste"' in seite and "/admin/unterkunft/" in seite
    feld = seite[seite.index('id="in_gemeinschaftsunterkuenften"') - 200:
                 seite.index('id="in_gemeinschaftsunterkuenften"') + 200]
    assert "readonly" in feld and 'value="20"' in feld
    zuweisungen = seite[seite.index('id="zuweisungen"') - 200:seite.index('id="zuweisungen"') + 200]
    assert "readonly" not in zuweisungen
    # Saving the form as shown, with a new (1): the list's figures stay, (1) changes.
    daten = {k: "" if v is None else v for k, v in werte.items()}
    antwort = client.post(f"/admin/meldung/edit/?id={meldung_id}", data={
        **daten, "zuweisungen": 31, "version": version, "csrf_token": admin_token(client)})
    assert antwort.status_code == 302, antwort.get_data(as_text=True)[:2000]
    with web.app_context():
        eigen = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune Eigen"))
        assert eigen.meldung.zuweisungen == 31  # type: ignore[union-attr]
        assert eigen.meldung.in_gemeinschaftsunterkuenften == 20  # type: ignore[union-attr]


def test_the_map_shows_accommodations_only_to_their_kommune_and_the_county(
        web: Flask, welt: Welt) -> None:
    with web.app_context():
        kommunen = {k.name: k for k in db.session.scalars(select(Kommune))}
        for name, (breite, laenge) in (("Kommune Eigen", (52.3, 8.0)),
                                       ("Kommune Fremd", (52.4, 8.1))):
            kommunen[name].breitengrad, kommunen[name].laengengrad = breite, laenge
            dienst.speichern(db.session, landkreis=kommunen[name].landkreis,
                             kommune=kommunen[name], system="Test",
                             werte=_unterkunft(f"Halle {name}", breitengrad=breite + 0.01,
                                               laengengrad=laenge))
        db.session.commit()

    def karte(wer: str) -> str:
        client = web.test_client()
        anmelden(client, wer, PASSWORT)
        seite = client.get("/admin/auswertung/").get_data(as_text=True)
        karte_ = seite[seite.index('id="karte"'):]
        return karte_[:karte_.index("</svg>")]

    assert "Halle Kommune Eigen" in karte("kreis") and "Halle Kommune Fremd" in karte("kreis")
    assert "Halle Kommune Eigen" in karte("eigen") and "Halle Kommune Fremd" not in karte("eigen")
    assert 'class="unterkunft"' not in karte("presse")


def test_the_list_at_a_past_stichtag_on_the_screen(web: Flask, welt: Welt,
                                                   orte: dict[str, int]) -> None:
    from datetime import date, timedelta

    client = web.test_client()
    anmelden(client, "eigen", PASSWORT)
    heute_ = client.get("/admin/unterkunft/stichtag/").get_data(as_text=True)
    assert "Halle eigen" in heute_ and "Halle fremd" not in heute_  # the scope, as everywhere
    gestern = (date.today() - timedelta(days=1)).isoformat()
    damals = client.get(f"/admin/unterkunft/stichtag/?stichtag={gestern}").get_data(as_text=True)
    assert "Halle eigen" not in damals and "noch keine Unterkunft" in damals
    assert client.get("/admin/unterkunft/stichtag/?stichtag=morgen").status_code == 400
    presse = web.test_client()
    anmelden(presse, "presse", PASSWORT)
    assert presse.get("/admin/unterkunft/stichtag/").status_code == 403

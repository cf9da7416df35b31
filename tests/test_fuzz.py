"""Fuzzing (hypothesis, bounded and derandomized): generated input to the admin forms, the list
screens, the GraphQL mutations and the CSV import. Over 5,700 requests per database in the full
profile, an eighth of them in the quick one (`tests.fuzzing`); not one server error, and refused
input changes nothing."""

from __future__ import annotations

from typing import Any

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import admin_token, anmelden, graphql
from tests.datenbestand import abzug
from tests.fuzzing import PROFILEINSTELLUNGEN, beispiele, gelaufen
from tests.welt import Welt
from wrm.db import db
from wrm.meldefelder import ZAHLENNAMEN
from wrm.models import Meldung
from wrm.services.csvdatei import Importfehler
from wrm.services.importe import PFLICHTSPALTEN, meldungen_importieren
from wrm.services.kommunen import landkreis_holen

#: Text a user or an attacker might put into any field.
TEXT = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.sampled_from(["", " ", "0", "10", "1000000", "1000001", "-1", "9" * 5000, "1e5", "1,5",
                     "١٢", "\x00", "a\x00b", "ausreichend", "kritisch", "AUSREICHEND", "NaN",
                     "inf", "=HYPERLINK(1)", "<script>", "' OR 1=1 --", "__None", "2147483648",
                     "99999999999999999999999", "Stadt", "Gemeinde", "kommune", "landkreis"]),
    st.text(max_size=40),
    st.text(min_size=1990, max_size=2010),
)
#: JSON values of every kind, for GraphQL variables.
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40),
              st.floats(allow_nan=False, allow_infinity=False), TEXT),
    lambda kinder: st.lists(kinder, max_size=3) | st.dictionaries(st.text(max_size=8), kinder,
                                                                   max_size=3),
    max_leaves=6)
MELDEFELDER = (*ZAHLENNAMEN, "lage", "bemerkung")


def _formular(felder: tuple[str, ...], extra: tuple[str, ...] = ()) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={name: TEXT for name in (*felder, *extra)})


def _pruefen(web: Flask, antwort: Any, vorher: dict, erfolg: bool) -> None:
    """No server error; unless the request succeeded, nothing in the database changed."""
    assert antwort.status_code < 500, antwort.status_code
    if not erfolg:
        with web.app_context():
            assert abzug() == vorher


def _angemeldet(web: Flask, name: str):  # type: ignore[no-untyped-def]
    client = web.test_client()
    assert anmelden(client, name).status_code == 302
    return client


def _stand(web: Flask) -> dict:
    with web.app_context():
        return abzug()


def test_report_form(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web, "eigen")
    pfad = f"/admin/meldung/edit/?id={welt.eigene_meldung}"
    token = admin_token(client)

    @settings(PROFILEINSTELLUNGEN, max_examples=beispiele(1500))
    @given(daten=_formular(MELDEFELDER, ("version", "abweichungen", "wahl-zuweisungen", "id")),
           aktuelle_version=st.booleans())
    def senden(daten: dict, aktuelle_version: bool) -> None:
        gelaufen("test_report_form")
        vorher = _stand(web)
        if aktuelle_version:
            with web.app_context():
                daten["version"] = str(db.session.get(Meldung, welt.eigene_meldung).version)
        antwort = client.post(pfad, data={**daten, "csrf_token": token})
        _pruefen(web, antwort, vorher, erfolg=antwort.status_code == 302)

    senden()


def test_other_admin_forms_and_the_confirm_button(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web, "kreis")
    token = admin_token(client)
    ziele = {
        "/admin/kommune/new/": ("name", "art", "ags", "breitengrad", "laengengrad", "aktiv",
                                "reihenfolge"),
        f"/admin/kommune/edit/?id={welt.eigene_kommune}": ("name", "art", "ags", "breitengrad",
                                                           "laengengrad", "reihenfolge"),
        "/admin/aufnahmequote/new/": ("kommune", "verteilzeitraum", "wert"),
        "/admin/verteilzeitraum/new/": ("name", "beginn", "ende"),
        "/admin/benutzer/new/": ("name", "passwort", "rolle", "kommune", "email", "aktiv"),
        "/admin/landkreis/edit/?id=1": ("meldefrist_tage",),
        "/admin/meldung/bestaetigen/": ("id", "version"),
        "/admin/benutzer/action/": ("action", "rowid", "url"),
    }

    @settings(PROFILEINSTELLUNGEN, max_examples=beispiele(1400))
    @given(pfad=st.sampled_from(sorted(ziele)), daten=st.data())
    def senden(pfad: str, daten: st.DataObject) -> None:
        gelaufen("test_other_admin_forms_and_the_confirm_button")
        werte = daten.draw(_formular(ziele[pfad]))
        vorher = _stand(web)
        antwort = client.post(pfad, data={**werte, "csrf_token": token})
        # A redirect may be a save; everything else must have left the data as it was.
        _pruefen(web, antwort, vorher, erfolg=antwort.status_code == 302)

    senden()


def test_list_screens_with_generated_query_strings(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web, "kreis")
    listen = ("meldung", "verlauf", "kommune", "aufnahmequote", "benutzer", "verteilzeitraum")
    parameter = st.dictionaries(
        st.sampled_from(["search", "page", "page_size", "sort", "desc", "flt0_0", "flt1_1",
                         "flt2_4", "flt0_1", "stichtag", "url", "id"]), TEXT, max_size=4)

    @settings(PROFILEINSTELLUNGEN, max_examples=beispiele(800))
    @given(liste=st.sampled_from(listen + ("uebersicht", "auswertung")), argumente=parameter,
           art=st.sampled_from(["", "details/", "export/csv/", "export/xlsx/"]))
    def abrufen(liste: str, argumente: dict, art: str) -> None:
        gelaufen("test_list_screens_with_generated_query_strings")
        if liste in ("uebersicht", "auswertung"):
            art = "" if art in ("details/", "export/csv/") else "export.xlsx" if art else ""
        antwort = client.get(f"/admin/{liste}/{art}", query_string=argumente)
        assert antwort.status_code < 500, (liste, art, argumente)
        antwort.close()

    abrufen()


def test_graphql_mutations(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web, "eigen")
    speichern = ("mutation($k: String!, $v: Int!, $e: MeldungEingabe!) { "
                 "meldungSpeichern(kommune: $k, version: $v, eingabe: $e) { version } }")
    bestaetigen = ("mutation($k: String!, $v: Int!) { meldungBestaetigen(kommune: $k, "
                   "version: $v) { version } }")
    eingabe = st.one_of(JSON, st.fixed_dictionaries({}, optional={
        name: st.one_of(JSON, st.integers(-10, 10**7)) for name in
        (*[n.split("_")[0] + "".join(t.title() for t in n.split("_")[1:]) for n in ZAHLENNAMEN],
         "lage", "bemerkung")}))

    @settings(PROFILEINSTELLUNGEN, max_examples=beispiele(1500))
    @given(operation=st.sampled_from([speichern, bestaetigen]),
           kommune=st.one_of(st.just("Kommune Eigen"), st.just("Kommune Fremd"), TEXT),
           version=st.one_of(st.just("aktuell"), JSON), e=eingabe)
    def senden(operation: str, kommune: object, version: object, e: object) -> None:
        gelaufen("test_graphql_mutations")
        vorher = _stand(web)
        if version == "aktuell":
            with web.app_context():
                version = db.session.get(Meldung, welt.eigene_meldung).version
        antwort = graphql(client, operation, {"k": kommune, "v": version, "e": e})
        inhalt = antwort.get_json()
        assert antwort.status_code in (200, 400, 413), antwort.status_code
        fehler = (inhalt or {}).get("errors") or []
        assert all(f["extensions"]["code"] != "INTERNAL_SERVER_ERROR" for f in fehler), fehler
        _pruefen(web, antwort, vorher, erfolg=not fehler)

    senden()


def test_csv_import(web: Flask, welt: Welt) -> None:
    kopf = ";".join((*PFLICHTSPALTEN, "bemerkung"))
    zelle = st.one_of(TEXT.filter(lambda t: len(t) < 300), st.sampled_from(
        ["Kommune Eigen", "Kommune Fremd", "Neu", "40", "10", "ausreichend"]))
    zeile = st.lists(zelle, min_size=len(PFLICHTSPALTEN) - 1, max_size=len(PFLICHTSPALTEN) + 2)

    @settings(PROFILEINSTELLUNGEN, max_examples=beispiele(500))
    @given(zeilen=st.lists(zeile, max_size=4), trenner=st.sampled_from([";", ","]),
           anlegen=st.booleans(), roh=st.binary(max_size=50))
    def importieren(zeilen: list[list[str]], trenner: str, anlegen: bool, roh: bytes) -> None:
        gelaufen("test_csv_import")
        text = "\n".join([kopf.replace(";", trenner),
                          *(trenner.join(z.replace(trenner, " ") for z in zeile)
                            for zeile in zeilen)])
        with web.app_context():
            vorher = abzug()
            kreis = landkreis_holen(db.session, name="Landkreis Osnabrück")
            for inhalt in (text.encode("utf-8", "surrogatepass"), roh):
                try:
                    meldungen_importieren(db.session, inhalt=inhalt, landkreis=kreis,
                                          anlegen=anlegen)
                    db.session.commit()
                except Importfehler as fehler:
                    db.session.rollback()
                    assert all(str(f).startswith("Zeile ") for f in fehler.fehler), fehler.fehler
                    assert abzug() == vorher
                vorher = abzug()

    importieren()

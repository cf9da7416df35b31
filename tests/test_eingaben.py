"""Input that used to end in a server error or an English message: every one answers in German,
names the field or line, and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.conftest import admin_token, anmelden, graphql
from tests.datenbestand import abzug
from tests.factories import ZAHLEN
from tests.test_import import KOPF, importieren
from tests.welt import Welt
from wrm.services.pruefung import kennung_lesen, zahl_lesen

RIESIG = "9" * 5000
JENSEITS = str(2**64 + 1)


def _kreis(web: Flask):  # type: ignore[no-untyped-def]
    client = web.test_client()
    assert anmelden(client, "kreis").status_code == 302
    return client


def test_numbers_and_ids_are_read_with_german_messages() -> None:
    with pytest.raises(ValueError, match="hat zu viele Ziffern") as fehler:
        zahl_lesen(RIESIG)
    assert len(str(fehler.value)) < 200 and "Exceeds" not in str(fehler.value)
    assert zahl_lesen(" 007 ") == 7
    assert [kennung_lesen(t) for t in ("1", "2147483647", "2147483648", "0", "-1", JENSEITS,
                                       "١", "1e3", "")] == [1, 2147483647] + [None] * 7


@pytest.mark.parametrize("ansicht", ["meldung", "verlauf", "kommune", "aufnahmequote",
                                     "benutzer", "verteilzeitraum", "landkreis"])
@pytest.mark.parametrize("weg", ["details", "edit"])
def test_ids_beyond_the_integer_range_answer_404(web: Flask, welt: Welt, ansicht: str,
                                                 weg: str) -> None:
    client = _kreis(web)
    for kennung in (JENSEITS, "99999999999", "-5", "abc"):
        antwort = client.get(f"/admin/{ansicht}/{weg}/?id={kennung}")
        if antwort.status_code == 302:  # a screen without that path sends back to its list
            assert antwort.headers["Location"] == f"/admin/{ansicht}/"
            continue
        assert antwort.status_code == 404, (ansicht, weg, kennung)
        assert "Nicht gefunden" in antwort.get_data(as_text=True)


def test_bulk_actions_and_deletes_with_huge_ids_change_nothing(web: Flask, welt: Welt) -> None:
    client = _kreis(web)
    with web.app_context():
        vorher = abzug()
    token = admin_token(client)
    aktion = client.post("/admin/benutzer/action/", data={
        "action": "deaktivieren", "rowid": [JENSEITS, "abc"], "csrf_token": token})
    loeschen = client.post("/admin/aufnahmequote/delete/", data={"id": JENSEITS,
                                                                "csrf_token": token})
    assert aktion.status_code in (200, 302) and loeschen.status_code in (302, 404)
    with web.app_context():
        assert abzug() == vorher


@pytest.mark.parametrize("pfad", ["/admin/uebersicht/", "/admin/auswertung/",
                                  "/admin/auswertung/export.xlsx", "/admin/uebersicht/export.csv",
                                  "/admin/auswertung/kommune/1/"])
def test_a_stichtag_before_any_data_is_refused_in_german(web: Flask, welt: Welt,
                                                         pfad: str) -> None:
    client = _kreis(web)
    for tag in ("0001-01-01", "1999-12-31", "9999-12-31", "2026-02-30"):
        antwort = client.get(pfad, query_string={"stichtag": tag})
        assert antwort.status_code == 400, (pfad, tag)
        text = antwort.get_data(as_text=True)
        assert "Stichtag" in text and "Bad Request" not in text
    # The earliest day is allowed (the Kommune page: not found, the Kommune came later).
    assert client.get(pfad, query_string={"stichtag": "2000-01-01"}).status_code in (200, 404)


def test_unreadable_filter_values_are_shown_as_invalid(web: Flask, welt: Welt) -> None:
    client = _kreis(web)
    for pfad in ("/admin/benutzer/?flt1_1='", "/admin/benutzer/?flt0_0=NIEMAND",
                 "/admin/kommune/?flt0_0=%27", f"/admin/kommune/?flt2_2={JENSEITS}",
                 "/admin/verlauf/?flt0_0=x%00y", "/admin/meldung/?page=" + JENSEITS,
                 "/admin/meldung/?sort=99&desc=" + JENSEITS):
        antwort = client.get(pfad)
        assert antwort.status_code in (200, 400), pfad
        text = antwort.get_data(as_text=True)
        if antwort.status_code == 400:  # a control character in the query
            assert "Steuerzeichen" in text, pfad
        elif "flt" in pfad:
            assert "Ungültiger Filter-Wert" in text, pfad


def test_control_characters_are_refused_where_they_are_typed(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    token = client.get("/_test/tokens").get_json()["wtf"]
    anmeldung = client.post("/login", data={"name": "kr\x00eis", "passwort": "x",
                                            "csrf_token": token})
    assert anmeldung.status_code == 200
    assert "unzulässige Zeichen" in anmeldung.get_data(as_text=True)

    client = _kreis(web)
    with web.app_context():
        vorher = abzug()
    suche = client.get("/admin/meldung/", query_string={"search": "a\x00b"})
    assert suche.status_code == 400 and "Steuerzeichen" in suche.get_data(as_text=True)
    formular = {**{k: "" if v is None else v for k, v in ZAHLEN.items()}, "version": 1,
                "csrf_token": admin_token(client)}
    bemerkung = client.post(f"/admin/meldung/edit/?id={welt.eigene_meldung}",
                            data={**formular, "bemerkung": "Turn\x00halle"})
    assert bemerkung.status_code == 200
    assert "unzulässige Steuerzeichen" in bemerkung.get_data(as_text=True)
    kommune = client.post("/admin/kommune/new/", data={
        "name": "Neu\x1bstadt", "art": "Stadt", "csrf_token": admin_token(client)})
    assert kommune.status_code == 200
    assert "Enthält unzulässige Steuerzeichen." in kommune.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher


def test_a_5000_digit_figure_gets_a_german_message_at_its_field(web: Flask,
                                                                 welt: Welt) -> None:
    client = _kreis(web)
    formular = {**{k: "" if v is None else v for k, v in ZAHLEN.items()}, "version": 1,
                "csrf_token": admin_token(client)}
    for pfad, daten in ((f"/admin/meldung/edit/?id={welt.eigene_meldung}",
                         {**formular, "zuweisungen": RIESIG}),
                        (f"/admin/kommune/edit/?id={welt.eigene_kommune}",
                         {"name": "Kommune Eigen", "art": "Gemeinde", "reihenfolge": RIESIG,
                          "csrf_token": formular["csrf_token"]}),
                        ("/admin/kommune/new/", {"name": "Neu", "art": "Gemeinde",
                                                 "reihenfolge": JENSEITS,
                                                 "csrf_token": formular["csrf_token"]})):
        antwort = client.post(pfad, data=daten)
        text = antwort.get_data(as_text=True)
        assert antwort.status_code == 200, pfad
        assert "hat zu viele Ziffern" in text or "muss zwischen" in text, pfad
        assert "Exceeds" not in text and "integer" not in text


def test_import_cells_with_control_characters_or_too_long_are_named(
        runner: FlaskCliRunner, tmp_path: Path) -> None:
    zeile = "Kommune A;40;10;8;0;;3;5;2;4;0;1;ausreichend"
    for inhalt, erwartet in (
            (f"{KOPF}\n{zeile.replace('Kommune A', 'Kom' + chr(0) + 'mune')}\n",
             "Zeile 2, Spalte kommune: enthält unzulässige Steuerzeichen"),
            (f"{KOPF};bemerkung\n{zeile};{'x' * 200_000}\n",
             "Zeile 2, Spalte bemerkung: darf höchstens 2.000 Zeichen lang sein"),
            (f"{KOPF}\n{zeile.replace(';40;', ';' + RIESIG + ';')}\n",
             "Zeile 2, Spalte aufnahmequote: darf höchstens 200 Zeichen lang sein"),
            (f"{KOPF}\n{zeile.replace(';40;', ';' + '9' * 30 + ';')}\n",
             "Zeile 2, Spalte aufnahmequote: „99999999999999999999…“ hat zu viele Ziffern")):
        ergebnis = importieren(runner, tmp_path, inhalt, "--anlegen")
        assert ergebnis.exit_code == 1, ergebnis.output
        assert erwartet in ergebnis.output
        assert "Traceback" not in ergebnis.output and len(ergebnis.output) < 2000


@pytest.mark.parametrize("variablen, feld, wort", [
    ({"v": 2**31}, "$v", "außerhalb der ganzen Zahlen"),
    ({"v": 1.5}, "$v", "ist keine ganze Zahl"),
    ({"v": 1, "lage": "GAR_NICHT"}, "$lage", "ist kein Wert von Lage"),
    ({"v": "eins"}, "$v", "ist keine ganze Zahl"),
])
def test_wrongly_typed_variables_are_bad_user_input(web: Flask, welt: Welt, variablen: dict,
                                                    feld: str, wort: str) -> None:
    client = _kreis(web)
    with web.app_context():
        vorher = abzug()
    antwort = graphql(client, 'mutation($v: Int!, $lage: Lage) { meldungSpeichern('
                              'kommune: "Kommune Eigen", version: $v, eingabe: {lage: $lage}) '
                              '{ version } }', variablen)
    fehler = antwort.get_json()["errors"][0]
    assert fehler["extensions"]["code"] == "BAD_USER_INPUT"
    assert feld in fehler["message"] and wort in fehler["message"]
    assert "Interner Fehler" not in fehler["message"]
    with web.app_context():
        assert abzug() == vorher


@pytest.mark.parametrize("abfrage, code", [
    ("{ kommunen { name ", "GRAPHQL_PARSE_FAILED"),
    ("{ kommunen { ...unbekannt } }", "GRAPHQL_VALIDATION_FAILED"),
    ("{ kommunen { gibtsnicht } }", "GRAPHQL_VALIDATION_FAILED"),
    ('mutation { meldungSpeichern(kommune: "Kommune Eigen", version: 1, '
     "eingabe: {quatsch: 1}) { version } }", "GRAPHQL_VALIDATION_FAILED"),
])
def test_invalid_documents_are_answered_in_german(web: Flask, welt: Welt, abfrage: str,
                                                   code: str) -> None:
    fehler = graphql(_kreis(web), abfrage).get_json()["errors"][0]
    assert fehler["extensions"]["code"] == code
    assert fehler["message"].startswith(("Die ", "Das ", "Beim ")), fehler["message"]
    assert "Interner Fehler" not in fehler["message"]


#: A chain of fragments longer than Python's stack allows to follow recursively.
_KETTE = ("{ ...F0 } " + " ".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(400))
          + " fragment F400 on Query { kommunen { name } }")


@pytest.mark.parametrize("abfrage, wort", [
    (_KETTE, "Die Anfrage ist zu tief verschachtelt; ihre Prüfung wurde abgebrochen."),
    ("{ " + " ".join(f"f{n}" for n in range(130)) + " }",
     "Die Anfrage enthält zu viele Fehler; ihre Prüfung wurde abgebrochen."),
    ("{ " + "kommunen { meldung { kommune { " * 4 + "name" + " } } }" * 4 + " }",
     "Die Anfrage ist zu tief verschachtelt (höchstens 10 Ebenen)."),
    ("{ " + " ".join(f"a{n}: kommunen {{ name }}" for n in range(40)) + " }",
     "Die Anfrage enthält zu viele Aliasse (40, höchstens 30)."),
])
def test_documents_beyond_the_limits_are_refused_in_german(web: Flask, welt: Welt,
                                                          abfrage: str, wort: str) -> None:
    antwort = graphql(_kreis(web), abfrage)
    assert antwort.status_code == 200
    meldungen = [f["message"] for f in antwort.get_json()["errors"]]
    assert wort in meldungen
    assert all(f["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
               for f in antwort.get_json()["errors"])


@pytest.mark.parametrize("koerper, wort", [
    (b"{", "kein gültiges JSON"), (b'{"query": 5}', "muss ein Text"),
    (b"[1, 2]", "kein Batching"), (b'{"query": "{ kommunen { name } }", "variables": [1]}',
                                   "muss ein Objekt"),
])
def test_malformed_bodies_are_answered_in_german(web: Flask, welt: Welt, koerper: bytes,
                                                 wort: str) -> None:
    antwort = _kreis(web).post("/graphql", data=koerper, content_type="application/json")
    assert antwort.status_code == 400
    assert wort in antwort.get_json()["errors"][0]["message"]


def test_a_duplicate_name_is_refused_in_german_without_sql(web: Flask, welt: Welt) -> None:
    client = _kreis(web)
    with web.app_context():
        vorher = abzug()
    antwort = client.post("/admin/kommune/new/", data={
        "name": "Kommune Eigen", "art": "Gemeinde", "csrf_token": admin_token(client)})
    text = antwort.get_data(as_text=True)
    assert antwort.status_code == 200
    assert "Die Kommune „Kommune Eigen“ gibt es schon." in text  # named, before the database
    assert "Integrity" not in text and "INSERT" not in text and "constraint" not in text
    with web.app_context():
        assert abzug() == vorher


def test_validation_keeps_graphql_cores_suggestion_in_german(web: Flask, welt: Welt) -> None:
    client = _kreis(web)
    for abfrage, erwartet in (
            ("{ kommunen { nam } }", "Das Feld „nam“ gibt es beim Typ Kommune nicht. Meinten Sie "
                                     "„name“?"),
            ('{ kommune(nahme: "x") { name } }', "Meinten Sie „name“?"),
            ("query($t: Dat) { auswertung(stichtag: $t) { stichtag } }",
             "Den Typ „Dat“ gibt es nicht. Meinten Sie „Date“"),
            ("{ zzzz }", "Das Feld „zzzz“ gibt es beim Typ Query nicht.")):
        fehler = graphql(client, abfrage).get_json()["errors"]
        assert any(erwartet in f["message"] for f in fehler), (abfrage, fehler)
        assert all("Did you mean" not in f["message"] for f in fehler)

"""Never a silent overwrite: the version on every write path, and the three-way merge after a
conflict (fields only the user changed keep the input, fields only others changed take the
saved value, fields both changed wait for the user's choice)."""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import factories
from tests.conftest import admin_token, anmelden, graphql
from tests.datenbestand import abzug
from tests.welt import Welt
from wrm.db import db
from wrm.models import Meldung
from wrm.services.meldungen import MELDUNGSFELDER, zusammenfuehren


class _Formular(HTMLParser):
    """The values a browser would send for the report form as rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.werte: dict[str, str] = {}
        self._im_formular = False
        self._auswahl: str | None = None
        self._textfeld: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "meldung":
            self._im_formular = True
        if not self._im_formular:
            return
        if tag == "input" and "name" in a:
            if a.get("type") == "radio" and "checked" not in a:
                return
            self.werte[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._auswahl = a["name"]
            self.werte.setdefault(a["name"], "")
        elif tag == "option" and self._auswahl and "selected" in a:
            self.werte[self._auswahl] = a.get("value", "")
        elif tag == "textarea":
            self._textfeld = a["name"]
            self.werte[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textfeld:
            if not self.werte[self._textfeld]:  # browsers drop one line break after <textarea>
                data = data.removeprefix("\r\n") if data.startswith("\r\n") \
                    else data.removeprefix("\n")
            self.werte[self._textfeld] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._im_formular = False
        elif tag == "select":
            self._auswahl = None
        elif tag == "textarea":
            self._textfeld = None


def formular_wie_angezeigt(seite: str) -> dict[str, str]:
    """What pressing "Speichern" on this page sends, without touching any field."""
    leser = _Formular()
    leser.feed(seite)
    return leser.werte


def _pfad(welt: Welt) -> str:
    return f"/admin/meldung/edit/?id={welt.eigene_meldung}"


def _angemeldet(web: Flask, name: str):  # type: ignore[no-untyped-def]
    client = web.test_client()
    assert anmelden(client, name).status_code == 302
    return client


def _meldung(web: Flask, welt: Welt) -> dict[str, object]:
    with web.app_context():
        meldung = db.session.get(Meldung, welt.eigene_meldung)
        return {**meldung.werte(), "version": meldung.version}


def _geoeffnet(web: Flask, welt: Welt, name: str):  # type: ignore[no-untyped-def]
    client = _angemeldet(web, name)
    return client, formular_wie_angezeigt(client.get(_pfad(welt)).get_data(as_text=True))


def test_second_save_never_reverts_a_field_the_user_did_not_touch(web: Flask,
                                                                   welt: Welt) -> None:
    """The reported case: (9) shows 4, someone saves 3, the user changes only (1)."""
    eigen, formular = _geoeffnet(web, welt, "eigen")
    assert formular["verfuegbar_dezentral"] == "4" and formular["version"] == "1"
    kreis, fremd = _geoeffnet(web, welt, "kreis")
    assert kreis.post(_pfad(welt), data={**fremd, "verfuegbar_dezentral": "3"}).status_code == 302

    antwort = eigen.post(_pfad(welt), data={**formular, "zuweisungen": "14"})
    seite = antwort.get_data(as_text=True)
    assert antwort.status_code == 200 and "inzwischen geändert" in seite
    assert _meldung(web, welt)["zuweisungen"] == 10  # nothing saved
    gezeigt = formular_wie_angezeigt(seite)
    assert gezeigt["zuweisungen"] == "14"  # the user's change stays
    assert gezeigt["verfuegbar_dezentral"] == "3"  # the colleague's change is taken
    assert gezeigt["version"] == "2"
    assert "Inzwischen gespeichert: 3 – übernommen" in seite

    assert eigen.post(_pfad(welt), data=gezeigt).status_code == 302  # Speichern again, as is
    gespeichert = _meldung(web, welt)
    assert (gespeichert["zuweisungen"], gespeichert["verfuegbar_dezentral"],
            gespeichert["version"]) == (14, 3, 3)


def test_a_field_both_changed_differently_needs_the_users_choice(web: Flask,
                                                                  welt: Welt) -> None:
    eigen, formular = _geoeffnet(web, welt, "eigen")
    kreis, fremd = _geoeffnet(web, welt, "kreis")
    kreis.post(_pfad(welt), data={**fremd, "zuweisungen": "20", "ankuenfte": "9"})
    seite = eigen.post(_pfad(welt), data={**formular, "zuweisungen": "14",
                                          "bemerkung": "neu"}).get_data(as_text=True)
    assert "Welcher Wert soll gelten?" in seite
    assert "Ihre Eingabe (im Feld oben): 14" in seite and "inzwischen gespeichert: 20" in seite
    assert "vorher (als Sie die Meldung öffneten): 10" in seite
    gezeigt = formular_wie_angezeigt(seite)
    assert gezeigt["ankuenfte"] == "9" and gezeigt["bemerkung"] == "neu"
    assert "wahl-zuweisungen" not in gezeigt  # no choice is made for the user

    with web.app_context():
        vorher = abzug()
    ohne_wahl = eigen.post(_pfad(welt), data=gezeigt).get_data(as_text=True)
    assert "Bitte wählen Sie, welcher Wert gelten soll." in ohne_wahl
    with web.app_context():
        assert abzug() == vorher
    gezeigt = formular_wie_angezeigt(ohne_wahl)  # the choice is offered again
    assert eigen.post(_pfad(welt), data={**gezeigt, "wahl-zuweisungen": "gespeichert"}
                      ).status_code == 302
    gespeichert = _meldung(web, welt)
    assert (gespeichert["zuweisungen"], gespeichert["ankuenfte"],
            gespeichert["bemerkung"]) == (20, 9, "neu")


def test_choosing_the_own_input_saves_it(web: Flask, welt: Welt) -> None:
    eigen, formular = _geoeffnet(web, welt, "eigen")
    kreis, fremd = _geoeffnet(web, welt, "kreis")
    kreis.post(_pfad(welt), data={**fremd, "zuweisungen": "20"})
    seite = eigen.post(_pfad(welt), data={**formular, "zuweisungen": "14"}).get_data(as_text=True)
    gezeigt = formular_wie_angezeigt(seite)
    eigen.post(_pfad(welt), data={**gezeigt, "wahl-zuweisungen": "eingabe"})
    assert _meldung(web, welt)["zuweisungen"] == 14


def test_edit_without_version_is_refused_and_changes_nothing(web: Flask, welt: Welt) -> None:
    eigen, formular = _geoeffnet(web, welt, "eigen")
    kreis, fremd = _geoeffnet(web, welt, "kreis")
    kreis.post(_pfad(welt), data={**fremd, "verfuegbar_dezentral": "3"})
    with web.app_context():
        vorher = abzug()
    for version in (None, "", "abc", "-1", "99999999999999999999"):
        daten = {k: v for k, v in formular.items() if k != "version"}
        if version is not None:
            daten["version"] = version
        antwort = eigen.post(_pfad(welt), data={**daten, "zuweisungen": "14"})
        assert antwort.status_code == 200
        assert "Die Version der Meldung fehlt oder ist ungültig" in antwort.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher


def test_confirm_needs_a_readable_current_version(web: Flask, welt: Welt) -> None:
    eigen = _angemeldet(web, "eigen")
    with web.app_context():
        vorher = abzug()
    for version in (None, "abc", "", "1" * 30):
        daten = {"id": welt.eigene_meldung, "csrf_token": admin_token(eigen)}
        if version is not None:
            daten["version"] = version
        antwort = eigen.post("/admin/meldung/bestaetigen/", data=daten, follow_redirects=True)
        assert antwort.status_code == 200
        assert "Die Version der Meldung fehlt oder ist ungültig" in antwort.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher


def test_api_confirm_requires_the_version_and_refuses_a_stale_one(web: Flask,
                                                                   welt: Welt) -> None:
    client = _angemeldet(web, "eigen")
    ohne = graphql(client, 'mutation { meldungBestaetigen(kommune: "Kommune Eigen") '
                           '{ version } }').get_json()
    assert ohne["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Pflichtargument „version“" in ohne["errors"][0]["message"]
    with web.app_context():
        factories.meldung(db.session.get(Meldung, welt.eigene_meldung).kommune, zuweisungen=12)
        db.session.commit()
        vorher = abzug()
    alt = graphql(client, 'mutation { meldungBestaetigen(kommune: "Kommune Eigen", version: 1) '
                          '{ version } }').get_json()
    assert alt["errors"][0]["extensions"]["code"] == "CONFLICT"
    with web.app_context():
        assert abzug() == vorher


_WERT = st.one_of(st.none(), st.integers(0, 3))


@settings(max_examples=300, deadline=None)
@given(vorher=st.fixed_dictionaries({n: _WERT for n in MELDUNGSFELDER}),
       gespeichert=st.fixed_dictionaries({n: _WERT for n in MELDUNGSFELDER}),
       eingabe=st.fixed_dictionaries({n: _WERT for n in MELDUNGSFELDER}))
def test_merge_keeps_each_side_s_own_changes(vorher, gespeichert, eingabe) -> None:  # type: ignore[no-untyped-def]
    ergebnis = zusammenfuehren(vorher, gespeichert, eingabe)
    for name in MELDUNGSFELDER:
        if eingabe[name] == vorher[name]:  # untouched by the user: never reverted
            assert ergebnis.werte[name] == gespeichert[name]
        elif gespeichert[name] == vorher[name]:  # only the user changed it
            assert ergebnis.werte[name] == eingabe[name]
        assert (name in ergebnis.abweichungen) == (
            len({vorher[name], gespeichert[name], eingabe[name]}) == 3)
        assert (name in ergebnis.fremd_geaendert) == (gespeichert[name] != vorher[name])

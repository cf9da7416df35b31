"""The report screen: labels, German errors at the field, locking, confirmation and hints."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.conftest import admin_token, anmelden
from tests.datenbestand import abzug
from tests.welt import Welt
from wrm.db import db
from wrm.models import Kommune, Meldung, Verlaufseintrag


def _pfad(welt: Welt) -> str:
    return f"/admin/meldung/edit/?id={welt.eigene_meldung}"


def _formular(client, **werte: object) -> dict:  # type: ignore[no-untyped-def]
    daten = {k: "" if v is None else v for k, v in factories.ZAHLEN.items()}
    daten.update({"version": 1, "csrf_token": admin_token(client)})
    daten.update({k: "" if v is None else v for k, v in werte.items()})
    return daten


def _angemeldet(web: Flask, name: str = "eigen"):  # type: ignore[no-untyped-def]
    client = web.test_client()
    assert anmelden(client, name).status_code == 302
    return client


def _eingabewert(seite: str, name: str) -> str | None:
    treffer = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', seite)
    if treffer is None:
        return None
    wert = re.search(r'\bvalue="([^"]*)"', treffer.group(0))
    return wert.group(1) if wert else ""


def test_meine_meldung_leads_a_kommune_to_its_own_report(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web)
    antwort = client.get("/admin/meine-meldung/")
    assert antwort.status_code == 302
    ziel = antwort.headers["Location"]
    assert ziel.startswith(_pfad(welt)) and "url=/admin/" in ziel
    # "Abbrechen" leads to the start page, which is in a Kommune's menu (the list is not).
    seite = client.get(ziel).get_data(as_text=True)
    assert re.search(r'<a href="/admin/"[^>]*>Abbrechen</a>', seite)


def test_form_shows_the_papers_labels_help_and_computed_figures(web: Flask, welt: Welt) -> None:
    seite = _angemeldet(web).get(_pfad(welt)).get_data(as_text=True)
    assert "(1) vom Land ausgesprochene Zuweisungen" in seite
    assert "(11)" in seite and "(12)" in seite
    # quota 40, zuweisungen 10 → (5) 30; verfügbar 2+4+0+1 = 7; bedarf 30 − 7 = 23
    assert re.search(r'id="zu_erfuellen">\s*30\s*<', seite)
    assert re.search(r'id="summe">\s*7\s*<', seite)
    assert re.search(r'id="bedarf">\s*23\s*<', seite)
    assert "Angaben unverändert bestätigen" in seite


@pytest.mark.parametrize("feld, eingabe, meldung", [
    ("ankuenfte", 11, "(2)"),
    ("zuweisungen", "abc", "ganze Zahl"),
    ("zuweisungen", -3, "negativ"),
    ("verfuegbar_dezentral", 1_000_001, "1.000.000"),
    ("lage", "", "erforderlich"),
])
def test_invalid_input_shows_a_german_error_at_the_field_and_saves_nothing(
        web: Flask, welt: Welt, feld: str, eingabe: object, meldung: str) -> None:
    client = _angemeldet(web)
    with web.app_context():
        vorher = abzug()
    antwort = client.post(_pfad(welt), data=_formular(client, **{feld: eingabe}))
    assert antwort.status_code == 200
    seite = antwort.get_data(as_text=True)
    fehlerblock = re.search(rf'name="{feld}".*?</div>\s*</div>', seite, re.S)
    assert fehlerblock is not None and meldung in fehlerblock.group(0), seite[-3000:]
    assert "invalid-feedback" in seite or "is-invalid" in seite
    with web.app_context():
        assert abzug() == vorher


def test_valid_save_updates_figures_and_shows_hints(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web)
    antwort = client.post(_pfad(welt), data=_formular(client, zuweisungen=16, ankuenfte=8),
                          follow_redirects=True)
    seite = antwort.get_data(as_text=True)
    assert seite.count("erfolgreich gespeichert") == 1
    # lage "ausreichend" while bedarf = (40 − 16) − 7 = 17 > 0 → ask for a bemerkung
    assert "Bedarf beträgt aber 17 Personen" in seite
    assert "stark verändert (10 → 16)" in seite
    with web.app_context():
        meldung = db.session.get(Meldung, welt.eigene_meldung)
        assert (meldung.zuweisungen, meldung.version, meldung.gemeldet_von_name) == (16, 2, "eigen")
    seite = client.get(_pfad(welt)).get_data(as_text=True)
    assert re.search(r'id="bedarf">\s*17\s*<', seite)


def test_kommune_cannot_move_its_report_to_another_kommune(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web)
    client.post(_pfad(welt), data={**_formular(client, zuweisungen=12),
                                   "kommune": welt.ohne_meldung, "kommune_id": welt.ohne_meldung})
    with web.app_context():
        meldung = db.session.get(Meldung, welt.eigene_meldung)
        assert meldung.kommune_id == welt.eigene_kommune and meldung.zuweisungen == 12
        assert db.session.get(Kommune, welt.ohne_meldung).meldung is None


def test_stale_form_is_refused_naming_who_changed_what_and_keeps_the_input(
        web: Flask, welt: Welt) -> None:
    eigen, kreis = _angemeldet(web), _angemeldet(web, "kreis")
    eigen.get(_pfad(welt))  # opened at version 1
    assert kreis.post(_pfad(welt), data=_formular(kreis, ankuenfte=9)).status_code == 302
    with web.app_context():
        vorher = abzug()
    antwort = eigen.post(_pfad(welt), data=_formular(eigen, zuweisungen=14))
    seite = antwort.get_data(as_text=True)
    assert antwort.status_code == 200
    assert "inzwischen geändert" in seite and "kreis am" in seite and "(2)" in seite
    assert _eingabewert(seite, "zuweisungen") == "14"  # the user's input is still there
    assert "Inzwischen gespeichert: 9" in seite  # at the field the other user changed
    with web.app_context():
        assert abzug() == vorher
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert _eingabewert(seite, "version") == "2"
    nochmal = eigen.post(_pfad(welt), data=_formular(eigen, zuweisungen=14, ankuenfte=9,
                                                     version=2))
    assert nochmal.status_code == 302
    with web.app_context():
        meldung = db.session.get(Meldung, welt.eigene_meldung)
        assert (meldung.zuweisungen, meldung.ankuenfte, meldung.version) == (14, 9, 3)


def test_confirm_button_records_a_new_stand_and_history_without_changes(
        web: Flask, welt: Welt) -> None:
    client = _angemeldet(web)
    with web.app_context():
        alt = db.session.get(Meldung, welt.eigene_meldung)
        werte, stand = alt.werte(), alt.stand
    antwort = client.post("/admin/meldung/bestaetigen/", data={
        "id": welt.eigene_meldung, "version": 1, "csrf_token": admin_token(client)},
        follow_redirects=True)
    assert "als unverändert aktuell bestätigt" in antwort.get_data(as_text=True)
    with web.app_context():
        meldung = db.session.get(Meldung, welt.eigene_meldung)
        assert meldung.werte() == werte and meldung.stand > stand and meldung.version == 2
        eintraege = db.session.scalar(select(func.count()).select_from(Verlaufseintrag).where(
            Verlaufseintrag.kommune_id == welt.eigene_kommune))
        assert eintraege == 2
    # a second click from the same, now stale page is refused
    antwort = client.post("/admin/meldung/bestaetigen/", data={
        "id": welt.eigene_meldung, "version": 1, "csrf_token": admin_token(client)},
        follow_redirects=True)
    assert "inzwischen geändert" in antwort.get_data(as_text=True)


def test_history_shows_who_changed_which_field_old_to_new(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web)
    client.post(_pfad(welt), data=_formular(client, zuweisungen=13))
    seite = _angemeldet(web, "kreis").get("/admin/verlauf/").get_data(as_text=True)
    zeilen = [z for z in seite.split("<tr")[1:] if "10 → 13" in z]
    assert len(zeilen) == 1  # exactly one entry holds the change …
    zellen = [re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", "<td" + z)).strip()
              for z in zeilen[0].split("<td")[1:]]
    assert "eigen" in zellen  # … made by the kommune user "eigen" …
    assert "(1) vom Land ausgesprochene Zuweisungen: 10 → 13" in " ".join(zellen)  # … to (1)


def test_kreis_creates_the_first_report_of_a_kommune(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web, "kreis")
    seite = client.get("/admin/meldung/new/").get_data(as_text=True)
    assert "Kommune Leer" in seite and "Kommune Eigen" not in seite  # only those without one
    antwort = client.post("/admin/meldung/new/", data={
        **_formular(client, zuweisungen=5, ankuenfte=5), "kommune": welt.ohne_meldung,
        "version": 0})
    assert antwort.status_code == 302
    with web.app_context():
        assert db.session.get(Kommune, welt.ohne_meldung).meldung.zuweisungen == 5


def test_flask_admin_texts_are_german_and_the_catalogue_is_compiled(web: Flask, welt: Welt) -> None:
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    import admin

    ordner = Path(admin.__file__).parent / "translations" / "de" / "LC_MESSAGES"
    with (ordner / "admin.po").open("rb") as po, (ordner / "admin.mo").open("rb") as mo:
        quelle, kompiliert = read_po(po), read_mo(mo)
    def eintraege(katalog):  # type: ignore[no-untyped-def]
        # A plural's id and strings are a tuple in one reader and a list in the other.
        flach = lambda w: tuple(w) if isinstance(w, list | tuple) else w  # noqa: E731
        return {flach(m.id): flach(m.string) for m in katalog if m.id}

    assert eintraege(quelle) == eintraege(kompiliert), "admin.mo is stale: make translations"

    client = _angemeldet(web)
    seite = client.post(_pfad(welt), data=_formular(client, ankuenfte=99)).get_data(as_text=True)
    assert "Nicht gespeichert – bitte die markierten Angaben prüfen." in seite
    assert "Failed to save record" not in seite


def test_every_report_field_is_placed_exactly_once_on_the_screen() -> None:
    # A field left out of the layout would be posted empty and overwrite a saved figure.
    from wtforms.fields.core import UnboundField

    from admin.formulare import ABSCHNITTE, meldungsformular
    from wrm.meldefelder import ZAHLENNAMEN

    platziert = [name for _, namen in ABSCHNITTE for name in namen]
    assert sorted(platziert) == sorted({*ZAHLENNAMEN, "lage", "bemerkung"})
    eingaben = {name for name, wert in vars(meldungsformular()).items()
                if isinstance(wert, UnboundField)}
    assert set(platziert) == eingaben - {"version"}


def test_save_without_csrf_token_changes_nothing(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web)
    with web.app_context():
        vorher = abzug()
    daten = {k: v for k, v in _formular(client, zuweisungen=20).items() if k != "csrf_token"}
    antwort = client.post(_pfad(welt), data=daten)
    assert antwort.status_code == 200
    with web.app_context():
        assert abzug() == vorher

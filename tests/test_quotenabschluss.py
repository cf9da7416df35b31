"""Carry-over and relief as entries with reasons, and closing a period: the rest of each Kommune
carries into the next period, across two closed periods; a closed period no longer changes;
only the county closes and adjusts; bad input is refused in German and changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from tests import factories
from tests.conftest import anmelden
from tests.datenbestand import abzug
from wrm.db import db
from wrm.models import (
    Anpassungsart,
    Buchungsart,
    Kommune,
    Quotenanpassung,
    Rolle,
    Verteilzeitraum,
)
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.buchungen import buchen
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import Validierungsfehler, Verweigert
from wrm.services.quotenanpassungen import abschliessen, anpassen, anpassungen
from wrm.services.quotenberechnung import quoten_anwenden, quoten_berechnen
from wrm.services.verteilzeitraeume import quote_setzen, quoten_von

FRUEH = datetime(2025, 1, 1, tzinfo=UTC)


def _welt() -> tuple[dict[str, Kommune], list[Verteilzeitraum]]:
    """Three Kommunen (60,000 / 30,000 / 10,000 inhabitants) and three periods of 2026."""
    kommunen = {name: factories.kommune(name, einwohner=einwohner, angelegt_am=FRUEH)
                for name, einwohner in (("Ahausen", 60_000), ("Bedorf", 30_000),
                                        ("Cestadt", 10_000))}
    zeitraeume = [factories.zeitraum(beginn, ende=ende, name=name, kontingent=kontingent)
                  for name, beginn, ende, kontingent in (
                      ("P1", date(2026, 1, 1), date(2026, 4, 30), 100),
                      ("P2", date(2026, 5, 1), date(2026, 8, 31), 50),
                      ("P3", date(2026, 9, 1), date(2026, 12, 31), 80))]
    db.session.commit()
    return kommunen, zeitraeume


def _anwenden(zeitraum: Verteilzeitraum) -> dict[str, int]:
    berechnung = quoten_berechnen(db.session, zeitraum=zeitraum)
    quoten_anwenden(db.session, zeitraum=zeitraum, berechnung=berechnung, benutzer=None,
                    benutzer_name="Test")
    db.session.commit()
    return {z.kommune: z.quote for z in berechnung.zeilen}


def _melden(kommunen: dict[str, Kommune], um: datetime, **zuweisungen: int) -> None:
    for name, zahl in zuweisungen.items():
        factories.meldung(kommunen[name], um=um, zuweisungen=zahl, ankuenfte=0)
    db.session.commit()


def _uebertraege(zeitraum: Verteilzeitraum, kommunen: dict[str, Kommune]) -> dict[str, int]:
    stand = anpassungen(db.session, zeitraum=zeitraum)
    return {name: stand[k.id].wert(Anpassungsart.UEBERTRAG) for name, k in kommunen.items()}


def test_carry_over_across_two_closed_periods(ctx: None) -> None:
    kommunen, (p1, p2, p3) = _welt()
    assert _anwenden(p1) == {"Ahausen": 60, "Bedorf": 30, "Cestadt": 10}
    _melden(kommunen, datetime(2026, 4, 15, 10, tzinfo=UTC), Ahausen=50, Bedorf=35, Cestadt=10)
    buchen(db.session, kommune=kommunen["Ahausen"], zeitraum=p1, personen=4,
           art=Buchungsart.ANRECHNUNG, quelle="Vier Geburten", benutzer=None, system="Test",
           datum=date(2026, 4, 20))
    db.session.commit()

    abschluss = abschliessen(db.session, zeitraum=p1, benutzer=None, system="Test")
    db.session.commit()
    assert abschluss.naechster.id == p2.id and p1.abgeschlossen_am is not None
    # 60 − 50 − 4; 30 − 35 (over-fulfilled); 10 − 10.
    assert _uebertraege(p2, kommunen) == {"Ahausen": 6, "Bedorf": -5, "Cestadt": 0}
    eintrag = anpassungen(db.session, zeitraum=p2)[kommunen["Ahausen"].id].uebertrag
    assert eintrag is not None and eintrag.automatisch
    assert eintrag.grund == "Rest aus „P1“: Quote 60 − Zuweisungen 50 − Anrechnungen 4"

    anpassen(db.session, kommune=kommunen["Cestadt"], zeitraum=p2, art=Anpassungsart.ENTLASTUNG,
             personen=2, grund="Landesaufnahmebehörde am Ort", benutzer=None, system="Test")
    db.session.commit()
    # 50 by 6:3:1 = 30, 15, 5; plus carry-over, minus relief.
    assert _anwenden(p2) == {"Ahausen": 36, "Bedorf": 10, "Cestadt": 3}
    _melden(kommunen, datetime(2026, 8, 20, 10, tzinfo=UTC), Ahausen=30, Bedorf=12, Cestadt=3)

    abschliessen(db.session, zeitraum=p2, benutzer=None, system="Test",
                 abweichend={"Bedorf": (0, "Übererfüllung vom Land nicht angerechnet")})
    db.session.commit()
    # Bedorf's rest (10 − 12 = −2) replaced by the county's decision, with its reason.
    assert _uebertraege(p3, kommunen) == {"Ahausen": 6, "Bedorf": 0, "Cestadt": 0}
    bedorf = anpassungen(db.session, zeitraum=p3)[kommunen["Bedorf"].id].uebertrag
    assert bedorf is not None and not bedorf.automatisch
    assert bedorf.grund == "Übererfüllung vom Land nicht angerechnet"
    assert _anwenden(p3) == {"Ahausen": 54, "Bedorf": 24, "Cestadt": 8}


def test_a_closed_period_no_longer_changes(ctx: None) -> None:
    kommunen, (p1, p2, _) = _welt()
    _anwenden(p1)
    abschliessen(db.session, zeitraum=p1, benutzer=None, system="Test")
    db.session.commit()
    vorher = abzug()
    ahausen = kommunen["Ahausen"]
    for schritt in (
        lambda: quote_setzen(db.session, kommune=ahausen, zeitraum=p1, wert=1),
        lambda: buchen(db.session, kommune=ahausen, zeitraum=p1, personen=1,
                       art=Buchungsart.KORREKTUR, quelle="x", benutzer=None, system="Test",
                       datum=date(2026, 4, 20)),
        lambda: anpassen(db.session, kommune=ahausen, zeitraum=p1,
                         art=Anpassungsart.ENTLASTUNG, personen=1, grund="x", benutzer=None,
                         system="Test"),
        lambda: abschliessen(db.session, zeitraum=p1, benutzer=None, system="Test"),
    ):
        with pytest.raises(Validierungsfehler, match="„P1“ ist abgeschlossen"):
            schritt()
        db.session.rollback()
    assert abzug() == vorher
    assert quoten_von(db.session, zeitraum=p2) == {}  # closing sets carry-over, not quotas


def test_closing_needs_an_end_and_a_next_period(ctx: None) -> None:
    kommunen, (p1, p2, p3) = _welt()
    vorher = abzug()
    with pytest.raises(Validierungsfehler) as fehler:
        abschliessen(db.session, zeitraum=p3, benutzer=None, system="Test")
    assert "keinen Verteilzeitraum" in fehler.value.fehler["naechster"]
    offen = factories.zeitraum(date(2027, 1, 1), name="offen")
    with pytest.raises(Validierungsfehler) as fehler:
        abschliessen(db.session, zeitraum=offen, benutzer=None, system="Test")
    assert "kein Ende" in fehler.value.fehler["ende"]
    db.session.rollback()
    with pytest.raises(Validierungsfehler) as fehler:
        abschliessen(db.session, zeitraum=p1, benutzer=None, system="Test",
                     abweichend={"Nirgendwo": (1, "x"), "Bedorf": (3, " ")})
    assert fehler.value.fehler == {
        "abweichend Nirgendwo": "Die Kommune „Nirgendwo“ gibt es nicht.",
        "abweichend Bedorf (grund)": "Bitte den Grund angeben."}
    db.session.rollback()
    assert abzug() == vorher


def test_adjustments_are_entries_with_locking_and_rules(ctx: None) -> None:
    kommunen, (p1, _, _) = _welt()
    ahausen = kommunen["Ahausen"]
    erster = anpassen(db.session, kommune=ahausen, zeitraum=p1, art=Anpassungsart.ENTLASTUNG,
                      personen=5, grund="Erstaufnahme", benutzer=None, system="Test")
    db.session.commit()
    assert erster is not None
    # A form that saw no entry (or an older one) does not overwrite the newer one.
    with pytest.raises(Konflikt, match="Die Entlastung von Ahausen wurde inzwischen geändert"):
        anpassen(db.session, kommune=ahausen, zeitraum=p1, art=Anpassungsart.ENTLASTUNG,
                 personen=7, grund="anders", benutzer=None, system="Test", gelesen=None)
    db.session.rollback()
    zweiter = anpassen(db.session, kommune=ahausen, zeitraum=p1, art=Anpassungsart.ENTLASTUNG,
                       personen=7, grund="größere Einrichtung", benutzer=None, system="Test",
                       gelesen=erster.id)
    db.session.commit()
    assert zweiter is not None
    assert [(e.personen, e.grund) for e in db.session.scalars(
        select(Quotenanpassung).order_by(Quotenanpassung.id))] == [
        (5, "Erstaufnahme"), (7, "größere Einrichtung")]
    assert quoten_berechnen(db.session, zeitraum=p1).zeilen[0].entlastung == 7
    vorher = abzug()
    for personen, grund, feld in ((-1, "x", "personen"), (3, "", "grund"),
                                  (True, "x", "personen"), (10**7, "x", "personen")):
        with pytest.raises(Validierungsfehler) as fehler:
            anpassen(db.session, kommune=ahausen, zeitraum=p1, art=Anpassungsart.ENTLASTUNG,
                     personen=personen, grund=grund, benutzer=None, system="Test",
                     gelesen=zweiter.id)
        assert feld in fehler.value.fehler
        db.session.rollback()
    # A negative carry-over is allowed (over-fulfilled).
    assert anpassen(db.session, kommune=ahausen, zeitraum=p1, art=Anpassungsart.UEBERTRAG,
                    personen=-4, grund="übererfüllt", benutzer=None, system="Test") is not None
    db.session.rollback()
    assert abzug() == vorher


def test_only_the_county_adjusts_and_closes(ctx: None) -> None:
    kommunen, (p1, _, _) = _welt()
    kreis = factories.landkreis()
    kommune_benutzer = benutzer_anlegen(db.session, name="ahausen", rolle=Rolle.KOMMUNE,
                                        kommune=kommunen["Ahausen"], landkreis=kreis,
                                        passwort="sehr-geheim-123")
    presse = benutzer_anlegen(db.session, name="presse", rolle=Rolle.PRESSE, landkreis=kreis,
                              passwort="sehr-geheim-123")
    kreisbenutzer = benutzer_anlegen(db.session, name="kreis", rolle=Rolle.LANDKREIS,
                                     landkreis=kreis, passwort="sehr-geheim-123")
    db.session.commit()
    for benutzer in (kommune_benutzer, presse):
        with pytest.raises(Verweigert):
            anpassen(db.session, kommune=kommunen["Ahausen"], zeitraum=p1,
                     art=Anpassungsart.ENTLASTUNG, personen=1, grund="x", benutzer=benutzer)
        with pytest.raises(Verweigert):
            abschliessen(db.session, zeitraum=p1, benutzer=benutzer)
    assert anpassen(db.session, kommune=kommunen["Ahausen"], zeitraum=p1,
                    art=Anpassungsart.ENTLASTUNG, personen=1, grund="x",
                    benutzer=kreisbenutzer) is not None
    assert abschliessen(db.session, zeitraum=p1, benutzer=kreisbenutzer).naechster.name == "P2"


def test_cli_closes_with_an_override_and_refuses_bad_input(app: Flask,
                                                           runner: FlaskCliRunner) -> None:
    with app.app_context():
        _, (p1, _, _) = _welt()
        _anwenden(p1)
    ergebnis = runner.invoke(args=["zeitraum", "abschliessen", "P1", "--abweichend",
                                   "Bedorf=oops"])
    assert ergebnis.exit_code != 0 and "KOMMUNE=PERSONEN:GRUND" in ergebnis.output
    ergebnis = runner.invoke(args=["zeitraum", "abschliessen", "P3"])
    assert ergebnis.exit_code == 1 and "Nicht abgeschlossen:" in ergebnis.output
    ergebnis = runner.invoke(args=["zeitraum", "abschliessen", "P1", "--abweichend",
                                   "Bedorf=2:Absprache mit dem Land"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "„P1“ abgeschlossen; Übertrag nach „P2“:" in ergebnis.output
    assert "Ahausen" in ergebnis.output and "(abweichend festgelegt)" in ergebnis.output
    ergebnis = runner.invoke(args=["quoten", "anpassen", "Cestadt", "--art", "entlastung",
                                   "--personen", "3", "--grund", "LAB", "--zeitraum", "P2"])
    assert ergebnis.exit_code == 0, ergebnis.output
    ergebnis = runner.invoke(args=["quoten", "berechnen", "--zeitraum", "P2"])
    assert ergebnis.exit_code == 0 and "Bedorf" in ergebnis.output
    with app.app_context():
        p2 = db.session.scalars(select(Verteilzeitraum).where(Verteilzeitraum.name == "P2")
                                ).one()
        quoten = {z.kommune: z.quote
                  for z in quoten_berechnen(db.session, zeitraum=p2).zeilen}
    # Nobody reported in P1, so the whole quota carries over; Bedorf by the county's decision;
    # Cestadt minus its relief.
    assert quoten == {"Ahausen": 30 + 60, "Bedorf": 15 + 2, "Cestadt": 5 + 10 - 3}


def test_the_county_adjusts_on_the_quotenblatt_and_a_kommune_cannot(web: Flask) -> None:
    with web.app_context():
        kommunen, (p1, _, _) = _welt()
        kreis = factories.landkreis()
        for name, rolle, kommune in (("kreis", Rolle.LANDKREIS, None),
                                     ("ahausen", Rolle.KOMMUNE, kommunen["Ahausen"])):
            benutzer_anlegen(db.session, name=name, rolle=rolle, kommune=kommune,
                             landkreis=kreis, passwort="sehr-geheim-123")
        db.session.commit()
        kid, zid = kommunen["Ahausen"].id, p1.id
    client = web.test_client()
    anmelden(client, "kreis")
    seite = client.get(f"/admin/quotenblatt/?kommune={kid}&zeitraum={zid}").get_data(as_text=True)
    assert 'id="form-entlastung"' in seite and 'id="form-uebertrag"' in seite
    token = client.get("/_test/tokens").get_json()["admin"]
    daten = {"csrf_token": token, "kommune": kid, "zeitraum": zid, "art": "entlastung",
             "gelesen": "", "personen": "abc", "grund": "LAB"}
    seite = client.post("/admin/quotenblatt/anpassen", data=daten, follow_redirects=True
                        ).get_data(as_text=True)
    assert "Entlastung: „abc“ ist keine ganze Zahl." in seite
    daten["personen"] = "4"
    seite = client.post("/admin/quotenblatt/anpassen", data=daten, follow_redirects=True
                        ).get_data(as_text=True)
    assert "Entlastung von Ahausen gespeichert." in seite
    assert 'id="anpassungsverlauf"' in seite and "LAB" in seite
    # Sent again with the old state: refused, nothing overwritten.
    daten["personen"] = "9"
    seite = client.post("/admin/quotenblatt/anpassen", data=daten, follow_redirects=True
                        ).get_data(as_text=True)
    assert "inzwischen geändert" in seite
    client = web.test_client()
    anmelden(client, "ahausen")
    seite = client.get(f"/admin/quotenblatt/?zeitraum={zid}").get_data(as_text=True)
    assert 'id="form-entlastung"' not in seite and "LAB" in seite
    token = client.get("/_test/tokens").get_json()["admin"]
    seite = client.post("/admin/quotenblatt/anpassen", data={**daten, "csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)
    assert "Übertrag und Entlastung setzt nur der Landkreis." in seite
    with web.app_context():
        assert [e.personen for e in db.session.scalars(select(Quotenanpassung))] == [4]


def test_the_county_calculates_applies_and_closes_on_the_screen(web: Flask) -> None:
    with web.app_context():
        kommunen, (p1, p2, _) = _welt()
        kreis = factories.landkreis()
        benutzer_anlegen(db.session, name="kreis", rolle=Rolle.LANDKREIS, landkreis=kreis,
                         passwort="sehr-geheim-123")
        db.session.commit()
        zid, zid2, bedorf = p1.id, p2.id, kommunen["Bedorf"].id
    client = web.test_client()
    anmelden(client, "kreis")
    seite = client.get(f"/admin/quotenberechnung/?zeitraum={zid}").get_data(as_text=True)
    assert 'id="summe-grundquote">100<' in seite and 'id="summe-quote">100<' in seite
    token = client.get("/_test/tokens").get_json()["admin"]
    fingerabdruck = seite.split('name="fingerabdruck" value="')[1].split('"')[0]
    # The changes are listed before anything is applied, and need a confirmation.
    assert ('<ul class="mb-2" id="aenderungen"><li>Ahausen: keine → 60</li><li>Bedorf: keine '
            '→ 30</li><li>Cestadt: keine → 10</li></ul>') in seite
    assert "Diese 3 Änderungen übernehmen." in seite
    with web.app_context():
        vorher = abzug()
    seite = client.post("/admin/quotenberechnung/anwenden", follow_redirects=True, data={
        "csrf_token": token, "zeitraum": zid, "kontingent": "",
        "fingerabdruck": fingerabdruck}).get_data(as_text=True)
    assert "Bitte bestätigen Sie die aufgeführten Änderungen der Quoten." in seite
    with web.app_context():
        assert abzug() == vorher
    # Another contingent typed in but the digest of the stored one: refused.
    seite = client.post("/admin/quotenberechnung/anwenden", follow_redirects=True, data={
        "csrf_token": token, "zeitraum": zid, "kontingent": "120",
        "fingerabdruck": fingerabdruck, "bestaetigt": "ja"}).get_data(as_text=True)
    assert "Grundlagen der Berechnung haben sich inzwischen geändert" in seite
    seite = client.post("/admin/quotenberechnung/anwenden", follow_redirects=True, data={
        "csrf_token": token, "zeitraum": zid, "kontingent": "",
        "fingerabdruck": fingerabdruck, "bestaetigt": "ja"}).get_data(as_text=True)
    assert "Quoten angewendet: 3 geändert." in seite
    assert "Anwenden änderte nichts" in seite  # the quotas set are the calculated ones now
    with web.app_context():
        assert sorted(q.wert for q in quoten_von(db.session, zeitraum=db.session.get(
            Verteilzeitraum, zid)).values()) == [10, 30, 60]
    assert 'id="reste"' in seite
    seite = client.post("/admin/quotenberechnung/abschliessen", follow_redirects=True, data={
        "csrf_token": token, "zeitraum": zid}).get_data(as_text=True)
    assert "Bitte bestätigen Sie den Abschluss." in seite
    seite = client.post("/admin/quotenberechnung/abschliessen", follow_redirects=True, data={
        "csrf_token": token, "zeitraum": zid, "bestaetigt": "ja"}).get_data(as_text=True)
    assert "„P1“ abgeschlossen; die Reste sind als Übertrag in „P2“ eingetragen." in seite
    assert "Quotenberechnung – P2" in seite
    # Nobody reported: the whole quota carries over, so P2's quotas are 30+60, 15+30, 5+10.
    assert 'id="summe-quote">150<' in seite
    seite = client.get(f"/admin/quotenberechnung/?zeitraum={zid}").get_data(as_text=True)
    assert 'id="abgeschlossen"' in seite and 'id="anwenden"' not in seite
    # The closed period's master data no longer change either.
    seite = client.post(f"/admin/verteilzeitraum/edit/?id={zid}", follow_redirects=True, data={
        "csrf_token": token, "name": "P1 neu", "beginn": "2026-01-01", "ende": "2026-04-30",
        "kontingent": "999"}).get_data(as_text=True)
    assert "ist abgeschlossen; er ändert sich nicht mehr." in seite, seite[-3000:]
    with web.app_context():
        assert db.session.get(Verteilzeitraum, zid).kontingent == 100
    # A Kommune without population: the calculation names it, nothing else breaks.
    with web.app_context():
        db.session.get(Kommune, bedorf).einwohner = None
        db.session.commit()
    seite = client.get(f"/admin/quotenberechnung/?zeitraum={zid2}").get_data(as_text=True)
    assert "Ohne Einwohnerzahl: Bedorf." in seite and 'id="anwenden"' not in seite


def test_a_second_writer_who_saw_the_same_entry_gets_a_conflict(
        ctx: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The interleaving the check in Python cannot see: the second writer read before the first
    one committed. The database's unique chain (each entry replaces exactly one) refuses it."""
    from wrm.services import quotenanpassungen

    kommunen, (p1, _, _) = _welt()
    anpassen(db.session, kommune=kommunen["Ahausen"], zeitraum=p1,
             art=Anpassungsart.ENTLASTUNG, personen=5, grund="erste", benutzer=None,
             system="A")
    db.session.commit()
    monkeypatch.setattr(quotenanpassungen, "anpassungen", lambda *a, **k: {})
    with pytest.raises(Konflikt, match="Entlastung von Ahausen wurde gerade gleichzeitig"):
        anpassen(db.session, kommune=kommunen["Ahausen"], zeitraum=p1,
                 art=Anpassungsart.ENTLASTUNG, personen=7, grund="zweite", benutzer=None,
                 system="B")
    db.session.rollback()
    assert [e.grund for e in db.session.scalars(select(Quotenanpassung))] == ["erste"]


def test_applying_is_the_countys_in_the_service_itself(ctx: None) -> None:
    kommunen, (p1, _, _) = _welt()
    kreis = factories.landkreis()
    ahausen = benutzer_anlegen(db.session, name="ahausen", rolle=Rolle.KOMMUNE,
                               kommune=kommunen["Ahausen"], landkreis=kreis,
                               passwort="sehr-geheim-123")
    db.session.commit()
    berechnung = quoten_berechnen(db.session, zeitraum=p1)
    with pytest.raises(Verweigert, match="Quoten wendet nur der Landkreis an."):
        quoten_anwenden(db.session, zeitraum=p1, berechnung=berechnung, benutzer=ahausen)
    assert quoten_von(db.session, zeitraum=p1) == {}

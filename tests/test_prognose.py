"""The planning horizon: ISO weeks, the estimate from the rest of the quota, the week the places
run out (hand-computed cases), the announcements' import with its German refusals, and
`wrm prognose --format json` on data that is not the seed."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests import factories
from tests.conftest import anmelden
from tests.datenbestand import abzug
from wrm.db import db
from wrm.kennzahlen.prognose import (
    Woche,
    iso_woche,
    montag,
    reicht_bis,
    summenreihe,
    woche_lesen,
    wochenreihe,
)
from wrm.models import Ankuendigung, Kommune, Rolle
from wrm.services.benutzer import benutzer_anlegen
from wrm.zeit import heute

W1 = date(2027, 1, 4)  # Monday of 2027-W01


def _w(n: int) -> date:
    return W1 + timedelta(weeks=n - 1)


def test_iso_weeks_are_read_and_named() -> None:
    assert woche_lesen("2027-W05") == date(2027, 2, 1) and iso_woche(date(2027, 2, 1)) == "2027-W05"
    assert woche_lesen("2026-W53") == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    assert iso_woche(date(2027, 1, 1)) == "2026-W53"  # a Friday still in the last year's week
    assert montag(date(2027, 1, 10)) == W1
    for falsch, text in (("2027-W54", "keine Kalenderwoche 54"), ("2027-W00", "Kalenderwoche 0"),
                         ("2027-5", "keine Kalenderwoche; erwartet"),
                         ("2027-W5", "keine Kalenderwoche; erwartet"),
                         ("2025-W53", "Das Jahr 2025 hat keine Kalenderwoche 53")):
        with pytest.raises(ValueError, match=text):
            woche_lesen(falsch)


def test_the_rest_of_the_quota_is_spread_over_the_weeks_without_an_announcement() -> None:
    # Five weeks W01–W05 (the end is a Wednesday of W05); W02 announced 10; quota rest 27:
    # 27 − 10 = 17 over four weeks = 4 each and one leftover to the earliest week.
    reihe = wochenreihe(aktuelle_woche=W1, ende=_w(5) + timedelta(days=2),
                        angekuendigt={_w(2): 10, _w(0): 99}, rest_quote=27)
    assert [(w.iso, w.personen, w.geschaetzt) for w in reihe] == [
        ("2027-W01", 5, True), ("2027-W02", 10, False), ("2027-W03", 4, True),
        ("2027-W04", 4, True), ("2027-W05", 4, True)]
    # Announced more than the quota asks: the other weeks get 0, never less.
    reihe = wochenreihe(aktuelle_woche=W1, ende=_w(3), angekuendigt={_w(1): 40},
                        rest_quote=30)
    assert [w.personen for w in reihe] == [40, 0, 0]
    # Without an end: only the announced weeks from the current one on, no estimate.
    reihe = wochenreihe(aktuelle_woche=_w(2), ende=None,
                        angekuendigt={_w(1): 5, _w(4): 7, _w(2): 1}, rest_quote=100)
    assert [(w.iso, w.personen, w.geschaetzt) for w in reihe] == [
        ("2027-W02", 1, False), ("2027-W04", 7, False)]


def test_the_week_the_places_run_out() -> None:
    reihe = (Woche(_w(1), 5), Woche(_w(2), 10), Woche(_w(3), 4))
    assert reicht_bis(reihe, 15) == "2027-W02"  # 5, 15 fit; 19 does not
    assert reicht_bis(reihe, 19) is None  # never runs out within the horizon
    assert reicht_bis(reihe, 4) == "2026-W53"  # not even the current week: the week before
    assert reicht_bis((), 0) is None
    # Gaps count 0: the last fitting week is the one before the first that overflows.
    assert reicht_bis((Woche(_w(1), 1), Woche(_w(6), 9)), 5) == "2027-W05"
    assert summenreihe([(Woche(_w(1), 2), Woche(_w(2), 3, True)), (Woche(_w(2), 4),)]) == (
        Woche(_w(1), 2), Woche(_w(2), 7, True))


def _kreis(runner: FlaskCliRunner, app: Flask) -> None:
    """Two Kommunen of a period ending in the fourth week from now, with quotas and places,
    all entered two days ago."""
    vorgestern = datetime.now(UTC) - timedelta(days=2)
    with app.app_context():
        zeitraum = factories.zeitraum(heute() - timedelta(days=30),
                                      ende=montag(heute()) + timedelta(weeks=3, days=4))
        for name, quote, werte in (
                ("Nordheim", 50, {"zuweisungen": 20, "verfuegbar_gemeinschaftsunterkunft": 6,
                                  "verfuegbar_dezentral": 4, "in_aussicht_dezentral": 8,
                                  "in_aussicht_gemeinschaftsunterkunft": 0}),
                ("Suedstadt", 10, {"zuweisungen": 12, "verfuegbar_gemeinschaftsunterkunft": 3,
                                   "verfuegbar_dezentral": 0, "in_aussicht_dezentral": 0,
                                   "in_aussicht_gemeinschaftsunterkunft": 0})):
            kommune = factories.kommune(name, angelegt_am=vorgestern)
            factories.quote(kommune, zeitraum, quote, um=vorgestern)
            factories.meldung(kommune, ankuenfte=0, um=vorgestern, **werte)
        db.session.commit()


def _datei(tmp_path: Path, text: str) -> str:
    pfad = tmp_path / "ankuendigungen.csv"
    pfad.write_text(text, encoding="utf-8")
    return str(pfad)


def test_prognose_json_on_hand_computed_figures(app: Flask, runner: FlaskCliRunner,
                                                tmp_path: Path) -> None:
    _kreis(runner, app)
    w = [iso_woche(montag(heute()) + timedelta(weeks=n)) for n in range(4)]
    ergebnis = runner.invoke(args=["ankuendigungen", "import", _datei(
        tmp_path, f"kommune;woche;personen\nNordheim;{w[0]};4\nNordheim;{w[1]};7\n"
                  f"suedstadt;{w[1]};2\n")])
    assert ergebnis.exit_code == 0 and "3 Ankündigungen eingelesen." in ergebnis.output
    daten = json.loads(runner.invoke(args=["prognose", "--format", "json"]).output)
    assert list(daten) == ["stichtag", "kommunen", "landkreis"]
    assert daten["stichtag"] == heute().isoformat()
    # Nordheim: (5) = 30, announced 4 + 7, the rest 19 over the two open weeks: 10, 9.
    # Cumulative 4, 11, 21, 30 against 10 places now: runs out in the second week;
    # with 8 in Aussicht (18): in the third.
    nordheim, sued = daten["kommunen"]
    assert nordheim == {"kommune": "Nordheim", "reicht_bis": w[0],
                        "reicht_bis_mit_aussicht": w[1], "geschaetzt": True}
    # Suedstadt is over its quota (−2): nothing estimated, 2 announced fit into 3 places.
    assert sued == {"kommune": "Suedstadt", "reicht_bis": None,
                    "reicht_bis_mit_aussicht": None, "geschaetzt": True}
    # County: weeks 4, 9, 10, 9 (cumulative 4, 13, 23, 32) against 13 now, 21 with Aussicht;
    # (5) summed: 30 + (−2).
    assert daten["landkreis"] == {"reicht_bis": w[1], "reicht_bis_mit_aussicht": w[1],
                                  "benoetigt_bis_zeitraumende": 28}
    tabelle = runner.invoke(args=["prognose"]).output
    assert "Nordheim" in tabelle and "(geschätzt)" in tabelle
    assert "Benötigter Wohnraum bis Ende des Verteilzeitraums: 28" in tabelle


def test_a_corrected_announcement_replaces_the_week_and_a_past_stichtag_sees_the_old(
        app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    _kreis(runner, app)
    woche = iso_woche(montag(heute()))
    runner.invoke(args=["ankuendigungen", "import", _datei(
        tmp_path, f"kommune;woche;personen\nNordheim;{woche};40\n")])
    with app.app_context():
        # Move the first entry to yesterday, as if imported then.
        eintrag = db.session.scalars(db.select(Ankuendigung)).one()
        eintrag.eingetragen_am = datetime.now(UTC) - timedelta(days=1)
        db.session.commit()
    runner.invoke(args=["ankuendigungen", "import", _datei(
        tmp_path, f"kommune;woche;personen\nNordheim;{woche};0\n")])
    heute_ = json.loads(runner.invoke(args=["prognose", "--format", "json"]).output)
    gestern = json.loads(runner.invoke(args=[
        "prognose", "--format", "json", "--stichtag",
        (heute() - timedelta(days=1)).isoformat()]).output)
    # Today: 0 this week, the rest of (5) = 30 over the three other weeks, 10 each:
    # cumulative 0, 10, 20 > 18 places with Aussicht.
    assert heute_["kommunen"][0]["reicht_bis_mit_aussicht"] == iso_woche(
        montag(heute()) + timedelta(weeks=1))
    # Yesterday 40 were announced for this week (more than 18 places): it ran out the week
    # before.
    assert gestern["kommunen"][0]["reicht_bis_mit_aussicht"] == iso_woche(
        montag(heute()) - timedelta(weeks=1))
    with app.app_context():
        assert db.session.query(Ankuendigung).count() == 2  # the earlier one is kept


def test_bad_announcements_are_refused_by_line_and_nothing_changes(
        app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    _kreis(runner, app)
    with app.app_context():
        vorher = abzug()
    ergebnis = runner.invoke(args=["ankuendigungen", "import", _datei(
        tmp_path, "kommune;woche;personen\nNordheim;2027-W05;3\nAtlantis;2027-W05;1\n"
                  "Nordheim;2027-W5;1\nNordheim;2027-W06;-2\nNordheim;2027-W05;4\n"
                  "Suedstadt;2027-W07;\n")])
    assert ergebnis.exit_code == 1
    assert ergebnis.output.splitlines() == [
        "Import abgebrochen, nichts wurde gespeichert:",
        "  Zeile 3, Spalte kommune: Die Kommune „Atlantis“ gibt es im Landkreis nicht.",
        "  Zeile 4, Spalte woche: „2027-W5“ ist keine Kalenderwoche; erwartet z. B. „2027-W05“",
        "  Zeile 5, Spalte personen: Personen: eine ganze Zahl von 0 bis 1.000.000",
        "  Zeile 6: Nordheim und diese Woche stehen schon in Zeile 2.",
        "  Zeile 7, Spalte personen: Personen fehlen",
    ]
    ergebnis = runner.invoke(args=["ankuendigungen", "import", _datei(
        tmp_path, "kommune;personen\nNordheim;3\n")])
    assert ergebnis.exit_code == 1 and "Spalte woche: Spalte fehlt" in ergebnis.output
    with app.app_context():
        assert abzug() == vorher


def test_a_period_without_an_end_counts_only_announced_weeks(
        app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    with app.app_context():
        zeitraum = factories.zeitraum(heute() - timedelta(days=30))
        kommune = factories.kommune("Offenbach")
        factories.quote(kommune, zeitraum, 500)
        factories.meldung(kommune, zuweisungen=0, ankuenfte=0,
                          verfuegbar_gemeinschaftsunterkunft=5, verfuegbar_dezentral=0,
                          in_aussicht_dezentral=0, in_aussicht_gemeinschaftsunterkunft=0)
        db.session.commit()
    woche = iso_woche(montag(heute()) + timedelta(weeks=2))
    runner.invoke(args=["ankuendigungen", "import", _datei(
        tmp_path, f"kommune;woche;personen\nOffenbach;{woche};6\n")])
    daten = json.loads(runner.invoke(args=["prognose", "--format", "json"]).output)
    assert daten["kommunen"] == [{
        "kommune": "Offenbach", "geschaetzt": False, "reicht_bis_mit_aussicht": iso_woche(
            montag(heute()) + timedelta(weeks=1)),
        "reicht_bis": iso_woche(montag(heute()) + timedelta(weeks=1))}]


def test_the_screen_shows_the_horizon_and_the_county_enters_announcements(
        web: Flask, tmp_path: Path) -> None:
    _kreis(web.test_cli_runner(), web)
    with web.app_context():
        kreis = factories.landkreis()
        nordheim = db.session.scalars(db.select(Kommune).where(Kommune.name == "Nordheim")).one()
        for name, rolle, kommune in (("kreis", Rolle.LANDKREIS, None),
                                     ("nordheim", Rolle.KOMMUNE, nordheim),
                                     ("presse", Rolle.PRESSE, None)):
            benutzer_anlegen(db.session, name=name, rolle=rolle, kommune=kommune,
                             landkreis=kreis, passwort="sehr-geheim-123")
        db.session.commit()
        nid = nordheim.id
    w0 = montag(heute())
    client = web.test_client()
    anmelden(client, "kreis")
    seite = client.get("/admin/prognose/").get_data(as_text=True)
    assert 'id="ankuendigung"' in seite and 'id="diagramm-prognose"' in seite
    token = client.get("/_test/tokens").get_json()["admin"]
    seite = client.post("/admin/prognose/eintragen", follow_redirects=True, data={
        "csrf_token": token, "kommune": nid, "woche": "2027-W99", "personen": "x"}
    ).get_data(as_text=True)
    assert "Woche: Das Jahr 2027 hat keine Kalenderwoche 99." in seite
    assert "„x“ ist keine ganze Zahl." in seite
    seite = client.post("/admin/prognose/eintragen", follow_redirects=True, data={
        "csrf_token": token, "kommune": nid, "woche": iso_woche(w0), "personen": "25"}
    ).get_data(as_text=True)
    assert f"Ankündigung gespeichert: Nordheim, {iso_woche(w0)}, 25 Personen." in seite
    # 25 this week against 10 places free now: not even this week; with Aussicht (18) neither.
    zeile = seite.split(">Nordheim</a></th>")[1].split("</tr>")[0]
    assert zeile.count("reicht nicht für diese Woche") == 2
    seite = client.post("/admin/prognose/einlesen", follow_redirects=True,
                        content_type="multipart/form-data", data={
                            "csrf_token": token, "datei": (io.BytesIO(
                                b"kommune;woche;personen\nNirgends;2027-W01;1\n"), "l.csv")}
                        ).get_data(as_text=True)
    assert "Nichts eingelesen: Zeile 2, Spalte kommune: Die Kommune „Nirgends“" in seite
    seite = client.post("/admin/prognose/einlesen", follow_redirects=True,
                        content_type="multipart/form-data", data={
                            "csrf_token": token, "datei": (io.BytesIO(
                                f"kommune;woche;personen\nNordheim;{iso_woche(w0)};0\n"
                                .encode()), "l.csv")}).get_data(as_text=True)
    assert "1 Ankündigungen eingelesen." in seite
    seite = client.get(f"/admin/prognose/?kommune={nid}").get_data(as_text=True)
    assert 'id="wochen"' in seite and "Nordheim Woche für Woche" in seite
    auswertung = client.get("/admin/auswertung/").get_data(as_text=True)
    assert "reicht bis KW" in auswertung and auswertung.count('class="reicht-bis"') == 3
    for name in ("nordheim", "presse"):
        leser = web.test_client()
        anmelden(leser, name)
        seite = leser.get("/admin/prognose/").get_data(as_text=True)
        assert 'id="prognose"' in seite and 'id="ankuendigung"' not in seite
        token = leser.get("/_test/tokens").get_json()["admin"]
        antwort = leser.post("/admin/prognose/eintragen", follow_redirects=True, data={
            "csrf_token": token, "kommune": nid, "woche": iso_woche(w0), "personen": "1"})
        assert "Ankündigungen trägt nur der Landkreis ein." in antwort.get_data(as_text=True)
    with web.app_context():
        assert [a.personen for a in db.session.scalars(
            db.select(Ankuendigung).order_by(Ankuendigung.id))] == [25, 0]


@pytest.mark.parametrize("saat", range(200))
def test_the_horizon_on_random_series(saat: int) -> None:
    """Properties on random announcements: the estimate fills the quota's rest exactly (never
    below the announced), `reicht_bis` is the last week that fits."""
    zufall = random.Random(saat)
    wochen = zufall.randint(1, 30)
    ende = W1 + timedelta(weeks=wochen - 1, days=zufall.randint(0, 6))
    angekuendigt = {_w(zufall.randint(-3, wochen + 3)): zufall.randint(0, 50)
                    for _ in range(zufall.randint(0, wochen))}
    rest = zufall.randint(-20, 600)
    reihe = wochenreihe(aktuelle_woche=W1, ende=ende, angekuendigt=angekuendigt,
                        rest_quote=rest)
    assert [w.beginn for w in reihe] == [_w(n) for n in range(1, wochen + 1)]
    im_horizont = sum(p for w, p in angekuendigt.items() if W1 <= w <= _w(wochen))
    gesamt = sum(w.personen for w in reihe)
    if any(w.geschaetzt for w in reihe):
        assert gesamt == max(rest, im_horizont)
    else:  # every week announced: nothing to estimate
        assert gesamt == im_horizont
    geschaetzt = [w.personen for w in reihe if w.geschaetzt]
    assert not geschaetzt or max(geschaetzt) - min(geschaetzt) <= 1
    assert geschaetzt == sorted(geschaetzt, reverse=True)  # leftover to the earliest weeks
    plaetze = zufall.randint(0, 700)
    bis = reicht_bis(reihe, plaetze)
    kumuliert = [sum(w.personen for w in reihe[:i + 1]) for i in range(len(reihe))]
    if bis is None:
        assert all(k <= plaetze for k in kumuliert)
    else:
        erste_zu_viel = next(i for i, k in enumerate(kumuliert) if k > plaetze)
        assert bis == iso_woche(reihe[erste_zu_viel].beginn - timedelta(weeks=1))

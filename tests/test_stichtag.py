"""Figures as they stood at the end of a past day, reproduced from the history."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import text

from tests import factories
from wrm.db import db
from wrm.models import Kommune
from wrm.services.auswertung import auswertung
from wrm.services.stand import staende
from wrm.zeit import ZEITZONE, heute, tagesende


def um(tag: date, stunde: int) -> datetime:
    return datetime(tag.year, tag.month, tag.day, stunde, tzinfo=ZEITZONE)


def test_stichtag_returns_yesterdays_figures_after_todays_change(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    gestern = heute() - timedelta(days=1)
    with app.app_context():
        k = factories.kommune("Kommune A")
        z = factories.zeitraum(gestern - timedelta(days=30))
        factories.quote(k, z, 50, um=um(gestern, 8) - timedelta(days=1))
        k.angelegt_am = um(gestern, 7) - timedelta(days=1)
        factories.meldung(k, um=um(gestern, 9), zuweisungen=20, verfuegbar_dezentral=4)
        db.session.commit()
    heute_datei = ("kommune;aufnahmequote;zuweisungen;ankuenfte;keine_quotenanrechnung;"
                   "moegliche_quotenanrechnung;in_gemeinschaftsunterkuenften;"
                   "dezentral_untergebracht;verfuegbar_gemeinschaftsunterkunft;"
                   "verfuegbar_dezentral;in_aussicht_gemeinschaftsunterkunft;"
                   "in_aussicht_dezentral;lage\n"
                   "Kommune A;60;30;8;0;;3;5;2;9;0;1;kritisch\n")
    (tmp_path / "heute.csv").write_text(heute_datei, encoding="utf-8")
    assert runner.invoke(args=["import", str(tmp_path / "heute.csv")]).exit_code == 0

    def zeile(*args: str) -> dict:
        ausgabe = runner.invoke(args=["auswertung", "--format", "json", *args]).output
        return json.loads(ausgabe)["zeilen"][0]

    alt = zeile("--stichtag", gestern.isoformat())
    assert (alt["aufnahmequote"], alt["zuweisungen"], alt["verfuegbar_dezentral"]) == (50, 20, 4)
    assert alt["zu_erfuellen"] == 30 and alt["lage"] == "ausreichend"
    assert alt["stand"].startswith(gestern.isoformat())
    neu = zeile()
    assert (neu["aufnahmequote"], neu["zuweisungen"], neu["lage"]) == (60, 30, "kritisch")
    assert zeile("--stichtag", heute().isoformat()) == neu


def test_before_any_report_the_row_is_empty_and_later_kommunen_are_absent(ctx: None) -> None:
    tag = date(2024, 3, 1)
    alt = factories.kommune("Alt", angelegt_am=um(tag, 8))
    factories.kommune("Neu", angelegt_am=um(tag + timedelta(days=5), 8))
    factories.meldung(alt, um=um(tag, 12))
    ergebnis = auswertung(db.session, landkreis=factories.landkreis(), stichtag=tag)
    assert [z.kommune for z in ergebnis.zeilen] == ["Alt"]
    vorher = auswertung(db.session, landkreis=factories.landkreis(),
                        stichtag=tag - timedelta(days=1))
    assert vorher.zeilen == ()


def test_the_day_ends_at_local_midnight_whatever_the_database_session_zone(ctx: None) -> None:
    # A report at 23:30 local time belongs to its day, one at 00:30 to the next: also when the
    # database session's own time zone is neither UTC nor the county's (PostgreSQL would then
    # read an aware bound value in that zone, if the bound type did not convert it).
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET TIME ZONE 'America/New_York'"))
    tag = date(2024, 3, 1)
    k = factories.kommune("Kommune A", angelegt_am=um(tag, 8))
    factories.meldung(k, um=um(tag, 12), zuweisungen=101)
    factories.meldung(k, um=um(tag, 23) + timedelta(minutes=30), zuweisungen=102)
    factories.meldung(k, um=um(tag + timedelta(days=1), 0) + timedelta(minutes=30),
                      zuweisungen=103)
    kreis = factories.landkreis()
    assert [z.zuweisungen for z in auswertung(db.session, landkreis=kreis, stichtag=tag).zeilen
            ] == [102]
    assert [z.zuweisungen for z in auswertung(
        db.session, landkreis=kreis, stichtag=tag + timedelta(days=1)).zeilen] == [103]


def test_end_of_day_is_local_midnight() -> None:
    assert tagesende(date(2026, 3, 1)).isoformat() == "2026-03-01T23:00:00+00:00"
    assert tagesende(date(2026, 7, 1)).isoformat() == "2026-07-01T22:00:00+00:00"


def test_random_history_replays_exactly(ctx: None) -> None:
    """Random edits over 30 days; every day's Auswertung equals the state replayed by hand."""
    zufall = random.Random(7)
    start = date(2025, 1, 1)
    zeitraum = factories.zeitraum(start)
    kommunen = [factories.kommune(f"K{i}", angelegt_am=um(start, 1)) for i in range(5)]
    zustand: dict[int, dict[str, int | None]] = {
        k.id: {"quote": None, "zuweisungen": None, "verfuegbar": None} for k in kommunen}
    stand: dict[tuple[int, date], tuple] = {}
    for tag_nr in range(30):
        tag = start + timedelta(days=tag_nr)
        for stunde in sorted(zufall.sample(range(6, 20), 3)):
            k = zufall.choice(kommunen)
            if zufall.random() < 0.3:
                zustand[k.id]["quote"] = zufall.randint(0, 80)
                factories.quote(k, zeitraum, zustand[k.id]["quote"], um=um(tag, stunde))
            else:
                zuw, verf = zufall.randint(0, 60), zufall.choice([None, zufall.randint(0, 30)])
                factories.meldung(k, um=um(tag, stunde), zuweisungen=zuw, ankuenfte=zuw // 2,
                                  verfuegbar_dezentral=verf)
                zustand[k.id].update(zuweisungen=zuw, verfuegbar=verf)
        for k in kommunen:
            stand[k.id, tag] = tuple(zustand[k.id].values())
    db.session.commit()
    namen = {k.name: k.id for k in kommunen}
    for tag_nr in range(30):
        tag = start + timedelta(days=tag_nr)
        ergebnis = auswertung(db.session, landkreis=factories.landkreis(), stichtag=tag)
        assert sorted(z.kommune for z in ergebnis.zeilen) == sorted(namen)  # every Kommune, once
        for zeile in ergebnis.zeilen:
            erwartet = stand[namen[zeile.kommune], tag]
            assert (zeile.aufnahmequote, zeile.zuweisungen, zeile.verfuegbar_dezentral) == erwartet


def test_the_statement_kept_per_scope_answers_each_scope(ctx: None) -> None:
    # The figure statements are kept with a caller's conditions (`_eingeschraenkt`): equal
    # conditions share one, others (another Kommune, another Landkreis) must not.
    tag = date(2024, 3, 1)
    a = factories.kommune("Kommune A", angelegt_am=um(tag, 8))
    b = factories.kommune("Kommune B", angelegt_am=um(tag, 8))
    fremd = factories.landkreis("Landkreis Fremd")
    factories.kommune("Kommune F", kreis=fremd, angelegt_am=um(tag, 8))
    kreis = factories.landkreis()
    for stichtag in (None, tag):
        def namen(**wie: object) -> list[str]:
            return [s.kommune.name for s in staende(db.session, landkreis=kreis,
                                                    stichtag=stichtag, **wie)]  # noqa: B023
        for _ in range(2):
            assert namen(kommune_id=a.id) == ["Kommune A"]
            assert namen(kommune_id=b.id) == ["Kommune B"]
            assert namen(sichtbar=Kommune.landkreis_id == kreis.id) == ["Kommune A", "Kommune B"]
            assert namen(sichtbar=Kommune.landkreis_id == fremd.id) == []
            assert namen(sichtbar=Kommune.name.in_(["Kommune B"])) == ["Kommune B"]

"""Read-only pages for every role: the paper's "Übersicht" and "Kontinuierliche Auswertung",
with freshness, charts and downloads."""

from __future__ import annotations

from datetime import date, datetime

from flask import Response, abort, current_app, url_for
from flask_admin import expose
from sqlalchemy import select

from admin import anfrage, diagramme
from admin.base import GeschuetzteAnsicht
from admin.formulare import WrmFormular
from admin.herunterladen import herunterladen
from admin.karte import Punkt, Unterkunftspunkt, karte
from wrm import berechtigungen, exporte, kennzahlen, umverteilung
from wrm.berechtigungen import Aktion
from wrm.db import db, jetzt
from wrm.meldefelder import (
    AUSWERTUNG,
    LAGE,
    UEBERSICHT,
    ZAHLENFELDER,
    ZU_ERFUELLEN,
    zusammenfassungszeilen,
)
from wrm.models import Benutzer, Meldung, Vereinbarung, Vereinbarungsstatus
from wrm.services import unterkuenfte
from wrm.services.frische import frische, meldefrist
from wrm.services.prognose import prognose
from wrm.services.pruefung import kennung_lesen
from wrm.services.stand import Stand
from wrm.services.vorschlag import orte
from wrm.services.zeitreihe import wochenreihe
from wrm.zeit import heute, tagesende


def _frist(benutzer: Benutzer) -> int:
    """The user's Landkreis' reporting interval in days."""
    return meldefrist(benutzer.landkreis, int(current_app.config["MELDEFRIST_TAGE"]))


def _bezug(stichtag: date | None) -> datetime:
    return jetzt() if stichtag is None else tagesende(stichtag)


def _offene_anfragen(benutzer: Benutzer) -> dict[tuple[str, str], Vereinbarung]:
    """Requests not yet answered, by (zuweisend, aufnehmend): a proposal line that has one
    shows it instead of offering the same request again."""
    offen = db.session.scalars(select(Vereinbarung).where(
        berechtigungen.bereich(benutzer, Vereinbarung),
        Vereinbarung.status == Vereinbarungsstatus.ANGEFRAGT).order_by(Vereinbarung.id))
    return {(v.zuweisend.name, v.aufnehmend.name): v for v in offen}


def _umverteilung(benutzer: Benutzer, stand: list[Stand], stichtag: date | None
                  ) -> dict[str, object]:
    """The proposal (for the county) and the map (for everyone who reads the figures)."""
    vorschlag = (umverteilung.vorschlagen(orte(stand))
                 if berechtigungen.vorschlag_sichtbar(benutzer) else None)
    punkte = [Punkt(s.kommune.name, s.kommune.breitengrad, s.kommune.laengengrad, s.zeile)
              for s in stand if s.kommune.breitengrad is not None
              and s.kommune.laengengrad is not None]
    # The county's own shelters' row is no place: its shelters are drawn one by one.
    ohne_ort = [s.kommune.name for s in stand if (s.kommune.breitengrad is None
                or s.kommune.laengengrad is None) and not s.kommune.des_landkreises]
    eigene = [Unterkunftspunkt(u.werte["name"], u.kommune, u.werte["breitengrad"],
                               u.werte["laengengrad"], u.kapazitaet.frei)
              for u in unterkuenfte.liste(db.session, landkreis=benutzer.landkreis,
                                          benutzer=benutzer, stichtag=stichtag)
              if u.werte["breitengrad"] is not None and u.kapazitaet.status != "geschlossen"]
    return {"vorschlag": vorschlag, "kommune_ids_vorschlag": {s.kommune.name: s.kommune.id
                                                            for s in stand},
            "anfragen_moeglich": stichtag is None and berechtigungen.darf(
                benutzer, Aktion.ANLEGEN, Vereinbarung),
            "offene_anfragen": _offene_anfragen(benutzer) if vorschlag else {},
            "karte_svg": karte(punkte, vorschlag.zeilen if vorschlag else (), ohne_ort, eigene),
            # The one-click request of a proposal line is a POST with the form's CSRF token.
            "csrf_token_admin": WrmFormular().csrf_token.current_token}


class UebersichtAnsicht(GeschuetzteAnsicht):
    """All Kommunen's figures and computed fields, as in the paper's "Übersicht"."""

    modell = Meldung

    @expose("/")
    def index(self) -> str:
        """The table, one row per Kommune in the order of the Kommunen."""
        benutzer, stichtag = anfrage.benutzer(), anfrage.stichtag()
        stand = anfrage.stand(benutzer, stichtag)
        sichtbar = {s.kommune.id for s in stand
                    if berechtigungen.bemerkung_sichtbar(benutzer, s.kommune)}
        return self.render(
            "admin/uebersicht.html", stand=stand, felder=ZAHLENFELDER, zu_erfuellen=ZU_ERFUELLEN,
            stichtag=stichtag or heute(), heute=heute(),
            # A column the role can never read is not shown to it (the press: no notes).
            bemerkung_sichtbar=lambda k: k.id in sichtbar, bemerkung_spalte=bool(sichtbar),
            personen_sichtbar=berechtigungen.personen_sichtbar(benutzer),
            exporte_erlaubt=berechtigungen.exporte_erlaubt(benutzer),
        )

    @expose("/export.<format_>")
    def export(self, format_: str) -> Response:
        """The Übersicht as XLSX or CSV; internal notes and names only in the county's."""
        benutzer, stichtag = anfrage.benutzer(), anfrage.stichtag()
        if not berechtigungen.exporte_erlaubt(benutzer):
            abort(403)
        stand = anfrage.stand(benutzer, stichtag)
        tabelle = exporte.uebersichtstabelle(
            stand, stichtag=stichtag or heute(), landkreis=benutzer.landkreis.name,
            intern=berechtigungen.intern_exportieren(benutzer))
        return herunterladen(tabelle, "uebersicht", format_)


class AuswertungAnsicht(GeschuetzteAnsicht):
    """The paper's "Kontinuierliche Auswertung", today or at a Stichtag, with freshness."""

    modell = Meldung

    def _auswertung(self) -> tuple[Benutzer, date | None, list[Stand], kennzahlen.Auswertung]:
        benutzer, stichtag = anfrage.benutzer(), anfrage.stichtag()
        stand = anfrage.stand(benutzer, stichtag)
        return benutzer, stichtag, stand, kennzahlen.auswerten(s.zeile for s in stand)

    @expose("/")
    def index(self) -> str:
        """Table sorted by Bedarf, Gesamt row, summary, coverage, overdue list and charts."""
        benutzer, stichtag, stand, ergebnis = self._auswertung()
        bezug = _bezug(stichtag)
        frist = _frist(benutzer)
        reihe = wochenreihe(db.session, landkreis=benutzer.landkreis, bis=stichtag or heute())
        horizont = prognose(db.session, landkreis=benutzer.landkreis, stichtag=stichtag,
                            stand=stand)
        kreis = {s.kommune.name for s in stand if s.kommune.des_landkreises}
        return self.render(
            "admin/auswertung.html", auswertung=ergebnis, stichtag=stichtag or heute(),
            horizont=horizont, reichweiten={k.name: r for k, r in horizont.kommunen},
            heute=heute(), spalten=AUSWERTUNG[1:-1], lage=LAGE,
            zusammenfassung=zusammenfassungszeilen(ergebnis.zusammenfassung),
            # The county's own shelters' row reports by itself: not counted as a Kommune that
            # reported, never overdue.
            frische=frische([z for z in ergebnis.zeilen if z.kommune not in kreis], bezug=bezug,
                            frist_tage=frist),
            alter=lambda z: kennzahlen.alter_tage(z.stand, bezug),
            veraltet=lambda z: z.kommune not in kreis and kennzahlen.veraltet(z.stand, bezug,
                                                                              frist),
            kommune_ids={s.kommune.name: s.kommune.id for s in stand},
            exporte_erlaubt=berechtigungen.exporte_erlaubt(benutzer),
            bedarf_svg=diagramme.bedarf_je_kommune(ergebnis.zeilen),
            verlauf_svg=diagramme.verlauf(reihe, "Landkreis je Woche (Personen)"),
            **_umverteilung(benutzer, stand, stichtag),
        )

    @expose("/export.<format_>")
    def export(self, format_: str) -> Response:
        """The Auswertung as XLSX or CSV, in the paper's layout."""
        benutzer, stichtag, stand, ergebnis = self._auswertung()
        if not berechtigungen.exporte_erlaubt(benutzer):
            abort(403)
        horizont = prognose(db.session, landkreis=benutzer.landkreis, stichtag=stichtag,
                            stand=stand)
        tabelle = exporte.auswertungstabelle(ergebnis, stichtag=stichtag or heute(),
                                             landkreis=benutzer.landkreis.name,
                                             horizont=horizont)
        return herunterladen(tabelle, "auswertung", format_)

    @expose("/kommune/<int:kommune_id>/")
    def kommune(self, kommune_id: int) -> str:
        """One Kommune's figures and its weekly chart (only that Kommune is read)."""
        benutzer, stichtag = anfrage.benutzer(), anfrage.stichtag()
        stand = anfrage.stand(benutzer, stichtag, kommune_id) if kennung_lesen(kommune_id) else []
        if not stand:
            abort(404)
        kommune, zeile = stand[0].kommune, stand[0].zeile
        reihe = wochenreihe(db.session, landkreis=benutzer.landkreis, bis=stichtag or heute(),
                            kommune_id=kommune_id)
        bezug = _bezug(stichtag)
        frist = _frist(benutzer)
        return self.render(
            "admin/auswertung_kommune.html", kommune=kommune, zeile=zeile,
            stichtag=stichtag or heute(), felder=UEBERSICHT[1:],
            alter=kennzahlen.alter_tage(zeile.stand, bezug),
            veraltet=kennzahlen.veraltet(zeile.stand, bezug, frist),
            zurueck=url_for(".index", stichtag=stichtag.isoformat() if stichtag else None),
            verlauf_svg=diagramme.verlauf(reihe, f"{kommune.name} je Woche (Personen)"),
        )

"""The "Hilfe zwischen Kommunen" screen: agreements with status filters, a page per agreement
with its history and its steps as buttons, and the form to ask a host. Every write goes through
`wrm.services.vereinbarungen`, every read through the row scope of `wrm.berechtigungen`."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.dienstansicht import DienstAnsicht
from admin.hilfe_formulare import AnfrageFormular, BeruecksichtigenFormular, SchrittFormular
from wrm import berechtigungen
from wrm.anzeige import personenzahl, zahl
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.models import (
    Benutzer,
    Ersuchensstatus,
    Hilfeersuchen,
    Kommune,
    Platzart,
    Seite,
    Unterkunft,
    Vereinbarung,
    Vereinbarungsstatus,
)
from wrm.services import unterkuenfte
from wrm.services import vereinbarungen as dienst
from wrm.services.hilfen import einschluss_hinweis
from wrm.services.pruefung import kennung_lesen

#: The button of each step, as the person taking it reads it.
KNOEPFE = {
    Vereinbarungsstatus.ZUGESAGT: "Zusagen",
    Vereinbarungsstatus.ABGELEHNT: "Ablehnen",
    Vereinbarungsstatus.BELEGT: "Als belegt melden",
    Vereinbarungsstatus.BEENDET: "Als beendet melden",
    Vereinbarungsstatus.ZURUECKGEZOGEN: "Zurückziehen",
}


def einschluesse(benutzer: Benutzer | None, v: Vereinbarung
                 ) -> list[tuple[Kommune, BeruecksichtigenFormular]]:
    """The sides whose report the user may mark as including the agreement, with the form."""
    if v.status not in dienst.BERUECKSICHTIGBAR:
        return []
    return [(k, BeruecksichtigenFormular(id=v.id, version=v.version, kommune=k.id))
            for k, am in ((v.zuweisend, v.zuweisend_beruecksichtigt_am),
                          (v.aufnehmend, v.aufnehmend_beruecksichtigt_am))
            if am is None and berechtigungen.darf_beruecksichtigen(benutzer, k)]


def fuer_meldung(benutzer: Benutzer | None, kommune: Kommune) -> list[dict[str, Any]]:
    """The agreements a report form shows: those of its Kommune still running, with the
    inclusion button where the user may press it and a hint where the figures did not move."""
    offen = (Vereinbarungsstatus.ANGEFRAGT, Vereinbarungsstatus.ZUGESAGT,
             Vereinbarungsstatus.BELEGT)
    eintraege = []
    for v in db.session.scalars(
            select(Vereinbarung).where(
                berechtigungen.bereich(benutzer, Vereinbarung),
                (Vereinbarung.zuweisend_id == kommune.id)
                | (Vereinbarung.aufnehmend_id == kommune.id),
                Vereinbarung.status.in_(offen)).order_by(Vereinbarung.id)):
        aufnehmend = v.aufnehmend_id == kommune.id
        am = v.aufnehmend_beruecksichtigt_am if aufnehmend else v.zuweisend_beruecksichtigt_am
        formular = next((f for k, f in einschluesse(benutzer, v) if k.id == kommune.id), None)
        hinweis = (einschluss_hinweis(db.session, vereinbarung=v, kommune=kommune)
                   if am is not None else None)
        eintraege.append({"v": v, "aufnehmend": aufnehmend, "formular": formular,
                          "hinweis": hinweis})
    return eintraege


def offene_ersuchen(benutzer: Benutzer | None, kommune: Kommune) -> list[Hilfeersuchen]:
    """The Kommune's open requests for help the user may read (for its report form)."""
    return list(db.session.scalars(select(Hilfeersuchen).where(
        berechtigungen.bereich(benutzer, Hilfeersuchen), Hilfeersuchen.kommune_id == kommune.id,
        Hilfeersuchen.status == Ersuchensstatus.OFFEN).order_by(Hilfeersuchen.id)))


def _seiten(view: VereinbarungView, context: Any, model: Vereinbarung, name: str) -> str:
    return "ja" if getattr(model, name) is not None else "nein"


class VereinbarungView(DienstAnsicht):
    """Agreements the user may read (the county: all of its Landkreis; a Kommune: those it is
    a side of); created and changed only through the service, never through a generic form."""

    aktion = Aktion.LESEN
    details_template = "admin/vereinbarung.html"
    list_template = "admin/vereinbarungen.html"
    column_list = ("id", "zuweisend", "aufnehmend", "personen", "ueberbelegung", "platzart",
                   "status", "von", "bis", "zuweisend_beruecksichtigt_am",
                   "aufnehmend_beruecksichtigt_am")
    column_details_list = (*column_list, "anrechnung", "leistungen_durch", "kita_schule_durch",
                           "belegt_am", "beendet_am", "grund", "bemerkung", "angelegt_von",
                           "angelegt_am", "version")
    column_default_sort = ("id", True)
    column_filters = ("status", "platzart")
    column_searchable_list = ("zuweisend.name", "aufnehmend.name")
    column_labels = {
        "id": "Nr.", "zuweisend": "zugewiesen an", "aufnehmend": "untergebracht in",
        "personen": "Personen", "ueberbelegung": "Überbelegung",
        "platzart": "Art der Plätze", "status": "Status", "von": "von",
        "bis": "bis", "zuweisend_beruecksichtigt_am": "in Meldung der zuweisenden",
        "aufnehmend_beruecksichtigt_am": "in Meldung der aufnehmenden",
        "anrechnung": "Anrechnung auf die Quote der", "leistungen_durch": "AsylbLG-Leistungen",
        "kita_schule_durch": "Kita und Schule", "belegt_am": "belegt am",
        "beendet_am": "beendet am", "grund": "Grund", "bemerkung": "Bemerkung",
        "angelegt_von": "angelegt von", "angelegt_am": "angelegt am", "version": "Version",
        "zuweisend.name": "zugewiesen an", "aufnehmend.name": "untergebracht in"}
    column_formatters = {"zuweisend_beruecksichtigt_am": _seiten,
                         "aufnehmend_beruecksichtigt_am": _seiten}

    @property
    def darf_anfragen(self) -> bool:
        """Whether the user may ask a host at all (county, kommune users)."""
        return berechtigungen.darf(self.benutzer, Aktion.ANLEGEN, Vereinbarung)

    def schritte(self, v: Vereinbarung) -> list[tuple[Vereinbarungsstatus, str, SchrittFormular]]:
        """The steps this user may take now, each with its button text and form."""
        return [(ziel, KNOEPFE[ziel], SchrittFormular(id=v.id, version=v.version,
                                                       ziel=ziel.value))
                for ziel in sorted(dienst.SCHRITTE.get(v.status, frozenset()))
                if berechtigungen.darf_schritt(self.benutzer, ziel, zuweisend=v.zuweisend,
                                               aufnehmend=v.aufnehmend)]

    def ueberbelegung(self, v: Vereinbarung) -> tuple[int, int]:
        """(the host's free places, persons above them) for a request not yet promised."""
        if v.status is not Vereinbarungsstatus.ANGEFRAGT:
            return 0, 0
        return dienst.ueberbelegung_von(db.session, aufnehmend=v.aufnehmend,
                                        personen=v.personen)

    def einschluesse(self, v: Vereinbarung) -> list[tuple[Kommune, BeruecksichtigenFormular]]:
        """The sides whose report this user may mark as including the agreement."""
        return einschluesse(self.benutzer, v)

    def anfrageformular(self, daten: Any = None) -> AnfrageFormular:
        """The form to ask a host; a kommune user asks for its own Kommune only."""
        formular = AnfrageFormular(daten)
        formular.zuweisend.query_factory = self.kommunenwahl(nur_eigene=True)
        formular.aufnehmend.query_factory = self.kommunenwahl(nur_eigene=False, mit_landkreis=True)
        return formular

    @expose("/anfragen/", methods=("GET", "POST"))
    def anfragen_view(self) -> Response | str:
        """Ask a host (a form; from the proposal, prefilled or sent with one click)."""
        if not self.darf_anfragen:
            abort(403)
        formular = self.anfrageformular(request.form if request.method == "POST" else None)
        zeige = False  # the confirmation of an overbooking, once the service asked for it
        if request.method == "GET":
            self._vorbelegen(formular)
        elif formular.validate():
            angaben = dienst.Vereinbarungsangaben(
                zuweisend=formular.zuweisend.data, aufnehmend=formular.aufnehmend.data,
                personen=formular.personen.data, platzart=Platzart(formular.platzart.data),
                von=formular.von.data, bis=formular.bis.data,
                anrechnung=Seite(formular.anrechnung.data),
                leistungen_durch=Seite(formular.leistungen_durch.data),
                kita_schule_durch=Seite(formular.kita_schule_durch.data),
                bemerkung=formular.bemerkung.data,
                hilfeersuchen=self._ersuchen(formular.hilfeersuchen.data))
            neu = self.ausfuehren(
                lambda: dienst.vereinbarung_anlegen(
                    db.session, benutzer=self.benutzer, angaben=angaben,
                    ueberbelegung_bestaetigt=bool(formular.ueberbelegung_bestaetigt.data)),
                lambda v: f"Anfrage an {v.aufnehmend.name} gestellt: {personenzahl(v.personen)}"
                          + (f", Überbelegung um {zahl(v.ueberbelegung)} bestätigt."
                             if v.ueberbelegung else "."),
                formular)
            if neu is not None:
                return redirect(self.get_url(".details_view", id=neu.id))
            if formular.personen.data and formular.aufnehmend.data:
                zeige = bool(dienst.ueberbelegung_von(
                    db.session, aufnehmend=formular.aufnehmend.data,
                    personen=formular.personen.data)[1])
        return self.render("admin/vereinbarung_anfragen.html", form=formular,
                           zeige_ueberbelegung=zeige)

    def _ersuchen(self, kennung: object) -> Hilfeersuchen | None:
        """The request for help this answers, if the user may read it."""
        schluessel = kennung_lesen(kennung)
        if schluessel is None:
            return None
        return db.session.scalar(select(Hilfeersuchen).where(
            Hilfeersuchen.id == schluessel, berechtigungen.bereich(self.benutzer,
                                                                   Hilfeersuchen)))

    def _vorbelegen(self, formular: AnfrageFormular) -> None:
        """Prefill from the proposal's link: ?zuweisend=ID&aufnehmend=ID&personen=N."""
        kommunen = {k.id: k for k in formular.zuweisend.query_factory()}
        kommunen |= {k.id: k for k in formular.aufnehmend.query_factory()}
        for name in ("zuweisend", "aufnehmend"):
            kennung = kennung_lesen(request.args.get(name, ""))
            if kennung in kommunen:
                getattr(formular, name).data = kommunen[kennung]
        personen = kennung_lesen(request.args.get("personen", ""))
        if personen:
            formular.personen.data = personen
        if (ersuchen := self._ersuchen(request.args.get("hilfeersuchen", ""))) is not None:
            formular.hilfeersuchen.data = str(ersuchen.id)

    def platzwahl(self, v: Vereinbarung) -> list[unterkuenfte.Unterkunftsstand]:
        """The host's accommodations (open, not closed) the user may reserve places in at the
        promise; empty when the host keeps no list or the user may not change it."""
        if v.status is not Vereinbarungsstatus.ANGEFRAGT:
            return []
        return [s for s in unterkuenfte.liste(db.session, landkreis=v.aufnehmend.landkreis,
                                              benutzer=self.benutzer, kommune=v.aufnehmend)
                if s.kapazitaet.status != "geschlossen" and berechtigungen.unterkunft_im_bereich(
                    self.benutzer, Aktion.AENDERN, landkreis_id=v.aufnehmend.landkreis_id,
                    kommune_id=v.aufnehmend_id)]

    def _plaetze(self, v: Vereinbarung) -> list[tuple[Unterkunft, int]]:
        """The places chosen on the promise form ("platz-<id>": persons), of the host's
        accommodations the user may change; an unreadable number is refused at the step."""
        gewaehlt = []
        for schluessel, text in request.form.items():
            kennung = kennung_lesen(schluessel.removeprefix("platz-")) \
                if schluessel.startswith("platz-") else None
            if kennung is None or not text.strip():
                continue
            unterkunft = db.session.scalar(select(Unterkunft).where(
                Unterkunft.id == kennung, Unterkunft.kommune_id == v.aufnehmend_id,
                berechtigungen.bereich(self.benutzer, Unterkunft, Aktion.AENDERN)))
            try:
                personen = int(text.strip())
            except ValueError:
                personen = -1  # refused by the service with the accommodation's name
            if unterkunft is not None:
                gewaehlt.append((unterkunft, personen))
        return gewaehlt

    @expose("/schritt/", methods=("POST",))
    def schritt_view(self) -> Response:
        """Take one step; refused steps are explained and change nothing."""
        formular = SchrittFormular(request.form)
        if not formular.validate():
            abort(400)
        vereinbarung = self.get_one(formular.id.data)
        ziel = Vereinbarungsstatus(formular.ziel.data)
        plaetze = self._plaetze(vereinbarung) if ziel is Vereinbarungsstatus.ZUGESAGT else []
        self.ausfuehren(lambda: dienst.status_setzen(
            db.session, vereinbarung=vereinbarung, ziel=ziel,
            version=formular.version.data if formular.version.data is not None else -1,
            benutzer=self.benutzer, grund=formular.grund.data, datum=formular.datum.data,
            ueberbelegung_bestaetigt=bool(formular.ueberbelegung_bestaetigt.data),
            unterkuenfte=plaetze),
            f"Vereinbarung {vereinbarung.id}: "
            f"{dienst.statuswort(Vereinbarungsstatus(formular.ziel.data))}.")
        return redirect(self.get_url(".details_view", id=vereinbarung.id))

    @expose("/beruecksichtigen/", methods=("POST",))
    def beruecksichtigen_view(self) -> Response:
        """Mark one side's report as including the agreement."""
        formular = BeruecksichtigenFormular(request.form)
        if not formular.validate():
            abort(400)
        vereinbarung = self.get_one(formular.id.data)
        kennung = kennung_lesen(formular.kommune.data)
        seite = next((k for k in (vereinbarung.zuweisend, vereinbarung.aufnehmend)
                      if k.id == kennung), None)
        if seite is None:
            abort(400)
        festgehalten = self.ausfuehren(lambda: dienst.beruecksichtigen(
            db.session, vereinbarung=vereinbarung, kommune=seite,
            version=formular.version.data if formular.version.data is not None else -1,
            benutzer=self.benutzer),
            f"Festgehalten: Die Meldung von {seite.name} enthält diese Vereinbarung.")
        if festgehalten is not None and (hinweis := einschluss_hinweis(
                db.session, vereinbarung=vereinbarung, kommune=seite)):
            flash(hinweis, "warning")
        return redirect(request.form.get("zurueck") == "meldung"
                        and self._meldung_url(seite) or
                        self.get_url(".details_view", id=vereinbarung.id))

    def _meldung_url(self, kommune: Kommune) -> str | None:
        if kommune.meldung is None:
            return None
        return self.get_url("meldung.edit_view", id=kommune.meldung.id)

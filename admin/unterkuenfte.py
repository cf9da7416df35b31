"""The "Unterkünfte" screen: a Kommune keeps its accommodations (the county all of its
Landkreis, and its own interim shelters), with the capacity chain as columns, totals per kind,
marks for overbooked, blocked and overdue places, a page with the history, the daily "Belegung
ändern", and the upload of the list. Reads through the row scope, writes only through
`wrm.services.unterkuenfte` (rules, locking, history, the report's sums)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.wrappers import Response

from admin import anfrage
from admin.dienstansicht import DienstAnsicht, ausfuehren
from admin.unterkunft_formulare import BelegungFormular, HochladenFormular, UnterkunftFormular
from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.kennzahlen.unterkuenfte import Kapazitaet
from wrm.models import Kommune, Unterkunft, Unterkunftseintrag, Unterkunftsstatus
from wrm.models.unterkunft import UNTERKUNFTSFELDER
from wrm.services import unterkuenfte as dienst
from wrm.services.csvdatei import Importfehler
from wrm.services.unterkunftsimport import importieren
from wrm.services.unterkunftspruefung import kapazitaet
from wrm.zeit import heute


def kette(unterkunft: Unterkunft) -> Kapazitaet:
    """The accommodation's capacity chain."""
    return kapazitaet(unterkunft.werte())


def ueberfaellig(unterkunft: Unterkunft) -> bool:
    """A place in prospect whose day has passed: someone should open it or move the day."""
    return (unterkunft.status == Unterkunftsstatus.IN_AUSSICHT
            and unterkunft.verfuegbar_ab is not None and unterkunft.verfuegbar_ab < heute())


def _besitzer(view: Any, context: Any, model: Unterkunft, name: str) -> str:
    return dienst.besitzername(model.kommune)


def _abgeleitet(feld: str) -> Any:
    return lambda view, context, model, name: getattr(kette(model), feld)


def _hinweise(view: Any, context: Any, model: Unterkunft, name: str) -> Markup:
    k, marken = kette(model), []
    if k.ueberbelegt:
        marken.append(f'<span class="badge badge-danger">überbelegt um {k.ueberbelegt}</span>')
    if k.gesperrt:
        marken.append(f'<span class="badge badge-secondary" title="{escape(model.sperrgrund)}">'
                      f"{k.gesperrt} gesperrt</span>")
    if ueberfaellig(model):
        marken.append('<span class="badge badge-warning">überfällig</span>')
    return Markup(" ".join(marken))


class UnterkunftView(DienstAnsicht):
    """Accommodations in the user's row scope: a Kommune its own, the county all."""

    aktion = Aktion.LESEN
    list_template = "admin/unterkuenfte_liste.html"
    details_template = "admin/unterkunft.html"
    column_list = ("kommune", "name", "art", "status", "verfuegbar_ab", "plaetze", "gesperrt",
                   "belegbar", "belegt", "reserviert", "frei", "hinweise")
    column_details_list = ("kommune", *UNTERKUNFTSFELDER, "angelegt_am", "geaendert_am",
                           "version")
    column_sortable_list = ("name", "art", "status", "verfuegbar_ab", "plaetze", "belegt")
    column_default_sort = ("name", False)
    column_filters = ("kommune.name", "art", "status")
    column_searchable_list = ("name",)
    column_formatters = {"kommune": _besitzer, "belegbar": _abgeleitet("belegbar"),
                         "frei": _abgeleitet("frei"), "hinweise": _hinweise}
    column_formatters_detail = {"kommune": _besitzer}
    column_labels = {
        "kommune": "Kommune", "kommune.name": "Kommune", "name": "Name", "art": "Art",
        "status": "Status", "verfuegbar_ab": "verfügbar ab", "plaetze": "Plätze",
        "gesperrt": "gesperrt", "sperrgrund": "Grund der Sperrung", "belegbar": "belegbar",
        "belegt": "belegt", "reserviert": "reserviert", "frei": "frei", "hinweise": "Hinweise",
        "adresse": "Adresse", "breitengrad": "Breitengrad", "laengengrad": "Längengrad",
        "bemerkung": "Bemerkung", "davon_minderjaehrige": "davon minderjährig",
        "leistung_asylblg": "Leistungen AsylbLG", "leistung_sgb": "Leistungen SGB II/XII",
        "leistung_sonstige": "sonstige Leistungsträger", "angelegt_am": "angelegt am",
        "geaendert_am": "geändert am", "version": "Version"}

    @property
    def darf_anlegen(self) -> bool:
        """Whether the user may create accommodations (the county, kommune users)."""
        return berechtigungen.darf(self.benutzer, Aktion.ANLEGEN, Unterkunft)

    def darf_aendern(self, unterkunft: Unterkunft) -> bool:
        """Whether the user may change this accommodation."""
        return berechtigungen.unterkunft_im_bereich(
            self.benutzer, Aktion.AENDERN, landkreis_id=unterkunft.landkreis_id,
            kommune_id=unterkunft.kommune_id)

    def summen(self) -> list[tuple[str, dict[str, int]]]:
        """The list's totals per kind (the accommodations the user sees, in use and in
        prospect; closed ones count nowhere)."""
        benutzer = self.benutzer
        staende = dienst.liste(db.session, landkreis=benutzer.landkreis, benutzer=benutzer)  # type: ignore[union-attr]
        ergebnis = []
        for art, titel in (("gemeinschaftsunterkunft", "Gemeinschaftsunterkünfte"),
                           ("dezentral", "dezentral")):
            ketten = [s.kapazitaet for s in staende
                      if s.kapazitaet.art == art and s.kapazitaet.status != "geschlossen"]
            ergebnis.append((titel, {feld: sum(getattr(k, feld) for k in ketten) for feld in (
                "plaetze", "gesperrt", "belegbar", "belegt", "reserviert", "frei",
                "ueberbelegt")}))
        return ergebnis

    def verlauf(self, unterkunft: Unterkunft) -> list[Unterkunftseintrag]:
        """The accommodation's history, newest first (read through the row scope)."""
        return list(db.session.scalars(
            select(Unterkunftseintrag).where(
                Unterkunftseintrag.unterkunft_id == unterkunft.id,
                berechtigungen.bereich(self.benutzer, Unterkunftseintrag))
            .order_by(Unterkunftseintrag.id.desc())))

    def belegung_formular(self, unterkunft: Unterkunft) -> BelegungFormular:
        """The "Belegung ändern" form at the version shown."""
        return BelegungFormular(id=unterkunft.id, version=unterkunft.version)

    def _kommune_des_benutzers(self) -> Kommune | None:
        benutzer = self.benutzer
        return benutzer.kommune if benutzer is not None else None

    @expose("/stichtag/")
    def stichtag_view(self) -> str:
        """The list as it stood at the end of a past day (the user's scope, as everywhere),
        with the capacity chain; today's list is the main screen."""
        benutzer = self.benutzer
        tag = anfrage.stichtag()
        staende = dienst.liste(db.session, landkreis=benutzer.landkreis,  # type: ignore[union-attr]
                               benutzer=benutzer, stichtag=tag)
        return self.render("admin/unterkuenfte_stichtag.html", staende=staende,
                           stichtag=tag or heute(), heute=heute())

    @expose("/anlegen/", methods=("GET", "POST"))
    def anlegen_view(self) -> Response | str:
        """A new accommodation: a kommune user's own Kommune; the county chooses whose."""
        if not self.darf_anlegen:
            abort(403)
        formular = UnterkunftFormular(request.form if request.method == "POST" else None)
        eigene = self._kommune_des_benutzers()
        formular.kommune.query_factory = self.kommunenwahl(nur_eigene=True)
        if eigene is not None:
            del formular.kommune  # a kommune user keeps its own Kommune's list
        if request.method == "POST" and formular.validate():
            kommune = eigene if eigene is not None else formular.kommune.data
            werte = {f: getattr(formular, f).data for f in UNTERKUNFTSFELDER}
            ergebnis = ausfuehren(
                lambda: dienst.speichern(db.session, landkreis=self.benutzer.landkreis,  # type: ignore[union-attr]
                                         kommune=kommune, werte=werte, benutzer=self.benutzer),
                lambda e: " ".join([f"Unterkunft „{e.unterkunft.name}“ angelegt.",
                                    *e.warnungen]), formular)
            if ergebnis is not None:
                return redirect(self.get_url(".details_view", id=ergebnis.unterkunft.id))
        return self.render("admin/unterkunft_formular.html", form=formular, unterkunft=None)

    @expose("/bearbeiten/", methods=("GET", "POST"))
    def bearbeiten_view(self) -> Response | str:
        """Change an accommodation read at the version the form carries."""
        unterkunft = self.get_one(request.args.get("id", ""))
        if unterkunft is None or not self.darf_aendern(unterkunft):
            abort(404)
        if request.method == "POST":
            formular = UnterkunftFormular(request.form)
        else:
            formular = UnterkunftFormular(data={**unterkunft.werte(), "art": unterkunft.art.value,
                                                "status": unterkunft.status.value,
                                                "version": unterkunft.version})
        del formular.kommune
        if request.method == "POST" and formular.validate():
            werte = {f: getattr(formular, f).data for f in UNTERKUNFTSFELDER}
            ergebnis = ausfuehren(
                lambda: dienst.speichern(
                    db.session, landkreis=unterkunft.landkreis, kommune=unterkunft.kommune,
                    werte=werte, unterkunft=unterkunft, version=formular.version.data,
                    benutzer=self.benutzer),
                lambda e: " ".join(["Gespeichert." if e.geaendert else "Nichts geändert.",
                                    *e.warnungen]), formular)
            if ergebnis is not None:
                return redirect(self.get_url(".details_view", id=unterkunft.id))
        return self.render("admin/unterkunft_formular.html", form=formular,
                           unterkunft=unterkunft)

    @expose("/belegung/", methods=("POST",))
    def belegung_view(self) -> Response:
        """"Belegung ändern": persons moved in or out, at the version shown."""
        formular = BelegungFormular(request.form)
        unterkunft = self.get_one(formular.id.data or "")
        if unterkunft is None or not self.darf_aendern(unterkunft):
            abort(404)
        if formular.validate():
            ausfuehren(lambda: dienst.belegung_aendern(
                db.session, unterkunft=unterkunft, personen=formular.personen.data,
                version=formular.version.data if formular.version.data is not None else -1,
                benutzer=self.benutzer),
                lambda e: " ".join([f"Belegung von „{unterkunft.name}“: jetzt "
                                    f"{unterkunft.belegt} Personen.", *e.warnungen]))
        else:
            for texte in formular.errors.values():
                for text in texte:
                    flash(str(text), "error")
        return redirect(self.get_url(".details_view", id=unterkunft.id))

    @expose("/hochladen/", methods=("GET", "POST"))
    def hochladen_view(self) -> Response | str:
        """The list as a file, with the rules of `wrm unterkuenfte import`; all or nothing.
        A kommune user may name only its own Kommune in the file."""
        if not self.darf_anlegen:
            abort(403)
        formular = HochladenFormular(CombinedMultiDict((request.files, request.form))
                                     if request.method == "POST" else None)
        fehler: list[str] = []
        if request.method == "POST" and formular.validate():
            inhalt = formular.datei.data.read()
            try:
                ergebnis = ausfuehren(lambda: importieren(
                    db.session, inhalt=inhalt, landkreis=self.benutzer.landkreis,  # type: ignore[union-attr]
                    benutzer=self.benutzer),
                    lambda e: " ".join([f"{e.angelegt} Unterkünfte angelegt, {e.geaendert} "
                                        f"geändert, {e.unveraendert} unverändert.",
                                        *map(str, e.warnungen)]))
            except Importfehler as abbruch:
                db.session.rollback()
                fehler = [str(f) for f in abbruch.fehler]
                ergebnis = None
            if ergebnis is not None:
                return redirect(self.get_url(".index_view"))
        return self.render("admin/unterkuenfte_hochladen.html", form=formular, fehler=fehler)

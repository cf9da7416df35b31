"""The planning horizon screen (every role): the week the places run out per Kommune and for
the county, with a chart; the county enters the state's announcements here, one by one or as
a file."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select

from admin import anfrage, diagramme
from admin.base import GeschuetzteAnsicht
from admin.dienstansicht import ausfuehren
from admin.formulare import WrmFormular, token_pruefen
from wrm import berechtigungen
from wrm.anzeige import zahl
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.kennzahlen.prognose import iso_woche, woche_lesen
from wrm.models import Ankuendigung, Kommune
from wrm.services.ankuendigungen import (
    ankuendigen,
    ankuendigungen_importieren,
    personen_lesen,
)
from wrm.services.csvdatei import Importfehler
from wrm.services.prognose import prognose
from wrm.services.pruefung import Validierungsfehler, kennung_lesen
from wrm.zeit import heute


class PrognoseAnsicht(GeschuetzteAnsicht):
    """`?stichtag=JJJJ-MM-TT&kommune=ID`: the horizon then, the chart of one Kommune (default:
    the county)."""

    modell = Ankuendigung

    @expose("/")
    def index(self) -> str:
        """The table of every Kommune and the county, the chosen chart and weeks."""
        benutzer, stichtag = anfrage.benutzer(), anfrage.stichtag()
        ergebnis = prognose(db.session, landkreis=benutzer.landkreis, stichtag=stichtag,
                            stand=anfrage.stand(benutzer, stichtag))
        gewaehlt = kennung_lesen(request.args.get("kommune", ""))
        auswahl = next(((k, r) for k, r in ergebnis.kommunen if k.id == gewaehlt), None)
        if gewaehlt is not None and auswahl is None:
            abort(404)
        name, reichweite = (auswahl[0].name, auswahl[1]) if auswahl else (
            "Landkreis", ergebnis.landkreis)
        darf_eintragen = stichtag is None and berechtigungen.darf(benutzer, Aktion.ANLEGEN,
                                                                  Ankuendigung)
        return self.render(
            "admin/prognose.html", prognose=ergebnis, stichtag=stichtag or heute(),
            heute=heute(), auswahl=auswahl[0] if auswahl else None, reichweite=reichweite,
            diagramm_svg=diagramme.reichweite(reichweite.wochen, reichweite.plaetze_sofort,
                                              reichweite.plaetze_mit_aussicht,
                                              f"{name}: Personen je Woche und Plätze"),
            darf_eintragen=darf_eintragen, kommunen=[k for k, _ in ergebnis.kommunen],
            diese_woche=iso_woche(ergebnis.aktuelle_woche),
            csrf_token_admin=WrmFormular().csrf_token.current_token)

    @expose("/eintragen", methods=("POST",))
    def eintragen_view(self) -> Any:
        """One announcement from the form (Kommune, ISO week, persons)."""
        token_pruefen()
        benutzer = anfrage.benutzer()
        kommune = db.session.scalars(select(Kommune).where(
            Kommune.id == kennung_lesen(request.form.get("kommune", "")),
            berechtigungen.bereich(benutzer, Kommune))).first()
        if kommune is None:
            abort(404)

        def schritt() -> Ankuendigung:
            fehler: dict[str, str] = {}
            woche: date | None = None
            personen: int | None = None
            try:
                woche = woche_lesen(request.form.get("woche", ""))
            except ValueError as grund:
                fehler["woche"] = f"Woche: {grund}."
            try:
                personen = personen_lesen(request.form.get("personen", ""))
            except ValueError as grund:
                fehler["personen"] = f"{grund}."
            if fehler or woche is None or personen is None:
                raise Validierungsfehler(fehler)
            return ankuendigen(db.session, kommune=kommune, woche=woche, personen=personen,
                               benutzer=benutzer)

        ausfuehren(schritt, lambda a: f"Ankündigung gespeichert: {kommune.name}, "
                                      f"{iso_woche(a.woche)}, {zahl(a.personen)} Personen.")
        return redirect(url_for(".index"))

    @expose("/einlesen", methods=("POST",))
    def einlesen_view(self) -> Any:
        """A file `kommune;woche;personen`: all or nothing, every problem by line."""
        token_pruefen()
        benutzer = anfrage.benutzer()
        datei = request.files.get("datei")
        if datei is None or not datei.filename:
            flash("Bitte eine Datei auswählen.", "error")
            return redirect(url_for(".index"))
        try:
            ausfuehren(lambda: ankuendigungen_importieren(
                db.session, inhalt=datei.read(), landkreis=benutzer.landkreis,
                benutzer=benutzer, dateiname=datei.filename or "Datei"),
                lambda n: f"{n} Ankündigungen eingelesen.")
        except Importfehler as fehler:
            db.session.rollback()
            flash("Nichts eingelesen: " + "; ".join(map(str, fehler.fehler[:20]))
                  + (" …" if len(fehler.fehler) > 20 else ""), "error")
        return redirect(url_for(".index"))

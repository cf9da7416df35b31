"""Accommodations in GraphQL: the list (now or at a Stichtag) with its capacity chain, saving
one, "Belegung ändern", and where a report's (6)–(11) come from — through the same service,
rules, locking and rights as the screen and the command line. Names, addresses and notes of
accommodations are for their own Kommune and the county only (`wrm.berechtigungen`)."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from wrm import berechtigungen
from wrm.api.context import kontext
from wrm.api.fehler import NichtErlaubt, UngueltigeEingabe
from wrm.api.hilfe import PlatzartEnum
from wrm.api.schreiben import dienstaufruf
from wrm.berechtigungen import Aktion
from wrm.models import Kommune as KommuneModell
from wrm.models import Meldequelle, Platzart, Unterkunftsstatus
from wrm.models import Unterkunft as UnterkunftModell
from wrm.models.unterkunft import UNTERKUNFTSFELDER
from wrm.services import unterkuenfte as dienst
from wrm.services.kommunen import kommune_finden
from wrm.services.pruefung import stichtag_pruefen
from wrm.zeit import heute

StatusEnum = strawberry.enum(Unterkunftsstatus, name="Unterkunftsstatus",
                             description="in_betrieb, in_aussicht (ab `verfuegbarAb`) oder "
                                         "geschlossen.")
MeldequelleEnum = strawberry.enum(Meldequelle, name="Meldequelle",
                                  description="Woher (6)–(11) kommen: eingabe (getippt) oder "
                                              "unterkuenfte (aus der Unterkunftsliste).")


@strawberry.type(description="Eine Unterkunft mit ihrer Kapazität: belegbar = Plätze − "
                             "gesperrt; frei = belegbar − belegt − reserviert (nicht unter 0).")
class Unterkunft:
    """One accommodation as the list shows it."""

    id: int
    kommune: str = strawberry.field(description="Die Kommune, oder „Landkreis“ für dessen "
                                                "eigene Unterkünfte.")
    name: str
    art: PlatzartEnum  # type: ignore[valid-type]
    status: StatusEnum  # type: ignore[valid-type]
    verfuegbar_ab: date | None
    plaetze: int
    gesperrt: int
    sperrgrund: str | None
    belegbar: int
    belegt: int
    reserviert: int
    frei: int
    ueberbelegt: int = strawberry.field(description="Belegte und Reservierte über belegbar "
                                                    "(eine Warnung, kein Fehler).")
    auslastung: float | None = strawberry.field(description="(belegt + reserviert) / belegbar; "
                                                            "leer, wenn nichts belegbar ist.")
    ueberfaellig: bool = strawberry.field(description="In Aussicht, und `verfuegbarAb` ist "
                                                      "vorbei.")
    adresse: str | None
    breitengrad: float | None
    laengengrad: float | None
    bemerkung: str | None
    davon_minderjaehrige: int | None
    leistung_asylblg: int | None
    leistung_sgb: int | None
    leistung_sonstige: int | None
    version: int

    @classmethod
    def aus(cls, stand: dienst.Unterkunftsstand) -> Unterkunft:
        """The API object of one list entry."""
        k, w = stand.kapazitaet, stand.werte
        return cls(
            id=stand.id, kommune=stand.kommune, name=w["name"], art=Platzart(w["art"]),
            status=Unterkunftsstatus(w["status"]), verfuegbar_ab=w["verfuegbar_ab"],
            plaetze=k.plaetze, gesperrt=k.gesperrt, sperrgrund=w["sperrgrund"],
            belegbar=k.belegbar, belegt=k.belegt, reserviert=k.reserviert, frei=k.frei,
            ueberbelegt=k.ueberbelegt,
            auslastung=float(k.auslastung) if k.auslastung is not None else None,
            ueberfaellig=(k.status == Unterkunftsstatus.IN_AUSSICHT.value
                          and w["verfuegbar_ab"] is not None and w["verfuegbar_ab"] < heute()),
            adresse=w["adresse"], breitengrad=w["breitengrad"], laengengrad=w["laengengrad"],
            bemerkung=w["bemerkung"], davon_minderjaehrige=w["davon_minderjaehrige"],
            leistung_asylblg=w["leistung_asylblg"], leistung_sgb=w["leistung_sgb"],
            leistung_sonstige=w["leistung_sonstige"], version=stand.version)


@strawberry.input(description="Die Angaben einer Unterkunft; Zahlen sind ganze Personen.")
class UnterkunftEingabe:
    """What a user enters."""

    name: str
    art: PlatzartEnum  # type: ignore[valid-type]
    status: StatusEnum  # type: ignore[valid-type]
    plaetze: int
    belegt: int = 0
    gesperrt: int = 0
    reserviert: int = 0
    verfuegbar_ab: date | None = None
    sperrgrund: str | None = None
    adresse: str | None = None
    breitengrad: float | None = None
    laengengrad: float | None = None
    bemerkung: str | None = None
    davon_minderjaehrige: int | None = None
    leistung_asylblg: int | None = None
    leistung_sgb: int | None = None
    leistung_sonstige: int | None = None


@strawberry.type(description="Das Ergebnis des Speicherns: die Unterkunft, ob sich etwas "
                             "geändert hat, und Warnungen (Überbelegung).")
class UnterkunftGespeichert:
    """A save's outcome."""

    unterkunft: Unterkunft
    geaendert: bool
    warnungen: list[str]


def _besitzer(info: Info, name: str) -> KommuneModell | None:
    """The Kommune named (None: "Landkreis", the county's own); unknown names are refused."""
    ctx = kontext(info)
    if name.strip().casefold() == dienst.LANDKREIS.casefold():
        return None
    kommune = kommune_finden(ctx.session, landkreis=ctx.angemeldet.landkreis, name=name)
    if kommune is None:
        raise UngueltigeEingabe(f"Die Kommune „{name}“ gibt es nicht.",
                                fehler={"kommune": "unbekannt"})
    return kommune


@strawberry.type
class UnterkunftQuery:
    """Reading accommodations."""

    @strawberry.field(description="Unterkünfte mit ihrer Kapazität, jetzt oder am Ende des "
                                  "`stichtag`. Mit `kommune` deren Liste („Landkreis“: dessen "
                                  "eigene), nur für die eigene Kommune und den Landkreis "
                                  "(sonst FORBIDDEN); ohne `kommune` alle, die der Aufrufer "
                                  "sehen darf (die Pressestelle: keine).")
    def unterkuenfte(self, info: Info, kommune: str | None = None,
                     stichtag: date | None = None) -> list[Unterkunft]:
        """The list the caller may see."""
        ctx = kontext(info)
        benutzer = ctx.angemeldet
        if stichtag is not None and (grund := stichtag_pruefen(stichtag, heute=heute())):
            raise UngueltigeEingabe(grund, fehler={"stichtag": grund})
        gefunden, nur_landkreis = None, False
        if kommune is not None:
            gefunden = _besitzer(info, kommune)
            nur_landkreis = gefunden is None
            if not berechtigungen.unterkunft_im_bereich(
                    benutzer, Aktion.LESEN, landkreis_id=benutzer.landkreis_id,
                    kommune_id=gefunden.id if gefunden is not None else None):
                raise NichtErlaubt("Die Unterkünfte einer Kommune sieht nur sie selbst und der "
                                   "Landkreis.")
        return [Unterkunft.aus(s) for s in dienst.liste(
            ctx.session, landkreis=benutzer.landkreis, benutzer=benutzer, kommune=gefunden,
            nur_landkreis=nur_landkreis, stichtag=stichtag)]


@strawberry.type
class UnterkunftMutation:
    """Keeping accommodations."""

    @strawberry.mutation(description="Eine Unterkunft anlegen (ohne `id`; `kommune` „Landkreis“ "
                                     "für dessen eigene, eine Kommune nur für sich) oder ändern "
                                     "(mit `id` und der gelesenen `version`; inzwischen "
                                     "geändert: CONFLICT).")
    def unterkunft_speichern(self, info: Info, eingabe: UnterkunftEingabe,
                             kommune: str | None = None, id: int | None = None,
                             version: int | None = None) -> UnterkunftGespeichert:
        """Create or change one accommodation."""
        ctx = kontext(info)
        benutzer = ctx.angemeldet
        werte = {f: getattr(eingabe, f) for f in UNTERKUNFTSFELDER}
        with dienstaufruf(info):
            if id is None:
                if kommune is None:
                    raise UngueltigeEingabe("Bitte die Kommune angeben („Landkreis“ für dessen "
                                            "eigene).", fehler={"kommune": "fehlt"})
                ergebnis = dienst.speichern(ctx.session, landkreis=benutzer.landkreis,
                                            kommune=_besitzer(info, kommune), werte=werte,
                                            benutzer=benutzer)
            else:
                vorhanden = _unterkunft(info, id)
                ergebnis = dienst.speichern(ctx.session, landkreis=benutzer.landkreis,
                                            kommune=vorhanden.kommune, werte=werte,
                                            unterkunft=vorhanden, version=version,
                                            benutzer=benutzer)
        ctx.session.commit()
        ctx.neu_laden()
        gespeichert = Unterkunft.aus(dienst.als_stand(ergebnis.unterkunft))
        return UnterkunftGespeichert(unterkunft=gespeichert, geaendert=ergebnis.geaendert,
                                     warnungen=ergebnis.warnungen)

    @strawberry.mutation(description="Belegung ändern: `personen` eingezogen (+) oder "
                                     "ausgezogen (−), bei der gelesenen `version`.")
    def belegung_aendern(self, info: Info, id: int, version: int,
                         personen: int) -> UnterkunftGespeichert:
        """The daily update."""
        ctx = kontext(info)
        vorhanden = _unterkunft(info, id)
        with dienstaufruf(info):
            ergebnis = dienst.belegung_aendern(ctx.session, unterkunft=vorhanden,
                                               personen=personen, version=version,
                                               benutzer=ctx.angemeldet)
        ctx.session.commit()
        ctx.neu_laden()
        return UnterkunftGespeichert(unterkunft=Unterkunft.aus(dienst.als_stand(vorhanden)),
                                     geaendert=ergebnis.geaendert, warnungen=ergebnis.warnungen)

    @strawberry.mutation(description="Woher (6)–(11) der Meldung einer Kommune kommen; zu "
                                     "`unterkuenfte` werden die Summen der Liste sofort "
                                     "übernommen, zurück zu `eingabe` bleiben die letzten "
                                     "Zahlen stehen.")
    def meldequelle_setzen(self, info: Info, kommune: str,
                           quelle: MeldequelleEnum) -> MeldequelleEnum:  # type: ignore[valid-type]
        """Switch the source of a report's (6)–(11)."""
        ctx = kontext(info)
        gefunden = _besitzer(info, kommune)
        if gefunden is None:
            raise UngueltigeEingabe("Die Zahlen des Landkreises kommen immer aus seiner Liste.",
                                    fehler={"kommune": "Landkreis"})
        with dienstaufruf(info):
            dienst.meldequelle_setzen(ctx.session, kommune=gefunden, quelle=Meldequelle(quelle),
                                      benutzer=ctx.angemeldet)
        ctx.session.commit()
        ctx.neu_laden()
        return Meldequelle(gefunden.meldequelle)


def _unterkunft(info: Info, kennung: int) -> UnterkunftModell:
    """An accommodation the caller may read (others do not exist for it)."""
    ctx = kontext(info)
    gefunden = ctx.session.scalar(select(UnterkunftModell).where(
        UnterkunftModell.id == kennung,
        berechtigungen.bereich(ctx.angemeldet, UnterkunftModell)))
    if gefunden is None:
        raise UngueltigeEingabe(f"Die Unterkunft {kennung} gibt es nicht.",
                                fehler={"id": "unbekannt"})
    return gefunden

"""Help between Kommunen: the redistribution proposal, agreements, and one mutation per step,
through the same services, rights and locking as the screens and the CLI."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from strawberry.types import Info

from wrm import berechtigungen
from wrm.api.context import kontext
from wrm.api.fehler import NichtErlaubt, UngueltigeEingabe
from wrm.api.schreiben import dienstaufruf
from wrm.berechtigungen import Aktion
from wrm.models import Kommune as KommuneModell
from wrm.models import Platzart, Seite, Vereinbarungsstatus
from wrm.models import Unterkunft as UnterkunftModell
from wrm.models import Vereinbarung as VereinbarungModell
from wrm.services import vereinbarungen as dienst
from wrm.services.kommunen import kommune_finden
from wrm.services.pruefung import stichtag_pruefen
from wrm.services.vorschlag import vorschlag as vorschlag_berechnen
from wrm.zeit import heute

StatusEnum = strawberry.enum(Vereinbarungsstatus, name="Vereinbarungsstatus",
                             description="angefragt → zugesagt | abgelehnt; zugesagt → belegt; "
                                         "belegt → beendet; zurueckgezogen aus angefragt oder "
                                         "zugesagt.")
PlatzartEnum = strawberry.enum(Platzart, name="Platzart", description="Art der Plätze.")
SeiteEnum = strawberry.enum(Seite, name="Seite",
                            description="zuweisend: die Kommune, der die Personen zugewiesen "
                                        "sind; aufnehmend: die Kommune, die sie unterbringt.")


@strawberry.type(description="Eine Zeile des Vorschlags: `personen`, zugewiesen an "
                             "`zuweisend`, untergebracht in `aufnehmend` (so liest jeder Pfeil "
                             "in WRM: zugewiesen an → untergebracht in).")
class Vorschlagszeile:
    """One flow of the proposal."""

    zuweisend: str = strawberry.field(description="Die Kommune, der die Personen zugewiesen "
                                                  "sind (mit Bedarf).")
    aufnehmend: str = strawberry.field(description="Die Kommune, die sie unterbringen kann.")
    personen: int
    km: float | None = strawberry.field(description="Luftlinie; null ohne Koordinaten.")


@strawberry.type(description="Umverteilungsvorschlag: so viele Personen wie möglich, mit der "
                             "kleinsten Summe aus Personen × km.")
class Umverteilungsvorschlag:
    """The proposal of the Landkreis at a Stichtag."""

    stichtag: date
    vorschlag: list[Vorschlagszeile]
    platziert: int
    personenkilometer: float
    warnungen: list[str]


@strawberry.type(description="Eine Änderung einer Vereinbarung.")
class Vereinbarungsereignis:
    """Who changed what, when."""

    zeitpunkt: datetime
    benutzer: str | None
    vorgang: str
    alt: str | None
    neu: str | None
    grund: str | None


@strawberry.type(description="Personen einer Kommune, die eine andere unterbringt.")
class Vereinbarung:
    """An agreement, for the county and the two Kommunen involved."""

    id: int
    zuweisend: str
    aufnehmend: str
    personen: int
    platzart: PlatzartEnum  # type: ignore[valid-type]
    von: date
    bis: date | None
    anrechnung: SeiteEnum  # type: ignore[valid-type]
    leistungen_durch: SeiteEnum = strawberry.field(  # type: ignore[valid-type]
        description="Wer die Leistungen nach dem AsylbLG zahlt.")
    kita_schule_durch: SeiteEnum = strawberry.field(  # type: ignore[valid-type]
        description="Wer Kita und Schule regelt.")
    bemerkung: str | None
    status: StatusEnum  # type: ignore[valid-type]
    grund: str | None
    ueberbelegung: int | None = strawberry.field(description=(
        "Personen über den freien Plätzen der aufnehmenden Kommune, bei der Anfrage oder "
        "Zusage ausdrücklich bestätigt; null: keine Überbelegung."))
    belegt_am: date | None
    beendet_am: date | None
    zuweisend_beruecksichtigt: bool
    aufnehmend_beruecksichtigt: bool
    version: int
    verlauf: list[Vereinbarungsereignis]

    @classmethod
    def aus(cls, v: VereinbarungModell) -> Vereinbarung:
        """The API object of an agreement record."""
        return cls(
            id=v.id, zuweisend=v.zuweisend.name, aufnehmend=v.aufnehmend.name,
            personen=v.personen, platzart=v.platzart, von=v.von, bis=v.bis,
            anrechnung=v.anrechnung, leistungen_durch=v.leistungen_durch,
            kita_schule_durch=v.kita_schule_durch, bemerkung=v.bemerkung, status=v.status,
            grund=v.grund, ueberbelegung=v.ueberbelegung, belegt_am=v.belegt_am,
            beendet_am=v.beendet_am,
            zuweisend_beruecksichtigt=v.zuweisend_beruecksichtigt_am is not None,
            aufnehmend_beruecksichtigt=v.aufnehmend_beruecksichtigt_am is not None,
            version=v.version,
            verlauf=[Vereinbarungsereignis(zeitpunkt=e.zeitpunkt, benutzer=e.benutzer_name,
                                           vorgang=e.vorgang, alt=e.alt, neu=e.neu,
                                           grund=e.grund) for e in v.ereignisse])


def _lesbar(info: Info) -> None:
    if not berechtigungen.darf(kontext(info).angemeldet, Aktion.LESEN, VereinbarungModell):
        raise NichtErlaubt("Vereinbarungen sieht die Pressestelle nur als Zahlen in der "
                           "Auswertung.")


@strawberry.type
class HilfeQuery:
    """Reading the proposal and the agreements."""

    @strawberry.field(description="Wer wen aufnehmen könnte (nur Landkreis), heute oder am "
                                  "Ende des Stichtags.")
    def umverteilungsvorschlag(self, info: Info, stichtag: date | None = None
                               ) -> Umverteilungsvorschlag:
        """The proposal of the user's Landkreis."""
        ctx = kontext(info)
        if not berechtigungen.vorschlag_sichtbar(ctx.angemeldet):
            raise NichtErlaubt("Den Umverteilungsvorschlag sieht nur der Landkreis.")
        if stichtag is not None and (grund := stichtag_pruefen(stichtag, heute=heute())):
            raise UngueltigeEingabe(grund, fehler={"stichtag": grund})
        ergebnis = vorschlag_berechnen(ctx.session, landkreis=ctx.angemeldet.landkreis,
                                       stichtag=stichtag)
        return Umverteilungsvorschlag(
            stichtag=stichtag or heute(), platziert=ergebnis.platziert,
            personenkilometer=ergebnis.personenkilometer, warnungen=list(ergebnis.warnungen),
            vorschlag=[Vorschlagszeile(zuweisend=z.zuweisend, aufnehmend=z.aufnehmend,
                                       personen=z.personen, km=z.km)
                       for z in ergebnis.zeilen])

    @strawberry.field(description="Vereinbarungen, die neuesten zuerst: für den Landkreis alle, "
                                  "für eine Kommune die, an denen sie beteiligt ist.")
    def vereinbarungen(self, info: Info, status: list[StatusEnum] | None = None  # type: ignore[valid-type]
                       ) -> list[Vereinbarung]:
        """The agreements the user may read."""
        _lesbar(info)
        ctx = kontext(info)
        # Both Kommunen and the history with the list: three queries, not three per agreement.
        abfrage = (select(VereinbarungModell)
                   .where(berechtigungen.bereich(ctx.angemeldet, VereinbarungModell))
                   .options(selectinload(VereinbarungModell.zuweisend),
                            selectinload(VereinbarungModell.aufnehmend),
                            selectinload(VereinbarungModell.ereignisse))
                   .order_by(VereinbarungModell.id.desc()))
        if status:
            abfrage = abfrage.where(VereinbarungModell.status.in_(status))
        return [Vereinbarung.aus(v) for v in ctx.session.scalars(abfrage)]


def _vereinbarung(info: Info, kennung: int) -> VereinbarungModell:
    _lesbar(info)
    ctx = kontext(info)
    gefunden = ctx.session.scalar(select(VereinbarungModell).where(
        VereinbarungModell.id == kennung,
        berechtigungen.bereich(ctx.angemeldet, VereinbarungModell)))
    if gefunden is None:
        raise UngueltigeEingabe(f"Die Vereinbarung {kennung} gibt es nicht.",
                                fehler={"id": "unbekannt"})
    return gefunden


def _kommune(info: Info, name: str, feld: str) -> KommuneModell:
    ctx = kontext(info)
    kommune = kommune_finden(ctx.session, landkreis=ctx.angemeldet.landkreis, name=name)
    if kommune is None:
        raise UngueltigeEingabe(f"Die Kommune „{name}“ gibt es nicht.", fehler={feld: "unbekannt"})
    return kommune


def _schritt(info: Info, kennung: int, version: int, ziel: Vereinbarungsstatus,
             **mehr: object) -> Vereinbarung:
    vereinbarung = _vereinbarung(info, kennung)
    with dienstaufruf(info):
        dienst.status_setzen(kontext(info).session, vereinbarung=vereinbarung, ziel=ziel,
                             version=version, benutzer=kontext(info).angemeldet,
                             **mehr)  # type: ignore[arg-type]
    kontext(info).session.commit()
    kontext(info).neu_laden()
    return Vereinbarung.aus(vereinbarung)


_VERSION = "`version` ist die zuletzt gelesene Version; ist die Vereinbarung inzwischen " \
           "geändert, wird nichts gespeichert (CONFLICT)."
_UEBERBELEGUNG = ("Mehr Personen als die aufnehmende Kommune freie Plätze hat (sofort "
                  "verfügbar, ohne schon zugesagte) werden nur mit "
                  "`ueberbelegungBestaetigt: true` gespeichert, sonst BAD_USER_INPUT.")


@strawberry.input(description="Plätze einer Unterkunft der aufnehmenden Kommune für eine "
                             "Zusage.")
class Platzwahl:
    """An accommodation (by its id, as `unterkuenfte` lists it) and how many persons."""

    unterkunft: int
    personen: int


def _plaetze(info: Info, wahl: list[Platzwahl]) -> list[tuple[UnterkunftModell, int]]:
    """The chosen accommodations the caller may change (others do not exist for it)."""
    ctx = kontext(info)
    ergebnis = []
    for w in wahl:
        unterkunft = ctx.session.scalar(select(UnterkunftModell).where(
            UnterkunftModell.id == w.unterkunft,
            berechtigungen.bereich(ctx.angemeldet, UnterkunftModell, Aktion.AENDERN)))
        if unterkunft is None:
            raise UngueltigeEingabe(f"Die Unterkunft {w.unterkunft} gibt es nicht.",
                                    fehler={"unterkuenfte": "unbekannt"})
        ergebnis.append((unterkunft, w.personen))
    return ergebnis


@strawberry.type
class HilfeMutation:
    """The steps of an agreement."""

    @strawberry.mutation(description="Eine Kommune bitten, Personen der zuweisenden Kommune "
                                     "aufzunehmen (Status angefragt). `von` und `bis` ab "
                                     "2000, höchstens ein Jahr voraus. " + _UEBERBELEGUNG)
    def vereinbarung_anfragen(
        self, info: Info, zuweisend: str, aufnehmend: str, personen: int,
        platzart: PlatzartEnum = Platzart.GEMEINSCHAFTSUNTERKUNFT,  # type: ignore[valid-type]
        von: date | None = None, bis: date | None = None,
        anrechnung: SeiteEnum = Seite.ZUWEISEND,  # type: ignore[valid-type]
        leistungen_durch: SeiteEnum = Seite.ZUWEISEND,  # type: ignore[valid-type]
        kita_schule_durch: SeiteEnum = Seite.AUFNEHMEND,  # type: ignore[valid-type]
        bemerkung: str | None = None, ueberbelegung_bestaetigt: bool = False,
    ) -> Vereinbarung:
        """Create an agreement in status `angefragt`."""
        ctx = kontext(info)
        if not berechtigungen.darf(ctx.angemeldet, Aktion.ANLEGEN, VereinbarungModell):
            raise NichtErlaubt("Ihre Rolle darf keine Vereinbarungen anlegen.")
        angaben = dienst.Vereinbarungsangaben(
            zuweisend=_kommune(info, zuweisend, "zuweisend"),
            aufnehmend=_kommune(info, aufnehmend, "aufnehmend"), personen=personen,
            platzart=platzart, von=von, bis=bis, anrechnung=anrechnung,
            leistungen_durch=leistungen_durch, kita_schule_durch=kita_schule_durch,
            bemerkung=bemerkung)
        with dienstaufruf(info):
            neu = dienst.vereinbarung_anlegen(ctx.session, angaben=angaben,
                                              benutzer=ctx.angemeldet,
                                              ueberbelegung_bestaetigt=ueberbelegung_bestaetigt)
        ctx.session.commit()
        ctx.neu_laden()
        return Vereinbarung.aus(neu)

    @strawberry.mutation(description="Zusagen (aufnehmende Kommune). " + _VERSION + " "
                                     + _UEBERBELEGUNG + " Führt sie ihre Unterkünfte, nennt "
                                     "`unterkuenfte` die Plätze (zusammen alle Personen); dort "
                                     "werden sie reserviert.")
    def vereinbarung_zusagen(self, info: Info, id: int, version: int,  # noqa: A002
                             ueberbelegung_bestaetigt: bool = False,
                             unterkuenfte: list[Platzwahl] | None = None) -> Vereinbarung:
        """angefragt → zugesagt."""
        return _schritt(info, id, version, Vereinbarungsstatus.ZUGESAGT,
                        ueberbelegung_bestaetigt=ueberbelegung_bestaetigt,
                        unterkuenfte=_plaetze(info, unterkuenfte or []))

    @strawberry.mutation(description="Ablehnen, mit Grund (aufnehmende Kommune). " + _VERSION)
    def vereinbarung_ablehnen(self, info: Info, id: int, version: int,  # noqa: A002
                              grund: str) -> Vereinbarung:
        """angefragt → abgelehnt."""
        return _schritt(info, id, version, Vereinbarungsstatus.ABGELEHNT, grund=grund)

    @strawberry.mutation(description="Die Personen sind eingezogen (aufnehmende Kommune); "
                                     "`datum` ohne Angabe heute, nicht vor `von`, höchstens "
                                     "ein Jahr voraus; bei Anrechnung AUFNEHMEND in einem "
                                     "Verteilzeitraum. " + _VERSION)
    def vereinbarung_belegen(self, info: Info, id: int, version: int,  # noqa: A002
                             datum: date | None = None) -> Vereinbarung:
        """zugesagt → belegt."""
        return _schritt(info, id, version, Vereinbarungsstatus.BELEGT, datum=datum)

    @strawberry.mutation(description="Die Unterbringung ist beendet (aufnehmende Kommune); "
                                     "`datum` ohne Angabe heute, nicht vor dem Einzug. "
                                     + _VERSION)
    def vereinbarung_beenden(self, info: Info, id: int, version: int,  # noqa: A002
                             datum: date | None = None) -> Vereinbarung:
        """belegt → beendet."""
        return _schritt(info, id, version, Vereinbarungsstatus.BEENDET, datum=datum)

    @strawberry.mutation(description="Die Anfrage oder Zusage zurückziehen (zuweisende "
                                     "Kommune). " + _VERSION)
    def vereinbarung_zurueckziehen(self, info: Info, id: int, version: int,  # noqa: A002
                                   grund: str | None = None) -> Vereinbarung:
        """angefragt | zugesagt → zurueckgezogen."""
        return _schritt(info, id, version, Vereinbarungsstatus.ZURUECKGEZOGEN, grund=grund)

    @strawberry.mutation(description="Festhalten, dass die Meldung der Kommune die Vereinbarung "
                                     "enthält (jede Seite für sich). " + _VERSION)
    def vereinbarung_beruecksichtigen(self, info: Info, id: int, version: int,  # noqa: A002
                                      kommune: str) -> Vereinbarung:
        """Mark one side's report as including the agreement."""
        vereinbarung = _vereinbarung(info, id)
        seite = _kommune(info, kommune, "kommune")
        ctx = kontext(info)
        with dienstaufruf(info):
            dienst.beruecksichtigen(ctx.session, vereinbarung=vereinbarung, kommune=seite,
                                    version=version, benutzer=ctx.angemeldet)
        ctx.session.commit()
        ctx.neu_laden()
        return Vereinbarung.aus(vereinbarung)

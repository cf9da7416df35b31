"""Quotas and the planning horizon: the Quotenblatt, the quotas of a period, the horizon, and
the county's steps (calculate, apply, close, confirm a credit, set carry-over or relief),
through the same services, rights and locking as the screens and the CLI."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from wrm import berechtigungen
from wrm.api.context import kontext
from wrm.api.fehler import NichtErlaubt, UngueltigeEingabe
from wrm.api.schreiben import dienstaufruf
from wrm.berechtigungen import Aktion
from wrm.kennzahlen.quoten import Quotenberechnung as Berechnung
from wrm.models import Ankuendigung as AnkuendigungModell
from wrm.models import Anpassungsart, Aufnahmequote, Buchungsart, Verteilzeitraum
from wrm.models import Buchung as BuchungModell
from wrm.models import Kommune as KommuneModell
from wrm.services.buchungen import buchen
from wrm.services.kommunen import kommune_finden
from wrm.services.prognose import Reichweite
from wrm.services.pruefung import stichtag_pruefen
from wrm.services.quotenanpassungen import abschliessen, anpassen
from wrm.services.quotenberechnung import (
    berechnung_anwenden,
    quoten_berechnen,
    zeitraum_finden,
)
from wrm.services.quotenberechnung import (
    fingerabdruck as digest,
)
from wrm.services.quotenblatt import posten, quotenblatt
from wrm.services.verteilzeitraeume import quoten_von, zeitraum_am
from wrm.zeit import heute

BuchungsartEnum = strawberry.enum(Buchungsart, name="Buchungsart",
                                  description="anrechnung: vom Landkreis bestätigt (aus (4)); "
                                              "vereinbarung: aus einer Vereinbarung; "
                                              "korrektur.")
AnpassungsartEnum = strawberry.enum(Anpassungsart, name="Anpassungsart",
                                    description="uebertrag: Rest des Vorzeitraums; "
                                                "entlastung: vom Landkreis gesetzt.")


@strawberry.type(description="Eine Buchung des Quotenkontos.")
class Buchung:
    """One ledger entry."""

    datum: date
    personen: int
    art: BuchungsartEnum  # type: ignore[valid-type]
    quelle: str
    eingetragen_am: datetime
    eingetragen_von: str | None

    @classmethod
    def aus(cls, b: BuchungModell) -> Buchung:
        """The API object of a ledger entry."""
        return cls(datum=b.datum, personen=b.personen, art=b.art, quelle=b.quelle,
                   eingetragen_am=b.eingetragen_am, eingetragen_von=b.eingetragen_von)


@strawberry.type(description="Eine Zeile des Quotenblatts, wie auf dem Bildschirm.")
class Quotenposten:
    """A line of the sheet."""

    rechnung: str = strawberry.field(description="plus, minus, ergibt; leer bei Eingangswerten.")
    titel: str
    personen: int | None = strawberry.field(description="Der Wert, wo er eine ganze Zahl ist "
                                                        "(Personen, Einwohner).")
    zahl: float | None = strawberry.field(description="Der Wert, wo er eine gebrochene Zahl "
                                                      "ist (der Anteil, das Rechnerische).")
    text: str | None = strawberry.field(description="Der Wert, wo er keine Zahl ist.")
    erlaeuterung: str


@strawberry.type(description="Die Quote einer Kommune in einem Verteilzeitraum, Posten für "
                             "Posten nachrechenbar.")
class Quotenblatt:
    """Everything the sheet shows."""

    kommune: str
    zeitraum: str
    kontingent: int | None
    einwohner: int | None
    grundquote: int | None
    uebertrag: int
    entlastung: int
    berechnete_quote: int | None
    berechnung_fehlt: str | None = strawberry.field(
        description="Warum nicht berechnet werden kann (z. B. fehlende Einwohnerzahlen).")
    aufnahmequote: int | None
    manuell: bool
    zuweisungen: int | None
    anrechnungen: int
    zu_erfuellen: int | None
    buchungen: list[Buchung]
    posten: list[Quotenposten]


@strawberry.type(description="Die Quote einer Kommune in einem Verteilzeitraum.")
class Quote:
    """A quota with its calculation's terms (numbers only, no reasons)."""

    kommune: str
    einwohner: int | None
    grundquote: int | None
    uebertrag: int | None
    entlastung: int | None
    berechnete_quote: int | None
    aufnahmequote: int | None = strawberry.field(description="Die gesetzte Quote.")
    manuell: bool


@strawberry.type(description="Die Quotenberechnung eines Verteilzeitraums (Hare–Niemeyer).")
class Quotenberechnung:
    """The calculation, its sums and the digest that `quotenAnwenden` expects."""

    zeitraum: str
    kontingent: int
    quoten: list[Quote]
    summe_quoten: int
    abweichung: int = strawberry.field(description="Σ Quoten − Kontingent.")
    warnungen: list[str]
    fingerabdruck: str = strawberry.field(
        description="An `quotenAnwenden` zurückgeben: geänderte Grundlagen ergeben CONFLICT.")
    geaendert: int | None = strawberry.field(description="Geänderte Quoten beim Anwenden.")


@strawberry.type(description="Eine Woche des Planungshorizonts.")
class Prognosewoche:
    """A week: its persons, whether estimated, and the running total."""

    woche: str
    personen: int
    geschaetzt: bool
    kumuliert: int


@strawberry.type(description="Bis wann die Plätze reichen (eine Kommune oder der Landkreis).")
class Prognose:
    """The horizon of one Kommune or the county."""

    stichtag: date
    kommune: str | None = strawberry.field(description="null: der Landkreis.")
    reicht_bis: str | None
    reicht_bis_mit_aussicht: str | None
    geschaetzt: bool
    plaetze_sofort: int
    plaetze_mit_aussicht: int
    benoetigt_bis_zeitraumende: int | None = strawberry.field(
        description="Σ zu erfüllen (nur für den Landkreis).")
    wochen: list[Prognosewoche]


@strawberry.type(description="Ein Übertrag beim Abschluss eines Verteilzeitraums.")
class Uebertrag:
    """One Kommune's carry-over into the next period."""

    kommune: str
    uebertrag: int
    abweichend: bool


@strawberry.type(description="Der Abschluss eines Verteilzeitraums.")
class Abschluss:
    """The closed period, the next one and the carry-overs."""

    zeitraum: str
    naechster: str
    uebertraege: list[Uebertrag]


@strawberry.type(description="Übertrag oder Entlastung einer Kommune, wie festgelegt.")
class Anpassung:
    """An adjustment entry."""

    id: int
    kommune: str
    art: AnpassungsartEnum  # type: ignore[valid-type]
    personen: int
    grund: str


@strawberry.input(description="Ein abweichender Übertrag beim Abschluss, mit Grund.")
class UebertragEingabe:
    """`kommune`, `personen`, `grund`."""

    kommune: str
    personen: int
    grund: str


def _zeitraum(info: Info, name: str | None) -> Verteilzeitraum:
    ctx = kontext(info)
    landkreis = ctx.angemeldet.landkreis
    zeitraum = (zeitraum_finden(ctx.session, landkreis=landkreis, name=name) if name
                else zeitraum_am(ctx.session, landkreis=landkreis, tag=heute()))
    if zeitraum is None:
        raise UngueltigeEingabe(f"Den Verteilzeitraum „{name or 'heute'}“ gibt es nicht.",
                                fehler={"zeitraum": "unbekannt"})
    return zeitraum


def _kommune(info: Info, name: str) -> KommuneModell:
    ctx = kontext(info)
    kommune = kommune_finden(ctx.session, landkreis=ctx.angemeldet.landkreis, name=name)
    if kommune is None or not berechtigungen.im_bereich(ctx.angemeldet, KommuneModell,
                                                        Aktion.LESEN, kommune):
        raise UngueltigeEingabe(f"Die Kommune „{name}“ gibt es nicht.",
                                fehler={"kommune": "unbekannt"})
    return kommune


def _quoten(info: Info, zeitraum: Verteilzeitraum, berechnung: Berechnung | None
            ) -> list[Quote]:
    ctx = kontext(info)
    gesetzt = quoten_von(ctx.session, zeitraum=zeitraum)
    zeilen = {z.kommune: z for z in berechnung.zeilen} if berechnung else {}
    ergebnis = []
    for s in ctx.stand():
        if s.kommune.des_landkreises:  # its own shelters: no quota
            continue
        q: Aufnahmequote | None = gesetzt.get(s.kommune.id)
        z = zeilen.get(s.kommune.name)
        ergebnis.append(Quote(
            kommune=s.kommune.name, einwohner=s.kommune.einwohner,
            grundquote=z.grundquote if z else None, uebertrag=z.uebertrag if z else None,
            entlastung=z.entlastung if z else None, berechnete_quote=z.quote if z else None,
            aufnahmequote=q.wert if q else None, manuell=q.manuell if q else False))
    return ergebnis


def _berechnung(info: Info, zeitraum: Verteilzeitraum, berechnung: Berechnung,
                geaendert: int | None = None) -> Quotenberechnung:
    return Quotenberechnung(
        zeitraum=zeitraum.name, kontingent=berechnung.kontingent,
        quoten=_quoten(info, zeitraum, berechnung), summe_quoten=berechnung.summe_quoten,
        abweichung=berechnung.abweichung,
        fingerabdruck=digest(kontext(info).session, zeitraum=zeitraum, berechnung=berechnung),
        warnungen=[f"Die Quote von {z.kommune} wäre negativ und ist 0."
                   for z in berechnung.zeilen if z.auf_null_gesetzt], geaendert=geaendert)


def _wochen(r: Reichweite) -> list[Prognosewoche]:
    summe, wochen = 0, []
    for w in r.wochen:
        summe += w.personen
        wochen.append(Prognosewoche(woche=w.iso, personen=w.personen, geschaetzt=w.geschaetzt,
                                    kumuliert=summe))
    return wochen


def _nur_landkreis(info: Info, was: str) -> None:
    if not berechtigungen.darf(kontext(info).angemeldet, Aktion.AENDERN, Aufnahmequote):
        raise NichtErlaubt(f"{was} nur der Landkreis.")


@strawberry.type
class QuotenQuery:
    """Reading quotas and the horizon."""

    @strawberry.field(description="Das Quotenblatt einer Kommune (Landkreis: jede; Kommune: "
                                  "die eigene; nicht für die Pressestelle, die Quellen des "
                                  "Quotenkontos können Personen nennen). Ohne `zeitraum` der "
                                  "heutige.")
    def quotenblatt(self, info: Info, kommune: str, zeitraum: str | None = None) -> Quotenblatt:
        """The sheet, line by line."""
        ctx = kontext(info)
        gefunden = _kommune(info, kommune)
        if not berechtigungen.im_bereich(ctx.angemeldet, BuchungModell, Aktion.LESEN, gefunden):
            raise NichtErlaubt("Das Quotenblatt sehen nur der Landkreis und die eigene Kommune.")
        blatt = quotenblatt(ctx.session, kommune=gefunden, zeitraum=_zeitraum(info, zeitraum))
        c = blatt.berechnung
        return Quotenblatt(
            kommune=gefunden.name, zeitraum=blatt.zeitraum.name,
            kontingent=blatt.zeitraum.kontingent, einwohner=gefunden.einwohner,
            grundquote=c.grundquote if c else None,
            uebertrag=blatt.anpassungen.wert(Anpassungsart.UEBERTRAG),
            entlastung=blatt.anpassungen.wert(Anpassungsart.ENTLASTUNG),
            berechnete_quote=c.quote if c else None, berechnung_fehlt=blatt.fehlt,
            aufnahmequote=blatt.quote, manuell=blatt.manuell, zuweisungen=blatt.zuweisungen,
            anrechnungen=blatt.anrechnungen, zu_erfuellen=blatt.zu_erfuellen,
            buchungen=[Buchung.aus(b) for b in blatt.buchungen],
            posten=[Quotenposten(rechnung=p.rechnung, titel=p.titel, erlaeuterung=p.erlaeuterung,
                                 personen=p.wert if isinstance(p.wert, int) else None,
                                 zahl=p.wert if isinstance(p.wert, float) else None,
                                 text=p.wert if isinstance(p.wert, str) else None)
                    for p in posten(blatt)])

    @strawberry.field(description="Die Quoten eines Verteilzeitraums (ohne `zeitraum` der "
                                  "heutige) mit den Zahlen ihrer Berechnung; für alle Rollen, "
                                  "ohne Gründe und Namen.")
    def quoten(self, info: Info, zeitraum: str | None = None) -> list[Quote]:
        """Every visible Kommune's quota and calculation terms."""
        ctx = kontext(info)
        gefunden = _zeitraum(info, zeitraum)
        try:
            berechnung = quoten_berechnen(ctx.session, zeitraum=gefunden)
        except ValueError:  # no contingent or population: the quotas set, without the terms
            berechnung = None
        return _quoten(info, gefunden, berechnung)

    @strawberry.field(description="Bis wann die Plätze reichen: für `kommune`, ohne für den "
                                  "Landkreis; heute oder am Ende des `stichtag`.")
    def prognose(self, info: Info, kommune: str | None = None,
                 stichtag: date | None = None) -> Prognose:
        """The horizon of one Kommune or the county."""
        ctx = kontext(info)
        if not berechtigungen.darf(ctx.angemeldet, Aktion.LESEN, AnkuendigungModell):
            raise NichtErlaubt("Die Prognose ist für Ihre Rolle gesperrt.")
        if stichtag is not None and (grund := stichtag_pruefen(stichtag, heute=heute())):
            raise UngueltigeEingabe(grund, fehler={"stichtag": grund})
        ergebnis = ctx.prognose(stichtag if stichtag != heute() else None)
        if kommune is None:
            r, name, benoetigt = ergebnis.landkreis, None, ergebnis.benoetigt_bis_zeitraumende
        else:
            gefunden = _kommune(info, kommune)
            r, name, benoetigt = ergebnis.von(gefunden.id), gefunden.name, None
            if r is None:
                raise UngueltigeEingabe(f"Für „{kommune}“ gibt es keine Prognose.",
                                        fehler={"kommune": "nicht aktiv"})
        return Prognose(stichtag=ergebnis.stichtag, kommune=name, reicht_bis=r.reicht_bis,
                        reicht_bis_mit_aussicht=r.reicht_bis_mit_aussicht,
                        geschaetzt=r.geschaetzt, plaetze_sofort=r.plaetze_sofort,
                        plaetze_mit_aussicht=r.plaetze_mit_aussicht,
                        benoetigt_bis_zeitraumende=benoetigt, wochen=_wochen(r))


@strawberry.type
class QuotenMutation:
    """The county's steps with quotas."""

    @strawberry.mutation(description="Die Quoten nach Einwohnern berechnen (ändert nichts); "
                                     "nur der Landkreis.")
    def quoten_berechnen(self, info: Info, zeitraum: str,
                         kontingent: int | None = None) -> Quotenberechnung:
        """The proposal."""
        _nur_landkreis(info, "Quoten berechnet")
        gefunden = _zeitraum(info, zeitraum)
        with dienstaufruf(info):
            berechnung = quoten_berechnen(kontext(info).session, zeitraum=gefunden,
                                          kontingent=kontingent)
        return _berechnung(info, gefunden, berechnung)

    @strawberry.mutation(description="Die berechneten Quoten setzen (mit Verlauf) und das "
                                     "Kontingent speichern; `fingerabdruck` aus "
                                     "`quotenBerechnen`: haben sich die Grundlagen "
                                     "inzwischen geändert, wird nichts gespeichert (CONFLICT).")
    def quoten_anwenden(self, info: Info, zeitraum: str, fingerabdruck: str,
                        kontingent: int | None = None) -> Quotenberechnung:
        """Apply the calculation the caller saw (refused before calculating for roles that may
        not; the service checks the same rule again)."""
        _nur_landkreis(info, "Quoten wendet")
        ctx = kontext(info)
        gefunden = _zeitraum(info, zeitraum)
        with dienstaufruf(info):
            berechnung, geaendert = berechnung_anwenden(
                ctx.session, zeitraum=gefunden, kontingent=kontingent, gesehen=fingerabdruck,
                benutzer=ctx.angemeldet)
        ctx.session.commit()
        ctx.neu_laden()
        return _berechnung(info, gefunden, berechnung, geaendert)

    @strawberry.mutation(description="Einen Verteilzeitraum abschließen: der Rest jeder "
                                     "Kommune wird ihr Übertrag im folgenden Zeitraum, außer "
                                     "`abweichend` (mit Grund); nur der Landkreis.")
    def zeitraum_abschliessen(self, info: Info, zeitraum: str,
                              abweichend: list[UebertragEingabe] | None = None) -> Abschluss:
        """Close the period."""
        ctx = kontext(info)
        gefunden = _zeitraum(info, zeitraum)
        with dienstaufruf(info):
            ergebnis = abschliessen(ctx.session, zeitraum=gefunden, benutzer=ctx.angemeldet,
                                    abweichend={a.kommune: (a.personen, a.grund)
                                                for a in abweichend or []})
        ctx.session.commit()
        ctx.neu_laden()
        return Abschluss(zeitraum=ergebnis.zeitraum.name, naechster=ergebnis.naechster.name,
                         uebertraege=[Uebertrag(kommune=r.kommune.name,
                                                uebertrag=ergebnis.uebertrag(r),
                                                abweichend=r.kommune.name in ergebnis.abweichend)
                                      for r in ergebnis.reste])

    @strawberry.mutation(description="Eine Anrechnung (z. B. aus (4), Geburten) oder Korrektur "
                                     "auf die Quote buchen; nur der Landkreis. Ohne `datum` "
                                     "heute (ab 2000, höchstens ein Jahr voraus); die Buchung "
                                     "gehört in den Verteilzeitraum ihres Tages: ohne "
                                     "`zeitraum` dieser, ein anderer wird abgelehnt.")
    def anrechnung_buchen(self, info: Info, kommune: str, personen: int, quelle: str,
                          art: BuchungsartEnum = Buchungsart.ANRECHNUNG,  # type: ignore[valid-type]
                          datum: date | None = None, zeitraum: str | None = None) -> Buchung:
        """Book a credit."""
        ctx = kontext(info)
        if art is Buchungsart.VEREINBARUNG:
            raise UngueltigeEingabe("Buchungen aus Vereinbarungen entstehen mit der "
                                    "Vereinbarung.", fehler={"art": "nicht erlaubt"})
        gefunden = _kommune(info, kommune)
        periode = _zeitraum(info, zeitraum) if zeitraum is not None else None
        with dienstaufruf(info):
            buchung = buchen(ctx.session, kommune=gefunden, zeitraum=periode, personen=personen,
                             art=art, quelle=quelle, datum=datum, benutzer=ctx.angemeldet)
        ctx.session.commit()
        ctx.neu_laden()
        return Buchung.aus(buchung)

    @strawberry.mutation(description="Übertrag oder Entlastung einer Kommune festlegen, mit "
                                     "Grund; nur der Landkreis. `gelesen`: die id des zuletzt "
                                     "gelesenen Eintrags (null: keiner); ist inzwischen ein "
                                     "neuerer da, wird nichts gespeichert (CONFLICT).")
    def quote_anpassen(self, info: Info, kommune: str, art: AnpassungsartEnum,  # type: ignore[valid-type]
                       personen: int, grund: str, gelesen: int | None = None,
                       zeitraum: str | None = None) -> Anpassung:
        """Set carry-over or relief."""
        ctx = kontext(info)
        gefunden, periode = _kommune(info, kommune), _zeitraum(info, zeitraum)
        with dienstaufruf(info):
            eintrag = anpassen(ctx.session, kommune=gefunden, zeitraum=periode, art=art,
                               personen=personen, grund=grund, benutzer=ctx.angemeldet,
                               gelesen=gelesen)
        ctx.session.commit()
        ctx.neu_laden()
        if eintrag is None:
            raise UngueltigeEingabe("Nichts geändert: Personen und Grund sind schon so "
                                    "festgelegt.", fehler={"personen": "unverändert"})
        return Anpassung(id=eintrag.id, kommune=gefunden.name, art=eintrag.art,
                         personen=eintrag.personen, grund=eintrag.grund)


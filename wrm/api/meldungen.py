"""Meldung: a Kommune's figures with every computed field; saving and confirming reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from wrm import berechtigungen, kennzahlen
from wrm.api.context import kontext
from wrm.api.fehler import NichtErlaubt, UngueltigeEingabe
from wrm.api.permissions import BemerkungSichtbar, PersonenSichtbar
from wrm.api.schreiben import dienstaufruf
from wrm.db import jetzt
from wrm.meldefelder import Lage
from wrm.models import Kommune as KommuneModell
from wrm.models import Meldung as MeldungModell
from wrm.services import meldungen
from wrm.services.kommunen import kommune_finden
from wrm.services.stand import Stand

if TYPE_CHECKING:
    from wrm.api.kommunen import Kommune

LageEnum = strawberry.enum(Lage, name="Lage", description="(12) Einschätzung der Lage.")


@strawberry.interface(description="Die Zahlenspalten des Konzeptpapiers, gemeldet und "
                                  "errechnet; leer heißt „nicht gemeldet“.")
class Spalten:
    """The numeric columns shared by a Kommune's row and the Gesamt row."""

    aufnahmequote: int | None
    zuweisungen: int | None
    ankuenfte: int | None
    keine_quotenanrechnung: int | None
    moegliche_quotenanrechnung: int | None
    zu_erfuellen: int | None
    in_gemeinschaftsunterkuenften: int | None
    dezentral_untergebracht: int | None
    verfuegbar_gemeinschaftsunterkunft: int | None
    verfuegbar_dezentral: int | None
    in_aussicht_gemeinschaftsunterkunft: int | None
    in_aussicht_dezentral: int | None
    sofort_verfuegbar: int
    in_aussicht: int
    gesamt_verfuegbar: int
    bedarf: int | None
    zugesagt_fuer_andere: int = strawberry.field(
        description="Personen, die diese Kommune anderen zugesagt hat (zugesagt oder belegt) "
                    "und die ihre Meldung noch nicht enthält; erhöht den Bedarf.")
    zusagen_anderer: int = strawberry.field(
        description="Personen, die andere Kommunen dieser zugesagt haben und die ihre Meldung "
                    "noch nicht enthält; senkt den Bedarf.")
    in_anderen_kommunen: int = strawberry.field(
        description="Personen dieser Kommune, die nach einer Vereinbarung (belegt) in einer "
                    "anderen Kommune wohnen.")
    anrechnungen: int = strawberry.field(
        description="Vom Landkreis bestätigte Anrechnungen auf die Quote im Verteilzeitraum "
                    "(Quotenkonto); gehen in (5) ein.")


@strawberry.type(description="Die Zahlen einer Kommune, gemeldet und errechnet "
                             "(Spalten des Konzeptpapiers).")
class Meldung(Spalten):
    """One row: reported figures (nullable: not reported) and computed figures."""

    lage: LageEnum | None  # type: ignore[valid-type]
    stand: datetime | None
    veraltet: bool
    # An attribute, not a resolver: a table's rows each read it, and a plain field is read
    # directly (`wrm.api.ausfuehrung`).
    kommune: Annotated[Kommune, strawberry.lazy("wrm.api.kommunen")] = strawberry.field(
        description="Die Kommune dieser Meldung.")
    kommune_modell: strawberry.Private[KommuneModell]
    kommune_id: strawberry.Private[int]
    version_wert: strawberry.Private[int | None]
    bemerkung_wert: strawberry.Private[str | None]
    stichtag_wert: strawberry.Private[date | None]

    @strawberry.field(description="Letzte ISO-Kalenderwoche (z. B. 2027-W05), in die die ab "
                                  "dieser Woche angekündigten (und geschätzten) Zuweisungen "
                                  "noch in die sofort freien Plätze passen; null: reicht über "
                                  "den Horizont (Ende des Verteilzeitraums) hinaus.")
    def reicht_bis(self, info: Info) -> str | None:
        """From the request's planning horizon at the row's Stichtag."""
        reichweite = kontext(info).prognose(self.stichtag_wert).von(self.kommune_id)
        return reichweite.reicht_bis if reichweite is not None else None

    @strawberry.field(description="Wie `reichtBis`, mit den Plätzen in Aussicht.")
    def reicht_bis_mit_aussicht(self, info: Info) -> str | None:
        """From the request's planning horizon at the row's Stichtag."""
        reichweite = kontext(info).prognose(self.stichtag_wert).von(self.kommune_id)
        return reichweite.reicht_bis_mit_aussicht if reichweite is not None else None

    @strawberry.field(permission_classes=[PersonenSichtbar],
                      description="Version für das optimistische Sperren beim Speichern.")
    def version(self) -> int | None:
        """The report's version (None: never reported)."""
        return self.version_wert

    @strawberry.field(permission_classes=[BemerkungSichtbar],
                      description="Interne Bemerkung (Landkreis und eigene Kommune).")
    def bemerkung(self) -> str | None:
        """The internal note."""
        return self.bemerkung_wert


def meldung_aus(stand: Stand, *, bezug: datetime, frist_tage: int,
                stichtag: date | None = None) -> Meldung:
    """The API row of a Kommune's `Stand` (now, or at `stichtag`)."""
    from wrm.api.kommunen import Kommune  # imports this module

    werte = stand.zeile.als_dict()
    del werte["kommune"]
    werte["lage"] = Lage(werte["lage"]) if werte["lage"] is not None else None
    return Meldung(
        **werte, veraltet=(kennzahlen.veraltet(stand.zeile.stand, bezug, frist_tage)
                           and not stand.kommune.des_landkreises),
        kommune=Kommune.aus(stand.kommune), kommune_modell=stand.kommune,
        kommune_id=stand.kommune.id,
        version_wert=stand.version, bemerkung_wert=stand.bemerkung, stichtag_wert=stichtag,
    )


@strawberry.input(description="Neue Angaben; weggelassene Felder bleiben, null heißt "
                              "„nicht gemeldet“.")
class MeldungEingabe:
    """Input of `meldungSpeichern`: only what is given changes."""

    zuweisungen: int | None = strawberry.UNSET
    ankuenfte: int | None = strawberry.UNSET
    keine_quotenanrechnung: int | None = strawberry.UNSET
    moegliche_quotenanrechnung: int | None = strawberry.UNSET
    in_gemeinschaftsunterkuenften: int | None = strawberry.UNSET
    dezentral_untergebracht: int | None = strawberry.UNSET
    verfuegbar_gemeinschaftsunterkunft: int | None = strawberry.UNSET
    verfuegbar_dezentral: int | None = strawberry.UNSET
    in_aussicht_gemeinschaftsunterkunft: int | None = strawberry.UNSET
    in_aussicht_dezentral: int | None = strawberry.UNSET
    lage: LageEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    bemerkung: str | None = strawberry.UNSET


def _zu_aendernde_kommune(info: Info, name: str) -> KommuneModell:
    ctx = kontext(info)
    benutzer = ctx.angemeldet
    if not berechtigungen.darf(benutzer, berechtigungen.Aktion.AENDERN, MeldungModell):
        raise NichtErlaubt("Ihre Rolle darf keine Meldungen ändern.")
    kommune = kommune_finden(ctx.session, landkreis=benutzer.landkreis, name=name)
    if kommune is None or not kommune.aktiv:
        raise UngueltigeEingabe(f"Die Kommune „{name}“ gibt es nicht.",
                                fehler={"kommune": "unbekannt"})
    if not berechtigungen.darf_meldung_aendern(benutzer, kommune):
        raise NichtErlaubt("Sie dürfen nur die Meldung Ihrer eigenen Kommune ändern.")
    return kommune


def _ergebnis(info: Info, kommune: KommuneModell) -> Meldung:
    ctx = kontext(info)
    ctx.session.commit()
    ctx.neu_laden()
    stand = ctx.aktueller_stand(kommune.id)
    assert stand is not None  # an active Kommune of the user's Landkreis
    return meldung_aus(stand, bezug=jetzt(), frist_tage=ctx.meldefrist_tage)


@strawberry.type
class MeldungMutation:
    """Writing reports, through the same rules and locking as the screens."""

    @strawberry.mutation(description="Meldung einer Kommune speichern. `version` ist die zuletzt "
                                     "gelesene Version (0: noch keine Meldung); ist die Meldung "
                                     "inzwischen geändert, wird nichts gespeichert (CONFLICT; "
                                     "`extensions.abweichungen` nennt je Feld, das auch andere "
                                     "geändert haben, vorher, gespeichert und eingabe).")
    def meldung_speichern(self, info: Info, kommune: str, version: int,
                          eingabe: MeldungEingabe) -> Meldung:
        """Merge the given fields into the current report and save it."""
        ziel = _zu_aendernde_kommune(info, kommune)
        ctx = kontext(info)
        werte = ziel.meldung.werte() if ziel.meldung is not None else {}
        for name, wert in vars(eingabe).items():
            if wert is not strawberry.UNSET:
                werte[name] = wert.value if isinstance(wert, Lage) else wert
        with dienstaufruf(info):
            meldungen.speichern(ctx.session, kommune=ziel, werte=werte, version=version,
                                benutzer=ctx.angemeldet)
        return _ergebnis(info, ziel)

    @strawberry.mutation(description="Bestätigen, dass die Angaben unverändert aktuell sind "
                                     "(neuer Stand, ohne Änderung). `version` ist die zuletzt "
                                     "gelesene Version; ist die Meldung inzwischen geändert, "
                                     "wird nichts bestätigt (CONFLICT).")
    def meldung_bestaetigen(self, info: Info, kommune: str, version: int) -> Meldung:
        """Record that the figures are still current."""
        ziel = _zu_aendernde_kommune(info, kommune)
        ctx = kontext(info)
        with dienstaufruf(info):
            meldungen.bestaetigen(ctx.session, kommune=ziel, benutzer=ctx.angemeldet,
                                  version=version)
        return _ergebnis(info, ziel)

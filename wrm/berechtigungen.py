"""Who may read and write what: the one place every screen, export, action and API field asks.

Two questions, answered here only:
- `darf(benutzer, aktion, Modell)`: may this role do this to this kind of record at all?
- `bereich(benutzer, Modell, aktion)`: which rows? A SQL condition that every query adds, so a
  record outside it is simply not found (404), whichever path asked for it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select

from wrm.models import (
    Ankuendigung,
    Aufnahmequote,
    Benutzer,
    Buchung,
    Hilfeersuchen,
    Kommune,
    Landkreis,
    Meldung,
    Quotenaenderung,
    Quotenanpassung,
    Rolle,
    Seite,
    Unterkunft,
    Unterkunftseintrag,
    Vereinbarung,
    Vereinbarungsstatus,
    Verlaufseintrag,
    Verteilzeitraum,
)


class Aktion(enum.StrEnum):
    """What a user wants to do with a record."""

    LESEN = "lesen"
    ANLEGEN = "anlegen"
    AENDERN = "aendern"
    LOESCHEN = "loeschen"


_ALLES = frozenset(Aktion)
_LESEN = frozenset({Aktion.LESEN})
_PFLEGEN = frozenset({Aktion.LESEN, Aktion.ANLEGEN, Aktion.AENDERN})

#: Role-level rights per kind of record. Nothing here means: no access.
#: Reports are never deleted (the history must stay reproducible); Kommunen and users are
#: deactivated instead.
RECHTE: dict[type, dict[Rolle, frozenset[Aktion]]] = {
    Meldung: {Rolle.LANDKREIS: _PFLEGEN, Rolle.KOMMUNE: _PFLEGEN, Rolle.PRESSE: _LESEN},
    Kommune: {Rolle.LANDKREIS: _PFLEGEN, Rolle.KOMMUNE: _LESEN, Rolle.PRESSE: _LESEN},
    Verteilzeitraum: {Rolle.LANDKREIS: _PFLEGEN, Rolle.KOMMUNE: _LESEN, Rolle.PRESSE: _LESEN},
    Aufnahmequote: {Rolle.LANDKREIS: _ALLES, Rolle.KOMMUNE: _LESEN, Rolle.PRESSE: _LESEN},
    Verlaufseintrag: {Rolle.LANDKREIS: _LESEN, Rolle.KOMMUNE: _LESEN, Rolle.PRESSE: _LESEN},
    Quotenaenderung: {Rolle.LANDKREIS: _LESEN},
    Benutzer: {Rolle.LANDKREIS: _PFLEGEN},
    # Help between Kommunen: the press office sees only the counts in the figures.
    Hilfeersuchen: {Rolle.LANDKREIS: _PFLEGEN, Rolle.KOMMUNE: _PFLEGEN},
    Vereinbarung: {Rolle.LANDKREIS: _PFLEGEN, Rolle.KOMMUNE: _PFLEGEN},
    # The quota ledger: the county books; a Kommune reads its own (sources may name persons).
    Buchung: {Rolle.LANDKREIS: frozenset({Aktion.LESEN, Aktion.ANLEGEN}), Rolle.KOMMUNE: _LESEN},
    # Carry-over and relief, with their reasons: set by the county, read like the ledger.
    Quotenanpassung: {Rolle.LANDKREIS: frozenset({Aktion.LESEN, Aktion.ANLEGEN}),
                      Rolle.KOMMUNE: _LESEN},
    # The state's announced allocations: figures everyone plans with; the county enters them.
    Ankuendigung: {Rolle.LANDKREIS: frozenset({Aktion.LESEN, Aktion.ANLEGEN}),
                   Rolle.KOMMUNE: _LESEN, Rolle.PRESSE: _LESEN},
    # Accommodations: names and addresses are sensitive (shelters are targets of attacks), so
    # a Kommune keeps and reads only its own list, the county all of its Landkreis (and its
    # own shelters), the press office none; the others see only the sums in the figures.
    # Never deleted: "geschlossen" ends one, and its history stays.
    Unterkunft: {Rolle.LANDKREIS: _PFLEGEN, Rolle.KOMMUNE: _PFLEGEN},
    Unterkunftseintrag: {Rolle.LANDKREIS: _LESEN, Rolle.KOMMUNE: _LESEN},
    # The county's own settings (the reporting interval); never created or deleted here.
    Landkreis: {Rolle.LANDKREIS: frozenset({Aktion.LESEN, Aktion.AENDERN})},
}

#: Records that belong to one Kommune: a kommune user may change only its own, and reads only
#: its own history (who changed what is internal to the Kommune) and the agreements its
#: Kommune is a side of (the others' show only as counts in the figures).
_EIGENE_KOMMUNE_BEIM_SCHREIBEN = (Meldung, Hilfeersuchen, Vereinbarung)
_EIGENE_KOMMUNE_AUCH_BEIM_LESEN = (Verlaufseintrag, Vereinbarung, Buchung, Quotenanpassung,
                                   Unterkunft, Unterkunftseintrag)
#: The columns that name a record's Kommune (an agreement has two sides); default kommune_id.
_KOMMUNENSPALTEN: dict[type, tuple[str, ...]] = {Vereinbarung: ("zuweisend_id", "aufnehmend_id")}


def darf(benutzer: Benutzer | None, aktion: Aktion, modell: type) -> bool:
    """Whether the user's role may do `aktion` on records of this kind at all."""
    if benutzer is None or not benutzer.aktiv:
        return False
    return aktion in RECHTE.get(modell, {}).get(Rolle(benutzer.rolle), frozenset())


@dataclass(frozen=True)
class Bereich:
    """The rows of one kind a user may act on: none (`landkreis_id` None), those of one
    Landkreis, or (with `kommune_id`) only those of one Kommune in it. The one statement of the
    row rule; `bereich` turns it into SQL, `im_bereich` checks one Kommune in Python."""

    landkreis_id: int | None
    kommune_id: int | None = None


def bereich_von(benutzer: Benutzer | None, modell: type, aktion: Aktion) -> Bereich:
    """The user's `Bereich` for `aktion` on records of `modell`."""
    if benutzer is None or not darf(benutzer, aktion, modell):
        return Bereich(None)
    if benutzer.rolle == Rolle.KOMMUNE and (
        (aktion is not Aktion.LESEN and modell in _EIGENE_KOMMUNE_BEIM_SCHREIBEN)
        or modell in _EIGENE_KOMMUNE_AUCH_BEIM_LESEN
    ):
        return Bereich(benutzer.landkreis_id, benutzer.kommune_id)
    return Bereich(benutzer.landkreis_id)


def _im_landkreis(landkreis_id: int, modell: type) -> ColumnElement[bool]:
    if modell is Landkreis:
        return Landkreis.id == landkreis_id
    if modell is Unterkunftseintrag:
        return Unterkunftseintrag.unterkunft_id.in_(
            select(Unterkunft.id).where(Unterkunft.landkreis_id == landkreis_id))
    if modell in (Kommune, Verteilzeitraum, Benutzer, Unterkunft):
        return modell.landkreis_id == landkreis_id  # type: ignore[attr-defined,no-any-return]
    kommunen = select(Kommune.id).where(Kommune.landkreis_id == landkreis_id)
    spalte = _KOMMUNENSPALTEN.get(modell, ("kommune_id",))[0]
    return getattr(modell, spalte).in_(kommunen)  # type: ignore[no-any-return]


def _eine_kommune(modell: type, kommune_id: int) -> ColumnElement[bool]:
    if modell is Unterkunftseintrag:
        return Unterkunftseintrag.unterkunft_id.in_(
            select(Unterkunft.id).where(Unterkunft.kommune_id == kommune_id))
    return or_(*(getattr(modell, spalte) == kommune_id
                 for spalte in _KOMMUNENSPALTEN.get(modell, ("kommune_id",))))


def bereich(
    benutzer: Benutzer | None, modell: type, aktion: Aktion = Aktion.LESEN
) -> ColumnElement[bool]:
    """The rows of `modell` the user may `aktion`, as a condition for `.where()`."""
    rahmen = bereich_von(benutzer, modell, aktion)
    if rahmen.landkreis_id is None:
        return false()
    bedingung = _im_landkreis(rahmen.landkreis_id, modell)
    if rahmen.kommune_id is not None:
        bedingung = bedingung & _eine_kommune(modell, rahmen.kommune_id)
    return bedingung


def im_bereich(benutzer: Benutzer | None, modell: type, aktion: Aktion, kommune: Kommune
               ) -> bool:
    """Whether the records of `modell` that belong to `kommune` are in the user's `bereich`
    for `aktion` (the same rule, checked in Python for one Kommune)."""
    rahmen = bereich_von(benutzer, modell, aktion)
    return (rahmen.landkreis_id is not None and kommune.landkreis_id == rahmen.landkreis_id
            and (rahmen.kommune_id is None or kommune.id == rahmen.kommune_id))


def unterkunft_im_bereich(benutzer: Benutzer | None, aktion: Aktion, *, landkreis_id: int,
                          kommune_id: int | None) -> bool:
    """Whether an accommodation of this owner (a Kommune, or with `kommune_id` None the
    Landkreis itself) is in the user's `bereich` for `aktion` (the rule of `bereich`, in
    Python: the county's shelters are outside every Kommune's)."""
    rahmen = bereich_von(benutzer, Unterkunft, aktion)
    return (rahmen.landkreis_id is not None and landkreis_id == rahmen.landkreis_id
            and (rahmen.kommune_id is None or kommune_id == rahmen.kommune_id))


def darf_meldung_aendern(benutzer: Benutzer | None, kommune: Kommune) -> bool:
    """Whether the user may change (or create) this Kommune's report."""
    return im_bereich(benutzer, Meldung, Aktion.AENDERN, kommune)


def bemerkung_sichtbar(benutzer: Benutzer | None, kommune: Kommune) -> bool:
    """The internal note of a report is for those who may write the report: the county, and
    the Kommune itself; never the press office."""
    return darf_meldung_aendern(benutzer, kommune)


def verlauf_sichtbar(benutzer: Benutzer | None, kommune: Kommune) -> bool:
    """Whether the user may read this Kommune's history."""
    return im_bereich(benutzer, Verlaufseintrag, Aktion.LESEN, kommune)


#: Which side of an agreement takes each step (the county may take every step in its
#: Landkreis): the allocated Kommune asks and withdraws, the host answers and reports moves.
SEITE_DES_SCHRITTS: dict[Vereinbarungsstatus, Seite] = {
    Vereinbarungsstatus.ANGEFRAGT: Seite.ZUWEISEND,
    Vereinbarungsstatus.ZURUECKGEZOGEN: Seite.ZUWEISEND,
    Vereinbarungsstatus.ZUGESAGT: Seite.AUFNEHMEND,
    Vereinbarungsstatus.ABGELEHNT: Seite.AUFNEHMEND,
    Vereinbarungsstatus.BELEGT: Seite.AUFNEHMEND,
    Vereinbarungsstatus.BEENDET: Seite.AUFNEHMEND,
}


def darf_schritt(benutzer: Benutzer | None, ziel: Vereinbarungsstatus, *, zuweisend: Kommune,
                 aufnehmend: Kommune) -> bool:
    """Whether the user may bring an agreement between these Kommunen to status `ziel`
    (`angefragt`: create it): the county in its Landkreis, a kommune user for its side."""
    kommune = zuweisend if SEITE_DES_SCHRITTS[ziel] is Seite.ZUWEISEND else aufnehmend
    aktion = Aktion.ANLEGEN if ziel is Vereinbarungsstatus.ANGEFRAGT else Aktion.AENDERN
    return im_bereich(benutzer, Vereinbarung, aktion, kommune)


def darf_beruecksichtigen(benutzer: Benutzer | None, kommune: Kommune) -> bool:
    """Whether the user may mark an agreement as included in this Kommune's own report (the
    same people who write that report)."""
    return darf_meldung_aendern(benutzer, kommune)


def darf_ersuchen(benutzer: Benutzer | None, kommune: Kommune, aktion: Aktion) -> bool:
    """Whether the user may file (`ANLEGEN`) or close (`AENDERN`) this Kommune's request."""
    return im_bereich(benutzer, Hilfeersuchen, aktion, kommune)


def vorschlag_sichtbar(benutzer: Benutzer | None) -> bool:
    """The redistribution proposal is the county's steering tool: for its users only."""
    return (benutzer is not None and benutzer.aktiv and benutzer.rolle == Rolle.LANDKREIS)


def personen_sichtbar(benutzer: Benutzer | None) -> bool:
    """Names of users (history authors, who reported): not for the press office."""
    return benutzer is not None and benutzer.aktiv and benutzer.rolle != Rolle.PRESSE


def exporte_erlaubt(benutzer: Benutzer | None) -> bool:
    """Downloads of Übersicht and Auswertung: for the county and the press office."""
    return (benutzer is not None and benutzer.aktiv
            and benutzer.rolle in (Rolle.LANDKREIS, Rolle.PRESSE))


def intern_exportieren(benutzer: Benutzer | None) -> bool:
    """Whether a download may carry internal notes and reporters' names: only the county's."""
    return exporte_erlaubt(benutzer) and benutzer.rolle == Rolle.LANDKREIS  # type: ignore[union-attr]


def filtern(benutzer: Benutzer | None, modell: type, aktion: Aktion, abfrage: Any) -> Any:
    """Add the user's `bereich` to a query (SQLAlchemy `Select` or legacy `Query`)."""
    bedingung = bereich(benutzer, modell, aktion)
    return abfrage.where(bedingung) if hasattr(abfrage, "where") else abfrage.filter(bedingung)

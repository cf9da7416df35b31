"""Who may read and write what: the one place every screen, export, action and API field asks.

Two questions, answered here only:
- `darf(benutzer, aktion, Modell)`: may this role do this to this kind of record at all?
- `bereich(benutzer, Modell, aktion)`: which rows? A SQL condition that every query adds, so a
  record outside it is simply not found (404), whichever path asked for it.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, false, select

from wrm.models import (
    Aufnahmequote,
    Benutzer,
    Kommune,
    Landkreis,
    Meldung,
    Quotenaenderung,
    Rolle,
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
    # The county's own settings (the reporting interval); never created or deleted here.
    Landkreis: {Rolle.LANDKREIS: frozenset({Aktion.LESEN, Aktion.AENDERN})},
}

#: Records that belong to one Kommune: a kommune user may change only its own, and reads only
#: its own history (who changed what is internal to the Kommune).
_EIGENE_KOMMUNE_BEIM_SCHREIBEN = (Meldung,)
_EIGENE_KOMMUNE_AUCH_BEIM_LESEN = (Verlaufseintrag,)


def darf(benutzer: Benutzer | None, aktion: Aktion, modell: type) -> bool:
    """Whether the user's role may do `aktion` on records of this kind at all."""
    if benutzer is None or not benutzer.aktiv:
        return False
    return aktion in RECHTE.get(modell, {}).get(Rolle(benutzer.rolle), frozenset())


def _im_landkreis(benutzer: Benutzer, modell: type) -> ColumnElement[bool]:
    landkreis_id = benutzer.landkreis_id
    if modell is Landkreis:
        return Landkreis.id == landkreis_id
    if modell in (Kommune, Verteilzeitraum, Benutzer):
        return modell.landkreis_id == landkreis_id  # type: ignore[attr-defined,no-any-return]
    kommunen = select(Kommune.id).where(Kommune.landkreis_id == landkreis_id)
    return modell.kommune_id.in_(kommunen)  # type: ignore[attr-defined,no-any-return]


def bereich(
    benutzer: Benutzer | None, modell: type, aktion: Aktion = Aktion.LESEN
) -> ColumnElement[bool]:
    """The rows of `modell` the user may `aktion`, as a condition for `.where()`."""
    if benutzer is None or not darf(benutzer, aktion, modell):
        return false()
    bedingung = _im_landkreis(benutzer, modell)
    if benutzer.rolle == Rolle.KOMMUNE and (
        (aktion is not Aktion.LESEN and modell in _EIGENE_KOMMUNE_BEIM_SCHREIBEN)
        or modell in _EIGENE_KOMMUNE_AUCH_BEIM_LESEN
    ):
        bedingung = bedingung & (modell.kommune_id == benutzer.kommune_id)  # type: ignore[attr-defined]
    return bedingung


def darf_meldung_aendern(benutzer: Benutzer | None, kommune: Kommune) -> bool:
    """Whether the user may change this Kommune's report (the same rule as `bereich`)."""
    if not darf(benutzer, Aktion.AENDERN, Meldung) or benutzer is None:
        return False
    if kommune.landkreis_id != benutzer.landkreis_id:
        return False
    return benutzer.rolle != Rolle.KOMMUNE or benutzer.kommune_id == kommune.id


def bemerkung_sichtbar(benutzer: Benutzer | None, kommune_id: int) -> bool:
    """The internal note of a report: the county sees all, a Kommune its own, the press none."""
    if benutzer is None or not benutzer.aktiv:
        return False
    if benutzer.rolle == Rolle.LANDKREIS:
        return True
    return benutzer.rolle == Rolle.KOMMUNE and benutzer.kommune_id == kommune_id


def verlauf_sichtbar(benutzer: Benutzer | None, kommune_id: int) -> bool:
    """A Kommune's history: the same rule as `bereich` for `Verlaufseintrag`, for one Kommune."""
    if not darf(benutzer, Aktion.LESEN, Verlaufseintrag) or benutzer is None:
        return False
    if benutzer.rolle == Rolle.KOMMUNE and Verlaufseintrag in _EIGENE_KOMMUNE_AUCH_BEIM_LESEN:
        return benutzer.kommune_id == kommune_id
    return True


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

"""Unterkunft: one accommodation of a Kommune (or of the Landkreis itself) with its capacity
chain, and its immutable history (Unterkunftseintrag), from which the list as it stood at the
end of any past day is read."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, Enum, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime
from wrm.models.vereinbarung import Platzart

if TYPE_CHECKING:
    from wrm.models.benutzer import Benutzer
    from wrm.models.kommune import Kommune
    from wrm.models.landkreis import Landkreis


class Unterkunftsstatus(enum.StrEnum):
    """Whether an accommodation houses people now, will from a day on, or no longer."""

    IN_BETRIEB = "in_betrieb"
    IN_AUSSICHT = "in_aussicht"
    GESCHLOSSEN = "geschlossen"


def _enum(art: type[enum.Enum]) -> Enum:
    return Enum(art, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])


#: Everything a user enters about an accommodation, in the order of the form and the file.
UNTERKUNFTSFELDER: tuple[str, ...] = (
    "name", "art", "status", "verfuegbar_ab", "plaetze", "gesperrt", "sperrgrund", "belegt",
    "reserviert", "adresse", "breitengrad", "laengengrad", "bemerkung", "davon_minderjaehrige",
    "leistung_asylblg", "leistung_sgb", "leistung_sonstige",
)


class Unterkunftsfelder:
    """What a user enters about an accommodation; shared by the record and its history."""

    name: Mapped[str] = mapped_column(String(200))
    art: Mapped[Platzart] = mapped_column(_enum(Platzart))
    status: Mapped[Unterkunftsstatus] = mapped_column(_enum(Unterkunftsstatus))
    verfuegbar_ab: Mapped[date | None] = mapped_column(Date)
    plaetze: Mapped[int]
    gesperrt: Mapped[int]
    sperrgrund: Mapped[str | None] = mapped_column(String(200))
    belegt: Mapped[int]
    reserviert: Mapped[int]
    adresse: Mapped[str | None] = mapped_column(String(200))
    breitengrad: Mapped[float | None] = mapped_column(Float)
    laengengrad: Mapped[float | None] = mapped_column(Float)
    bemerkung: Mapped[str | None] = mapped_column(Text)
    # The residents by group, optional: minors among them, and who pays their benefits.
    davon_minderjaehrige: Mapped[int | None]
    leistung_asylblg: Mapped[int | None]
    leistung_sgb: Mapped[int | None]  # SGB II or SGB XII
    leistung_sonstige: Mapped[int | None]

    def werte(self) -> dict[str, Any]:
        """The entered values by field name (kinds as their enum members, days as dates)."""
        return {name: getattr(self, name) for name in UNTERKUNFTSFELDER}


class Unterkunft(Unterkunftsfelder, Base):
    """An accommodation as it is now. Its owner is a Kommune, or the Landkreis itself (its
    row of kind `Art.LANDKREIS`: the county's interim shelters). Never deleted: `geschlossen`
    ends it."""

    __tablename__ = "unterkuenfte"
    __table_args__ = (
        # A Kommune's list, its sums and the name check are one index range each; the
        # Landkreis's whole list another.
        Index("ix_unterkuenfte_kommune_schluessel", "kommune_id", "schluessel"),
        Index("ix_unterkuenfte_landkreis", "landkreis_id"),
        # The capacity chain's rules, also for whatever bypasses the service.
        CheckConstraint("plaetze >= 0 AND gesperrt >= 0 AND gesperrt <= plaetze "
                        "AND belegt >= 0 AND reserviert >= 0", name="kapazitaet_gueltig"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    landkreis_id: Mapped[int] = mapped_column(ForeignKey("landkreise.id"))
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"))
    # `wrm.namen.namensschluessel(name)`: one name per owner, whatever its spaces and case.
    schluessel: Mapped[str] = mapped_column(String(200))
    angelegt_am: Mapped[datetime] = mapped_column(UtcDateTime)
    geaendert_am: Mapped[datetime] = mapped_column(UtcDateTime)
    # Optimistic locking: SQLAlchemy adds "AND version = :old" to every UPDATE.
    version: Mapped[int] = mapped_column()

    landkreis: Mapped[Landkreis] = relationship()
    kommune: Mapped[Kommune] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Unterkunftseintrag(Unterkunftsfelder, Base):
    """One change of an accommodation: who, when, how (`vorgang`), all fields after it, and
    each changed field's old → new."""

    __tablename__ = "unterkunftseintraege"
    # "Latest entry before the end of day t per accommodation" is one index seek each.
    __table_args__ = (
        Index("ix_unterkunftseintraege_unterkunft_zeitpunkt", "unterkunft_id", "zeitpunkt", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unterkunft_id: Mapped[int] = mapped_column(ForeignKey("unterkuenfte.id"))
    zeitpunkt: Mapped[datetime] = mapped_column(UtcDateTime)
    benutzer_id: Mapped[int | None] = mapped_column(ForeignKey("benutzer.id", ondelete="SET NULL"))
    benutzer_name: Mapped[str | None] = mapped_column(String(200))
    vorgang: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    # {"feld": [alt, neu], ...} in the values' JSON form (days as ISO text).
    aenderungen: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    unterkunft: Mapped[Unterkunft] = relationship()
    benutzer: Mapped[Benutzer | None] = relationship()


class Reservierung(Base):
    """Places of a host's accommodation promised in an agreement: reserved from `zugesagt`,
    living there from `belegt`, released when the agreement is withdrawn
    (`wrm.services.reservierungen`)."""

    __tablename__ = "reservierungen"

    id: Mapped[int] = mapped_column(primary_key=True)
    vereinbarung_id: Mapped[int] = mapped_column(ForeignKey("vereinbarungen.id"), index=True)
    unterkunft_id: Mapped[int] = mapped_column(ForeignKey("unterkuenfte.id"), index=True)
    personen: Mapped[int]

    unterkunft: Mapped[Unterkunft] = relationship()

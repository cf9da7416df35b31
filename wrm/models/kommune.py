"""Kommune: a member municipality of a Landkreis."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime, jetzt

if TYPE_CHECKING:
    from wrm.models.landkreis import Landkreis
    from wrm.models.meldung import Meldung
    from wrm.models.verteilzeitraum import Aufnahmequote


class Art(enum.StrEnum):
    """Kind of municipality, as in the county's list."""

    STADT = "Stadt"
    GEMEINDE = "Gemeinde"
    SAMTGEMEINDE = "Samtgemeinde"
    # The county's own interim shelters, kept as one row beside its Kommunen: it hosts
    # persons but has no quota (`wrm.services.kommunen.kreiskommune`).
    LANDKREIS = "Landkreis"


#: The name of that row in the Auswertung and its downloads.
KREISUNTERKUENFTE = "Unterkünfte des Landkreises"


class Meldequelle(enum.StrEnum):
    """Where a Kommune's columns (6)–(11) come from: typed into the report, or summed from its
    accommodations (`wrm.services.unterkuenfte`)."""

    EINGABE = "eingabe"
    UNTERKUENFTE = "unterkuenfte"


class Kommune(Base):
    """A municipality that houses the persons assigned to it and reports its figures."""

    __tablename__ = "kommunen"
    __table_args__ = (
        UniqueConstraint("landkreis_id", "name"),
        CheckConstraint("einwohner IS NULL OR einwohner >= 0", name="einwohner_nicht_negativ"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    landkreis_id: Mapped[int] = mapped_column(ForeignKey("landkreise.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    art: Mapped[Art] = mapped_column(
        Enum(Art, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    ags: Mapped[str | None] = mapped_column(String(8))
    breitengrad: Mapped[float | None] = mapped_column(Float)
    laengengrad: Mapped[float | None] = mapped_column(Float)
    # Population and the day it was counted: the basis of the quota calculation.
    einwohner: Mapped[int | None]
    einwohner_stand: Mapped[date | None]
    aktiv: Mapped[bool] = mapped_column(default=True)
    # Tie-break in the Auswertung; empty means creation order (the id).
    reihenfolge: Mapped[int | None]
    angelegt_am: Mapped[datetime] = mapped_column(UtcDateTime, default=jetzt)
    meldequelle: Mapped[Meldequelle] = mapped_column(
        Enum(Meldequelle, native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e]),
        default=Meldequelle.EINGABE, server_default=Meldequelle.EINGABE.value)

    landkreis: Mapped[Landkreis] = relationship(back_populates="kommunen")
    meldung: Mapped[Meldung | None] = relationship(back_populates="kommune")
    quoten: Mapped[list[Aufnahmequote]] = relationship(back_populates="kommune")

    @property
    def des_landkreises(self) -> bool:
        """Whether this is the county's own shelters' row (no quota, no users, no reminders;
        its figures always come from its accommodation list)."""
        return Art(self.art) is Art.LANDKREIS

    @property
    def sortierschluessel(self) -> tuple[int, int, int]:
        """Order of the Kommunen: those the county placed, by its order; then creation order."""
        if self.reihenfolge is None:
            return (1, 0, self.id)
        return (0, self.reihenfolge, self.id)

    def __str__(self) -> str:
        return self.name

"""Verteilzeitraum and Aufnahmequote: the distribution period and each Kommune's quota in it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime

if TYPE_CHECKING:
    from wrm.models.kommune import Kommune
    from wrm.models.landkreis import Landkreis


class Verteilzeitraum(Base):
    """A distribution period of the state, e.g. "Dez 15 – Mrz 16"."""

    __tablename__ = "verteilzeitraeume"
    __table_args__ = (
        UniqueConstraint("landkreis_id", "name"),
        CheckConstraint("ende IS NULL OR ende >= beginn", name="ende_nach_beginn"),
        CheckConstraint("kontingent IS NULL OR kontingent >= 0", name="kontingent_nicht_negativ"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    landkreis_id: Mapped[int] = mapped_column(ForeignKey("landkreise.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    beginn: Mapped[date]
    # Open end: the period runs until the county closes it.
    ende: Mapped[date | None]
    # The persons the state assigns to the Landkreis in this period (shared by population).
    kontingent: Mapped[int | None]
    # Closed by the county: each Kommune's rest went into the next period as its carry-over,
    # and the period's quotas and credits no longer change.
    abgeschlossen_am: Mapped[datetime | None] = mapped_column(UtcDateTime)
    abgeschlossen_von: Mapped[str | None] = mapped_column(String(200))

    landkreis: Mapped[Landkreis] = relationship(back_populates="verteilzeitraeume")
    quoten: Mapped[list[Aufnahmequote]] = relationship(
        back_populates="verteilzeitraum", cascade="all, delete-orphan"
    )

    def enthaelt(self, tag: date) -> bool:
        """Whether the day lies within this period."""
        return self.beginn <= tag and (self.ende is None or tag <= self.ende)

    def __str__(self) -> str:
        return self.name


class Aufnahmequote(Base):
    """The number of persons a Kommune has to take in during one Verteilzeitraum."""

    __tablename__ = "aufnahmequoten"
    __table_args__ = (
        UniqueConstraint("kommune_id", "verteilzeitraum_id"),
        CheckConstraint("wert >= 0", name="wert_nicht_negativ"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"), index=True)
    verteilzeitraum_id: Mapped[int] = mapped_column(ForeignKey("verteilzeitraeume.id"), index=True)
    wert: Mapped[int]
    # Set by hand (form, import) rather than applied from the calculation.
    manuell: Mapped[bool] = mapped_column(default=True, server_default=true())

    kommune: Mapped[Kommune] = relationship(back_populates="quoten")
    verteilzeitraum: Mapped[Verteilzeitraum] = relationship(back_populates="quoten")

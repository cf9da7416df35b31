"""Meldung: the current report of one Kommune, and the figure columns it shares with its history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime
from wrm.meldefelder import ZAHLENNAMEN, Lage

if TYPE_CHECKING:
    from wrm.models.benutzer import Benutzer
    from wrm.models.kommune import Kommune

LAGE_TYP = Enum(Lage, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Meldungsfelder:
    """The reported figures (1)–(4), (6)–(11), lage and bemerkung; empty means not reported."""

    zuweisungen: Mapped[int | None]
    ankuenfte: Mapped[int | None]
    keine_quotenanrechnung: Mapped[int | None]
    moegliche_quotenanrechnung: Mapped[int | None]
    in_gemeinschaftsunterkuenften: Mapped[int | None]
    dezentral_untergebracht: Mapped[int | None]
    verfuegbar_gemeinschaftsunterkunft: Mapped[int | None]
    verfuegbar_dezentral: Mapped[int | None]
    in_aussicht_gemeinschaftsunterkunft: Mapped[int | None]
    in_aussicht_dezentral: Mapped[int | None]
    lage: Mapped[Lage] = mapped_column(LAGE_TYP)
    bemerkung: Mapped[str | None] = mapped_column(Text)

    def werte(self) -> dict[str, object]:
        """The reported values by column name, lage as its word."""
        werte: dict[str, object] = {name: getattr(self, name) for name in ZAHLENNAMEN}
        werte["lage"] = None if self.lage is None else Lage(self.lage).value
        werte["bemerkung"] = self.bemerkung
        return werte


class Meldung(Meldungsfelder, Base):
    """The current report of one Kommune; every change is kept as a `Verlaufseintrag`."""

    __tablename__ = "meldungen"

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"), unique=True)
    # When the figures were last changed or confirmed as still current.
    stand: Mapped[datetime] = mapped_column(UtcDateTime)
    gemeldet_von_id: Mapped[int | None] = mapped_column(
        ForeignKey("benutzer.id", ondelete="SET NULL")
    )
    gemeldet_von_name: Mapped[str | None] = mapped_column(String(200))
    # Optimistic locking: SQLAlchemy adds "AND version = :old" to every UPDATE.
    version: Mapped[int] = mapped_column()

    kommune: Mapped[Kommune] = relationship(back_populates="meldung")
    gemeldet_von: Mapped[Benutzer | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

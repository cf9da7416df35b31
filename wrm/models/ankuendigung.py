"""Ankuendigung: persons the state announced it will allocate to a Kommune in an ISO week."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime

if TYPE_CHECKING:
    from wrm.models.kommune import Kommune


class Ankuendigung(Base):
    """One announcement. Entries are only added: the latest for a Kommune and week counts, so
    a corrected announcement keeps the earlier one (and a past Stichtag sees what was known)."""

    __tablename__ = "ankuendigungen"
    __table_args__ = (
        Index("ix_ankuendigungen_kommune_woche_eingetragen", "kommune_id", "woche",
              "eingetragen_am"),
        CheckConstraint("personen >= 0", name="personen_nicht_negativ"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"))
    woche: Mapped[date] = mapped_column(Date)  # the Monday of the ISO week
    personen: Mapped[int]
    eingetragen_am: Mapped[datetime] = mapped_column(UtcDateTime)
    eingetragen_von: Mapped[str | None] = mapped_column(String(200))
    # Where it came from: "Import ankuendigungen.csv, Zeile 4", "Eingabe".
    herkunft: Mapped[str | None] = mapped_column(String(300))

    kommune: Mapped[Kommune] = relationship()

"""Buchung: one entry of a Kommune's quota ledger in a period (a credit or a correction)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime

if TYPE_CHECKING:
    from wrm.models.kommune import Kommune


class Buchungsart(enum.StrEnum):
    """What an entry credits. The reports' (1) Zuweisungen count by themselves and are not
    booked again."""

    ANRECHNUNG = "anrechnung"  # confirmed by the county from (4), e.g. newborns
    VEREINBARUNG = "vereinbarung"  # a help agreement credited to the host (`aufnehmend`)
    KORREKTUR = "korrektur"


class Buchung(Base):
    """Persons (±) credited to a Kommune's quota in a period; confirmed when entered, never
    changed or deleted (a mistake is corrected by a `korrektur`)."""

    __tablename__ = "buchungen"
    # "The Kommune's credits in its period up to a moment" is one index range.
    __table_args__ = (Index("ix_buchungen_zeitraum_kommune_eingetragen",
                            "verteilzeitraum_id", "kommune_id", "eingetragen_am"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"))
    verteilzeitraum_id: Mapped[int] = mapped_column(ForeignKey("verteilzeitraeume.id"))
    datum: Mapped[date] = mapped_column(Date)  # the day the credit refers to
    personen: Mapped[int]
    art: Mapped[Buchungsart] = mapped_column(Enum(
        Buchungsart, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]))
    quelle: Mapped[str] = mapped_column(Text)  # why, in words: "Geburt", "Vereinbarung 12"
    vereinbarung_id: Mapped[int | None] = mapped_column(ForeignKey("vereinbarungen.id"))
    eingetragen_am: Mapped[datetime] = mapped_column(UtcDateTime)
    eingetragen_von: Mapped[str | None] = mapped_column(String(200))

    kommune: Mapped[Kommune] = relationship()

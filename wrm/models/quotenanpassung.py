"""Quotenanpassung: carry-over and relief of a Kommune's quota in a period, kept as entries."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime

if TYPE_CHECKING:
    from wrm.models.kommune import Kommune


class Anpassungsart(enum.StrEnum):
    """Which term of `quote = grundquote + uebertrag − entlastung` an entry sets."""

    UEBERTRAG = "uebertrag"  # the rest of the previous period (negative: over-fulfilled)
    ENTLASTUNG = "entlastung"  # relief set by the county, e.g. a state facility in the Kommune


class Quotenanpassung(Base):
    """One setting of a Kommune's carry-over or relief in a period. Entries are only added:
    the value in force is the latest of its kind, so every earlier one (and who set it, and
    why) stays, and a form that saw an older entry is refused instead of overwriting."""

    __tablename__ = "quotenanpassungen"
    __table_args__ = (
        Index("ix_quotenanpassungen_zeitraum_kommune_eingetragen",
              "verteilzeitraum_id", "kommune_id", "eingetragen_am", "id"),
        # Each entry replaces exactly one (0: none): two writers who saw the same entry cannot
        # both add theirs, whatever the database's isolation; the second gets a conflict.
        UniqueConstraint("kommune_id", "verteilzeitraum_id", "art", "vorgaenger_id",
                         name="uq_quotenanpassungen_vorgaenger"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"))
    verteilzeitraum_id: Mapped[int] = mapped_column(ForeignKey("verteilzeitraeume.id"))
    art: Mapped[Anpassungsart] = mapped_column(Enum(
        Anpassungsart, native_enum=False, length=20,
        values_callable=lambda e: [m.value for m in e]))
    personen: Mapped[int]
    grund: Mapped[str] = mapped_column(Text)
    vorgaenger_id: Mapped[int] = mapped_column(default=0)  # the entry this one replaces
    # Set by closing the previous period (the computed rest) rather than decided by the county.
    automatisch: Mapped[bool] = mapped_column(default=False)
    eingetragen_am: Mapped[datetime] = mapped_column(UtcDateTime)
    eingetragen_von: Mapped[str | None] = mapped_column(String(200))

    kommune: Mapped[Kommune] = relationship()

"""The immutable history: every saved or confirmed report, and every quota change.

A `Verlaufseintrag` holds the complete figures after the change, so the report as it stood at
the end of any day is the latest entry before that moment: one indexed lookup per Kommune.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime
from wrm.models.datenstand import verlaufseintrag_angelegt
from wrm.models.meldung import Meldungsfelder

if TYPE_CHECKING:
    from wrm.models.benutzer import Benutzer
    from wrm.models.kommune import Kommune

#: Kinds of history entries.
VORGANG_GEAENDERT = "geaendert"
VORGANG_BESTAETIGT = "bestaetigt"
VORGANG_IMPORT = "import"
#: (6)–(11) written because the Kommune's accommodation list changed.
VORGANG_UNTERKUENFTE = "unterkuenfte"
#: The Kommune switched where (6)–(11) come from (`Kommune.meldequelle`).
VORGANG_QUELLE = "quelle"


class Verlaufseintrag(Meldungsfelder, Base):
    """One save of a Meldung: who, when, the figures after it, and each field's old → new."""

    __tablename__ = "verlaufseintraege"
    # "Latest entry before the end of day t per Kommune" is one index seek per Kommune.
    __table_args__ = (
        Index("ix_verlaufseintraege_kommune_zeitpunkt", "kommune_id", "zeitpunkt", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"))
    zeitpunkt: Mapped[datetime] = mapped_column(UtcDateTime)
    # The name is kept as written at the time, so renaming or deleting a user loses nothing.
    benutzer_id: Mapped[int | None] = mapped_column(ForeignKey("benutzer.id", ondelete="SET NULL"))
    benutzer_name: Mapped[str | None] = mapped_column(String(200))
    vorgang: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    # {"feld": [alt, neu], ...}; empty for a confirmation without changes.
    aenderungen: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    kommune: Mapped[Kommune] = relationship()
    benutzer: Mapped[Benutzer | None] = relationship()


@event.listens_for(Verlaufseintrag, "after_insert")
def _angelegt(mapper: Any, verbindung: Any, eintrag: Verlaufseintrag) -> None:
    verlaufseintrag_angelegt(eintrag)


class Quotenaenderung(Base):
    """One change of a Kommune's Aufnahmequote in a Verteilzeitraum (wert None: quota removed)."""

    __tablename__ = "quotenaenderungen"
    __table_args__ = (
        Index("ix_quotenaenderungen_zeitraum_kommune_zeitpunkt",
              "verteilzeitraum_id", "kommune_id", "zeitpunkt", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"))
    verteilzeitraum_id: Mapped[int] = mapped_column(ForeignKey("verteilzeitraeume.id"))
    zeitpunkt: Mapped[datetime] = mapped_column(UtcDateTime)
    alt: Mapped[int | None]
    wert: Mapped[int | None]
    benutzer_id: Mapped[int | None] = mapped_column(ForeignKey("benutzer.id", ondelete="SET NULL"))
    benutzer_name: Mapped[str | None] = mapped_column(String(200))

    benutzer: Mapped[Benutzer | None] = relationship()

"""Help between Kommunen: a request for help (Hilfeersuchen) and the agreements (Vereinbarung)
that answer it, with their immutable history (Vereinbarungsereignis)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime

if TYPE_CHECKING:
    from wrm.models.kommune import Kommune


def _enum(art: type[enum.Enum]) -> Enum:
    return Enum(art, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])


class Ersuchensstatus(enum.StrEnum):
    """Where a request for help stands."""

    OFFEN = "offen"
    ERLEDIGT = "erledigt"
    ZURUECKGEZOGEN = "zurueckgezogen"


class Vereinbarungsstatus(enum.StrEnum):
    """Where an agreement stands; the allowed steps are in `wrm.services.vereinbarungen`."""

    ANGEFRAGT = "angefragt"
    ZUGESAGT = "zugesagt"
    ABGELEHNT = "abgelehnt"
    BELEGT = "belegt"
    BEENDET = "beendet"
    ZURUECKGEZOGEN = "zurueckgezogen"


class Platzart(enum.StrEnum):
    """The kind of places the host offers."""

    GEMEINSCHAFTSUNTERKUNFT = "gemeinschaftsunterkunft"
    DEZENTRAL = "dezentral"


class Seite(enum.StrEnum):
    """One of the two Kommunen of an agreement: the one the persons are allocated to
    (zuweisend) or the one that houses them (aufnehmend)."""

    ZUWEISEND = "zuweisend"
    AUFNEHMEND = "aufnehmend"


class Hilfeersuchen(Base):
    """A Kommune asks the county for places elsewhere: how many persons, needed by when."""

    __tablename__ = "hilfeersuchen"

    id: Mapped[int] = mapped_column(primary_key=True)
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"), index=True)
    personen: Mapped[int]
    benoetigt_bis: Mapped[date | None] = mapped_column(Date)
    bemerkung: Mapped[str | None] = mapped_column(Text)
    status: Mapped[Ersuchensstatus] = mapped_column(_enum(Ersuchensstatus))
    angelegt_am: Mapped[datetime] = mapped_column(UtcDateTime)
    angelegt_von: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column()

    kommune: Mapped[Kommune] = relationship()
    vereinbarungen: Mapped[list[Vereinbarung]] = relationship(back_populates="hilfeersuchen")

    __mapper_args__ = {"version_id_col": version}


class Vereinbarung(Base):
    """Persons allocated to one Kommune (zuweisend) housed by another (aufnehmend)."""

    __tablename__ = "vereinbarungen"

    id: Mapped[int] = mapped_column(primary_key=True)
    hilfeersuchen_id: Mapped[int | None] = mapped_column(ForeignKey("hilfeersuchen.id"),
                                                         index=True)
    zuweisend_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"), index=True)
    aufnehmend_id: Mapped[int] = mapped_column(ForeignKey("kommunen.id"), index=True)
    personen: Mapped[int]
    platzart: Mapped[Platzart] = mapped_column(_enum(Platzart))
    von: Mapped[date] = mapped_column(Date)
    bis: Mapped[date | None] = mapped_column(Date)
    # On whose quota the persons count: zuweisend = temporary housing (paper's (b)),
    # aufnehmend = the state changes the allocation (paper's (a)).
    anrechnung: Mapped[Seite] = mapped_column(_enum(Seite))
    leistungen_durch: Mapped[Seite] = mapped_column(_enum(Seite))  # AsylbLG benefits
    kita_schule_durch: Mapped[Seite] = mapped_column(_enum(Seite))
    bemerkung: Mapped[str | None] = mapped_column(Text)
    status: Mapped[Vereinbarungsstatus] = mapped_column(_enum(Vereinbarungsstatus))
    grund: Mapped[str | None] = mapped_column(Text)  # why it was declined or withdrawn
    # Persons above the host's free places when it was asked or promised, confirmed then
    # (None: within its places).
    ueberbelegung: Mapped[int | None]
    belegt_am: Mapped[date | None] = mapped_column(Date)
    beendet_am: Mapped[date | None] = mapped_column(Date)
    # When each side marked the agreement as included in its own report (None: not yet).
    zuweisend_beruecksichtigt_am: Mapped[datetime | None] = mapped_column(UtcDateTime)
    aufnehmend_beruecksichtigt_am: Mapped[datetime | None] = mapped_column(UtcDateTime)
    angelegt_am: Mapped[datetime] = mapped_column(UtcDateTime)
    angelegt_von: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column()

    hilfeersuchen: Mapped[Hilfeersuchen | None] = relationship(back_populates="vereinbarungen")
    zuweisend: Mapped[Kommune] = relationship(foreign_keys=[zuweisend_id])
    aufnehmend: Mapped[Kommune] = relationship(foreign_keys=[aufnehmend_id])
    ereignisse: Mapped[list[Vereinbarungsereignis]] = relationship(
        back_populates="vereinbarung", order_by="Vereinbarungsereignis.id")

    __mapper_args__ = {"version_id_col": version}


class Vereinbarungsereignis(Base):
    """One change of an agreement or a request: who, when, what (old → new), and the
    agreement's state after it, so its state at the end of any day is one lookup."""

    __tablename__ = "vereinbarungsereignisse"
    __table_args__ = (
        Index("ix_vereinbarungsereignisse_vereinbarung_zeitpunkt",
              "vereinbarung_id", "zeitpunkt", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vereinbarung_id: Mapped[int | None] = mapped_column(ForeignKey("vereinbarungen.id"))
    hilfeersuchen_id: Mapped[int | None] = mapped_column(ForeignKey("hilfeersuchen.id"),
                                                         index=True)
    zeitpunkt: Mapped[datetime] = mapped_column(UtcDateTime)
    benutzer_name: Mapped[str | None] = mapped_column(String(200))
    # What happened, e.g. "angelegt", "status", "beruecksichtigt"; `alt`/`neu` as text.
    vorgang: Mapped[str] = mapped_column(String(30))
    alt: Mapped[str | None] = mapped_column(String(200))
    neu: Mapped[str | None] = mapped_column(String(200))
    grund: Mapped[str | None] = mapped_column(Text)
    # The agreement after this change (None for a request's events).
    status: Mapped[str | None] = mapped_column(String(20))
    personen: Mapped[int | None]
    zuweisend_beruecksichtigt: Mapped[bool | None]
    aufnehmend_beruecksichtigt: Mapped[bool | None]

    vereinbarung: Mapped[Vereinbarung | None] = relationship(back_populates="ereignisse")

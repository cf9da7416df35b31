"""Landkreis: the county that coordinates its Kommunen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base

if TYPE_CHECKING:
    from wrm.models.kommune import Kommune
    from wrm.models.verteilzeitraum import Verteilzeitraum

class Landkreis(Base):
    """A county; one installation may serve several, each with its own Kommunen and periods."""

    __tablename__ = "landkreise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Days after which a report counts as overdue; empty: WRM_MELDEFRIST_TAGE.
    meldefrist_tage: Mapped[int | None]

    kommunen: Mapped[list[Kommune]] = relationship(back_populates="landkreis")
    verteilzeitraeume: Mapped[list[Verteilzeitraum]] = relationship(back_populates="landkreis")

    def __str__(self) -> str:
        return self.name

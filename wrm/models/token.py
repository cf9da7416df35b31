"""Token: a bearer credential for scripts using the GraphQL API; only its hash is stored."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime, jetzt

if TYPE_CHECKING:
    from wrm.models.benutzer import Benutzer


class Token(Base):
    """An API token of one user; acts with that user's role and Kommune."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    benutzer_id: Mapped[int] = mapped_column(ForeignKey("benutzer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the token: tokens are 256 random bits, so a fast hash is safe and lets every
    # request find its token by index instead of trying a slow hash per stored token.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    angelegt_am: Mapped[datetime] = mapped_column(UtcDateTime, default=jetzt)
    widerrufen_am: Mapped[datetime | None] = mapped_column(UtcDateTime)
    zuletzt_benutzt: Mapped[datetime | None] = mapped_column(UtcDateTime)

    benutzer: Mapped[Benutzer] = relationship()

    @property
    def gueltig(self) -> bool:
        """Not revoked, and its user is active."""
        return self.widerrufen_am is None and self.benutzer.aktiv

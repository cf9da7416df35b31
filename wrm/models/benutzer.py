"""Benutzer: a person who logs in, with one of three roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wrm.db import Base, UtcDateTime, jetzt

if TYPE_CHECKING:
    from wrm.models.kommune import Kommune
    from wrm.models.landkreis import Landkreis


class Rolle(enum.StrEnum):
    """What a user may do; see `wrm.berechtigungen`."""

    LANDKREIS = "landkreis"
    KOMMUNE = "kommune"
    PRESSE = "presse"


def neue_sitzungskennung() -> str:
    """A fresh random value; changing it logs the user out everywhere."""
    return secrets.token_urlsafe(24)


class Benutzer(Base):
    """A login of the county, of one Kommune, or of the press office."""

    __tablename__ = "benutzer"
    __table_args__ = (
        # A kommune user is bound to exactly one Kommune; the other roles to none.
        CheckConstraint(
            "(rolle = 'kommune') = (kommune_id IS NOT NULL)", name="kommune_genau_bei_rolle_kommune"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    passwort_hash: Mapped[str] = mapped_column(String(200))
    rolle: Mapped[Rolle] = mapped_column(
        Enum(Rolle, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    landkreis_id: Mapped[int] = mapped_column(ForeignKey("landkreise.id"), index=True)
    kommune_id: Mapped[int | None] = mapped_column(ForeignKey("kommunen.id"), index=True)
    aktiv: Mapped[bool] = mapped_column(default=True)
    sitzungskennung: Mapped[str] = mapped_column(String(64), default=neue_sitzungskennung)
    angelegt_am: Mapped[datetime] = mapped_column(UtcDateTime, default=jetzt)

    landkreis: Mapped[Landkreis] = relationship()
    kommune: Mapped[Kommune | None] = relationship()

    # The interface Flask-Login expects, written out so the model does not depend on Flask.
    @property
    def is_active(self) -> bool:
        """Deactivated users cannot log in, and their open sessions end."""
        return self.aktiv

    @property
    def is_authenticated(self) -> bool:
        """A loaded user is always authenticated."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """A loaded user is never anonymous."""
        return False

    def get_id(self) -> str:
        """The session identifier: changes when the password changes, ending other sessions."""
        return self.sitzungskennung

    def __str__(self) -> str:
        return self.name

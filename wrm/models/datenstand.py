"""Datenstand: one counter that every write bumps in its own transaction.

Caches key their entries by it: a read after a write, in any worker, sees a new number and so
never an old answer.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from wrm.db import Base

_ERHOEHT = "wrm_datenstand_erhoeht"


class Datenstand(Base):
    """The single row (id 1) holding the data version."""

    __tablename__ = "datenstand"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


_VERSION = select(Datenstand.__table__.c.version).where(Datenstand.__table__.c.id == 1)


def datenstand(session: Session) -> int:
    """The current data version (0 before the first write); a plain Core query, read per request."""
    return session.connection().execute(_VERSION).scalar() or 0


def datenstand_erhoehen(session: Session) -> None:
    """Bump the version inside the caller's transaction (for writes that bypass the ORM)."""
    if session.info.get(_ERHOEHT):
        return
    session.info[_ERHOEHT] = True
    ergebnis = session.execute(
        update(Datenstand).where(Datenstand.id == 1).values(version=Datenstand.version + 1))
    if ergebnis.rowcount == 0:  # type: ignore[attr-defined]  # a database made by create_all
        session.execute(insert(Datenstand).values(id=1, version=1))


def _zaehlt(objekt: Any) -> bool:
    # Last-use stamps of API tokens are bookkeeping, not data anybody reads; issuing or revoking
    # a token counts, because cached logins are keyed by the version too.
    from wrm.models.token import Token

    if isinstance(objekt, Datenstand):
        return False
    if isinstance(objekt, Token) and objekt.id is not None:
        zustand = inspect(objekt)
        return any(zustand.attrs[spalte.key].history.has_changes()
                   for spalte in zustand.mapper.column_attrs if spalte.key != "zuletzt_benutzt")
    return True


@event.listens_for(Session, "before_flush")
def _vor_dem_schreiben(session: Session, kontext: Any, objekte: Any) -> None:
    if any(_zaehlt(o) for o in chain(session.new, session.dirty, session.deleted)):
        datenstand_erhoehen(session)


@event.listens_for(Session, "do_orm_execute")
def _bei_massenschreiben(zustand: Any) -> None:
    # Bulk INSERT/UPDATE/DELETE statements (imports) bypass the flush; they count as well.
    if not (zustand.is_insert or zustand.is_update or zustand.is_delete):
        return
    from wrm.models.token import Token

    ziel = zustand.bind_mapper.class_ if zustand.bind_mapper is not None else None
    if ziel is not None and ziel not in (Datenstand, Token):
        datenstand_erhoehen(zustand.session)


@event.listens_for(Session, "after_transaction_end")
def _nach_der_transaktion(session: Session, transaktion: Any) -> None:
    if transaktion.parent is None:
        session.info.pop(_ERHOEHT, None)

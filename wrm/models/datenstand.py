"""Datenstand: one number that every write changes in its own transaction.

Caches key their entries by it: a read after a write, in any worker, sees a new number and so
never an old answer. The number never repeats, even after a backup is restored in place: a
write sets it to the current time in microseconds (or one more than before, if that is
larger), so a write after a restore gets a number no earlier write had; the cached answers of
the restored number itself were computed from exactly the restored data.
"""

from __future__ import annotations

import time
from itertools import chain
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    case,
    delete,
    event,
    insert,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session, scoped_session

from wrm.db import Base

_ERHOEHT = "wrm_datenstand_erhoeht"
_FAELLIG = "wrm_datenstand_faellig"
_PROTOKOLL = "wrm_aenderungsprotokoll_faellig"
_NEUE_EINTRAEGE = "wrm_neue_verlaufseintraege"
_VERLAUF_GEAENDERT = "wrm_verlauf_geaendert"
#: How long change-log rows are kept (in µs, the unit of versions); a worker whose history in
#: memory is older than that loads it anew. The first write of each hour removes older rows.
PROTOKOLL_AUFBEWAHRUNG_US = 24 * 3600 * 1_000_000
_STUNDE_US = 3600 * 1_000_000
_OHNE_TRANSAKTION = "wrm_ohne_transaktion"
_GESPERRT = "wrm_schreibsperre"


class Datenstand(Base):
    """The single row (id 1) holding the data version."""

    __tablename__ = "datenstand"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # The version before the last write: that write's change-log row names it, so a reader can
    # tell an unbroken chain of writes from a gap (a restore, pruned rows).
    vorher: Mapped[int | None] = mapped_column(BigInteger)


class Aenderungsprotokoll(Base):
    """One row per write, in commit order (versions follow the order in which the version row's
    lock was taken, and it is held to the commit): which history entries the write added, so
    a worker that keeps the history in memory (`wrm.services.verlaufsspeicher`) loads only
    those. `verlaufseintraege` None: the write may have changed the history in any other way
    (a bulk import, an update or delete), and a reader loads it anew."""

    __tablename__ = "aenderungsprotokoll"

    version: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    vorher: Mapped[int | None] = mapped_column(BigInteger)
    verlaufseintraege: Mapped[list[int] | None] = mapped_column(JSON)


_VERSION = select(Datenstand.__table__.c.version).where(Datenstand.__table__.c.id == 1)


def datenstand(session: Session) -> int:
    """The current data version (0 before the first write); a plain Core query, read per request."""
    return session.connection().execute(_VERSION).scalar() or 0


def _sitzung(session: Session | scoped_session[Session]) -> Session:
    return session() if isinstance(session, scoped_session) else session


def ohne_transaktion_lesen(session: Session | scoped_session[Session]) -> None:
    """Let the session's reads run without a transaction from now on: on a connection in
    autocommit mode, so a read costs its own round trip only, not BEGIN and ROLLBACK too (a
    cached GraphQL answer in process: 1.1 → 0.8 ms, 08.12.2026). Each statement then sees what is
    committed when it runs, as each statement of a READ COMMITTED transaction does anyway.
    Call `mit_transaktion` before writing. Nothing happens for a session that already began
    or is bound to an outer connection (the test suite binds it into one)."""
    sitzung = _sitzung(session)
    if sitzung.bind is not None or sitzung.in_transaction():
        return
    sitzung.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    sitzung.info[_OHNE_TRANSAKTION] = True


def mit_transaktion(session: Session | scoped_session[Session]) -> None:
    """End reading without a transaction (`ohne_transaktion_lesen`), so that the writes that
    follow are one transaction again, committed or rolled back as a whole."""
    sitzung = _sitzung(session)
    if sitzung.info.pop(_OHNE_TRANSAKTION, False):
        sitzung.commit()  # ends the autocommit connection's use; the next one begins anew


def datenstand_erhoehen(session: Session) -> None:
    """Give the data a new version inside the caller's transaction, now; at most once per
    transaction. Ordinary writes only mark it due (`_faellig`) and bump it just before their
    commit, so the row lock is held for the commit alone, not for the whole write."""
    if session.info.get(_ERHOEHT):
        return
    session.info[_ERHOEHT] = session.info[_PROTOKOLL] = True
    jetzt_us = time.time_ns() // 1000
    naechste = Datenstand.version + 1
    # Both right-hand sides read the row as it was: `vorher` gets the old version.
    ergebnis = session.execute(update(Datenstand).where(Datenstand.id == 1).values(
        vorher=Datenstand.version,
        version=case((naechste > jetzt_us, naechste), else_=jetzt_us)))
    if ergebnis.rowcount == 0:  # type: ignore[attr-defined]  # a database made by create_all
        session.execute(insert(Datenstand).values(id=1, version=jetzt_us))


def _protokollieren(session: Session) -> None:
    """The change-log row of this transaction's write (`Aenderungsprotokoll`), written after
    the last flush, under the version row's lock, so the ids of every history entry it added
    are known."""
    neue = None if session.info.get(_VERLAUF_GEAENDERT) else sorted(
        set(session.info.get(_NEUE_EINTRAEGE, ())))
    version, vorher = session.execute(insert(Aenderungsprotokoll).from_select(
        ["version", "vorher", "verlaufseintraege"],
        select(Datenstand.version, Datenstand.vorher,
               literal(neue, Aenderungsprotokoll.verlaufseintraege.type))
        .where(Datenstand.id == 1)).returning(Aenderungsprotokoll.version,
                                              Aenderungsprotokoll.vorher)).one()
    if vorher is None or version // _STUNDE_US != vorher // _STUNDE_US:
        session.execute(delete(Aenderungsprotokoll).where(
            Aenderungsprotokoll.version < version - PROTOKOLL_AUFBEWAHRUNG_US))


def schreibsperre(session: Session) -> None:
    """Take the write lock before a write that reads, decides and writes (applying quotas,
    closing a period, booking, an agreement's step, a new period): what the caller reads after
    this call is what it writes from, because no other write can commit until the caller ends
    its transaction.

    The lock is the data version's row, which every write updates just before its commit:
    PostgreSQL holds that row lock to the end of the transaction, SQLite its write lock. Taking
    it first turns "read, then write" into one step; a second writer of this kind waits here
    and then reads the first one's result, and an ordinary write waits at its commit. (Ordinary
    writes of the same rows are kept apart by their version columns, as before.) Objects loaded
    before are expired, so they are read again under the lock. At most once per transaction.
    """
    if session.info.get(_GESPERRT):
        return
    session.flush()
    datenstand_erhoehen(session)
    session.info[_GESPERRT] = True
    session.expire_all()


def _buchhaltung() -> dict[type, str]:
    """Columns whose change alone is bookkeeping that no cached answer depends on: the last use
    of an API token, and the session identifier a logout replaces. Issuing or revoking a token
    and deactivating a user count, because cached logins are keyed by the version too."""
    from wrm.models.benutzer import Benutzer
    from wrm.models.token import Token

    return {Token: "zuletzt_benutzt", Benutzer: "sitzungskennung"}


def _zaehlt(objekt: Any) -> bool:
    from wrm.models.benachrichtigung import Benachrichtigung

    # The outbox is read by no screen and no API field: its writes change no answer.
    if isinstance(objekt, Datenstand | Benachrichtigung):
        return False
    buchhaltung = _buchhaltung().get(type(objekt))
    zustand = inspect(objekt)
    if buchhaltung is not None and zustand.persistent:
        return any(zustand.attrs[spalte.key].history.has_changes()
                   for spalte in zustand.mapper.column_attrs if spalte.key != buchhaltung)
    return True


def _faellig(session: Session) -> None:
    session.info[_FAELLIG] = True


@event.listens_for(Session, "before_flush")
def _vor_dem_schreiben(session: Session, kontext: Any, objekte: Any) -> None:
    if session.deleted or any(_zaehlt(o) for o in chain(session.new, session.dirty)):
        _faellig(session)
    from wrm.models.kommune import Kommune
    from wrm.models.verlauf import Verlaufseintrag

    # A history entry changed or deleted, or a Kommune deleted (SQLite may give its id to a
    # new one): a reader loads the history anew instead of adding entries.
    if any(isinstance(o, Verlaufseintrag | Kommune) for o in session.deleted) or any(
            isinstance(o, Verlaufseintrag) and session.is_modified(o) for o in session.dirty):
        session.info[_VERLAUF_GEAENDERT] = True


def verlaufseintrag_angelegt(eintrag: Any) -> None:
    """Note a history entry just inserted, for its transaction's change-log row (called by
    the entry's own insert event, `wrm.models.verlauf`)."""
    sitzung = object_session(eintrag)
    if sitzung is not None:
        sitzung.info.setdefault(_NEUE_EINTRAEGE, []).append(eintrag.id)


@event.listens_for(Session, "before_commit")
def _vor_dem_commit(session: Session) -> None:
    # Every write of the transaction is flushed first (what is still pending would otherwise be
    # flushed after this hook); then the version, whose row lock parallel writers of other
    # Kommunen wait for, only for the commit itself (measured: `write_scaling_16`).
    session.flush()
    if session.info.pop(_FAELLIG, False):
        datenstand_erhoehen(session)
    if session.info.pop(_PROTOKOLL, False):
        _protokollieren(session)


@event.listens_for(Session, "do_orm_execute")
def _bei_massenschreiben(zustand: Any) -> None:
    # Bulk INSERT/UPDATE/DELETE statements (imports) bypass the flush; they count as well.
    if not (zustand.is_insert or zustand.is_update or zustand.is_delete):
        return
    from wrm.models.kommune import Kommune
    from wrm.models.token import Token
    from wrm.models.verlauf import Verlaufseintrag

    ziel = zustand.bind_mapper.class_ if zustand.bind_mapper is not None else None
    if ziel is not None and ziel not in (Datenstand, Aenderungsprotokoll, Token):
        _faellig(zustand.session)
    if ziel is Verlaufseintrag or (ziel is Kommune and zustand.is_delete):
        zustand.session.info[_VERLAUF_GEAENDERT] = True


@event.listens_for(Session, "after_transaction_end")
def _nach_der_transaktion(session: Session, transaktion: Any) -> None:
    if transaktion.parent is None:
        session.info.pop(_ERHOEHT, None)
        session.info.pop(_GESPERRT, None)
        session.info.pop(_FAELLIG, None)
        session.info.pop(_PROTOKOLL, None)
        session.info.pop(_NEUE_EINTRAEGE, None)
        session.info.pop(_VERLAUF_GEAENDERT, None)

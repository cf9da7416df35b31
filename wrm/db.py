"""The SQLAlchemy handle: declarative base, the Flask-SQLAlchemy extension, shared column types."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so that Alembic migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all WRM models; plain SQLAlchemy, no Flask involved."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and returned as an aware UTC datetime.

    SQLite has no time zones and PostgreSQL's `timestamptz` converts on the way out; storing naive
    UTC on both keeps comparisons ("latest entry before the end of that day") identical everywhere.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; WRM stores only aware timestamps")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def jetzt() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class Sitzung(Session):
    """Flask-SQLAlchemy's session (subclassed as its documentation describes), which also
    honours a connection the session factory was bound to.

    Flask-SQLAlchemy chooses the engine by the tables' metadata and ignores such a bind; the
    test suite binds the sessions to one connection in an outer transaction (SQLAlchemy's
    "joining a session into an external transaction"), so that each test is rolled back. The
    application binds nothing and gets Flask-SQLAlchemy's choice.
    """

    def get_bind(self, mapper: Any | None = None, clause: Any | None = None,
                 bind: Any | None = None, **kwargs: Any) -> Any:
        """The bound connection if there is one, else Flask-SQLAlchemy's engine."""
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


# The models are plain declarative classes on `Base`; Flask-SQLAlchemy only supplies the
# request-scoped session, the engine from the app config, and the metadata for Flask-Migrate.
db = SQLAlchemy(metadata=Base.metadata, session_options={"class_": Sitzung})


_NUR_LESEN = "wrm_sqlite_nur_lesen"


@event.listens_for(Engine, "connect")
def _sqlite_einstellen(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, and let several gunicorn workers write without failing.

    WAL is a property of the file, set once; setting it on every connection would be a write,
    and on a read-only database that would stop reads too. A connection opened while the file
    was read-only stays read-only; it is noted, so that it is replaced once the file is
    writable again (`_sqlite_wieder_schreibbar`).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        datei = dbapi_connection.execute("PRAGMA database_list").fetchone()[2]
        if datei and not os.access(datei, os.W_OK):
            connection_record.info[_NUR_LESEN] = datei
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
            # Read-only or busy: WAL is only faster, the database works without it.
            with contextlib.suppress(sqlite3.OperationalError):
                cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "checkout")
def _sqlite_wieder_schreibbar(dbapi_connection: Any, connection_record: Any,
                              connection_proxy: Any) -> None:
    """Replace a connection opened on a read-only SQLite file once the file is writable again,
    so that the server recovers by itself (the pool opens a new one on DisconnectionError)."""
    datei = connection_record.info.get(_NUR_LESEN)
    if datei is not None and os.access(datei, os.W_OK):
        raise DisconnectionError("SQLite-Datei ist wieder beschreibbar")


#: A pooled server connection unused for longer than this is tested before it is handed out.
RUHE_S = 10.0
_ZULETZT = "wrm_zuletzt_benutzt"


@event.listens_for(Engine, "checkout")
def _nach_ruhe_pruefen(dbapi_connection: Any, connection_record: Any,
                       connection_proxy: Any) -> None:
    """Test a server connection that lay idle (SQLAlchemy's pessimistic disconnect handling with
    a custom ping, as its documentation shows), instead of `pool_pre_ping` on every checkout:
    that round trip cost 0.5–1 ms of a 1–6 ms GraphQL request (measured 08.12.2026). A server
    restarted while connections were idle is noticed here, before the request uses one; one
    restarted within the last seconds of use fails that request once (503), and SQLAlchemy then
    replaces the pool."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        return
    zuletzt = connection_record.info.get(_ZULETZT)
    if zuletzt is not None and time.monotonic() - zuletzt <= RUHE_S:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        # The ping must not leave a transaction open (psycopg begins one implicitly).
        dbapi_connection.rollback()
    except Exception as fehler:  # noqa: BLE001 - any failure means: use a new connection
        raise DisconnectionError(f"Verbindung nach Ruhe nicht mehr nutzbar: {fehler}") from None


@event.listens_for(Engine, "checkin")
def _benutzt(dbapi_connection: Any, connection_record: Any) -> None:
    if connection_record is not None:
        connection_record.info[_ZULETZT] = time.monotonic()

"""A snapshot of every table, to assert that a refused operation changed nothing."""

from __future__ import annotations

from sqlalchemy import select

from wrm.db import Base, db


def abzug() -> dict[str, list[tuple[object, ...]]]:
    """All rows of all tables, ordered, by table name."""
    db.session.expire_all()
    return {
        tabelle.name: sorted(
            (tuple(map(repr, zeile)) for zeile in db.session.execute(select(tabelle))), key=str)
        for tabelle in Base.metadata.sorted_tables
    }

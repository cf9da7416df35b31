"""A snapshot of every table, to assert that a refused operation changed nothing; and a count
of the SQL statements a block runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event, select

from wrm.db import Base, db


def abzug() -> dict[str, list[tuple[object, ...]]]:
    """All rows of all tables, ordered, by table name."""
    db.session.expire_all()
    return {
        tabelle.name: sorted(
            (tuple(map(repr, zeile)) for zeile in db.session.execute(select(tabelle))), key=str)
        for tabelle in Base.metadata.sorted_tables
    }


def unterschied(vorher: dict[str, list[tuple[object, ...]]],
                nachher: dict[str, list[tuple[object, ...]]]
                ) -> dict[str, tuple[list[dict[str, object]], list[dict[str, object]]]]:
    """Per table that changed: the rows gone and the rows new, as {column: repr}."""
    ergebnis = {}
    for tabelle in Base.metadata.sorted_tables:
        alt, neu = set(vorher[tabelle.name]), set(nachher[tabelle.name])
        if alt != neu:
            spalten = list(tabelle.columns.keys())
            ergebnis[tabelle.name] = ([dict(zip(spalten, z, strict=True)) for z in alt - neu],
                                      [dict(zip(spalten, z, strict=True)) for z in neu - alt])
    return ergebnis


def nur_die_meldung(vorher: dict[str, list[tuple[object, ...]]],
                    nachher: dict[str, list[tuple[object, ...]]], *, kommune_id: int,
                    neu: bool = False) -> None:
    """Assert that exactly one Kommune's report was saved and nothing else changed: its row in
    `meldungen` (new, or replaced), one new history entry of it, and the data version with its
    change-log row, which names that entry."""
    diff = unterschied(vorher, nachher)
    assert set(diff) == {"meldungen", "verlaufseintraege", "datenstand", "aenderungsprotokoll"
                         }, set(diff)
    weg, hinzu = diff["meldungen"]
    assert [z["kommune_id"] for z in hinzu] == [repr(kommune_id)]
    assert [z["kommune_id"] for z in weg] == ([] if neu else [repr(kommune_id)])
    weg, hinzu = diff["verlaufseintraege"]
    assert weg == [] and [z["kommune_id"] for z in hinzu] == [repr(kommune_id)]
    weg, protokoll = diff["aenderungsprotokoll"]
    assert weg == [] and [z["verlaufseintraege"] for z in protokoll] == [f"[{hinzu[0]['id']}]"]


@contextmanager
def abfragen_zaehlen(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the block."""
    gezaehlt: list[str] = []
    with app.app_context():
        motor = db.engine

    def zaehlen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        gezaehlt.append(statement)

    event.listen(motor, "before_cursor_execute", zaehlen)
    try:
        yield gezaehlt
    finally:
        event.remove(motor, "before_cursor_execute", zaehlen)

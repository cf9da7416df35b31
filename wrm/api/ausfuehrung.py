"""Executing an operation: graphql-core's executor, with a short path for plain leaf fields.

A press table of 1,080 Kommunen has 27,000 fields; graphql-core spends on each one a path
entry, an info object, an argument check and the dispatch of `complete_value`. Most of them
only read an attribute and serialise a number. Those take the short path here; everything
else, and any value the short path cannot serialise, goes the standard way, which also
reports the error.
"""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)

#: The short path does not apply; the standard execution answers.
_STANDARD = object()


def _blattwert(feld: GraphQLField | None, knoten: Any, quelle: Any) -> Any:
    """The serialised value of a plain leaf field, or `_STANDARD`.

    Plain means: Strawberry resolves the field by reading an attribute (no resolver, no
    permission class, no field extension: Strawberry marks those `_is_default`), it has no
    arguments, and it returns a scalar or an enum. Every role that may ask for the object may
    read such a field, so no check is skipped.
    """
    if feld is None or knoten.arguments or not getattr(feld.resolve, "_is_default", False):
        return _STANDARD
    typ = feld.type
    art = typ.of_type if isinstance(typ, GraphQLNonNull) else typ
    if not isinstance(art, GraphQLScalarType | GraphQLEnumType):
        return _STANDARD
    wert = feld.resolve(quelle, None)
    if wert is None:
        return None if typ is art else _STANDARD  # null for a non-null field is an error
    try:
        ergebnis = art.serialize(wert)
    except Exception:  # noqa: BLE001 - the standard path words the error
        return _STANDARD
    return _STANDARD if ergebnis is Undefined or ergebnis is None else ergebnis


class Ausfuehrung(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the short path for plain leaf fields."""

    @property
    def _umhuellt(self) -> bool:
        # Strawberry always passes a middleware manager; it holds the extensions that wrap
        # every resolver (none in WRM). With any of them the short path is off.
        verwalter = self.middleware_manager
        return bool(verwalter is not None and verwalter.middlewares)

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Any,
                       grouped_field_set: Any, position_context: Any) -> Any:
        """The object's plain leaf fields directly, the others through graphql-core; the
        answer keeps the order of the query."""
        if self._umhuellt:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set,
                                          position_context)
        felder = parent_type.fields
        direkt: dict[str, Any] = {}
        uebrige: dict[str, Any] = {}
        for name, details in grouped_field_set.items():
            knoten = details[0].node
            wert = _blattwert(felder.get(knoten.name.value), knoten, source_value)
            if wert is _STANDARD:
                uebrige[name] = details
            else:
                direkt[name] = wert
        if not uebrige:
            return direkt
        rest = super().execute_fields(parent_type, source_value, path, uebrige,
                                      position_context)

        def zusammen(ausgefuehrt: dict[str, Any]) -> dict[str, Any]:
            return {name: direkt[name] if name in direkt else ausgefuehrt[name]
                    for name in grouped_field_set if name in direkt or name in ausgefuehrt}

        if self.is_awaitable(rest):
            async def spaeter() -> dict[str, Any]:
                return zusammen(await rest)
            return spaeter()
        return zusammen(rest)

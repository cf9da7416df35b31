"""Executing an operation: graphql-core's executor, with a short path for plain fields.

A press table of 1,080 Kommunen has 27,000 fields; graphql-core spends on each one a path
entry, an info object, an argument check and the dispatch of `complete_value`. Most of them
only read an attribute and serialise a number. Those take the short path here; everything
else, and any value the short path cannot serialise, goes the standard way, which also
reports the error.

The short path is a mixin over the execution context Strawberry itself uses (`mit_kurzweg`,
applied in `wrm.api.schema`), and it only uses graphql-core's public executor methods and
Strawberry's public field definition (`is_basic_field`, `default_resolver`). Without it the
state-scale press table took 128–148 ms instead of 60 ms in process (profiled 08.12.2026), which
misses the target against PostGraphile. `tests/test_ausfuehrung.py` compares it with the
standard execution on random documents (Hypothesis) for every role.
"""

from __future__ import annotations

from functools import partial
from operator import attrgetter
from typing import Any

from graphql import (
    Executor,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)

#: The short path does not apply; the standard execution answers.
_STANDARD = object()

#: The largest and smallest GraphQL Int (32 bits, signed).
_INT_GRENZEN = (-(2**31), 2**31 - 1)


def _schlicht(feld: GraphQLField | None, knoten: Any) -> tuple[Any, Any, bool] | None:
    """(how to read it, the type, whether it is non-null) of a plain field, else None.

    Plain means: Strawberry itself resolves the field by reading an attribute, which it does
    only for a "basic field" (its public `is_basic_field`: no resolver and no extension, and a
    permission class is an extension), it has no arguments, and it returns a scalar, an enum
    or an object type without an `is_type_of` check (whose own fields are planned the same
    way). A field with a permission class therefore always goes the standard way, so no check
    is skipped. (WRM registers no field exception handler, which would wrap a basic field too.)
    """
    if feld is None or knoten.arguments:
        return None
    definition = (feld.extensions or {}).get("strawberry-definition")
    if not getattr(definition, "is_basic_field", False):
        return None
    typ = feld.type
    art = typ.of_type if isinstance(typ, GraphQLNonNull) else typ
    if isinstance(art, GraphQLObjectType) and art.is_type_of is None:
        return _leser(feld), art, typ is not art
    if not isinstance(art, GraphQLScalarType | GraphQLEnumType):
        return None
    return _leser(feld), art, typ is not art


def _leser(feld: GraphQLField) -> Any:
    """How the field's value is read: Strawberry's own resolver, or the attribute directly
    when that resolver would do nothing else (its default resolver is `getattr`)."""
    definition = (feld.extensions or {}).get("strawberry-definition")
    if getattr(definition, "default_resolver", None) is getattr and \
            isinstance(getattr(definition, "python_name", None), str):
        return attrgetter(definition.python_name)  # type: ignore[union-attr]
    return partial(_aufrufen, feld.resolve)


def _aufrufen(resolve: Any, quelle: Any) -> Any:
    return resolve(quelle, None)


def _blattwert(feld: GraphQLField | None, knoten: Any, quelle: Any) -> Any:
    """The serialised value of a plain leaf field (see `_schlicht`), or `_STANDARD`."""
    schlicht = _schlicht(feld, knoten)
    if schlicht is None:
        return _STANDARD
    return _serialisiert(*schlicht, quelle)


def _serialisiert(lesen: Any, art: Any, nicht_null: bool, quelle: Any) -> Any:
    wert = lesen(quelle)
    if wert is None:
        return _STANDARD if nicht_null else None  # null for a non-null field is an error
    # The common cases without graphql-core's general coercion: the same result.
    if art is GraphQLInt and type(wert) is int and _INT_GRENZEN[0] <= wert <= _INT_GRENZEN[1]:
        return wert
    if art is GraphQLBoolean and type(wert) is bool:
        return wert
    try:
        ergebnis = art.serialize(wert)
    except Exception:  # noqa: BLE001 - the standard path words the error
        return _STANDARD
    return _STANDARD if ergebnis is Undefined or ergebnis is None else ergebnis


def mit_kurzweg(basis: type[Executor]) -> type[Executor]:
    """The execution context class `basis` (Strawberry's) with the short path mixed in."""
    return type("Ausfuehrung", (Kurzweg, basis), {})


class Kurzweg(Executor):
    """The short path for plain fields, mixed into an execution context class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kurzweg_plaene: dict[int, tuple[Any, GraphQLObjectType, list[Any]]] = {}

    def kurzweg_plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[Any]:
        """Per field of the selection: name, details and `_schlicht`; worked out
        once per selection and request (graphql-core hands every item of a list the same
        selection object)."""
        plaene = self.kurzweg_plaene
        gemerkt = plaene.get(id(grouped_field_set))
        if gemerkt is not None and gemerkt[0] is grouped_field_set \
                and gemerkt[1] is parent_type:
            return gemerkt[2]  # type: ignore[no-any-return]
        felder = parent_type.fields
        plan = []
        for name, details in grouped_field_set.items():
            knoten = details[0].node
            feld = felder.get(knoten.name.value)
            plan.append((name, details, _schlicht(feld, knoten)))
        # The selection is kept with its plan, so its id cannot be reused in this request.
        plaene[id(grouped_field_set)] = (grouped_field_set, parent_type, plan)
        return plan

    @property
    def kurzweg_aus(self) -> bool:
        """Whether the short path is off for this operation (resolvers are wrapped)."""
        # Strawberry always passes a middleware manager; it holds the extensions that wrap
        # every resolver (none in WRM). With any of them the short path is off.
        verwalter = self.middleware_manager
        return bool(verwalter is not None and verwalter.middlewares)

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Any,
                       grouped_field_set: Any, position_context: Any) -> Any:
        """The object's plain leaf fields directly, the others through graphql-core; the
        answer keeps the order of the query."""
        if self.kurzweg_aus:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set,
                                          position_context)
        direkt: dict[str, Any] = {}
        uebrige: dict[str, Any] = {}
        for name, details, schlicht in self.kurzweg_plan(parent_type, grouped_field_set):
            if schlicht is None:
                wert = _STANDARD
            elif isinstance(schlicht[1], GraphQLObjectType):
                wert = self.kurzweg_objekt(parent_type, source_value, path, name, details, schlicht,
                                    position_context)
            else:
                wert = _serialisiert(*schlicht, source_value)
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

    def kurzweg_objekt(self, parent_type: GraphQLObjectType, quelle: Any, path: Any, name: str,
                details: Any, schlicht: tuple[Any, Any, bool], position_context: Any) -> Any:
        """A plain object field: its own fields executed like graphql-core's
        `complete_object_value` would (errors located and nulled the same way); `_STANDARD`
        for a null the standard path must report."""
        lesen, art, nicht_null = schlicht
        wert = lesen(quelle)
        if wert is None:
            return _STANDARD if nicht_null else None
        feldpfad = path.add_key(name, parent_type.name)
        try:
            ergebnis = self.collect_and_execute_subfields(art, details, feldpfad, wert,
                                                          position_context)
        except Exception as fehler:  # noqa: BLE001 - graphql-core's own handling decides
            typ = GraphQLNonNull(art) if nicht_null else art
            self.handle_field_error(fehler, typ, details, feldpfad)
            return None
        if self.is_awaitable(ergebnis):
            # Only an async resolver returns one; WRM has none and runs operations
            # synchronously, where graphql-core refuses them the same way.
            getattr(ergebnis, "close", lambda: None)()
            raise RuntimeError("GraphQL execution failed to complete synchronously.")
        return ergebnis

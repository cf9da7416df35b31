"""The short path for plain leaf fields (`wrm.api.ausfuehrung`) answers exactly what
graphql-core's standard execution answers: every saved read operation for every role, errors
and refusals included, and the edge cases of a single field."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import strawberry
from flask import Flask
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    execute_sync,
    parse,
)
from tests.conftest import graphql
from wrm.api import ausfuehrung
from wrm.api.schema import schema

OPERATIONEN = Path(__file__).parent.parent / "graphql" / "operations"
VARIABLEN = {"stichtag": "2026-03-01", "name": "Kommune A", "kommune": "Kommune A"}
#: Beyond the saved operations: aliases, __typename, fragments, skipped fields, introspection,
#: a field the press may not read (FORBIDDEN with its path) and a bad argument.
ABFRAGEN = [
    "{ auswertung { zeilen { k: kommune { name __typename } b: bedarf bedarf lage "
    "stand veraltet ...F } gesamt { bedarf } } } fragment F on Meldung { zuErfuellen "
    "anrechnungen @skip(if: true) sofortVerfuegbar @include(if: true) }",
    "{ kommunen { name art meldung { bemerkung version bedarf } } }",
    '{ auswertung(stichtag: "2999-01-01") { stichtag } }',
    "{ __schema { queryType { name fields { name type { kind name } } } } }",
    # A plain object field (kommune) whose own field is refused for some roles.
    "{ auswertung { zeilen { kommune { name verlauf { zeitpunkt feld neu } } bedarf } } }",
]


def _gespeicherte_lesende() -> list[str]:
    return [datei.read_text(encoding="utf-8") for datei in sorted(OPERATIONEN.rglob("*.graphql"))
            if "mutation" not in datei.read_text(encoding="utf-8").split("{", 1)[0]]


@pytest.mark.parametrize("rolle", ["landkreis", "presse", "kommune-a"])
def test_the_short_path_answers_what_the_standard_execution_answers(
        demo_web: Flask, monkeypatch, rolle: str) -> None:
    runner = demo_web.test_cli_runner()
    token = runner.invoke(args=["token", "anlegen", rolle]).output.strip().splitlines()[-1]
    demo_web.config["ANTWORTCACHE"] = 0
    client = demo_web.test_client()
    for abfrage in [*_gespeicherte_lesende(), *ABFRAGEN]:
        schnell = graphql(client, abfrage, VARIABLEN, token=token).get_json()
        with monkeypatch.context() as m:
            m.setattr(schema, "execution_context_class", StrawberryGraphQLCoreExecutionContext)
            standard = graphql(client, abfrage, VARIABLEN, token=token).get_json()
        assert schnell == standard, abfrage
        # Same order of keys too: the answer follows the query's order of fields.
        assert list(map(str, _schluessel(schnell))) == list(map(str, _schluessel(standard)))


def _schluessel(wert: object) -> list[object]:
    if isinstance(wert, dict):
        return [x for k, v in wert.items() for x in (k, *_schluessel(v))]
    if isinstance(wert, list):
        return [x for v in wert for x in _schluessel(v)]
    return []


#: What Strawberry attaches to a field without resolver and extension (`is_basic_field`).
_SCHLICHT = {"strawberry-definition": SimpleNamespace(is_basic_field=True)}


def _feld(typ, wert):  # type: ignore[no-untyped-def]
    def lesen(quelle, info):  # type: ignore[no-untyped-def]
        return wert
    return GraphQLField(typ, resolve=lesen, extensions=_SCHLICHT)


class _Knoten:
    arguments = ()


def test_the_short_path_leaves_every_doubtful_value_to_the_standard_execution() -> None:
    blatt, standard = ausfuehrung._blattwert, ausfuehrung._STANDARD
    assert blatt(_feld(GraphQLInt, 7), _Knoten(), None) == 7
    assert blatt(_feld(GraphQLInt, None), _Knoten(), None) is None
    # A null for a non-null field and a value of the wrong type are errors: worded there.
    assert blatt(_feld(GraphQLNonNull(GraphQLInt), None), _Knoten(), None) is standard
    assert blatt(_feld(GraphQLInt, "sieben"), _Knoten(), None) is standard
    assert blatt(_feld(GraphQLInt, 2**40), _Knoten(), None) is standard
    lage = GraphQLEnumType("L", {"A": "a"})
    assert blatt(_feld(lage, "a"), _Knoten(), None) == "A"
    assert blatt(_feld(lage, "z"), _Knoten(), None) is standard
    # A field with its own resolver (or a permission class) never takes the short path.
    eigener = GraphQLField(GraphQLString, resolve=lambda quelle, info: "x")
    assert blatt(eigener, _Knoten(), None) is standard

    class MitArgument:
        arguments = ("stichtag",)

    assert blatt(_feld(GraphQLInt, 7), MitArgument(), None) is standard


def _attribut(typ, name: str):  # type: ignore[no-untyped-def]
    def lesen(quelle, info):  # type: ignore[no-untyped-def]
        return getattr(quelle, name)
    return GraphQLField(typ, resolve=lesen, extensions=_SCHLICHT)


def test_a_plain_object_field_nulls_and_locates_errors_like_the_standard_execution() -> None:
    def kaputt(quelle, info):  # type: ignore[no-untyped-def]
        raise ValueError("kaputt")

    innen = GraphQLObjectType("Innen", {
        "x": GraphQLField(GraphQLNonNull(GraphQLInt), resolve=kaputt),
        "y": _attribut(GraphQLInt, "y")})
    aussen = GraphQLObjectType("Aussen", {
        "innen": _attribut(innen, "innen"),
        "muss": _attribut(GraphQLNonNull(innen), "innen"),
        "leer": _attribut(innen, "leer")})

    class Quelle:
        innen = SimpleNamespace(y=3)
        leer = None

    wurzel = GraphQLObjectType("Query", {"a": GraphQLField(aussen, resolve=lambda q, i: Quelle())})
    modell = GraphQLSchema(wurzel)
    for abfrage, erwartet in [
        ("{ a { innen { y x } } }", {"a": {"innen": None}}),  # nulled at the nullable field
        ("{ a { muss { y x } } }", {"a": None}),  # ... or above a non-null one
        ("{ a { leer { y } innen { y } } }", {"a": {"leer": None, "innen": {"y": 3}}}),
    ]:
        dokument = parse(abfrage)
        schnell = execute_sync(modell, dokument, executor_class=ausfuehrung.Ausfuehrung)
        assert schnell.formatted == execute_sync(modell, dokument).formatted, abfrage
        assert schnell.data == erwartet


class _Nie(strawberry.BasePermission):
    message = "Nie."

    def has_permission(self, source, info, **kwargs) -> bool:  # type: ignore[no-untyped-def]
        return False


@strawberry.type
class _Notiz:
    titel: str
    bemerkung: str = strawberry.field(permission_classes=[_Nie])


@strawberry.type
class _Wurzel:
    @strawberry.field
    def notiz(self) -> _Notiz:
        return _Notiz(titel="offen", bemerkung="geheim")


def test_a_plain_attribute_with_a_permission_class_is_checked_on_the_short_path_too() -> None:
    """The idiomatic guarded field (an attribute with `permission_classes`): Strawberry marks
    its resolver as a default one, but it is not a basic field, so the standard execution
    answers it, with the permission error."""
    modell = strawberry.Schema(query=_Wurzel)
    abfrage = "{ notiz { titel bemerkung } }"
    standard = modell.execute_sync(abfrage)
    modell.execution_context_class = ausfuehrung.Ausfuehrung  # as wrm.api.schema sets it
    schnell = modell.execute_sync(abfrage)
    assert standard.data is None and [f.message for f in standard.errors] == ["Nie."]
    assert schnell.data == standard.data
    assert [f.formatted for f in schnell.errors] == [f.formatted for f in standard.errors]

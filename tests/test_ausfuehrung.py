"""The short path for plain leaf fields (`wrm.api.ausfuehrung`) answers exactly what
graphql-core's standard execution answers: every saved read operation for every role, errors
and refusals included, and the edge cases of a single field."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from graphql import (
    Executor,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    build_schema,
    execute_sync,
    get_named_type,
    is_leaf_type,
    is_object_type,
    is_required_argument,
    parse,
)
from tests.conftest import graphql
from tests.fuzzing import PROFILEINSTELLUNGEN, beispiele, gelaufen
from wrm.api import ausfuehrung
from wrm.api.schema import STANDARD_AUSFUEHRUNG, schema

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
            m.setattr(schema, "execution_context_class", STANDARD_AUSFUEHRUNG)
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
        schnell = execute_sync(modell, dokument, executor_class=ausfuehrung.mit_kurzweg(Executor))
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
    # as wrm.api.schema sets it
    modell.execution_context_class = ausfuehrung.mit_kurzweg(modell.execution_context_class)
    schnell = modell.execute_sync(abfrage)
    assert standard.data is None and [f.message for f in standard.errors] == ["Nie."]
    assert schnell.data == standard.data
    assert [f.formatted for f in schnell.errors] == [f.formatted for f in standard.errors]



#: Values for required arguments, by name; a field needing another one is left out.
_ARGUMENTE = {"name": '"Kommune A"', "kommune": '"Kommune A"'}
_STICHTAGE = ['"2026-03-01"', '"2999-01-01"', "null"]


def _felder(typ: GraphQLObjectType, tiefe: int) -> list[tuple[str, Any, list[str], Any]]:
    """The fields of `typ` a random selection may take: leaves, and objects while `tiefe`
    allows, each with the required arguments it can be given."""
    moeglich = []
    for name, feld in typ.fields.items():
        pflicht = [a for a, arg in feld.args.items() if is_required_argument(arg)]
        innen = get_named_type(feld.type)
        if any(a not in _ARGUMENTE for a in pflicht) or not (is_leaf_type(innen) or (
                is_object_type(innen) and tiefe > 0 and _felder(innen, tiefe - 1))):
            continue
        moeglich.append((name, feld, pflicht, innen))
    return moeglich


@st.composite
def _auswahl(draw: st.DrawFn, typ: GraphQLObjectType, tiefe: int) -> str:
    """A random selection set on `typ`: aliases, arguments, directives, __typename and inline
    fragments, nested up to `tiefe`."""
    moeglich = _felder(typ, tiefe)
    teile = []
    for nummer, (name, feld, pflicht, innen) in enumerate(
            draw(st.lists(st.sampled_from(moeglich), min_size=1, max_size=6))):
        argumente = [f"{a}: {_ARGUMENTE[a]}" for a in pflicht]
        if "stichtag" in feld.args and draw(st.booleans()):
            argumente.append(f"stichtag: {draw(st.sampled_from(_STICHTAGE))}")
        text = name + (f"({', '.join(argumente)})" if argumente else "")
        if draw(st.integers(0, 3)) == 0:
            text = f"f{nummer}: {text}"
        if draw(st.integers(0, 6)) == 0:
            richtung = draw(st.sampled_from(["skip", "include"]))
            text += f" @{richtung}(if: {str(draw(st.booleans())).lower()})"
        if not is_leaf_type(innen):
            text += " { " + draw(_auswahl(innen, tiefe - 1)) + " }"
        teile.append(text)
    if draw(st.integers(0, 5)) == 0:
        teile.insert(draw(st.integers(0, len(teile))), "__typename")
    if draw(st.integers(0, 5)) == 0:
        teile.append(f"... on {typ.name} {{ {draw(_auswahl(typ, tiefe))} }}")
    return " ".join(teile)


def test_random_documents_answer_what_the_standard_execution_answers(
        demo_web: Flask, monkeypatch) -> None:
    """Differential test: random read documents over the whole schema, for every role, with
    and without the short path — the same data, errors, paths and order of keys."""
    runner = demo_web.test_cli_runner()
    tokens = {rolle: runner.invoke(args=["token", "anlegen", rolle]).output.strip()
              .splitlines()[-1] for rolle in ("landkreis", "presse", "kommune-a")}
    demo_web.config["ANTWORTCACHE"] = 0
    client = demo_web.test_client()
    modell = build_schema(schema.as_str())
    abfrage_typ = modell.query_type
    assert abfrage_typ is not None

    @settings(PROFILEINSTELLUNGEN, max_examples=beispiele(400))
    @given(auswahl=_auswahl(abfrage_typ, 3), rolle=st.sampled_from(sorted(tokens)))
    def vergleichen(auswahl: str, rolle: str) -> None:
        gelaufen("test_random_documents_answer_what_the_standard_execution_answers")
        abfrage = "{ " + auswahl + " }"
        schnell = graphql(client, abfrage, token=tokens[rolle]).get_json()
        with monkeypatch.context() as m:
            m.setattr(schema, "execution_context_class", STANDARD_AUSFUEHRUNG)
            standard = graphql(client, abfrage, token=tokens[rolle]).get_json()
        assert schnell == standard, abfrage
        assert list(map(str, _schluessel(schnell))) == list(map(str, _schluessel(standard)))

    vergleichen()

"""WRM's validation of GraphQL documents against graphql-core's: the same errors, in the same
order, with the same locations, for valid, invalid and aborted documents (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from strawberry.schema import schema as strawberry_schema

from graphql import GraphQLError, GraphQLSyntaxError, Visitor, parse, specified_rules, validate
from tests.conftest import graphql
from wrm.api import cache, validierung
from wrm.api.schema import _REGELN, schema

OPERATIONEN = Path(__file__).parent.parent / "graphql" / "operations"
GESPEICHERT = [datei.read_text(encoding="utf-8")
               for datei in sorted(OPERATIONEN.rglob("*.graphql"))]
#: The rules of a request: graphql-core's, the schema's limits (depth, aliases), Strawberry's.
REGELN = validierung.strawberry_regeln((*specified_rules, *_REGELN))

#: Valid documents with variables in the places they may stand (arguments, directives,
#: fragments, inline fragments, defaults) and fragments shared by operations.
GUELTIG = [
    "query Q($tag: Date!) { auswertung(stichtag: $tag) { stichtag } }",
    "query Q($tag: Date = \"2026-01-01\") { auswertung(stichtag: $tag) { stichtag } }",
    "query Q($ja: Boolean!) { auswertung { zeilen @include(if: $ja) { bedarf } } }",
    "query Q($t: Date) { ...F } fragment F on Query { auswertung(stichtag: $t) { stichtag } }",
    "query Q($t: Date) { ... on Query { auswertung(stichtag: $t) { stichtag } } }",
    "query A { ...F } query B { ...F } fragment F on Query { auswertung { stichtag } }",
]
#: Documents that break each rule at least once, and the limits.
DOKUMENTE = [
    "{ auswertung { zeilen { gibtsnicht bedarf } } }",
    "type Fremd { a: Int } { auswertung { stichtag } }",
    "{ auswertung(gibtsnicht: 1) { stichtag } }",
    "{ auswertung(stichtag: 5) { stichtag } }",
    "{ auswertung { stichtag { x } } }",
    "{ auswertung }",
    "query Q($tag: Date) { auswertung(stichtag: $anderer) { stichtag } }",
    "query Q($tag: Date, $unbenutzt: Int) { auswertung(stichtag: $tag) { stichtag } }",
    "query Q($tag: Int) { auswertung(stichtag: $tag) { stichtag } }",
    "query Q($ja: String) { auswertung { zeilen { bedarf @skip(if: $ja) } } }",
    "query Q($ja: Boolean) { auswertung @gibtsnicht(x: $ja) { stichtag } }",
    "query Q { auswertung { zeilen { bedarf @skip(if: $nirgends) } } }",
    "query Q { ...F } fragment F on Query { auswertung(stichtag: $t) { stichtag } }",
    "query Q($t: Int) { ...F } fragment F on Query { auswertung(stichtag: $t) { stichtag } }",
    "{ ...Unbekannt }",
    "{ auswertung { stichtag } } fragment Frei on Query { auswertung { stichtag } }",
    "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
    "fragment F on Unbekannt { x } { ...F }",
    "fragment F on Int { x } { auswertung { stichtag } }",
    "query A { auswertung { stichtag } } query A { auswertung { stichtag } }",
    "{ auswertung { stichtag } } query B { auswertung { stichtag } }",
    "{ auswertung { x: stichtag x: zeilen { bedarf } } }",
    "{ auswertung(stichtag: \"2026-01-01\", stichtag: \"2026-01-02\") { stichtag } }",
    "{ auswertung @skip(if: false) @skip(if: true) { stichtag } }",
    "subscription { auswertung { stichtag } }",
    "query Q($x: Auswertung) { auswertung { stichtag } }",
    "query Q($x: Int, $x: Int) { auswertung { stichtag } }",
    "{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }",
    "{ " + " ".join(f"a{n}: auswertung {{ stichtag }}" for n in range(40)) + " }",
    "{ auswertung { zeilen { kommune { meldung { kommune { meldung { kommune { meldung { "
    "kommune { meldung { kommune { name } } } } } } } } } } } }",
    # More than 100 errors: graphql-core aborts and says so, WRM too.
    "{ " + " ".join(f"f{n}" for n in range(130)) + " }",
    # Nesting beyond the recursion guard through fragments.
    "{ ...F0 } " + " ".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(250))
    + " fragment F250 on Query { __typename }",
]


def _fehler(dokument, regeln=REGELN) -> tuple[list[dict], list[dict]]:  # type: ignore[no-untyped-def]
    standard = validate(schema._schema, dokument, regeln)
    eigen = validierung.validieren(schema._schema, dokument, regeln)
    return [f.formatted for f in standard], [f.formatted for f in eigen]


def test_strawberry_would_add_the_same_rules(monkeypatch) -> None:
    gesehen = []
    monkeypatch.setattr(strawberry_schema, "validate",
                        lambda _s, _d, regeln: gesehen.append(tuple(regeln)) or [])
    strawberry_schema.validate_document(schema._schema, parse("{ __typename }"),
                                        (*specified_rules, *_REGELN))
    assert gesehen == [REGELN]


def test_a_request_is_validated_with_the_rules_strawberry_would_apply(
        demo_web: Flask, monkeypatch) -> None:
    runner = demo_web.test_cli_runner()
    token = runner.invoke(args=["token", "anlegen", "presse"]).output.strip().splitlines()[-1]
    gesehen = []

    def aufzeichnen(schema_, dokument, regeln):  # type: ignore[no-untyped-def]
        gesehen.append(tuple(regeln))
        return validierung.validieren(schema_, dokument, regeln)

    monkeypatch.setattr(cache, "validieren", aufzeichnen)
    antwort = graphql(demo_web.test_client(), "query Regelprobe { gibtsnicht }",
                      token=token).get_json()
    assert gesehen == [REGELN]
    assert antwort["errors"][0]["message"] == "Das Feld „gibtsnicht“ gibt es beim Typ Query nicht."
    # Every rule takes the fast dispatch; one with its own would fall back (and stay correct).
    assert not any(validierung._eigene_verteilung(regel) for regel in REGELN)


@pytest.mark.parametrize("text", GESPEICHERT + GUELTIG + DOKUMENTE)
def test_errors_equal_graphql_cores(text: str) -> None:
    standard, eigen = _fehler(parse(text))
    assert eigen == standard
    assert bool(standard) == (text in DOKUMENTE)


def _namen_ersetzt(text: str) -> list[str]:
    """The text with each name in turn replaced by others: fields of other types, unknown
    ones, variables moved elsewhere (not all of them parse)."""
    namen = sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)))
    ersatz = ["bedarf", "stichtag", "kommune", "zeilen", "name", "gibtsnicht", "Int", "Date"]
    ergebnis = []
    for treffer in re.finditer(r"\$?[A-Za-z_][A-Za-z0-9_]*", text):
        for neu in ersatz[: 3 if len(namen) > 20 else len(ersatz)]:
            ergebnis.append(text[: treffer.start()] + neu + text[treffer.end():])
        if treffer.group().startswith("$"):
            ergebnis.append(text[: treffer.start()] + "$zz" + text[treffer.end():])
    return ergebnis


@pytest.mark.parametrize("vorlage", GESPEICHERT, ids=lambda t: t.split("(")[0][-30:])
def test_errors_equal_graphql_cores_for_saved_operations_with_a_name_replaced(
        vorlage: str) -> None:
    verglichen = 0
    for text in _namen_ersetzt(vorlage):
        try:
            dokument = parse(text)
        except GraphQLSyntaxError:
            continue
        standard, eigen = _fehler(dokument)
        assert eigen == standard, text
        verglichen += 1
    assert verglichen > 10


class _EigeneVerteilung(Visitor):
    """A rule that finds its handlers in its own way (as a nested parallel visitor would)."""

    def __init__(self, kontext) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.kontext = kontext

    def get_enter_leave_for_kind(self, kind):  # type: ignore[no-untyped-def]
        return super().get_enter_leave_for_kind(kind)

    def enter_field(self, node, *_args) -> None:  # type: ignore[no-untyped-def]
        if node.name.value == "bedarf":
            self.kontext.report_error(GraphQLError("bedarf gesehen", node))


def test_a_rule_with_its_own_dispatch_is_validated_the_standard_way() -> None:
    standard, eigen = _fehler(parse("{ auswertung { zeilen { bedarf gibtsnicht } } }"),
                              (*REGELN, _EigeneVerteilung))
    assert eigen == standard
    assert "bedarf gesehen" in [f["message"] for f in eigen]

"""Validation of a GraphQL document: graphql-core's `validate`, with the same rules, the same
errors in the same order, and less work per document (issue 14: a stream of new query texts).

graphql-core builds its dispatch anew for every document: each of the ~35 rule instances looks
up its handlers per node kind by name (mostly failing `getattr` calls), the parallel visitor
then asks every rule at every node, and the variable checks walk the whole operation a second
time with type information, only to find the types at the few places where a variable is used.
Here the handlers are looked up once per rule class, only the rules with a handler for a kind
are called, the second walk keeps type information only on the paths that lead to a
variable, and what the context finds per node is kept by the node's identity (graphql-core
keys it by the node's hash, which walks the node's whole subtree each time). Everything a
rule sees is what it sees in graphql-core's `validate`, which `tests/test_validierung.py`
compares error by error.

Mirrors `graphql.validation.validate.validate` of graphql-core 3.3 (`pyproject.toml` keeps it
below 3.4; a newer version needs this module compared anew).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import cache, lru_cache
from typing import Any

from graphql.language.visitor import BREAK, SKIP, EnterLeaveVisitor
from graphql.pyutils import RefMap
from graphql.validation.validate import (
    FragmentNestingVisitor,
    ValidationAbortedError,
    query_document_keys_to_validate,
)
from graphql.validation.validation_context import VariableUsageVisitor
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    Node,
    ParallelVisitor,
    TypeInfo,
    TypeInfoVisitor,
    ValidationContext,
    VariableNode,
    Visitor,
    assert_valid_schema,
    visit,
)

#: As graphql-core: more errors than this abort the validation (against a flood of errors).
MAX_FEHLER = 100

_Handler = Callable[..., Any]


def strawberry_regeln(regeln: Collection[type[Visitor]]) -> tuple[type[Visitor], ...]:
    """The rules Strawberry's own validation applies: the schema's, then its two of its own
    (as `strawberry.schema.schema.validate_document` adds them)."""
    return (*regeln, MaybeNullValidationRule, OneOfInputValidationRule)


def validieren(schema: GraphQLSchema, dokument: Node,
               regeln: Collection[type[Visitor]]) -> list[GraphQLError]:
    """The validation errors of `dokument` under `regeln`, as graphql-core's `validate`."""
    assert_valid_schema(schema)
    fehler: list[GraphQLError] = []

    def melden(meldung: GraphQLError) -> None:
        if len(fehler) >= MAX_FEHLER:
            raise ValidationAbortedError(
                "Too many validation errors, error limit reached. Validation aborted.")
        fehler.append(meldung)

    typen = _Typen(schema)
    kontext = _Kontext(schema, dokument, typen, melden)  # type: ignore[arg-type]
    besucher: list[Visitor] = [regel(kontext) for regel in regeln]  # type: ignore[call-arg]
    fragmente = {definition.name.value: definition
                 for definition in dokument.definitions  # type: ignore[attr-defined]
                 if isinstance(definition, FragmentDefinitionNode)}
    if fragmente:
        besucher.insert(0, FragmentNestingVisitor(fragmente))
    if any(_eigene_verteilung(type(regel)) for regel in besucher):
        gesamt: Visitor = TypeInfoVisitor(typen, ParallelVisitor(besucher))
    else:
        gesamt = _Regeln(typen, besucher)
    try:
        visit(dokument, gesamt, query_document_keys_to_validate)
    except ValidationAbortedError as abbruch:
        # As graphql-core: the returned error keeps no frames of the validation alive.
        abbruch.__context__ = None
        fehler.append(abbruch.with_traceback(None))
    except RecursionError:
        fehler.append(ValidationAbortedError("Validation aborted."))
    return fehler


def _eigene_verteilung(klasse: type[Visitor]) -> bool:
    """Whether a visitor class finds its handlers in its own way (then it is asked as is)."""
    return klasse.get_enter_leave_for_kind is not Visitor.get_enter_leave_for_kind


# Bounded: a rule list is normally built once, but one built per request must not grow it.
@lru_cache(maxsize=1024)
def _plan(klassen: tuple[type[Visitor], ...], art: str
          ) -> tuple[tuple[int, str | None, str | None], ...]:
    """For a node kind: each visitor class with a handler (its position and the names of its
    enter and leave handlers), found as `Visitor.get_enter_leave_for_kind` finds them: the
    kind's own handler, else the generic one."""
    plan = []
    for nummer, klasse in enumerate(klassen):
        eintritt = f"enter_{art}" if getattr(klasse, f"enter_{art}", None) else (
            "enter" if getattr(klasse, "enter", None) else None)
        austritt = f"leave_{art}" if getattr(klasse, f"leave_{art}", None) else (
            "leave" if getattr(klasse, "leave", None) else None)
        if eintritt or austritt:
            plan.append((nummer, eintritt, austritt))
    return tuple(plan)


class _Regeln(Visitor):
    """graphql-core's TypeInfoVisitor around its ParallelVisitor, in one: per node the type
    information is updated and only the rules with a handler for the node's kind are called.

    The skip and break protocol is the original's: a rule that returns SKIP on entering a node
    is not called again until that node is left; BREAK ends its part of the walk. Like the
    TypeInfoVisitor, an enter that returns anything leaves the node's type information again.
    """

    def __init__(self, typen: TypeInfo, regeln: list[Visitor]) -> None:
        super().__init__()
        self.typen = typen
        self.regeln = regeln
        self.klassen = tuple(type(regel) for regel in regeln)
        self.auslassen: list[Any] = [None] * len(regeln)

    def get_enter_leave_for_kind(self, kind: str) -> EnterLeaveVisitor:
        """The enter and leave functions for a node kind (built once per document)."""
        try:
            return self.enter_leave_map[kind]
        except KeyError:
            pass
        regeln = self.regeln
        # A rule that skipped a node must be told when that node is left, so every rule with
        # an enter handler takes part in leaving too (with its leave handler or None).
        eintritte = tuple((nummer, getattr(regeln[nummer], eintritt))
                          for nummer, eintritt, _ in _plan(self.klassen, kind) if eintritt)
        austritte = tuple((nummer, austritt and getattr(regeln[nummer], austritt))
                          for nummer, _, austritt in _plan(self.klassen, kind))
        paar = EnterLeaveVisitor(self._eintreten(kind, eintritte),
                                 self._verlassen(kind, austritte))
        self.enter_leave_map[kind] = paar
        return paar

    def _eintreten(self, art: str, paare: tuple[tuple[int, _Handler], ...]) -> _Handler:
        auslassen, typen = self.auslassen, self.typen
        typ_eintritt = _typhandler("enter_", art)

        def eintreten(node: Node, *args: Any) -> Any:
            if typ_eintritt:
                typ_eintritt(typen, node)
            for nummer, funktion in paare:
                if auslassen[nummer]:
                    continue
                ergebnis = funktion(node, *args)
                if ergebnis is None:
                    continue
                if ergebnis is SKIP or ergebnis is False:
                    auslassen[nummer] = node
                elif ergebnis is BREAK or ergebnis is True:
                    auslassen[nummer] = BREAK
                else:
                    # A rule that replaces the node (none of graphql-core's does): as the
                    # TypeInfoVisitor, type the replacement instead.
                    typen.leave(node)
                    if isinstance(ergebnis, Node):
                        typen.enter(ergebnis)
                    return ergebnis
            return None

        return eintreten

    def _verlassen(self, art: str, paare: tuple[tuple[int, _Handler | None], ...]) -> _Handler:
        auslassen, typen = self.auslassen, self.typen
        typ_austritt = _typhandler("leave_", art)

        def verlassen(node: Node, *args: Any) -> Any:
            for nummer, funktion in paare:
                ausgelassen = auslassen[nummer]
                if not ausgelassen:
                    if funktion:
                        ergebnis = funktion(node, *args)
                        if ergebnis is None:
                            continue
                        if ergebnis is BREAK or ergebnis is True:
                            auslassen[nummer] = BREAK
                        elif ergebnis is not SKIP and ergebnis is not False:
                            if typ_austritt:
                                typ_austritt(typen)
                            return ergebnis
                elif ausgelassen is node:
                    auslassen[nummer] = None
            if typ_austritt:
                typ_austritt(typen)
            return None

        return verlassen


class _Typen(TypeInfo):
    """TypeInfo with its handlers per node kind looked up once per worker, not per node."""

    def enter(self, node: Node) -> None:
        """Update the type information for an entered node."""
        methode = _typhandler("enter_", node.kind)
        if methode:
            methode(self, node)

    def leave(self, node: Node) -> None:
        """Update the type information for a node left."""
        methode = _typhandler("leave_", node.kind)
        if methode:
            methode(self)


@cache
def _typhandler(richtung: str, art: str) -> _Handler | None:
    return getattr(TypeInfo, richtung + art, None)


class _Kontext(ValidationContext):
    """The validation context, finding variable usages without typing the whole operation,
    and keeping what it found per node by identity: graphql-core's dicts hash the node, and a
    node's hash walks its whole subtree (frozen dataclasses), on every lookup."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._variable_usages = RefMap()  # type: ignore[assignment]
        self._recursive_variable_usages = RefMap()  # type: ignore[assignment]
        self._fragment_spreads = RefMap()  # type: ignore[assignment]

    def get_variable_usages(self, node: Any) -> list[Any]:
        """The variables used directly in an operation or fragment, with their expected input
        types, as graphql-core finds them; subtrees without a variable are not walked."""
        verwendungen = self._variable_usages.get(node)
        if verwendungen is None:
            mit: set[int] = set()
            # The walk's root is never skipped (graphql-core's `visit` does not allow it).
            if _variablen_darunter(node, mit):
                fragment = node if isinstance(node, FragmentDefinitionNode) else None
                sucher = _Verwendungen(self._type_info, fragment, mit)
                visit(node, TypeInfoVisitor(self._type_info, sucher))
                verwendungen = sucher.usages
            else:
                verwendungen = []
            self._variable_usages[node] = verwendungen
        return verwendungen


class _Verwendungen(VariableUsageVisitor):
    """graphql-core's VariableUsageVisitor, skipping every subtree without a variable."""

    def __init__(self, type_info: TypeInfo, fragment_definition: FragmentDefinitionNode | None,
                 mit: set[int]) -> None:
        super().__init__(type_info, fragment_definition)
        self._mit = mit

    def enter(self, node: Node, *_args: Any) -> Any:
        """Skip a node whose subtree holds no variable (the kinds not handled by the parent)."""
        return None if id(node) in self._mit else SKIP


def _variablen_darunter(node: Any, mit: set[int]) -> bool:
    """Whether a variable is used in `node`'s subtree (outside variable definitions, which the
    usage search skips); the ids of all such nodes are added to `mit`."""
    if isinstance(node, VariableNode):
        return True
    gefunden = False
    for schluessel in query_document_keys_to_validate.get(node.kind, ()):
        if schluessel == "variable_definitions":
            continue
        kind = getattr(node, schluessel, None)
        if kind is None:
            continue
        if isinstance(kind, tuple | list):
            for element in kind:
                gefunden = _variablen_darunter(element, mit) or gefunden
        else:
            gefunden = _variablen_darunter(kind, mit) or gefunden
    if gefunden:
        mit.add(id(node))
    return gefunden

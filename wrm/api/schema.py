"""The root schema: queries and mutations of every domain module, with the protections."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.types import ExecutionContext

from graphql import GraphQLError, ValidationContext, ValidationRule
from wrm.api.ausfuehrung import mit_kurzweg
from wrm.api.auswertung import AuswertungQuery
from wrm.api.cache import NurLesend
from wrm.api.dokumente import GespeichertePruefung, GespeicherterParser
from wrm.api.fehler import unerwartet
from wrm.api.hilfe import HilfeMutation, HilfeQuery
from wrm.api.kommunen import KommuneQuery
from wrm.api.meldungen import MeldungMutation
from wrm.api.quoten import QuotenMutation, QuotenQuery
from wrm.api.unterkuenfte import UnterkunftMutation, UnterkunftQuery

#: Limits against expensive queries; the deepest saved operation needs depth 5.
MAX_TIEFE = 10
MAX_ALIASE = 30
MAX_TOKENS = 5000
#: How many query texts a worker keeps parsed and validated.
CACHE_TEXTE = 64
# The depth and alias rules of Strawberry's QueryDepthLimiter and MaxAliasesLimiter, taken from
# one instance of each (their public `validation_rules`) and added to every request: the
# validation cache keys on the rule classes, and the fresh classes each new instance makes
# would never hit.
(_Tiefenregel,) = QueryDepthLimiter(max_depth=MAX_TIEFE).validation_rules
(_Aliasregel,) = MaxAliasesLimiter(max_alias_count=MAX_ALIASE).validation_rules


class Tiefenregel(_Tiefenregel):  # type: ignore[valid-type,misc]
    """Strawberry's depth limit, which fails with KeyError on a spread of an unknown fragment;
    graphql-core's own rule (KnownFragmentNames) reports that one to the client.

    Strawberry measures the depth before the walk, recursing through every fragment spread; a
    long chain of fragments exhausts Python's stack there, outside graphql-core's guard. The
    rule then aborts the walk as graphql-core aborts a document nested too deeply.
    """

    def __init__(self, kontext: ValidationContext) -> None:
        self.zu_tief = False
        try:
            super().__init__(kontext)
        except KeyError:
            ValidationRule.__init__(self, kontext)
        except RecursionError:
            ValidationRule.__init__(self, kontext)
            self.zu_tief = True

    def enter_document(self, *_args: object) -> None:
        """Abort the validation ("Validation aborted.") when the depth could not be measured."""
        if self.zu_tief:
            raise RecursionError


_REGELN = [Tiefenregel, _Aliasregel]


@strawberry.type(description="Lesen: Kommunen, Meldungen, Auswertung, Verlauf, Hilfe zwischen "
                             "Kommunen, Quoten, Prognose und Unterkünfte.")
class Query(KommuneQuery, AuswertungQuery, HilfeQuery, QuotenQuery, UnterkunftQuery):
    """All reading fields."""


@strawberry.type(description="Schreiben: Meldungen speichern und bestätigen; Vereinbarungen "
                             "zwischen Kommunen; Quoten (Landkreis); Unterkünfte.")
class Mutation(MeldungMutation, HilfeMutation, QuotenMutation, UnterkunftMutation):
    """All writing fields."""


class WrmSchema(strawberry.Schema):
    """Logs only faults; FORBIDDEN, bad input and the like are answers, not incidents."""

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Hand unexpected errors to Strawberry's logger (with traceback), nothing else."""
        super().process_errors([f for f in errors if unerwartet(f)], execution_context)


schema = WrmSchema(
    query=Query,
    mutation=Mutation,
    # Factories, so that every request gets fresh extension instances.
    extensions=[
        lambda: AddValidationRules(_REGELN),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        # Strawberry's parser and validation caches, for 64 ad-hoc texts; the saved operations
        # are kept apart (`wrm.api.dokumente`), so a stream of new texts never evicts them.
        # Parsed documents are the worker's largest set of collectable objects; with 256, each
        # full collection of the garbage collector took 40 ms under a stream of new texts, with
        # 64 about 10 ms.
        lambda: GespeicherterParser(maxsize=CACHE_TEXTE),
        lambda: GespeichertePruefung(maxsize=CACHE_TEXTE),
        NurLesend,
    ],
)
#: Strawberry's own execution context, whatever the installed release uses (the tests compare
#: the short path with it).
STANDARD_AUSFUEHRUNG = schema.execution_context_class
schema.execution_context_class = mit_kurzweg(STANDARD_AUSFUEHRUNG)

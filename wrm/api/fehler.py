"""API errors: German messages with `extensions.code`; everything else is masked."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import MaskErrors

from graphql import GraphQLError

INTERNER_FEHLER = "Interner Fehler. Bitte versuchen Sie es später erneut."


class ApiFehler(GraphQLError):
    """An error the client may read: German message, `extensions.code`."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class NichtAngemeldet(ApiFehler):
    """No or no valid credentials."""

    code = "UNAUTHENTICATED"


class NichtErlaubt(ApiFehler):
    """The user's role may not do or see this."""

    code = "FORBIDDEN"


class UngueltigeEingabe(ApiFehler):
    """Wrong input; `extensions.fehler` names each field."""

    code = "BAD_USER_INPUT"


class Konflikt(ApiFehler):
    """The report changed since the given version; nothing was saved."""

    code = "CONFLICT"


def unerwartet(fehler: GraphQLError) -> bool:
    """Whether an error is a fault (to mask and log), not an answer meant for the client."""
    # Our own errors and graphql-core's parse and validation errors (no original error) are
    # meant for the client; anything raised from deeper down (SQL, bugs) is not.
    ursprung = fehler.original_error
    return ursprung is not None and not isinstance(ursprung, ApiFehler)


def fehlermaskierung() -> MaskErrors:
    """The extension that replaces unexpected errors by a German message without details."""
    return MaskErrors(should_mask_error=unerwartet, error_message=INTERNER_FEHLER)

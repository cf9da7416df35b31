"""API errors: German messages with `extensions.code`; faults are masked.

Three kinds of error reach a client (`fuer_client`, applied by the view to every result):
- answers of WRM itself (`ApiFehler`): FORBIDDEN, BAD_USER_INPUT, CONFLICT …, as raised;
- errors in the request (syntax, validation, variable values), which graphql-core words in
  English: German message, `extensions.code`, graphql-core's own text in `extensions.detail`;
- faults: "Interner Fehler" without details (logged), or SERVICE_UNAVAILABLE with HTTP 503 when
  the database is down, full or read-only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError
from wrm.ausfall import DATENBANK_NICHT_VERFUEGBAR
from wrm.fehlerseiten import TEXTE
from wrm.meldefelder import FELDER_NACH_NAME

INTERNER_FEHLER = "Interner Fehler. Bitte versuchen Sie es später erneut."
NICHT_VERFUEGBAR = TEXTE[503].text


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


def nicht_gespeichert(fehler: dict[str, str]) -> str:
    """One German message for a refused write, each text naming its field."""
    # At a form field the field is obvious; in one API message each text must name it.
    teile = [text if text.startswith("(") else
             f"{FELDER_NACH_NAME[name].titel if name in FELDER_NACH_NAME else name.title()}: "
             f"{text}" for name, text in fehler.items()]
    return "Nicht gespeichert. " + " ".join(t.rstrip(".") + "." for t in teile)


def anfragefehler(fehler: GraphQLError) -> bool:
    """Whether an error is in the request itself (syntax, validation, variable values).

    Those arise before any field is resolved, so they have no path (a field's error has one),
    and come from graphql-core's checks or a scalar refusing a value (ValueError, TypeError).
    """
    ursprung = fehler.original_error
    return fehler.path is None and (
        ursprung is None or isinstance(ursprung, GraphQLError | ValueError | TypeError))


def unerwartet(fehler: GraphQLError) -> bool:
    """Whether an error is a fault (to mask and log), not an answer meant for the client."""
    ursprung = fehler.original_error
    return (ursprung is not None and not isinstance(ursprung, ApiFehler)
            and not anfragefehler(fehler))


_Uebersetzung = Callable[[re.Match[str]], str]

#: graphql-core's wording of wrong values (in a variable or a literal), in German.
_WERTE: list[tuple[str, _Uebersetzung]] = [
    (r"Int cannot represent non 32-bit signed integer value: (.*)",
     lambda m: f"{m[1]} liegt außerhalb der ganzen Zahlen von −2.147.483.648 bis 2.147.483.647"),
    (r"Int cannot represent non-integer value: (.*)", lambda m: f"{m[1]} ist keine ganze Zahl"),
    (r"(?:String|ID) cannot represent (?:a )?non[- ]string value: (.*)",
     lambda m: f"{m[1]} ist kein Text"),
    (r"Boolean cannot represent a non boolean value: (.*)",
     lambda m: f"{m[1]} ist kein Wahrheitswert (true oder false)"),
    (r"Value '?(.*?)'? does not exist in '(\w+)' enum.*",
     lambda m: f"„{m[1]}“ ist kein Wert von {m[2]}"),
    (r"Enum '(\w+)' cannot represent non-enum value: (.*?)\..*",
     lambda m: f"{m[2]} ist kein Wert von {m[1]}"),
    (r"Value cannot represent a (\w+): (.*?)\..*",
     lambda m: f"{m[2]} ist kein gültiges {'Datum (JJJJ-MM-TT)' if m[1] == 'Date' else m[1]}"),
    (r"Expected value of type '(\w+)' not to include unknown field '(\w+)'.*",
     lambda m: f"das Feld „{m[2]}“ gibt es in {m[1]} nicht"),
    (r"Field '(\w+)' is not defined by type '(\w+)'.*",
     lambda m: f"das Feld „{m[1]}“ gibt es in {m[2]} nicht"),
    (r"Field '(\w+)' of required type '(.+)' was not provided\.",
     lambda m: f"das Pflichtfeld „{m[1]}“ ({m[2]}) fehlt"),
    (r"Expected non-nullable type '(.+)' not to be null\.",
     lambda m: f"der Wert darf nicht null sein ({m[1]})"),
    (r"Expected type '(.+)' to be an object\.", lambda m: f"erwartet wird ein Objekt ({m[1]})"),
    (r"Expected value of type '(.+)', found (.*?)(?:; (.*))?$",
     lambda m: f"{m[2]} passt nicht zum Typ {m[1]}"
     + (f": {_werte_deutsch(m[3])}" if m[3] else "")),
]
_WERTE_RE = [(re.compile(muster), wort) for muster, wort in _WERTE]

#: graphql-core's wording of wrong requests, in German, with the API code.
_ANFRAGEN: list[tuple[str, str, _Uebersetzung]] = [
    (r"Variable '\$(\w+)' has invalid value(?: at (\S+))?: (.*)", "BAD_USER_INPUT",
     lambda m: f"Ungültiger Wert für die Variable ${m[1]}{m[2] or ''}: "
     f"{_werte_deutsch(m[3])}."),
    (r"Variable '\$(\w+)' got invalid value .*?; (.*)", "BAD_USER_INPUT",
     lambda m: f"Ungültiger Wert für die Variable ${m[1]}: {_werte_deutsch(m[2])}."),
    (r"Variable '\$(\w+)' of required type '(.+)' was not provided\.", "BAD_USER_INPUT",
     lambda m: f"Die Variable ${m[1]} ({m[2]}) fehlt."),
    (r"Variable '\$(\w+)' of non-null type '(.+)' must not be null\.", "BAD_USER_INPUT",
     lambda m: f"Die Variable ${m[1]} ({m[2]}) darf nicht null sein."),
    (r"Syntax Error: Document contains more than (\d+) tokens.*", "GRAPHQL_PARSE_FAILED",
     lambda m: f"Die Anfrage ist zu lang (mehr als {m[1]} Token)."),
    (r"Syntax Error: (.*)", "GRAPHQL_PARSE_FAILED",
     lambda m: "Die Anfrage ist kein gültiges GraphQL (Syntaxfehler)."),
    (r"Cannot query field '(\w+)' on type '(\w+)'\.(.*)", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Das Feld „{m[1]}“ gibt es beim Typ {m[2]} nicht.{_meinten(m[3])}"),
    (r"Unknown argument '(\w+)' on field '(.+?)'\.(.*)", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Das Argument „{m[1]}“ gibt es beim Feld {m[2]} nicht.{_meinten(m[3])}"),
    (r"Field '(.+?)' argument '(\w+)' of type '(.+)' is required, but it was not provided\.",
     "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Beim Feld {m[1]} fehlt das Pflichtargument „{m[2]}“ ({m[3]})."),
    (r"Argument '(.+?)\((\w+):\)' of type '(.+)' is required, but it was not provided\.",
     "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Beim Feld {m[1]} fehlt das Pflichtargument „{m[2]}“ ({m[3]})."),
    (r"Field '(\w+)'(?: of type '.+')? must have a selection of subfields.*",
     "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Beim Feld „{m[1]}“ fehlt die Auswahl der Unterfelder."),
    (r"Variable '\$(\w+)' is never used.*", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Die Variable ${m[1]} wird nicht verwendet."),
    (r"Variable '\$(\w+)' is not defined.*", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Die Variable ${m[1]} ist nicht deklariert."),
    (r"Variable '\$(\w+)' of type '(.+)' used in position expecting type '(.+)'\.",
     "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Die Variable ${m[1]} hat den Typ {m[2]}, hier wird {m[3]} erwartet."),
    (r"Unknown fragment '(\w+)'\.", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Das Fragment „{m[1]}“ ist nicht definiert."),
    (r"Fragment '(\w+)' is never used\.", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Das Fragment „{m[1]}“ wird nicht verwendet."),
    (r"Unknown type '(\w+)'\.(.*)", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Den Typ „{m[1]}“ gibt es nicht.{_meinten(m[2])}"),
    (r"Unknown directive '@(\w+)'\.", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Die Direktive @{m[1]} gibt es nicht."),
    (r"There can be only one operation named '(.+)'\.", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Es gibt mehrere Operationen namens „{m[1]}“."),
    (r"This anonymous operation must be the only defined operation\.",
     "GRAPHQL_VALIDATION_FAILED",
     lambda m: "Eine Operation ohne Namen muss die einzige der Anfrage sein."),
    (r"Field '(\w+)' must not have a selection since type '(.+)' has no subfields\.",
     "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Das Feld „{m[1]}“ ({m[2]}) hat keine Unterfelder."),
    (r"'(\w+)' exceeds maximum operation depth of (\d+)", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Die Anfrage ist zu tief verschachtelt (höchstens {m[2]} Ebenen)."),
    (r"(\d+) aliases found\. Allowed: (\d+)", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Die Anfrage enthält zu viele Aliasse ({m[1]}, höchstens {m[2]})."),
    (r"Validation aborted\.", "GRAPHQL_VALIDATION_FAILED",
     lambda m: "Die Anfrage ist zu tief verschachtelt; ihre Prüfung wurde abgebrochen."),
    (r"Too many validation errors, error limit reached\. Validation aborted\.",
     "GRAPHQL_VALIDATION_FAILED",
     lambda m: "Die Anfrage enthält zu viele Fehler; ihre Prüfung wurde abgebrochen."),
    (r"Unknown operation named '(.+)'\.", "BAD_USER_INPUT",
     lambda m: f"Eine Operation „{m[1]}“ enthält die Anfrage nicht."),
    (r"(.*)", "GRAPHQL_VALIDATION_FAILED",
     lambda m: f"Die Anfrage ist ungültig: {_werte_deutsch(m[1])}"),
]
_ANFRAGEN_RE = [(re.compile(muster, re.DOTALL), code, wort) for muster, code, wort in _ANFRAGEN]


def _meinten(text: str) -> str:
    """graphql-core's suggestion (" Did you mean 'a', 'b', or 'c'?") in German, or ""."""
    namen = re.findall(r"'([^']+)'", text) if "Did you mean" in text else []
    if not namen:
        return ""
    liste = ", ".join(f"„{n}“" for n in namen[:-1])
    return f" Meinten Sie {liste + ' oder ' if liste else ''}„{namen[-1]}“?"


def _werte_deutsch(text: str) -> str:
    for muster, wort in _WERTE_RE:
        if treffer := muster.fullmatch(text.strip()):
            return wort(treffer)
    return text


def anfragefehler_deutsch(fehler: GraphQLError) -> GraphQLError:
    """The request error in German, with its code; graphql-core's text in `detail`."""
    for muster, code, wort in _ANFRAGEN_RE:
        if treffer := muster.fullmatch(fehler.message):
            nachricht, art = wort(treffer), code
            break
    return GraphQLError(nachricht, nodes=fehler.nodes, source=fehler.source,
                        positions=fehler.positions, path=fehler.path,
                        extensions={"code": art, "detail": fehler.message})


def fuer_client(fehler: list[GraphQLError]) -> tuple[list[GraphQLError], bool]:
    """The errors as the client reads them, and whether the database was unavailable.

    Applied to every result in the view, so errors that arise before execution (parsing,
    validation, variable values) are worded like those of the resolvers.
    """
    ergebnis, nicht_verfuegbar = [], False
    for eintrag in fehler:
        if isinstance(eintrag.original_error, DATENBANK_NICHT_VERFUEGBAR):
            nicht_verfuegbar = True
            ergebnis.append(_ersetzt(eintrag, NICHT_VERFUEGBAR, "SERVICE_UNAVAILABLE"))
        elif unerwartet(eintrag):
            ergebnis.append(_ersetzt(eintrag, INTERNER_FEHLER, "INTERNAL_SERVER_ERROR"))
        elif anfragefehler(eintrag):
            ergebnis.append(anfragefehler_deutsch(eintrag))
        else:
            ergebnis.append(eintrag)
    return ergebnis, nicht_verfuegbar


def _ersetzt(fehler: GraphQLError, nachricht: str, code: str) -> GraphQLError:
    """The error with a German message and no details of its cause."""
    return GraphQLError(nachricht, nodes=fehler.nodes, source=fehler.source,
                        positions=fehler.positions, path=fehler.path,
                        extensions={"code": code})


#: Strawberry's refusals of a malformed HTTP request (before any GraphQL), in German.
_HTTP_GRUENDE: list[tuple[str, _Uebersetzung]] = [
    (r"Unable to parse request body as JSON",
     lambda m: "Der Inhalt der Anfrage ist kein gültiges JSON."),
    (r"The GraphQL operation's `(\w+)` must be (?:a|an) (\w+) or null, if provided\.",
     lambda m: f"„{m[1]}“ muss {'ein Text' if m[2] == 'string' else 'ein Objekt'} oder null "
               "sein."),
    (r"No GraphQL query found in the request",
     lambda m: "Die Anfrage enthält keine GraphQL-Operation („query“)."),
    (r"Batching is not enabled|Too many operations",
     lambda m: "Bitte nur eine Operation je Anfrage senden (kein Batching)."),
    (r"Unsupported content type",
     lambda m: "Bitte die Operation als JSON senden (Content-Type: application/json)."),
    (r"Unknown operation named \"(.*)\"\.",
     lambda m: f"Eine Operation „{m[1]}“ enthält die Anfrage nicht."),
    (r"Can't get GraphQL operation type",
     lambda m: "Die Anfrage enthält mehrere Operationen; bitte „operationName“ angeben."),
    (r"(\w+) are not allowed when using (\w+)",
     lambda m: f"Diese Operation ist mit {m[2]} nicht erlaubt."),
    (r"GraphQL only supports GET and POST requests\.",
     lambda m: "Nur GET (GraphiQL) und POST sind erlaubt."),
]
_HTTP_GRUENDE_RE = [(re.compile(muster), wort) for muster, wort in _HTTP_GRUENDE]


def http_grund_deutsch(grund: str) -> str:
    """Strawberry's reason for refusing a request, in German."""
    for muster, wort in _HTTP_GRUENDE_RE:
        if treffer := muster.fullmatch(grund):
            return wort(treffer)
    return "Die Anfrage ist ungültig."

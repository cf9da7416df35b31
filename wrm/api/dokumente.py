"""Trusted documents: the saved operations of `graphql/operations/`, known by their SHA-256.

A client names a saved operation instead of sending its text, in the GraphQL-over-HTTP
convention (`{"documentId": "sha256:<hex>", "variables": …}`) or Apollo's
(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}`). The id is the
SHA-256 of the file's bytes, so it changes with any edit of the file and a client never runs a
text other than the one it was written against.

Every document is read and parsed when the app starts (a broken file stops the start) and
validated on its first use with the schema's own rules; both results are kept for the life of
the worker, apart from the parser and validation caches that ad-hoc texts share and evict
(`Gespeichert*` below).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from strawberry.extensions import ParserCache, ValidationCache

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, parse

#: The saved operations of a checkout.
ORDNER = Path(__file__).parents[2] / "graphql" / "operations"
PRAEFIX = "sha256:"
_ERWEITERUNG = "wrm_dokumente"


class DokumentFehler(Exception):
    """A request names a document in a way that cannot be answered (German message)."""

    def __init__(self, status: int, code: str, nachricht: str) -> None:
        super().__init__(nachricht)
        self.status, self.code, self.nachricht = status, code, nachricht


@dataclass
class Dokument:
    """One saved operation."""

    id: str
    #: The path below `graphql/operations/`, without `.graphql` (e.g. `presse/kreis_heute`).
    pfad: str
    text: str
    dokument: DocumentNode
    #: Validation errors with the schema's rules, from the first use on (None before).
    fehler: list[GraphQLError] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The operation's name (the first one named in the file)."""
        for definition in self.dokument.definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                return definition.name.value
        return self.pfad


def dokument_id(text: str) -> str:
    """The document id of a text: `sha256:` and the hex SHA-256 of its UTF-8 bytes."""
    return PRAEFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


class Dokumente:
    """The registry: saved operations by id and by text."""

    def __init__(self, ordner: Path = ORDNER) -> None:
        self.nach_id: dict[str, Dokument] = {}
        self.nach_text: dict[str, Dokument] = {}
        self._sperre = threading.Lock()
        for datei in sorted(ordner.rglob("*.graphql")) if ordner.is_dir() else []:
            text = datei.read_text(encoding="utf-8")
            try:
                dokument = parse(text)
            except GraphQLError as fehler:
                raise ValueError(f"{datei}: gespeicherte Operation ist kein gültiges GraphQL: "
                                 f"{fehler.message}") from fehler
            eintrag = Dokument(dokument_id(text), datei.relative_to(ordner).with_suffix("")
                               .as_posix(), text, dokument)
            self.nach_id[eintrag.id] = eintrag
            self.nach_text[text] = eintrag

    def __iter__(self) -> Iterator[Dokument]:
        return iter(sorted(self.nach_id.values(), key=lambda d: d.pfad))

    def __len__(self) -> int:
        return len(self.nach_id)

    def text_fuer(self, anfrage: dict[str, Any]) -> str | None:
        """The text a request body asks for: its `query`, or the saved operation its
        `documentId` (or Apollo's `persistedQuery` hash) names; None when it names neither.

        Raises `DokumentFehler` for an unknown id, an id of another kind, or an id sent with
        a text it does not belong to.
        """
        kennung = _kennung(anfrage)
        text = anfrage.get("query")
        if kennung is None:
            return text if isinstance(text, str) else None
        if isinstance(text, str) and text:
            # Apollo's clients send the text with its hash once the server did not know it.
            if dokument_id(text) != kennung:
                raise DokumentFehler(400, "BAD_REQUEST", "Die Dokument-ID passt nicht zum "
                                     "mitgesendeten Text der Anfrage.")
            return text
        eintrag = self.nach_id.get(kennung)
        if eintrag is None:
            raise DokumentFehler(404, "PERSISTED_QUERY_NOT_FOUND",
                                 f"Unbekanntes gespeichertes Dokument „{kennung[:80]}“. Die IDs "
                                 "der gespeicherten Operationen nennt „wrm operationen“; "
                                 "eigene Abfragen als Text in „query“ senden.")
        return eintrag.text

    def merken(self, eintrag: Dokument, fehler: list[GraphQLError]) -> None:
        """Keep a document's validation result (its first use)."""
        with self._sperre:
            eintrag.fehler = fehler


def _kennung(anfrage: dict[str, Any]) -> str | None:
    kennung = anfrage.get("documentId")
    if kennung is None:
        erweiterungen = anfrage.get("extensions")
        persistiert = erweiterungen.get("persistedQuery") if isinstance(
            erweiterungen, dict) else None
        if isinstance(persistiert, dict) and persistiert.get("sha256Hash") is not None:
            hashwert = persistiert["sha256Hash"]
            if not isinstance(hashwert, str):
                raise DokumentFehler(400, "BAD_REQUEST", "„extensions.persistedQuery."
                                     "sha256Hash“ muss eine Zeichenkette sein.")
            return PRAEFIX + hashwert.lower()
        return None
    if not isinstance(kennung, str) or not kennung.startswith(PRAEFIX):
        raise DokumentFehler(400, "BAD_REQUEST", "„documentId“ muss die Form "
                             "„sha256:<64 Hexziffern>“ haben.")
    return PRAEFIX + kennung[len(PRAEFIX):].lower()


def registrieren(app: Any, dokumente: Dokumente) -> None:
    """Make the registry the app's (read by the extensions below and the view)."""
    app.extensions[_ERWEITERUNG] = dokumente


def registry() -> Dokumente | None:
    """The current app's registry, if it has one."""
    return current_app.extensions.get(_ERWEITERUNG)  # type: ignore[no-any-return]


def _gespeichert(text: object) -> Dokument | None:
    dokumente = registry()
    return dokumente.nach_text.get(text) if dokumente is not None and isinstance(
        text, str) else None


class GespeicherterParser(ParserCache):
    """Strawberry's parser cache; a saved operation's document comes from the registry,
    parsed once at start, so a stream of new texts never evicts it."""

    def on_parse(self) -> Iterator[None]:
        """The registry's document for a saved text, else Strawberry's cache."""
        eintrag = _gespeichert(self.execution_context.query)
        if eintrag is None:
            yield from super().on_parse()
            return
        self.execution_context.graphql_document = eintrag.dokument
        yield


class GespeichertePruefung(ValidationCache):
    """Strawberry's validation cache; a saved operation is validated on its first use with
    the schema's rules (by that cache) and its result kept in the registry."""

    def on_validate(self) -> Iterator[None]:
        """The kept result for a saved text validated before, else Strawberry's cache."""
        ausfuehrung = self.execution_context
        eintrag = _gespeichert(ausfuehrung.query)
        if eintrag is not None and eintrag.fehler is not None and \
                ausfuehrung.graphql_document is eintrag.dokument:
            ausfuehrung.pre_execution_errors = eintrag.fehler
            yield
            return
        yield from super().on_validate()
        if eintrag is not None and ausfuehrung.graphql_document is eintrag.dokument and \
                ausfuehrung.pre_execution_errors is not None:
            registry().merken(eintrag, ausfuehrung.pre_execution_errors)  # type: ignore[union-attr]

"""The GraphQL API (Strawberry) at `/graphql`."""

from __future__ import annotations

from flask import Flask


def init_api(app: Flask) -> None:
    """Register `/graphql`: POST for operations; GET only for GraphiQL."""
    from wrm import zwischenspeicher
    from wrm.api.dokumente import Dokumente, registrieren
    from wrm.api.schema import schema
    from wrm.api.view import Ansichtsspeicher, WrmGraphQLView
    from wrm.services import lesemodell

    registrieren(app, Dokumente())

    speicher = Ansichtsspeicher.fuer(int(app.config["ANTWORTCACHE"]))
    # The figures behind the answers, shared by a worker's read requests (none when the
    # response cache is off, as in the measurements without it).
    if int(app.config["ANTWORTCACHE"]):
        zwischenspeicher.anmelden(app, lesemodell.anlegen(app))
    ansicht = WrmGraphQLView.as_view(
        "graphql", schema=schema, allow_queries_via_get=False,
        graphql_ide="graphiql" if app.config["GRAPHIQL"] else None, speicher=speicher)
    app.add_url_rule("/graphql", view_func=ansicht, methods=["GET", "POST"])
    # The view's stores, so that `zwischenspeicher.leeren` empties them all. (Validation
    # results need no emptying: they depend on the schema and the text alone.)
    zwischenspeicher.anmelden(app, speicher)

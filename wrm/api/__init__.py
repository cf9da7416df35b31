"""The GraphQL API (Strawberry) at `/graphql`."""

from __future__ import annotations

from flask import Flask


def init_api(app: Flask) -> None:
    """Register `/graphql`: POST for operations; GET only for GraphiQL."""
    from wrm import zwischenspeicher
    from wrm.api.dokumente import Dokumente, registrieren
    from wrm.api.schema import schema
    from wrm.api.view import Ansichtsspeicher, WrmGraphQLView

    registrieren(app, Dokumente())

    speicher = Ansichtsspeicher.fuer(int(app.config["ANTWORTCACHE"]))
    ansicht = WrmGraphQLView.as_view(
        "graphql", schema=schema, allow_queries_via_get=False,
        graphql_ide="graphiql" if app.config["GRAPHIQL"] else None, speicher=speicher)
    app.add_url_rule("/graphql", view_func=ansicht, methods=["GET", "POST"])
    # The view's stores, so that `zwischenspeicher.leeren` empties them all. (Validation
    # results need no emptying: they depend on the schema and the text alone.)
    zwischenspeicher.anmelden(app, speicher)

"""The GraphQL API (Strawberry) at `/graphql`."""

from __future__ import annotations

from flask import Flask


def init_api(app: Flask) -> None:
    """Register `/graphql`: POST for operations; GET only for GraphiQL."""
    from wrm.api.cache import Antwortcache
    from wrm.api.schema import schema
    from wrm.api.view import WrmGraphQLView

    ansicht = WrmGraphQLView.as_view(
        "graphql", schema=schema, allow_queries_via_get=False,
        graphql_ide="graphiql" if app.config["GRAPHIQL"] else None,
        cache=Antwortcache(int(app.config["ANTWORTCACHE"])))
    app.add_url_rule("/graphql", view_func=ansicht, methods=["GET", "POST"])

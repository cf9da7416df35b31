"""`wrm operationen`: the saved GraphQL operations and the ids a script sends instead of their
text (trusted documents, `wrm.api.dokumente`)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from wrm.api.dokumente import registry


@click.command("operationen")
@with_appcontext
@click.option("--format", "format_", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Ausgabeformat.")
def operationen_befehl(format_: str) -> None:
    """Die gespeicherten Operationen mit ihrer Dokument-ID („documentId“) auflisten."""
    dokumente = list(registry() or [])
    if format_ == "json":
        click.echo(json.dumps([{"id": d.id, "name": d.name, "datei": f"{d.pfad}.graphql"}
                               for d in dokumente], ensure_ascii=False, indent=2))
        return
    if not dokumente:
        click.echo("Keine gespeicherten Operationen gefunden (graphql/operations/ fehlt).")
        return
    breite = max(len(d.pfad) for d in dokumente)
    namen = max(len(d.name) for d in dokumente)
    click.echo(f"{'Datei':<{breite}}  {'Operation':<{namen}}  Dokument-ID")
    for d in dokumente:
        click.echo(f"{d.pfad:<{breite}}  {d.name:<{namen}}  {d.id}")

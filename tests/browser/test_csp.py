"""In a real browser, under the Content-Security-Policy: Flask-Admin's questions and bulk
actions work through listeners, and no screen triggers a CSP violation (checked by every page
the `neue_seite` fixture opens)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.browser.hilfe import anmelden, chromium_verlangen, expect

chromium_verlangen()


def test_deleting_a_quota_asks_first_under_the_csp(neue_seite) -> None:
    seite = neue_seite()
    anmelden(seite, "kreis")
    seite.goto("/admin/aufnahmequote/")
    zeilen = seite.locator("table.model-list tbody tr")
    anzahl = zeilen.count()
    fragen: list[str] = []

    def antworten(dialog, annehmen: bool) -> None:  # type: ignore[no-untyped-def]
        fragen.append(dialog.message)
        dialog.accept() if annehmen else dialog.dismiss()

    seite.once("dialog", lambda d: antworten(d, False))
    zeilen.first.locator("form button").click()
    expect(zeilen).to_have_count(anzahl)  # declined: nothing deleted
    seite.once("dialog", lambda d: antworten(d, True))
    with seite.expect_navigation():  # accepted: the form is sent and the list comes back
        zeilen.first.locator("form button").click()
    expect(zeilen).to_have_count(anzahl - 1)
    assert len(fragen) == 2 and "löschen" in fragen[0]


def test_bulk_action_deactivates_users_under_the_csp(neue_seite, web: Flask) -> None:
    from wrm.db import db
    from wrm.models import Benutzer

    seite = neue_seite()
    anmelden(seite, "kreis")
    seite.goto("/admin/benutzer/")
    seite.locator("table.model-list tbody tr").filter(
        has=seite.get_by_role("cell", name="presse", exact=True)).locator(
        "input.action-checkbox").check()
    seite.get_by_role("button", name="Mit Auswahl").or_(
        seite.get_by_role("link", name="Mit Auswahl")).click()
    seite.once("dialog", lambda dialog: dialog.accept())
    with seite.expect_navigation():
        seite.locator("a[data-aktion=deaktivieren]").click()
    expect(seite.locator(".alert-success")).to_contain_text("1 Benutzer deaktiviert")
    with web.app_context():
        assert db.session.scalar(select(Benutzer.aktiv).where(Benutzer.name == "presse")) is False

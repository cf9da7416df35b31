"""GraphiQL on the intranet: served from the application (no request leaves the server, which
`seiten` checks for every page), the saved operations as tabs, and one of them runs."""

from __future__ import annotations

from flask import Flask

from tests.browser.barrierefreiheit import verstoesse
from tests.browser.hilfe import anmelden, bedienen, bild, chromium_verlangen, expect, seiten

chromium_verlangen()


def test_graphiql_runs_a_saved_operation_without_internet(demo_web: Flask, browser) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen()
        anmelden(seite, "landkreis", "demo-wrm-2026")
        seite.goto("/graphql")
        expect(seite.locator(".graphiql-container")).to_be_visible()
        # The first tab is the first saved press operation (kommunen_tabelle).
        expect(seite.locator(".graphiql-query-editor")).to_contain_text("query KommunenTabelle")
        expect(seite.locator(".graphiql-tab")).to_have_count(15)  # presse 4, landkreis 9, kommune 2
        seite.locator(".graphiql-execute-button").click()
        ergebnis = seite.locator(".graphiql-response")
        expect(ergebnis).to_contain_text('"zeilen"')
        # The editor draws only the visible lines: the first row, by Bedarf as in the paper.
        expect(ergebnis).to_contain_text('"name": "Kommune R"')
        expect(ergebnis).to_contain_text('"bedarf": -174')
        # GraphiQL's own markup, repaired by wrm/static/graphiql_zugang.js: WCAG 2.1 AA too.
        assert verstoesse(seite) == []
        seite.get_by_role("button", name="KreisHeute", exact=True).click()
        expect(seite.get_by_role("button", name="KreisHeute", exact=True)).to_have_attribute(
            "aria-current", "true")
        assert verstoesse(seite) == []
        bild(seite, "60_graphiql")

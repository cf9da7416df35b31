"""Flask-Admin screens of WRM, German, every one scoped by `wrm.berechtigungen`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from jinja2 import ChoiceLoader, FileSystemLoader

from admin.base import StartAnsicht
from admin.benutzer import BenutzerView
from admin.hilfe import VereinbarungView
from admin.hilfeersuchen import HilfeersuchenView
from admin.meldungen import MeineMeldungAnsicht, MeldungView
from admin.prognose import PrognoseAnsicht
from admin.quotenberechnung import QuotenberechnungAnsicht
from admin.quotenblatt import QuotenblattAnsicht
from admin.stammdaten import AufnahmequoteView, KommuneView, LandkreisView, VerteilzeitraumView
from admin.uebersicht import AuswertungAnsicht, UebersichtAnsicht
from admin.unterkuenfte import UnterkunftView
from admin.verlauf import VerlaufView
from wrm.models import (
    Aufnahmequote,
    Benutzer,
    Hilfeersuchen,
    Kommune,
    Landkreis,
    Meldung,
    Unterkunft,
    Vereinbarung,
    Verlaufseintrag,
    Verteilzeitraum,
)
from wrm.sicherheit import csp_nonce

VORLAGEN = Path(__file__).parent / "templates"
UEBERSETZUNGEN = Path(__file__).parent / "translations"


def init_admin(app: Flask) -> Admin:
    """Create the admin with all views and make its template overrides available."""
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(VORLAGEN)])  # type: ignore[list-item]
    verwaltung = Admin(
        app, name="WRM", url="/admin",
        index_view=StartAnsicht(name="Start", url="/admin", template="admin/start.html"),
        theme=Bootstrap4Theme(base_template="admin/wrm_basis.html", fluid=True),
        translations_path=str(UEBERSETZUNGEN), csp_nonce_generator=csp_nonce,
    )
    verwaltung.add_view(MeineMeldungAnsicht(name="Meine Meldung", endpoint="meine_meldung",
                                            url="/admin/meine-meldung"))
    verwaltung.add_view(UebersichtAnsicht(name="Übersicht", endpoint="uebersicht",
                                          url="/admin/uebersicht"))
    verwaltung.add_view(AuswertungAnsicht(name="Auswertung", endpoint="auswertung",
                                          url="/admin/auswertung"))
    quoten = "Quoten"
    verwaltung.add_view(QuotenblattAnsicht(name="Quotenblatt", endpoint="quotenblatt",
                                           url="/admin/quotenblatt", category=quoten))
    verwaltung.add_view(QuotenberechnungAnsicht(name="Quotenberechnung",
                                                endpoint="quotenberechnung",
                                                url="/admin/quotenberechnung", category=quoten))
    verwaltung.add_view(PrognoseAnsicht(name="Prognose", endpoint="prognose",
                                        url="/admin/prognose"))
    verwaltung.add_view(MeldungView(Meldung, name="Meldungen", endpoint="meldung"))
    verwaltung.add_view(UnterkunftView(Unterkunft, name="Unterkünfte", endpoint="unterkunft"))
    verwaltung.add_view(VerlaufView(Verlaufseintrag, name="Verlauf", endpoint="verlauf"))
    hilfe = "Hilfe zwischen Kommunen"
    verwaltung.add_view(VereinbarungView(Vereinbarung, name="Vereinbarungen",
                                         endpoint="vereinbarung", category=hilfe))
    verwaltung.add_view(HilfeersuchenView(Hilfeersuchen, name="Hilfeersuchen",
                                          endpoint="hilfeersuchen", category=hilfe))
    stammdaten = "Stammdaten"
    verwaltung.add_view(KommuneView(Kommune, name="Kommunen", endpoint="kommune",
                                    category=stammdaten))
    verwaltung.add_view(VerteilzeitraumView(Verteilzeitraum, name="Verteilzeiträume",
                                            endpoint="verteilzeitraum", category=stammdaten))
    verwaltung.add_view(AufnahmequoteView(Aufnahmequote, name="Aufnahmequoten",
                                          endpoint="aufnahmequote", category=stammdaten))
    verwaltung.add_view(LandkreisView(Landkreis, name="Meldefrist", endpoint="landkreis",
                                      category=stammdaten))
    verwaltung.add_view(BenutzerView(Benutzer, name="Benutzer", endpoint="benutzer",
                                     category=stammdaten))
    return verwaltung

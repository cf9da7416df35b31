"""The WRM domain model; importing this package registers every table on `Base.metadata`."""

from wrm.models.ankuendigung import Ankuendigung
from wrm.models.benachrichtigung import Benachrichtigung
from wrm.models.benutzer import Benutzer, Rolle
from wrm.models.buchung import Buchung, Buchungsart
from wrm.models.datenstand import Aenderungsprotokoll, Datenstand
from wrm.models.kommune import KREISUNTERKUENFTE, Art, Kommune, Meldequelle
from wrm.models.landkreis import Landkreis
from wrm.models.meldung import Meldung
from wrm.models.quotenanpassung import Anpassungsart, Quotenanpassung
from wrm.models.token import Token
from wrm.models.unterkunft import (
    Reservierung,
    Unterkunft,
    Unterkunftseintrag,
    Unterkunftsstatus,
)
from wrm.models.vereinbarung import (
    Ersuchensstatus,
    Hilfeersuchen,
    Platzart,
    Seite,
    Vereinbarung,
    Vereinbarungsereignis,
    Vereinbarungsstatus,
)
from wrm.models.verlauf import Quotenaenderung, Verlaufseintrag
from wrm.models.verteilzeitraum import Aufnahmequote, Verteilzeitraum

__all__ = [
    "KREISUNTERKUENFTE",
    "Aenderungsprotokoll",
    "Ankuendigung",
    "Anpassungsart",
    "Art",
    "Aufnahmequote",
    "Benachrichtigung",
    "Benutzer",
    "Buchung",
    "Buchungsart",
    "Datenstand",
    "Ersuchensstatus",
    "Hilfeersuchen",
    "Kommune",
    "Landkreis",
    "Meldequelle",
    "Meldung",
    "Platzart",
    "Quotenaenderung",
    "Quotenanpassung",
    "Reservierung",
    "Rolle",
    "Seite",
    "Token",
    "Unterkunft",
    "Unterkunftseintrag",
    "Unterkunftsstatus",
    "Vereinbarung",
    "Vereinbarungsereignis",
    "Vereinbarungsstatus",
    "Verlaufseintrag",
    "Verteilzeitraum",
]

"""The counters behind `/metrics` (`wrm.metriken`), apart from the app so that any module
can count without importing it. prometheus_client keeps them per process, or in its
multiprocess files when `PROMETHEUS_MULTIPROC_DIR` is set."""

from prometheus_client import Counter, Histogram

ANFRAGEN = Counter("wrm_anfragen", "Beantwortete Anfragen je Endpunktgruppe, Methode und Status",
                   ["gruppe", "methode", "status"])
DAUER = Histogram("wrm_anfrage_dauer_sekunden", "Dauer der Anfragen je Endpunktgruppe",
                  ["gruppe"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
DATENBANKFEHLER = Counter("wrm_datenbankfehler", "Anfragen, an denen die Datenbank scheiterte")
CACHE = Counter("wrm_cache", "Zugriffe auf die Zwischenspeicher eines Workers",
                ["speicher", "ergebnis"])
ANMELDUNG_FEHLGESCHLAGEN = Counter("wrm_anmeldungen_fehlgeschlagen",
                                   "Fehlgeschlagene Anmeldungen (Formular und API-Token)",
                                   ["weg"])

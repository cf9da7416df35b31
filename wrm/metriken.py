"""`/metrics` in Prometheus' text format (the `prometheus_client` library): requests and their
duration per endpoint group, database failures, cache hits and misses, failed logins, and the
reports overdue now. Only for the addresses and networks in `WRM_METRIKEN_ERLAUBT` (default:
loopback); others get 403. The client address is the one `WRM_PROXY_ANZAHL` trusts, as
everywhere (`wrm.sicherheit`).

Under gunicorn with several workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty writable
folder (a tmpfs) and start gunicorn with `-c python:wrm.gunicorn_konfiguration`: then one scrape
sums every worker (prometheus_client's multiprocess mode). Without it, a scrape sees the worker
that answers it.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from wrm.db import db
from wrm.konfiguration import KonfigurationsFehler
from wrm.services.frische import ueberfaellige
from wrm.zaehler import ANFRAGEN, DATENBANKFEHLER, DAUER

bp = Blueprint("metriken", __name__)
_log = logging.getLogger(__name__)
_NETZE = "wrm_metriken_netze"

def gruppe(endpunkt: str | None) -> str:
    """The endpoint group of a request, for the labels (few values, never a path)."""
    if endpunkt is None:
        return "unbekannt"
    if endpunkt == "static" or endpunkt.endswith(".static"):
        return "statisch"
    if endpunkt.startswith(("graphql", "api.")):
        return "graphql"
    for praefix, name in (("anmeldung.", "anmeldung"), ("betrieb.", "betrieb"),
                          ("metriken.", "metriken")):
        if endpunkt.startswith(praefix):
            return name
    return "admin"


class _Ueberfaellig(Collector):
    """The reports overdue now, per Landkreis, counted at each scrape (in its request)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One gauge sample per Landkreis."""
        familie = GaugeMetricFamily("wrm_meldungen_ueberfaellig",
                                    "Kommunen, deren Meldung älter als die Meldefrist ist "
                                    "oder fehlt", labels=["landkreis"])
        standard = int(current_app.config["MELDEFRIST_TAGE"])
        try:
            zahlen = ueberfaellige(db.session, standard=standard)
        except SQLAlchemyError as fehler:
            # The other metrics still answer, the database failure among them.
            _log.warning("Metriken: überfällige Meldungen nicht gezählt: %s", fehler)
            DATENBANKFEHLER.inc()
            db.session.rollback()
            return
        for name, anzahl in zahlen.items():
            familie.add_metric([name], anzahl)
        yield familie


#: What is counted at the scrape itself, not by the workers.
_BEIM_ABRUF = CollectorRegistry()
_BEIM_ABRUF.register(_Ueberfaellig())


@bp.get("/metrics")
def metriken() -> Response:
    """The metrics, for allowed addresses only."""
    adresse = ipaddress.ip_address(request.remote_addr or "0.0.0.0")  # noqa: S104 - no address: refused
    if not any(adresse in netz for netz in current_app.extensions[_NETZE]):
        abort(403)
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    # The count at the scrape first: a database failure there is counted in the rest.
    beim_abruf = generate_latest(_BEIM_ABRUF)
    inhalt = generate_latest(registry) + beim_abruf
    return Response(inhalt, mimetype=CONTENT_TYPE_LATEST)


def _beginnen() -> None:
    g.metrik_beginn = time.perf_counter()


def _beenden(antwort: Response) -> Response:
    beginn = g.get("metrik_beginn")
    if beginn is not None:
        name = gruppe(request.endpoint)
        ANFRAGEN.labels(name, request.method, str(antwort.status_code)).inc()
        DAUER.labels(name).observe(time.perf_counter() - beginn)
    return antwort


def netze(text: str) -> list[Any]:
    """The networks of `WRM_METRIKEN_ERLAUBT` (comma-separated addresses or CIDR networks);
    a German error naming the entry that is neither."""
    ergebnis = []
    for eintrag in (e.strip() for e in text.split(",")):
        if not eintrag:
            continue
        try:
            ergebnis.append(ipaddress.ip_network(eintrag, strict=False))
        except ValueError:
            raise KonfigurationsFehler(
                f"WRM_METRIKEN_ERLAUBT: „{eintrag}“ ist keine IP-Adresse und kein Netz "
                "(z. B. 10.0.0.0/8).") from None
    return ergebnis


def init_metriken(app: Flask) -> None:
    """Count every request, register `/metrics`."""
    app.extensions[_NETZE] = netze(str(app.config["METRIKEN_ERLAUBT"]))
    app.before_request(_beginnen)
    app.after_request(_beenden)
    app.register_blueprint(bp)

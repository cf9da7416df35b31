"""WRM's log lines: plain text by default; with `WRM_LOG_FORMAT=json` one JSON object per
line on stdout, with the keys `zeit`, `stufe` and `nachricht`, and for each request one line
with `anfrage_id`, `methode`, `pfad` (without the query string), `status`, `dauer_ms` and
`benutzer_id`. A request line holds those fields only, so no password, token or figure from a
form, a header or a body reaches the log. Every response carries its id as `X-Request-ID`
(taken from the proxy's header when it is a plain token, else new).

gunicorn's own lines take the same form when it is started with
`-c python:wrm.gunicorn_konfiguration` (README, Production).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter

#: The keys of every JSON line, by the names of Python's log record.
SCHLUESSEL = {"asctime": "zeit", "levelname": "stufe", "message": "nachricht"}
#: The logger of the request lines.
ANFRAGEN = "wrm.anfragen"
_ANFRAGE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: Endpoints whose line names no user: asking for one would cost a database query (static
#: files) or needs the database the health check is about.
_OHNE_BENUTZER = ("static", "betrieb.lebt", "betrieb.bereit")


class JsonZeilen(JsonFormatter):
    """python-json-logger's formatter with WRM's keys and the time in ISO 8601 (UTC)."""

    def __init__(self) -> None:
        super().__init__("{asctime}{levelname}{message}", style="{",
                         rename_fields=SCHLUESSEL, json_ensure_ascii=False)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        """The moment of the line, e.g. 2026-12-08T09:15:02.123+00:00."""
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def json_handler() -> logging.Handler:
    """A handler writing JSON lines to stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonZeilen())
    return handler


def gunicorn_logconfig(format_: str) -> dict[str, Any]:
    """gunicorn's `logconfig_dict` for a log format (`json`: its lines as WRM's; else gunicorn's
    own text lines)."""
    if format_ != "json":
        return {}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonZeilen}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stdout"}},
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
            # gunicorn's access lines would carry the query string (a token given there):
            # WRM writes its own request lines, without it.
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def _beginnen() -> None:
    g.anfrage_beginn = time.perf_counter()
    eingang = request.headers.get("X-Request-ID", "")
    g.anfrage_id = eingang if _ANFRAGE_ID.fullmatch(eingang) else uuid.uuid4().hex


def _benutzer_id() -> int | None:
    if request.endpoint in _OHNE_BENUTZER or request.endpoint is None:
        return None
    benutzer = request.environ.get("wrm.benutzer")  # the API's token login
    if benutzer is not None:
        return benutzer.id  # type: ignore[no-any-return]
    return current_user.id if current_user.is_authenticated else None  # type: ignore[no-any-return]


def _beenden(antwort: Response) -> Response:
    anfrage_id = g.get("anfrage_id")
    if anfrage_id is None:  # a response made before the request began (a routing error)
        return antwort
    antwort.headers["X-Request-ID"] = anfrage_id
    if logging.getLogger(ANFRAGEN).isEnabledFor(logging.INFO):
        logging.getLogger(ANFRAGEN).info("Anfrage", extra={
            "anfrage_id": anfrage_id, "methode": request.method, "pfad": request.path,
            "status": antwort.status_code,
            "dauer_ms": round((time.perf_counter() - g.anfrage_beginn) * 1000, 1),
            "benutzer_id": _benutzer_id()})
    return antwort


def init_logs(app: Flask) -> None:
    """Request ids on every response; JSON lines on stdout when `LOG_FORMAT` is `json`."""
    if app.config["LOG_FORMAT"] == "json":
        wurzel = logging.getLogger()
        if not any(isinstance(h.formatter, JsonZeilen) for h in wurzel.handlers):
            wurzel.handlers = [json_handler()]
        wurzel.setLevel(logging.INFO)
        # Flask's own handler would write the app's lines a second time, as text.
        app.logger.handlers.clear()
        logging.getLogger(ANFRAGEN).setLevel(logging.INFO)
    else:
        logging.getLogger(ANFRAGEN).setLevel(logging.WARNING)
    app.before_request(_beginnen)
    app.after_request(_beenden)

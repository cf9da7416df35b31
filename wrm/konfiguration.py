"""Configuration layers: defaults, the instance file, `WRM_*` environment variables, test dict."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "SECRET_KEY": None,  # default in development: generated once, kept in the instance folder
    "MELDEFRIST_TAGE": 7,
    "LANDKREIS": "Landkreis Osnabrück",
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    # Failed logins per client and user name before the login is locked for a while.
    "ANMELDUNG_LIMIT": "5 per minute;20 per hour",
    # Shared across gunicorn workers in production, e.g. redis://127.0.0.1:6379
    "RATELIMIT_STORAGE_URI": "memory://",
    # A session ends this long after the login (a working day), or after this long unused.
    "SITZUNG_STUNDEN": 10,
    "SITZUNG_LEERLAUF_MINUTEN": 240,
    # Number of reverse proxies in front of WRM whose X-Forwarded-* headers are trusted.
    "PROXY_ANZAHL": 0,
    # Largest request body in bytes (Werkzeug enforces it while reading, chunked bodies too).
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    # Reminder e-mails (`wrm erinnern`) and the address the links in them point to.
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_BENUTZER": None,
    "MAIL_PASSWORT": None,
    "MAIL_STARTTLS": False,
    "MAIL_ABSENDER": "wrm@localhost",
    "BASIS_URL": "http://127.0.0.1:5000",
    # Cached GraphQL read responses per worker (0: off); see wrm/api/cache.py.
    "ANTWORTCACHE": 512,
    # GraphiQL at /graphql for logged-in users; default: on except in production.
    "GRAPHIQL": None,
    # "json": one JSON object per line on stdout (`wrm.logs`); else plain text.
    "LOG_FORMAT": "text",
    # Who may read /metrics: comma-separated addresses or CIDR networks (`wrm.metriken`).
    "METRIKEN_ERLAUBT": "127.0.0.1/32,::1/128",
}


class KonfigurationsFehler(RuntimeError):
    """The configuration cannot work; the message says what to set."""


def datenbank_url(url: str) -> str:
    """Normalise a database URL: plain `postgresql://` URLs get the psycopg 3 driver."""
    for praefix in ("postgres://", "postgresql://"):
        if url.startswith(praefix):
            return "postgresql+psycopg://" + url[len(praefix):]
    return url


def _geheimer_schluessel(instanz: Path) -> str:
    datei = instanz / "secret_key"
    if datei.exists():
        return datei.read_text().strip()
    schluessel = secrets.token_hex(32)
    datei.write_text(schluessel)
    datei.chmod(0o600)
    return schluessel


#: A setting `X` may be given as `X_FILE`, the path of a file holding its value (container
#: secrets: `WRM_SECRET_KEY_FILE=/run/secrets/wrm_secret_key`).
DATEI_ENDUNG = "_FILE"


_LESEFEHLER: dict[type, str] = {
    FileNotFoundError: "nicht vorhanden", PermissionError: "keine Leserechte",
    IsADirectoryError: "ein Ordner, keine Datei", UnicodeDecodeError: "kein UTF-8-Text"}


def aus_dateien(config: Config) -> None:
    """Replace every `X_FILE` setting by `X` read from that file: its text without the final
    line break, as text (a password "1234" stays text), read as JSON only for the settings whose
    default is a number or true/false. Refuses a setting given both ways, and a file that
    cannot be read, naming the variable."""
    for name in [n for n in config if n.endswith(DATEI_ENDUNG) and len(n) > len(DATEI_ENDUNG)]:
        ziel = name[:-len(DATEI_ENDUNG)]
        if os.environ.get(f"WRM_{ziel}") is not None:
            raise KonfigurationsFehler(
                f"WRM_{ziel} und WRM_{name} sind beide gesetzt; bitte nur eines angeben.")
        pfad = Path(str(config.pop(name)))
        try:
            text = pfad.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as fehler:
            raise KonfigurationsFehler(
                f"WRM_{name}: die Datei „{pfad}“ lässt sich nicht lesen "
                f"({_LESEFEHLER.get(type(fehler), 'Lesefehler')}).") from None
        config[ziel] = text
        if isinstance(DEFAULTS.get(ziel), bool | int):
            try:
                config[ziel] = json.loads(text)
            except ValueError:
                raise KonfigurationsFehler(
                    f"WRM_{name}: der Inhalt der Datei ist keine Zahl und weder true noch false."
                ) from None


def vervollstaendigen(config: Config, instanz: Path) -> None:
    """Fill in derived settings after all layers were applied; refuse unsafe production setups."""
    if not config.get("SECRET_KEY"):
        if config["ENV"] == "production":
            raise KonfigurationsFehler(
                "WRM_SECRET_KEY muss gesetzt sein, wenn WRM_ENV=production ist."
            )
        config["SECRET_KEY"] = _geheimer_schluessel(instanz)
    url = config.get("DATABASE_URL") or f"sqlite:///{instanz / 'wrm.sqlite'}"
    config["DATABASE_URL"] = datenbank_url(url)
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    # A server may drop idle connections: they are tested on checkout after a rest (`wrm.db`),
    # not by `pool_pre_ping` on every request.
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        minutes=int(config["SITZUNG_LEERLAUF_MINUTEN"]))
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = config["ENV"] == "production"
    if config.get("GRAPHIQL") is None:
        config["GRAPHIQL"] = config["ENV"] != "production"


def instanzpfad() -> str | None:
    """The instance folder from `WRM_INSTANCE_PATH`, or None for Flask's default."""
    return os.environ.get("WRM_INSTANCE_PATH") or None

"""Configuration layers: defaults, instance file, WRM_* environment, test dict."""

from __future__ import annotations

from pathlib import Path

import pytest

from wrm import create_app
from wrm.konfiguration import KonfigurationsFehler, datenbank_url


@pytest.fixture(autouse=True)
def _instanz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WRM_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("WRM_DATABASE_URL", "WRM_SECRET_KEY", "WRM_ENV", "WRM_MELDEFRIST_TAGE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_sqlite_in_instance_folder_and_generated_secret(tmp_path: Path) -> None:
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/instance/wrm.sqlite"
    schluessel = app.config["SECRET_KEY"]
    assert len(schluessel) == 64
    assert create_app().config["SECRET_KEY"] == schluessel  # kept, not regenerated
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_instance_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "wrm.cfg").write_text("MELDEFRIST_TAGE = 3\nSECRET_KEY = 'datei'\n")
    assert create_app().config["MELDEFRIST_TAGE"] == 3
    monkeypatch.setenv("WRM_MELDEFRIST_TAGE", "14")
    monkeypatch.setenv("WRM_DATABASE_URL", "postgresql://wrm@db.example/wrm")
    app = create_app()
    assert app.config["MELDEFRIST_TAGE"] == 14
    assert app.config["SECRET_KEY"] == "datei"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://wrm@db.example/wrm"
    assert create_app({"MELDEFRIST_TAGE": 1}).config["MELDEFRIST_TAGE"] == 1


def test_production_requires_secret_key_and_secure_cookie(monkeypatch) -> None:
    monkeypatch.setenv("WRM_ENV", "production")
    with pytest.raises(KonfigurationsFehler, match="WRM_SECRET_KEY muss gesetzt sein"):
        create_app()
    monkeypatch.setenv("WRM_SECRET_KEY", "x" * 40)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_url_normalisation() -> None:
    assert datenbank_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert datenbank_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
    assert datenbank_url("sqlite:///x.db") == "sqlite:///x.db"


def test_every_setting_may_come_from_a_file(tmp_path: Path, monkeypatch) -> None:
    """Container secrets: `WRM_X_FILE` names a file holding `X` (issue 27)."""
    dateien = {"SECRET_KEY": "geheim-aus-datei\n", "MAIL_PASSWORT": "1234\n",
               "DATABASE_URL": f"sqlite:///{tmp_path}/aus-datei.sqlite\n",
               "MELDEFRIST_TAGE": "9\n", "MAIL_STARTTLS": "true"}
    for name, inhalt in dateien.items():
        (tmp_path / name).write_text(inhalt, encoding="utf-8")
        monkeypatch.setenv(f"WRM_{name}_FILE", str(tmp_path / name))
    app = create_app()
    assert app.config["SECRET_KEY"] == "geheim-aus-datei"
    assert app.config["MAIL_PASSWORT"] == "1234"  # text, as a password stays
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/aus-datei.sqlite"
    assert (app.config["MELDEFRIST_TAGE"], app.config["MAIL_STARTTLS"]) == (9, True)
    assert not [n for n in app.config if n.endswith("_FILE")]


@pytest.mark.parametrize(("fall", "meldung"), [
    ("beide", "WRM_SECRET_KEY und WRM_SECRET_KEY_FILE sind beide gesetzt"),
    ("fehlt", "WRM_SECRET_KEY_FILE: die Datei „.*fehlt“ lässt sich nicht lesen "
              r"\(nicht vorhanden\)"),
    ("keine_zahl", "WRM_MELDEFRIST_TAGE_FILE: der Inhalt der Datei ist keine Zahl"),
])
def test_a_setting_file_that_cannot_work_is_refused_by_name(
        tmp_path: Path, monkeypatch, fall: str, meldung: str) -> None:
    datei = tmp_path / "wert"
    datei.write_text("sieben", encoding="utf-8")
    if fall == "beide":
        monkeypatch.setenv("WRM_SECRET_KEY", "x" * 40)
        monkeypatch.setenv("WRM_SECRET_KEY_FILE", str(datei))
    elif fall == "fehlt":
        monkeypatch.setenv("WRM_SECRET_KEY_FILE", str(tmp_path / "fehlt"))
    else:
        monkeypatch.setenv("WRM_MELDEFRIST_TAGE_FILE", str(datei))
    with pytest.raises(KonfigurationsFehler, match=meldung):
        create_app()

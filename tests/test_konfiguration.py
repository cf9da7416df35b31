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

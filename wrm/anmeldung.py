"""Login, logout and password change (Flask-Login + Flask-WTF), with throttled failures."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from wrm.db import db
from wrm.models import Benutzer
from wrm.models.benutzer import neue_sitzungskennung
from wrm.services.benutzer import passwort_hashen, passwort_pruefen, passwortfehler

login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
bp = Blueprint("anmeldung", __name__)

ZU_VIELE_VERSUCHE = ("Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist vorübergehend "
                     "gesperrt; bitte versuchen Sie es in einigen Minuten erneut.")


class AnmeldeFormular(FlaskForm):
    """User name and password."""

    name = StringField("Benutzername", [DataRequired("Bitte den Benutzernamen eingeben.")])
    passwort = PasswordField("Passwort", [DataRequired("Bitte das Passwort eingeben.")])


class PasswortFormular(FlaskForm):
    """Change one's own password."""

    altes = PasswordField("Bisheriges Passwort", [DataRequired("Bitte das bisherige Passwort "
                                                               "eingeben.")])
    neues = PasswordField("Neues Passwort", [DataRequired("Bitte ein neues Passwort eingeben.")])
    wiederholung = PasswordField("Neues Passwort wiederholen", [
        EqualTo("neues", "Die beiden neuen Passwörter stimmen nicht überein.")])


class AbmeldeFormular(FlaskForm):
    """Only the CSRF token: logging out is a POST."""


@login_manager.user_loader
def benutzer_laden(kennung: str) -> Benutzer | None:
    """The active user whose session identifier this is."""
    return db.session.scalar(
        select(Benutzer).where(Benutzer.sitzungskennung == kennung, Benutzer.aktiv))


def _sicheres_ziel(ziel: str | None) -> str:
    # Only same-site paths: an absolute or scheme-relative URL would be an open redirect.
    if ziel and ziel.startswith("/") and not ziel.startswith("//") and "\\" not in ziel:
        return ziel
    return url_for("admin.index")


def _versuchsschluessel() -> str:
    return f"{get_remote_address()}|{(request.form.get('name') or '').strip().casefold()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ANMELDUNG_LIMIT"], methods=["POST"],
               key_func=_versuchsschluessel, deduct_when=lambda antwort: antwort.status_code == 401)
def login() -> str | WerkzeugResponse | tuple[str, int]:
    """Show the login form; log the user in on valid credentials."""
    if current_user.is_authenticated:
        return redirect(_sicheres_ziel(request.args.get("next")))
    formular = AnmeldeFormular()
    if formular.validate_on_submit():
        benutzer = db.session.scalar(
            select(Benutzer).where(Benutzer.name == formular.name.data.strip()))
        if benutzer is not None and passwort_pruefen(benutzer, formular.passwort.data):
            if not benutzer.aktiv:
                formular.name.errors.append("Dieses Benutzerkonto ist deaktiviert.")
                return render_template("anmeldung/login.html", formular=formular), 401
            login_user(benutzer)
            return redirect(_sicheres_ziel(request.args.get("next")))
        if benutzer is None:
            passwort_hashen(formular.passwort.data)  # same time as a wrong password
        formular.passwort.errors.append("Benutzername oder Passwort ist falsch.")
        return render_template("anmeldung/login.html", formular=formular), 401
    return render_template("anmeldung/login.html", formular=formular)


@bp.route("/logout", methods=["POST"])
def logout() -> WerkzeugResponse:
    """End the session."""
    if AbmeldeFormular().validate_on_submit():
        logout_user()
        flash("Sie sind abgemeldet.", "info")
    return redirect(url_for("anmeldung.login"))


@bp.route("/passwort", methods=["GET", "POST"])
@login_required
def passwort() -> str | WerkzeugResponse | tuple[str, int]:
    """Change one's own password; other sessions of the user end."""
    formular = PasswortFormular()
    if formular.validate_on_submit():
        if not passwort_pruefen(current_user, formular.altes.data):
            formular.altes.errors.append("Das bisherige Passwort ist falsch.")
        elif grund := passwortfehler(formular.neues.data):
            formular.neues.errors.append(grund)
        else:
            current_user.passwort_hash = passwort_hashen(formular.neues.data)
            current_user.sitzungskennung = neue_sitzungskennung()
            db.session.commit()
            login_user(current_user)
            flash("Ihr Passwort wurde geändert.", "success")
            return redirect(url_for("admin.index"))
        return render_template("anmeldung/passwort.html", formular=formular), 400
    return render_template("anmeldung/passwort.html", formular=formular)


@bp.route("/")
def start() -> WerkzeugResponse:
    """The start page is the admin's home."""
    return redirect(url_for("admin.index"))


def _zu_viele_versuche(fehler: RateLimitExceeded) -> tuple[str, int] | Response:
    if request.endpoint == "anmeldung.login":
        formular = AnmeldeFormular()
        formular.passwort.errors = [ZU_VIELE_VERSUCHE]
        return render_template("anmeldung/login.html", formular=formular), 429
    return Response("Zu viele Anfragen. Bitte warten Sie kurz.", status=429)


def init_anmeldung(app: Flask) -> None:
    """Bind login manager, limiter and the login routes to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "anmeldung.login"
    login_manager.login_message = "Bitte melden Sie sich an."
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(RateLimitExceeded, _zu_viele_versuche)
    app.jinja_env.globals["abmeldeformular"] = AbmeldeFormular

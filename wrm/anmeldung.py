"""Login, logout and password change (Flask-Login + Flask-WTF), with throttled failures."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_admin.form import SecureForm
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from wrm.db import db
from wrm.drosselung import anmeldeschluessel, drossel, init_drosselung
from wrm.models import Benutzer
from wrm.models.benutzer import neue_sitzungskennung
from wrm.namen import name_bereinigen
from wrm.services.benutzer import passwort_hashen, passwort_pruefen, passwortfehler
from wrm.services.pruefung import steuerzeichen
from wrm.sicherheit import sicheres_ziel
from wrm.zaehler import ANMELDUNG_FEHLGESCHLAGEN

login_manager = LoginManager()
bp = Blueprint("anmeldung", __name__)
#: Where in the (signed) session cookie the time of the login is kept.
_ANGEMELDET_UM = "wrm_angemeldet_um"

ZU_VIELE_VERSUCHE = ("Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist vorübergehend "
                     "gesperrt; bitte versuchen Sie es in einigen Minuten erneut.")


class AnmeldeFormular(FlaskForm):
    """User name and password."""

    name = StringField("Benutzername", [DataRequired("Bitte den Benutzernamen eingeben."),
                                        Length(max=200, message="Der Benutzername ist zu lang.")])
    passwort = PasswordField("Passwort", [DataRequired("Bitte das Passwort eingeben."),
                                          Length(max=1000, message="Das Passwort ist zu lang.")])

    def validate_name(self, feld: StringField) -> None:
        """No control characters: they cannot be in a user name (and PostgreSQL refuses NUL)."""
        if steuerzeichen(feld.data or ""):
            raise ValidationError("Der Benutzername enthält unzulässige Zeichen.")


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
    """The active user whose session identifier this is, within the session's lifetime.

    The identifier is the user's current `sitzungskennung`: logout, a password change and
    deactivation replace it, which ends every copy of every session of that user at once.
    """
    angemeldet_um = session.get(_ANGEMELDET_UM)
    hoechstdauer = current_app.config["SITZUNG_STUNDEN"] * 3600
    if not isinstance(angemeldet_um, int) or time.time() - angemeldet_um > hoechstdauer:
        return None
    return db.session.scalar(
        select(Benutzer).where(Benutzer.sitzungskennung == kennung, Benutzer.aktiv))


def _ziel() -> str:
    return sicheres_ziel(request.args.get("next"), url_for("admin.index"))


def sitzung_beginnen(benutzer: Benutzer) -> None:
    """Log the user in: a permanent cookie whose idle timeout is `SITZUNG_LEERLAUF_MINUTEN`
    (re-signed on every request) and whose lifetime is `SITZUNG_STUNDEN` from now."""
    login_user(benutzer)
    session.permanent = True
    session[_ANGEMELDET_UM] = int(time.time())
    # Both CSRF secrets now, once per session. Were one created later, by the first page with
    # a form, a static file loaded at the same moment (whose response re-signs the cookie as
    # it was before) could overwrite it, and that form's submission would fail with 400.
    SecureForm()  # Flask-Admin's forms: session["csrf"]
    generate_csrf()  # Flask-WTF's forms: session["csrf_token"]


def _zu_viele_versuche(formular: AnmeldeFormular) -> tuple[str, int]:
    ANMELDUNG_FEHLGESCHLAGEN.labels("formular").inc()
    formular.passwort.errors = [ZU_VIELE_VERSUCHE]
    return render_template("anmeldung/login.html", formular=formular), 429


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | WerkzeugResponse | tuple[str, int]:
    """Show the login form; log the user in on valid credentials, throttling failures."""
    if current_user.is_authenticated:
        return redirect(_ziel())
    formular = AnmeldeFormular()
    if formular.validate_on_submit():
        # Counted before the password is checked: the form already read the name from the
        # body, whatever its encoding (form or JSON).
        schluessel = anmeldeschluessel(formular.name.data)
        if not drossel().versuch(*schluessel):
            return _zu_viele_versuche(formular)
        benutzer = db.session.scalar(
            select(Benutzer).where(Benutzer.name == name_bereinigen(formular.name.data)))
        if benutzer is not None and passwort_pruefen(benutzer, formular.passwort.data):
            if not benutzer.aktiv:
                ANMELDUNG_FEHLGESCHLAGEN.labels("formular").inc()
                formular.name.errors.append("Dieses Benutzerkonto ist deaktiviert.")
                return render_template("anmeldung/login.html", formular=formular), 401
            drossel().erfolg(*schluessel)
            sitzung_beginnen(benutzer)
            return redirect(_ziel())
        if benutzer is None:
            passwort_hashen(formular.passwort.data)  # same time as a wrong password
        ANMELDUNG_FEHLGESCHLAGEN.labels("formular").inc()
        formular.passwort.errors.append("Benutzername oder Passwort ist falsch.")
        return render_template("anmeldung/login.html", formular=formular), 401
    return render_template("anmeldung/login.html", formular=formular)


@bp.route("/logout", methods=["POST"])
def logout() -> WerkzeugResponse:
    """End the session, and every copy of it: the user's session identifier is replaced."""
    if AbmeldeFormular().validate_on_submit():
        benutzer = current_user._get_current_object() if current_user.is_authenticated else None  # type: ignore[attr-defined]
        logout_user()
        session.pop(_ANGEMELDET_UM, None)
        if benutzer is not None:
            benutzer.sitzungskennung = neue_sitzungskennung()
            db.session.commit()
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
            sitzung_beginnen(current_user)
            flash("Ihr Passwort wurde geändert.", "success")
            return redirect(url_for("admin.index"))
        return render_template("anmeldung/passwort.html", formular=formular), 400
    return render_template("anmeldung/passwort.html", formular=formular)


@bp.route("/")
def start() -> WerkzeugResponse:
    """The start page is the admin's home."""
    return redirect(url_for("admin.index"))


def init_anmeldung(app: Flask) -> None:
    """Bind login manager, throttle and the login routes to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "anmeldung.login"
    login_manager.login_message = "Bitte melden Sie sich an."
    login_manager.login_message_category = "info"
    init_drosselung(app)
    app.register_blueprint(bp)
    app.jinja_env.globals["abmeldeformular"] = AbmeldeFormular

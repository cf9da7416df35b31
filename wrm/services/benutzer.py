"""User accounts: creation, changes and passwords (argon2 hashes)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.models import Benutzer, Kommune, Landkreis, Rolle
from wrm.models.benutzer import neue_sitzungskennung
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services.pruefung import Validierungsfehler

MIN_PASSWORTLAENGE = 10
_hasher = PasswordHasher()


def passwort_hashen(passwort: str) -> str:
    """An argon2 hash of the password."""
    return _hasher.hash(passwort)


def passwort_pruefen(benutzer: Benutzer, passwort: str) -> bool:
    """Whether the password matches the user's hash."""
    try:
        return _hasher.verify(benutzer.passwort_hash, passwort)
    except (VerificationError, InvalidHashError):
        return False


def passwortfehler(passwort: str) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(passwort) < MIN_PASSWORTLAENGE:
        return f"Das Passwort muss mindestens {MIN_PASSWORTLAENGE} Zeichen lang sein."
    return None


def _bindungsfehler(rolle: Rolle, kommune: Kommune | None, landkreis: Landkreis) -> str | None:
    # A kommune user belongs to exactly one Kommune of its own Landkreis; other roles to none.
    if rolle is Rolle.KOMMUNE and kommune is None:
        return "Ein Benutzer mit der Rolle kommune braucht eine Kommune."
    if rolle is not Rolle.KOMMUNE and kommune is not None:
        return f"Die Rolle {rolle.value} wird an keine Kommune gebunden."
    if kommune is not None and kommune.landkreis_id != landkreis.id:
        return f"Die Kommune {kommune.name} gehört nicht zum {landkreis.name}."
    if kommune is not None and kommune.des_landkreises:
        return ("Die Unterkünfte des Landkreises pflegen die Benutzer des Landkreises; an sie "
                "wird kein Benutzer gebunden.")
    return None


def benutzer_anlegen(
    session: Session,
    *,
    name: str,
    rolle: Rolle,
    passwort: str,
    landkreis: Landkreis,
    kommune: Kommune | None = None,
    email: str | None = None,
) -> Benutzer:
    """Create a user; a kommune user needs its Kommune, the other roles none. Caller commits."""
    fehler: dict[str, str] = {}
    name = name_bereinigen(name)
    if not name:
        fehler["name"] = "Der Benutzername fehlt."
    elif gleich := next((n for n in session.scalars(select(Benutzer.name))
                         if namensschluessel(n) == namensschluessel(name)), None):
        fehler["name"] = f"Den Benutzer „{gleich}“ gibt es schon."
    if grund := _bindungsfehler(rolle, kommune, landkreis):
        fehler["kommune"] = grund
    if grund := passwortfehler(passwort):
        fehler["passwort"] = grund
    if fehler:
        raise Validierungsfehler(fehler)
    benutzer = Benutzer(
        name=name, rolle=rolle, kommune=kommune, landkreis=landkreis, email=email,
        passwort_hash=passwort_hashen(passwort),
    )
    session.add(benutzer)
    session.flush()
    return benutzer


def benutzer_aendern(
    session: Session,
    *,
    benutzer: Benutzer,
    rolle: Rolle,
    kommune: Kommune | None,
    email: str | None,
    aktiv: bool,
    von: Benutzer | None = None,
) -> None:
    """Change role, Kommune, e-mail and active flag; deactivation ends the user's sessions."""
    fehler: dict[str, str] = {}
    if grund := _bindungsfehler(rolle, kommune, benutzer.landkreis):
        fehler["kommune"] = grund
    if von is not None and von.id == benutzer.id and (not aktiv or rolle is not von.rolle):
        fehler["aktiv"] = "Sie können sich nicht selbst deaktivieren oder Ihre Rolle ändern."
    if fehler:
        raise Validierungsfehler(fehler)
    if benutzer.aktiv and not aktiv:
        benutzer.sitzungskennung = neue_sitzungskennung()
    benutzer.rolle, benutzer.kommune, benutzer.email, benutzer.aktiv = rolle, kommune, email, aktiv
    session.flush()


def passwort_zuruecksetzen(session: Session, *, benutzer: Benutzer) -> str:
    """Give the user a new random password (returned once) and end its sessions."""
    passwort = secrets.token_urlsafe(12)
    benutzer.passwort_hash = passwort_hashen(passwort)
    benutzer.sitzungskennung = neue_sitzungskennung()
    session.flush()
    return passwort

"""User accounts: creation with a hashed password (argon2)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.models import Benutzer, Kommune, Landkreis, Rolle
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
    name = name.strip()
    if not name:
        fehler["name"] = "Der Benutzername fehlt."
    elif session.scalar(select(Benutzer.id).where(Benutzer.name == name)) is not None:
        fehler["name"] = f"Den Benutzer „{name}“ gibt es schon."
    if rolle is Rolle.KOMMUNE and kommune is None:
        fehler["kommune"] = "Ein Benutzer mit der Rolle kommune braucht eine Kommune."
    if rolle is not Rolle.KOMMUNE and kommune is not None:
        fehler["kommune"] = f"Die Rolle {rolle.value} wird an keine Kommune gebunden."
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

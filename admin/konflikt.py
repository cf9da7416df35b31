"""The report form after a conflict: the three-way merge shown, and the user's choices read.

A save refused because others saved meanwhile shows the form again with the user's changes,
the values others saved in every field the user did not touch, and, for each field both
changed differently, the three values side by side with a required choice. The form then
carries the current version, so the next save is a decision taken with all of it in view; a
field the user never touched can no longer be reverted by it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import flash, request
from wtforms import Form

from admin.formulare import fehler_eintragen
from wrm import anzeige
from wrm.db import db
from wrm.models import Kommune
from wrm.services.meldungen import MELDUNGSFELDER, Abweichung, Konflikt, werte_bei
from wrm.services.pruefung import Validierungsfehler

#: The hidden field naming the fields that wait for a choice, with the values shown.
ABWEICHUNGEN = "abweichungen"
EINGABE, GESPEICHERT = "eingabe", "gespeichert"
WAHL_FEHLT = "Bitte wählen Sie, welcher Wert gelten soll."


def _feld_setzen(formular: Form, name: str, wert: object) -> None:
    feld = formular[name]
    feld.data = wert
    feld.raw_data = []  # the rendered value comes from `data`, not from what was posted


def konflikt_zeigen(formular: Form, kommune: Kommune, konflikt: Konflikt) -> None:
    """Put the merge into the form, with the current version; mark what needs a decision."""
    aktuell = kommune.meldung
    if aktuell is None:
        return
    formular.version.data = aktuell.version
    zusammen = konflikt.zusammenfuehrung
    if zusammen is None:  # a concurrent flush: only the changed fields are known
        werte = aktuell.werte()
        fehler_eintragen(formular, {n: f"Inzwischen gespeichert: {anzeige.wert(werte[n])}"
                                    for n in konflikt.felder if n in werte})
        return
    for name in MELDUNGSFELDER:
        _feld_setzen(formular, name, zusammen.werte[name])
    formular.feldhinweise = {  # type: ignore[attr-defined]
        name: f"Inzwischen gespeichert: {anzeige.wert(zusammen.werte[name])} – übernommen"
        for name in zusammen.fremd_geaendert if name not in zusammen.abweichungen}
    abweichungen_setzen(formular, zusammen.abweichungen)


def abweichungen_setzen(formular: Form, abweichungen: dict[str, Abweichung]) -> None:
    """Mark the fields that wait for the user's choice, with their three values."""
    formular.abweichungen = abweichungen  # type: ignore[attr-defined]
    formular.abweichungen_json = json.dumps(  # type: ignore[attr-defined]
        {n: [a.vorher, a.gespeichert] for n, a in abweichungen.items()})
    fehler_eintragen(formular, {
        name: f"Inzwischen gespeichert: {anzeige.wert(a.gespeichert)} · "
              f"vorher: {anzeige.wert(a.vorher)} · Ihre Eingabe: {anzeige.wert(a.eingabe)}. "
              f"{WAHL_FEHLT}"
        for name, a in abweichungen.items()})


def _offene_abweichungen(formular: Form) -> dict[str, Abweichung]:
    try:
        gesendet = json.loads(request.form.get(ABWEICHUNGEN) or "{}")
    except ValueError:
        gesendet = {}
    if not isinstance(gesendet, dict):
        return {}
    return {name: Abweichung(vorher=werte[0], gespeichert=werte[1],
                             eingabe=formular[name].data)
            for name, werte in gesendet.items()
            if name in MELDUNGSFELDER and isinstance(werte, list) and len(werte) == 2}


def entscheidungen(formular: Form, kommune_id: int, version: int) -> dict[str, Any]:
    """The values the user chose to take from what was saved, for the fields in conflict.

    The saved value is read from the history at the form's version, never from the request.
    Raises `Validierungsfehler` (and shows the choices again) when a choice is missing.
    """
    offen = _offene_abweichungen(formular)
    if not offen:
        return {}
    wahl = {name: request.form.get(f"wahl-{name}") for name in offen}
    if any(w not in (EINGABE, GESPEICHERT) for w in wahl.values()):
        flash(f"Nicht gespeichert. {WAHL_FEHLT}", "error")
        abweichungen_setzen(formular, offen)
        formular.wahl = wahl  # type: ignore[attr-defined]
        raise Validierungsfehler({})
    gespeichert = werte_bei(db.session, kommune_id=kommune_id, version=version)
    return {name: gespeichert.get(name) for name, w in wahl.items() if w == GESPEICHERT}

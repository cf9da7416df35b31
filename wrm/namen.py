"""Names as users type them: one rule for every name WRM stores or looks up (a Kommune, a
Verteilzeitraum, a user, a token).

A name is taken without spaces around it and with every run of spaces inside as one space
(tabs and non-breaking spaces from spreadsheets included), in Unicode's composed form, so
"Kommune A " and "Kommune  A" are "Kommune A" wherever they are entered or asked for.
Kommunen and periods are also found regardless of case (`namensschluessel`); a new name whose
key another one already has is refused where it is stored.
"""

from __future__ import annotations

import re
import unicodedata

_LEERRAUM = re.compile(r"\s+")


def name_bereinigen(text: str) -> str:
    """The name as stored and compared: trimmed, inner runs of white space as one space, NFC."""
    return _LEERRAUM.sub(" ", unicodedata.normalize("NFC", text)).strip()


def namensschluessel(text: str) -> str:
    """What two names must share to be the same Kommune or period: the cleaned name, case-folded."""
    return name_bereinigen(text).casefold()

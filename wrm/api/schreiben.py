"""Writing through a service from a resolver: its refusals become API errors, and nothing of
the refused write stays in the session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from strawberry.types import Info

from wrm.api.context import kontext
from wrm.api.fehler import Konflikt, NichtErlaubt, UngueltigeEingabe, nicht_gespeichert
from wrm.services.meldungen import Konflikt as Dienstkonflikt
from wrm.services.pruefung import Validierungsfehler, Verweigert


@contextmanager
def dienstaufruf(info: Info) -> Iterator[None]:
    """BAD_USER_INPUT for invalid input (each field named), FORBIDDEN for a step the user may
    not take, CONFLICT for a stale version (with the three-way merge of a report, if any);
    the session is rolled back in each case. The caller commits on success."""
    session = kontext(info).session
    try:
        yield
    except Validierungsfehler as fehler:
        session.rollback()
        raise UngueltigeEingabe(nicht_gespeichert(fehler.fehler), fehler=fehler.fehler) from None
    except Verweigert as fehler:
        session.rollback()
        raise NichtErlaubt(str(fehler)) from None
    except Dienstkonflikt as konflikt:
        session.rollback()
        zusammen = konflikt.zusammenfuehrung
        abweichungen = {name: vars(a) for name, a in zusammen.abweichungen.items()} \
            if zusammen is not None else {}
        raise Konflikt(str(konflikt), felder=sorted(konflikt.felder),
                       abweichungen=abweichungen) from None

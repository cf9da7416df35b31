"""GraphQL for help between Kommunen: every caller × own/foreign side × query and step, bad
input, stale versions; denied or refused writes change nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import graphql
from tests.datenbestand import abfragen_zaehlen, abzug
from tests.vereinbarung_hilfe import stand_von, vereinbarung_zwischen
from tests.welt import Welt
from wrm.db import db
from wrm.models import Benutzer, Vereinbarungsstatus
from wrm.services.tokens import token_anlegen

ANRUFER = ("eigen", "fremd", "presse", "kreis")
S = Vereinbarungsstatus


@pytest.fixture
def tokens(web: Flask, welt: Welt) -> dict[str, str]:
    with web.app_context():
        ergebnis = {name: token_anlegen(db.session, benutzer=db.session.scalar(
            select(Benutzer).where(Benutzer.name == name)))[1] for name in ANRUFER}
        db.session.commit()
    return ergebnis


def _vereinbarung(web: Flask, zuweisend: str, aufnehmend: str, *schritte: S) -> tuple[int, int]:
    """An agreement between two Kommunen of the world, taken through `schritte`; (id, version)."""
    kennung = vereinbarung_zwischen(web, zuweisend, aufnehmend, *schritte)
    return kennung, stand_von(web, kennung)[1]


def _daten() -> dict:
    """Every table but the tokens (a token's last use is bookkeeping, not data)."""
    return {k: v for k, v in abzug().items() if k != "tokens"}


def _code(antwort: dict) -> str:
    fehler = antwort.get("errors")
    return "ok" if not fehler else fehler[0]["extensions"]["code"]


#: (operation, steps before, who may) for an agreement Eigen → Fremd ("eigen" is allocated);
#: the mirrored agreement Fremd → Eigen swaps the Kommune users' roles.
SCHRITTE = [
    ("vereinbarungZusagen(id: $id, version: $v)", (), {"fremd", "kreis"}),
    ('vereinbarungAblehnen(id: $id, version: $v, grund: "voll")', (), {"fremd", "kreis"}),
    ("vereinbarungZurueckziehen(id: $id, version: $v)", (), {"eigen", "kreis"}),
    ("vereinbarungBelegen(id: $id, version: $v)", (S.ZUGESAGT,), {"fremd", "kreis"}),
    ("vereinbarungBeenden(id: $id, version: $v)", (S.ZUGESAGT, S.BELEGT), {"fremd", "kreis"}),
    ('vereinbarungBeruecksichtigen(id: $id, version: $v, kommune: "Kommune Eigen")',
     (S.ZUGESAGT,), {"eigen", "kreis"}),
]


@pytest.mark.parametrize("gespiegelt", [False, True], ids=["eigen_zuweisend", "eigen_aufnehmend"])
@pytest.mark.parametrize("anrufer", ANRUFER)
@pytest.mark.parametrize(("feld", "vorweg", "erlaubt"), SCHRITTE,
                         ids=[s[0].split("(")[0] for s in SCHRITTE])
def test_step_matrix(web: Flask, tokens: dict[str, str], anrufer: str, feld: str,
                     vorweg: tuple[S, ...], erlaubt: set[str], gespiegelt: bool) -> None:
    seiten = ("Kommune Fremd", "Kommune Eigen") if gespiegelt else ("Kommune Eigen",
                                                                   "Kommune Fremd")
    kennung, version = _vereinbarung(web, *seiten, *vorweg)
    if gespiegelt:
        tausch = {"eigen": "fremd", "fremd": "eigen"}
        erlaubt = {tausch.get(a, a) for a in erlaubt}
        feld = feld.replace("Kommune Eigen", "Kommune Fremd")
    with web.app_context():
        vorher = _daten()
    antwort = graphql(web.test_client(), f"mutation($id: Int!, $v: Int!) {{ {feld} "
                      "{ status version } }", {"id": kennung, "v": version},
                      token=tokens[anrufer]).get_json()
    if anrufer in erlaubt:
        assert _code(antwort) == "ok", antwort
    else:
        # Outside its side: the press office may not at all, the other Kommune may not this
        # step (it can read the agreement, being a side of it).
        assert _code(antwort) == "FORBIDDEN", antwort
        with web.app_context():
            assert _daten() == vorher


def test_reading_agreements_by_role(web: Flask, tokens: dict[str, str]) -> None:
    eigene, _ = _vereinbarung(web, "Kommune Eigen", "Kommune Fremd")
    andere, _ = _vereinbarung(web, "Kommune Fremd", "Kommune Leer")
    abfrage = "{ vereinbarungen { id zuweisend aufnehmend bemerkung verlauf { benutzer } } }"

    def ids(anrufer: str) -> list[int] | str:
        antwort = graphql(web.test_client(), abfrage, token=tokens[anrufer]).get_json()
        return _code(antwort) if "errors" in antwort else [
            v["id"] for v in antwort["data"]["vereinbarungen"]]

    assert ids("kreis") == [andere, eigene]
    assert ids("eigen") == [eigene]
    assert ids("fremd") == [andere, eigene]
    assert ids("presse") == "FORBIDDEN"
    # The press office sees the counts in the figures, nothing else.
    antwort = graphql(web.test_client(), "{ auswertung { zeilen { kommune { name } "
                      "zugesagtFuerAndere } } }", token=tokens["presse"]).get_json()
    assert "errors" not in antwort
    # An id outside the caller's agreements does not exist for it.
    antwort = graphql(web.test_client(), f"mutation {{ vereinbarungZusagen(id: {andere}, "
                      "version: 1) { status } }", token=tokens["eigen"]).get_json()
    assert antwort["errors"][0]["message"] == f"Die Vereinbarung {andere} gibt es nicht."


@pytest.mark.parametrize("anrufer", ANRUFER)
def test_only_the_county_sees_the_proposal(web: Flask, tokens: dict[str, str],
                                           anrufer: str) -> None:
    antwort = graphql(web.test_client(), "{ umverteilungsvorschlag { platziert } }",
                      token=tokens[anrufer]).get_json()
    assert _code(antwort) == ("ok" if anrufer == "kreis" else "FORBIDDEN")


@pytest.mark.parametrize(("anrufer", "zuweisend", "code"), [
    ("eigen", "Kommune Eigen", "ok"), ("eigen", "Kommune Fremd", "FORBIDDEN"),
    ("kreis", "Kommune Fremd", "ok"), ("presse", "Kommune Eigen", "FORBIDDEN")])
def test_asking_for_help(web: Flask, tokens: dict[str, str], anrufer: str, zuweisend: str,
                         code: str) -> None:
    aufnehmend = "Kommune Leer"  # reported no places: an overbooking, confirmed
    antwort = graphql(web.test_client(), "mutation($z: String!, $a: String!) { "
                      "vereinbarungAnfragen(zuweisend: $z, aufnehmend: $a, personen: 3, "
                      "ueberbelegungBestaetigt: true) "
                      "{ status zuweisend aufnehmend } }", {"z": zuweisend, "a": aufnehmend},
                      token=tokens[anrufer]).get_json()
    assert _code(antwort) == code, antwort


@pytest.mark.parametrize(("argumente", "text"), [
    ('zuweisend: "Kommune Eigen", aufnehmend: "Kommune Eigen", personen: 3',
     "Die aufnehmende Kommune muss eine andere sein."),
    ('zuweisend: "Kommune Eigen", aufnehmend: "Kommune Fremd", personen: 0',
     "größer als 0"),
    ('zuweisend: "Kommune Eigen", aufnehmend: "Nirgendwo", personen: 3',
     "Die Kommune „Nirgendwo“ gibt es nicht."),
    ('zuweisend: "Kommune Eigen", aufnehmend: "Fremdort", personen: 3',
     "Die Kommune „Fremdort“ gibt es nicht."),
])
def test_bad_input_is_refused_in_german(web: Flask, tokens: dict[str, str], argumente: str,
                                        text: str) -> None:
    with web.app_context():
        vorher = _daten()
    antwort = graphql(web.test_client(), f"mutation {{ vereinbarungAnfragen({argumente}) "
                      "{ id } }", token=tokens["kreis"]).get_json()
    assert antwort["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert text in antwort["errors"][0]["message"]
    with web.app_context():
        assert _daten() == vorher


def test_a_stale_version_is_a_conflict_and_a_wrong_step_bad_input(
        web: Flask, tokens: dict[str, str]) -> None:
    kennung, version = _vereinbarung(web, "Kommune Eigen", "Kommune Fremd", S.ZUGESAGT)
    alt = version - 1
    antwort = graphql(web.test_client(), f"mutation {{ vereinbarungZurueckziehen(id: {kennung}, "
                      f"version: {alt}) {{ status }} }}", token=tokens["eigen"]).get_json()
    assert _code(antwort) == "CONFLICT"
    antwort = graphql(web.test_client(), f"mutation {{ vereinbarungBeenden(id: {kennung}, "
                      f"version: {version}) {{ status }} }}", token=tokens["fremd"]).get_json()
    assert _code(antwort) == "BAD_USER_INPUT"
    assert "Von „zugesagt“ geht es nicht nach „beendet“" in antwort["errors"][0]["message"]


def test_the_agreement_list_costs_the_same_queries_for_one_or_many(
        web: Flask, tokens: dict[str, str]) -> None:
    web.config["ANTWORTCACHE"] = 0  # count the resolvers' queries, not cache hits
    abfrage = "{ vereinbarungen { zuweisend aufnehmend verlauf { vorgang } } }"
    anzahlen: list[int] = []
    angelegt = 0
    for anzahl in (1, 6):
        for _ in range(anzahl - angelegt):
            _vereinbarung(web, "Kommune Eigen", "Kommune Fremd", S.ZUGESAGT)
        angelegt = anzahl
        graphql(web.test_client(), abfrage, token=tokens["kreis"])  # the token's first use
        with abfragen_zaehlen(web) as gezaehlt:
            inhalt = graphql(web.test_client(), abfrage, token=tokens["kreis"]).get_json()
        assert len(inhalt["data"]["vereinbarungen"]) == anzahl
        anzahlen.append(len(gezaehlt))
    assert anzahlen[0] == anzahlen[1], anzahlen

"""The GraphQL response cache: a write through one worker is seen at once by a read through
another; callers of different roles never share an entry."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import event, select

from tests.conftest import api_token, graphql, validierungen_zaehlen
from tests.welt import Welt
from wrm.db import db
from wrm.models import Benutzer, Kommune, Meldung
from wrm.zeit import heute

LESEN = '{ kommune(name: "Kommune Eigen") { meldung { zuweisungen bedarf } } }'
SCHREIBEN = ('mutation($v: Int!, $z: Int!) { meldungSpeichern(kommune: "Kommune Eigen", '
             'version: $v, eingabe: {zuweisungen: $z}) { version } }')


def _anweisungen(app: Flask, text: str, token: str, variablen: dict | None = None
                 ) -> tuple[dict, list[str]]:
    """The answer to `text` and the SQL statements it cost."""
    with app.app_context():
        motor = db.engine
    gezaehlt: list[str] = []

    def zaehlen(*args):  # type: ignore[no-untyped-def]
        gezaehlt.append(args[2])

    event.listen(motor, "before_cursor_execute", zaehlen)
    try:
        return graphql(app.test_client(), text, variablen, token=token).get_json(), gezaehlt
    finally:
        event.remove(motor, "before_cursor_execute", zaehlen)


def _gezaehlt(app: Flask, text: str, token: str) -> tuple[dict, int]:
    """The answer to `text` and the number of SQL statements it cost."""
    antwort, anweisungen = _anweisungen(app, text, token)
    return antwort, len(anweisungen)


def _abfragen(app: Flask, token: str) -> tuple[dict, int]:
    return _gezaehlt(app, LESEN, token)


def test_write_in_one_worker_is_read_at_once_in_the_other(
        web: Flask, welt: Welt, zweiter_worker: Flask) -> None:
    token = api_token(web, "kreis")
    erste, _ = _abfragen(web, token)
    zweite, anzahl = _abfragen(web, token)
    assert erste == zweite and erste["data"]["kommune"]["meldung"]["zuweisungen"] == 10
    assert anzahl <= 3  # served from the cache: the user, the token and the data version
    antwort = graphql(zweiter_worker.test_client(), SCHREIBEN, {"v": 1, "z": 17}, token=token)
    assert antwort.get_json()["data"]["meldungSpeichern"]["version"] == 2
    nachher, _ = _abfragen(web, token)
    assert nachher["data"]["kommune"]["meldung"] == {"zuweisungen": 17, "bedarf": 16}


def test_a_save_through_the_admin_screen_also_invalidates(
        web: Flask, welt: Welt, zweiter_worker: Flask) -> None:
    from tests import factories
    from tests.conftest import admin_token, anmelden
    from tests.datenbanken import testweg

    token = api_token(web, "kreis")
    _abfragen(web, token)
    testweg(zweiter_worker)
    client = zweiter_worker.test_client()
    anmelden(client, "eigen")
    daten = {k: "" if v is None else v for k, v in factories.ZAHLEN.items()}
    client.post(f"/admin/meldung/edit/?id={welt.eigene_meldung}", data={
        **daten, "zuweisungen": 21, "version": 1, "csrf_token": admin_token(client)})
    nachher, _ = _abfragen(web, token)
    assert nachher["data"]["kommune"]["meldung"]["zuweisungen"] == 21


def test_a_new_query_text_reuses_the_figures_until_a_write(
        web: Flask, welt: Welt, zweiter_worker: Flask) -> None:
    token = api_token(web, "kreis")
    texte = [f'{{ k{n}: kommune(name: "Kommune Eigen") {{ meldung {{ zuweisungen }} }} }}'
             for n in range(3)]
    graphql(web.test_client(), "{ __typename }", token=token)  # the token's first use stamped
    erste, neu = _gezaehlt(web, texte[0], token)
    zweite, geteilt = _gezaehlt(web, texte[1], token)
    assert erste["data"]["k0"] == zweite["data"]["k1"] == {"meldung": {"zuweisungen": 10}}
    # The second text misses the response cache, not the computed figures.
    assert geteilt < neu
    graphql(zweiter_worker.test_client(), SCHREIBEN, {"v": 1, "z": 17}, token=token)
    dritte, _ = _gezaehlt(web, texte[2], token)  # the write bumped the version
    assert dritte["data"]["k2"] == {"meldung": {"zuweisungen": 17}}


def test_a_known_token_is_not_looked_up_again_and_its_user_still_writes(
        web: Flask, welt: Welt) -> None:
    token = api_token(web, "kreis")
    graphql(web.test_client(), "{ __typename }", token=token)  # checked (and stamped) once
    antwort, gelesen = _anweisungen(web, LESEN.replace("{ kommune", "{ k: kommune"), token)
    assert antwort["data"]["k"]["meldung"]["zuweisungen"] == 10
    assert not [a for a in gelesen if re.search(r"\b(FROM|JOIN) (tokens|benutzer)\b", a)]
    # The user comes back from the snapshot into the session: writing works and names them,
    # and nothing about the user or the Landkreis is written back.
    antwort, geschrieben = _anweisungen(web, SCHREIBEN, token, {"v": 1, "z": 12})
    assert antwort["data"]["meldungSpeichern"]["version"] == 2
    assert not [a for a in geschrieben if a.lstrip().upper().startswith("UPDATE")
                and ("benutzer" in a.split("SET")[0] or "landkreise" in a.split("SET")[0])]
    with web.app_context():
        meldung = db.session.scalar(select(Meldung).join(Kommune).where(
            Kommune.name == "Kommune Eigen"))
        assert (meldung.zuweisungen, meldung.gemeldet_von_name) == (12, "kreis")


def test_agreements_shared_between_requests_change_with_a_write(
        web: Flask, welt: Welt, zweiter_worker: Flask) -> None:
    token = api_token(web, "kreis")
    text = ('{ a%d: auswertung(stichtag: "' + heute().isoformat()
            + '") { zeilen { kommune { name } zusagenAnderer } } }')

    def zusagen(nummer: int) -> int:
        antwort = graphql(web.test_client(), text % nummer, token=token).get_json()
        return next(z["zusagenAnderer"] for z in antwort["data"][f"a{nummer}"]["zeilen"]
                    if z["kommune"]["name"] == "Kommune Eigen")

    assert zusagen(0) == zusagen(1) == 0  # the second text from the shared loads
    andere = zweiter_worker.test_client()
    neu = graphql(andere, 'mutation { vereinbarungAnfragen(zuweisend: "Kommune Eigen", '
                          'aufnehmend: "Kommune Fremd", personen: 6) { id version } }',
                  token=token).get_json()["data"]["vereinbarungAnfragen"]
    zugesagt = graphql(andere, "mutation($id: Int!, $v: Int!) { vereinbarungZusagen(id: $id, "
                               "version: $v) { status } }", {"id": neu["id"], "v": neu["version"]},
                       token=token).get_json()
    assert "errors" not in zugesagt, zugesagt
    assert zusagen(2) == 6


def test_shared_figures_keep_each_roles_field_rights(web: Flask, welt: Welt) -> None:
    abfrage = '{ %s: kommune(name: "Kommune Fremd") { meldung { bemerkung } } }'
    kreis = graphql(web.test_client(), abfrage % "a", token=api_token(web, "kreis")).get_json()
    assert kreis["data"]["a"]["meldung"]["bemerkung"] == "intern: Turnhalle"
    presse = graphql(web.test_client(), abfrage % "b", token=api_token(web, "presse")).get_json()
    assert presse["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "Turnhalle" not in str(presse)


def test_roles_never_share_an_entry(web: Flask, welt: Welt) -> None:
    abfrage = '{ kommune(name: "Kommune Fremd") { meldung { bemerkung } } }'
    kreis, presse = api_token(web, "kreis"), api_token(web, "presse")
    for _ in range(2):
        assert graphql(web.test_client(), abfrage, token=kreis).get_json()["data"]["kommune"][
            "meldung"]["bemerkung"] == "intern: Turnhalle"
        antwort = graphql(web.test_client(), abfrage, token=presse).get_json()
        assert antwort["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    eigen, fremd = api_token(web, "eigen"), api_token(web, "fremd")
    assert "errors" in graphql(web.test_client(), abfrage, token=eigen).get_json()
    assert "errors" not in graphql(web.test_client(), abfrage, token=fremd).get_json()


def test_entries_expire_with_the_clock(web: Flask, welt: Welt, monkeypatch) -> None:
    import time

    from wrm.api import cache
    from wrm.api.view import WrmGraphQLView

    # Counted are executions, not statements: after expiry the figures may come from the
    # worker's shared loads at the same data version, but the operation runs again.
    ausgefuehrt: list[int] = []
    ausfuehren = WrmGraphQLView.run

    def zaehlen(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        ausgefuehrt.append(1)
        return ausfuehren(self, *args, **kwargs)

    monkeypatch.setattr(WrmGraphQLView, "run", zaehlen)
    token = api_token(web, "kreis")
    erste, _ = _abfragen(web, token)
    assert _abfragen(web, token)[0] == erste and len(ausgefuehrt) == 1  # a hit
    jetzt = time.time()
    monkeypatch.setattr(cache.time, "time", lambda: jetzt + cache.LEBENSDAUER_S + 1)
    assert _abfragen(web, token)[0] == erste
    assert len(ausgefuehrt) == 2


def test_mutations_are_never_served_from_the_cache(web: Flask, welt: Welt) -> None:
    token = api_token(web, "kreis")
    bestaetigen = 'mutation($v: Int!) { meldungBestaetigen(kommune: "Kommune Eigen", version: $v)' \
                  ' { version } }'
    versionen = [graphql(web.test_client(), bestaetigen, {"v": v}, token=token).get_json()[
        "data"]["meldungBestaetigen"]["version"] for v in (1, 2, 3)]
    assert versionen == [2, 3, 4]


def test_only_answers_of_queries_are_kept_even_in_one_document(web: Flask,
                                                                welt: Welt) -> None:
    token = api_token(web, "kreis")
    dokument = ('query Lesen { kommune(name: "Kommune Eigen") { meldung { version } } } '
                'mutation Schreiben { meldungBestaetigen(kommune: "Kommune Eigen", version: 1) '
                '{ version } }')

    def senden(operation: str) -> dict:
        return web.test_client().post("/graphql", json={
            "query": dokument, "operationName": operation},
            headers={"Authorization": f"Bearer {token}"}).get_json()

    assert senden("Lesen")["data"]["kommune"]["meldung"]["version"] == 1
    assert senden("Schreiben")["data"]["meldungBestaetigen"]["version"] == 2
    # The same mutation again runs again (and is refused: version 1 is no longer current).
    zweimal = senden("Schreiben")
    assert zweimal["data"] is None and zweimal["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert senden("Lesen")["data"]["kommune"]["meldung"]["version"] == 2


def test_revoked_token_and_deactivated_user_are_refused_at_once(
        web: Flask, welt: Welt, zweiter_worker: Flask) -> None:
    token = api_token(web, "presse")
    for _ in range(2):
        assert graphql(web.test_client(), LESEN, token=token).status_code == 200
    widerruf = zweiter_worker.test_cli_runner().invoke(args=["token", "widerrufen", "presse"])
    assert widerruf.exit_code == 0
    assert graphql(web.test_client(), LESEN, token=token).status_code == 401

    kreis = api_token(web, "kreis")
    assert graphql(web.test_client(), LESEN, token=kreis).status_code == 200
    with zweiter_worker.app_context():
        db.session.scalar(select(Benutzer).where(Benutzer.name == "kreis")).aktiv = False
        db.session.commit()
    assert graphql(web.test_client(), LESEN, token=kreis).status_code == 401


def test_reading_does_not_bump_the_data_version(web: Flask, welt: Welt) -> None:
    from wrm.models.datenstand import datenstand

    token = api_token(web, "kreis")
    with web.app_context():
        vorher = datenstand(db.session)
    for _ in range(3):
        graphql(web.test_client(), LESEN, token=token)
    with web.app_context():
        assert datenstand(db.session) == vorher


def test_a_text_is_validated_once_and_its_errors_kept_with_their_place(
        web: Flask, welt: Welt, monkeypatch) -> None:
    geprueft = validierungen_zaehlen(monkeypatch)
    token = api_token(web, "presse")
    # Texts of this test alone: the store lives as long as the process, across tests.
    falsch = "{ nurHier: kommunen {\n  name\n  gibtsNicht } }"
    antworten = [graphql(web.test_client(), falsch, token=token).get_json() for _ in range(2)]
    assert antworten[0] == antworten[1]
    assert "gibtsNicht" in antworten[0]["errors"][0]["message"]
    assert antworten[0]["errors"][0]["locations"] == [{"line": 3, "column": 3}]
    # Another text is validated by itself; each text once.
    richtig = "{ nurHier: kommunen { name } }"
    for _ in range(2):
        assert "errors" not in graphql(web.test_client(), richtig, {"x": _}, token=token).get_json()
    assert geprueft == [falsch, richtig]

"""The side-by-side run of `make bench` (see `benchmarks/vergleich.py`): the raw floor,
PostGraphile with 2 workers and WRM with 2 gunicorn workers, each under wrk at 2 and 16
connections; the ratios of issues 14 and 26 as JSON keys. Then the same kinds of load at 16
connections on the seed's county (`_kreis` keys, issue 26)."""

from __future__ import annotations

import json
from collections.abc import Callable

from benchmarks.dienste import gunicorn, rss_mb
from benchmarks.vergleich import (
    PEER_ABFRAGE,
    PRESSE,
    Ergebnis,
    Kreis,
    einzeln,
    koerper,
    lua,
    messen,
    postgraphile,
    pruefen,
    vorbereiten,
    vorbereiten_kreis,
)
from benchmarks.wrk import Messung

#: The kinds of load: the same request again, a new Stichtag with the saved operation sent by
#: its id, a new Stichtag with the text, a new query text.
ARTEN = ("cached", "trusted_variables", "uncached_variables", "uncached_text")


def _skripte(kreis: Kreis) -> dict[str, tuple[str, str]]:
    """Per kind of load: the wrk script for WRM and the one for PostGraphile."""
    skripte = {}
    for art in ARTEN:
        stichtag, neu = art.endswith("_variables"), art == "uncached_text"
        tage = kreis.tage if stichtag else None
        wrm = lua(koerper(PRESSE, {}, stichtag=stichtag, neuer_text=neu, feld="auswertung",
                          gespeichert=art == "trusted_variables"), kreis.token, tage, neu)
        peer = lua(koerper(PEER_ABFRAGE, {"landkreis": kreis.id}, stichtag=stichtag,
                           neuer_text=neu, feld="auswertungList"), None, tage, neu)
        skripte[art] = (wrm, peer)
    return skripte


def _verhaeltnis(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def vergleichen(url: str, *, quick: bool, melden: Callable[[str], None],
                kreis_url: str | None = None) -> dict:
    """Prepare the data, check that every system answers the same figures, then measure."""
    kreis, land = vorbereiten(url)
    sekunden, aufwaermen = (2, 2) if quick else (10, 3)
    umgebung = {"WRM_DATABASE_URL": url, "WRM_SECRET_KEY": "bench",
                "BODEN_LANDKREIS": str(kreis.id), "BODEN_ZEITRAUM": str(kreis.zeitraum)}
    skripte = _skripte(kreis)
    gemessen: dict[str, dict[str, Ergebnis]] = {"wrm": {}, "postgraphile": {}}
    with gunicorn("benchmarks.boden:anwendung", umgebung) as (boden_url, _), \
            postgraphile(url) as peer_url, gunicorn("wsgi:app", umgebung) as (wrm_url, master):
        zeilen = pruefen(wrm_url, peer_url, boden_url, kreis)
        zeilen += pruefen(wrm_url, peer_url, None, land)
        melden(f"Vergleich: WRM, PostGraphile und Boden antworten dieselben Zahlen "
               f"({zeilen} Zeilen verglichen)")
        leer = lua(json.dumps({}), None)
        messen(boden_url, leer, aufwaermen)
        boden = messen(boden_url, leer, sekunden)
        for system, adresse, index in (("postgraphile", peer_url, 1), ("wrm", wrm_url, 0)):
            # Both paths warmed (the answer cache's and the computing one), so that the first
            # kind measured after the warm-up does not pay for the workers' first work.
            messen(adresse, skripte["cached"][index], aufwaermen)
            messen(adresse, skripte["uncached_variables"][index], aufwaermen, len(kreis.tage))
            for art in ARTEN:
                gemessen[system][art] = messen(adresse, skripte[art][index], sekunden,
                                               len(kreis.tage))
        # The workers now hold the county's history (95,000 entries) in memory.
        rss_verlauf = rss_mb(master)
        land_skripte = _skripte(land)["uncached_variables"]
        land_wrm = einzeln(wrm_url, land_skripte[0], sekunden, len(land.tage), 1)
        land_peer = einzeln(peer_url, land_skripte[1], sekunden, len(land.tage), 1)
    ergebnis = _auswerten(gemessen, boden, land_wrm, land_peer, melden)
    melden(f"  Worker-RSS mit der Historie des Landkreises im Speicher: {rss_verlauf:.0f} MB "
           "(Ziel < 150)")
    ergebnis["worker_rss_mb_verlauf"] = round(rss_verlauf, 1)
    if kreis_url is not None:
        ergebnis.update(_seedkreis(kreis_url, sekunden, aufwaermen, melden))
    return ergebnis


def _seedkreis(url: str, sekunden: int, aufwaermen: int, melden: Callable[[str], None]
               ) -> dict:
    """The kinds of load at 16 connections on the seed's county (`vorbereiten_kreis`): where
    a request's fixed costs, not its rows, decide."""
    kreis = vorbereiten_kreis(url)
    skripte = _skripte(kreis)
    umgebung = {"WRM_DATABASE_URL": url, "WRM_SECRET_KEY": "bench"}
    gemessen: dict[str, dict[str, Messung]] = {"wrm": {}, "postgraphile": {}}
    with postgraphile(url) as peer_url, gunicorn("wsgi:app", umgebung) as (wrm_url, _):
        zeilen = pruefen(wrm_url, peer_url, None, kreis)
        melden(f"Seed-Landkreis: WRM und PostGraphile antworten dieselben Zahlen ({zeilen} "
               "Zeilen verglichen)")
        for system, adresse, index in (("postgraphile", peer_url, 1), ("wrm", wrm_url, 0)):
            einzeln(adresse, skripte["cached"][index], aufwaermen, 2, 16)
            einzeln(adresse, skripte["uncached_variables"][index], aufwaermen,
                    len(kreis.tage), 16)
            for art in ARTEN:
                gemessen[system][art] = einzeln(adresse, skripte[art][index], sekunden,
                                                len(kreis.tage), 16)
    for art in ARTEN:
        melden(f"  Seed-Landkreis {art:19} 16 Verb.: PostGraphile "
               f"{gemessen['postgraphile'][art].als_text()}; WRM {gemessen['wrm'][art].als_text()}")
    ergebnis = {f"vs_postgraphile_{art}_kreis": _verhaeltnis(
        gemessen["wrm"][art].rps, gemessen["postgraphile"][art].rps) for art in ARTEN}
    melden(f"  Ziel Seed-Landkreis: cached ≥ 1,0× PostGraphile "
           f"({ergebnis['vs_postgraphile_cached_kreis']})")
    return ergebnis


def _auswerten(gemessen: dict[str, dict[str, Ergebnis]], boden: Ergebnis, land_wrm: Messung,
               land_peer: Messung, melden: Callable[[str], None]) -> dict:
    wrm, peer = gemessen["wrm"], gemessen["postgraphile"]
    melden(f"  Boden (roh): 2 Verb. {boden.zwei.als_text()}; 16 Verb. {boden.sechzehn.als_text()}")
    for art in ARTEN:
        for system, werte in (("PostGraphile", peer), ("WRM", wrm)):
            melden(f"  {system:12} {art:19} 2 Verb. {werte[art].zwei.als_text()}; "
                   f"16 Verb. {werte[art].sechzehn.als_text()}")
    melden(f"  Landesgröße (1.080 Kommunen, Stichtag, 1 Verb.): WRM p50 {land_wrm.p50_ms:.1f} ms, "
           f"PostGraphile p50 {land_peer.p50_ms:.1f} ms")
    ergebnis: dict[str, object] = {
        f"vs_postgraphile_{art}": _verhaeltnis(wrm[art].sechzehn.rps, peer[art].sechzehn.rps)
        for art in ARTEN}
    ergebnis.update({
        "vs_postgraphile_cached_2": _verhaeltnis(wrm["cached"].zwei.rps, peer["cached"].zwei.rps),
        "vs_raw_cached": _verhaeltnis(wrm["cached"].sechzehn.rps, boden.sechzehn.rps),
        "state_latency_vs_postgraphile": _verhaeltnis(land_wrm.p50_ms, land_peer.p50_ms),
        "state_p50_ms": round(land_wrm.p50_ms, 2),
        "postgraphile_state_p50_ms": round(land_peer.p50_ms, 2),
        # The p99 under the hardest comparable load: a new Stichtag each request.
        "p99_ms_16": round(wrm["uncached_variables"].sechzehn.p99_ms, 2),
        "postgraphile_p99_ms_16": round(peer["uncached_variables"].sechzehn.p99_ms, 2),
        "peer_table_rps": {
            "raw_floor": [round(boden.zwei.rps), round(boden.sechzehn.rps)],
            **{f"{system}_{art}": [round(e.zwei.rps), round(e.sechzehn.rps)]
               for system, arten in gemessen.items() for art, e in arten.items()}},
    })
    ziele = (f"Ziele: cached ≥ 1,5× PostGraphile ({ergebnis['vs_postgraphile_cached']}); "
             f"gespeichert, neuer Stichtag ≥ 0,8× "
             f"({ergebnis['vs_postgraphile_trusted_variables']}); Text, neuer Stichtag ≥ 0,6× "
             f"({ergebnis['vs_postgraphile_uncached_variables']}); neuer Text ≥ 0,4× "
             f"({ergebnis['vs_postgraphile_uncached_text']}); Landesgröße ≤ 1,5× "
             f"({ergebnis['state_latency_vs_postgraphile']}); p99 bei 16 Verb. "
             f"{ergebnis['p99_ms_16']} ms gegen {ergebnis['postgraphile_p99_ms_16']} ms")
    melden("  " + ziele)
    return ergebnis

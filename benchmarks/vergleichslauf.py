"""The side-by-side run of `make bench` (see `benchmarks/vergleich.py`): the raw floor,
PostGraphile with 2 workers and WRM with 2 gunicorn workers, each under wrk at 2 and 16
connections; the ratios of issue 14 as JSON keys."""

from __future__ import annotations

import json
from collections.abc import Callable

from benchmarks.dienste import gunicorn
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
)
from benchmarks.wrk import Messung

#: The three kinds of load: the same request again, a new Stichtag, a new query text.
ARTEN = ("cached", "uncached_variables", "uncached_text")


def _skripte(kreis: Kreis) -> dict[str, tuple[str, str]]:
    """Per kind of load: the wrk script for WRM and the one for PostGraphile."""
    skripte = {}
    for art in ARTEN:
        stichtag, neu = art == "uncached_variables", art == "uncached_text"
        tage = kreis.tage if stichtag else None
        wrm = lua(koerper(PRESSE, {}, stichtag=stichtag, neuer_text=neu, feld="auswertung"),
                  kreis.token, tage, neu)
        peer = lua(koerper(PEER_ABFRAGE, {"landkreis": kreis.id}, stichtag=stichtag,
                           neuer_text=neu, feld="auswertungList"), None, tage, neu)
        skripte[art] = (wrm, peer)
    return skripte


def _verhaeltnis(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def vergleichen(url: str, *, quick: bool, melden: Callable[[str], None]) -> dict:
    """Prepare the data, check that every system answers the same figures, then measure."""
    kreis, land = vorbereiten(url)
    sekunden, aufwaermen = (2, 2) if quick else (10, 3)
    umgebung = {"WRM_DATABASE_URL": url, "WRM_SECRET_KEY": "bench",
                "BODEN_LANDKREIS": str(kreis.id), "BODEN_ZEITRAUM": str(kreis.zeitraum)}
    skripte = _skripte(kreis)
    gemessen: dict[str, dict[str, Ergebnis]] = {"wrm": {}, "postgraphile": {}}
    with gunicorn("benchmarks.boden:anwendung", umgebung) as (boden_url, _), \
            postgraphile(url) as peer_url, gunicorn("wsgi:app", umgebung) as (wrm_url, _):
        zeilen = pruefen(wrm_url, peer_url, boden_url, kreis)
        zeilen += pruefen(wrm_url, peer_url, None, land)
        melden(f"Vergleich: WRM, PostGraphile und Boden antworten dieselben Zahlen "
               f"({zeilen} Zeilen verglichen)")
        leer = lua(json.dumps({}), None)
        messen(boden_url, leer, aufwaermen)
        boden = messen(boden_url, leer, sekunden)
        for system, adresse, index in (("postgraphile", peer_url, 1), ("wrm", wrm_url, 0)):
            messen(adresse, skripte["cached"][index], aufwaermen)
            for art in ARTEN:
                gemessen[system][art] = messen(adresse, skripte[art][index], sekunden,
                                               len(kreis.tage))
        land_skripte = _skripte(land)["uncached_variables"]
        land_wrm = einzeln(wrm_url, land_skripte[0], sekunden, len(land.tage), 1)
        land_peer = einzeln(peer_url, land_skripte[1], sekunden, len(land.tage), 1)
    return _auswerten(gemessen, boden, land_wrm, land_peer, melden)


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
    ziele = (f"Ziele: cached ≥ 1,2× PostGraphile ({ergebnis['vs_postgraphile_cached']}) und "
             f"≥ 0,8× Boden ({ergebnis['vs_raw_cached']}); ungecacht ≥ 0,5× "
             f"({ergebnis['vs_postgraphile_uncached_variables']}, "
             f"{ergebnis['vs_postgraphile_uncached_text']}); Landesgröße ≤ 2× "
             f"({ergebnis['state_latency_vs_postgraphile']}); p99 bei 16 Verb. "
             f"{ergebnis['p99_ms_16']} ms gegen {ergebnis['postgraphile_p99_ms_16']} ms")
    melden("  " + ziele)
    return ergebnis

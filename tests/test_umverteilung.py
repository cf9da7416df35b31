"""The redistribution proposal: optimal against a linear program on random instances, places as
many persons as possible, and Kommunen without coordinates are used last and named."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import linprog

from wrm.umverteilung import OHNE_ORT_KM, Ort, entfernung_km, kosten_km, vorschlagen


def _zufall(rng: random.Random, anzahl: int, ohne_ort: float = 0.0) -> list[Ort]:
    orte = []
    for i in range(anzahl):
        art = rng.random()
        bedarf = rng.randint(1, 80) if art < 0.4 else 0
        frei = rng.randint(1, 90) if art > 0.6 else 0
        los = rng.random() < ohne_ort
        orte.append(Ort(kommune=f"K{i:02d}", breitengrad=None if los else rng.uniform(52, 52.8),
                        laengengrad=None if los else rng.uniform(7.6, 8.5),
                        bedarf=bedarf, frei=frei))
    return orte


def _lp_optimum(orte: list[Ort]) -> tuple[int, float]:
    """Max placed persons, then min cost: two LPs with HiGHS (independent of networkx)."""
    geber = [o for o in orte if o.frei > 0]
    nehmer = [o for o in orte if o.bedarf > 0]
    if not geber or not nehmer:
        return 0, 0.0
    n_g, n_n = len(geber), len(nehmer)
    kosten = np.array([kosten_km(g, n) for g in geber for n in nehmer])
    zeilen_g = np.zeros((n_g, n_g * n_n))
    zeilen_n = np.zeros((n_n, n_g * n_n))
    for i in range(n_g):
        for j in range(n_n):
            zeilen_g[i, i * n_n + j] = 1
            zeilen_n[j, i * n_n + j] = 1
    a_ub = np.vstack([zeilen_g, zeilen_n])
    b_ub = np.array([g.frei for g in geber] + [n.bedarf for n in nehmer])
    maximal = linprog(-np.ones(n_g * n_n), A_ub=a_ub, b_ub=b_ub, method="highs")
    menge = round(-maximal.fun)
    guenstig = linprog(kosten, A_ub=a_ub, b_ub=b_ub, A_eq=np.ones((1, n_g * n_n)),
                       b_eq=[menge], method="highs")
    return menge, guenstig.fun


@pytest.mark.parametrize("saat", range(220))
def test_proposal_is_optimal_against_a_linear_program(saat: int) -> None:
    rng = random.Random(saat)
    orte = _zufall(rng, rng.randint(2, 30), ohne_ort=0.1 if saat % 5 == 0 else 0.0)
    vorschlag = vorschlagen(orte)
    menge, kosten = _lp_optimum(orte)
    assert vorschlag.platziert == menge == min(sum(o.bedarf for o in orte),
                                               sum(o.frei for o in orte))
    nach_name = {o.kommune: o for o in orte}
    eigene = sum(z.personen * kosten_km(nach_name[z.aufnehmend], nach_name[z.zuweisend])
                 for z in vorschlag.zeilen)
    assert eigene == pytest.approx(kosten, rel=1e-9, abs=1e-6)
    for o in orte:  # nobody gives more than spare, nobody gets more than needed
        assert sum(z.personen for z in vorschlag.zeilen if z.aufnehmend == o.kommune) <= o.frei
        assert sum(z.personen for z in vorschlag.zeilen if z.zuweisend == o.kommune) <= o.bedarf
    assert all(z.personen > 0 for z in vorschlag.zeilen)


def test_nearest_first_is_not_optimal_but_the_proposal_is() -> None:
    # Nearest-first gives A's 10 places to the close B and leaves C to the far host D.
    a = Ort("A", 52.00, 8.00, bedarf=0, frei=10)
    b = Ort("B", 52.01, 8.00, bedarf=10, frei=0)
    c = Ort("C", 52.05, 8.00, bedarf=10, frei=0)
    d = Ort("D", 52.02, 8.00, bedarf=0, frei=10)
    vorschlag = vorschlagen([a, b, c, d])
    assert vorschlag.platziert == 20
    assert {(z.zuweisend, z.aufnehmend, z.personen) for z in vorschlag.zeilen} == {
        ("B", "A", 10), ("C", "D", 10)}
    assert vorschlag.personenkilometer == pytest.approx(10 * 1.1 + 10 * 3.3)


def test_a_kommune_without_coordinates_helps_last_and_is_named() -> None:
    nah = Ort("Nah", 52.3, 8.0, bedarf=0, frei=5)
    fern = Ort("Ohne Ort", None, None, bedarf=0, frei=50)
    not_ = Ort("Not", 52.31, 8.0, bedarf=20, frei=0)
    vorschlag = vorschlagen([fern, nah, not_])
    zeilen = {z.aufnehmend: z for z in vorschlag.zeilen}
    assert zeilen["Nah"].personen == 5 and zeilen["Nah"].km == entfernung_km(nah, not_)
    assert zeilen["Ohne Ort"].personen == 15 and zeilen["Ohne Ort"].km is None
    assert vorschlag.platziert == 20
    assert vorschlag.personenkilometer == pytest.approx(5 * zeilen["Nah"].km)
    assert vorschlag.warnungen == ("Ohne Ort hat keine Koordinaten; sie wird nur eingeplant, "
                                   "wo keine andere hilft, und ihre Zeilen haben keine "
                                   "Entfernung.",)
    assert kosten_km(fern, not_) == OHNE_ORT_KM > 20_015


def test_distance_is_the_great_circle() -> None:
    # Osnabrück – Hannover along the great circle is about 115 km.
    osnabrueck = Ort("O", 52.27692, 8.04205, 0, 0)
    hannover = Ort("H", 52.37444, 9.73861, 0, 0)
    assert entfernung_km(osnabrueck, hannover) == pytest.approx(115.9, abs=1.0)
    assert entfernung_km(osnabrueck, osnabrueck) == 0.0


def test_nothing_to_place_gives_an_empty_proposal_and_same_input_same_lines() -> None:
    assert vorschlagen([Ort("A", 52, 8, 0, 10)]).zeilen == ()
    orte = _zufall(random.Random(7), 25)
    assert vorschlagen(orte) == vorschlagen(list(orte))

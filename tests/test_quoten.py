"""The quota calculation (Hare–Niemeyer): exact sums, the tie rule, carry-over and relief."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from wrm.kennzahlen.quoten import Quotengrundlage, berechnen, grundquoten


@pytest.mark.parametrize("saat", range(200))
def test_base_quotas_add_up_to_the_contingent_and_stay_within_one(saat: int) -> None:
    zufall = random.Random(saat)
    einwohner = [(f"K{i:02d}", zufall.randint(0, 80_000)) for i in range(zufall.randint(1, 40))]
    einwohner[0] = ("K00", max(einwohner[0][1], 1))
    kontingent = zufall.randint(0, 5000)
    basis = grundquoten(kontingent, einwohner)
    assert sum(basis.values()) == kontingent
    gesamt = sum(e for _, e in einwohner)
    for name, e in einwohner:
        genau = Fraction(kontingent * e, gesamt)
        assert genau - 1 < basis[name] < genau + 1 or basis[name] == genau


def test_a_hand_computed_case() -> None:
    # 100 persons for 3 Kommunen of 50,000, 30,000 and 20,000 inhabitants … and one of 1: the
    # exact shares 49.999…, 29.999…, 19.999…, 0.0009…; floors 49, 29, 19, 0; three remaining
    # persons to the three largest remainders.
    basis = grundquoten(100, [("A", 50_000), ("B", 30_000), ("C", 20_000), ("D", 1)])
    assert basis == {"A": 50, "B": 30, "C": 20, "D": 0}


def test_ties_go_to_the_larger_population_then_to_the_name() -> None:
    # 2 persons, 10 inhabitants: exact shares 0.4, 1.4, 0.2; floors 0, 1, 0; the remaining
    # person goes to one of the equal remainders 0.4: the larger Kommune.
    assert grundquoten(2, [("Klein", 2), ("Gross", 7), ("Mini", 1)]) == {
        "Klein": 0, "Gross": 2, "Mini": 0}
    # 1 person for two equal Kommunen: the name first in ascending order.
    assert grundquoten(1, [("Zeven", 500), ("Achim", 500)]) == {"Zeven": 0, "Achim": 1}
    # 2 persons for three equal ones: A and B, not C.
    assert grundquoten(2, [("C", 10), ("B", 10), ("A", 10)]) == {"C": 0, "B": 1, "A": 1}


def test_carry_over_and_relief_and_the_floor_at_zero() -> None:
    ergebnis = berechnen(90, [
        Quotengrundlage("A", 60_000, uebertrag=12),
        Quotengrundlage("B", 30_000, uebertrag=-5, entlastung=40),
        Quotengrundlage("C", 0)])
    zeilen = {z.kommune: z for z in ergebnis.zeilen}
    assert (zeilen["A"].grundquote, zeilen["A"].quote) == (60, 72)
    assert (zeilen["B"].grundquote, zeilen["B"].quote, zeilen["B"].auf_null_gesetzt) == (
        30, 0, True)
    assert zeilen["C"].quote == 0 and not zeilen["C"].auf_null_gesetzt
    assert ergebnis.summe_quoten == 72 and ergebnis.abweichung == -18
    assert zeilen["A"].anteil == Fraction(2, 3) and zeilen["A"].rechnerisch == 60


@pytest.mark.parametrize(("kontingent", "einwohner"), [
    (-1, [("A", 10)]), (10, [("A", 0)]), (10, [("A", 10), ("B", -1)]), (10, [])])
def test_impossible_inputs_are_refused(kontingent: int, einwohner: list) -> None:
    with pytest.raises(ValueError):
        grundquoten(kontingent, einwohner)

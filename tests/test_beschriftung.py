"""Placing the map's labels (`admin.beschriftung`): beside the dot where there is room, else
away from it with a leader line; never over another label, a dot or an arrow."""

from __future__ import annotations

import itertools

from admin.beschriftung import Kasten, platzieren, textbreite

RAHMEN = Kasten(0, 0, 760, 560)


def test_a_crowded_cluster_gets_every_label_clear_of_the_rest() -> None:
    punkte = [(f"Kommune {b} (−{i * 7})", 380 + 6 * (i % 3), 280 + 9 * (i // 3))
              for i, b in enumerate("ABCDEF")]
    pfeil = ((300.0, 200.0), (460.0, 360.0))  # straight through the cluster
    beschriftungen = platzieren(punkte, strecken=[pfeil], rahmen=RAHMEN)
    assert len(beschriftungen) == 6
    for a, b in itertools.combinations(beschriftungen, 2):
        assert not a.kasten.schneidet(b.kasten)
    for b in beschriftungen:
        assert b.kasten.innerhalb(RAHMEN)
        assert not b.kasten.schneidet_strecke(*pfeil)
    assert any(b.leitlinie is not None for b in beschriftungen)  # some had to move away


def test_a_lone_dot_is_labelled_to_its_right() -> None:
    (b,) = platzieren([("Kommune A (4)", 100.0, 100.0)], rahmen=RAHMEN)
    assert (b.x, b.y, b.anker, b.leitlinie) == (110.0, 104.0, "start", None)
    assert b.kasten.x1 - b.kasten.x0 >= textbreite("Kommune A (4)")


def test_at_the_right_edge_the_label_goes_left() -> None:
    (b,) = platzieren([("Kommune Z (−174)", 740.0, 300.0)], rahmen=RAHMEN)
    assert b.anker == "end" and b.kasten.innerhalb(RAHMEN)


def test_segment_and_box_geometry() -> None:
    kasten = Kasten(10, 10, 20, 20)
    assert kasten.schneidet_strecke((0, 15), (30, 15))
    assert not kasten.schneidet_strecke((0, 0), (30, 5))
    assert kasten.schneidet_strecke((15, 15), (100, 100))  # starts inside
    assert not kasten.schneidet(Kasten(20, 10, 30, 20))  # touching edges

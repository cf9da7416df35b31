"""The map in a real browser, with the real text boxes: no label covers another label, a dot or
an arrow of the proposal (the county's map, with the most arrows)."""

from __future__ import annotations

from flask import Flask

from admin.beschriftung import Kasten
from tests.browser.hilfe import anmelden, bedienen, chromium_verlangen, menue, seiten

chromium_verlangen()

MESSEN = """() => {
  const svg = document.querySelector('#karte svg');
  const kasten = e => { const b = e.getBBox();
                        return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const zahl = (e, n) => parseFloat(e.getAttribute(n));
  return {
    beschriftungen: [...svg.querySelectorAll('text.beschriftung')].map(
      t => [t.textContent, kasten(t)]),
    punkte: [...svg.querySelectorAll('g.kommune circle')].map(
      c => [zahl(c, 'cx') - zahl(c, 'r'), zahl(c, 'cy') - zahl(c, 'r'),
            zahl(c, 'cx') + zahl(c, 'r'), zahl(c, 'cy') + zahl(c, 'r')]),
    pfeile: [...svg.querySelectorAll('line[opacity]')].map(
      l => [[zahl(l, 'x1'), zahl(l, 'y1')], [zahl(l, 'x2'), zahl(l, 'y2')]]),
  };
}"""


def test_no_label_covers_another_label_a_dot_or_an_arrow(demo_web: Flask, browser) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        kreis = oeffnen()
        anmelden(kreis, "landkreis", "demo-wrm-2026")
        menue(kreis, "Auswertung").click()
        kreis.locator("#karte svg").wait_for()  # the new page, not the one before the click
        gemessen = kreis.evaluate(MESSEN)
    beschriftungen = [(text, Kasten(*k)) for text, k in gemessen["beschriftungen"]]
    assert len(beschriftungen) == 21 and len(gemessen["pfeile"]) == 10
    for i, (text, kasten) in enumerate(beschriftungen):
        for anderer_text, anderer in beschriftungen[i + 1:]:
            assert not kasten.schneidet(anderer), (text, anderer_text)
        for punkt in gemessen["punkte"]:
            assert not kasten.schneidet(Kasten(*punkt)), (text, punkt)
        for a, b in gemessen["pfeile"]:
            assert not kasten.schneidet_strecke(tuple(a), tuple(b)), (text, a, b)

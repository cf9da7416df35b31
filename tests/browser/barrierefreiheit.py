"""axe-core (installed by scripts/axe.sh) run on a page: the WCAG 2.1 A and AA rules."""

from __future__ import annotations

from pathlib import Path

AXE = next(iter(sorted((Path(__file__).parent / "vendor").glob("axe-*.min.js"))), None)
REGELN = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def verstoesse(seite) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's violations as "rule: target (impact)" lines; evaluated through the browser's
    debugging protocol, which the page's Content-Security-Policy does not restrict."""
    assert AXE is not None, "axe-core fehlt: bash scripts/axe.sh"
    if not seite.evaluate("() => typeof window.axe !== 'undefined'"):
        seite.evaluate(AXE.read_text(encoding="utf-8"))
    ergebnis = seite.evaluate("async (regeln) => (await axe.run(document, {runOnly: "
                              "{type: 'tag', values: regeln}})).violations", REGELN)
    return [f"{v['id']}: {', '.join(str(k['target']) for k in v['nodes'][:3])} ({v['impact']})"
            for v in ergebnis]

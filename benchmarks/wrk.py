"""The HTTP load generator of the benchmarks: wrk (Debian's package, scripts/wrk.sh)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Messung:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    fehler: int  # answers not 2xx/3xx, socket errors, answers with GraphQL errors

    def als_text(self) -> str:
        """For the human-readable lines: "1234 req/s, p99 5.1 ms"."""
        return f"{self.rps:.0f} req/s, p99 {self.p99_ms:.1f} ms"


def _ms(ausgabe: str, perzentil: str) -> float:
    wert, einheit = re.search(rf"{perzentil}%\s+([\d.]+)(us|ms|s)\b", ausgabe).groups()  # type: ignore[union-attr]
    return float(wert) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[einheit]


def wrk_lauf(url: str, skript: Path, verbindungen: int, sekunden: int) -> Messung:
    """One wrk run (2 threads, or 1 for a single connection) with a Lua script."""
    faeden = min(2, verbindungen)
    ausgabe = subprocess.run(
        ["wrk", f"-t{faeden}", f"-c{verbindungen}", f"-d{sekunden}s", "--latency",
         "-s", str(skript), url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", ausgabe).group(1))  # type: ignore[union-attr]
    fehler = 0
    if treffer := re.search(r"Non-2xx or 3xx responses: (\d+)", ausgabe):
        fehler += int(treffer.group(1))
    if treffer := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                            r"timeout (\d+)", ausgabe):
        fehler += sum(int(t) for t in treffer.groups())
    if treffer := re.search(r"GraphQL-Fehler: (\d+)", ausgabe):  # counted by our scripts
        fehler += int(treffer.group(1))
    return Messung(rps, _ms(ausgabe, "50"), _ms(ausgabe, "99"), fehler)


def wrk_skript(url: str, skript: str, verbindungen: int, sekunden: int) -> Messung:
    """`wrk_lauf` with the Lua script given as text."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as datei:
        datei.write(skript)
    try:
        return wrk_lauf(url, Path(datei.name), verbindungen, sekunden)
    finally:
        os.unlink(datei.name)

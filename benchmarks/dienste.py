"""Servers for the benchmarks and the load test: gunicorn on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

WURZEL = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def freier_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(ziel: str, umgebung: dict[str, str], praefix: tuple[str, ...] = (),
             threads: int = 1, workers: int = 2, argumente: tuple[str, ...] = ("--log-level",
                                                                               "warning"),
             ausgabe: IO[bytes] | None = None) -> Iterator[tuple[str, int]]:
    """gunicorn with 2 workers on 127.0.0.1; yields its URL and the master's pid.

    `praefix` runs gunicorn under another command (e.g. `setpriv` with fewer capabilities);
    `threads` > 1 gives each worker that many threads (gthread), for truly parallel requests;
    `argumente` are gunicorn's further options; `ausgabe` takes its stdout and stderr.
    """
    port = freier_port()
    prozess = subprocess.Popen(
        [*praefix, str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", *argumente, ziel],
        cwd=WURZEL, env={**os.environ, **umgebung}, stdout=ausgabe,
        stderr=subprocess.STDOUT if ausgabe is not None else None)
    url = f"http://127.0.0.1:{port}"
    try:
        # The master accepts connections before a worker has booted: wait for an answer (any
        # status), not only for the socket, so no measurement includes the boot.
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "/", timeout=5):
                    break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        yield url, prozess.pid
    finally:
        prozess.send_signal(signal.SIGTERM)
        prozess.wait(10)


def rss_mb(master: int) -> float:
    """The largest RSS in MB among the children (workers) of a gunicorn master."""
    kinder = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    werte = []
    for pid in kinder:
        status = Path(f"/proc/{pid}/status").read_text()
        werte.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
    return max(werte)

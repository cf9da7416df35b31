"""gunicorn's settings for WRM: `gunicorn -c python:wrm.gunicorn_konfiguration wsgi:app`.
With `WRM_LOG_FORMAT=json` gunicorn's own lines (start, workers, errors) are JSON lines like
WRM's (`wrm.logs`); the request lines come from WRM itself, so gunicorn's access log stays off.
With `PROMETHEUS_MULTIPROC_DIR` set, an ended worker's metrics are marked dead (`wrm.metriken`).
Other settings are given on the command line as usual."""

import os
from typing import Any

from wrm.logs import gunicorn_logconfig

logconfig_dict = gunicorn_logconfig(os.environ.get("WRM_LOG_FORMAT", "text"))


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended: its metrics files stop counting as a live process (prometheus_client's
    multiprocess mode, `wrm.metriken`)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

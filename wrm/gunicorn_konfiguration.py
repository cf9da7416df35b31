"""gunicorn's settings for WRM: `gunicorn -c python:wrm.gunicorn_konfiguration wsgi:app`.
With `WRM_LOG_FORMAT=json` gunicorn's own lines (start, workers, errors) are JSON lines like
WRM's (`wrm.logs`); the request lines come from WRM itself, so gunicorn's access log stays off.
Other settings are given on the command line as usual."""

import os

from wrm.logs import gunicorn_logconfig

logconfig_dict = gunicorn_logconfig(os.environ.get("WRM_LOG_FORMAT", "text"))

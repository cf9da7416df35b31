"""WSGI entry point for production servers: `gunicorn wsgi:app`."""

from wrm import create_app

app = create_app()

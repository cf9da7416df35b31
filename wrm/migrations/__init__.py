"""Alembic migrations of the WRM database (run through Flask-Migrate: `wrm init`, `wrm db …`)."""

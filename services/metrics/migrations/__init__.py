"""Alembic migrations of the metrics database: `vigil db upgrade --service metrics`."""

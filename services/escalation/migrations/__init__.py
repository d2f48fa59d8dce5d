"""Alembic migrations of the escalation database: `vigil db upgrade --service escalation`."""

"""Alembic migrations of the triage database: `vigil db upgrade --service triage`."""

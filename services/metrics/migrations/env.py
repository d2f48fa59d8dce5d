"""Alembic environment: everything is in shared.migrations.run_env."""

from shared.migrations import run_env

run_env()

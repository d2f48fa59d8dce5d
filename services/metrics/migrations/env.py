"""Alembic environment: everything is in shared.migration_env.run_env."""

from shared.migration_env import run_env

run_env()

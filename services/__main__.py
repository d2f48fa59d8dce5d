"""``python -m services``: all four services in one process (embedded mode)."""

from services.cli import main

main(["run"])

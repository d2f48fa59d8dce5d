"""The ``vigil`` command line."""

import argparse
import asyncio
from collections.abc import Sequence
from typing import cast

from services.runner import FACTORIES, run_embedded, serve
from shared.settings import ServiceName


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="vigil", description="Vigil triage and escalation")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run all four services in one process (embedded mode)")
    serve_parser = commands.add_parser("serve", help="run one service (distributed mode)")
    serve_parser.add_argument("service", choices=sorted(FACTORIES))
    arguments = parser.parse_args(argv)
    if arguments.command == "run":
        asyncio.run(run_embedded())
    else:
        serve(cast(ServiceName, arguments.service))


if __name__ == "__main__":
    main()

"""The ``vigil`` command line: run Vigil, migrate its databases, validate its configuration,
create API keys.

    vigil run                                  all four services in one process (embedded)
    vigil serve SERVICE                        one service (distributed)
    vigil db upgrade [--service S]             apply migrations (every service by default)
    vigil db current|history|check|downgrade|revision ...
    vigil config validate [--config-dir DIR]   load every file every service reads
    vigil apikey create --name N --role R      print a new key once and its api_keys.yaml entry
"""

import argparse
import asyncio
import importlib
import os
import secrets
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast, get_args

import yaml
from sqlalchemy.exc import SQLAlchemyError

from shared.auth import ApiKeyEntry, Role, hash_api_key
from shared.config import DEFAULT_CONFIG_DIR, ConfigError
from shared.migrations import SERVICES_WITH_DATABASE, MigrationError
from shared.settings import ServiceName, VigilSettings

SERVICES: tuple[ServiceName, ...] = ("intake", "triage", "escalation", "metrics")
API_KEY_PREFIX = "vigil_"


class CommandError(Exception):
    """A command failed in an expected way: its message is shown, the exit status is 1."""


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


# --- run ---------------------------------------------------------------------------------


def _run(_: argparse.Namespace) -> int:
    from services.runner import run_embedded

    asyncio.run(run_embedded())
    return 0


def _serve(arguments: argparse.Namespace) -> int:
    from services.runner import serve

    serve(cast(ServiceName, arguments.service))
    return 0


# --- db ----------------------------------------------------------------------------------


def _db_services(arguments: argparse.Namespace) -> list[ServiceName]:
    if arguments.service is None:
        return list(SERVICES_WITH_DATABASE)
    return [cast(ServiceName, arguments.service)]


def _database_url(arguments: argparse.Namespace, service: ServiceName) -> str:
    if arguments.database_url:
        return str(arguments.database_url)
    return VigilSettings().database_url_for(service)


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _db_upgrade(arguments: argparse.Namespace) -> int:
    from shared.migrations import upgrade

    for service in _db_services(arguments):
        url = _database_url(arguments, service)
        upgrade(service, url=url, revision=arguments.revision)
        _out(f"{service}: upgraded to {arguments.revision} ({_redacted(url)})")
    return 0


def _db_downgrade(arguments: argparse.Namespace) -> int:
    from shared.migrations import downgrade

    service = cast(ServiceName, arguments.service)
    url = _database_url(arguments, service)
    downgrade(service, url=url, revision=arguments.revision)
    _out(f"{service}: downgraded to {arguments.revision} ({_redacted(url)})")
    return 0


def _db_current(arguments: argparse.Namespace) -> int:
    from shared.migrations import schema_status

    behind = False
    for service in _db_services(arguments):
        status = schema_status(service, url=_database_url(arguments, service))
        state = "up to date" if status.at_head else "NEEDS UPGRADE" if status.known else "NEWER"
        behind = behind or (status.known and not status.at_head)
        _out(f"{service}: {status.current or '(empty)'} (head {status.head}) {state}")
    return 1 if behind else 0


def _db_history(arguments: argparse.Namespace) -> int:
    from shared.migrations import history

    for service in _db_services(arguments):
        _out(f"{service}:")
        for line in history(service):
            _out(f"  {line}")
    return 0


def _db_check(arguments: argparse.Namespace) -> int:
    """Models and migrations agree: a database migrated to head has nothing to autogenerate."""
    from shared.migration_authoring import scratch_sqlite_url
    from shared.migrations import schema_differences, upgrade

    failed = False
    for service in _db_services(arguments):
        if arguments.database_url:  # compare that database as it is
            differences = schema_differences(service, url=arguments.database_url)
        else:
            with scratch_sqlite_url() as scratch:
                upgrade(service, url=scratch)
                differences = schema_differences(service, url=scratch)
        if differences:
            failed = True
            _out(f"{service}: models and migrations DIFFER; run `vigil db revision --service")
            _out(f"  {service} -m '<what changed>'`. Differences:")
            for difference in differences:
                _out(f"  {difference}")
        else:
            _out(f"{service}: models and migrations agree")
    return 1 if failed else 0


def _db_revision(arguments: argparse.Namespace) -> int:
    from shared.migration_authoring import create_revision

    service = cast(ServiceName, arguments.service)
    path = create_revision(service, message=arguments.message, url=arguments.database_url)
    if path is None:
        _out(f"{service}: models and migrations agree; no revision written")
    else:
        _out(f"{service}: wrote {path}; review it before committing")
    return 0


# --- config ------------------------------------------------------------------------------


@contextmanager
def _placeholder_demo_secrets(config_dir: Path) -> Iterator[None]:
    """The built-in demo config reads secrets that only embedded mode generates."""
    from services.runner import DEMO_SECRET_VARIABLES

    added: list[str] = []
    if config_dir.resolve() == DEFAULT_CONFIG_DIR.resolve():
        for variable in DEMO_SECRET_VARIABLES:
            if variable not in os.environ:
                os.environ[variable] = "placeholder-for-validation"
                added.append(variable)
    try:
        yield
    finally:
        for variable in added:
            del os.environ[variable]


def _config_validate(arguments: argparse.Namespace) -> int:
    config_dir: Path = (
        arguments.config_dir or VigilSettings().config_dir or DEFAULT_CONFIG_DIR
    ).resolve()
    if not config_dir.is_dir():
        raise CommandError(f"{config_dir}: not a directory")
    _out(f"config directory {config_dir}")
    failures = 0
    with _placeholder_demo_secrets(config_dir):
        for service in SERVICES:
            validate: Callable[[Path], None] = importlib.import_module(
                f"services.{service}.main"
            ).validate_config
            try:
                validate(config_dir)
            except ConfigError as error:
                failures += 1
                _out(f"  {service:<11} ERROR {error}")
            except Exception as error:  # a bug, not a bad file: still a failure, still named
                failures += 1
                _out(f"  {service:<11} ERROR unexpected {type(error).__name__}: {error}")
            else:
                _out(f"  {service:<11} ok")
    if failures:
        _out(f"{failures} service(s) would not start with this configuration")
        return 1
    _out("configuration is valid")
    return 0


# --- apikey ------------------------------------------------------------------------------


def _apikey_create(arguments: argparse.Namespace) -> int:
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    fields: dict[str, object] = {
        "name": arguments.name,
        "role": arguments.role,
        "sha256": hash_api_key(key),
    }
    teams = [team.strip() for team in (arguments.teams or "").split(",") if team.strip()]
    if teams:
        fields["teams"] = teams
    if arguments.bot:
        fields["bot"] = True
    try:
        entry = ApiKeyEntry.model_validate(fields)
    except ValueError as error:
        raise CommandError(f"invalid API key entry: {error}") from error
    rendered = yaml.safe_dump(
        [entry.model_dump(mode="json", exclude_defaults=True, exclude_none=True)],
        sort_keys=False,
    )
    _out("API key (shown only now; Vigil stores only its SHA-256):")
    _out(f"  {key}")
    _out()
    _out("Add this entry under `api_keys:` in api_keys.yaml and restart (or roll) the services:")
    for line in rendered.splitlines():
        _out(f"  {line}")
    return 0


# --- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vigil", description="Vigil triage and escalation")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser(
        "run", help="run all four services in one process (embedded mode)"
    ).set_defaults(handler=_run)
    serve_parser = commands.add_parser("serve", help="run one service (distributed mode)")
    serve_parser.add_argument("service", choices=SERVICES)
    serve_parser.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database migrations (Alembic, one history per service)")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    database_url_help = (
        "database to use (default: VIGIL_DATABASE_URL, else the SQLite file in VIGIL_DATA_DIR)"
    )

    def db_command(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str, *, one: bool
    ) -> argparse.ArgumentParser:
        sub = db_commands.add_parser(name, help=help_text)
        sub.add_argument(
            "--service",
            choices=SERVICES_WITH_DATABASE,
            required=one,
            default=None,
            help="one service" + ("" if one else " (default: every service with a database)"),
        )
        sub.add_argument("--database-url", default=None, help=database_url_help)
        sub.set_defaults(handler=handler)
        return sub

    upgrade = db_command("upgrade", _db_upgrade, "apply migrations up to a revision", one=False)
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    downgrade = db_command("downgrade", _db_downgrade, "revert migrations", one=True)
    downgrade.add_argument("--revision", required=True, help="target revision, 'base' or '-1'")
    db_command("current", _db_current, "show each database's revision; 1 if behind", one=False)
    db_command("history", _db_history, "list the migrations of each service", one=False)
    check = db_command(
        "check", _db_check, "fail when the models differ from the migrations", one=False
    )
    check.description = (
        "Migrates a scratch SQLite database to head and compares it with the models (or "
        "compares --database-url as it is): exit status 1 when a migration is missing."
    )
    revision = db_command(
        "revision", _db_revision, "autogenerate the next migration from the models", one=True
    )
    revision.description = (
        "Migrates a scratch SQLite database (or --database-url, which is changed) to head, "
        "compares it with the models and writes the difference as the next migration of "
        "services/<service>/migrations/versions/. Review the file before committing."
    )
    revision.add_argument("-m", "--message", required=True, help="what the migration changes")

    config = commands.add_parser("config", help="configuration files")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    validate = config_commands.add_parser(
        "validate", help="load every file every service reads; exit status 1 on any error"
    )
    validate.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="default: VIGIL_CONFIG_DIR, else the built-in demo config",
    )
    validate.set_defaults(handler=_config_validate)

    apikey = commands.add_parser("apikey", help="API keys")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", required=True)
    create = apikey_commands.add_parser(
        "create", help="generate a key; prints it once and the api_keys.yaml entry (hash only)"
    )
    create.add_argument("--name", required=True, help="who or what holds the key")
    create.add_argument("--role", required=True, choices=get_args(Role))
    create.add_argument("--teams", default=None, help="comma-separated team names")
    create.add_argument("--bot", action="store_true", help="the key belongs to an automation")
    create.set_defaults(handler=_apikey_create)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    arguments = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = arguments.handler
    try:
        status = handler(arguments)
    except (CommandError, MigrationError, ConfigError) as error:
        _err(f"vigil: {error}")
        status = 1
    except (SQLAlchemyError, OSError) as error:
        _err(f"vigil: database error: {error}")
        status = 1
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    main()

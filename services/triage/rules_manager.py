"""The active rules of this replica, kept equal to the database's latest revision;
``rules.yaml`` changes become new revisions, invalid files never do."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from services.triage import store
from services.triage.instruments import TriageMetrics
from services.triage.rules import RulesError, RuleSet, parse_rules, rules_path
from shared.db import Database
from shared.events import (
    utcnow,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActiveRules:
    ruleset: RuleSet  # its version carries the revision: "<version>+<sha8>@r<revision>"
    revision: int
    source: str
    origin: str
    activated_at: datetime


def _activate(row: store.RulesRevision) -> ActiveRules:
    assert row.revision is not None
    parsed = parse_rules(row.content, source=f"rules revision {row.revision}")
    return ActiveRules(
        ruleset=parsed.with_version(f"{parsed.version}@r{row.revision}"),
        revision=row.revision,
        source=row.source,
        origin=row.origin,
        activated_at=row.created_at,
    )


class RulesManager:
    """This replica's active rules. The database's highest revision is authoritative."""

    def __init__(self, *, db: Database, config_dir: Path | None, metrics: TriageMetrics) -> None:
        self._db = db
        self._config_dir = config_dir
        self._metrics = metrics
        self._file_mtime: float | None = None
        self._active: ActiveRules | None = None
        self._lock = asyncio.Lock()

    @property
    def loaded(self) -> bool:
        return self._active is not None

    @property
    def active(self) -> ActiveRules:
        if self._active is None:
            raise RuntimeError("rules not loaded yet")
        return self._active

    async def sync(self) -> None:
        """Import a changed rules.yaml, then adopt the latest revision in the database."""
        async with self._lock:
            await self._import_file()
            await self._adopt_latest()

    async def _import_file(self) -> None:
        path = rules_path(self._config_dir)
        try:
            mtime = path.stat().st_mtime
        except OSError as error:
            logger.error("rules file unreadable", extra={"path": str(path), "error": str(error)})
            return
        if mtime == self._file_mtime:
            return
        self._file_mtime = mtime
        try:
            text = path.read_text(encoding="utf-8")
            ruleset = parse_rules(text, source=str(path))
        except (RulesError, OSError, UnicodeDecodeError) as error:
            self._metrics.rules_reload_failures.labels("file").inc()
            logger.error(
                "rules file rejected; keeping the active rules", extra={"error": str(error)}
            )
            return
        async with self._db.session() as session:
            last_from_file = await store.latest_rules(session, source="file")
            if last_from_file is not None and last_from_file.sha256 == ruleset.sha256:
                return
            await store.add_rules(session, _revision_row(ruleset, source="file", origin=str(path)))
        logger.info("rules file imported", extra={"version": ruleset.version})

    async def _adopt_latest(self) -> None:
        async with self._db.session() as session:
            latest = await store.latest_rules(session)
        if latest is None or (
            self._active is not None and latest.revision == self._active.revision
        ):
            return
        try:
            active = _activate(latest)
        except RulesError as error:
            logger.error("stored rules revision invalid; kept", extra={"error": str(error)})
            return
        self._active = active
        self._metrics.rules_revision.set(active.revision)
        logger.info("rules activated", extra={"version": active.ruleset.version})

    async def submit(self, text: str, *, origin: str) -> ActiveRules:
        """Validate (RulesError if invalid), store as the newest revision and activate."""
        try:
            ruleset = parse_rules(text, source="PUT /v1/rules")
        except RulesError:
            self._metrics.rules_reload_failures.labels("api").inc()
            raise
        async with self._lock:
            async with self._db.session() as session:
                row = await store.add_rules(
                    session, _revision_row(ruleset, source="api", origin=origin)
                )
            self._active = _activate(row)
            self._metrics.rules_revision.set(self._active.revision)
        logger.info("rules submitted", extra={"version": self._active.ruleset.version})
        return self._active


def _revision_row(ruleset: RuleSet, *, source: str, origin: str) -> store.RulesRevision:
    return store.RulesRevision(
        version=ruleset.version,
        sha256=ruleset.sha256,
        source=source,
        origin=origin[:512],
        content=ruleset.text,
        created_at=utcnow(),
    )

"""What triage's routes read and answer: a ticket's decision, rule simulations, the dry
run, overrides."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from services.triage.domain import Decision
from services.triage.rules_schema import RulesFile
from shared.events import Priority, Reason, Report
from shared.openapi import inline_refs

# The rules document as JSON: RulesFile's schema. Beyond it, the rules are checked as a
# whole (a rule naming a category, queue or SLA policy the document does not define, a
# regex that does not compile, ...): those answer 422 naming the rule and field.
RULES_DOCUMENT_SCHEMA = inline_refs(RulesFile.model_json_schema())


class TicketDecision(BaseModel):
    ticket_id: str
    channel: str
    category: str
    severity: str
    priority: str
    queue: str
    reasons: list[Reason]
    rules_version: str
    received_at: datetime
    triaged_at: datetime
    tags: list[str] = Field(default_factory=list)
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    sla_policies: list[str] = Field(default_factory=list)
    group_key: str | None = None
    overridden: bool = False


class SimulateRequest(BaseModel):
    rules: str | dict[str, Any] = Field(
        description="The proposed rules: YAML text or a document (checked as PUT /v1/rules "
        "checks it; 422 when it does not validate)",
        json_schema_extra={"anyOf": [{"type": "string", "minLength": 1}, RULES_DOCUMENT_SCHEMA]},
    )
    last: int = Field(default=200, ge=1, description="Replay this many most recent tickets")


class DryRunRequest(BaseModel):
    report: Report
    channel: str = Field(default="dry-run", max_length=64)
    rules: str | None = Field(
        default=None, description="Proposed rules YAML to decide with instead of the active ones"
    )


class DryRunDecision(BaseModel):
    category: str
    severity: str
    priority: Priority
    queue: str
    reasons: list[Reason]
    rules_version: str
    tags: list[str]
    first_response_due: datetime | None
    resolution_due: datetime | None
    sla_policies: list[str]
    group_key: str | None
    stored: bool = False


def dry_run_view(decision: Decision) -> DryRunDecision:
    return DryRunDecision(
        category=decision.category,
        severity=decision.severity,
        priority=decision.priority,
        queue=decision.queue,
        reasons=decision.reasons,
        rules_version=decision.rules_version,
        tags=list(decision.tags),
        first_response_due=decision.sla.first_response_due if decision.sla else None,
        resolution_due=decision.sla.resolution_due if decision.sla else None,
        sla_policies=list(decision.sla.policies) if decision.sla else [],
        group_key=decision.group_key,
    )


class OverrideRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)
    category: str | None = Field(default=None, max_length=64)
    severity: str | None = Field(default=None, pattern=r"^(critical|high|medium|low|info)$")
    priority: Priority | None = None
    queue: str | None = Field(default=None, min_length=1, max_length=64)


class OverrideResult(BaseModel):
    ticket: TicketDecision
    override_id: str
    event_id: str
    published: bool

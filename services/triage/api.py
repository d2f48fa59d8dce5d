"""Triage routes: decisions and their reasons, rules (read, change, simulate), dry runs and
human overrides. A ticket that ever had a restricted category answers, to a key outside its
teams, the same 404 as a ticket that does not exist."""

import json
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from services.triage import store
from services.triage.decisions import group_signal_preview
from services.triage.domain import GroupSignal, decide
from services.triage.grouping import group_key
from services.triage.overrides import (
    NothingToChangeError,
    OverrideRequestData,
    TicketNotFoundError,
    UnknownCategoryError,
    override_ticket,
    publish_from_outbox,
)
from services.triage.rules import RulesError, parse_rules, rules_text_of
from services.triage.rules_manager import ActiveRules, RulesManager
from services.triage.schemas import (
    RULES_DOCUMENT_SCHEMA,
    DryRunDecision,
    DryRunRequest,
    OverrideRequest,
    OverrideResult,
    SimulateRequest,
    TicketDecision,
    dry_run_view,
)
from services.triage.simulate import StoredReport, simulate
from services.triage.state import TriageState, TriageStateDep
from shared.auth import Principal
from shared.events import Report, utcnow
from shared.openapi import problems
from shared.problems import ProblemError
from shared.service import (
    AdminDep,
    ResponderDep,
    SessionDep,
    ViewerDep,
)
from shared.topics import TICKETS_TRIAGED

router = APIRouter(prefix="/v1", tags=["triage"])


async def _rules(state: TriageStateDep) -> RulesManager:
    return state.rules


RulesDep = Annotated[RulesManager, Depends(_rules)]


def _ticket_not_found() -> ProblemError:
    return ProblemError(
        status=404, title="Ticket not found", detail="No triaged ticket has this id."
    )


async def _visible_ticket(
    session: SessionDep, state: TriageState, principal: Principal, ticket_id: str
) -> store.TriagedTicket:
    """The ticket, or the same 404 as a missing one when it ever had a category the key may
    not see (its first decision or either side of an override), so existence stays hidden."""
    ticket = await store.get_ticket(session, ticket_id)
    if ticket is None:
        raise _ticket_not_found()
    overridden = await store.overridden_categories(session, [ticket_id])
    if not state.api_keys.restricted.may_see(
        principal, [ticket.category, *overridden.get(ticket_id, ())]
    ):
        raise _ticket_not_found()
    return ticket


@router.get("/tickets/{ticket_id}", response_model=TicketDecision)
async def get_ticket(
    ticket_id: str, session: SessionDep, state: TriageStateDep, principal: ViewerDep
) -> TicketDecision:
    ticket = await _visible_ticket(session, state, principal, ticket_id)
    return TicketDecision.model_validate(ticket, from_attributes=True)


# --- rules ------------------------------------------------------------------------------


def _rules_view(active: ActiveRules) -> dict[str, Any]:
    return {
        "version": active.ruleset.version,
        "revision": active.revision,
        "source": active.source,
        "origin": active.origin,
        "activated_at": active.activated_at,
        "sha256": active.ruleset.sha256,
        "rules": active.ruleset.spec.model_dump(mode="json"),
        "yaml": active.ruleset.text,
    }


def _invalid_rules(error: RulesError) -> ProblemError:
    return ProblemError(
        status=422,
        title="Rules are invalid",
        detail=str(error),
        errors=[
            {"rule": problem.rule, "field": problem.field, "message": problem.message}
            for problem in error.problems
        ],
    )


async def _rules_text(request: Request) -> str:
    """The request body as rules YAML: YAML text, or the same document as JSON."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProblemError(status=400, title="Body is not UTF-8 text") from error
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            document = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:  # too deep for the parser
            raise ProblemError(
                status=400, title="Body is not valid JSON", detail=str(error)
            ) from error
        try:
            text = rules_text_of(document, source="PUT /v1/rules")
        except RulesError as error:
            raise _invalid_rules(error) from error
    return text


_RULES_BODY = {
    "requestBody": {
        "description": "The rules document, as YAML text or as the same document in JSON.",
        "content": {
            "application/yaml": {"schema": {"type": "string", "minLength": 1}},
            "application/json": {"schema": RULES_DOCUMENT_SCHEMA},
        },
        "required": True,
    }
}


@router.get("/rules")
async def get_rules(rules: RulesDep, _: ViewerDep) -> dict[str, Any]:
    return _rules_view(rules.active)


@router.get("/rules/history")
async def get_rules_history(session: SessionDep, _: ViewerDep, limit: int = 20) -> dict[str, Any]:
    rows = await store.rules_history(session, limit=max(1, min(limit, 200)))
    return {
        "items": [
            {
                "revision": row.revision,
                "version": f"{row.version}@r{row.revision}",
                "source": row.source,
                "origin": row.origin,
                "sha256": row.sha256,
                "created_at": row.created_at,
            }
            for row in rows
        ]
    }


@router.put(
    "/rules",
    openapi_extra=_RULES_BODY,
    responses=problems(400, 422),
)
async def put_rules(request: Request, rules: RulesDep, principal: AdminDep) -> dict[str, Any]:
    text = await _rules_text(request)
    try:
        active = await rules.submit(text, origin=principal.name)
    except RulesError as error:
        raise _invalid_rules(error) from error
    return _rules_view(active)


@router.post("/rules/simulate", responses=problems(422))
async def simulate_rules(
    body: SimulateRequest,
    session: SessionDep,
    state: TriageStateDep,
    rules: RulesDep,
    principal: ViewerDep,
) -> dict[str, Any]:
    """Replay the most recent tickets under the active and the proposed rules. Tickets the
    key may not see (restricted categories, stored or replayed) are left out of every
    figure and only counted, as ``withheld_restricted``."""
    limit = state.settings.simulate_max_tickets
    if body.last > limit:
        raise ProblemError(
            status=422, title="Too many tickets", detail=f"'last' is at most {limit}."
        )
    try:
        text = (
            body.rules
            if isinstance(body.rules, str)
            else rules_text_of(body.rules, source="proposed rules")
        )
        proposed = parse_rules(text, source="proposed rules")
    except RulesError as error:
        raise _invalid_rules(error) from error
    recent = await store.recent_tickets(session, limit=body.last)
    may_see = partial(state.api_keys.restricted.may_see, principal)
    overridden = await store.overridden_categories(session, [row.ticket_id for row in recent])
    rows = [row for row in recent if may_see([row.category, *overridden.get(row.ticket_id, ())])]
    reports = [
        StoredReport(
            ticket_id=row.ticket_id,
            channel=row.channel,
            received_at=row.received_at,
            report=Report.model_validate(row.report),
            group=GroupSignal(key=row.group_key, count=row.group_count) if row.group_key else None,
        )
        for row in rows
        if row.report is not None
    ]
    return simulate(
        reports,
        current=rules.active.ruleset,
        proposed=proposed,
        model=state.model,
        may_see=may_see,
        skipped_without_report=len(rows) - len(reports),
        withheld_restricted=len(recent) - len(rows),
    )


# --- dry run ----------------------------------------------------------------------------


@router.post("/triage/dry-run", response_model=DryRunDecision)
async def dry_run(
    body: DryRunRequest,
    session: SessionDep,
    state: TriageStateDep,
    rules: RulesDep,
    _: ViewerDep,
) -> DryRunDecision:
    ruleset = rules.active.ruleset
    if body.rules is not None:
        try:
            ruleset = parse_rules(body.rules, source="proposed rules")
        except RulesError as error:
            raise _invalid_rules(error) from error
    now = utcnow()
    group = await group_signal_preview(
        session, key=group_key(body.report.subject), ruleset=ruleset, received_at=now
    )
    decision = decide(
        body.report,
        ruleset=ruleset,
        channel=body.channel,
        received_at=now,
        model=state.model,
        group=group,
    )
    return dry_run_view(decision)


# --- overrides --------------------------------------------------------------------------


@router.post(
    "/tickets/{ticket_id}/override",
    response_model=OverrideResult,
    responses=problems(s409="The override changes nothing"),
)
async def override(
    ticket_id: str,
    body: Annotated[OverrideRequest, Body()],
    session: SessionDep,
    state: TriageStateDep,
    rules: RulesDep,
    principal: ResponderDep,
) -> OverrideResult:
    """Change a decision. A key outside a restricted ticket's teams gets the missing
    ticket's 404 and changes nothing (an override would also end its escalation)."""
    await _visible_ticket(session, state, principal, ticket_id)
    change = OverrideRequestData(
        reason=body.reason,
        actor=principal.name,
        by_bot=principal.bot,
        category=body.category,
        severity=body.severity,
        priority=body.priority,
        queue=body.queue,
    )
    try:
        ticket, audit = await override_ticket(
            session,
            ticket_id=ticket_id,
            change=change,
            ruleset=rules.active.ruleset,
            now=utcnow(),
            may_see=lambda categories: state.api_keys.restricted.may_see(principal, categories),
        )
    except TicketNotFoundError as error:  # one body for missing and hidden tickets
        raise _ticket_not_found() from error
    except UnknownCategoryError as error:
        raise ProblemError(status=422, title="Unknown category", detail=str(error)) from error
    except NothingToChangeError as error:
        raise ProblemError(status=409, title="Nothing to change", detail=str(error)) from error
    state.instruments.overrides.labels(
        audit.from_category, audit.to_category, audit.from_priority, audit.to_priority
    ).inc()
    published = await publish_from_outbox(
        session, bus=state.bus, topic=state.settings.topic(TICKETS_TRIAGED), row=audit
    )
    return OverrideResult(
        ticket=TicketDecision.model_validate(ticket, from_attributes=True),
        override_id=audit.id,
        event_id=audit.event_id,
        published=published,
    )


@router.get("/tickets/{ticket_id}/overrides")
async def list_overrides(
    ticket_id: str, session: SessionDep, state: TriageStateDep, principal: ViewerDep
) -> dict[str, Any]:
    """The ticket's override audit, oldest first; 404 for a ticket that does not exist or
    that the key may not see (the same answer, so neither is told apart)."""
    await _visible_ticket(session, state, principal, ticket_id)
    rows = await store.overrides_of(session, ticket_id)
    return {"items": [row.model_dump(exclude={"event"}) for row in rows]}

"""On-call routes: escalations (list, read, ack, resolve, reassign, snooze, notes), who is
on call, and the audit log. Every route needs an API key; restricted categories answer
404 to anyone outside their team."""

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query

from services.escalation import actions, outbox, store
from services.escalation.domain import (
    Action,
    EscalationNotFoundError,
    IllegalTransitionError,
    PersonRequiredError,
    UnknownUserError,
)
from services.escalation.schedules import on_call
from services.escalation.schemas import (
    MAX_SNOOZE,
    ActivityEntry,
    AuditList,
    AuditOut,
    EscalationDetail,
    EscalationList,
    EscalationOut,
    NoteIn,
    NotificationOut,
    OnCallOut,
    OptionalRfc3339Datetime,
    ReassignIn,
    SnoozeIn,
    activity_entry,
    escalation_out,
    timeline_entry,
)
from services.escalation.state import EscalationState, EscalationStateDep
from shared.auth import Principal
from shared.db import aware
from shared.events import EscalationStatus, Priority
from shared.openapi import problems
from shared.problems import ProblemError
from shared.service import AdminDep, ResponderDep, SessionDep, ViewerDep

router = APIRouter(prefix="/v1/escalations", tags=["escalation"])
oncall_router = APIRouter(prefix="/v1/oncall", tags=["on-call"])
audit_router = APIRouter(prefix="/v1/audit", tags=["audit"])

_NOT_FOUND = ProblemError(status=404, title="Escalation not found")


def _hidden(state: EscalationState, principal: Principal) -> list[str]:
    return state.api_keys.restricted.hidden_categories(principal)


async def _visible(
    session: SessionDep, state: EscalationState, principal: Principal, escalation_id: str
) -> store.Escalation:
    """The escalation, or the same 404 as a missing one when the caller may not know it
    exists."""
    escalation = await store.get_escalation(session, escalation_id)
    if escalation is None:
        raise _NOT_FOUND
    # Its opening category, and any an override or revision gave the ticket since.
    categories = {
        escalation.category,
        *await store.categories_of_ticket(session, escalation.ticket_id),
    }
    if not state.api_keys.restricted.may_see(principal, categories):
        raise _NOT_FOUND
    return escalation


def _encode_cursor(escalation: store.Escalation) -> str:
    raw = json.dumps([aware(escalation.opened_at).isoformat(), escalation.id])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        opened_at, escalation_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        parsed = datetime.fromisoformat(opened_at)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ProblemError(status=400, title="Invalid cursor") from error
    if not isinstance(escalation_id, str):
        raise ProblemError(status=400, title="Invalid cursor")
    return parsed, escalation_id


@router.get("", response_model=EscalationList)
async def list_escalations(
    session: SessionDep,
    state: EscalationStateDep,
    principal: ViewerDep,
    ticket_id: Annotated[str | None, Query(max_length=64)] = None,
    status: EscalationStatus | None = None,
    priority: Priority | None = None,
    queue: Annotated[str | None, Query(max_length=64)] = None,
    assignee: Annotated[str | None, Query(max_length=128)] = None,
    kind: Literal["ticket", "trend"] | None = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EscalationList:
    """Newest first. Filters combine with AND; ``next_cursor`` pages on."""
    rows = await store.list_escalations(
        session,
        ticket_id=ticket_id,
        status=status,
        priority=priority.value if priority is not None else None,
        queue=queue,
        assignee=assignee,
        kind=kind,
        hidden_categories=_hidden(state, principal),
        after=_decode_cursor(cursor) if cursor else None,
        limit=limit + 1,
    )
    page = list(rows[:limit])
    return EscalationList(
        items=[escalation_out(row) for row in page],
        next_cursor=_encode_cursor(page[-1]) if len(rows) > limit else None,
    )


@router.get("/{escalation_id}", response_model=EscalationDetail)
async def get_escalation(
    escalation_id: str, session: SessionDep, state: EscalationStateDep, principal: ViewerDep
) -> EscalationDetail:
    escalation = await _visible(session, state, principal, escalation_id)
    events = await store.timeline(session, escalation_id)
    audit = await store.audit_of(session, escalation_id)
    notifications = await store.notifications_of(session, escalation_id)
    return EscalationDetail(
        **escalation_out(escalation).model_dump(),
        timeline=[timeline_entry(row) for row in events],
        activity=[activity_entry(entry) for entry in audit],
        notifications=[
            NotificationOut.model_validate(row, from_attributes=True) for row in notifications
        ],
    )


def _conflict(error: IllegalTransitionError) -> ProblemError:
    return ProblemError(
        status=409, title="Illegal transition", detail=str(error), current_status=error.status
    )


_PERSON_REQUIRED_TITLES = {
    "ack": "A person must acknowledge",
    "resolve": "A person must resolve",
    "snooze": "A person must snooze",
}


def _person_required(error: PersonRequiredError) -> ProblemError:
    return ProblemError(
        status=409,
        title=_PERSON_REQUIRED_TITLES.get(error.operation, "A person must act"),
        detail=f"{error}; this key belongs to a bot",
        current_status=error.status,
    )


async def _act(
    escalation_id: str,
    action: Action,
    *,
    session: SessionDep,
    state: EscalationStateDep,
    principal: Principal,
) -> EscalationOut:
    await _visible(session, state, principal, escalation_id)
    try:
        escalation = await actions.apply_action(
            session,
            escalation_id,
            action=action,
            actor=principal.name,
            by_bot=principal.bot,
            config=state.config,
            now=state.clock(),
        )
    except EscalationNotFoundError as error:
        raise _NOT_FOUND from error
    except IllegalTransitionError as error:
        raise _conflict(error) from error
    except PersonRequiredError as error:
        raise _person_required(error) from error
    await outbox.publish_pending(state, escalation_id)
    return escalation_out(escalation)


@router.post(
    "/{escalation_id}/ack",
    response_model=EscalationOut,
    responses=problems(s409="Illegal transition for the current status"),
)
async def acknowledge(
    escalation_id: str, session: SessionDep, state: EscalationStateDep, principal: ResponderDep
) -> EscalationOut:
    """open → acknowledged (stops the climb; repeating it is a no-op)."""
    return await _act(escalation_id, "ack", session=session, state=state, principal=principal)


@router.post(
    "/{escalation_id}/resolve",
    response_model=EscalationOut,
    responses=problems(s409="Illegal transition for the current status"),
)
async def resolve(
    escalation_id: str, session: SessionDep, state: EscalationStateDep, principal: ResponderDep
) -> EscalationOut:
    """open or acknowledged → resolved (repeating it is a no-op). On a policy that needs a
    person, a bot's key is refused (409)."""
    return await _act(escalation_id, "resolve", session=session, state=state, principal=principal)


@router.post(
    "/{escalation_id}/reassign",
    response_model=EscalationOut,
    responses=problems(s409="Illegal transition for the current status"),
)
async def reassign(
    escalation_id: str,
    body: ReassignIn,
    session: SessionDep,
    state: EscalationStateDep,
    principal: ResponderDep,
) -> EscalationOut:
    """Hand over to another user, who is paged; the status stays. Reassigning to the
    current assignee is a no-op; a resolved escalation cannot be reassigned (409)."""
    await _visible(session, state, principal, escalation_id)
    try:
        escalation = await actions.reassign(
            session,
            escalation_id,
            to=body.to,
            actor=principal.name,
            config=state.config,
            now=state.clock(),
        )
    except UnknownUserError as error:
        raise ProblemError(
            status=422,
            title="Unknown user",
            detail=f"{body.to!r} is not a user in policies.yaml",
        ) from error
    except EscalationNotFoundError as error:
        raise _NOT_FOUND from error
    except IllegalTransitionError as error:
        raise _conflict(error) from error
    await outbox.publish_pending(state, escalation_id)
    return escalation_out(escalation)


@router.post(
    "/{escalation_id}/snooze",
    response_model=EscalationOut,
    responses=problems(s409="Illegal transition for the current status"),
)
async def snooze(
    escalation_id: str,
    body: SnoozeIn,
    session: SessionDep,
    state: EscalationStateDep,
    principal: ResponderDep,
) -> EscalationOut:
    """Pause reminders of an acknowledged escalation (at most 24 h); 409 otherwise, and for
    a bot's key on a policy that needs a person."""
    await _visible(session, state, principal, escalation_id)
    now = state.clock()
    until = body.until if body.until is not None else now + timedelta(minutes=body.minutes or 0)
    # Checked before converting: converting a time near year 1 leaves the calendar.
    if not now < until <= now + MAX_SNOOZE:
        raise ProblemError(
            status=422,
            title="Invalid snooze",
            detail="'until' must be in the future and at most 24 hours away",
        )
    until = until.astimezone(UTC)
    try:
        escalation = await actions.snooze(
            session,
            escalation_id,
            until=until,
            actor=principal.name,
            by_bot=principal.bot,
            config=state.config,
            now=now,
        )
    except EscalationNotFoundError as error:
        raise _NOT_FOUND from error
    except IllegalTransitionError as error:
        raise _conflict(error) from error
    except PersonRequiredError as error:
        raise _person_required(error) from error
    return escalation_out(escalation)


@router.post("/{escalation_id}/notes", response_model=ActivityEntry, status_code=201)
async def add_note(
    escalation_id: str,
    body: NoteIn,
    session: SessionDep,
    state: EscalationStateDep,
    principal: ResponderDep,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> ActivityEntry:
    """Add a note to the activity log; with an ``Idempotency-Key`` header, a retry returns
    the first note instead of adding another."""
    await _visible(session, state, principal, escalation_id)
    try:
        entry = await actions.add_note(
            session,
            escalation_id,
            text=body.text,
            actor=principal.name,
            now=state.clock(),
            idempotency_key=idempotency_key,
        )
    except EscalationNotFoundError as error:
        raise _NOT_FOUND from error
    return activity_entry(entry)


# --- who is on call -------------------------------------------------------------------------


@oncall_router.get(
    "", response_model=OnCallOut, responses=problems(s404="No schedule of this name")
)
async def who_is_on_call(
    state: EscalationStateDep,
    _: ViewerDep,
    schedule: Annotated[str, Query(min_length=1, max_length=64)],
    at: OptionalRfc3339Datetime = None,
) -> OnCallOut:
    """Who is on call on ``schedule`` at ``at`` (ISO 8601 with offset; default now)."""
    found = state.config.schedule(schedule)
    if found is None:
        raise ProblemError(status=404, title="Schedule not found", detail=schedule)
    try:
        when = (at or state.clock()).astimezone(UTC)
        current = on_call(found, at=when)
    except OverflowError as error:
        # Near year 1 or 9999 the time, or a shift around it, leaves the calendar.
        raise ProblemError(
            status=422,
            title="Request is invalid",
            detail="'at' is too close to the ends of the calendar",
            errors=[{"field": "query.at", "message": "out of range"}],
        ) from error
    return OnCallOut(
        schedule=schedule,
        at=when,
        user=current.user if current else None,
        source=current.source if current else None,
        shift_start=current.shift_start if current else None,
        shift_end=current.shift_end if current else None,
    )


# --- audit log ------------------------------------------------------------------------------


@audit_router.get("", response_model=AuditList)
async def audit_log(
    session: SessionDep,
    state: EscalationStateDep,
    principal: AdminDep,
    escalation_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    cursor: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditList:
    """Every action (actor, time, before, after), oldest first; admins only."""
    rows = await store.list_audit(
        session,
        escalation_id=escalation_id,
        actor=actor,
        hidden_categories=_hidden(state, principal),
        after_seq=cursor,
        limit=limit + 1,
    )
    page = list(rows[:limit])
    return AuditList(
        items=[
            AuditOut(**activity_entry(row).model_dump(), escalation_id=row.escalation_id)
            for row in page
        ],
        next_cursor=str(page[-1].seq) if len(rows) > limit and page else None,
    )

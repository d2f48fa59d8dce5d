"""On-call routes: list and read escalations, acknowledge and resolve them."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.escalation import flows, store
from services.escalation.domain import Action, IllegalTransitionError
from shared.events import EscalationStatus
from shared.problems import ProblemError
from shared.service import ResponderDep, SessionDep, StateDep, ViewerDep

router = APIRouter(prefix="/v1/escalations", tags=["escalation"])


class EscalationOut(BaseModel):
    id: str
    ticket_id: str
    priority: str
    category: str
    queue: str
    status: str
    received_at: datetime | None
    opened_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None


class TimelineEntry(BaseModel):
    event_id: str
    type: str
    actor: str | None
    at: datetime
    published: bool


class EscalationDetail(EscalationOut):
    timeline: list[TimelineEntry]


class EscalationList(BaseModel):
    items: list[EscalationOut]


_NOT_FOUND = ProblemError(status=404, title="Escalation not found")


@router.get("", response_model=EscalationList)
async def list_escalations(
    session: SessionDep,
    _: ViewerDep,
    ticket_id: str | None = None,
    status: EscalationStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EscalationList:
    rows = await store.list_escalations(session, ticket_id=ticket_id, status=status, limit=limit)
    return EscalationList(
        items=[EscalationOut.model_validate(row, from_attributes=True) for row in rows]
    )


@router.get("/{escalation_id}", response_model=EscalationDetail)
async def get_escalation(escalation_id: str, session: SessionDep, _: ViewerDep) -> EscalationDetail:
    escalation = await store.get_escalation(session, escalation_id)
    if escalation is None:
        raise _NOT_FOUND
    events = await store.timeline(session, escalation_id)
    return EscalationDetail(
        **EscalationOut.model_validate(escalation, from_attributes=True).model_dump(),
        timeline=[
            TimelineEntry(
                event_id=row.event_id,
                type=row.type,
                actor=row.actor,
                at=row.created_at,
                published=row.published_at is not None,
            )
            for row in events
        ],
    )


async def _act(
    escalation_id: str, action: Action, *, session: SessionDep, state: StateDep, actor: str
) -> EscalationOut:
    try:
        escalation = await flows.apply_action(session, escalation_id, action=action, actor=actor)
    except flows.EscalationNotFoundError as error:
        raise _NOT_FOUND from error
    except IllegalTransitionError as error:
        raise ProblemError(
            status=409, title="Illegal transition", detail=str(error), current_status=error.status
        ) from error
    await flows.publish_pending(state, escalation_id)
    return EscalationOut.model_validate(escalation, from_attributes=True)


@router.post("/{escalation_id}/ack", response_model=EscalationOut)
async def acknowledge(
    escalation_id: str, session: SessionDep, state: StateDep, principal: ResponderDep
) -> EscalationOut:
    return await _act(escalation_id, "ack", session=session, state=state, actor=principal.name)


@router.post("/{escalation_id}/resolve", response_model=EscalationOut)
async def resolve(
    escalation_id: str, session: SessionDep, state: StateDep, principal: ResponderDep
) -> EscalationOut:
    return await _act(escalation_id, "resolve", session=session, state=state, actor=principal.name)

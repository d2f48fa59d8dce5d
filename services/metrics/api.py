"""Metrics routes: a ticket's timeline across every service's events."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from services.metrics import store
from services.metrics.domain import timeline
from shared.problems import ProblemError
from shared.service import SessionDep, ViewerDep

router = APIRouter(prefix="/v1", tags=["metrics"])


class TimelineStepOut(BaseModel):
    type: str
    at: datetime
    seconds_since_previous: float | None
    seconds_since_first: float


class TicketTimeline(BaseModel):
    ticket_id: str
    steps: list[TimelineStepOut]


@router.get("/tickets/{ticket_id}/timeline", response_model=TicketTimeline)
async def ticket_timeline(ticket_id: str, session: SessionDep, _: ViewerDep) -> TicketTimeline:
    events = await store.events_of_ticket(session, ticket_id)
    if not events:
        raise ProblemError(
            status=404, title="Ticket not found", detail="No events for this ticket."
        )
    steps = timeline([(event.type, event.occurred_at) for event in events])
    return TicketTimeline(
        ticket_id=ticket_id,
        steps=[TimelineStepOut(**vars(step)) for step in steps],
    )

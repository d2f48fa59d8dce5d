"""Metrics routes: a ticket's timeline across every service's events, and detected trends.
A timeline or trend of a restricted category is, to a key outside its teams, missing (404)
or left out of the list."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.metrics import store
from services.metrics.state import MetricsStateDep
from services.metrics.timeline import (
    TimelineEvent,
    categories_on_timeline,
    milestone_durations,
    timeline,
)
from shared.db import aware
from shared.events import TrendDetectedV1
from shared.problems import ProblemError
from shared.service import SessionDep, ViewerDep

router = APIRouter(prefix="/v1", tags=["metrics"])


class TimelineStepOut(BaseModel):
    type: str
    step: str
    at: datetime
    seconds_since_previous: float | None
    seconds_since_first: float
    details: dict[str, str]


class TicketTimeline(BaseModel):
    ticket_id: str
    steps: list[TimelineStepOut]
    durations: dict[str, float]


def _ticket_not_found() -> ProblemError:
    return ProblemError(status=404, title="Ticket not found", detail="No events for this ticket.")


@router.get("/tickets/{ticket_id}/timeline", response_model=TicketTimeline)
async def ticket_timeline(
    ticket_id: str, session: SessionDep, state: MetricsStateDep, principal: ViewerDep
) -> TicketTimeline:
    """Every step of the ticket, in order; the same 404 for a ticket with no events and for
    one that ever had a category the key may not see."""
    events = [
        TimelineEvent(
            type=event.type,
            at=aware(event.occurred_at),
            labels=event.facts.labels,
            priority=event.priority,
            category=event.category,
        )
        for event in await store.events_of_ticket(session, ticket_id)
    ]
    if not events or not state.api_keys.restricted.may_see(
        principal, categories_on_timeline(events)
    ):
        raise _ticket_not_found()
    steps = timeline(events)
    return TicketTimeline(
        ticket_id=ticket_id,
        steps=[TimelineStepOut(**vars(step)) for step in steps],
        durations=milestone_durations(steps),
    )


class TrendOut(BaseModel):
    trend_id: str
    category: str
    channel: str
    window_start: datetime
    window_end: datetime
    count: int
    baseline: float
    score: float
    history: list[int]
    detected_at: datetime
    current: bool


class TrendList(BaseModel):
    items: list[TrendOut]


@router.get("/trends", response_model=TrendList)
async def list_trends(
    state: MetricsStateDep,
    session: SessionDep,
    principal: ViewerDep,
    hours: Annotated[float, Query(gt=0, le=24 * 90)] = 24.0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> TrendList:
    """Trends whose window started in the last ``hours``, newest first; ``current`` is true
    for the ones whose window has not ended yet. Trends of a category the key may not see
    are left out."""
    context = state.context
    now = context.clock()
    rows = await store.recent_trends(
        session,
        since=now - timedelta(hours=hours),
        hidden_categories=state.api_keys.restricted.hidden_categories(principal),
        limit=limit,
    )
    items = []
    for row in rows:
        evidence = TrendDetectedV1.model_validate_json(row.event_json).data
        window_end = aware(row.window_end)
        items.append(
            TrendOut(
                trend_id=row.trend_id,
                category=row.category,
                channel=row.channel,
                window_start=aware(row.window_start),
                window_end=window_end,
                count=row.count,
                baseline=row.baseline,
                score=row.score,
                history=evidence.history,
                detected_at=aware(row.detected_at),
                current=window_end > now,
            )
        )
    return TrendList(items=items)

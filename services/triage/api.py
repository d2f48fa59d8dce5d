"""Triage routes: read a ticket's decision and the reasons behind it."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from services.triage import store
from shared.events import Reason
from shared.problems import ProblemError
from shared.service import SessionDep, ViewerDep

router = APIRouter(prefix="/v1", tags=["triage"])


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


@router.get("/tickets/{ticket_id}", response_model=TicketDecision)
async def get_ticket(ticket_id: str, session: SessionDep, _: ViewerDep) -> TicketDecision:
    ticket = await store.get_ticket(session, ticket_id)
    if ticket is None:
        raise ProblemError(
            status=404, title="Ticket not found", detail="No triaged ticket has this id."
        )
    return TicketDecision.model_validate(ticket, from_attributes=True)

"""Escalation's typed state: the base service state plus its configuration, clock,
notification sender and instruments."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.escalation.config import EscalationConfig
from services.escalation.domain import Clock
from services.escalation.instruments import EscalationInstruments
from services.escalation.notifiers import Sender
from services.escalation.settings import EscalationSettings
from shared.db import Database
from shared.service import ServiceState, state_dependency


@dataclass(kw_only=True)
class EscalationState(ServiceState):
    settings: EscalationSettings
    db: Database
    config: EscalationConfig
    clock: Clock
    sender: Sender
    instruments: EscalationInstruments


EscalationStateDep = Annotated[EscalationState, Depends(state_dependency(EscalationState))]

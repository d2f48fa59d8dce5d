"""Triage's typed state: the base service state plus its rules and instruments."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.triage.classifier import SafetyModel
from services.triage.instruments import TriageMetrics
from services.triage.rules_manager import RulesManager
from services.triage.settings import TriageSettings
from shared.db import Database
from shared.service import ServiceState, state_dependency


@dataclass(kw_only=True)
class TriageState(ServiceState):
    settings: TriageSettings
    db: Database
    rules: RulesManager
    model: SafetyModel
    instruments: TriageMetrics


TriageStateDep = Annotated[TriageState, Depends(state_dependency(TriageState))]

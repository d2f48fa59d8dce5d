"""Metrics' typed state: the base service state plus the context its flows work with."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.metrics.flows import MetricsContext
from services.metrics.settings import MetricsSettings
from shared.db import Database
from shared.service import ServiceState, state_dependency


@dataclass(kw_only=True)
class MetricsState(ServiceState):
    settings: MetricsSettings
    db: Database
    context: MetricsContext


MetricsStateDep = Annotated[MetricsState, Depends(state_dependency(MetricsState))]

"""Escalation's OpenAPI document, as strict as its configuration: the users a page can be
reassigned to and the schedules on-call can be asked about."""

from collections.abc import Callable
from typing import Any

from services.escalation.config import EscalationConfig


def document_configuration(config: EscalationConfig) -> Callable[[dict[str, Any]], None]:
    """The OpenAPI document names what the configuration allows, as strictly as the server
    checks it: reassign ``to`` one of policies.yaml's users, ``schedule`` one of
    schedules.yaml's (both are loaded once, at start-up)."""
    users = sorted(user.name for user in config.policies.users)
    schedules = sorted(schedule.name for schedule in config.schedules.schedules)

    def customize(schema: dict[str, Any]) -> None:
        reassign = schema.get("components", {}).get("schemas", {}).get("ReassignIn")
        if reassign is not None and users:
            reassign["properties"]["to"]["enum"] = users
        oncall = schema["paths"].get("/v1/oncall", {}).get("get", {})
        for parameter in oncall.get("parameters", []):
            if parameter["name"] == "schedule" and schedules:
                parameter["schema"]["enum"] = schedules
            if parameter["name"] == "at":  # optional, but never null: leave it out for now
                parameter["schema"] = {"type": "string", "format": "date-time", "title": "At"}

    return customize

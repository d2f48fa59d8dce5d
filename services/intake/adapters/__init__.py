"""Payload adapters: each channel format mapped into the one ticket model. Pure functions.

An adapter turns one request into zero or more items: a ``NewReport`` (a ticket to open)
or an ``Update`` (the source acknowledged, resolved, closed or edited a report it sent
before). ``identity`` names the report at its source and decides the ticket id, so a
redelivery, and every later update of the same report, maps to the same ticket.
Malformed payloads raise ``PayloadError`` naming the fields; nothing here raises anything else.

Each report also says which of its text a person wrote (``Report.screening.prose``), so
triage's safety screening reads only that: the title and body of the user-report formats
(generic, Zendesk subject and description, GitHub issue title and body, e-mail subject and
text); of a machine alert only its human-written summary and description, never the label
and annotation names, ``alertname``, ``instance`` or PagerDuty's ``custom_details`` keys.

One module per payload format; :mod:`~services.intake.adapters.common` holds what they
share. :func:`parse` is what the routes call.
"""

from collections.abc import Callable

from pydantic import ValidationError

from services.intake.adapters.alertmanager import parse_alertmanager
from services.intake.adapters.common import (
    Inbound,
    Parsed,
    PayloadError,
    fields_with_nul,
    may_carry_nul,
    screen_as,
)
from services.intake.adapters.email import parse_email
from services.intake.adapters.generic import parse_generic
from services.intake.adapters.github import parse_github
from services.intake.adapters.pagerduty import parse_pagerduty
from services.intake.adapters.slack import parse_slack
from services.intake.adapters.zendesk import parse_zendesk
from services.intake.domain import DEFAULT_SAFETY_SCREENING, PayloadFormat
from shared.events import SafetyScreening

ADAPTERS: dict[PayloadFormat, Callable[[Inbound], Parsed]] = {
    "generic": parse_generic,
    "alertmanager": parse_alertmanager,
    "pagerduty": parse_pagerduty,
    "zendesk": parse_zendesk,
    "github": parse_github,
    "email": parse_email,
    "slack": parse_slack,
}


def parse(
    payload_format: PayloadFormat,
    inbound: Inbound,
    *,
    safety_screening: SafetyScreening | None = None,
    adapter: Callable[[Inbound], Parsed] | None = None,
) -> Parsed:
    """The adapter's items; ``safety_screening`` is the channel's (None: the format's
    default, which the adapters already set). ``adapter`` replaces the format's own for a
    route of the format's other API (PagerDuty's change events)."""
    try:
        parsed = (adapter or ADAPTERS[payload_format])(inbound)
    except ValidationError as error:
        # A value the source allows but the ticket model does not (a field too long).
        raise PayloadError.of(error, prefix="body.mapped") from error
    if (
        safety_screening is not None
        and safety_screening != DEFAULT_SAFETY_SCREENING[payload_format]
    ):
        screen_as(parsed, safety_screening)
    # Valid JSON may carry U+0000, which no PostgreSQL text column can store.
    if not may_carry_nul(inbound):  # the hot path: nothing to walk
        return parsed
    prefix = "body" if payload_format == "generic" else "body.mapped"
    fields = sorted(
        {name for item in parsed.items for name in fields_with_nul(item, prefix=prefix)}
    )
    if fields:
        raise PayloadError(
            [
                {"field": name, "message": "must not contain the NUL character (U+0000)"}
                for name in fields
            ]
        )
    return parsed

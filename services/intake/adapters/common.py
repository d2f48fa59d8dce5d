"""What every payload adapter shares: the parse result types, the report's title and
body limits, JSON and model validation into ``PayloadError``, how a report's prose is
screened, and the NUL check of what an adapter produced."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pydantic_core
from pydantic import BaseModel, ConfigDict, ValidationError

from services.intake.domain import DEFAULT_SAFETY_SCREENING, PayloadFormat, UpdateAction
from shared.events import ProseSpan, Report, SafetyScreening, Screening

ModelT = TypeVar("ModelT", bound=BaseModel)

TITLE_MAX = 500
BODY_MAX = 100_000


class PayloadError(Exception):
    """The payload does not match its format; ``errors`` are ``{field, message}`` items."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{item['field']}: {item['message']}" for item in errors))
        self.errors = errors

    @classmethod
    def of(cls, error: ValidationError, *, prefix: str = "body") -> "PayloadError":
        return cls(
            [
                {
                    "field": ".".join([prefix, *(str(part) for part in item["loc"])]),
                    "message": item["msg"],
                }
                for item in error.errors()
            ]
        )


@dataclass(frozen=True)
class NewReport:
    identity: str
    delivery_id: str
    report: Report


@dataclass(frozen=True)
class Update:
    identity: str
    delivery_id: str
    action: UpdateAction
    report: Report | None = None


Item = NewReport | Update


@dataclass(frozen=True)
class SlackReply:
    """How a ``slack`` delivery is answered (always 200, in Slack's shapes): with the
    ``challenge`` of a url_verification, with an ephemeral message to the user of the
    slash ``command`` (naming the ticket, or saying how to use it when there is none), or
    with neither for any other event."""

    challenge: str | None = None
    command: str | None = None


@dataclass(frozen=True)
class Parsed:
    items: list[Item] = field(default_factory=list)
    ignored: str | None = None  # why a valid delivery produced nothing (e.g. GitHub ping)
    dedup_key: str | None = None  # PagerDuty answers with it
    slack: SlackReply | None = None  # Slack is answered in its own shapes


@dataclass(frozen=True)
class Inbound:
    """What an adapter may look at: headers (lower-case names), raw body, parsed form."""

    headers: Mapping[str, str]
    body: bytes = b""
    form: Mapping[str, str] = field(default_factory=dict)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report_title(text: str | None, fallback: str) -> str:
    cleaned = " ".join((text or "").split())
    return clip(cleaned or fallback, TITLE_MAX)


def load_json(body: bytes) -> Any:
    try:
        # pydantic's parser bounds the nesting depth (json.loads would hit RecursionError).
        return pydantic_core.from_json(body)
    except ValueError as error:
        raise PayloadError([{"field": "body", "message": f"not valid JSON: {error}"}]) from error


def validate(model: type[ModelT], raw: Any) -> ModelT:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise PayloadError.of(error) from error


class Lenient(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- what a person wrote ----------------------------------------------------------------

_WHOLE_REPORT = (ProseSpan(field="title"), ProseSpan(field="body"))
# Built once: every report of a user-report format shares one (frozen) instance.
_USER_REPORT: dict[SafetyScreening, Screening] = {
    mode: Screening(safety=mode, prose=_WHOLE_REPORT) for mode in ("full", "definite_only", "off")
}
ALERT_SEVERITY_MAX = 64


def user_report_screening(payload_format: PayloadFormat) -> Screening:
    """A person wrote all of the title and body."""
    return _USER_REPORT[DEFAULT_SAFETY_SCREENING[payload_format]]


def alert_screening(
    payload_format: PayloadFormat, *, prose: list[ProseSpan], severity: str | None
) -> Screening:
    return Screening(
        safety=DEFAULT_SAFETY_SCREENING[payload_format],
        prose=tuple(prose),
        alert=True,
        alert_severity=clip(severity, ALERT_SEVERITY_MAX) if severity else None,
    )


def screen_as(parsed: Parsed, safety: SafetyScreening) -> None:
    for item in parsed.items:
        report = item.report
        if report is not None and report.screening is not None:
            report.screening = report.screening.model_copy(update={"safety": safety})


# --- the NUL check ----------------------------------------------------------------------


def may_carry_nul(inbound: Inbound) -> bool:
    return (
        b"\\u0000" in inbound.body
        or b"\x00" in inbound.body
        or any("\x00" in value for value in inbound.form.values())
    )


def fields_with_nul(item: Item, *, prefix: str) -> list[str]:
    found = ["delivery_id"] if "\x00" in item.delivery_id else []
    if item.report is not None:
        found += [f"{prefix}.{path}" for path in _nul_paths(item.report.model_dump(mode="json"))]
    return found


def _nul_paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in ([f"{path}.{key}".lstrip(".")] if "\x00" in str(key) else [])
            + _nul_paths(item, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in _nul_paths(item, f"{path}.{index}".lstrip("."))
        ]
    return []

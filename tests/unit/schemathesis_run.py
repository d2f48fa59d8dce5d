"""Runs schemathesis' own engine, as ``schemathesis run`` does, against a service's ASGI app:
every phase (examples, coverage, fuzzing, stateful when links exist) and every default check
(server errors, status codes, content types, response schemas and headers, positive data
accepted, negative data rejected, missing required headers, unsupported methods, ignored
auth, ...). Returns what was run and what failed, so a test can assert zero failures and say
how many operations and cases it covered."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi import FastAPI
from schemathesis.engine import events, from_schema
from schemathesis.python import asgi

# Enough to explore every operation in a unit-test budget; the run is reproducible.
MAX_EXAMPLES = 25
SEED = 17

# schemathesis' default statuses for rejected negative data, plus 413: a body over the
# service's (or channel's) byte limit is refused before it is parsed, which is a rejection.
NEGATIVE_REJECTED = [
    "400",
    "401",
    "403",
    "404",
    "405",
    "406",
    "409",
    "413",
    "415",
    "422",
    "428",
    "429",
    "5xx",
]
# And a schema-valid body may still be larger than the byte limit: 413 (no JSON Schema
# states a size in bytes).
POSITIVE_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "413", "429", "5xx"]


def semantic_422(*names: str) -> list[dict[str, Any]]:
    """Per-operation configuration: these operations take a document whose validity no
    JSON Schema can state (YAML rules text, rules that must reference what they define, a
    snooze time within the next 24 hours, an opaque pagination cursor), so a schema-valid
    request may still be refused with 400 or 422 naming what is wrong."""
    return [
        {
            "include-name": name,
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": [*POSITIVE_ACCEPTED, "400", "422"]
                }
            },
        }
        for name in names
    ]


@dataclass
class EngineReport:
    label: str
    operations: set[str] = field(default_factory=set)
    cases: Counter[str] = field(default_factory=Counter)
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def total_cases(self) -> int:
        return sum(self.cases.values())

    def summary(self) -> str:
        return (
            f"{self.label}: {len(self.operations)} operations, {self.total_cases} cases, "
            f"{len(self.failures)} failures"
        )

    def describe_failures(self) -> str:
        return "\n".join(
            f"{operation} {code} {title}\n    {message}"
            for (operation, code, title), message in sorted(self.failures.items())
        ) + "".join(f"\nerror: {error}" for error in self.errors)


def run_engine(
    app: FastAPI,
    *,
    label: str,
    headers: dict[str, str] | None = None,
    max_examples: int = MAX_EXAMPLES,
    extra: dict[str, Any] | None = None,
) -> EngineReport:
    """``headers`` go with every request (an API key); ``extra`` is more schemathesis
    configuration (the TOML file's keys, as a dict)."""
    extra = dict(extra or {})
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "cache": {"enabled": False},  # nothing written into the work tree
            "generation": {"max-examples": max_examples, **extra.pop("generation", {})},
            "checks": {
                "negative_data_rejection": {"expected-statuses": NEGATIVE_REJECTED},
                "positive_data_acceptance": {"expected-statuses": POSITIVE_ACCEPTED},
            },
            **({"headers": headers} if headers else {}),
            **extra,
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    report = EngineReport(label=label)
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                report.operations.add(event.recorder.label)
                report.cases[str(event.phase)] += len(event.recorder.cases)
                for nodes in event.recorder.checks.values():
                    for node in nodes:
                        if node.failure_info is None:
                            continue
                        failure = node.failure_info.failure
                        key = (
                            failure.operation or event.recorder.label,
                            failure.code,
                            failure.title,
                        )
                        report.failures.setdefault(key, failure.message[:600])
            elif isinstance(event, events.NonFatalError):
                report.errors.append(f"{event.label}: {event.value!r}")
            elif isinstance(event, events.FatalError):
                report.errors.append(f"fatal: {event.exception!r}")
            elif isinstance(event, events.EngineFinished):
                for failure in event.failures:
                    key = (failure.operation or "run", failure.code, failure.title)
                    report.failures.setdefault(key, failure.message[:600])
    finally:
        asgi.shutdown_lifespans()
    return report

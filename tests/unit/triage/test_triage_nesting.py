"""Deeply nested rules (YAML or JSON) on PUT /v1/rules, POST /v1/rules/simulate and the dry
run: a problem document (4xx), never a RecursionError (500). And the shipped rules fit
the default body limit, as YAML and as JSON."""

import json
from typing import Any

import httpx
import pytest

from services.triage.rules import BUILTIN_RULES_PATH, MAX_RULES_DEPTH, RulesError, parse_rules
from shared.settings import VigilSettings
from tests.support.helpers import PROBLEM_JSON, VIEWER_KEY, bearer
from tests.support.rules import default_document
from tests.unit.triage.conftest import ADMIN_KEY, Triage

ADMIN = bearer(ADMIN_KEY)
VIEWER = bearer(VIEWER_KEY)
# Deep enough to exhaust Python's stack in a recursive parser, dumper or validator, small
# enough for the body limit.
DEPTHS = [MAX_RULES_DEPTH + 1, 900, 50_000]


def nested_yaml(depth: int) -> str:
    return "rules: " + "[" * depth + "]" * depth


def nested_document(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for _ in range(depth):
        document = {"a": document}
    return document


def nested_json(depth: int) -> str:
    return '{"version": "deep", "rules": ' + '{"a": ' * depth + "{}" + "}" * depth + "}"


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("depth", DEPTHS)
def test_parse_rules_refuses_deep_nesting_as_invalid_rules(depth: int) -> None:
    with pytest.raises(RulesError) as raised:
        parse_rules(nested_yaml(depth), source="deep")
    assert "nested deeper than" in str(raised.value)


@pytest.mark.parametrize("depth", DEPTHS)
async def test_put_rules_with_deep_yaml_is_422(triage: Triage, depth: int) -> None:
    response = await triage.client.put(
        "/v1/rules",
        content=nested_yaml(depth),
        headers={**ADMIN, "content-type": "application/yaml"},
    )

    problem = assert_problem(response, 422)
    assert problem["title"] == "Rules are invalid"


@pytest.mark.parametrize("depth", DEPTHS)
async def test_put_rules_with_deep_json_is_4xx(triage: Triage, depth: int) -> None:
    response = await triage.client.put(
        "/v1/rules",
        content=nested_json(depth),
        headers={**ADMIN, "content-type": "application/json"},
    )

    assert_problem(response, 400, 422)


@pytest.mark.parametrize("depth", DEPTHS)
async def test_simulate_with_deep_rules_is_4xx(triage: Triage, depth: int) -> None:
    as_text = await triage.client.post(
        "/v1/rules/simulate", json={"rules": nested_yaml(depth)}, headers=VIEWER
    )
    as_document = await triage.client.post(
        "/v1/rules/simulate",
        content='{"rules": ' + nested_json(depth) + "}",
        headers={**VIEWER, "content-type": "application/json"},
    )

    assert assert_problem(as_text, 422)["title"] == "Rules are invalid"
    assert_problem(as_document, 400, 422)


@pytest.mark.parametrize("depth", DEPTHS)
async def test_a_dry_run_with_deep_rules_is_422(triage: Triage, depth: int) -> None:
    response = await triage.client.post(
        "/v1/triage/dry-run",
        json={"report": {"title": "hello"}, "rules": nested_yaml(depth)},
        headers=VIEWER,
    )

    assert assert_problem(response, 422)["title"] == "Rules are invalid"


async def test_a_dry_run_with_deep_metadata_is_not_a_500(triage: Triage) -> None:
    body = '{"report": {"title": "hello", "metadata": ' + json.dumps(nested_document(900)) + "}}"
    response = await triage.client.post(
        "/v1/triage/dry-run", content=body, headers={**VIEWER, "content-type": "application/json"}
    )

    assert response.status_code in (200, 400, 422), response.text


async def test_the_shipped_rules_fit_the_default_body_limit(triage: Triage) -> None:
    limit = VigilSettings.model_fields["max_request_body_bytes"].default
    text = BUILTIN_RULES_PATH.read_text()
    as_json = json.dumps(default_document())
    # Room to grow: a deployment's rules several times the size of the shipped ones fit.
    assert len(text.encode()) * 10 < limit
    assert len(as_json.encode()) * 10 < limit

    as_yaml_response = await triage.client.put(
        "/v1/rules", content=text, headers={**ADMIN, "content-type": "application/yaml"}
    )
    as_json_response = await triage.client.put(
        "/v1/rules", content=as_json, headers={**ADMIN, "content-type": "application/json"}
    )

    assert as_yaml_response.status_code == 200, as_yaml_response.text
    assert as_json_response.status_code == 200, as_json_response.text

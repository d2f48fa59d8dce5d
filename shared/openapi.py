"""What every Vigil service's OpenAPI document says about errors, authentication and the
operational routes, so that it tells the truth:

- every error is an RFC 9457 problem document (``application/problem+json``, a string
  ``detail`` and, for invalid requests, ``errors``), documented for each status the
  operation can answer: FastAPI's default 422 model (``application/json``, a ``detail``
  array) is replaced, and 401 / 403 / 404 / 400 / 413 are added where they apply;
- every operation that needs an API key names the ``bearer`` security scheme;
- ``/metrics`` is the Prometheus text format (``text/plain; version=0.0.4``), ``/readyz``
  may answer 503.

A route declares what only it knows with ``responses=problems(409, ...)``; the rest is
derived from the route itself: its role dependency (401, 403), path parameters (404, and
400 for a NUL), query parameters (400 for a NUL) and request body (413)."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

PROBLEM_JSON = "application/problem+json"
# What /metrics serves: Prometheus' classic text exposition format.
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
PROMETHEUS_MEDIA_TYPE = "text/plain; version=0.0.4"
BEARER_SCHEME = "bearer"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "'about:blank' for Vigil's problems."},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The request's path."},
        "errors": {
            "type": "array",
            "description": "For an invalid request: each field that failed, and why.",
            "items": {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "rule": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

DESCRIPTIONS: dict[int, str] = {
    400: "Bad request (a NUL character in a parameter, or a body that cannot be read)",
    401: "No valid API key (see WWW-Authenticate)",
    403: "The key's role may not do this",
    404: "Not found (or restricted to teams the key is not in: the same answer)",
    405: "Method not allowed",
    409: "Conflict with the current state",
    413: "Request body too large",
    415: "Unsupported content type",
    422: "Request is invalid; `errors` names each field",
    429: "Too many requests; see Retry-After",
    503: "A dependency (broker, database) did not answer; see Retry-After",
}


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON Schema with its ``$defs`` inlined, so it can sit anywhere in an
    OpenAPI document (where ``#/$defs/...`` would point nowhere). Not for recursive models."""
    definitions: dict[str, Any] = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                return walk(definitions[reference.removeprefix("#/$defs/")])
            return {key: walk(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


def problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def problems(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the problem document for each status, with the default
    description, or the given one (``problems(404, s409="Illegal transition")``)."""
    responses: dict[int | str, dict[str, Any]] = {
        status: problem(DESCRIPTIONS[status]) for status in statuses
    }
    for key, description in described.items():
        responses[int(key.removeprefix("s"))] = problem(description)
    return responses


def role_of(route: APIRoute) -> str | None:
    """The minimum role a route's dependencies require (``require_role`` marks them)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        role = getattr(dependency.call, "vigil_role", None)
        if isinstance(role, str):
            return role
        pending.extend(dependency.dependencies)
    return None


def _locations(operation: Mapping[str, Any]) -> set[str]:
    return {parameter.get("in", "") for parameter in operation.get("parameters", [])}


NO_NUL = "^[^\\u0000]*$"


def _no_nul_in_parameters(operation: dict[str, Any]) -> None:
    """A NUL in a path or query parameter is refused (400, shared/http_guards.py): the
    document says so, so that what it calls valid is accepted."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") not in ("path", "query"):
            continue
        schema = parameter.get("schema", {})
        for option in [schema, *schema.get("anyOf", [])]:
            if option.get("type") == "string" and "pattern" not in option and "enum" not in option:
                option["pattern"] = NO_NUL


def _problem_everywhere(responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        if status.startswith(("4", "5")) and status != "503":
            content = response.get("content", {})
            if "application/json" in content and PROBLEM_JSON not in content:
                response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}


OPERATIONAL: dict[str, dict[str, Any]] = {
    "/metrics": {
        "summary": "Prometheus metrics",
        "responses": {
            "200": {
                "description": "Prometheus text exposition format 0.0.4",
                "content": {PROMETHEUS_MEDIA_TYPE: {"schema": {"type": "string"}}},
            }
        },
    },
    "/healthz": {
        "summary": "The process is up",
        "responses": {
            "200": {
                "description": "Up",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": {"const": "ok"}},
                        }
                    }
                },
            }
        },
    },
}

_READINESS = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {
        "status": {"enum": ["ready", "not ready"]},
        "checks": {"type": "object", "additionalProperties": {"type": "boolean"}},
    },
}
OPERATIONAL["/readyz"] = {
    "summary": "The broker and database (and consumer) are reachable",
    "responses": {
        status: {
            "description": description,
            "content": {"application/json": {"schema": _READINESS}},
        }
        for status, description in (("200", "Ready"), ("503", "Not ready: `checks` says what"))
    },
}


def complete_operations(
    schema: dict[str, Any], routes: Iterable[Any], *, request_guard: bool
) -> None:
    """Add to each operation what the route implies (see the module docstring)."""
    # FastAPI includes routers lazily: walk the routes as its own get_openapi does.
    for context in iter_route_contexts(list(routes)):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path_format = context.path_format or route.path_format
        path = schema["paths"].get(path_format)
        if path is None:
            continue
        methods = context.methods or set()
        if path_format in OPERATIONAL:
            for method in methods:
                path[method.lower()].update(OPERATIONAL[path_format])
            continue
        role = role_of(route)
        for method in methods:
            operation = path.get(method.lower())
            if operation is None:
                continue
            responses: dict[str, Any] = operation.setdefault("responses", {})
            implied: list[int] = []
            locations = _locations(operation)
            if role is not None:
                operation["security"] = [{BEARER_SCHEME: []}]
                implied.append(401)
                if role != "viewer":
                    implied.append(403)
            if "path" in locations:
                implied.append(404)
            if request_guard and (locations & {"path", "query"} or "requestBody" in operation):
                implied.append(400)
            if request_guard and "requestBody" in operation:
                implied.append(413)
            if locations or "requestBody" in operation:
                implied.append(422)
            if request_guard:
                _no_nul_in_parameters(operation)
            for status in implied:
                responses.setdefault(str(status), problem(DESCRIPTIONS[status]))
            _problem_everywhere(responses)


def install_openapi(
    app: FastAPI,
    *,
    request_guard: bool,
    customize: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Replace ``app.openapi`` with a builder that completes FastAPI's document (once, then
    cached as FastAPI caches its own). ``customize`` lets a service change the result."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        complete_operations(schema, app.routes, request_guard=request_guard)
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        schemas["Problem"] = PROBLEM_SCHEMA
        components["securitySchemes"] = {
            BEARER_SCHEME: {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key from api_keys.yaml: `Authorization: Bearer <key>`.",
            }
        }
        if customize is not None:
            customize(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]

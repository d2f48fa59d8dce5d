"""Checks every service app makes before a route sees a request.

:class:`RequestGuardMiddleware` (pure ASGI, like the metrics middleware):

- a request with a body must carry a known API key before any of the body is read: an
  unauthenticated sender cannot make a service buffer and parse megabytes (roles are still
  checked by the routes' dependencies);
- a body larger than ``max_body_bytes`` is refused with 413, up front from its
  Content-Length, or while it streams in when it has none (chunked);
- a NUL character in the decoded path or query is refused with 400: PostgreSQL text
  cannot hold one, so it would otherwise surface as a database error (500).

Intake does not use it: its webhooks authenticate by a signature over the body, and it caps
each channel's body itself (``max_body_bytes`` per channel).
"""

from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import ApiKeyRegistry, Principal
from shared.problems import ProblemError, problem_response

# Served to probes and scrapers without a key, and never with a body.
OPERATIONAL_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def bearer_principal(authorization: str | None, api_keys: ApiKeyRegistry) -> Principal | None:
    """The principal of an ``Authorization: Bearer <key>`` header, or None."""
    scheme, _, presented = (authorization or "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        return None
    return api_keys.authenticate(presented)


def authentication_required() -> ProblemError:
    """The 401 every API route answers without a valid key."""
    return ProblemError(
        status=401,
        title="Authentication required",
        detail="Send an API key as 'Authorization: Bearer <key>'.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def payload_too_large(limit: int) -> ProblemError:
    return ProblemError(
        status=413,
        title="Payload too large",
        detail=f"This API accepts request bodies of at most {limit} bytes.",
        max_bytes=limit,
    )


class _BodyTooLargeError(Exception):
    """Raised from ``receive`` once the body passes the limit; the middleware answers 413."""


async def _answer(problem: ProblemError, scope: Scope, receive: Receive, send: Send) -> None:
    response = problem_response(
        status=problem.status,
        title=problem.title,
        detail=problem.detail,
        instance=scope["path"],
        headers=problem.headers,
        **problem.extensions,
    )
    await response(scope, receive, send)


def _declared_length(headers: Headers) -> int | None:
    declared = headers.get("content-length")
    if declared is None or not declared.isascii() or not declared.strip().isdigit():
        return None
    return int(declared)


def _has_body(headers: Headers) -> bool:
    # HTTP/1.1 frames a body by Content-Length or Transfer-Encoding; without both there is
    # none. (The byte count below still applies, should a server pass one anyway.)
    declared = _declared_length(headers)
    return (declared is not None and declared > 0) or "transfer-encoding" in headers


def _nul_parameter(scope: Scope) -> str | None:
    """The name of the first path or query parameter holding a NUL, as FastAPI names a
    parameter in a validation error (``query.at``, ``path.ticket_id``), or None."""
    raw_query: bytes = scope.get("query_string", b"")
    if b"%00" in raw_query or b"\x00" in raw_query:
        # Decoded as Starlette decodes it for the routes.
        for name, value in parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"query.{name.replace(chr(0), '%00')}"
    path: str = scope["path"]
    if "\x00" not in path:
        return None
    # Only on this rare path: find the parameter in the route templates the API documents
    # (routing has not run yet; FastAPI caches its OpenAPI document).
    app: Any = scope.get("app")
    templates = app.openapi().get("paths", {}) if isinstance(app, FastAPI) else {}
    for template in templates:
        regex, _, _ = compile_path(template)
        match = regex.match(path)
        if match is None:
            continue
        for name, value in match.groupdict().items():
            if "\x00" in value:
                return f"path.{name}"
    return "path"


def nul_problem(parameter: str) -> ProblemError:
    return ProblemError(
        status=400,
        title="Request contains a NUL character",
        detail=f"'{parameter}' contains a NUL character (%00), which no value here may hold.",
        errors=[{"field": parameter, "message": "must not contain a NUL character"}],
    )


class RequestGuardMiddleware:
    def __init__(self, app: ASGIApp, *, api_keys: ApiKeyRegistry, max_body_bytes: int) -> None:
        self._app = app
        self._api_keys = api_keys
        self._max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        parameter = _nul_parameter(scope)
        if parameter is not None:
            await _answer(nul_problem(parameter), scope, receive, send)
            return
        if scope["path"] in OPERATIONAL_PATHS:
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self._max_body_bytes
        if _has_body(headers):
            if bearer_principal(headers.get("authorization"), self._api_keys) is None:
                await _answer(authentication_required(), scope, receive, send)
                return
            declared = _declared_length(headers)
            if declared is not None and declared > limit:
                await _answer(payload_too_large(limit), scope, receive, send)
                return
        await self._capped(scope, receive, send, limit=limit)

    async def _capped(self, scope: Scope, receive: Receive, send: Send, *, limit: int) -> None:
        received = 0
        exceeded = False
        started = False

        async def receive_capped() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _BodyTooLargeError
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLargeError
            return message

        async def send_unless_replaced(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                # Whatever the app made of the failed read (FastAPI turns it into a 400)
                # is replaced by the 413 below.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self._app(scope, receive_capped, send_unless_replaced)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await _answer(payload_too_large(limit), scope, receive, send)

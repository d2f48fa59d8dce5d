"""RFC 9457 problem documents for every error a Vigil API returns."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

PROBLEM_JSON = "application/problem+json"


class ProblemError(Exception):
    def __init__(
        self,
        *,
        status: int,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers
        self.extensions = extensions


def problem_response(
    *,
    status: int,
    title: str,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem_response(
        status=error.status,
        title=error.title,
        detail=error.detail,
        instance=request.url.path,
        headers=error.headers,
        **error.extensions,
    )


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    # The submitted values are left out on purpose: they may hold personal data.
    errors = [
        {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
        for item in error.errors()
    ]
    return problem_response(
        status=422,
        title="Request body is invalid",
        detail=f"{len(errors)} field(s) failed validation",
        instance=request.url.path,
        errors=errors,
    )


def allowed_methods(app: Any, path: str) -> list[str]:
    """Every method the API documents for ``path``: Starlette's 405 names only those of the
    first route that matched, though GET and PUT of one path are two routes."""
    methods: set[str] = set()
    for template, operations in app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        if regex.match(path):
            methods.update(method.upper() for method in operations)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 405 and isinstance(request.app, FastAPI):
        documented = allowed_methods(request.app, request.url.path)
        if documented:  # else the path is no documented one: Starlette's Allow stands
            headers["Allow"] = ", ".join(documented)
    return problem_response(
        status=error.status_code,
        title=str(error.detail),
        instance=request.url.path,
        headers=headers,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)

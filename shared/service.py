"""The pieces every service app is made of: state, lifespan, health, metrics, auth deps.

Each service's ``main.py`` calls :func:`create_service_app` with its own routers, tables and
event handler; the lifespan here is the one owner of start-up and shutdown.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import generate_latest
from sqlalchemy import Table
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import ApiKeyRegistry, Principal, Role
from shared.bus import Bus, create_bus
from shared.config import DEFAULT_CONFIG_DIR
from shared.consume import BatchHandler, ConsumeLoop
from shared.db import Database
from shared.http_guards import RequestGuardMiddleware, authentication_required, bearer_principal
from shared.logging import service_var
from shared.migrations import ensure_schema
from shared.observability import HttpMetricsMiddleware, ServiceMetrics
from shared.openapi import PROMETHEUS_TEXT, install_openapi
from shared.problems import ProblemError, install_problem_handlers
from shared.settings import ServiceName, VigilSettings

logger = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 15.0


@dataclass(kw_only=True)
class ServiceState:
    """What every service's requests and event handlers may need. A service adds its own
    typed fields in a subclass (``TriageState``...), built in its ``create_app``."""

    service: ServiceName
    settings: VigilSettings
    bus: Bus
    db: Database | None
    metrics: ServiceMetrics
    api_keys: ApiKeyRegistry
    consume_loop: ConsumeLoop | None = None
    consumer_task: "asyncio.Task[None] | None" = None


StateT = TypeVar("StateT", bound=ServiceState)


def common_fields(state: ServiceState) -> dict[str, Any]:
    """The base state's fields, to build a service's own state from :func:`build_state`'s:
    ``TriageState(**common_fields(base), rules=...)``."""
    return {item.name: getattr(state, item.name) for item in fields(ServiceState)}


@dataclass(frozen=True)
class ConsumerSpec(Generic[StateT]):
    topics: Sequence[str]
    make_batch_handler: Callable[[StateT], BatchHandler]


StartupHook = Callable[[StateT], Awaitable[None]]
BackgroundJob = Callable[[StateT], Coroutine[Any, Any, None]]


def create_service_app(
    *,
    state: StateT,
    routers: Sequence[APIRouter],
    tables: Sequence[Table],
    owns_bus: bool,
    consumer: ConsumerSpec[StateT] | None = None,
    on_startup: Sequence[StartupHook[StateT]] = (),
    background: Sequence[BackgroundJob[StateT]] = (),
    guard_requests: bool = True,
    customize_openapi: Callable[[dict[str, Any]], None] | None = None,
) -> FastAPI:
    """``guard_requests``: authenticate before reading a body, cap bodies and refuse NUL
    characters (shared/http_guards.py); off only for intake, which authenticates webhooks
    by a signature over the body and caps each channel's body itself.
    ``customize_openapi`` changes the completed OpenAPI document (shared/openapi.py)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Tasks started here inherit it, so in embedded mode each log line names its service.
        service_var.set(state.service)
        if state.db is not None:
            await prepare_database(state, tables=tables)
        if owns_bus:
            await state.bus.start()
        for hook in on_startup:
            await hook(state)
        tasks: list[asyncio.Task[None]] = [
            asyncio.create_task(job(state), name=f"{state.service}-background")
            for job in background
        ]
        if consumer is not None:
            group_id = state.settings.group(state.service)
            state.consume_loop = ConsumeLoop(
                bus=state.bus,
                consumer=state.bus.consumer(
                    topics=[state.settings.topic(topic) for topic in consumer.topics],
                    group_id=group_id,
                ),
                group_id=group_id,
                handler=consumer.make_batch_handler(state),
                metrics=state.metrics,
                max_attempts=state.settings.consumer_max_attempts,
                batch_size=state.settings.consumer_batch_size,
                stall_after_seconds=state.settings.consumer_stall_seconds,
            )
            state.consumer_task = asyncio.create_task(
                state.consume_loop.run(), name=f"{state.service}-consumer"
            )
            state.consumer_task.add_done_callback(_log_consumer_death)
        logger.info("service started", extra={"port": state.settings.port_of(state.service)})
        try:
            yield
        finally:
            await _shutdown(state, tasks=tasks, owns_bus=owns_bus)

    app = FastAPI(title=f"Vigil {state.service}", version="0.1.0", lifespan=lifespan)
    app.state.vigil = state
    install_problem_handlers(app)
    if guard_requests:  # added first, so inside the metrics middleware: its 4xx are counted
        app.add_middleware(
            RequestGuardMiddleware,
            api_keys=state.api_keys,
            max_body_bytes=state.settings.max_request_body_bytes,
        )
    app.add_middleware(
        HttpMetricsMiddleware,
        metrics=state.metrics,
        enabled=state.settings.instrumentation_enabled,
    )

    app.include_router(_operational_router())
    for router in routers:
        app.include_router(router)
    install_openapi(app, request_guard=guard_requests, customize=customize_openapi)
    return app


def _log_consumer_death(task: "asyncio.Task[None]") -> None:
    """Said when it happens, not at shutdown: /readyz fails from now on, and the log says why."""
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.critical(
            "consumer stopped; this process consumes nothing until it is restarted",
            exc_info=error,
        )


async def _shutdown(
    state: ServiceState, *, tasks: list["asyncio.Task[None]"], owns_bus: bool
) -> None:
    if state.consume_loop is not None and state.consumer_task is not None:
        state.consume_loop.request_stop()
        try:
            await asyncio.wait_for(state.consumer_task, SHUTDOWN_GRACE_SECONDS)
        except TimeoutError:
            logger.error("consumer did not stop in time; cancelled")
        except Exception:  # already logged by _log_consumer_death
            pass
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if owns_bus:
        await state.bus.stop()
    if state.db is not None:
        await state.db.dispose()
    logger.info("service stopped")


async def prepare_database(state: ServiceState, *, tables: Sequence[Table]) -> None:
    """Migrate the service's database when configured to (VIGIL_DB_AUTO_MIGRATE; unset = only
    SQLite files), else refuse to start unless its schema is at this release's revision."""
    assert state.db is not None
    if not tables:
        return
    if state.db.is_in_memory:  # no other connection can reach it: nothing to migrate
        await state.db.create_tables(tables)
        return
    await ensure_schema(
        service=state.service, url=state.db.url, auto_migrate=state.settings.db_auto_migrate
    )


def build_state(
    *, service: ServiceName, settings: VigilSettings, bus: Bus | None, uses_database: bool = True
) -> tuple[ServiceState, bool]:
    """The service's state; ``owns_bus`` is False when an embedding process shares its bus."""
    config_dir = settings.config_dir or DEFAULT_CONFIG_DIR
    state = ServiceState(
        service=service,
        settings=settings,
        bus=bus or create_bus(settings),
        db=Database(settings.database_url_for(service)) if uses_database else None,
        metrics=ServiceMetrics(service=service),
        api_keys=ApiKeyRegistry.load(config_dir),
    )
    return state, bus is None


# --- dependencies -----------------------------------------------------------------------


async def get_state(request: Request) -> ServiceState:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, per request.
    state: ServiceState = request.app.state.vigil
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


def state_dependency(state_type: type[StateT]) -> Callable[[Request], Awaitable[StateT]]:
    """A route dependency for a service's own state type, for its ``Annotated`` alias:
    ``TriageStateDep = Annotated[TriageState, Depends(state_dependency(TriageState))]``."""

    async def dependency(request: Request) -> StateT:
        state = request.app.state.vigil
        if not isinstance(state, state_type):
            raise TypeError(f"this app's state is a {type(state).__name__}, not a {state_type}")
        return state

    return dependency


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    assert state.db is not None, f"{state.service} has no database"
    async with state.db.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]

_ROLE_RANK: dict[Role, int] = {"viewer": 0, "responder": 1, "admin": 2}


def require_role(minimum: Role) -> Callable[[Request, ServiceState], Awaitable[Principal]]:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, per request.
    async def dependency(request: Request, state: StateDep) -> Principal:
        principal = bearer_principal(request.headers.get("authorization"), state.api_keys)
        if principal is None:
            raise authentication_required()
        if _ROLE_RANK[principal.role] < _ROLE_RANK[minimum]:
            raise ProblemError(
                status=403, title="Forbidden", detail=f"This action needs the {minimum} role."
            )
        return principal

    dependency.vigil_role = minimum  # type: ignore[attr-defined]  # read by shared/openapi.py
    return dependency


ViewerDep = Annotated[Principal, Depends(require_role("viewer"))]
ResponderDep = Annotated[Principal, Depends(require_role("responder"))]
AdminDep = Annotated[Principal, Depends(require_role("admin"))]


# --- operational routes -----------------------------------------------------------------


def _operational_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(state: StateDep) -> JSONResponse:
        checks = {"bus": await state.bus.ping()}
        if state.db is not None:
            checks["database"] = await state.db.ping()
        if state.consumer_task is not None and state.consume_loop is not None:
            # A loop retrying the same batch for ever is as useless as a dead one.
            checks["consumer"] = not state.consumer_task.done() and not state.consume_loop.stalled
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics")
    async def metrics(state: StateDep) -> Response:
        # The classic text format (0.0.4), which every Prometheus reads; generate_latest
        # writes it for Vigil's metric names, which are all legacy (ASCII) names.
        return Response(generate_latest(state.metrics.registry), media_type=PROMETHEUS_TEXT)

    return router

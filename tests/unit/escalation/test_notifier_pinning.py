"""DNS rebinding: the SSRF guard resolves a contact's name once and the connection goes to
the address it checked, with the name as Host header and TLS server name. A resolver that
answers differently the second time (public first, then loopback) changes nothing."""

import ipaddress
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.escalation import notifiers
from services.escalation.config import (
    EmailContact,
    EscalationConfig,
    NotificationSettings,
    PoliciesFile,
    SlackContact,
    WebhookContact,
)
from services.escalation.notifiers import Sender, pin
from services.escalation.schedule_config import SchedulesFile
from tests.support.escalation import page, running_receiver
from tests.unit.escalation.test_notifiers import smtp_server

NAME = "hooks.example.test"
PUBLIC = "93.184.216.34"

AddrInfo = list[tuple[Any, ...]]


class RebindingResolver:
    """Answers ``NAME`` with ``answers`` in turn (the last one for ever); every other name
    as the system does. Counts the lookups of ``NAME``."""

    def __init__(self, real: Callable[..., AddrInfo], answers: list[str]) -> None:
        self._real = real
        self._answers = answers
        self._lock = threading.Lock()  # getaddrinfo runs in worker threads
        self.lookups = 0

    def __call__(self, host: str | bytes | None, port: Any, *args: Any, **kwargs: Any) -> AddrInfo:
        name = host.decode() if isinstance(host, bytes) else host
        if name != NAME:
            return self._real(host, port, *args, **kwargs)
        with self._lock:
            answer = self._answers[min(self.lookups, len(self._answers) - 1)]
            self.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, int(port or 0)))]


def rebinding(monkeypatch: pytest.MonkeyPatch, *answers: str) -> RebindingResolver:
    resolver = RebindingResolver(socket.getaddrinfo, list(answers))
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


def config_with(tmp_path: Path, **settings: object) -> EscalationConfig:
    return EscalationConfig(
        policies=PoliciesFile(notifications=NotificationSettings.model_validate(settings)),
        schedules=SchedulesFile(),
        config_dir=tmp_path,
    )


async def test_the_connection_goes_to_the_checked_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only 127.0.0.1 is allow-listed. The guard's lookup says 127.0.0.1 (where the receiver
    listens); any later lookup says 127.0.0.2 (nothing listens there, and it is not allowed)."""
    async with running_receiver() as receiver:
        port = int(receiver.url.rsplit(":", 1)[1])
        resolver = rebinding(monkeypatch, "127.0.0.1", "127.0.0.2")
        sender = Sender(config_with(tmp_path, allow_private_hosts=["127.0.0.1/32"]))
        try:
            outcome = await sender.send(
                WebhookContact(type="webhook", url=f"http://{NAME}:{port}/alice"), page()
            )
        finally:
            await sender.close()

    assert outcome.delivered, outcome.detail
    [request] = receiver.requests
    assert request["path"] == "/alice"
    assert request["headers"]["host"] == f"{NAME}:{port}"
    assert resolver.lookups == 1


class Recorder:
    """Stands in for the network: records what httpx was asked to connect to."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def client(self, **_: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"ok": True})


@pytest.mark.parametrize("scheme", ["https", "http"])
async def test_a_name_rebound_to_loopback_after_the_check_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    resolver = rebinding(monkeypatch, PUBLIC, "127.0.0.1")
    recorder = Recorder()
    monkeypatch.setattr(notifiers, "create_http_client", recorder.client)
    sender = Sender(config_with(tmp_path))
    try:
        outcome = await sender.send(
            SlackContact(type="slack", url=f"{scheme}://{NAME}/services/T0/B0"), page()
        )
    finally:
        await sender.close()

    assert outcome.delivered, outcome.detail
    [request] = recorder.requests
    assert request.url.host == PUBLIC
    assert request.url.path == "/services/T0/B0"
    assert request.headers["host"] == NAME
    assert request.extensions.get("sni_hostname") == (NAME if scheme == "https" else None)
    assert resolver.lookups == 1


async def test_two_names_on_one_address_do_not_share_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A TLS connection verified for one name must not carry another name's requests."""
    clients: list[httpx.AsyncClient] = []
    recorder = Recorder()

    def client(**kwargs: Any) -> httpx.AsyncClient:
        clients.append(recorder.client(**kwargs))
        return clients[-1]

    monkeypatch.setattr(notifiers, "create_http_client", client)
    sender = Sender(config_with(tmp_path))
    try:
        for url in (f"https://{PUBLIC}/a", f"https://{PUBLIC}/b", f"http://{PUBLIC}/c"):
            assert (await sender.send(SlackContact(type="slack", url=url), page())).delivered
        host = "alias.example.test"
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda *_args, **_kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 443))],
        )
        assert (
            await sender.send(SlackContact(type="slack", url=f"https://{host}/d"), page())
        ).delivered
    finally:
        await sender.close()

    assert len(recorder.requests) == 4
    assert len(clients) == 3  # https://PUBLIC (twice), http://PUBLIC, https://alias


def test_pin_keeps_port_path_query_and_user_and_brackets_ipv6() -> None:
    pinned = pin(
        "https://user:pw@Hooks.Example.Test:8443/a/b?x=1", ipaddress.ip_address("2001:db8::1")
    )

    assert str(pinned.url) == "https://user:pw@[2001:db8::1]:8443/a/b?x=1"
    assert pinned.headers == {"host": "hooks.example.test:8443"}
    assert pinned.extensions == {"sni_hostname": "hooks.example.test"}


def test_pin_sends_an_international_name_as_idna() -> None:
    pinned = pin("https://bücher.example/x", ipaddress.ip_address(PUBLIC))

    assert pinned.headers == {"host": "xn--bcher-kva.example"}
    assert pinned.extensions == {"sni_hostname": "xn--bcher-kva.example"}


async def test_email_connects_to_the_checked_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with smtp_server() as smtp:
        resolver = rebinding(monkeypatch, "127.0.0.1", "127.0.0.2")
        sender = Sender(
            config_with(
                tmp_path, smtp_host=NAME, smtp_port=smtp.port, allow_private_hosts=["127.0.0.1"]
            )
        )
        outcome = await sender.send(EmailContact(type="email", address="alice@example.org"), page())

    assert outcome.delivered, outcome.detail
    assert smtp.recipients == ["alice@example.org"]
    assert resolver.lookups == 1

"""Sending one notification: generic webhook (Standard Webhooks), Slack, PagerDuty, email.

Pure helpers (payloads, signatures, address checks) come first; :class:`Sender` does the
I/O. Every send refuses destinations that resolve to loopback, link-local, private or
otherwise non-public addresses unless the config allow-lists them (SSRF guard), and then
connects to the very address it checked: the name is not resolved a second time, so a DNS
answer that changes between check and connection (DNS rebinding) cannot redirect it.
"""

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import smtplib
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import httpx

from services.escalation.config import (
    Contact,
    EmailContact,
    EscalationConfig,
    NotificationSettings,
    PagerDutyContact,
    SlackContact,
    WebhookContact,
)
from shared.config import ConfigError, SecretRef
from shared.http import create_http_client

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Page:
    """What a notification says; no report text (it may hold personal data)."""

    idempotency_key: str
    escalation_id: str
    ticket_id: str
    priority: str
    category: str
    queue: str
    status: str
    level: int
    reason: str
    user: str
    at: datetime
    # W3C trace context of the escalation (a child span per send): sent as the
    # ``traceparent`` header, so the receiver's logs join the ticket's trace.
    traceparent: str | None = None

    def summary(self) -> str:
        return (
            f"[Vigil {self.priority}] {self.category} escalation in {self.queue} "
            f"({self.reason}, level {self.level + 1}) - escalation {self.escalation_id}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "type": "vigil.escalation.page",
            "idempotency_key": self.idempotency_key,
            "escalation_id": self.escalation_id,
            "ticket_id": self.ticket_id,
            "priority": self.priority,
            "category": self.category,
            "queue": self.queue,
            "status": self.status,
            "level": self.level,
            "reason": self.reason,
            "user": self.user,
            "at": self.at.isoformat(),
            "summary": self.summary(),
        }


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    permanent: bool = False
    detail: str = ""


class RefusedDestinationError(Exception):
    """The destination is not allowed (SSRF guard); retrying cannot help."""


# --- pure helpers ---------------------------------------------------------------------


def standard_webhook_signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``{id}.{timestamp}.{body}`` (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(digest).decode()}"


def email_message_id(idempotency_key: str) -> str:
    """A valid RFC 5322 Message-ID derived from the key: resends carry the same one."""
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}@vigil>"


def pagerduty_body(page: Page, *, routing_key: str) -> dict[str, Any]:
    severity = "critical" if page.priority == "P0" else "error"
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        # One PagerDuty incident per escalation; re-pages of the same escalation dedupe.
        "dedup_key": f"vigil-{page.escalation_id}",
        "payload": {
            "summary": page.summary(),
            "source": "vigil",
            "severity": severity,
            "component": page.queue,
            "group": page.category,
            "custom_details": page.as_json(),
        },
    }


def slack_body(page: Page) -> dict[str, Any]:
    return {"text": page.summary()}


def is_public(address: IpAddress) -> bool:
    return not (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or (
            isinstance(address, ipaddress.IPv6Address)
            and address.ipv4_mapped is not None
            and not is_public(address.ipv4_mapped)
        )
    )


def allow_listed(host: str, address: IpAddress, allowed: list[str]) -> bool:
    for entry in allowed:
        if entry.lower() == host.lower():
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def check_addresses(host: str, addresses: list[IpAddress], *, allowed: list[str]) -> None:
    """Raise RefusedDestinationError unless every address is public or allow-listed."""
    if not addresses:
        raise RefusedDestinationError(f"{host} does not resolve")
    for address in addresses:
        if not is_public(address) and not allow_listed(host, address, allowed):
            raise RefusedDestinationError(
                f"{host} resolves to a non-public address ({address}); "
                "add it to notifications.allow_private_hosts to allow it"
            )


async def resolve_host(host: str, port: int) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise RefusedDestinationError(f"{host} does not resolve: {error}") from error
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


@dataclass(frozen=True)
class PinnedRequest:
    """A URL whose host is the checked address, sent with the original name as its Host
    header and, over TLS, as the server name (SNI) the certificate is verified against."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, Any]
    # The configured origin: connections are pooled per origin, never shared between two
    # names that happen to resolve to one address (a TLS session verified for one name
    # must not carry another's requests).
    origin: tuple[str, str, int | None]


def pin(url: str, address: IpAddress) -> PinnedRequest:
    original = httpx.URL(url)
    name = original.raw_host.decode("ascii")  # IDNA-encoded, as DNS and SNI see it
    return PinnedRequest(
        url=original.copy_with(host=str(address)),
        headers={"host": original.netloc.decode("ascii")},
        extensions={"sni_hostname": name} if original.scheme == "https" else {},
        origin=(original.scheme, name.lower(), original.port),
    )


async def guard_url(url: str, settings: NotificationSettings) -> PinnedRequest:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedDestinationError("only http(s) URLs with a host are allowed")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = await resolve_host(parts.hostname, port)
    check_addresses(parts.hostname, addresses, allowed=settings.allow_private_hosts)
    return pin(url, addresses[0])


def _secret(value: SecretRef | str, config: EscalationConfig) -> str:
    if isinstance(value, str):
        return value
    return value.resolve(config_dir=config.config_dir)


def _classify(response: httpx.Response) -> Outcome:
    if response.is_success:
        return Outcome(delivered=True, detail=f"HTTP {response.status_code}")
    retryable = response.status_code in (408, 425, 429) or response.status_code >= 500
    return Outcome(delivered=False, permanent=not retryable, detail=f"HTTP {response.status_code}")


def _trace_header(page: Page) -> dict[str, str]:
    return {"traceparent": page.traceparent} if page.traceparent is not None else {}


# --- I/O ----------------------------------------------------------------------------------


class PinnedSMTP(smtplib.SMTP):
    """Connects to the checked ``address`` instead of resolving ``host`` again; ``host``
    still names the server, so STARTTLS verifies the certificate against it."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._address = address  # before super().__init__, which connects
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, port), timeout, self.source_address)


class Sender:
    """Sends pages; one instance per service, reusing one HTTP client."""

    def __init__(self, config: EscalationConfig) -> None:
        self._config = config
        self._settings = config.policies.notifications
        # One per destination origin (see PinnedRequest.origin); their number is bounded by
        # the contacts in policies.yaml.
        self._clients: dict[tuple[str, str, int | None], httpx.AsyncClient] = {}

    def _http(self, target: PinnedRequest) -> httpx.AsyncClient:
        client = self._clients.get(target.origin)
        if client is None:
            client = self._clients[target.origin] = create_http_client(
                timeout_seconds=self._settings.timeout.total_seconds()
            )
        return client

    async def _send_pinned(
        self, target: PinnedRequest, *, content: bytes, headers: dict[str, str]
    ) -> httpx.Response:
        return await self._http(target).post(
            target.url,
            content=content,
            headers={**headers, **target.headers},
            extensions=target.extensions,
        )

    async def close(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    async def send(self, contact: Contact, page: Page) -> Outcome:
        try:
            if isinstance(contact, WebhookContact):
                return await self._webhook(contact, page)
            if isinstance(contact, SlackContact):
                url = _secret(contact.url, self._config)
                return await self._post(url, slack_body(page), page=page)
            if isinstance(contact, PagerDutyContact):
                body = pagerduty_body(page, routing_key=_secret(contact.routing_key, self._config))
                return await self._post(contact.url, body, page=page)
            return await self._email(contact, page)
        except RefusedDestinationError as error:
            return Outcome(delivered=False, permanent=True, detail=f"refused: {error}")
        except ConfigError as error:
            return Outcome(delivered=False, permanent=True, detail=f"configuration: {error}")
        except httpx.TimeoutException:
            return Outcome(delivered=False, detail="timed out")
        except httpx.HTTPError as error:
            return Outcome(delivered=False, detail=f"{type(error).__name__}: {error}")
        except (OSError, smtplib.SMTPException) as error:
            return Outcome(delivered=False, detail=f"{type(error).__name__}: {error}")

    async def _post(
        self, url: str, body: dict[str, Any], *, page: Page, headers: dict[str, str] | None = None
    ) -> Outcome:
        target = await guard_url(url, self._settings)
        raw = json.dumps(body, separators=(",", ":")).encode()
        response = await self._send_pinned(
            target,
            content=raw,
            headers={
                "content-type": "application/json",
                "idempotency-key": page.idempotency_key,
                **_trace_header(page),
                **(headers or {}),
            },
        )
        return _classify(response)

    async def _webhook(self, contact: WebhookContact, page: Page) -> Outcome:
        target = await guard_url(contact.url, self._settings)
        raw = json.dumps(page.as_json(), separators=(",", ":")).encode()
        # The time of this attempt: receivers reject stale timestamps (replay protection),
        # and a retry may come minutes after the page was created.
        timestamp = int(datetime.now(UTC).timestamp())
        headers = {
            "content-type": "application/json",
            "idempotency-key": page.idempotency_key,
            "webhook-id": page.idempotency_key,
            "webhook-timestamp": str(timestamp),
            **_trace_header(page),
        }
        if contact.secret is not None:
            headers["webhook-signature"] = standard_webhook_signature(
                secret=_secret(contact.secret, self._config),
                msg_id=page.idempotency_key,
                timestamp=timestamp,
                body=raw,
            )
        response = await self._send_pinned(target, content=raw, headers=headers)
        return _classify(response)

    async def _email(self, contact: EmailContact, page: Page) -> Outcome:
        settings = self._settings
        if settings.smtp_host is None:
            return Outcome(
                delivered=False, permanent=True, detail="no notifications.smtp_host configured"
            )
        addresses = await resolve_host(settings.smtp_host, settings.smtp_port)
        check_addresses(settings.smtp_host, addresses, allowed=settings.allow_private_hosts)
        message = EmailMessage()
        message["From"] = settings.smtp_from
        message["To"] = contact.address
        message["Subject"] = page.summary()
        message["Message-ID"] = email_message_id(page.idempotency_key)
        message["X-Vigil-Idempotency-Key"] = page.idempotency_key
        if page.traceparent is not None:
            message["Traceparent"] = page.traceparent
        message.set_content(json.dumps(page.as_json(), indent=2))
        password = (
            settings.smtp_password.resolve(config_dir=self._config.config_dir)
            if settings.smtp_password is not None
            else None
        )
        await asyncio.to_thread(self._smtp_send, message, password, address=str(addresses[0]))
        return Outcome(delivered=True, detail="accepted by SMTP server")

    def _smtp_send(self, message: EmailMessage, password: str | None, *, address: str) -> None:
        settings = self._settings
        timeout = settings.timeout.total_seconds()
        assert settings.smtp_host is not None
        with PinnedSMTP(
            settings.smtp_host, settings.smtp_port, address=address, timeout=timeout
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and password:
                smtp.login(settings.smtp_username, password)
            smtp.send_message(message)

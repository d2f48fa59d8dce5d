"""Each contact type against local receivers: Slack and PagerDuty over HTTP, email over a
minimal SMTP server; and the SSRF guard on names that resolve to loopback."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.escalation.config import (
    EmailContact,
    EscalationConfig,
    NotificationSettings,
    PagerDutyContact,
    PoliciesFile,
    SlackContact,
)
from services.escalation.notifiers import Sender, email_message_id
from services.escalation.schedule_config import SchedulesFile
from shared.config import SecretRef
from tests.support.escalation import page, running_receiver


def config_with(tmp_path: Path, **settings: object) -> EscalationConfig:
    return EscalationConfig(
        policies=PoliciesFile(notifications=NotificationSettings.model_validate(settings)),
        schedules=SchedulesFile(),
        config_dir=tmp_path,
    )


async def test_slack_gets_a_text_message(tmp_path: Path) -> None:
    async with running_receiver() as receiver:
        sender = Sender(config_with(tmp_path, allow_private_hosts=["127.0.0.1"]))
        try:
            outcome = await sender.send(
                SlackContact(type="slack", url=f"{receiver.url}/slack"), page()
            )
        finally:
            await sender.close()

    assert outcome.delivered
    [request] = receiver.requests
    assert "threat_to_life" in json.loads(request["body"])["text"]
    assert request["headers"]["idempotency-key"] == page().idempotency_key


async def test_pagerduty_gets_an_events_v2_trigger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIL_TEST_PD_KEY", "routing-key-1")
    async with running_receiver() as receiver:
        sender = Sender(config_with(tmp_path, allow_private_hosts=["127.0.0.0/8"]))
        contact = PagerDutyContact(
            type="pagerduty",
            routing_key=SecretRef(env="VIGIL_TEST_PD_KEY"),
            url=f"{receiver.url}/v2/enqueue",
        )
        try:
            outcome = await sender.send(contact, page())
        finally:
            await sender.close()

    assert outcome.delivered
    body = json.loads(receiver.requests[0]["body"])
    assert (body["routing_key"], body["event_action"]) == ("routing-key-1", "trigger")
    assert body["dedup_key"] == "vigil-esc"


async def test_a_name_resolving_to_loopback_is_refused(tmp_path: Path) -> None:
    sender = Sender(config_with(tmp_path))
    try:
        outcome = await sender.send(SlackContact(type="slack", url="http://localhost:9/x"), page())
    finally:
        await sender.close()

    assert not outcome.delivered
    assert outcome.permanent
    assert outcome.detail.startswith("refused: localhost resolves to a non-public address")


@dataclass
class SmtpServer:
    port: int = 0
    messages: list[bytes] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 test ESMTP\r\n")
        while line := await reader.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                writer.write(b"250 test\r\n")
            elif command.startswith("RCPT TO:"):
                self.recipients.append(line.decode().strip()[8:].strip("<>"))
                writer.write(b"250 ok\r\n")
            elif command == "DATA":
                writer.write(b"354 go on\r\n")
                await writer.drain()
                data = b""
                while (chunk := await reader.readline()) != b".\r\n":
                    data += chunk
                self.messages.append(data)
                writer.write(b"250 queued\r\n")
            elif command == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


@contextlib.asynccontextmanager
async def smtp_server() -> AsyncIterator[SmtpServer]:
    smtp = SmtpServer()
    server = await asyncio.start_server(smtp.handle, "127.0.0.1", 0)
    smtp.port = server.sockets[0].getsockname()[1]
    async with server:
        yield smtp


async def test_email_goes_out_over_smtp_with_the_idempotency_key(tmp_path: Path) -> None:
    async with smtp_server() as smtp:
        sender = Sender(
            config_with(
                tmp_path,
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
                allow_private_hosts=["127.0.0.1"],
            )
        )
        outcome = await sender.send(EmailContact(type="email", address="alice@example.org"), page())

    assert outcome.delivered, outcome.detail
    assert smtp.recipients == ["alice@example.org"]
    [message] = smtp.messages
    assert f"Message-ID: {email_message_id(page().idempotency_key)}".encode() in message
    assert f"X-Vigil-Idempotency-Key: {page().idempotency_key}".encode() in message


async def test_email_without_an_smtp_host_fails_visibly(tmp_path: Path) -> None:
    outcome = await Sender(config_with(tmp_path)).send(
        EmailContact(type="email", address="alice@example.org"), page()
    )

    assert (outcome.delivered, outcome.permanent) == (False, True)
    assert "smtp_host" in outcome.detail

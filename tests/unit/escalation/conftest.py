"""Fixtures for the escalation unit tests."""

import pytest

from tests.unit.escalation.helpers import WEBHOOK_SECRET, WEBHOOK_SECRET_ENV


@pytest.fixture(autouse=True)
def webhook_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)
    return WEBHOOK_SECRET

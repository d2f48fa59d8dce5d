"""Policies (matching, climbing, person acks), backoff, SSRF checks, signatures, config."""

import base64
import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.escalation.config import Policy, load_config
from services.escalation.config_types import parse_duration
from services.escalation.notifiers import (
    RefusedDestinationError,
    check_addresses,
    pagerduty_body,
    standard_webhook_signature,
)
from services.escalation.policies import (
    PersonOnly,
    Step,
    match_policy,
    next_step,
    person_required,
    retry_delay,
)
from shared.config import DEFAULT_CONFIG_DIR, ConfigError
from shared.events import Priority
from tests.support.escalation import page, write_escalation_config


def policy(**overrides: object) -> Policy:
    raw: dict[str, object] = {
        "name": "p",
        "levels": [
            {"targets": [{"user": "a"}], "ack_timeout": "5m"},
            {"targets": [{"user": "b"}], "ack_timeout": "10m"},
        ],
    }
    raw.update(overrides)
    return Policy.model_validate(raw)


def test_levels_climb_then_repeat_then_stop() -> None:
    chain = policy(repeat=1)
    steps: list[Step | None] = []
    step: Step | None = Step(level=0, cycle=0)
    while step is not None:
        step = next_step(chain, level=step.level, cycle=step.cycle)
        steps.append(step)

    assert steps == [Step(1, 0), Step(0, 1), Step(1, 1), None]


def test_a_person_ack_policy_never_runs_out() -> None:
    chain = policy(require_person_ack=True)

    assert next_step(chain, level=1, cycle=50) == Step(level=0, cycle=51)


@pytest.mark.parametrize("operation", ["ack", "resolve", "snooze", "override"])
def test_only_a_person_ends_or_pauses_a_person_ack_policy(operation: PersonOnly) -> None:
    person_ack = policy(name="life", require_person_ack=True)

    refusal = person_required(person_ack, operation=operation, by_bot=True)

    assert refusal is not None
    assert refusal.startswith("policy life needs a person to ")
    assert person_required(person_ack, operation=operation, by_bot=False) is None


@pytest.mark.parametrize("operation", ["ack", "resolve", "snooze", "override"])
def test_a_bot_may_end_a_page_whose_policy_does_not_need_a_person(operation: PersonOnly) -> None:
    assert person_required(policy(), operation=operation, by_bot=True) is None
    assert person_required(None, operation=operation, by_bot=True) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (90, timedelta(seconds=90)),
        ("90s", timedelta(seconds=90)),
        ("5m", timedelta(minutes=5)),
        ("1h30m", timedelta(minutes=90)),
        ("7d", timedelta(days=7)),
    ],
)
def test_durations(value: object, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "5x", "m5", True, None])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


def test_backoff_grows_exponentially_is_capped_and_jittered() -> None:
    base, cap = timedelta(seconds=2), timedelta(seconds=60)

    low = [retry_delay(n, base=base, maximum=cap, jitter=lambda: 0.0) for n in range(1, 8)]
    high = [retry_delay(n, base=base, maximum=cap, jitter=lambda: 1.0) for n in range(1, 8)]

    assert [d.total_seconds() for d in high] == [2, 4, 8, 16, 32, 60, 60]
    assert [d.total_seconds() for d in low] == [1, 2, 4, 8, 16, 30, 30]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "fd00::1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(RefusedDestinationError, match="non-public"):
        check_addresses("hooks.example", [ipaddress.ip_address(address)], allowed=[])


def test_allow_list_by_host_ip_or_network() -> None:
    loopback = [ipaddress.ip_address("127.0.0.1")]
    check_addresses("127.0.0.1", loopback, allowed=["127.0.0.1"])
    check_addresses("receiver.internal", loopback, allowed=["receiver.internal"])
    check_addresses("receiver.internal", loopback, allowed=["127.0.0.0/8"])
    with pytest.raises(RefusedDestinationError):
        check_addresses("receiver.internal", loopback, allowed=["10.0.0.0/8"])


def test_public_addresses_pass_and_one_private_address_spoils_the_lot() -> None:
    check_addresses("hooks.example", [ipaddress.ip_address("93.184.216.34")], allowed=[])
    with pytest.raises(RefusedDestinationError):
        check_addresses(
            "rebind.example",
            [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.1")],
            allowed=[],
        )


def test_standard_webhooks_signature_matches_the_spec_construction() -> None:
    key = b"0123456789abcdef0123456789abcdef"
    secret = "whsec_" + base64.b64encode(key).decode()
    body = b'{"a":1}'

    signature = standard_webhook_signature(secret=secret, msg_id="msg_1", timestamp=1700, body=body)

    expected = hmac.new(key, b"msg_1.1700." + body, hashlib.sha256).digest()
    assert signature == "v1," + base64.b64encode(expected).decode()


def test_pagerduty_body_dedupes_per_escalation() -> None:
    body = pagerduty_body(page(idempotency_key="k1"), routing_key="rk")
    again = pagerduty_body(page(idempotency_key="k2"), routing_key="rk")

    assert body["routing_key"] == "rk"
    assert body["event_action"] == "trigger"
    assert body["dedup_key"] == again["dedup_key"]
    assert body["payload"]["severity"] == "critical"


def test_match_takes_the_first_policy_whose_criteria_all_hold(tmp_path: Path) -> None:
    config = load_config(write_escalation_config(tmp_path))

    life = match_policy(config, priority=Priority.P0, category="threat_to_life", queue="q")
    other = match_policy(config, priority=Priority.P1, category="harassment", queue="q")
    none = match_policy(config, priority=Priority.P3, category="bug", queue="q")

    assert life is not None
    assert life.name == "life-safety"
    assert other is not None
    assert other.name == "urgent"
    assert none is None


def test_unknown_targets_are_config_errors_naming_file_and_field(tmp_path: Path) -> None:
    directory = write_escalation_config(tmp_path)
    text = (directory / "policies.yaml").read_text().replace("{user: lead}", "{user: nobody}")
    (directory / "policies.yaml").write_text(text)

    with pytest.raises(ConfigError, match=r"policies\.yaml: policies\.life-safety\.levels\.1"):
        load_config(directory)


def test_unknown_schedule_users_are_config_errors(tmp_path: Path) -> None:
    directory = write_escalation_config(tmp_path)
    text = (directory / "schedules.yaml").read_text().replace("[alice, bob]", "[alice, zed]")
    (directory / "schedules.yaml").write_text(text)

    with pytest.raises(ConfigError, match=r"schedules\.yaml: schedules\.primary: unknown user"):
        load_config(directory)


def test_a_bad_field_is_named(tmp_path: Path) -> None:
    directory = write_escalation_config(tmp_path)
    (directory / "schedules.yaml").write_text("schedules:\n  - name: x\n    layers: []\n")
    with pytest.raises(ConfigError, match=r"schedules\.0\.layers"):
        load_config(directory)


def test_missing_files_mean_no_policies(tmp_path: Path) -> None:
    config = load_config(tmp_path)

    assert config.policies.policies == []


def test_restricted_categories_in_policies_yaml_stop_the_start(tmp_path: Path) -> None:
    """The map moved to api_keys.yaml; an old policies.yaml must not start with it ignored."""
    (tmp_path / "policies.yaml").write_text(
        "users: [{name: alice}]\nrestricted_categories:\n  child_safety: [child-safety]\n"
    )

    with pytest.raises(
        ConfigError, match=r"policies\.yaml: .*'restricted_categories' has moved"
    ) as caught:
        load_config(tmp_path)

    assert "api_keys.yaml" in str(caught.value)


def test_a_contact_secret_that_is_unset_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = write_escalation_config(tmp_path)
    monkeypatch.delenv("VIGIL_TEST_WEBHOOK_SECRET", raising=False)

    with pytest.raises(ConfigError, match=r"users\.alice\.contacts\.0: environment variable"):
        load_config(directory)


def test_page_at_is_utc() -> None:
    assert page().at.tzinfo == UTC
    assert isinstance(page().at, datetime)


@pytest.mark.parametrize(
    "config_dir", [DEFAULT_CONFIG_DIR, Path(__file__).resolve().parents[3] / "deploy" / "config"]
)
def test_possible_safety_matches_need_a_person_in_the_shipped_configs(config_dir: Path) -> None:
    config = load_config(config_dir)

    review = match_policy(config, priority=Priority.P1, category="self_harm", queue="safety-review")
    ordinary = match_policy(config, priority=Priority.P1, category="payments", queue="billing")

    assert review is not None
    assert review.name == "safety-review"
    assert review.require_person_ack
    assert ordinary is not None
    assert ordinary.name == "urgent"

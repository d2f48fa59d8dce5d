"""The tests' one polling helper: what counts as an answer, and what a timeout says."""

import itertools

import pytest

from tests.support.polling import wait_until


async def test_a_plain_condition_or_a_coroutine_answers_with_its_value() -> None:
    calls = itertools.count()

    async def third_call() -> dict[str, int] | None:
        count = next(calls)
        return {"calls": count} if count == 2 else None

    assert await wait_until(lambda: True, what="true") is True
    assert await wait_until(third_call, what="three calls", interval_seconds=0) == {"calls": 2}


async def test_none_and_false_are_no_answer_but_zero_and_empty_are() -> None:
    values = iter([None, False, 0])
    assert await wait_until(lambda: next(values), what="zero", interval_seconds=0) == 0
    assert await wait_until(lambda: [], what="empty") == []


async def test_until_decides_on_what_the_probe_saw() -> None:
    seen = iter([1, 2, 3, 4])
    found = await wait_until(
        lambda: next(seen), until=lambda value: value >= 3, what="3", interval_seconds=0
    )
    assert found == 3


async def test_a_timeout_names_the_wait_the_last_value_and_the_diagnosis() -> None:
    async def diagnose() -> str:
        return "the log tail"

    with pytest.raises(AssertionError) as raised:
        await wait_until(
            lambda: {"version": "old"},
            until=lambda rules: rules["version"] == "new",
            what="the new rules",
            timeout_seconds=0.05,
            interval_seconds=0.01,
            diagnose=diagnose,
        )
    message = str(raised.value)
    assert message.startswith("timed out after 0.05s waiting for the new rules")
    assert "last value: {'version': 'old'}" in message
    assert message.endswith("\nthe log tail")


async def test_ignored_errors_are_no_answer_and_others_fail_at_once() -> None:
    answers: list[Exception | str] = [ConnectionError("not yet"), ConnectionError("again"), "up"]
    outcomes = iter(answers)

    def probe() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert (
        await wait_until(probe, what="up", ignoring=(ConnectionError,), interval_seconds=0) == "up"
    )

    def broken() -> None:
        raise ValueError("bad probe")

    with pytest.raises(ValueError, match="bad probe"):
        await wait_until(broken, what="never", ignoring=(ConnectionError,))

    def refused() -> None:
        raise ConnectionError("refused")

    with pytest.raises(AssertionError, match=r"last value: ConnectionError\('refused'\)"):
        await wait_until(refused, what="a server", ignoring=(ConnectionError,), timeout_seconds=0)

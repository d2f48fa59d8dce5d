"""A broker outage writes one connection-error line per window, not thousands."""

import logging

from shared.logging import RepeatedLogFilter


def record(name: str, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, args, None)


def test_a_run_of_identical_broker_errors_is_one_line_then_one_summary_per_window() -> None:
    now = [0.0]
    repeats = RepeatedLogFilter(window_seconds=60, clock=lambda: now[0])
    template = "Unable connect to node with id %s: %s"

    passed = []
    for tick in range(1200):  # 20 a second for a minute
        now[0] = tick * 0.05
        passed.append(repeats.filter(record("aiokafka.conn", template, 1, "refused")))
    assert passed.count(True) == 1

    now[0] = 60.0
    summary = record("aiokafka.conn", template, 1, "refused")
    assert repeats.filter(summary)
    assert getattr(summary, "suppressed_repeats", None) == 1199


def test_a_different_line_or_a_new_outage_is_logged_at_once() -> None:
    now = [0.0]
    repeats = RepeatedLogFilter(window_seconds=60, clock=lambda: now[0])
    assert repeats.filter(record("aiokafka.conn", "Unable connect to node %s", 1))
    assert repeats.filter(record("aiokafka.client", "Unable to update metadata from %s", 1))
    assert not repeats.filter(record("aiokafka.conn", "Unable connect to node %s", 1))

    now[0] = 500.0  # quiet since: the broker came back, and now it is gone again
    assert repeats.filter(record("aiokafka.conn", "Unable connect to node %s", 1))


def test_vigils_own_lines_are_never_held_back() -> None:
    repeats = RepeatedLogFilter(clock=lambda: 0.0)
    assert all(repeats.filter(record("shared.consume", "dead-lettered")) for _ in range(10))

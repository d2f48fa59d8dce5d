"""Group keys across channels, and the surge that raises a group's priority."""

import pytest

from services.triage.domain import GroupSignal
from services.triage.grouping import group_key, normalise_url
from services.triage.rules import parse_rules
from services.triage.shipped import classify
from shared.events import Priority, Report, ReportSubject
from tests.support.rules import default_document, dump


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/post/123",
        "http://www.example.com/post/123/",
        "HTTPS://Example.COM:443/post/123?utm_source=newsletter&utm_medium=email",
        "https://m.example.com/post/123#comments",
        "https://example.com/post/123?fbclid=abc",
    ],
)
def test_spellings_of_one_url_share_a_key(url: str) -> None:
    assert group_key(ReportSubject(url=url)) == "url:https://example.com/post/123"


def test_query_parameters_that_matter_are_kept_and_sorted() -> None:
    assert normalise_url("https://example.com/watch?v=AbC&t=10") == (
        "https://example.com/watch?t=10&v=AbC"
    )
    assert normalise_url("https://example.com/watch?v=AbC") != normalise_url(
        "https://example.com/watch?v=abc"
    )


def test_non_default_port_is_kept_and_garbage_is_no_key() -> None:
    assert normalise_url("http://example.com:8080/a") == "https://example.com:8080/a"
    assert normalise_url("not a url") is None
    assert group_key(ReportSubject(url="::::")) is None


@pytest.mark.parametrize("kind", ["user", "account", "profile", "Member"])
def test_account_like_subject_types_share_a_key(kind: str) -> None:
    assert group_key(ReportSubject(type=kind, id=" u-42 ")) == "account:u-42"


@pytest.mark.parametrize("kind", ["post", "comment", "video", "content"])
def test_content_like_subject_types_share_a_key(kind: str) -> None:
    assert group_key(ReportSubject(type=kind, id="c-9")) == "content:c-9"


def test_ids_keep_their_case_and_no_subject_is_no_key() -> None:
    assert group_key(ReportSubject(type="video", id="dQw4w9WgXcQ")) == "content:dQw4w9WgXcQ"
    assert group_key(ReportSubject()) is None


def test_an_id_wins_over_a_url() -> None:
    subject = ReportSubject(type="post", id="p1", url="https://example.com/p/1")
    assert group_key(subject) == "content:p1"


def test_below_the_threshold_nothing_changes() -> None:
    decision = classify(Report(title="spam account"), group=GroupSignal(key="account:1", count=4))

    assert decision.priority is Priority.P3
    assert decision.group_key == "account:1"
    assert "grouping.surge" not in [reason.rule for reason in decision.reasons]


def test_a_surge_raises_priority_and_says_so() -> None:
    decision = classify(Report(title="spam account"), group=GroupSignal(key="account:1", count=5))

    assert decision.category == "other"
    assert decision.priority is Priority.P2
    surge = next(reason for reason in decision.reasons if reason.rule == "grouping.surge")
    assert "5 reports" in surge.detail
    assert "P3 -> P2" in surge.detail
    assert surge.evidence == ["account:1"]
    assert "surge" in decision.tags


def test_the_surge_priority_is_configurable() -> None:
    document = default_document()
    document["grouping"] = {"surge_threshold": 3, "surge_window": "10m", "surge_priority": "P1"}
    ruleset = parse_rules(dump(document), source="test")

    decision = classify(
        Report(title="this account is a scam"),
        ruleset=ruleset,
        group=GroupSignal(key="account:1", count=3),
    )

    assert decision.priority is Priority.P1
    assert "within 10m (threshold 3): priority P2 -> P1" in decision.reasons[-1].detail


def test_a_surge_never_lowers_a_p0() -> None:
    decision = classify(Report(title="bomb threat"), group=GroupSignal(key="account:1", count=50))

    assert decision.priority is Priority.P0
    assert decision.category == "threat_to_life"

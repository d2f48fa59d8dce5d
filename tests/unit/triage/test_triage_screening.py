"""Triage scores only what a person wrote, as far as the channel's safety screening says,
and takes a machine alert's priority from its own severity (rules.yaml ``alerts``)."""

from typing import Any

import pytest

from services.triage.domain import prose_text
from services.triage.rules import RulesError, builtin_rules, parse_rules
from services.triage.shipped import classify
from shared.events import Priority, ProseSpan, Report, SafetyScreening, Screening
from tests.support.helpers import VIEWER_KEY, bearer
from tests.support.rules import default_document, dump, with_rules
from tests.unit.triage.conftest import Triage

SAFETY_QUEUES = {"safety-emergency", "safety-wellbeing", "safety-child", "safety-review"}
SAFETY_CATEGORIES = {"threat_to_life", "self_harm", "child_safety"}
VIEWER = bearer(VIEWER_KEY)


def alert(
    summary: str | None,
    description: str,
    *,
    labels: dict[str, str] | None = None,
    severity: str | None = "critical",
    safety: SafetyScreening = "definite_only",
) -> Report:
    """A report shaped as intake's alertmanager adapter builds it: the summary (else the
    alertname) as title, the description then the labels as body, the prose marked."""
    labels = {"alertname": "Alert", "instance": "db-7:9100", **(labels or {})}
    if severity is not None:
        labels["severity"] = severity
    lines = "\n".join(f"{key}={value}" for key, value in sorted(labels.items()))
    body = f"{description}\n\nLabels:\n{lines}" if description else f"Labels:\n{lines}"
    prose = [ProseSpan(field="title")] if summary else []
    if description:
        prose.append(ProseSpan(field="body", end=len(description)))
    return Report(
        title=summary or labels["alertname"],
        body=body,
        reporter={"type": "alertmanager"},
        screening=Screening(safety=safety, prose=tuple(prose), alert=True, alert_severity=severity),
    )


# Real-shaped alerts whose templated words the classifier and review lexicons read as harm.
OPS_ALERTS = [
    ("DiskFull", "Disk almost full on db-7", "Only 2% left on /var", "critical", Priority.P1),
    (
        "KubePodKilled",
        "Pod checkout-7d9f killed with SIGKILL",
        "Container api in pod checkout-7d9f was killed by signal 9 (SIGKILL).",
        "warning",
        Priority.P3,
    ),
    (
        "KubeContainerOOMKilled",
        "Container api OOMKilled",
        "Container api in pod checkout-5b6c was OOMKilled: memory limit 512Mi exceeded.",
        "warning",
        Priority.P3,
    ),
    (
        "NodeDown",
        "node is dead",
        "Node worker-3 stopped reporting 5 minutes ago; the node is dead.",
        "critical",
        Priority.P1,
    ),
    (
        "KubeJobOrphanedChildPods",
        "Orphaned child pods in namespace batch",
        "Job nightly-report left 3 orphaned child pods after its parent was deleted; "
        "kill the child pods.",
        "info",
        Priority.P4,
    ),
]


@pytest.mark.parametrize(("name", "summary", "description", "severity", "priority"), OPS_ALERTS)
def test_ops_alerts_never_reach_safety_and_take_their_severitys_priority(
    name: str, summary: str, description: str, severity: str, priority: Priority
) -> None:
    decision = classify(alert(summary, description, labels={"alertname": name}, severity=severity))
    assert decision.category not in SAFETY_CATEGORIES
    assert decision.queue not in SAFETY_QUEUES
    assert not decision.safety
    assert decision.detections == ()
    assert decision.priority is priority
    rules = [reason.rule for reason in decision.reasons]
    assert "alerts.severity" in rules
    assert "safety.screening" in rules


def test_the_same_alert_text_without_screening_is_scored_as_before() -> None:
    # An older event carries no screening: every word is read, as it always was, so a
    # review-tier phrase in an alert's text reaches the safety-review queue; marked by intake
    # as an alert, only definite phrases are read.
    old = Report(title="I am outside your house", body="Only 2% left on /var")
    assert classify(old).queue == "safety-review"
    assert classify(alert("I am outside your house", "Only 2% left on /var")).queue not in (
        SAFETY_QUEUES
    )


def test_definite_only_still_catches_an_explicit_threat_a_person_wrote() -> None:
    report = alert("Moderation: user wrote 'I will kill you tomorrow'", "Flagged message")
    decision = classify(report)
    assert (decision.category, decision.priority, decision.queue) == (
        "threat_to_life",
        Priority.P0,
        "safety-emergency",
    )
    assert decision.reasons[0].evidence == ["i will kill"]


def test_definite_only_reads_no_label_and_drops_review_tier_and_classifier() -> None:
    in_a_label = alert("Disk almost full", "", labels={"message": "I will kill you"})
    assert classify(in_a_label).detections == ()
    review_tier = alert("I am outside your house", "")  # a review-tier phrase
    assert classify(review_tier).detections == ()
    full = alert("I am outside your house", "", safety="full")
    assert [d.tier for d in classify(full).detections] == ["review"]


def test_full_screening_reads_the_prose_only() -> None:
    report = alert("Disk almost full", "", labels={"message": "I will kill you"}, safety="full")
    assert classify(report).detections == ()
    everything = report.model_copy(update={"screening": None})
    assert classify(everything).priority is Priority.P0  # the label text, read as before


def test_screening_off_reads_nothing_and_says_so() -> None:
    decision = classify(alert("I will kill you tomorrow", "", safety="off"))
    assert decision.detections == ()
    assert decision.priority is Priority.P1  # its severity, critical
    [screened] = [reason for reason in decision.reasons if reason.rule == "safety.screening"]
    assert "off" in screened.detail


def test_a_user_report_with_whole_prose_is_decided_as_without_screening() -> None:
    whole = (ProseSpan(field="title"), ProseSpan(field="body"))
    for title, body in [
        ("He says he will kill me tonight", "Please help"),
        ("I was charged twice", "Refund please"),
        ("Disk almost full on db-7", "Only 2% left on /var"),
    ]:
        marked = Report(title=title, body=body, screening=Screening(prose=whole))
        assert prose_text(marked) is None  # no second normalisation
        before, after = classify(Report(title=title, body=body)), classify(marked)
        assert (after.category, after.priority, after.queue, after.reasons) == (
            before.category,
            before.priority,
            before.queue,
            before.reasons,
        )


def test_prose_text_joins_the_marked_spans() -> None:
    report = alert("Disk almost full", "Only 2% left", labels={"job": "node"})
    assert prose_text(report) == "Disk almost full\nOnly 2% left"
    assert prose_text(alert(None, "")) == ""
    assert prose_text(Report(title="t")) is None


def test_definite_only_on_a_user_report_channel_drops_the_classifier() -> None:
    screening = Screening(
        safety="definite_only", prose=(ProseSpan(field="title"), ProseSpan(field="body"))
    )
    report = Report(title="I am outside your house", body="Only 2% left on /var")
    assert classify(report).detections  # the review tier, under full
    decision = classify(report.model_copy(update={"screening": screening}))
    assert decision.detections == ()
    assert decision.priority is Priority.P3  # not an alert: the rules' default


# --- the severity mapping ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "priority", "decided_severity"),
    [
        ("critical", Priority.P1, "critical"),
        ("CRITICAL", Priority.P1, "critical"),
        ("error", Priority.P2, "high"),
        ("warning", Priority.P3, "medium"),
        ("info", Priority.P4, "info"),
        ("page-me-maybe", Priority.P3, "medium"),
        (None, Priority.P3, "medium"),
    ],
)
def test_shipped_mapping_of_alert_severity(
    severity: str | None, priority: Priority, decided_severity: str
) -> None:
    decision = classify(alert("Checkout latency high", "p99 above 2s", severity=severity))
    assert (decision.priority, decision.severity) == (priority, decided_severity)
    [reason] = [reason for reason in decision.reasons if reason.rule == "alerts.severity"]
    assert reason.evidence == ([severity] if severity else [])
    listed = severity is not None and severity.lower() in {"critical", "error", "warning", "info"}
    assert ("alerts.by_severity" if listed else "alerts.default") in reason.detail


def test_a_keyword_rule_does_not_set_an_alerts_priority_but_raise_priority_does() -> None:
    # "hacked" is an account-compromise keyword at P1; in an info alert it sets the
    # category and queue, not the priority.
    hacked = alert("Canary account hacked-check failed", "probe hacked-check", severity="info")
    decision = classify(hacked)
    assert decision.category == "account_compromise"
    assert decision.priority is Priority.P4
    raised = with_rules(
        [
            {
                "name": "ops.db_alerts",
                "when": {"reporter_type": ["alertmanager"]},
                "then": {"raise_priority": 2},
            }
        ]
    )
    assert classify(hacked, ruleset=raised).priority is Priority.P2


def test_the_mapping_is_configurable_in_rules_yaml() -> None:
    document = default_document()
    document["alerts"] = {
        "by_severity": {"Page": {"priority": "P0", "severity": "critical"}},
        "default": {"priority": "P4", "severity": "low"},
    }
    ruleset = parse_rules(dump(document), source="test")
    assert classify(alert("x", "y", severity="page"), ruleset=ruleset).priority is Priority.P0
    decision = classify(alert("x", "y", severity="critical"), ruleset=ruleset)
    assert (decision.priority, decision.severity) == (Priority.P4, "low")


def test_a_rules_file_without_alerts_gets_the_shipped_mapping() -> None:
    document = default_document()
    del document["alerts"]
    ruleset = parse_rules(dump(document), source="test")
    assert ruleset.spec.alerts == builtin_rules().spec.alerts
    assert ruleset.spec.alerts.level_of("warning")[0].priority is Priority.P3


@pytest.mark.parametrize(
    ("alerts", "field", "message"),
    [
        (
            {
                "by_severity": {
                    "critical": {"priority": "P1", "severity": "critical"},
                    "Critical": {"priority": "P0", "severity": "critical"},
                }
            },
            "alerts.by_severity",
            "listed twice",
        ),
        ({"by_severity": {"critical": {"priority": "P9", "severity": "critical"}}}, "priority", ""),
        ({"default": {"priority": "P1", "severity": "urgent"}}, "alerts.default.severity", ""),
        ({"by_severity": {"critical": {"priority": "P1"}}}, "severity", "Field required"),
        ({"severities": {}}, "alerts.severities", "Extra inputs"),
    ],
)
def test_a_bad_alerts_section_names_the_field(
    alerts: dict[str, Any], field: str, message: str
) -> None:
    document = default_document()
    document["alerts"] = alerts
    with pytest.raises(RulesError) as caught:
        parse_rules(dump(document), source="test")
    problems = caught.value.problems
    assert any(field in problem.field and message in problem.message for problem in problems), (
        problems
    )


# --- through the API --------------------------------------------------------------------


async def test_dry_run_honours_a_reports_screening(triage: Triage) -> None:
    report: dict[str, Any] = alert("I am outside your house", "Only 2% left on /var").model_dump(
        mode="json"
    )
    screened = await triage.client.post(
        "/v1/triage/dry-run", json={"report": report}, headers=VIEWER
    )
    assert screened.status_code == 200, screened.text
    assert (screened.json()["queue"], screened.json()["priority"]) == ("support-general", "P1")
    report["screening"] = None
    unscreened = await triage.client.post(
        "/v1/triage/dry-run", json={"report": report}, headers=VIEWER
    )
    assert unscreened.json()["queue"] == "safety-review"

"""rules.yaml: validation with clear errors, conditions, evaluation order and conflicts."""

from typing import Any

import pytest

from services.triage.rules import RulesError, builtin_rules, load_rules_file, parse_rules
from services.triage.shipped import classify
from shared.events import Priority, Report, Reporter, ReportSubject
from tests.support.rules import default_document, dump, with_rules


def _errors(document: dict[str, Any] | str) -> RulesError:
    text = document if isinstance(document, str) else dump(document)
    with pytest.raises(RulesError) as caught:
        parse_rules(text, source="rules.yaml")
    return caught.value


def test_the_shipped_rules_and_the_deploy_example_are_valid() -> None:
    from pathlib import Path

    ruleset = builtin_rules()
    deploy = load_rules_file(Path(__file__).parents[3] / "deploy" / "config" / "rules.yaml")
    assert ruleset.version.startswith("2026.11.25+")
    assert deploy.categories == ruleset.categories
    assert {"threat_to_life", "self_harm", "child_safety", "harassment", "hate"} <= set(
        ruleset.categories
    )


def test_an_unknown_field_names_the_rule_and_the_field() -> None:
    document = default_document()
    document["rules"][1]["then"]["prority"] = "P1"

    error = _errors(document)

    name = document["rules"][1]["name"]
    assert str(error).startswith("rules.yaml: ")
    assert f"rule '{name}': then.prority" in str(error)
    assert error.problems[0].rule == name
    assert error.problems[0].field == "then.prority"


def test_a_bad_priority_and_a_bad_regex_are_reported_together() -> None:
    document = default_document()
    document["rules"][0]["then"]["priority"] = "P9"
    document["rules"][2]["when"]["regex"] = ["(unclosed"]

    error = _errors(document)

    fields = {(problem.rule, problem.field) for problem in error.problems}
    assert (document["rules"][0]["name"], "then.priority") in fields
    assert (document["rules"][2]["name"], "when.regex") in fields


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["rules"].append(dict(d["rules"][0])), "another rule has this name"),
        (
            lambda d: d["rules"][0]["then"].__setitem__("category", "nonsense"),
            "'nonsense' not in categories",
        ),
        (
            lambda d: d["rules"][0]["then"].__setitem__("sla_policy", "nope"),
            "no SLA policy 'nope'",
        ),
        (lambda d: d["sla"]["by_priority"].pop("P4"), "no policy for P4"),
        (
            lambda d: d.__setitem__(
                "categories", [c for c in d["categories"] if c["name"] != "child_safety"]
            ),
            "the safety category 'child_safety' is required",
        ),
        (
            lambda d: d["sla"]["calendars"]["support-hours"].__setitem__("timezone", "Mars/Base"),
            "unknown time zone",
        ),
        (
            lambda d: d["sla"]["policies"]["p1-urgent"].__setitem__("resolution", "soon"),
            "not a duration",
        ),
        (lambda d: d["rules"][0].__setitem__("when", {}), "at least one condition"),
    ],
)
def test_semantic_errors_are_clear(mutate: Any, expected: str) -> None:
    document = default_document()
    mutate(document)

    assert expected in str(_errors(document))


def test_not_yaml_and_not_a_mapping() -> None:
    assert "not valid YAML" in str(_errors("rules: [unclosed"))
    assert "expected a mapping" in str(_errors("- just a list"))


def test_a_missing_file_is_a_clear_error(tmp_path: Any) -> None:
    with pytest.raises(RulesError, match="file not found"):
        load_rules_file(tmp_path / "rules.yaml")


def test_version_changes_with_the_content() -> None:
    document = default_document()
    first = parse_rules(dump(document), source="a")
    document["rules"][0]["when"]["keywords"].append("owned")
    second = parse_rules(dump(document), source="b")

    assert first.version != second.version
    assert first.version.split("+")[0] == second.version.split("+")[0] == "2026.11.25"


# --- conditions -------------------------------------------------------------------------


def test_every_condition_must_hold() -> None:
    ruleset = with_rules(
        [
            {
                "name": "eu.legal",
                "when": {
                    "channel": ["legal-form"],
                    "region": ["EU", "UK"],
                    "language": ["de"],
                    "subject_type": ["post"],
                    "metadata": {"notice.kind": ["illegal"]},
                    "regex": [r"\bNetzDG\b"],
                },
                "then": {"category": "illegal_content", "priority": "P2", "queue": "legal"},
            }
        ]
    )
    report = Report(
        title="NetzDG complaint",
        region="eu",
        language="DE",
        subject=ReportSubject(type="post", id="1"),
        metadata={"notice": {"kind": "illegal"}},
    )

    assert classify(report, ruleset=ruleset, channel="legal-form").category == "illegal_content"
    assert classify(report, ruleset=ruleset, channel="web").category == "other"
    other_region = report.model_copy(update={"region": "US"})
    assert classify(other_region, ruleset=ruleset, channel="legal-form").category == "other"
    no_metadata = report.model_copy(update={"metadata": {}})
    assert classify(no_metadata, ruleset=ruleset, channel="legal-form").category == "other"


def test_keywords_use_the_obfuscation_aware_phrase_language() -> None:
    ruleset = with_rules(
        [
            {
                "name": "scam",
                "when": {"keywords": ["scam*"]},
                "then": {"category": "scams_fraud", "priority": "P2"},
            }
        ]
    )

    decision = classify(Report(title="total s c 4 m"), ruleset=ruleset)

    assert decision.category == "scams_fraud"
    assert decision.reasons[0].evidence == ["s c 4 m"]


def test_metadata_wildcard_means_present() -> None:
    ruleset = with_rules(
        [
            {
                "name": "has.case",
                "when": {"metadata": {"case_id": ["*"]}},
                "then": {"tags": ["has-case"]},
            }
        ]
    )

    assert classify(Report(title="x", metadata={"case_id": 7}), ruleset=ruleset).tags == (
        "has-case",
    )
    assert classify(Report(title="x"), ruleset=ruleset).tags == ()


# --- order and conflicts ----------------------------------------------------------------


def test_the_most_urgent_rule_sets_each_field_and_ties_go_to_file_order() -> None:
    ruleset = with_rules(
        [
            {
                "name": "a.first",
                "when": {"keywords": ["refund"]},
                "then": {"category": "payments_billing", "priority": "P3", "queue": "billing-a"},
            },
            {
                "name": "b.second",
                "when": {"keywords": ["refund"]},
                "then": {"category": "scams_fraud", "priority": "P3", "queue": "billing-b"},
            },
            {
                "name": "c.urgent_queue_only",
                "when": {"keywords": ["chargeback"]},
                "then": {"priority": "P1", "queue": "risk"},
            },
        ]
    )

    tie = classify(Report(title="refund please"), ruleset=ruleset)
    assert (tie.category, tie.queue) == ("payments_billing", "billing-a")
    assert [reason.rule for reason in tie.reasons] == ["a.first", "b.second"]

    both = classify(Report(title="refund or chargeback"), ruleset=ruleset)
    assert both.priority is Priority.P1
    assert both.queue == "risk"
    assert both.category == "payments_billing"


def test_trusted_flaggers_raise_priority_by_one_level() -> None:
    report = Report(title="this is a scam", reporter=Reporter(type="trusted_flagger"))

    decision = classify(report)

    assert decision.category == "scams_fraud"
    assert decision.priority is Priority.P1
    assert "trusted-reporter" in decision.tags
    assert "reporter.trusted_flagger" in [reason.rule for reason in decision.reasons]
    assert classify(report.model_copy(update={"reporter": Reporter()})).priority is Priority.P2


def test_no_ordinary_rule_can_lower_a_safety_detection() -> None:
    ruleset = with_rules(
        [
            {
                "name": "sneaky.downgrade",
                "when": {"keywords": ["kill"]},
                "then": {
                    "category": "other",
                    "severity": "info",
                    "priority": "P4",
                    "queue": "nobody",
                },
            }
        ]
    )

    decision = classify(Report(title="I will kill you"), ruleset=ruleset)

    assert decision.category == "threat_to_life"
    assert decision.priority is Priority.P0
    assert decision.severity == "critical"
    assert decision.queue == "safety-emergency"
    assert [reason.rule for reason in decision.reasons] == [
        "safety.threat_to_life",
        "sneaky.downgrade",
    ]


def test_a_rule_may_route_into_a_safety_category_which_is_then_p0() -> None:
    ruleset = with_rules(
        [
            {
                "name": "hotline",
                "when": {"channel": ["child-hotline"]},
                "then": {"category": "child_safety", "priority": "P3"},
            }
        ]
    )

    decision = classify(Report(title="tip"), ruleset=ruleset, channel="child-hotline")

    assert (decision.category, decision.priority, decision.queue) == (
        "child_safety",
        Priority.P0,
        "safety-child",
    )


def test_defaults_come_from_the_file() -> None:
    document = default_document()
    document["rules"] = []
    document["defaults"] = {
        "category": "other",
        "severity": "info",
        "priority": "P4",
        "queue": "inbox",
    }
    ruleset = parse_rules(dump(document), source="test")

    decision = classify(Report(title="hello"), ruleset=ruleset)

    assert (decision.priority, decision.queue, decision.severity) == (Priority.P4, "inbox", "info")
    assert decision.rules_version == ruleset.version

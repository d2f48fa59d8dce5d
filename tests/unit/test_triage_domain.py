"""Triage's pure classifier: which rule wins, and the reasons it gives."""

import pytest

from services.triage.domain import Decision
from services.triage.rules import SAFETY_CATEGORIES, builtin_rules
from services.triage.shipped import classify
from shared.events import Priority, Report


def _classify(title: str, body: str = "") -> Decision:
    return classify(Report(title=title, body=body))


def _rules_fired(decision: Decision) -> list[str]:
    return [reason.rule for reason in decision.reasons]


SAFETY_QUEUES = {
    "threat_to_life": "safety-emergency",
    "self_harm": "safety-wellbeing",
    "child_safety": "safety-child",
}


@pytest.mark.parametrize(
    ("text", "category", "evidence"),
    [
        ("User says he is going to kill his classmates", "threat_to_life", "going to kill"),
        ("DM: I will shoot you tomorrow", "threat_to_life", "i will shoot"),
        ("Bomb threat posted in the forum", "threat_to_life", "bomb threat"),
        ("Comment says kill them all", "threat_to_life", "kill them"),
        ("My friend posted that she feels suicidal", "self_harm", "suicidal"),
        ("They wrote: I want to die", "self_harm", "want to die"),
        ("Video promoting self-harm", "self_harm", "self-harm"),
        ("I keep cutting myself", "self_harm", "cutting myself"),
        ("Post about ending my life", "self_harm", "ending my life"),
        ("Reporting CSAM in a group", "child_safety", "csam"),
        ("Adult grooming a minor in chat", "child_safety", "grooming a minor"),
        ("Account shares child sexual abuse material", "child_safety", "child sexual abuse"),
    ],
)
def test_safety_phrases_are_p0_with_their_category_and_queue(
    text: str, category: str, evidence: str
) -> None:
    decision = _classify("Report", text)

    assert decision.priority is Priority.P0
    assert decision.severity == "critical"
    assert decision.category == category
    assert decision.queue == SAFETY_QUEUES[category]
    winning = next(r for r in decision.reasons if r.rule == f"safety.{category}")
    assert evidence in winning.evidence


@pytest.mark.parametrize(
    "title",
    [
        "I'm going to kill myself tonight",
        "I want to kill myself",
        "I'll hurt myself if this continues",
    ],
)
def test_first_person_suicidal_statements_are_self_harm(title: str) -> None:
    decision = _classify(title)

    assert decision.priority is Priority.P0
    assert decision.category == "self_harm"
    assert decision.queue == "safety-wellbeing"


@pytest.mark.parametrize(
    "title",
    [
        "I want to improve my skill at chess",
        "He is a skilled player, please check his profile",
        "Skills page won't load",
        "The bugle sound in the app is too loud",
        "Debugging tips needed",
        "Killjoy mode is great",
    ],
)
def test_rules_match_whole_words_only(title: str) -> None:
    decision = _classify(title)

    fired = _rules_fired(decision)
    assert "support.bug" not in fired
    assert not any(rule.startswith("safety.") for rule in fired)
    assert decision.priority is not Priority.P0


def test_bug_rule_fires_on_the_whole_word() -> None:
    decision = _classify("Found a bug on the checkout page")

    assert decision.category == "bug"
    assert decision.priority is Priority.P3
    assert decision.queue == "support-engineering"
    assert decision.reasons[0].evidence == ["bug"]


def test_safety_rule_outranks_an_ordinary_rule_and_both_are_reasons() -> None:
    decision = _classify(
        "Scammer threatened me",
        "After I refused to pay, the scammer sent me a death threat.",
    )

    assert decision.category == "threat_to_life"
    assert decision.priority is Priority.P0
    assert decision.queue == "safety-emergency"
    evidence = {reason.rule: reason.evidence for reason in decision.reasons}
    assert evidence == {
        "safety.threat_to_life": ["death threat"],
        "tns.scams_fraud": ["scammer"],
    }
    detail = {reason.rule: reason.detail for reason in decision.reasons}
    assert "P0" in detail["safety.threat_to_life"]
    assert "P2" in detail["tns.scams_fraud"]


def test_safety_rule_wins_even_when_listed_after_many_ordinary_matches() -> None:
    decision = _classify(
        "hacked account, scam, harassment, refund, crash, please add dark mode",
        "and they said: I want to die",
    )

    assert decision.category == "self_harm"
    assert decision.priority is Priority.P0
    fired = _rules_fired(decision)
    assert "safety.self_harm" in fired
    assert {
        "tns.account_compromise",
        "tns.scams_fraud",
        "tns.harassment",
        "support.payments_billing",
        "support.bug",
        "support.feature_request",
    } <= set(fired)


def test_most_urgent_ordinary_rule_wins() -> None:
    decision = _classify("My account was hacked and now I see a refund I never asked for")

    assert decision.category == "account_compromise"
    assert decision.priority is Priority.P1
    assert decision.queue == "account-security"
    assert set(_rules_fired(decision)) == {"tns.account_compromise", "support.payments_billing"}


def test_text_matching_nothing_gets_the_default_decision() -> None:
    decision = _classify("Hello", "Just wanted to say thanks for the great service.")

    assert decision.category == "other"
    assert decision.priority is Priority.P3
    assert decision.severity == "low"
    assert decision.queue == "support-general"
    assert len(decision.reasons) == 1
    assert decision.reasons[0].rule == "default"
    assert decision.reasons[0].evidence == []
    assert decision.rules_version == builtin_rules().version


@pytest.mark.parametrize(
    "title",
    [
        "Feature request: dark mode",
        "Please add an export button",
        "It would be nice to export to CSV",
    ],
)
def test_feature_request_is_p4(title: str) -> None:
    decision = _classify(title)

    assert decision.category == "feature_request"
    assert decision.priority is Priority.P4
    assert decision.queue == "product"


@pytest.mark.parametrize(
    "title", ["BOMB THREAT AT THE MALL", "Bomb Threat at the mall", "bomb threat at the mall"]
)
def test_matching_is_case_insensitive_and_evidence_is_lowercased(title: str) -> None:
    decision = _classify(title)

    assert decision.category == "threat_to_life"
    assert decision.reasons[0].evidence == ["bomb threat"]


def test_evidence_is_deduplicated_and_sorted() -> None:
    decision = _classify("Scam!", "This is a SCAM, a scam, and phishing.")

    assert decision.reasons[0].rule == "tns.scams_fraud"
    assert decision.reasons[0].evidence == ["phishing", "scam"]


def test_title_and_body_are_both_searched() -> None:
    from_title = _classify("payment failed", "")
    from_body = _classify("question", "my payment failed")

    assert from_title.category == from_body.category == "payments_billing"


def test_rules_version_is_recorded_on_every_decision() -> None:
    version = builtin_rules().version
    for title in ("bomb threat", "refund please", "hello"):
        assert _classify(title).rules_version == version
    assert version


def test_rule_names_are_unique_and_safety_categories_are_p0() -> None:
    names = [rule.rule.name for rule in builtin_rules().rules]
    assert len(names) == len(set(names))
    assert set(SAFETY_CATEGORIES) <= builtin_rules().categories

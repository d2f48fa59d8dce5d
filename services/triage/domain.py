"""Triage's pure logic: classify a report and explain why.

Every rule that fires becomes a reason with the words it matched; the decision takes the
most urgent one. Safety rules (threat to life, self-harm, child safety) always rank above
ordinary rules, so no ordinary rule can lower their priority.
"""

import re
from dataclasses import dataclass

from shared.events import Priority, Reason, Report

RULES_VERSION = "builtin-2026.11.1"


@dataclass(frozen=True)
class KeywordRule:
    name: str
    category: str
    severity: str
    priority: Priority
    queue: str
    patterns: tuple[str, ...]
    safety: bool = False

    def compiled(self) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + "|".join(self.patterns) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    category: str
    severity: str
    priority: Priority
    queue: str
    reasons: list[Reason]
    rules_version: str = RULES_VERSION


RULES: tuple[KeywordRule, ...] = (
    KeywordRule(
        name="safety.threat_to_life",
        category="threat_to_life",
        severity="critical",
        priority=Priority.P0,
        queue="safety-emergency",
        safety=True,
        patterns=(
            # "... kill myself" is self-harm, not a threat to others.
            r"(?:going|gonna|want|plan(?:ning)?) to (?:kill|shoot|stab|murder)(?! myself)",
            r"i(?:'ll| will) (?:kill|shoot|stab|murder|hurt)(?! myself)",
            r"kill (?:you|him|her|them|everyone)",
            r"shoot up",
            r"bomb threat",
            r"death threat",
            r"voy a matarte",
            r"vou te matar",
        ),
    ),
    KeywordRule(
        name="safety.self_harm",
        category="self_harm",
        severity="critical",
        priority=Priority.P0,
        queue="safety-wellbeing",
        safety=True,
        patterns=(
            r"suicid(?:e|al)",
            r"kill(?:ing)? myself",
            r"end(?:ing)? my (?:own )?life",
            r"self[- ]?harm(?:ing)?",
            r"(?:cut|cutting|hurt|hurting) myself",
            r"want to die",
            r"suicidio",
            r"bunuh diri",
        ),
    ),
    KeywordRule(
        name="safety.child_safety",
        category="child_safety",
        severity="critical",
        priority=Priority.P0,
        queue="safety-child",
        safety=True,
        patterns=(
            r"csam",
            r"child (?:sexual )?(?:abuse|exploitation)",
            r"child porn(?:ography)?",
            r"groom(?:ing|ed) (?:a |an )?(?:child|kid|minor|teen)",
            r"sexual (?:images|photos|content) of (?:a |an )?(?:child|kid|minor)",
        ),
    ),
    KeywordRule(
        name="tns.account_compromise",
        category="account_compromise",
        severity="high",
        priority=Priority.P1,
        queue="account-security",
        patterns=(r"hacked", r"account (?:was |has been |is )?compromised", r"taken over"),
    ),
    KeywordRule(
        name="tns.scams_fraud",
        category="scams_fraud",
        severity="medium",
        priority=Priority.P2,
        queue="trust-safety",
        patterns=(r"scam(?:s|mer|med)?", r"fraud(?:ulent)?", r"phishing"),
    ),
    KeywordRule(
        name="tns.harassment",
        category="harassment",
        severity="medium",
        priority=Priority.P2,
        queue="trust-safety",
        patterns=(r"harass(?:ed|ing|ment)?", r"bull(?:y|ied|ying)", r"stalk(?:ed|ing)"),
    ),
    KeywordRule(
        name="tns.hate",
        category="hate",
        severity="medium",
        priority=Priority.P2,
        queue="trust-safety",
        patterns=(r"hate speech", r"racial slurs?", r"slurs?"),
    ),
    KeywordRule(
        name="support.account_access",
        category="account_access",
        severity="low",
        priority=Priority.P3,
        queue="support-accounts",
        patterns=(r"can(?:'|no)?t log ?in", r"locked out", r"password reset", r"2fa"),
    ),
    KeywordRule(
        name="support.payments_billing",
        category="payments_billing",
        severity="low",
        priority=Priority.P3,
        queue="support-billing",
        patterns=(r"refund", r"charged", r"invoice", r"billing", r"payment"),
    ),
    KeywordRule(
        name="support.bug",
        category="bug",
        severity="low",
        priority=Priority.P3,
        queue="support-engineering",
        patterns=(r"bugs?", r"crash(?:es|ed|ing)?", r"errors?", r"broken"),
    ),
    KeywordRule(
        name="support.feature_request",
        category="feature_request",
        severity="low",
        priority=Priority.P4,
        queue="product",
        patterns=(r"feature request", r"please add", r"would be nice"),
    ),
)

_COMPILED = tuple((rule, rule.compiled()) for rule in RULES)


def _default_decision() -> Decision:
    return Decision(
        category="other",
        severity="low",
        priority=Priority.P3,
        queue="support-general",
        reasons=[Reason(rule="default", detail="no rule matched", evidence=[])],
    )


def classify(report: Report) -> Decision:
    text = f"{report.title}\n{report.body}"
    fired: list[tuple[KeywordRule, list[str]]] = []
    for rule, pattern in _COMPILED:
        matches = sorted({match.group(0).lower() for match in pattern.finditer(text)})
        if matches:
            fired.append((rule, matches))
    if not fired:
        return _default_decision()
    winner, _ = min(fired, key=lambda item: (not item[0].safety, item[0].priority))
    reasons = [
        Reason(
            rule=rule.name,
            detail=f"matched {rule.category} keywords ({rule.priority.value})",
            evidence=evidence,
        )
        for rule, evidence in fired
    ]
    return Decision(
        category=winner.category,
        severity=winner.severity,
        priority=winner.priority,
        queue=winner.queue,
        reasons=reasons,
    )

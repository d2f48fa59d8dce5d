"""Triage's pure logic: decide what a report is, how urgent, who owns it, by when, and why.

Order of evaluation, each step explained by a reason:

1. Ordinary rules of ``rules.yaml`` (all that match fire). Each field (category, severity,
   queue, SLA policy) comes from the most urgent matching rule that sets it (priority, then
   file order); priority is the most urgent any matching rule sets; ``raise_priority``
   then raises it (the largest raise wins, never past P0); tags are the union. A machine
   alert (``Report.screening.alert``) takes its priority and severity from its own
   severity through ``rules.yaml``'s ``alerts`` mapping instead of the rules' priorities;
   ``raise_priority`` still applies.
2. A surge of reports about the same subject raises the priority to the surge priority.
3. Safety detectors (threat to life, self-harm, child safety) come last and force P0, the
   critical severity and their own queue: no ordinary rule can lower them. A report with
   only review-tier (possible) safety matches takes that category, at least P1 (P2 when only
   the classifier flagged it, below its paging threshold) and high severity, on the
   ``safety-review`` queue, with a reason saying it is a possible match. They read only
   what a person wrote (``Report.screening.prose``), as far as the channel's
   ``safety_screening`` says: ``full`` (lexicons and classifier), ``definite_only`` (the
   lexicons' definite phrases alone) or ``off``. Ordinary rules still see all the text.
4. SLA: the priority's policy, the winning rule's policy and the category's statutory clock
   all apply; the earliest deadline of each kind wins.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.triage.classifier import SafetyModel
from services.triage.deadlines import Sla, compute_sla
from services.triage.detectors import Detection, detect
from services.triage.phrases import NormalisedText, normalise
from services.triage.rules import SAFETY_CATEGORIES, CompiledRule, RuleSet
from services.triage.rules_schema import SEVERITY_RANK
from shared.events import Priority, Reason, Report, Screening

_PRIORITIES = list(Priority)
_LEAST_URGENT = len(_PRIORITIES)
# Where review-tier (possible) safety matches go, and how urgently.
SAFETY_REVIEW_QUEUE = "safety-review"
SAFETY_REVIEW_PRIORITY = Priority.P1
# Only the classifier flagged it, below its paging threshold: on the queue, nobody paged.
SAFETY_LOW_CONFIDENCE_PRIORITY = Priority.P2


@dataclass(frozen=True)
class GroupSignal:
    """Reports about this subject (this one included) within the surge window."""

    key: str
    count: int


@dataclass(frozen=True)
class Decision:
    category: str
    severity: str
    priority: Priority
    queue: str
    reasons: list[Reason]
    rules_version: str
    tags: tuple[str, ...] = ()
    sla: Sla | None = None
    group_key: str | None = None
    safety: bool = False
    detections: tuple[Detection, ...] = field(default=())


# --- conditions -------------------------------------------------------------------------


def _in(value: str | None, allowed: list[str] | None) -> bool:
    if allowed is None:
        return True
    return value is not None and value.strip().lower() in {item.lower() for item in allowed}


def _metadata_value(metadata: dict[str, Any], path: str) -> Any:
    current: Any = metadata
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def _metadata_matches(metadata: dict[str, Any], wanted: dict[str, list[Any]] | None) -> bool:
    for path, accepted in (wanted or {}).items():
        value = _metadata_value(metadata, path)
        if value is None:
            return False
        if "*" in accepted:
            continue
        if str(value).lower() not in {str(item).lower() for item in accepted}:
            return False
    return True


def _text_evidence(rule: CompiledRule, text: str, normalised: NormalisedText) -> list[str] | None:
    """None when the rule has text conditions and none matched; else the matched words."""
    if rule.keywords is None and rule.regex is None:
        return []
    evidence: set[str] = set()
    if rule.keywords is not None:
        for start, end in rule.keywords.spans(normalised):
            evidence.add(normalised.quote(start, end))
    if rule.regex is not None:
        evidence.update(m.group(0).lower() for m in rule.regex.finditer(text) if m.group(0))
    return sorted(evidence) if evidence else None


def _rule_evidence(
    rule: CompiledRule, report: Report, *, channel: str, text: str, normalised: NormalisedText
) -> list[str] | None:
    when = rule.rule.when
    if not (
        _in(channel, when.channel)
        and _in(report.reporter.type, when.reporter_type)
        and _in(report.region, when.region)
        and _in(report.language, when.language)
        and _in(report.subject.type, when.subject_type)
        and _metadata_matches(report.metadata, when.metadata)
    ):
        return None
    return _text_evidence(rule, text, normalised)


def _urgency(rule: CompiledRule) -> tuple[int, int]:
    priority = rule.rule.then.priority
    return (_PRIORITIES.index(priority) if priority else _LEAST_URGENT, rule.order)


def _describe(rule: CompiledRule) -> str:
    then = rule.rule.then
    parts = [
        f"{name}={value}" for name, value in then.model_dump(exclude_none=True).items() if value
    ]
    summary = rule.rule.description or "matched"
    if then.category and then.priority:
        summary = f"matched {then.category} keywords ({then.priority.value})"
    return f"{summary} [{', '.join(str(p) for p in parts)}]"


# --- the decision -----------------------------------------------------------------------


@dataclass(frozen=True)
class SafetyRouting:
    priority: Priority
    severity: str
    queue: str


def safety_routing(category: str) -> SafetyRouting:
    """The safety rule, for triage's decisions and people's overrides alike: a report in a
    safety category is P0, critical, on that category's queue."""
    return SafetyRouting(
        priority=Priority.P0, severity="critical", queue=SAFETY_CATEGORIES[category]
    )


def decide(
    report: Report,
    *,
    ruleset: RuleSet,
    channel: str,
    received_at: datetime,
    model: SafetyModel,
    group: GroupSignal | None = None,
) -> Decision:
    """The decision for a report; ``model`` is the safety classifier behind the lexicons.
    Pure: the rules, the model and the time are the caller's (``shipped.classify`` loads
    the shipped ones)."""
    text = f"{report.title}\n{report.body}"
    normalised = normalise(text)
    spec = ruleset.spec
    fired: list[tuple[CompiledRule, list[str]]] = []
    for rule in ruleset.rules:
        evidence = _rule_evidence(rule, report, channel=channel, text=text, normalised=normalised)
        if evidence is not None:
            fired.append((rule, evidence))
    reasons = [
        Reason(rule=rule.rule.name, detail=_describe(rule), evidence=evidence)
        for rule, evidence in fired
    ]
    ranked = sorted((rule for rule, _ in fired), key=_urgency)

    def pick(attribute: str) -> Any:
        for rule in ranked:
            value = getattr(rule.rule.then, attribute)
            if value is not None:
                return value
        return None

    category: str = pick("category") or spec.defaults.category
    severity: str = pick("severity") or spec.defaults.severity
    priority: Priority = pick("priority") or spec.defaults.priority
    queue: str = pick("queue") or spec.defaults.queue
    rule_policy: str | None = pick("sla_policy")
    tags = sorted({tag for rule in ranked for tag in rule.rule.then.tags})
    screening = report.screening
    alert_reason: Reason | None = None
    if screening is not None and screening.alert:
        # The alert's own severity says how urgent it is, not words matched in its text.
        level, listed = spec.alerts.level_of(screening.alert_severity)
        priority, severity = level.priority, level.severity
        alert_reason = _alert_reason(screening, priority=priority, severity=severity, listed=listed)
    raises = [rule.rule.then.raise_priority for rule in ranked if rule.rule.then.raise_priority]
    if raises:
        priority = _PRIORITIES[max(0, _PRIORITIES.index(priority) - max(raises))]

    if group is not None and group.count >= spec.grouping.surge_threshold:
        surge_priority = spec.grouping.surge_priority
        before = priority
        priority = min(priority, surge_priority, key=_PRIORITIES.index)
        reasons.append(
            Reason(
                rule="grouping.surge",
                detail=(
                    f"{group.count} reports about this subject within "
                    f"{spec.grouping.surge_window} (threshold {spec.grouping.surge_threshold}): "
                    f"priority {before.value} -> {priority.value}"
                ),
                evidence=[group.key],
            )
        )
        tags = sorted({*tags, "surge"})

    detections = _screen(report, text=text, normalised=normalised, model=model)
    definite = [detection for detection in detections if detection.tier == "definite"]
    safety = bool(definite) or category in SAFETY_CATEGORIES
    if definite:
        category = definite[0].category
    if safety:
        routing = safety_routing(category)
        priority, severity, queue = routing.priority, routing.severity, routing.queue
    elif detections:
        # Only possible matches: a person on the safety-review queue confirms or clears.
        category, queue = detections[0].category, SAFETY_REVIEW_QUEUE
        priority = min(priority, _review_priority(detections[0]), key=_PRIORITIES.index)
        if SEVERITY_RANK.get(severity, _LEAST_URGENT) > SEVERITY_RANK["high"]:
            severity = "high"
        tags = sorted({*tags, "safety-review"})
    reasons = [_safety_reason(detection) for detection in detections] + reasons
    if alert_reason is not None:
        reasons.append(alert_reason)
    if not reasons:
        reasons = [Reason(rule="default", detail="no rule matched", evidence=[])]
    screened = _screening_reason(screening)
    if screened is not None:
        reasons.append(screened)
    if SEVERITY_RANK.get(severity) is None:
        severity = spec.defaults.severity

    return Decision(
        category=category,
        severity=severity,
        priority=priority,
        queue=queue,
        reasons=reasons,
        rules_version=ruleset.version,
        tags=tuple(tags),
        sla=compute_sla(
            ruleset,
            priority=priority,
            category=category,
            rule_policy=rule_policy,
            start=received_at,
        ),
        group_key=group.key if group is not None else None,
        safety=safety,
        detections=detections,
    )


def prose_text(report: Report) -> str | None:
    """What a person wrote of the report's title and body, for safety screening; None when
    that is all of both (every user report: the text need not be normalised twice)."""
    screening = report.screening
    if screening is None or screening.prose is None:
        return None
    spans = screening.prose
    whole = {
        span.field
        for span in spans
        if span.start == 0 and (span.end is None or span.end >= len(getattr(report, span.field)))
    }
    if whole == {"title", "body"}:
        return None
    return "\n".join(getattr(report, span.field)[span.start : span.end] for span in spans)


def _screen(
    report: Report, *, text: str, normalised: NormalisedText, model: SafetyModel
) -> tuple[Detection, ...]:
    """The safety detections, reading only what a person wrote, as far as the report's
    screening allows (all of it for reports without one: older events)."""
    screening = report.screening
    safety = screening.safety if screening is not None else "full"
    if safety == "off":
        return ()
    prose = prose_text(report)
    if prose is not None:
        if not prose.strip():
            return ()
        text, normalised = prose, normalise(prose)
    if safety == "definite_only":
        # Lexicons alone, their definite phrases only: explicit threats, nothing possible.
        return tuple(d for d in detect(text, normalised=normalised) if d.tier == "definite")
    return tuple(detect(text, normalised=normalised, model=model))


def _alert_reason(
    screening: Screening, *, priority: Priority, severity: str, listed: bool
) -> Reason:
    named = screening.alert_severity
    source = (
        f"severity {named!r}"
        if listed
        else (f"severity {named!r} not in the mapping" if named else "no severity")
    )
    return Reason(
        rule="alerts.severity",
        detail=(
            f"machine alert, {source}: priority {priority.value}, severity {severity} "
            f"(rules.yaml alerts.{'by_severity' if listed else 'default'})"
        ),
        evidence=[named] if named else [],
    )


def _screening_reason(screening: Screening | None) -> Reason | None:
    """Why the safety detectors read less than the whole report, when they did."""
    if screening is None or (screening.safety == "full" and not screening.alert):
        return None
    read = {
        "full": "the lexicons and the classifier",
        "definite_only": "only the lexicons' definite phrases (no classifier)",
        "off": "nothing (safety screening off for this channel)",
    }[screening.safety]
    if screening.safety != "off":
        read += (
            ", on the alert's human-written summary and description, not its labels"
            if screening.alert
            else ", on what a person wrote"
        )
    return Reason(
        rule="safety.screening", detail=f"safety screening {screening.safety}: {read}", evidence=[]
    )


def _review_priority(detection: Detection) -> Priority:
    return SAFETY_LOW_CONFIDENCE_PRIORITY if detection.low_confidence else SAFETY_REVIEW_PRIORITY


def _safety_reason(detection: Detection) -> Reason:
    detail = f"safety detector: {detection.category} (P0, not overridable by rules)"
    if detection.tier == "review":
        signal = (
            "weaker signal"
            if detection.model_score is None
            else f"classifier {detection.model_version}: p={detection.model_score:.2f} that "
            "this is a safety report"
            + (", below its paging threshold" if detection.low_confidence else "")
        )
        detail = (
            f"safety detector: possible {detection.category} ({signal}): sent to the "
            f"{SAFETY_REVIEW_QUEUE} queue at {_review_priority(detection).value} for a "
            "person to confirm or clear"
        )
    if detection.negated:
        detail += f"; negation nearby ({', '.join(detection.negated)}), kept for human review"
    return Reason(
        rule=f"safety.{detection.category}", detail=detail, evidence=list(detection.evidence)
    )


def less_urgent_than(priority: Priority) -> list[Priority]:
    """The priorities below ``priority`` (P3 and P4 for P2)."""
    return _PRIORITIES[_PRIORITIES.index(priority) + 1 :]

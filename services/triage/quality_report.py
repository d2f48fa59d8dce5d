"""The text :mod:`services.triage.evaluate` prints for a labelled set: precision and recall
tables, who reaches a person on a safety queue, who gets paged, the targets, the errors."""

from collections import Counter
from collections.abc import Sequence

from services.triage.quality import (
    NONE,
    PAGING,
    Breakdown,
    Decided,
    Example,
    Measure,
    Score,
    Target,
    breakdown,
    decide_example,
    score,
    targets,
)
from services.triage.rules import SAFETY_CATEGORIES
from shared.events import Priority

# --- printing --------------------------------------------------------------------------


def _table(title: str, scores: list[Score]) -> str:
    lines = [title, f"  {'category':<16}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}"]
    for item in scores:
        lines.append(
            f"  {item.category:<16}{item.precision:>10.3f}{item.recall:>8.3f}"
            f"{item.f1:>7.3f}{item.support:>9}"
        )
    return "\n".join(lines)


def _fraction(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}".replace("%", " %")


def _measure_table(item: Measure) -> str:
    lines = [
        f"{item.scope} ({item.size} examples)",
        f"  {'category':<16}{'recall at paging':>17}{'P0 recall':>11}"
        f"{'paging precision':>18}{'support':>9}",
    ]
    lines.extend(
        f"  {row.category:<16}{_fraction(row.recall_at_paging):>17}"
        f"{_fraction(row.p0_recall):>11}{_fraction(row.paging_precision):>18}{row.support:>9}"
        for row in item.categories
    )
    benign = item.benign
    if benign.total:
        lines.append(
            f"  none: paged {benign.paged}/{benign.total} ({_percent(benign.paged_share)}), "
            f"on a safety queue {benign.on_safety_queue}/{benign.total} "
            f"({_percent(benign.queued_share)})"
        )
    else:
        lines.append("  none: no examples")
    if item.explicit is not None:
        lines.append(
            f"  explicit threats of killing: P0 recall {item.explicit.at_p0}/"
            f"{item.explicit.total} ({_fraction(item.explicit.p0_recall)})"
        )
    return "\n".join(lines)


def _paging(figures: Breakdown) -> str:
    out = [
        "== paging: P0, or P1 on the report's own safety category "
        "(none: P0/P1 in any safety category) ==",
        _measure_table(figures.overall),
    ]
    out.extend(_measure_table(item) for item in (*figures.by_language, *figures.by_kind))
    if figures.ops_alerts is not None:
        ops = figures.ops_alerts
        out.append(
            f"ops alerts on a safety queue: {ops.on_safety_queue} (of {ops.total} labelled none)"
        )
    return "\n".join(out)


def _target_value(target: Target, value: float | None) -> str:
    if target.style == "count":
        return "-" if value is None else str(int(value))
    return _percent(value) if target.style == "percent" else _fraction(value)


def _targets_block(found: Sequence[Target]) -> str:
    lines = ["== targets ==", f"  {'target':<40}{'value':>8}{'bound':>12}  result"]
    for target in found:
        bound = (">= " if target.at_least else "<= ") + _target_value(target, target.bound)
        result = {True: "met", False: "missed", None: "not measured"}[target.met]
        lines.append(
            f"  {target.name:<40}{_target_value(target, target.value):>8}{bound:>12}  "
            f"{result} ({target.detail})"
        )
    measured = [target for target in found if target.met is not None]
    lines.append(
        f"targets met: {sum(bool(target.met) for target in measured)} of {len(measured)} "
        f"measured ({len(found) - len(measured)} not measured)"
    )
    return "\n".join(lines)


def _tag(example: Example) -> str:
    return f"[{example.language} {example.kind}]" if example.kind else f"[{example.language}]"


def _decided(row: Decided) -> str:
    return f"decided {row.priority.value} {row.category}, queue {row.queue}"


def report(examples: list[Example], *, show_errors: bool) -> str:
    rows = [decide_example(example) for example in examples]
    labels = Counter(example.label for example in examples)
    figures = breakdown(rows)
    return "\n".join(
        [
            f"{len(examples)} examples: "
            + ", ".join(f"{label} {count}" for label, count in sorted(labels.items())),
            _precision_recall(rows),
            _reaches_a_person(
                [(row.example, (row.safety_category, row.safety_priority)) for row in rows]
            ),
            _paging(figures),
            _listings(rows, show_errors=show_errors),
            _targets_block(targets(figures)),
        ]
    )


def _precision_recall(rows: Sequence[Decided]) -> str:
    """Precision, recall and F1 overall and per language, at P0 then at P0 or review."""
    views = {
        "caught at P0": [
            (row.example, row.safety_category if row.priority is Priority.P0 else NONE)
            for row in rows
        ],
        "caught at P0 or sent to review": [(row.example, row.safety_category) for row in rows],
    }
    out: list[str] = []
    for view, pairs in views.items():
        out.append(f"== {view} ==")
        out.append(_table("all languages", score(pairs)))
        for language in sorted({row.example.language for row in rows}):
            subset = [pair for pair in pairs if pair[0].language == language]
            out.append(_table(f"language {language} ({len(subset)} examples)", score(subset)))
    return "\n".join(out)


def _listings(rows: Sequence[Decided], *, show_errors: bool) -> str:
    """How many errors (of the P0-or-review view), safety reports paging nobody on their
    category and reports only sent to review; each one listed when ``show_errors``."""
    errors = [row for row in rows if row.safety_category != row.example.label]
    unpaged = [
        row for row in rows if row.example.label != NONE and not row.pages_as(row.example.label)
    ]
    reviewed = [
        row for row in rows if row.safety_category != NONE and row.priority is not Priority.P0
    ]
    out = [f"errors: {len(errors)}"]
    if show_errors:
        out.extend(
            f"  {_tag(row.example)} expected {row.example.label}, got {row.safety_category} "
            f"({_decided(row)}): {row.example.text}"
            for row in errors
        )
    out.append(f"safety reports not paged on their category: {len(unpaged)}")
    if show_errors:
        out.extend(
            f"  {_tag(row.example)} {row.example.label} not paged ({_decided(row)}): "
            f"{row.example.text}"
            for row in unpaged
        )
    out.append(f"sent to review (P1 or P2), not P0: {len(reviewed)}")
    if show_errors:
        out.extend(
            f"  {_tag(row.example)} expected {row.example.label}, review "
            f"{row.safety_category}: {row.example.text}"
            for row in reviewed
        )
    return "\n".join(out)


def _reaches_a_person(tiered: list[tuple[Example, tuple[str, Priority | None]]]) -> str:
    """Per label, how many reports reach a person on a safety queue (at P0 or for review,
    under any safety category), and how many of those page someone (P0 or P1): for a safety
    label that is what "not missed" means; for ``none`` it is the false-alarm load."""
    lines = [
        "== reaches a person on a safety queue (any safety category, P0 or review) ==",
        f"  {'label':<20}{'queued':>11}{'share':>7}{'paged':>7}",
    ]
    for label in (*SAFETY_CATEGORIES, NONE):
        priorities = [priority for example, (_, priority) in tiered if example.label == label]
        if priorities:
            name = "none (false alarms)" if label == NONE else label
            queued = sum(priority is not None for priority in priorities)
            paged = sum(priority in PAGING for priority in priorities)
            lines.append(
                f"  {name:<20}{queued:>5}/{len(priorities):<5}"
                f"{queued / len(priorities):>7.3f}{paged:>7}"
            )
    return "\n".join(lines)

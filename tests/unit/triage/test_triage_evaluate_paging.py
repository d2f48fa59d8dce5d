"""The evaluator's paging figures: recall at paging, P0 recall, paging precision, the benign
load, explicit threats, the per-language and per-kind breakdown and the issue's targets."""

from pathlib import Path

import pytest

from services.intake.domain import DEFAULT_SAFETY_SCREENING, PayloadFormat
from services.triage.evaluate import main
from services.triage.quality import (
    KIND_SCREENING,
    Breakdown,
    Decided,
    Example,
    Target,
    benign_load,
    breakdown,
    category_paging,
    explicit_threats,
    load,
    targets,
)
from services.triage.rules import SAFETY_CATEGORIES
from shared.events import Priority

P0, P1, P2, P3 = Priority.P0, Priority.P1, Priority.P2, Priority.P3


def decided(
    label: str,
    category: str,
    priority: Priority,
    *,
    queue: str | None = None,
    language: str = "en",
    kind: str | None = None,
    explicit: bool = False,
) -> Decided:
    """A row as triage would decide it: a safety category on its own queue at P0, on
    safety-review below; any other category on support-general, unless ``queue`` says."""
    if queue is None:
        safety = category in SAFETY_CATEGORIES
        queue = (
            (SAFETY_CATEGORIES[category] if priority is P0 else "safety-review")
            if safety
            else "support-general"
        )
    example = Example(
        text=f"{label} {category} {priority.value}",
        language=language,
        label=label,
        kind=kind,
        explicit=explicit,
    )
    return Decided(example=example, category=category, priority=priority, queue=queue)


def test_p1_on_the_right_category_pages_but_is_not_p0_recall() -> None:
    rows = [
        decided("threat_to_life", "threat_to_life", P0),
        decided("threat_to_life", "threat_to_life", P1),  # paged, not P0
        decided("threat_to_life", "threat_to_life", P2),  # queued, nobody paged
        decided("threat_to_life", "self_harm", P1),  # paged, on the wrong category
        decided("self_harm", "self_harm", P0),
        decided("none", "threat_to_life", P1),  # a false page for threat_to_life
    ]

    threat = category_paging(rows, category="threat_to_life")
    assert (threat.support, threat.paged, threat.at_p0, threat.paged_as) == (4, 2, 1, 3)
    assert threat.recall_at_paging == 0.5
    assert threat.p0_recall == 0.25
    assert threat.paging_precision == pytest.approx(2 / 3)

    self_harm = category_paging(rows, category="self_harm")
    assert (self_harm.support, self_harm.paged, self_harm.paged_as) == (1, 1, 2)
    assert self_harm.recall_at_paging == 1.0
    assert self_harm.paging_precision == 0.5

    child = category_paging(rows, category="child_safety")
    assert child.support == 0
    assert (child.recall_at_paging, child.p0_recall, child.paging_precision) == (None,) * 3


def test_a_benign_row_at_p2_on_safety_review_is_queued_but_not_paged() -> None:
    rows = [
        decided("none", "threat_to_life", P2),  # safety-review, nobody paged
        decided("none", "self_harm", P1),  # paged
        decided("none", "other", P3),  # neither
        decided("none", "other", P1),  # urgent, but not as a safety report
        decided("none", "other", P3, queue="safety-review"),  # a rule sent it there
        decided("self_harm", "self_harm", P0),  # not benign: not counted
    ]

    load_ = benign_load(rows)
    assert (load_.total, load_.paged, load_.on_safety_queue) == (5, 1, 3)
    assert load_.paged_share == 0.2
    assert load_.queued_share == 0.6
    assert benign_load([]).paged_share is None


def test_explicit_threats_count_only_p0_as_a_threat_to_life() -> None:
    rows = [
        decided("threat_to_life", "threat_to_life", P0, explicit=True),
        decided("threat_to_life", "threat_to_life", P1, explicit=True),
        decided("threat_to_life", "self_harm", P0, explicit=True),
        decided("threat_to_life", "threat_to_life", P0),  # not marked explicit
    ]

    explicit = explicit_threats(rows)
    assert (explicit.total, explicit.at_p0) == (3, 1)
    assert explicit.p0_recall == pytest.approx(1 / 3)


def test_breakdown_per_language_and_per_kind_only_when_a_kind_is_given() -> None:
    plain = [
        decided("threat_to_life", "threat_to_life", P1, language="fr"),
        decided("none", "other", P3, language="en"),
    ]
    without_kind = breakdown(plain)
    assert [item.scope for item in without_kind.by_language] == ["language en", "language fr"]
    assert without_kind.by_kind == ()
    assert without_kind.ops_alerts is None
    assert without_kind.overall.explicit is None

    kinds = [
        *plain,
        decided("none", "other", P3, kind="ops_alert"),
        decided("none", "threat_to_life", P2, kind="ops_alert"),
        decided("threat_to_life", "threat_to_life", P0, kind="ops_alert"),  # a real threat
        decided("threat_to_life", "threat_to_life", P0, kind="user_report", explicit=True),
    ]
    with_kind = breakdown(kinds)
    assert [item.scope for item in with_kind.by_kind] == [
        "kind ops_alert",
        "kind unspecified",
        "kind user_report",
    ]
    assert [item.size for item in with_kind.by_kind] == [3, 2, 1]
    ops = with_kind.ops_alerts
    assert ops is not None
    assert (ops.total, ops.on_safety_queue) == (2, 1)  # only the benign ones count
    assert with_kind.overall.explicit is not None
    assert with_kind.overall.explicit.at_p0 == 1
    fr = with_kind.by_language[1]
    assert fr.categories[0].recall_at_paging == 1.0
    assert fr.explicit is not None
    assert fr.explicit.total == 0


def _by_name(figures: Breakdown) -> dict[str, Target]:
    return {target.name: target for target in targets(figures)}


def test_targets_are_met_missed_or_not_measured() -> None:
    rows = [decided(name, name, P0) for name in SAFETY_CATEGORIES for _ in range(50)]
    rows[0] = decided("threat_to_life", "threat_to_life", P2)  # 49/50 = 0.98: met
    rows[50] = decided("self_harm", "self_harm", P3, queue="safety-review")  # 48/50: missed
    rows[51] = decided("self_harm", "other", P3)
    benign = [decided("none", "other", P3) for _ in range(199)]
    rows += [*benign, decided("none", "self_harm", P1)]  # 1/200 = 0.5 %: met

    found = _by_name(breakdown(rows))
    assert found["recall at paging, threat_to_life"].met is True
    assert found["recall at paging, self_harm"].met is False
    assert found["recall at paging, self_harm"].detail == "48/50"
    assert found["recall at paging, child_safety"].met is True
    assert found["benign paged"].met is True
    assert found["benign on any safety queue"].met is True
    assert found["explicit threats of killing: P0 recall"].met is None
    assert found["ops alerts on a safety queue"].met is None

    rows += [
        decided("none", "threat_to_life", P1),
        decided("threat_to_life", "threat_to_life", P1, explicit=True),
        decided("none", "child_safety", P2, kind="ops_alert"),
    ]
    found = _by_name(breakdown(rows))
    assert found["benign paged"].met is False  # 2/202
    assert found["explicit threats of killing: P0 recall"].met is False
    assert found["ops alerts on a safety queue"].value == 1
    assert found["ops alerts on a safety queue"].met is False


def test_load_reads_kind_and_explicit_and_rejects_unknown_values(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"text": "a", "language": "en", "label": "threat_to_life", "explicit": true}\n'
        '{"text": "b", "language": "en", "label": "none", "kind": "ops_alert"}\n'
    )
    first, second = load(path)
    assert (first.kind, first.explicit) == (None, True)
    assert (second.kind, second.explicit) == ("ops_alert", False)

    bad_rows = {
        '{"text": "x", "language": "en", "label": "none", "kind": "tweet"}': "unknown kind",
        '{"text": "x", "language": "en", "label": "self_harm", "explicit": true}': "only for",
        '{"text": "x", "language": "en", "label": "threat_to_life", "explicit": "yes"}': (
            "true or false"
        ),
    }
    for line, message in bad_rows.items():
        path.write_text(line + "\n")
        with pytest.raises(ValueError, match=message):
            load(path)


def test_each_kind_is_screened_as_intake_screens_it_by_default() -> None:
    formats: dict[str, PayloadFormat] = {
        "user_report": "generic",
        "support_ticket": "zendesk",
        "ops_alert": "pagerduty",
    }
    for kind, screening in KIND_SCREENING.items():
        assert screening.safety == DEFAULT_SAFETY_SCREENING[formats[kind]]
        assert screening.alert is (kind == "ops_alert")


def test_the_command_prints_paging_tables_and_targets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"text": "I will kill you", "language": "en", "label": "threat_to_life"}\n'
        '{"text": "I\'m outside your house", "language": "en", "label": "threat_to_life"}\n'
        '{"text": "hello", "language": "es", "label": "none"}\n'
    )

    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    paging = out.split("== paging:")[1].split("errors:")[0]
    assert "  threat_to_life              1.000      0.500             1.000        2" in paging
    assert "none: paged 0/1 (0.0 %), on a safety queue 0/1 (0.0 %)" in paging
    assert "language es (1 examples)" in paging
    assert "kind " not in paging
    assert "ops alerts on a safety queue:" not in out
    assert "explicit threats" not in paging
    assert "recall at paging, threat_to_life           1.000    >= 0.980  met (2/2)" in out
    assert "not measured (no row has explicit: true)" in out
    assert "targets met: 3 of 3 measured (4 not measured)" in out


def test_the_command_with_kinds_screens_ops_alerts_and_tags_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"text": "I will kill you", "language": "en", "label": "threat_to_life", '
        '"kind": "user_report", "explicit": true}\n'
        # A review-tier phrase: read fully in a user report, not at all in an ops alert.
        '{"text": "I\'m outside your house", "language": "en", "label": "none", '
        '"kind": "user_report"}\n'
        '{"text": "I\'m outside your house", "language": "en", "label": "none", '
        '"kind": "ops_alert"}\n'
    )

    assert main([str(path), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "kind ops_alert (1 examples)" in out
    assert "kind user_report (2 examples)" in out
    assert "ops alerts on a safety queue: 0 (of 1 labelled none)" in out
    assert "explicit threats of killing: P0 recall 1/1 (1.000)" in out
    assert (
        "[en user_report] expected none, got threat_to_life (decided P1 threat_to_life, "
        "queue safety-review): I'm outside your house"
    ) in out
    assert "[en ops_alert] expected none" not in out
    assert "ops alerts on a safety queue                   0        <= 0  met" in out
    assert "benign paged                              50.0 %    <= 0.5 %  missed (1/2)" in out

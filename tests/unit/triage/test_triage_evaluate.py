"""The labelled sets and the evaluation command: a regression guard for the lexicons."""

import re
from pathlib import Path

import pytest

from services.triage.evaluate import main
from services.triage.quality import DEFAULT_SET, load, predict, score
from services.triage.quality_report import report
from services.triage.rules import SAFETY_CATEGORIES

HELDOUT = DEFAULT_SET.parent / "triage_heldout.jsonl"


def test_the_sets_cover_every_language_and_label() -> None:
    for path in (DEFAULT_SET, HELDOUT):
        examples = load(path)
        assert {example.language for example in examples} == {"en", "es", "pt", "id", "fr"}
        assert {example.label for example in examples} == {*SAFETY_CATEGORIES, "none"}


def test_no_regression_on_the_development_set() -> None:
    examples = load(DEFAULT_SET)
    at_p0 = {s.category: s for s in score([(e, predict(e.text)) for e in examples])}
    either = {
        s.category: s for s in score([(e, predict(e.text, include_review=True)) for e in examples])
    }

    for category in SAFETY_CATEGORIES:
        assert at_p0[category].precision >= 0.98, category
        assert at_p0[category].recall >= 0.92, category
        assert either[category].precision >= 0.97, category
        assert either[category].recall >= 0.97, category
    hard_negatives = [e for e in examples if e.label == "none"]
    assert all(predict(e.text) == "none" for e in hard_negatives)
    assert len(hard_negatives) >= 150


def test_the_seen_heldout_set_stays_caught() -> None:
    examples = load(HELDOUT)
    either = score([(e, predict(e.text, include_review=True)) for e in examples])

    assert all(s.recall == 1.0 and s.precision == 1.0 for s in either)


def test_report_and_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"text": "I will kill you", "language": "en", "label": "threat_to_life"}\n'
        '{"text": "kill the process", "language": "en", "label": "threat_to_life"}\n'
        '{"text": "hello", "language": "en", "label": "none"}\n'
    )

    assert main([str(path), "--errors"]) == 0

    out = capsys.readouterr().out
    assert "threat_to_life       1.000   0.500" in out
    assert (
        "[en] expected threat_to_life, got none (decided P3 other, queue support-general): "
        "kill the process"
    ) in out
    assert "errors: 1" in report(load(path), show_errors=False)


def test_unknown_labels_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "language": "en", "label": "violence"}\n')

    with pytest.raises(ValueError, match="unknown label 'violence'"):
        load(path)


def test_bench_reports_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    from services.triage.evaluate import bench, bench_reports

    reports = bench_reports(10)
    assert len(reports) == 10
    assert 250 <= len(reports[0].title) + len(reports[0].body) <= 350
    measured = bench(count=10, repeats=1)
    assert "10 reports x 1 runs" in measured
    assert re.search(r"of which the safety classifier: best [0-9.]+, .*% of classify\)", measured)
    assert main(["--bench"]) == 0
    assert "CPU ms/report: best" in capsys.readouterr().out

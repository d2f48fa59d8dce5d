"""Precision and recall of the safety detectors on a labelled set, and who gets paged.

``python -m services.triage.evaluate [path] [--errors]`` reads JSON lines
``{"text": ..., "language": ..., "label": "threat_to_life" | "self_harm" | "child_safety" |
"none"}`` (default: ``tests/data/triage_labelled.jsonl``), optionally with ``"kind":
"user_report" | "support_ticket" | "ops_alert"`` (screened as intake screens that kind by
default: an ops alert by the lexicons' definite phrases only) and ``"explicit": true`` on
``threat_to_life`` rows that are explicit threats of killing. It classifies each text with
the shipped rules and prints precision, recall and F1 per safety category, overall and per
language, twice: counting only what reaches the category at P0 (definite detections), then
counting review-tier (possible) matches routed to the safety-review queue as caught too;
then, per label, the share of reports that reach a person on a safety queue at all.

Then what pages someone (P0, or P1 on the report's own safety category): per safety
category the recall at paging, the P0 recall and the paging precision; for ``none`` the
share paged and the share put on any safety queue; the P0 recall of explicit threats of
killing when rows are marked; all overall, per language and (when rows carry a kind) per
kind; and the issue's targets, met or missed. The exit code is 0: a report, not a gate.

``--errors`` also lists every miss and false alarm of the second view with what was
decided, the safety reports that paged nobody on their category, and which examples were
only sent to review. ``--bench`` instead times the classifier (CPU ms per report).
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from services.triage.classifier import shipped_model
from services.triage.phrases import normalise
from services.triage.quality import DEFAULT_SET, load
from services.triage.quality_report import report
from services.triage.rules import builtin_rules
from services.triage.shipped import classify
from shared.events import Report


def bench_reports(count: int = 500) -> list[Report]:
    """Benchmark-like reports (about 300 characters): half support, half a threat."""
    reports: list[Report] = []
    for number in range(count // 2):
        reports.append(
            Report(
                title=f"I was charged twice, order {number}",
                body="Threatening messages since this morning, screenshots attached. " * 4,
            )
        )
        reports.append(
            Report(
                title="He says he is going to kill me tonight",
                body=f"User {number} keeps sending messages about where I live, please help, "
                "it is getting worse. " * 3,
            )
        )
    return reports


def bench(*, count: int = 500, repeats: int = 7) -> str:
    """CPU time per report of :func:`classify`, and of the safety classifier alone within
    it: the best and the median of ``repeats`` runs (the best is the least disturbed by
    other work on the machine), and the classifier's share of the best run."""
    ruleset = builtin_rules()
    model = shipped_model()
    reports = bench_reports(count)
    whole = _cpu_ms_per_report(lambda item: classify(item, ruleset=ruleset), reports, repeats)
    alone = _cpu_ms_per_report(
        lambda item: model.flagged(normalise(f"{item.title}\n{item.body}").text), reports, repeats
    )
    return "\n".join(
        [
            f"classify: {len(reports)} reports x {repeats} runs, CPU ms/report: "
            f"best {whole[0]:.3f}, median {whole[len(whole) // 2]:.3f}",
            f"of which the safety classifier: best {alone[0]:.3f}, median "
            f"{alone[len(alone) // 2]:.3f} ({alone[0] / whole[0]:.0%} of classify)",
        ]
    )


def _cpu_ms_per_report(
    work: Callable[[Report], object], reports: list[Report], repeats: int
) -> list[float]:
    for item in reports[:20]:
        work(item)
    runs: list[float] = []
    for _ in range(repeats):
        started = time.process_time()
        for item in reports:
            work(item)
        runs.append((time.process_time() - started) * 1000 / len(reports))
    return sorted(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--errors", action="store_true", help="list every misclassification")
    parser.add_argument(
        "--bench", action="store_true", help="time classify on benchmark-like reports instead"
    )
    arguments = parser.parse_args(argv)
    if arguments.bench:
        sys.stdout.write(bench() + "\n")
        return 0
    sys.stdout.write(report(load(arguments.path), show_errors=arguments.errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

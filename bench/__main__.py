"""``make bench``: start Kafka and PostgreSQL, measure B1-B6, write JSON and a table.

python -m bench [--runs 3] [--only B1,B4] [--out bench/results/latest.json]
"""

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.scenarios import Bench, Figure

ROOT = Path(__file__).resolve().parent.parent
TRIAGE_MESSAGES = 3000
LATENCY_RATE = 500.0
LATENCY_SECONDS = 8.0
UNSATURATED_LATENCY_RATE = 100.0


def start_infrastructure() -> tuple[str, str]:
    subprocess.run([str(ROOT / "deploy/kafka/kafka.sh"), "start"], check=True)
    subprocess.run([str(ROOT / "deploy/postgres/pg.sh"), "start"], check=True)
    bootstrap = subprocess.run(
        [str(ROOT / "deploy/kafka/kafka.sh"), "bootstrap"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    postgres = subprocess.run(
        [str(ROOT / "deploy/postgres/pg.sh"), "url"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return bootstrap, postgres


async def measure(bench: Bench, only: set[str], *, errors: dict[str, str]) -> list[Figure]:
    """Each group of figures on its own: one that fails is reported, the others still run."""
    groups: list[tuple[set[str], Callable[[], Awaitable[list[Figure]]]]] = [
        ({"B1", "B5"}, bench.intake_throughput),
        ({"B2"}, lambda: _one(bench.producer())),
        ({"B3", "B6"}, lambda: bench.triage_figures(total=TRIAGE_MESSAGES)),
        ({"B4"}, lambda: _one(bench.latency(rate=LATENCY_RATE, duration=LATENCY_SECONDS))),
        # Not a target: the same path below saturation, to tell queueing from per-hop cost.
        (
            {"B4L"},
            lambda: _one(
                bench.latency(
                    rate=UNSATURATED_LATENCY_RATE,
                    duration=LATENCY_SECONDS,
                    figure_id="B4L",
                    target="none (informational)",
                )
            ),
        ),
    ]
    figures: list[Figure] = []
    for ids, run in groups:
        if not ids & only:
            continue
        try:
            figures += await run()
        except Exception as error:
            errors[",".join(sorted(ids & only))] = repr(error)[:2000]
        finally:
            bench.stop_all()
            await bench.drop_topics()
    return [figure for figure in figures if figure.id in only]


async def _one(figure: Awaitable[Figure]) -> list[Figure]:
    return [await figure]


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| id | what | baseline median (min-max) | Vigil median (min-max) | ratio | target "
        "| CPU s / 1,000 (baseline / Vigil) |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        baseline, subject = result["baseline"], result["subject"]

        def cell(side: dict[str, Any]) -> str:
            return f"{side['median']:.4g} ({side['min']:.4g}-{side['max']:.4g})"

        def cpu(side: dict[str, Any]) -> str:
            return ", ".join(f"{k} {v:.3g}" for k, v in side["cpu_seconds_per_1000"].items())

        lines.append(
            f"| {result['id']} | {result['what']} ({result['unit']}) | {cell(baseline)} "
            f"| {cell(subject)} | {result['ratio']:.3f} | {result['target']} "
            f"| {cpu(baseline)} / {cpu(subject)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="B1,B2,B3,B4,B4L,B5,B6")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/latest.json")
    arguments = parser.parse_args()
    only = {item.strip().upper() for item in arguments.only.split(",")}

    bootstrap, postgres = start_infrastructure()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as workdir:
        bench = Bench(
            workdir=Path(workdir), bootstrap=bootstrap, postgres_url=postgres, runs=arguments.runs
        )
        errors: dict[str, str] = {}
        figures = asyncio.run(measure(bench, only, errors=errors))
    results = [figure.as_dict() for figure in figures]
    document = {
        "command": "make bench  # python -m bench " + " ".join(sys.argv[1:]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "runs_per_side": arguments.runs,
        "wall_seconds": round(time.monotonic() - started, 1),
        "figures": results,
        "errors": errors,
    }
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(document, indent=2) + "\n")
    sys.stdout.write(table(results) + "\n")
    for ids, error in errors.items():
        sys.stdout.write(f"\n{ids} failed: {error}\n")
    sys.stdout.write(f"\nwall time {document['wall_seconds']} s; JSON: {arguments.out}\n")


if __name__ == "__main__":
    main()

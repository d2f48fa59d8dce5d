#!/usr/bin/env bash
# Vigil's test command (`make test` runs it; so does CI through .ci/run).
#
#   1. .venv with the project and its dev extra (scripts/venv.sh; once per pyproject change)
#   2. lint: ruff check, ruff format --check, mypy          (skip: VIGIL_TEST_SKIP_LINT=1)
#   3. a local Kafka (deploy/kafka/kafka.sh) and PostgreSQL (deploy/postgres/pg.sh),
#      started in parallel; on exit this script stops what IT started, and leaves
#      running what was already running (start them yourself with `make kafka-start
#      pg-start` to keep them across runs)
#   4. pytest tests "$@"   (no test collected = failure)
#
# usage: scripts/test.sh [pytest arguments...]     e.g. scripts/test.sh -k intake -x
#
# Environment:
#   VIGIL_TEST_SKIP_LINT=1            skip step 2
#   VIGIL_TEST_KAFKA_BOOTSTRAP=h:p    use this broker instead of starting the local one
#   VIGIL_TEST_POSTGRES_URL=url       use this server instead of starting the local one
# Exported to the tests: VIGIL_TEST_KAFKA_BOOTSTRAP, VIGIL_TEST_POSTGRES_URL.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

KAFKA_SH="$ROOT/deploy/kafka/kafka.sh"
PG_SH="$ROOT/deploy/postgres/pg.sh"
VENV_BIN="$ROOT/.venv/bin"

log() { printf '\ntest.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- 1. virtualenv ------------------------------------------------------------------
"$ROOT/scripts/venv.sh"

# --- 2. lint --------------------------------------------------------------------------
if [[ "${VIGIL_TEST_SKIP_LINT:-0}" == 1 ]]; then
    log "VIGIL_TEST_SKIP_LINT=1: skipping ruff and mypy"
else
    for tool in ruff mypy; do
        [[ -x "$VENV_BIN/$tool" ]] || die "$tool is not installed in .venv; it belongs in pyproject.toml's dev extra"
    done
    log "ruff check ."
    "$VENV_BIN/ruff" check . || die "ruff check failed (make format fixes what ruff can fix by itself)"
    log "ruff format --check ."
    "$VENV_BIN/ruff" format --check . || die "ruff format --check failed (run: make format)"
    log "mypy"
    "$VENV_BIN/mypy" || die "mypy failed"
fi

# --- 2b. Prometheus (promtool for tests/deploy, the server for tests/integration) -------
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    log "prometheus/promtool not installed; installing the Debian package with apt-get (once)"
    prom_sudo=()
    [[ $EUID -eq 0 ]] || prom_sudo=(sudo)
    "${prom_sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
        || die "apt-get update failed"
    "${prom_sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends prometheus >&2 || die "apt-get install prometheus failed"
fi

# --- 3. Kafka and PostgreSQL ----------------------------------------------------------
STARTED_KAFKA=0
STARTED_PG=0

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if ((STARTED_KAFKA)); then
        "$KAFKA_SH" stop || log "warning: stopping Kafka failed"
    fi
    if ((STARTED_PG)); then
        "$PG_SH" stop || log "warning: stopping PostgreSQL failed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_pid=""
if [[ -n "${VIGIL_TEST_POSTGRES_URL:-}" ]]; then
    log "using PostgreSQL from VIGIL_TEST_POSTGRES_URL (not starting the local cluster)"
else
    if ! "$PG_SH" status 2>/dev/null; then
        STARTED_PG=1
    fi
    "$PG_SH" start &
    pg_pid=$!
    VIGIL_TEST_POSTGRES_URL="$("$PG_SH" url)"
fi

kafka_rc=0
if [[ -n "${VIGIL_TEST_KAFKA_BOOTSTRAP:-}" ]]; then
    log "using Kafka at $VIGIL_TEST_KAFKA_BOOTSTRAP from VIGIL_TEST_KAFKA_BOOTSTRAP (not starting the local broker)"
else
    if ! "$KAFKA_SH" status 2>/dev/null; then
        STARTED_KAFKA=1
    fi
    "$KAFKA_SH" start || kafka_rc=$?
    VIGIL_TEST_KAFKA_BOOTSTRAP="$("$KAFKA_SH" bootstrap)"
fi

pg_rc=0
if [[ -n "$pg_pid" ]]; then
    wait "$pg_pid" || pg_rc=$?
fi
((kafka_rc == 0)) || die "starting Kafka failed (exit $kafka_rc); see the messages above"
((pg_rc == 0)) || die "starting PostgreSQL failed (exit $pg_rc); see the messages above"

export VIGIL_TEST_KAFKA_BOOTSTRAP VIGIL_TEST_POSTGRES_URL
log "VIGIL_TEST_KAFKA_BOOTSTRAP=$VIGIL_TEST_KAFKA_BOOTSTRAP VIGIL_TEST_POSTGRES_URL=$VIGIL_TEST_POSTGRES_URL"

# --- 4. pytest ------------------------------------------------------------------------
log "pytest tests $*"
pytest_rc=0
"$VENV_BIN/python" -m pytest tests "$@" || pytest_rc=$?
case "$pytest_rc" in
    0) log "all tests passed" ;;
    5) log "error: no tests ran (pytest exit code 5: nothing collected or everything deselected)" ;;
    *) log "error: pytest failed (exit code $pytest_rc)" ;;
esac
exit "$pytest_rc"

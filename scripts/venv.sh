#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the project with its dev extra into it.
# Does nothing when .venv/.installed is newer than pyproject.toml. Used by `make install`
# and scripts/test.sh.
#
# Environment: VIGIL_PYTHON  interpreter to create the venv with (default python3.11)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${VIGIL_PYTHON:-python3.11}"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed"

log() { printf 'venv.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -f pyproject.toml ]] || die "pyproject.toml not found in $ROOT"

if [[ -f "$STAMP" && "$STAMP" -nt pyproject.toml && -x "$VENV/bin/python" ]] \
    && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
    exit 0
fi

# A venv whose interpreter is gone or too old is rebuilt from scratch.
if [[ -e "$VENV" ]] && ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    log "$VENV is broken or not Python 3.11+; recreating it"
    rm -rf "$VENV"
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    command -v "$PYTHON" >/dev/null 2>&1 \
        || die "$PYTHON not found; install Python 3.11 or set VIGIL_PYTHON to a Python 3.11+ interpreter"
    log "creating $VENV with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi

log "installing the project with its dev extra: pip install -e '.[dev]'"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q -e '.[dev]'
touch "$STAMP"
log "ready: $VENV"

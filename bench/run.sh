#!/usr/bin/env bash
# bench/run.sh -- One API for .NET side by side with calling the mock upstream directly and with Portkey
# (npm @portkey-ai/gateway), in one run, printing one report (bench/report.js). Uses the shared rig in
# ../shared/bench (nginx mock, chat.lua, slow-upstream, Portkey preloads); see bench/README.md.
#
#   bench/run.sh                                             # everything, 20-25 minutes on a quiet machine
#   PARTS="c1 small" bench/run.sh                            # some parts
#   bench/run.sh --smoke                                     # every part with tiny settings (figures mean nothing), ~5 minutes
#
# Parts (PARTS, default all): c1 (added latency at 1 connection, first streamed byte), small (small bodies at
# SMALL_CONNS), big (150 KB and 1 MB bodies at BIG_CONNS), conns1500 (150 KB at 1,500 connections), streams
# (long streams through slow-upstream: STREAMS_N spread over STREAMS_RAMP_MS, then STREAMS_OVER_N at once).
# Every setting is an environment variable; the table in bench/README.md lists them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
if [[ -z ${SHARED_BENCH:-} ]]; then   # beside the checkout, or beside the main checkout when this is a git worktree
  SHARED_BENCH="$ROOT/../shared/bench"
  common="$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
  [[ -d $SHARED_BENCH || -z $common ]] || SHARED_BENCH="$(dirname "$common")/../shared/bench"
fi
SHARED_BENCH="$(cd "$SHARED_BENCH" 2>/dev/null && pwd)" || { echo "bench rig not found (set SHARED_BENCH)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ${1:-} == --smoke ]]; then   # proves every part works end to end; the figures mean nothing
  : "${DURATION:=2}" "${RUNS:=1}" "${WARMUP:=1}" "${C1_DURATION:=2}" "${C1_RUNS:=1}" "${CONNS1500_DURATION:=3}"
  : "${STREAMS_N:=200}" "${STREAMS_OVER_N:=600}" "${STREAMS_NOFILE:=1024}" "${SLOW_CHUNKS:=20}"
fi
PARTS="${PARTS:-c1 small big conns1500 streams}"
TARGETS="${TARGETS:-gateway portkey}"
MODES="${MODES:-nonstream stream}"
DURATION="${DURATION:-10}" RUNS="${RUNS:-3}" WARMUP="${WARMUP:-3}"
C1_DURATION="${C1_DURATION:-5}" C1_RUNS="${C1_RUNS:-3}" C1_BODIES="${C1_BODIES:-small 150}"
SMALL_CONNS="${SMALL_CONNS:-64}"
BIG_CONNS="${BIG_CONNS:-100}" BIG_BODIES="${BIG_BODIES:-150 1024}"
CONNS1500="${CONNS1500:-1500}" CONNS1500_DURATION="${CONNS1500_DURATION:-20}" CONNS1500_RUNS="${CONNS1500_RUNS:-1}"
STREAMS_TARGETS="${STREAMS_TARGETS:-gateway}" STREAMS_DIRECT="${STREAMS_DIRECT:-1}"
STREAMS_N="${STREAMS_N:-9000}" STREAMS_RAMP_MS="${STREAMS_RAMP_MS:-1000}" STREAMS_OVER_N="${STREAMS_OVER_N:-11000}"
STREAMS_TIMEOUT_MS="${STREAMS_TIMEOUT_MS:-120000}" SETTLE_MAX_S="${SETTLE_MAX_S:-120}"
SLOW_CHUNKS="${SLOW_CHUNKS:-100}" SLOW_INTERVAL_MS="${SLOW_INTERVAL_MS:-100}"
PORT="${BENCH_PORT:-13000}"
PORTKEY_PORT="${PORTKEY_PORT:-8787}" PORTKEY_VERSION="${PORTKEY_VERSION:-1.15.2}"
PORTKEY_DIR="${PORTKEY_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneapi-bench/portkey}"
GW_CPUS="${GW_CPUS-1}" MOCK_CPUS="${MOCK_CPUS-0}"
OUT="${OUT:-/tmp/oneapi-bench-$(date +%Y%m%d-%H%M%S)}"
WORK="$(mktemp -d /tmp/oneapi-bench-work.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
BASE="http://127.0.0.1:$PORT"
MODEL=gpt-4o-mini
MOCK_JSON=http://127.0.0.1:18080 MOCK_SSE=http://127.0.0.1:18081 SLOW_MOCK=http://127.0.0.1:18090

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
has() { [[ " $1 " == *" $2 "* ]]; }   # has LIST WORD
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
randhex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
record() { jq -nc "$@" >> "$RESULTS"; }   # one JSON line per measurement, read by report.js

# The client side (wrk, the stream client, the mocks) gets every descriptor the machine allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
GW_NOFILE="${GW_NOFILE:-$(ulimit -Hn)}" STREAMS_NOFILE="${STREAMS_NOFILE:-${GW_NOFILE:-}}"
PIN_GW=() PIN_MOCK=()
if [[ -n $GW_CPUS$MOCK_CPUS ]] && (( $(nproc) < 2 )); then log "fewer than 2 CPUs: pinning off"; GW_CPUS="" MOCK_CPUS=""; fi
[[ -n $GW_CPUS ]] && PIN_GW=(taskset -c "$GW_CPUS")
[[ -n $MOCK_CPUS ]] && PIN_MOCK=(taskset -c "$MOCK_CPUS")
WRK_THREADS=1; [[ -z $MOCK_CPUS || ! $MOCK_CPUS =~ ^[0-9]+$ ]] && WRK_THREADS=2

# ---- cleanup: only what this script started
SERVER_PID="" PORTKEY_PID="" SLOW_PID="" NGINX_PID_FILE="" CHILD_PID=""
tree_pids() { local p=$1 c; echo "$p"; for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done; }
run_child() {  # run a command in the background and wait, so that a signal interrupts the wait at once
  "$@" & CHILD_PID=$!
  local rc=0; wait "$CHILD_PID" || rc=$?
  CHILD_PID=""; return "$rc"
}
stop_pid() {   # PID: TERM, then KILL after 10 s
  local pid=$1; [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - INT TERM
  if [[ -n $CHILD_PID ]]; then kill -TERM $(tree_pids "$CHILD_PID") 2>/dev/null || true; fi
  stop_pid "$SERVER_PID"; stop_pid "$PORTKEY_PID"; stop_pid "$SLOW_PID"
  if [[ -n $NGINX_PID_FILE && -f $NGINX_PID_FILE ]]; then kill -QUIT "$(cat "$NGINX_PID_FILE")" 2>/dev/null || true; fi
  for f in server portkey slow-upstream; do [[ -f $WORK/$f.log ]] && tail -n 200 "$WORK/$f.log" > "$OUT/$f-tail.log" 2>/dev/null; done
  if [[ ${KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools
need=()
for tool in nginx wrk jq curl node npm; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
if (( ${#need[@]} )); then
  need=("${need[@]/node/nodejs}")
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null </dev/null
fi

# ---- request bodies: small (chat.lua's own) and the long ones, each plain and streamed
BODIES="$(for b in small $C1_BODIES $BIG_BODIES 150; do echo "$b"; done | sort -u | tr '\n' ' ')"
for b in $BODIES; do
  node "$BENCH/body.js" "$b" > "$WORK/body-$b-nonstream.json"
  node "$BENCH/body.js" "$b" stream > "$WORK/body-$b-stream.json"
done
body_file() { echo "$WORK/body-$1-$2.json"; }   # BODY MODE

# ---- where each target answers, and what it is sent
target_url() {   # TARGET MODE
  case $1,$2 in
    direct,nonstream) echo "$MOCK_JSON/v1/chat/completions" ;;
    direct,stream)    echo "$MOCK_JSON/stream/v1/chat/completions" ;;
    gateway,*)        echo "$BASE/v1/chat/completions" ;;
    portkey,*)        echo "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" ;;
  esac
}
portkey_headers() {   # UPSTREAM_BASE_URL
  printf 'Authorization: Bearer sk-bench\nx-portkey-provider: openai\nx-portkey-custom-host: %s' "$1"
}
target_headers() {   # TARGET MODE
  case $1,$2 in
    gateway,*)         echo "Authorization: Bearer sk-$RELAY_KEY" ;;
    portkey,nonstream) portkey_headers "$MOCK_JSON/v1" ;;
    portkey,stream)    portkey_headers "$MOCK_JSON/stream/v1" ;;
    *)                 echo "" ;;
  esac
}
target_pid() { case $1 in gateway) echo "$SERVER_PID" ;; portkey) echo "$PORTKEY_PID" ;; *) echo "" ;; esac; }
declare -A DIED=()
alive() {   # TARGET [WHAT IT WAS DOING]: false once its process has exited; the first time, that is recorded
  local pid; pid=$(target_pid "$1")
  [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null && return 0
  if [[ -z ${DIED[$1]:-} ]]; then
    DIED[$1]=1
    local logf=server; [[ $1 == portkey ]] && logf=portkey
    log "$1 exited${2:+ during $2}"
    record --arg target "$1" --arg during "${2:-}" --arg last "$(tail -n 3 "$WORK/$logf.log" 2>/dev/null | cut -c1-300)" \
           '{kind: "died", target: $target, during: $during, last_log: $last}'
  fi
  return 1
}
header_args() { local line; while IFS= read -r line; do [[ -n $line ]] && printf -- '-H\0%s\0' "$line"; done <<<"$1"; }

probe() {   # TARGET MODE -> 0 when one small request in that mode succeeds
  local out; local -a H=(); mapfile -d '' H < <(header_args "$(target_headers "$1" "$2")")
  out=$(curl -s -m 30 -X POST "$(target_url "$1" "$2")" "${H[@]}" -H 'Content-Type: application/json' \
        --data-binary @"$(body_file small "$2")" -w '\n%{http_code}') || return 1
  [[ ${out##*$'\n'} == 200 ]] || return 1
  if [[ $2 == stream ]]; then grep -q 'data: \[DONE\]' <<<"$out"; else grep -q '"chat.completion"' <<<"$out"; fi
}

# ---- memory: the sum of VmHWM over a process tree, reset before each run
reset_hwm() { local p; [[ -n $1 ]] || return 0; for p in $(tree_pids "$1"); do echo 5 > /proc/"$p"/clear_refs 2>/dev/null || true; done; }
tree_kb() {   # PID VmHWM|VmRSS
  local p s=0 v; [[ -n $1 ]] || { echo 0; return; }
  for p in $(tree_pids "$1"); do v=$(awk -v k="$2:" '$1 == k {print $2}' /proc/"$p"/status 2>/dev/null); s=$((s + ${v:-0})); done
  echo "$s"
}

# A closed connection does not cancel the work a target has already taken in: after 1,500 connections of 150 KB bodies
# it may stay busy for seconds. Each measurement waits until the target uses less than a tenth of a CPU.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat 2>/dev/null || echo 0; }
tree_ticks() {   # PID: CPU time (user + system, clock ticks) of a process tree; 0 without one
  local p s=0; [[ -n $1 ]] || { echo 0; return; }
  for p in $(tree_pids "$1"); do s=$((s + $(cpu_ticks "$p"))); done
  echo "$s"
}
settle() {   # TARGET
  local pid a b waited=0; pid=$(target_pid "$1"); [[ -n $pid ]] || return 0
  while (( waited < SETTLE_MAX_S * 2 )); do
    a=$(cpu_ticks "$pid"); sleep 0.5; b=$(cpu_ticks "$pid"); waited=$((waited + 1))
    (( (b - a) * 20 <= CLK_TCK )) && break
  done
  (( waited > 2 )) && log "$1 was busy for $((waited / 2)) s after the previous run"
  return 0
}

# ---- wrk: one run of one target, recorded
wrk_run() {   # TARGET PART BODY MODE CONNS SECONDS RUN(0 = warm-up, not recorded)
  local target=$1 part=$2 body=$3 mode=$4 conns=$5 secs=$6 run=$7 pid line fields t=$WRK_THREADS ticks0 ticks
  local -a H=(); mapfile -d '' H < <(header_args "$(target_headers "$target" "$mode")")
  pid=$(target_pid "$target"); settle "$target"; reset_hwm "$pid"
  (( conns < t )) && t=$conns
  ticks0=$(tree_ticks "$pid")
  line=$(BENCH_BODY_FILE="$(body_file "$body" "$mode")" run_child "${PIN_MOCK[@]}" wrk -t"$t" -c"$conns" -d"${secs}s" \
           --timeout 30s -s "$SHARED_BENCH/chat.lua" "${H[@]}" "$(target_url "$target" "$mode")" 2>&1 | grep '^RESULT' || true)
  ticks=$(( $(tree_ticks "$pid") - ticks0 ))
  alive "$target" "$part, body $body, $mode, $conns connections" || true
  (( run > 0 )) || return 0
  [[ -n $line ]] || { log "wrk gave no result for $target $part $body $mode c=$conns"; line="RESULT rps=0 failed=1"; }
  fields=$(awk '{ for (i = 2; i <= NF; i++) if (split($i, kv, "=") == 2) printf "%s\"%s\":%s", (n++ ? "," : ""), kv[1], kv[2] }' <<<"$line")
  record --arg target "$target" --arg part "$part" --arg body "$body" --arg mode "$mode" --argjson conns "$conns" \
         --argjson run "$run" --argjson hwm_kb "$(tree_kb "$pid" VmHWM)" --argjson f "{$fields}" \
         --argjson ticks "$([[ -n $pid ]] && echo "$ticks" || echo null)" --argjson clk "$CLK_TCK" \
         '{kind: "wrk", target: $target, part: $part, body: $body, mode: $mode, conns: $conns, run: $run, hwm_kb: $hwm_kb,
           cpu_s: (if $ticks == null then null else $ticks / $clk end)} + $f'
}

# One point (part, body, mode, connections) of a target: RUNS runs, each followed by the same run straight to the
# mock the first time the point is measured, so direct and gateway runs interleave.
declare -A WARM=() DIRECT_DONE=()
measure() {   # TARGET PART BODY MODE CONNS SECONDS RUNS
  local target=$1 part=$2 body=$3 mode=$4 conns=$5 secs=$6 runs=$7 r direct=1 t
  alive "$target" || return 0
  [[ -n ${DIRECT_DONE[$part,$body,$mode,$conns]:-} ]] && direct=0
  for t in "$target" direct; do
    [[ $t == direct && $direct == 0 ]] && continue
    if (( WARMUP > 0 )) && [[ -z ${WARM[$t,$body,$mode]:-} ]]; then
      wrk_run "$t" warmup "$body" "$mode" 16 "$WARMUP" 0; WARM[$t,$body,$mode]=1
    fi
  done
  log "$target: $part, body $body, $mode, $conns connections, ${secs}s x $runs"
  for r in $(seq 1 "$runs"); do
    wrk_run "$target" "$part" "$body" "$mode" "$conns" "$secs" "$r"
    (( direct )) && wrk_run direct "$part" "$body" "$mode" "$conns" "$secs" "$r"
  done
  DIRECT_DONE[$part,$body,$mode,$conns]=1
}

first_byte() {   # TARGET BODY MODE: time to the first body byte, one request at a time
  local target=$1 body=$2 mode=$3 json
  alive "$target" || return 0
  settle "$target"
  json=$(URL="$(target_url "$target" "$mode")" HEADERS="$(target_headers "$target" "$mode")" \
         BODY_FILE="$(body_file "$body" "$mode")" SECONDS="$C1_DURATION" \
         run_child "${PIN_MOCK[@]}" node "$BENCH/first-byte.js") || json='{"n":0,"failed":1}'
  record --arg target "$target" --arg body "$body" --arg mode "$mode" --argjson r "$json" \
         '{kind: "first_byte", target: $target, body: $body, mode: $mode} + $r'
}

run_parts() {   # TARGET MODE: every selected load part of one target in one mode
  local target=$1 mode=$2 body
  if has "$PARTS" c1; then
    for body in $C1_BODIES; do
      measure "$target" c1 "$body" "$mode" 1 "$C1_DURATION" "$C1_RUNS"
      if [[ $mode == stream ]]; then
        [[ -n ${DIRECT_DONE[first_byte,$body]:-} ]] || { first_byte direct "$body" stream; DIRECT_DONE[first_byte,$body]=1; }
        first_byte "$target" "$body" stream
      fi
    done
  fi
  if has "$PARTS" small; then measure "$target" small small "$mode" "$SMALL_CONNS" "$DURATION" "$RUNS"; fi
  if has "$PARTS" big; then
    for body in $BIG_BODIES; do measure "$target" big "$body" "$mode" "$BIG_CONNS" "$DURATION" "$RUNS"; done
  fi
  if has "$PARTS" conns1500; then
    measure "$target" conns1500 150 "$mode" "$CONNS1500" "$CONNS1500_DURATION" "$CONNS1500_RUNS"
  fi
}

# ---- long streams: STREAMS_N spread over STREAMS_RAMP_MS, then STREAMS_OVER_N at once
streams_run() {   # TARGET LABEL N RAMP_MS
  local target=$1 label=$2 n=$3 ramp=$4 url headers pid json lives=true
  case $target in
    direct)  url="$SLOW_MOCK/v1/chat/completions"; headers="" ;;
    gateway) url="$(target_url gateway stream)"; headers="$(target_headers gateway stream)" ;;
    portkey) url="$(target_url portkey stream)"; headers="$(portkey_headers "$SLOW_MOCK/v1")" ;;
  esac
  pid=$(target_pid "$target"); settle "$target"
  log "$target: $n long streams ($label, starts over ${ramp} ms)"
  json=$(URL="$url" N="$n" RAMP_MS="$ramp" CHUNKS="$SLOW_CHUNKS" HEADERS="$headers" GW_PID="$pid" \
         TIMEOUT_MS="$STREAMS_TIMEOUT_MS" run_child "${PIN_MOCK[@]}" node --max-old-space-size=4096 \
         "$SHARED_BENCH/slow-upstream/streams.js") || json='{"n":'"$n"',"intact":0,"client_failed":true}'
  sleep 2
  alive "$target" "$n long streams ($label)" || lives=false
  record --arg target "$target" --arg scenario "$label" --argjson n "$n" --argjson ramp "$ramp" --argjson alive "$lives" \
         --argjson r "$json" '{kind: "streams", target: $target, label: $scenario, n: $n, ramp_ms: $ramp, alive: $alive, result: $r}'
  [[ $lives == true ]]
}
streams_part() {   # TARGET
  local target=$1 serving=false
  log "$target: long streams through slow-upstream (${SLOW_CHUNKS} chunks x ${SLOW_INTERVAL_MS} ms)"
  [[ $target == gateway ]] && point_channel "$SLOW_MOCK" stream
  if streams_run "$target" spread "$STREAMS_N" "$STREAMS_RAMP_MS" && streams_run "$target" at_once "$STREAMS_OVER_N" 0; then
    # serving afterwards = a plain request through the fast mock answers (for the gateway: after moving its channel back)
    if [[ $target != gateway ]] || try_point_channel "$MOCK_JSON" nonstream; then probe "$target" nonstream && serving=true; fi
  fi
  record --arg target "$target" --argjson serving "$serving" '{kind: "after_streams", target: $target, serving: $serving}'
}

# ---- mocks: nginx (:18080 JSON and /stream SSE, :18081 SSE) on the load CPU; slow-upstream when streams run
mock_ok() {
  curl -sf -m 2 -X POST "$MOCK_JSON/v1/chat/completions" -d '{}' | grep -q chat.completion \
    && curl -sf -m 2 -X POST "$MOCK_SSE/v1/chat/completions" -d '{}' | grep -q 'data: \[DONE\]'
}
if port_busy 18080 || port_busy 18081; then
  mock_ok || die "ports 18080/18081 are taken by something that is not the bench mock"
  log "an nginx mock is already answering on :18080/:18081; using it (its CPU pinning is not ours)"
else
  export NGX_PREFIX="$WORK/nginx"
  "$SHARED_BENCH/gen-nginx-mock.sh" >/dev/null
  chmod -R a+rX "$NGX_PREFIX"
  "${PIN_MOCK[@]}" nginx -e "$NGX_PREFIX/logs/error.log" -c "$NGX_PREFIX/mock.conf" -p "$NGX_PREFIX/"
  NGINX_PID_FILE="$NGX_PREFIX/nginx.pid"
  for _ in $(seq 1 50); do mock_ok && break; sleep 0.1; done
  mock_ok || { cat "$NGX_PREFIX/logs/error.log" >&2; die "nginx mock did not start"; }
fi
if has "$PARTS" streams; then
  port_busy 18090 && die "port 18090 (slow-upstream) is in use"
  CHUNKS="$SLOW_CHUNKS" INTERVAL_MS="$SLOW_INTERVAL_MS" "${PIN_MOCK[@]}" node "$SHARED_BENCH/slow-upstream/server.js" \
    >"$WORK/slow-upstream.log" 2>&1 &
  SLOW_PID=$!
  for _ in $(seq 1 50); do curl -sf -m 1 "$SLOW_MOCK/stats" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf -m 1 "$SLOW_MOCK/stats" >/dev/null || die "slow-upstream did not start"
fi

# ---- this gateway: built in Release, alone on GW_CPUS, fresh database, one channel switched between the mocks
ACCESS_TOKEN="$(randhex 16)"   # 32 hex chars, like one-api's access tokens
RELAY_KEY="$(randhex 24)"      # 48 chars
api() {   # METHOD PATH [JSON] -> response body; fails unless success=true
  local resp
  resp=$(curl -sS -m 30 -X "$1" "$BASE$2" -H "Authorization: $ACCESS_TOKEN" -H 'Content-Type: application/json' \
         ${3:+--data "$3"}) || { log "$1 $2 failed"; return 1; }
  jq -e '.success == true' >/dev/null 2>&1 <<<"$resp" || { log "$1 $2: $resp"; return 1; }
  printf '%s' "$resp"
}
channel_json() {   # BASE_URL [ID]
  jq -nc --arg b "$1" --arg m "$MODEL" --argjson id "${2:-null}" \
    '{type: 1, name: "bench", key: "sk-upstream", base_url: $b, models: $m, group: "default"} + (if $id then {id: $id} else {} end)'
}
try_point_channel() {   # BASE_URL MODE -> 0 once a request in that mode goes through
  api PUT /api/channel/ "$(channel_json "$1" "$CHANNEL_ID")" >/dev/null || return 1
  for _ in $(seq 1 50); do probe gateway "$2" && return 0; sleep 0.2; done
  return 1
}
point_channel() { try_point_channel "$@" || die "a $2 request through $BASE still fails after pointing the channel at $1"; }
mock_for() { if [[ $1 == stream ]]; then echo "$MOCK_SSE"; else echo "$MOCK_JSON"; fi; }

GATEWAY_STARTS=0
start_gateway() {   # PHASE NOFILE
  local phase=$1 nofile=$2
  GATEWAY_STARTS=$((GATEWAY_STARTS + 1))
  port_busy "$PORT" && die "port $PORT is in use (set BENCH_PORT)"
  local -a cmd
  if [[ -z ${BENCH_SERVER_CMD:-} ]]; then
    log "building the server (Release)"
    "$ROOT/run.sh" --build-only
    cmd=(dotnet "$ROOT/artifacts/server/OneApi.Server.dll")
  else
    read -r -a cmd <<<"$BENCH_SERVER_CMD"
  fi
  (
    cd "$ROOT"
    unset SQL_DSN LOG_SQL_DSN REDIS_CONN_STRING
    [[ -n ${BENCH_SQL_DSN:-} ]] && export SQL_DSN="$BENCH_SQL_DSN"
    export PORT SQLITE_PATH="$WORK/one-api-$GATEWAY_STARTS.db" ASPNETCORE_ENVIRONMENT=Production \
           INITIAL_ROOT_ACCESS_TOKEN="$ACCESS_TOKEN" INITIAL_ROOT_TOKEN="$RELAY_KEY" SESSION_SECRET="$(randhex 32)"
    ulimit -n "$nofile"
    exec "${PIN_GW[@]}" "${cmd[@]}"
  ) >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  local t0; t0=$(date +%s%N)
  for _ in $(seq 1 600); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 50 "$WORK/server.log" >&2; die "the server exited during start-up"; }
    curl -sf -m 1 "$BASE/api/status" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -sf -m 2 "$BASE/api/status" >/dev/null || { tail -n 50 "$WORK/server.log" >&2; die "no answer on $BASE/api/status"; }
  local start_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  sleep 2   # let start-up work settle before reading the idle memory
  record --arg target gateway --arg phase "$phase" --argjson ms "$start_ms" --argjson kb "$(tree_kb "$SERVER_PID" VmRSS)" \
         --argjson nofile "$nofile" '{kind: "start", target: $target, phase: $phase, start_ms: $ms, idle_rss_kb: $kb, nofile: $nofile}'
  log "server up on $BASE (pid $SERVER_PID) after ${start_ms} ms"
  api POST /api/channel/ "$(channel_json "$MOCK_JSON")" >/dev/null || die "could not create the channel"
  CHANNEL_ID=$(api GET '/api/channel/?p=0' | jq -r '[.data | if type == "object" then (.items // .data // []) else . end
                                                     | .[] | select(.name == "bench") | .id][0] // empty')
  [[ -n $CHANNEL_ID ]] || die "channel created but not found in GET /api/channel/"
}

# ---- Portkey, as ../shared/bench/ANCHORS.md starts it, installed in a cache folder outside the repo
start_portkey() {   # PHASE NOFILE
  local phase=$1 nofile=$2 pkg="$PORTKEY_DIR/node_modules/@portkey-ai/gateway"
  if [[ ! -f $pkg/build/start-server.js ]]; then
    log "installing @portkey-ai/gateway@$PORTKEY_VERSION into $PORTKEY_DIR"
    mkdir -p "$PORTKEY_DIR"
    [[ -f $PORTKEY_DIR/package.json ]] || echo '{"private": true}' > "$PORTKEY_DIR/package.json"
    npm install --prefix "$PORTKEY_DIR" --no-audit --no-fund --loglevel=error "@portkey-ai/gateway@$PORTKEY_VERSION" >&2
  fi
  port_busy "$PORTKEY_PORT" && die "port $PORTKEY_PORT is in use (set PORTKEY_PORT)"
  (
    cd "$pkg"
    export NODE_ENV=production
    ulimit -n "$nofile"
    exec "${PIN_GW[@]}" node -r "$SHARED_BENCH/loopback-only.cjs" -r "$SHARED_BENCH/portkey-stream-fix.cjs" \
      build/start-server.js --headless --port="$PORTKEY_PORT"
  ) >"$WORK/portkey.log" 2>&1 &
  PORTKEY_PID=$!
  local t0; t0=$(date +%s%N)
  for _ in $(seq 1 300); do
    kill -0 "$PORTKEY_PID" 2>/dev/null || { tail -n 50 "$WORK/portkey.log" >&2; die "Portkey exited during start-up"; }
    probe portkey nonstream && break
    sleep 0.1
  done
  probe portkey nonstream || { tail -n 50 "$WORK/portkey.log" >&2; die "no answer from Portkey on :$PORTKEY_PORT"; }
  probe portkey stream || die "a streamed request through Portkey fails (is portkey-stream-fix.cjs loaded?)"
  sleep 2
  record --arg target portkey --arg phase "$phase" --argjson ms "$(( ($(date +%s%N) - t0) / 1000000 ))" \
         --argjson kb "$(tree_kb "$PORTKEY_PID" VmRSS)" --argjson nofile "$nofile" \
         '{kind: "start", target: $target, phase: $phase, start_ms: $ms, idle_rss_kb: $kb, nofile: $nofile}'
  log "Portkey up on :$PORTKEY_PORT (pid $PORTKEY_PID)"
}

# ---- the run: one target at a time on GW_CPUS
record --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" --arg date "$(date -u +%FT%TZ)" \
  --arg host "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r)" \
  --arg gw_cpus "${GW_CPUS:-any}" --arg mock_cpus "${MOCK_CPUS:-any}" --arg db "${BENCH_SQL_DSN:+other database}" \
  --arg parts "$PARTS" --arg modes "$MODES" --arg nofile "$GW_NOFILE/$STREAMS_NOFILE" \
  --argjson duration "$DURATION" --argjson runs "$RUNS" --argjson c1_duration "$C1_DURATION" --argjson c1_runs "$C1_RUNS" \
  --argjson conns1500_duration "$CONNS1500_DURATION" --argjson slow_chunks "$SLOW_CHUNKS" --argjson slow_interval "$SLOW_INTERVAL_MS" \
  --arg portkey "$PORTKEY_VERSION" \
  '{kind: "meta", commit: $commit, date: $date, host: $host, gw_cpus: $gw_cpus, mock_cpus: $mock_cpus,
    db: (if $db == "" then "fresh SQLite" else $db end), parts: $parts, modes: $modes, gw_nofile: $nofile,
    duration: $duration, runs: $runs, c1_duration: $c1_duration, c1_runs: $c1_runs, conns1500_duration: $conns1500_duration,
    slow_chunks: $slow_chunks, slow_interval_ms: $slow_interval, portkey_version: $portkey}'

start_target() {   # TARGET PHASE NOFILE
  case $1 in
    gateway) start_gateway "$2" "$3" ;;
    portkey) start_portkey "$2" "$3" ;;
    *) die "unknown target $1 (gateway, portkey)" ;;
  esac
}
stop_target() {   # TARGET
  local pid; pid=$(target_pid "$1")
  [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && log "$1 was no longer running"
  stop_pid "$pid"
  case $1 in gateway) SERVER_PID="" ;; portkey) PORTKEY_PID="" ;; esac
}

LOAD_PARTS=""; for part in c1 small big conns1500; do has "$PARTS" "$part" && LOAD_PARTS+=" $part"; done
# The same long streams straight to slow-upstream: what the load side reaches with no gateway in between, on its CPU.
if has "$PARTS" streams && [[ $STREAMS_DIRECT == 1 ]]; then streams_run direct spread "$STREAMS_N" "$STREAMS_RAMP_MS" || true; fi
for target in $TARGETS; do
  if [[ -n $LOAD_PARTS ]]; then
    start_target "$target" load "$GW_NOFILE"
    for mode in $MODES; do
      alive "$target" || break
      [[ $target == gateway ]] && point_channel "$(mock_for "$mode")" "$mode"
      run_parts "$target" "$mode"
    done
    stop_target "$target"
  fi
  # The long streams get a fresh process: what the load parts left in its heap would blur idle and peak memory.
  if has "$PARTS" streams && has "$STREAMS_TARGETS" "$target"; then
    start_target "$target" streams "$STREAMS_NOFILE"
    streams_part "$target"
    stop_target "$target"
  fi
done

node "$BENCH/report.js" "$RESULTS" | tee "$OUT/report.md"
log "reports: $OUT (results.jsonl, report.md, logs)"

#!/usr/bin/env bash
# test.sh -- run every test and print one summary line: "N passed, N failed, N skipped".
#
#   ./test.sh                                   # all .NET tests (Release), then web tests if web/ has any
#   ./test.sh --filter "FullyQualifiedName~Relay"   # extra arguments go to `dotnet test`
#   ONEAPI_SKIP_WEB_TESTS=1 ./test.sh           # .NET tests only
#   ONEAPI_TEST_SERVICES=0 ./test.sh            # install and start nothing (SQLite only, no browser)
#
# First, scripts/test-services.sh installs the Debian packages the tests use (as root, with apt) and
# starts throwaway PostgreSQL, MariaDB and Redis servers on loopback, stopped again at the end; the
# integration tests then run on SQLite, PostgreSQL and MariaDB. What it could not provide is named
# in the summary line: "… 0 skipped (no PostgreSQL: not installed, not root)".
#
# Counts come from the TRX files that `dotnet test` writes to TestResults/, plus JUnit XML files
# that the web tests write under web/test-results/ (if none are written, the web test run counts
# as one test, passed or failed by npm's exit code). Exits non-zero when the build fails, a test
# fails, or a test host crashes or hangs (ONEAPI_TEST_HANG_TIMEOUT, default 15m, of no test output);
# such a run counts as one failure in the summary line.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS="$ROOT/TestResults"
log() { printf '[test.sh] %s\n' "$*" >&2; }

# attr NAME TAG-TEXT -> value of NAME="…" in TAG-TEXT (0 if absent)
attr() { local v; v=$(sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$2"); echo "${v:-0}"; }

passed=0 failed=0 skipped=0 status=0

# ---- databases, Redis, Chromium: installed and started here, stopped on exit
# shellcheck source=scripts/test-services.sh
source "$ROOT/scripts/test-services.sh"
trap services_down EXIT
services_up

# ---- web console: install and build first, so server tests that serve the console can find it
if [[ -f web/package.json ]] && command -v npm >/dev/null 2>&1; then
  if ! ./run.sh --build-only; then log "console or server build failed"; status=1; fi
elif [[ -f web/package.json ]]; then
  SERVICES_MISSING+=("no console build or browser tests: npm not installed")
fi

# ---- .NET tests
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
log "dotnet test OneApi.slnx -c Release${ONEAPI_TEST_PG_DSN:+ (PostgreSQL tests on)}${ONEAPI_TEST_MYSQL_DSN:+ (MariaDB tests on)}${ONEAPI_TEST_REDIS:+ (Redis tests on)}"
dotnet test OneApi.slnx -c Release --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" \
  --blame-hang-timeout "${ONEAPI_TEST_HANG_TIMEOUT:-15m}" --blame-hang-dump-type none "$@" 2>&1 \
  | tee "$RESULTS/dotnet-test.log"
dotnet_rc=${PIPESTATUS[0]}
(( dotnet_rc != 0 )) && status=1

shopt -s nullglob
trx_files=("$RESULTS"/*.trx "$RESULTS"/*/*.trx)
for f in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  [[ -z $counters ]] && continue
  passed=$(( passed + $(attr passed "$counters") ))
  failed=$(( failed + $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters") ))
  # a skipped test is counted in total but not in executed (notExecuted stays 0)
  skipped=$(( skipped + $(attr total "$counters") - $(attr executed "$counters") ))
done
if (( dotnet_rc != 0 )); then
  # a build error, a crashed or hung test host: no failed test in the TRX, so count the run itself as one failure
  if grep -q ': error [A-Z]*[0-9]*:' "$RESULTS/dotnet-test.log"; then
    log "BUILD FAILED (counted as 1 failure):"
    grep ': error [A-Z]*[0-9]*:' "$RESULTS/dotnet-test.log" | sort -u | head -n 20 >&2
    failed=$((failed + 1))
  elif (( failed == 0 )); then
    log "dotnet test exited with $dotnet_rc but no test failed: a test host crashed or hung (counted as 1 failure)"
    grep -E 'Test Run Aborted|inactivity time|crashed|The active test run was aborted' "$RESULTS/dotnet-test.log" | head -n 10 >&2
    failed=$((failed + 1))
  fi
fi

# ---- web tests (browser/unit tests of the console), if any
if [[ -f web/package.json && -z ${ONEAPI_SKIP_WEB_TESTS:-} && -n ${ONEAPI_TEST_CHROMIUM:-} ]] && command -v npm >/dev/null 2>&1 \
   && node -e 'process.exit(require("./web/package.json").scripts?.test ? 0 : 1)' 2>/dev/null; then
  rm -rf web/test-results
  log "npm test (web)"
  (cd web && CI=true npm test)
  web_rc=$?
  junit=(web/test-results/*.xml web/test-results/*/*.xml)
  if (( ${#junit[@]} )); then
    for f in "${junit[@]}"; do
      # JUnit: sum the attributes of every <testsuite> (not <testsuites>)
      while IFS= read -r suite; do
        t=$(attr tests "$suite"); fl=$(( $(attr failures "$suite") + $(attr errors "$suite") )); sk=$(attr skipped "$suite")
        passed=$((passed + t - fl - sk)); failed=$((failed + fl)); skipped=$((skipped + sk))
      done < <(grep -o '<testsuite [^>]*>' "$f")
    done
    (( web_rc != 0 )) && status=1
  else
    if (( web_rc == 0 )); then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
  fi
fi

(( failed > 0 )) && status=1
# name every failed test last, with its message, where a CI log cut to its tail still shows it
grep -E -A14 '^[[:space:]]+Failed [A-Za-z_]' "$RESULTS/dotnet-test.log" 2>/dev/null | head -n 120 | sed 's/^/[test.sh] /' >&2
echo
missing=""
if (( ${#SERVICES_MISSING[@]} )); then missing=$(printf '%s; ' "${SERVICES_MISSING[@]}"); missing=" (${missing%; })"; fi
echo "$passed passed, $failed failed, $skipped skipped$missing"
exit "$status"

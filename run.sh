#!/usr/bin/env bash
# run.sh -- build (only what changed) and start One API.
#
#   ./run.sh                 # http://127.0.0.1:3000, SQLite at ./data/one-api.db, login root / 123456
#   ./run.sh --port 8080     # arguments are passed to the server
#   PORT=8080 SQL_DSN=postgres://user:pass@127.0.0.1:5432/oneapi ./run.sh
#   ./run.sh --build-only    # build the console and the server, do not start it
#
# The server is published to artifacts/server (Release). It is rebuilt only when a file under
# src/ or web/, or a build file at the root, is newer than the last successful build; set
# ONEAPI_REBUILD=1 to force it. The web console (web/, if present) is built first because its
# output is part of the server's static files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
OUT="$ROOT/artifacts/server"
STAMP="$OUT/.build-stamp"
WEB_STAMP="$ROOT/artifacts/.web-build-stamp"
NPM_STAMP="$ROOT/artifacts/.web-install-stamp"
log() { printf '[run.sh] %s\n' "$*" >&2; }

# newer_than STAMP PATH... : prints the first file under PATHs newer than STAMP (ignores build output)
newer_than() {
  local stamp=$1; shift
  local -a paths=()
  local p; for p in "$@"; do [[ -e $p ]] && paths+=("$p"); done
  (( ${#paths[@]} )) || return 0
  find "${paths[@]}" \( -name bin -o -name obj -o -name node_modules -o -name dist -o -name build \) -prune \
       -o -type f -newer "$stamp" -print -quit 2>/dev/null || true  # -quit, not | head: SIGPIPE under pipefail ended the script
}

# What the build and the server need: the .NET SDK (named, not installed: it is not in Debian's archive),
# Node.js for the console (vite needs 20.19 or later; Debian 12's nodejs is older, so it is named too),
# ffprobe for billing transcriptions by duration (installed with apt when running as root).
check_tools() {
  command -v dotnet >/dev/null 2>&1 || {
    log "the .NET 10 SDK is not installed: see https://learn.microsoft.com/dotnet/core/install/linux-debian"; exit 1; }
  if [[ ! -x /usr/bin/ffprobe ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      log "installing ffmpeg (ffprobe measures uploaded audio)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ffmpeg >/dev/null 2>&1 \
        || log "apt-get install ffmpeg failed: transcriptions are billed by their text"
    else
      log "no /usr/bin/ffprobe: transcriptions are billed by their text (apt-get install ffmpeg)"
    fi
  fi
}

build_web() {
  [[ -f web/package.json ]] || return 0
  if ! command -v npm >/dev/null 2>&1 || ! node -e \
       'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    log "the console needs Node.js 20.19 or later with npm (https://nodejs.org); serving the API without it"; return 0
  fi
  if [[ ! -d web/node_modules || ! -f $NPM_STAMP || web/package.json -nt $NPM_STAMP ]] \
     || { [[ -f web/package-lock.json ]] && [[ web/package-lock.json -nt $NPM_STAMP ]]; }; then
    log "installing web dependencies"
    if [[ -f web/package-lock.json ]]; then (cd web && npm ci --no-audit --no-fund --loglevel=error)
    else (cd web && npm install --no-audit --no-fund --loglevel=error); fi
    touch "$NPM_STAMP"
  fi
  if [[ -n ${ONEAPI_REBUILD:-} || ! -f $WEB_STAMP || -n "$(newer_than "$WEB_STAMP" web)" ]]; then
    if node -e 'process.exit(require("./web/package.json").scripts?.build ? 0 : 1)' 2>/dev/null; then
      log "building the web console"
      (cd web && npm run build --silent)
      touch "$WEB_STAMP"
    fi
  fi
}

build_server() {
  if [[ -z ${ONEAPI_REBUILD:-} && -f $STAMP && -f $OUT/OneApi.Server.dll ]]; then
    local changed
    changed="$(newer_than "$STAMP" src web Directory.Build.props Directory.Packages.props global.json \
               OneApi.slnx NuGet.config nuget.config)"
    [[ -z $changed ]] && return 0
    log "rebuilding: $changed changed"
  else
    log "building the server (Release)"
  fi
  dotnet publish src/OneApi.Server/OneApi.Server.csproj -c Release -o "$OUT" -nologo -v quiet \
    -p:UseAppHost=false >"$ROOT/artifacts/build.log" 2>&1 || {
      cat "$ROOT/artifacts/build.log" >&2; log "build failed"; exit 1; }
  touch "$STAMP"
}

mkdir -p "$ROOT/artifacts"
check_tools
build_web
build_server

if [[ ${1:-} == --build-only ]]; then
  log "built: $OUT/OneApi.Server.dll"
  exit 0
fi

# one-api's default database is SQLite; keep it under ./data unless told otherwise.
export SQLITE_PATH="${SQLITE_PATH:-$ROOT/data/one-api.db}"
mkdir -p "$(dirname "$SQLITE_PATH")"
exec dotnet "$OUT/OneApi.Server.dll" "$@"

#!/usr/bin/env bash
# scripts/build-image-root.sh OUT -- the build steps of the container image, runnable outside a container.
#
# Builds the web console (npm ci, npm run build) and publishes the server (Release, framework-dependent) into
# OUT/app, with an empty OUT/data for the database. The Dockerfile runs this in the SDK image and copies OUT
# into the runtime image; tests run it in a scratch folder and start OUT/app/OneApi.Server.dll.
#
# Needs the .NET 10 SDK, and Node.js 20.19+ with npm for the console (without npm the console is left out,
# and said so). Writes only under OUT and the build folders of this source tree.
set -euo pipefail
OUT="${1:?usage: scripts/build-image-root.sh OUT}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log() { printf '[build-image-root] %s\n' "$*" >&2; }

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
rm -rf "$OUT/app"

if [[ -f $ROOT/web/package.json ]] && command -v npm >/dev/null 2>&1; then
  log "building the console"
  (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
else
  log "npm not found: the image serves the API without the console"
fi

log "publishing the server to $OUT/app"
dotnet publish "$ROOT/src/OneApi.Server/OneApi.Server.csproj" -c Release -o "$OUT/app" -nologo -v quiet -p:UseAppHost=false
mkdir -p "$OUT/data"
log "done: dotnet $OUT/app/OneApi.Server.dll"

#!/usr/bin/env bash
# scripts/publish-single-file.sh -- self-contained single-file builds of the server: no .NET needed where they run.
#
#   scripts/publish-single-file.sh                  # linux-x64 and linux-arm64
#   scripts/publish-single-file.sh linux-x64        # only the runtimes named
#
# Each lands in artifacts/single-file/<runtime>/: the executable `one-api` and, when the console was built,
# its wwwroot/ beside it (served from there). Run it as `./one-api --port 3000`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
runtimes=("$@")
(( ${#runtimes[@]} )) || runtimes=(linux-x64 linux-arm64)

./run.sh --build-only   # the console first: its build is part of the server's files
for rid in "${runtimes[@]}"; do
  out="$ROOT/artifacts/single-file/$rid"
  rm -rf "$out"
  printf '[publish] %s -> %s\n' "$rid" "$out" >&2
  dotnet publish src/OneApi.Server/OneApi.Server.csproj -c Release -r "$rid" --self-contained -nologo -v quiet \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none -o "$out"
  mv "$out/OneApi.Server" "$out/one-api"
done

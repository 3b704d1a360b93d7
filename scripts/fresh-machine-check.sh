#!/usr/bin/env bash
# scripts/fresh-machine-check.sh [COMMIT] -- runs `CI=true ./test.sh` on a freshly made Debian 12 root filesystem.
#
# Shows that ./test.sh passes on a fresh machine with nothing installed by hand: it makes a clean bookworm root
# with debootstrap (from the Debian mirror this machine's apt uses), gives it only what a fresh machine of our
# kind has before the project touches it -- the .NET SDK, Node.js with npm, the NuGet folder /opt/nuget/packages
# (all bind-mounted read-only) and the NuGet/npm registry settings -- clones COMMIT (default: main) of this
# repository into it and runs `CI=true ./test.sh` there as root, so test.sh itself must install Chromium,
# PostgreSQL, Redis, MariaDB and ffmpeg with apt. Not part of test.sh: it needs root and takes long (an hour or
# more on two cores). Prints test.sh's summary line and the duration; the full output is in $ROOTFS.log.
#
#   sudo scripts/fresh-machine-check.sh                 # main
#   sudo scripts/fresh-machine-check.sh ops2            # any commit or branch of this repository
#   ONEAPI_FRESH_ROOT=/var/tmp/x scripts/fresh-machine-check.sh   # where the root filesystem goes
#   ONEAPI_FRESH_KEEP=1 ...                             # reuse the bootstrapped base from an earlier run
#
# The throwaway servers use other ports than test.sh's defaults, so that servers the host runs on those are not
# taken for the chroot's own (the chroot shares the host's network).
set -euo pipefail
COMMIT="${1:-main}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOTFS="${ONEAPI_FRESH_ROOT:-/var/tmp/oneapi-fresh-machine}"
BASE="$ROOTFS.base.tar"
LOG="$ROOTFS.log"
log() { printf '[fresh-machine] %s\n' "$*" >&2; }

[[ $(id -u) == 0 ]] || { log "needs root (debootstrap, chroot, mounts)"; exit 1; }
command -v debootstrap >/dev/null || { log "needs debootstrap: apt-get install debootstrap"; exit 1; }
DOTNET_DIR="$(dirname "$(readlink -f "$(command -v dotnet)")")"
NODE_BIN="$(readlink -f "$(command -v node)")"
NPM_DIR="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
MIRROR="$(sed -n 's/^URIs:[[:space:]]*\(http[^ ]*\/debian\)[[:space:]]*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

mounts=()
cleanup() {
  local pid root
  # processes left in the chroot (servers test.sh could not stop): each is ours, found by its root folder
  for pid in /proc/[0-9]*; do
    root="$(readlink "$pid/root" 2>/dev/null || true)"
    [[ $root == "$ROOTFS" ]] && kill -9 "${pid#/proc/}" 2>/dev/null || true
  done
  local i
  for (( i = ${#mounts[@]} - 1; i >= 0; i-- )); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  mounts=()
}
trap cleanup EXIT

# mnt TARGET ARGS... : mounts ARGS on $ROOTFS/TARGET and remembers it for cleanup
mnt() { local target="$ROOTFS$1"; shift; mount "$@" "$target"; mounts+=("$target"); }
# bind_ro SOURCE : SOURCE, read-only, at the same path inside the chroot
bind_ro() {
  local src=$1 target="$ROOTFS$1"
  if [[ -d $src ]]; then mkdir -p "$target"; else mkdir -p "$(dirname "$target")"; : >"$target"; fi
  mnt "$1" --bind "$src"; mount -o remount,bind,ro "$target"
}

# ---- a clean bookworm: what debootstrap installs, plus git (to clone) and the libraries the .NET SDK loads
start=$(date +%s)
# a mount left by an interrupted run would let rm reach the host's /dev or SDK
if grep -q " $ROOTFS/" /proc/mounts; then log "mounts left under $ROOTFS: umount them first"; exit 1; fi
rm -rf "$ROOTFS"
if [[ ${ONEAPI_FRESH_KEEP:-} == 1 && -f $BASE ]]; then
  log "unpacking the bootstrapped base $BASE"
  mkdir -p "$ROOTFS"; tar -xf "$BASE" -C "$ROOTFS"
else
  log "debootstrap bookworm from $MIRROR into $ROOTFS"
  debootstrap --variant=minbase --include=git,ca-certificates,libicu72,libssl3,zlib1g,tzdata \
    bookworm "$ROOTFS" "$MIRROR" >"$ROOTFS.debootstrap.log" 2>&1 \
    || { tail -n 30 "$ROOTFS.debootstrap.log" >&2; exit 1; }
  tar -cf "$BASE" -C "$ROOTFS" .
fi

# apt as on this machine (the Debian sources only), name resolution, and the registries' client settings
rm -f "$ROOTFS"/etc/apt/sources.list; mkdir -p "$ROOTFS/etc/apt/sources.list.d"
for f in /etc/apt/sources.list.d/*.sources; do
  grep -q '/debian' "$f" && ! grep -q nodesource "$f" && cp "$f" "$ROOTFS/etc/apt/sources.list.d/"
done
cp /etc/apt/apt.conf.d/99artifact-registry "$ROOTFS/etc/apt/apt.conf.d/" 2>/dev/null || true
cp /etc/resolv.conf /etc/hosts "$ROOTFS/etc/"
# the machine's own certificate authorities (its registries are reached through them)
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
  chroot "$ROOTFS" update-ca-certificates >/dev/null
fi
mkdir -p "$ROOTFS/root/.nuget/NuGet"
cp /root/.nuget/NuGet/NuGet.Config "$ROOTFS/root/.nuget/NuGet/" 2>/dev/null || true
for f in /root/.npmrc /etc/npmrc /usr/etc/npmrc; do
  [[ -f $f ]] && { mkdir -p "$ROOTFS$(dirname "$f")"; cp "$f" "$ROOTFS$f"; }
done
# package installs must not start services in the chroot: they would run on the host's network
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"; chmod +x "$ROOTFS/usr/sbin/policy-rc.d"

# ---- what the machine kind brings: the .NET SDK, Node.js and npm, the NuGet package folder (read-only)
mnt /proc -t proc proc
mnt /sys -t sysfs sysfs
mnt /dev --bind /dev
mnt /dev/pts --bind /dev/pts
mnt /dev/shm -t tmpfs -o mode=1777,size=2g tmpfs
bind_ro "$DOTNET_DIR"
bind_ro "$NODE_BIN"
bind_ro "$NPM_DIR"
bind_ro /opt/nuget/packages
ln -sf "$DOTNET_DIR/dotnet" "$ROOTFS/usr/bin/dotnet"
[[ $NODE_BIN == /usr/bin/node ]] || ln -sf "$NODE_BIN" "$ROOTFS/usr/bin/node"
ln -sf "$NPM_DIR/bin/npm-cli.js" "$ROOTFS/usr/bin/npm"
ln -sf "$NPM_DIR/bin/npx-cli.js" "$ROOTFS/usr/bin/npx"

# ---- the project: a clone of COMMIT
git clone -q --no-hardlinks "$REPO" "$ROOTFS/root/one-api"
git -C "$ROOTFS/root/one-api" checkout -q --detach "$(git -C "$REPO" rev-parse "$COMMIT")"
log "testing $(git -C "$ROOTFS/root/one-api" log -1 --format='%h %s')"

# ---- the run, with the machine's environment for the SDK, the registries and TLS, nothing of this session's
env_pass=()
while IFS='=' read -r name value; do env_pass+=("$name=$value"); done \
  < <(env | grep -E '^(DOTNET_|NUGET_|SSL_CERT_|NODE_EXTRA_CA_CERTS=|LANG=)' || true)
tstart=$(date +%s)
set +e
chroot "$ROOTFS" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  TERM=dumb CI=true "${env_pass[@]}" \
  ONEAPI_TEST_PG_PORT=25532 ONEAPI_TEST_MARIADB_PORT=23406 ONEAPI_TEST_REDIS_PORT=16479 \
  bash -c 'cd /root/one-api && ./test.sh </dev/null' >"$LOG" 2>&1
rc=$?
set -e
end=$(date +%s)
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOG" | tail -n 1)"
log "test.sh exited $rc after $(( (end - tstart) / 60 )) min (whole check $(( (end - start) / 60 )) min); log: $LOG"
echo "${summary:-no summary line: see $LOG}"
exit "$rc"

#!/usr/bin/env bash
# Everything a bare Debian 12 machine (Node 20, npm, python3, make/g++) needs before the tests:
# Debian packages, the project's npm dependencies, code-server (a real VS Code) and a running
# Docker engine and Podman's Docker-compatible service (the integration suite runs on both; the ssh
# tests start their own sshd from the openssh-server package). Idempotent: a step whose result is already there is skipped, so a second run
# takes seconds. One line per step on stdout; the steps' own output goes to .ci/logs/*.log
# and its tail is printed only when a step fails.
#
#   bash .ci/setup.sh            (as root, or with sudo available)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOGS="$ROOT/.ci/logs"
mkdir -p "$LOGS"
cd "$ROOT"

SUDO=''
[ "$(id -u)" -eq 0 ] || SUDO='sudo'

PACKAGES=(docker.io podman openssh-server curl busybox-static sqlite3 sqlite3-tools libkrb5-dev pkg-config ripgrep chromium python3)
T0=$(date +%s)

step() { # step NAME LOGFILE CMD...: one line with the time taken; the log's tail when it fails
  local name=$1 log=$2; shift 2
  local t; t=$(date +%s)
  if "$@" >"$LOGS/$log" 2>&1; then
    printf 'setup: %-44s %4d s\n' "$name" $(( $(date +%s) - t ))
  else
    local rc=$?
    printf 'setup: %-44s FAILED (exit %d); last lines of %s:\n' "$name" "$rc" ".ci/logs/$log" >&2
    tail -n 40 "$LOGS/$log" >&2
    exit 1
  fi
}
skip() { printf 'setup: %-44s skipped (%s)\n' "$1" "$2"; }

# --- Debian packages ----------------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  step "apt-get update" apt-update.log $SUDO apt-get update -q
  step "apt-get install ${#missing[@]} packages" apt-install.log \
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}"
else
  skip "Debian packages" "all ${#PACKAGES[@]} installed"
fi

# --- npm dependencies -----------------------------------------------------------------------------
# npm writes node_modules/.package-lock.json after a complete install; newer than the lock file
# means node_modules already matches it (npm ci would delete and refetch everything).
# A symlinked node_modules is a tree shared with another checkout (a git worktree): npm ci would
# empty it for every checkout using it (it did, once: a worktree's fresh lock file looked newer).
if [ -L node_modules ] && [ -z "${CDB_FORCE_NPM_CI:-}" ]; then
  skip "npm ci" "node_modules is a symlink to a shared tree"
elif [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
   && [ -z "${CDB_FORCE_NPM_CI:-}" ]; then
  skip "npm ci" "node_modules matches package-lock.json"
else
  step "npm ci" npm-ci.log npm ci --no-audit --no-fund
fi

# --- code-server -----------------------------------------------------------------------------------
step "code-server 4.100.3 (scripts/installCodeServer.sh)" code-server.log bash scripts/installCodeServer.sh

# --- Docker engine ---------------------------------------------------------------------------------
# No bridge and no iptables: fixture containers run with --network none and nothing may leave the
# machine; the engine needs neither (and iptables is not usable in every CI container).
wait_for_docker() {
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    if [ -n "${DOCKERD_PID:-}" ] && ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      echo "dockerd exited; see .ci/logs/dockerd.log"; return 1
    fi
    sleep 1
  done
  echo "docker info still failing after 60 s"; return 1
}
if docker info >/dev/null 2>&1; then
  skip "Docker engine" "already answering"
else
  # setsid + nohup: the engine must outlive this script and the shell that runs it.
  $SUDO setsid nohup dockerd --bridge=none --iptables=false >"$LOGS/dockerd.log" 2>&1 </dev/null &
  DOCKERD_PID=$!
  step "start dockerd" dockerd-wait.log wait_for_docker
fi

# --- Podman service ----------------------------------------------------------------------------------
# Rootful, on Podman's default socket, never timing out (--time=0). Debian's openssh-server may have
# tried to start sshd at install; the ssh tests start their own on a loopback port.
PODMAN_SOCK=/run/podman/podman.sock
podman_ping() { curl -sf --max-time 2 --unix-socket "$PODMAN_SOCK" http://podman/_ping >/dev/null 2>&1; }
wait_for_podman() {
  local i
  for i in $(seq 1 60); do
    podman_ping && return 0
    if [ -n "${PODMAN_PID:-}" ] && ! kill -0 "$PODMAN_PID" 2>/dev/null; then
      echo "podman system service exited; see .ci/logs/podman-service.log"; return 1
    fi
    sleep 1
  done
  echo "GET /_ping on $PODMAN_SOCK still failing after 60 s"; return 1
}
if podman_ping; then
  skip "Podman service" "already answering on $PODMAN_SOCK"
else
  $SUDO mkdir -p "$(dirname "$PODMAN_SOCK")"
  $SUDO setsid nohup podman system service --time=0 "unix://$PODMAN_SOCK" >"$LOGS/podman-service.log" 2>&1 </dev/null &
  PODMAN_PID=$!
  step "start podman system service" podman-wait.log wait_for_podman
fi

printf 'setup: %-44s %4d s\n' "done" $(( $(date +%s) - T0 ))

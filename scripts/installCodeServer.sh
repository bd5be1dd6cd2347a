#!/usr/bin/env bash
# Installs code-server 4.100.3 (a real VS Code 1.100.3: Node extension host, workbench in the
# browser) into .cache/code-server/ for the extension-host and UI tests.
#
# Why this recipe and not `npm install code-server`: the package's postinstall downloads from the
# internet, which CI cannot reach, and npm 11 skips dependencies' install scripts anyway. So we
# install with --ignore-scripts and then run, by hand, exactly the build steps the postinstall
# would have run (see /work/shared/ENVIRONMENT.md). 4.100.x is the last line that runs on Node 20.
#
# Idempotent: does nothing when the installed code-server already reports the wanted version.
# Needs: node 20, npm, make/g++, python3, libkrb5-dev + pkg-config (kerberos), ripgrep (/usr/bin/rg).
set -euo pipefail

VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CODE_SERVER_DIR:-$ROOT/.cache/code-server}"
BIN="$DIR/node_modules/.bin/code-server"
LOG="$DIR/install.log"

# code-server's first run prints a line about writing ~/.config/code-server/config.yaml before the
# version, so look for the version line rather than at the first line.
installed_version() { "$BIN" --version 2>/dev/null | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+ ' | tr -d ' ' || true; }

if [ -x "$BIN" ] && [ "$(installed_version)" = "$VERSION" ]; then
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi

command -v rg >/dev/null || { echo "ripgrep (/usr/bin/rg) is missing: apt-get install -y ripgrep" >&2; exit 1; }

start=$(date +%s)
mkdir -p "$DIR"
: >"$LOG"
step() { # step "label" cmd...: runs the command with its output in the log, fails loudly with the log's tail
  local label="$1"; shift
  local t0; t0=$(date +%s)
  echo "== $label" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "installCodeServer: '$label' failed; last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  echo "  $label ($(( $(date +%s) - t0 )) s)"
}

# Its own package.json, so that code-server never mixes with the project's node_modules.
[ -f "$DIR/package.json" ] || printf '{ "name": "code-server-for-tests", "private": true }\n' >"$DIR/package.json"

cd "$DIR"
step "npm install code-server@$VERSION (no scripts)" \
  npm install --no-audit --no-fund --ignore-scripts --save-exact "code-server@$VERSION"
step "npm rebuild argon2" npm rebuild argon2

VSC="$DIR/node_modules/code-server/lib/vscode"
cd "$VSC"
step "lib/vscode: npm install --omit=dev (no scripts)" \
  npm install --no-audit --no-fund --omit=dev --ignore-scripts
# @vscode/ripgrep's postinstall downloads rg from GitHub; Debian's rg is the same program.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# Builds the native modules (node-pty, @parcel/watcher, spdlog, kerberos, ...) from source.
# npm_config_yes: rebuild may ask before running scripts that allowScripts does not cover.
step "lib/vscode: npm rebuild (native modules)" env npm_config_yes=true npm rebuild
# VS Code's loader looks for node_modules.asar (packaged desktop builds); point it at the folder.
ln -sfn node_modules node_modules.asar
cd "$VSC/extensions"
step "lib/vscode/extensions: npm install --omit=dev (no scripts)" \
  npm install --no-audit --no-fund --omit=dev --ignore-scripts

got="$(installed_version)"
[ "$got" = "$VERSION" ] || { echo "installCodeServer: installed, but '$BIN --version' reports '$got'" >&2; exit 1; }
# A native module that failed to build is only noticed when a terminal or watcher starts: check now.
for m in node-pty/build/Release/pty.node @vscode/spdlog/build/Release/spdlog.node; do
  [ -f "$VSC/node_modules/$m" ] || { echo "installCodeServer: $m was not built; see $LOG" >&2; exit 1; }
done
echo "code-server $VERSION installed in $DIR in $(( $(date +%s) - start )) s"

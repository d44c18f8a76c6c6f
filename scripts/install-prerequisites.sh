#!/usr/bin/env bash
# Installs what building and testing Switchboard needs, only when it is missing:
# a JDK 17 and Maven, and with the argument "chromium" the browser the console tests drive.
# apt-get update runs once, before the first install (skipped when SWITCHBOARD_APT_UPDATED=1).
set -euo pipefail

say() { echo "==> $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

updated="${SWITCHBOARD_APT_UPDATED:-}"

install() {
  if [ -z "$updated" ]; then
    say "apt-get update"
    as_root apt-get update
    updated=1
  fi
  say "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

if ! command -v javac >/dev/null 2>&1; then install openjdk-17-jdk-headless; fi
if ! command -v mvn >/dev/null 2>&1; then install maven; fi
if [ "${1:-}" = "chromium" ] && ! command -v chromium >/dev/null 2>&1; then install chromium; fi
say "prerequisites present: $(javac -version 2>&1), $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"

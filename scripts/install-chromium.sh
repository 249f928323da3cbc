#!/usr/bin/env bash
# Debian's Chromium for the Web UI test (packages/webui-test), which drives it with playwright-core
# (it downloads no browser of its own). Idempotent: does nothing when Chromium is already there.
# Needs apt-get, and root or sudo.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "Chromium is installed: $CHROMIUM"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "No apt-get here: install Chromium with your system's package manager and set CHROMIUM_PATH to it." >&2
  exit 1
fi
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
  echo "Installing Chromium needs root: run this script as root, or install the chromium package yourself." >&2
  exit 1
fi
echo "Installing Debian's chromium (apt-get)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
echo "Chromium installed: $(command -v chromium)"

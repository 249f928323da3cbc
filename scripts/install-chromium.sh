#!/usr/bin/env bash
# Debian's Chromium for the Web UI test (packages/webui-test), which drives it with playwright-core.
# playwright-core downloads no browser of its own; this installs the distribution's package.
# Idempotent: does nothing when Chromium is already there. Needs root (or sudo) and apt-get.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "Chromium is installed: $CHROMIUM"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here: install Chromium with your system's package manager and set CHROMIUM_PATH to it." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "Installing Chromium needs root: run this script as root, or install the chromium package yourself." >&2
    exit 1
  fi
fi
echo "Installing Debian's chromium (apt-get)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
echo "Chromium installed: $(command -v chromium)"

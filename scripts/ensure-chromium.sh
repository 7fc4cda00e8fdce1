#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (report.html rendering, dashboard e2e).
# Playwright's own browser download cannot work here; playwright-core drives the system's /usr/bin/chromium.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "ensure-chromium: $(chromium --version 2>/dev/null | head -n 1) already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: chromium is missing and installing it needs root (apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
echo "ensure-chromium: installed $(chromium --version 2>/dev/null | head -n 1)"

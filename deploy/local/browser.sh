#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the sandbox chat page's headless-browser test, if missing
# (as root or with sudo). `--packages` prints what it may install.
set -euo pipefail
PACKAGES=(chromium chromium-driver)
if [ "${1:-}" = "--packages" ]; then echo "${PACKAGES[*]}"; exit 0; fi
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
LOG_TAG=browser
# shellcheck source=deploy/local/lib.sh
. "$(dirname "$0")/lib.sh"
apt_install "${PACKAGES[@]}"

#!/usr/bin/env bash
# Makes sure the build's own tools are here: a Java 17 (or newer) JDK and curl (with the CA certificates that
# ./mvnw's first download of Maven needs). Missing ones are installed from Debian packages (as root or with sudo).
# Idempotent: on a machine that has them it only checks. `--packages` prints what it may install.
set -euo pipefail
PACKAGES=(openjdk-17-jdk-headless curl ca-certificates)
if [ "${1:-}" = "--packages" ]; then echo "${PACKAGES[*]}"; exit 0; fi
LOG_TAG=tools
# shellcheck source=deploy/local/lib.sh
. "$(dirname "$0")/lib.sh"

major() { # the major version in the first line of `java -version` / `javac -version`: 17.0.15 -> 17, 1.8.0 -> 1
    "$1" -version 2>&1 | head -n 1 | sed -nE 's/^[^0-9]*([0-9]+).*/\1/p'
}
jdk_ok() {
    command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || return 1
    local java_v javac_v
    java_v=$(major java); javac_v=$(major javac)
    [ "${java_v:-0}" -ge 17 ] && [ "${javac_v:-0}" -ge 17 ]
}

missing=()
jdk_ok || missing+=(openjdk-17-jdk-headless)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
fi
if ! jdk_ok; then
    log "java/javac on PATH is not 17 or newer after installing openjdk-17-jdk-headless:" \
        "$(java -version 2>&1 | head -n 1); pick it with 'sudo update-alternatives --config java' (and javac)" \
        "or put /usr/lib/jvm/java-17-openjdk-*/bin first on PATH"
    exit 1
fi

#!/usr/bin/env bash
# Runs every test of the suite against real RabbitMQ, Redis and PostgreSQL on localhost
# (started or installed first by deploy/local/infra.sh), plus Debian's Chromium for the chat page's browser test;
# Java 17 and curl come from deploy/local/tools.sh when missing.
# Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
deploy/local/tools.sh
deploy/local/infra.sh
deploy/local/browser.sh
./mvnw -B verify "$@"

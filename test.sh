#!/usr/bin/env bash
# Runs every test of the suite against real RabbitMQ, Redis and PostgreSQL on localhost
# (started or installed first by deploy/local/infra.sh). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
deploy/local/infra.sh
./mvnw -B verify "$@"

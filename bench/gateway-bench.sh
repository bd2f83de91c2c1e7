#!/usr/bin/env bash
# One command: benchmark one gateway-service instance with signed Twilio webhooks.
#   bench/gateway-bench.sh [bench options...]      e.g. bench/gateway-bench.sh --duration=20 --rate=3000
# It builds the bench jar (and the gateway if it has no runnable jar yet), starts the packaged gateway on a spare
# port (BENCH_PORT, default 18080) with a limit high enough for the load, an isolated exchange
# (every exchange it publishes to prefixed `bench.`: bench.whatsapp.inbound -> quorum queue bench.gateway-inbound,
# capped), its own Redis key prefix and no media consumer, so no other service's queue or keys see bench traffic; runs the load generator against it (loopback only); prints the
# report including the gateway's RSS before and after; then stops the gateway and removes what it created.
# Starts the local RabbitMQ (management API on 15672) and Redis first if they are not up (deploy/local/infra.sh).
# To compare builds: GATEWAY_APP=<a quarkus-app directory> and BENCH_JAR=<a bench jar> (then nothing is built).
# The machine may be shared with other benchmarks: run it as `flock /tmp/bench.lock bench/gateway-bench.sh ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
# the servers it needs (installed and started if missing, databases created): a fresh machine runs it too
bash deploy/local/infra.sh >/dev/null

PORT=${BENCH_PORT:-18080}
# health and metrics: the gateway's management port (HTTP port + 1000, as in ./run.sh), not its HTTP port
MGMT_PORT=${BENCH_MGMT_PORT:-$((PORT + 1000))}
MGMT=${RABBITMQ_MGMT:-http://localhost:15672}
AUTH=${RABBITMQ_AUTH:-guest:guest}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xmx384m -XX:+UseSerialGC}
PREFIX=bench-gateway:
LOG=${BENCH_LOG:-bench/target/gateway.log}
GATEWAY_APP=${GATEWAY_APP:-gateway-service/target/quarkus-app}

if [ -z "${BENCH_JAR:-}" ]; then
    ./mvnw -B -q -f bench/pom.xml package
    BENCH_JAR=bench/target/bench.jar
fi
[ -f "$GATEWAY_APP/quarkus-run.jar" ] || ./mvnw -B -q -pl gateway-service package -DskipTests
mkdir -p "$(dirname "$LOG")"

api() { curl -fsS -u "$AUTH" -H 'content-type: application/json' -X "$1" "$MGMT/api/$2" ${3:+-d "$3"} >/dev/null; }
api PUT exchanges/%2F/bench.whatsapp.inbound '{"type":"topic","durable":true}'
api PUT queues/%2F/bench.gateway-inbound '{"durable":true,"arguments":{"x-queue-type":"quorum","x-max-length":20000,"x-overflow":"drop-head"}}'
api POST bindings/%2F/e/bench.whatsapp.inbound/q/bench.gateway-inbound '{"routing_key":"#"}'

# shellcheck disable=SC2086
java $GATEWAY_JAVA_OPTS -Dquarkus.profile=local -Dquarkus.http.port="$PORT" -Dgateway.public-base-url="http://localhost:$PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MGMT_PORT" \
    -Dgateway.rate-limit.burst=100000000 -Dgateway.rate-limit.per-minute=100000000 \
    -Dgateway.redis.key-prefix="$PREFIX" \
    -Dmessaging.exchange-prefix=bench. \
    `# renamed exchanges and keys: outside the gateway's own broker and Redis users (infra.sh), so the admins` \
    -Drabbitmq-username=guest -Drabbitmq-password=guest -Dquarkus.redis.hosts=redis://localhost:6379 \
    -Dmessaging.consumers.media-store.enabled=false \
    -Dquarkus.log.level=WARN \
    -jar "$GATEWAY_APP/quarkus-run.jar" >"$LOG" 2>&1 &
GATEWAY_PID=$!
cleanup() {
    kill "$GATEWAY_PID" 2>/dev/null || true
    wait "$GATEWAY_PID" 2>/dev/null || true
    api DELETE queues/%2F/bench.gateway-inbound || true
    for exchange in whatsapp.inbound whatsapp.delivery flash.events whatsapp.outbound; do
        api DELETE "exchanges/%2F/bench.$exchange" || true
    done
    redis-cli --scan --pattern "${PREFIX}*" | xargs -r -n 500 redis-cli DEL >/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$MGMT_PORT/q/health/ready" >/dev/null 2>&1 && break
    sleep 1
done
curl -fsS "http://127.0.0.1:$MGMT_PORT/q/health/ready" >/dev/null || { echo "gateway did not start, see $LOG"; exit 1; }

java -Xmx512m -jar "$BENCH_JAR" --url="http://127.0.0.1:$PORT" --public-base-url="http://localhost:$PORT" \
    --pids="$GATEWAY_PID${BENCH_EXTRA_PIDS:+,$BENCH_EXTRA_PIDS}" "$@"

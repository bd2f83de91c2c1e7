#!/usr/bin/env bash
# Sustained sends through ONE notification-service instance to the sandbox's Twilio simulator, with the outbox in
# PostgreSQL: bench/notification-bench.sh [--messages=5000 --recipients=100 --publishers=16]
# Starts the sandbox on 18089 and notification-service on 18083 (its outbound channel moved to an exchange and
# queue of its own, the notification_test database emptied at start, a per-sender rate high enough for the load),
# publishes replies, reads what the simulator received, reports, stops both and removes the bench queue.
# Needs deploy/local/infra.sh's servers. Stop ./run.sh first: the bench instance also consumes the other
# notification queues.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=.run/bench; mkdir -p "$RUN"
[ -f sandbox/target/quarkus-app/quarkus-run.jar ] && [ -f notification-service/target/quarkus-app/quarkus-run.jar ] \
    || ./mvnw -B -q package -DskipTests -pl sandbox,notification-service
./mvnw -B -q -f bench/pom.xml package
ready() { curl -fsS "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; }
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for q in bench.notification-outbound bench.notification-outbound.dlq; do
        curl -s -u guest:guest -X DELETE "http://127.0.0.1:15672/api/queues/%2F/$q" >/dev/null || true
    done
    curl -s -u guest:guest -X DELETE "http://127.0.0.1:15672/api/exchanges/%2F/bench.whatsapp.outbound" >/dev/null || true
}
trap cleanup EXIT
java -Xmx384m -XX:+UseSerialGC -Dquarkus.http.port=18089 -Dquarkus.http.host=127.0.0.1 -Dquarkus.log.level=WARN \
    -jar sandbox/target/quarkus-app/quarkus-run.jar >"$RUN/sandbox.log" 2>&1 &
pids+=($!)
C=mp.messaging.incoming.whatsapp-outbound
java -Xmx384m -XX:+UseSerialGC \
    -Dquarkus.http.port=18083 -Dquarkus.http.host=127.0.0.1 -Dquarkus.log.level=WARN \
    -Dquarkus.datasource.reactive.url=postgresql://localhost:5432/notification_test \
    -Dquarkus.datasource.jdbc.url=jdbc:postgresql://localhost:5432/notification_test \
    -Dquarkus.flyway.clean-at-start=true \
    -Dapp.twilio.base-url=http://127.0.0.1:18089 \
    -Dapp.twilio.status-callback=http://127.0.0.1:18089/bench-callbacks-ignored \
    -Dapp.relay.rate-per-second="${RELAY_RATE:-5000}" -Dapp.relay.concurrency="${RELAY_CONCURRENCY:-32}" \
    -D$C.exchange.name=bench.whatsapp.outbound -D$C.queue.name=bench.notification-outbound \
    -D$C.dead-letter-queue-name=bench.notification-outbound.dlq -D$C.dead-letter-routing-key=bench.notification-outbound \
    -jar notification-service/target/quarkus-app/quarkus-run.jar >"$RUN/notification.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do ready 18089 && ready 18083 && break; sleep 1; done
ready 18089 && ready 18083 || { echo "apps not ready; see $RUN/"; exit 1; }
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$1/status"; }
echo "notification-service RSS before: $(rss "${pids[1]}")"
java -cp bench/target/bench.jar com.flashapp.whatsapp.bench.NotificationBench "$@"
echo "notification-service RSS after:  $(rss "${pids[1]}")"

#!/usr/bin/env bash
# One command: the whole suite end to end, as ./run.sh runs it.
#   bench/e2e-bench.sh [--rate=10,30,60 --duration=20 --warmup=5 --grace=15 --mix=first:1,help:1,balance:1,ai:1 ...]
# Takes the machine's test lock (BENCH_LOCK, default /tmp/flash-tests.lock: no test or other benchmark runs beside
# it), packages the apps offline if a jar is missing (E2E_BUILD=1: always), starts the six apps with ./run.sh (its
# ports, its JVM options, its databases; the sandbox's status callbacks on), runs EndToEndBench (setup: Flash users,
# known and linked users; then one open-loop run per rate), prints each app's start-up time and RSS, the queues left
# with messages, and stops the apps. Refuses to start while anything listens on ./run.sh's ports.
# REPLICAS=2 bench/e2e-bench.sh …: two replicas each of gateway-, command- and notification-service (./run.sh's
# REPLICAS=2), the webhooks spread over both gateways.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=${BENCH_LOCK:-/tmp/flash-tests.lock}
if [ -z "${E2E_BENCH_LOCKED:-}" ]; then
    echo "waiting for $LOCK"
    exec env E2E_BENCH_LOCKED=1 flock "$LOCK" "$0" "$@"
fi
APPS=(sandbox gateway-service command-service balance-service notification-service ai-support-service)
extra=()
if [ "${REPLICAS:-1}" = 2 ]; then
    APPS+=(gateway-service@2 command-service@2 notification-service@2)
    extra+=(--gateway-replicas=http://127.0.0.1:8090)
fi
# the users write to ./run.sh's sender pool (the bench's default is run.sh's; RELAY_SENDERS overrides both alike)
[ -n "${RELAY_SENDERS:-}" ] && extra+=("--our-numbers=$RELAY_SENDERS")
for port in 8080 8081 8082 8083 8084 8089 9080 9081 9082 9083 9084 8090 8091 8093 9090 9091 9093; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is in use: stop ./run.sh (or whatever listens there) first" >&2
        exit 1
    fi
done
missing=0
for app in "${APPS[@]}"; do [ -f "$app/target/quarkus-app/quarkus-run.jar" ] || missing=1; done
if [ "$missing" = 1 ] || [ "${E2E_BUILD:-0}" = 1 ]; then
    echo "packaging (./mvnw -B -q -o package -DskipTests)"
    ./mvnw -B -q -o package -DskipTests
fi
./mvnw -B -q -o -f bench/pom.xml package
cleanup() { ./run.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
started=$(date +%s.%N)
RUN_BUILD=0 ./run.sh | grep -v '^$' || { echo "./run.sh failed; logs in .run/logs/" >&2; exit 1; }
echo "all six ready $(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN {printf "%.1f", a - b}') s after ./run.sh began"
pids=""
for app in "${APPS[@]}"; do
    name=${app/-service/}
    pids+="${pids:+,}${name/@/-}:$(cat ".run/$app.pid")"
done
rss() { awk '/VmRSS/ {printf "%d MB", $2 / 1024}' "/proc/$1/status"; }
echo "start-up (Quarkus' own 'started in', six starting together) and RSS at ready:"
for app in "${APPS[@]}"; do
    printf '  %-22s %8s  %s\n' "$app" \
        "$(grep -o 'started in [0-9.]*s' ".run/logs/$app.log" | head -1 | awk '{print $3}')" \
        "$(rss "$(cat ".run/$app.pid")")"
done
status=0
java -Xmx256m -XX:+UseSerialGC -cp bench/target/bench.jar com.flashapp.whatsapp.bench.EndToEndBench --pids="$pids" "${extra[@]}" "$@" \
    || status=$?
echo "RSS after the runs:"
for app in "${APPS[@]}"; do printf '  %-22s %s\n' "$app" "$(rss "$(cat ".run/$app.pid")")"; done
# ./run.sh's queues (the default vhost; the tests use vhosts of their own) must not keep the runs' backlog for the
# next start: wait until the apps have drained them (E2E_DRAIN_TIMEOUT s), then purge what is left
queues() {
    curl -fsS -u guest:guest "http://127.0.0.1:15672/api/queues/%2F?columns=name,messages" 2>/dev/null | tr '{' '\n' \
        | sed -n 's/.*"messages":\([0-9]*\).*"name":"\([^"]*\)".*/\2 \1/p; s/.*"name":"\([^"]*\)".*"messages":\([0-9]*\).*/\1 \2/p' \
        | awk '$2 > 0'
}
drained=0
for _ in $(seq 1 "$(( ${E2E_DRAIN_TIMEOUT:-120} / 5 ))"); do
    # the management API's counts lag a few seconds: two empty readings in a row
    if [ -z "$(queues | grep -v '\.dlq ')" ]; then
        drained=$((drained + 1))
        [ "$drained" -ge 2 ] && break
    else
        drained=0
    fi
    sleep 5
done
echo "queues holding messages after the runs (dead-letter queues included):"
left=$(queues)
if [ -z "$left" ]; then echo "  none"; else echo "$left" | sed 's/^/  /'; fi
echo "$left" | awk '$1 !~ /\.dlq$/ && $1 != "" {print $1}' | while read -r queue; do
    curl -fsS -u guest:guest -X DELETE "http://127.0.0.1:15672/api/queues/%2F/$queue/contents" >/dev/null \
        && echo "  purged $queue (not drained in ${E2E_DRAIN_TIMEOUT:-120} s)"
done
exit $status

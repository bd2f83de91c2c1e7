#!/usr/bin/env bash
# Sustained sends through ONE notification-service instance to the sandbox's Twilio simulator, with the outbox in
# PostgreSQL: bench/notification-bench.sh [--messages=5000 --recipients=100 --publishers=16 --rate=0 --via=amqp]
# Starts the sandbox on 18089 and notification-service on 18083 (its outbound channel moved to an exchange and
# queue of its own, the notification_bench database emptied at start, a per-sender rate high enough for the load),
# publishes replies (--warmup=N: the first N warm the JVMs and are left out of the figures), reads what the simulator received, reports, stops both and removes the bench queue.
# NOTIFICATION_APP=<dir> / SANDBOX_APP=<dir> run other builds' quarkus-app directories (before/after comparisons,
# or a copy while another build rewrites target/). Starts deploy/local/infra.sh's servers if they are not up. Stop ./run.sh (and any notification test run) first: the bench instance also consumes the other
# notification queues.
set -euo pipefail
cd "$(dirname "$0")/.."
# the servers it needs (installed and started if missing, databases created): a fresh machine runs it too
bash deploy/local/infra.sh >/dev/null
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
# the simulator answers each send at once; its status callbacks (three per message, to an address that ignores
# them) are pushed past the run, so the machine's cores measure notification-service, not the simulator.
# SANDBOX_JAVA_OPTS adds JVM options to it (e.g. -Xlog:gc).
# Each process runs in a session of its own, as each would run in its own container or systemd unit: with the
# kernel's autogroup scheduling (sched_autogroup_enabled=1, the default on desktop and VM kernels) the CPU is shared
# fairly between sessions, not threads, so service, simulator and publisher started from this one shell would share
# one session's share against PostgreSQL's and RabbitMQ's (the service's threads then waited ~3 s per second for a
# core while PostgreSQL and RabbitMQ were served at once).
# OUTSIDE_NICE=N runs the simulator and the publisher (the outside world: Twilio and the other services, on other
# machines in production) at that nice level (their sessions' too), so that on a shared 2-core box they yield the
# cores to the service, its broker and its database. Default 0: every session competes equally.
# BENCH_SESSIONS=shared starts all three in this shell's session instead, as the figures before 2026-11-27 23:00 were
# measured (the service then shares one session's weight with the simulator and the publisher).
# (both exec: run in the background, $! is the program's own pid; in the foreground, call them in a subshell)
if [ "${BENCH_SESSIONS:-own}" = shared ]; then
    own() { exec "$@"; }
    outside() { exec nice -n "${OUTSIDE_NICE:-0}" "$@"; }
else
    own() { exec setsid -w "$@"; }
    outside() {
        # a new session's autogroup weight follows the nice level written to it (the process's own nice only
        # counts within its session)
        exec setsid -w sh -c 'echo "$0" > /proc/$$/autogroup 2>/dev/null; exec nice -n "$0" "$@"' \
            "${OUTSIDE_NICE:-0}" "$@"
    }
fi
# shellcheck disable=SC2086
outside java -Xms1500m -Xmx1500m -Xmn96m -XX:+UseSerialGC ${SANDBOX_JAVA_OPTS:-} -Dquarkus.http.port=18089 -Dquarkus.http.host=127.0.0.1 -Dquarkus.log.level=WARN \
    -Dsandbox.twilio.callback-interval="${SANDBOX_CALLBACK_INTERVAL:-1h}" \
    -jar "${SANDBOX_APP:-sandbox/target/quarkus-app}/quarkus-run.jar" >"$RUN/sandbox.log" 2>&1 &
pids+=($!)
# NOTIFICATION_JAVA_OPTS adds JVM options to the service, e.g. a flight recording:
# NOTIFICATION_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/notif.jfr,settings=profile"
# shellcheck disable=SC2086
own java -Xmx384m -XX:+UseSerialGC ${NOTIFICATION_JAVA_OPTS:-} -Dquarkus.profile=local \
    -Dquarkus.http.port=18083 -Dquarkus.http.host=127.0.0.1 -Dquarkus.log.level=WARN \
    `# health and metrics (which NotificationBench reads) on the management port, HTTP port + 1000 as in ./run.sh` \
    -Dquarkus.management.port=19083 -Dquarkus.management.host=127.0.0.1 \
    -Dquarkus.datasource.reactive.url=postgresql://localhost:5432/notification_bench \
    -Dquarkus.datasource.jdbc.url=jdbc:postgresql://localhost:5432/notification_bench \
    -Dquarkus.flyway.clean-at-start=true \
    -Dapp.twilio.base-url=http://127.0.0.1:18089 \
    -Dapp.twilio.status-callback=http://127.0.0.1:18089/bench-callbacks-ignored \
    -Dapp.relay.rate-per-second="${RELAY_RATE:-5000}" -Dapp.relay.concurrency="${RELAY_CONCURRENCY:-256}" \
    -Dmessaging.exchange-prefix=bench. -Dmessaging.consumers.whatsapp-outbound.queue=bench.notification-outbound \
    `# one queue, not per-user shards: the bench publishes without the user header and removes the queue after` \
    -Dmessaging.consumers.whatsapp-outbound.shards=1 -Dmessaging.consumers.whatsapp-outbound.prefetch=256 \
    -Dmessaging.consumers.whatsapp-outbound.concurrency=256 \
    `# renamed exchanges and queue: outside notification-service's own broker user (infra.sh), so the admin` \
    -Drabbitmq-username=guest -Drabbitmq-password=guest \
    -Dmessaging.consumers.whatsapp-delivery.enabled=false -Dmessaging.consumers.flash-events.enabled=false \
    -Dmessaging.consumers.notification-requests.enabled=false -Dmessaging.consumers.whatsapp-inbound.enabled=false \
    -jar "${NOTIFICATION_APP:-notification-service/target/quarkus-app}/quarkus-run.jar" >"$RUN/notification.log" 2>&1 &
pids+=($!)
# the sandbox answers health on its one port, the service on its management port
for _ in $(seq 1 120); do ready 18089 && ready 19083 && break; sleep 1; done
ready 18089 && ready 19083 || { echo "apps not ready; see $RUN/"; exit 1; }
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$1/status"; }
# CPU seconds (user + system) the service used: on a shared machine, CPU per message compares builds better than
# messages per second, which depend on what else the cores are doing
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# CPU seconds per thread (tid, name with digits folded), to tell the JIT compiler and GC from the service's own work
threads() {
    for f in /proc/"$1"/task/*/stat; do
        sed -E 's/^([0-9]+) \((.*)\) [A-Za-z] (([^ ]+ ){10})([0-9]+) ([0-9]+).*/\1|\2|\5|\6/' "$f" 2>/dev/null || true
    done
}
echo "notification-service RSS before: $(rss "${pids[1]}")"
threads "${pids[1]}" >"$RUN/threads-before.txt"
cpu_before=$(cpu "${pids[1]}")
sandbox_before=$(cpu "${pids[0]}")
(outside java -cp bench/target/bench.jar com.flashapp.whatsapp.bench.NotificationBench --service-pid="${pids[1]}" \
    --sandbox-pid="${pids[0]}" "$@")
cpu_after=$(cpu "${pids[1]}")
sandbox_after=$(cpu "${pids[0]}")
threads "${pids[1]}" >"$RUN/threads-after.txt"
echo "notification-service CPU by thread group during the run (s):"
awk -F'|' -v hz="$(getconf CLK_TCK)" 'NR == FNR {before[$1] = $3 + $4; next}
    {name = $2; gsub(/[0-9]+/, "N", name); used[name] += ($3 + $4 - before[$1]) / hz}
    END {for (n in used) if (used[n] >= 0.1) printf "  %6.1f  %s\n", used[n], n}' \
    "$RUN/threads-before.txt" "$RUN/threads-after.txt" | sort -rn
echo "notification-service RSS after:  $(rss "${pids[1]}")"
echo "notification-service CPU during the run: $(awk -v a="$cpu_after" -v b="$cpu_before" 'BEGIN {printf "%.1f", a - b}') s"
echo "sandbox (Twilio simulator) CPU during the run: $(awk -v a="$sandbox_after" -v b="$sandbox_before" 'BEGIN {printf "%.1f", a - b}') s"
# what the run did to the outbox tables: HOT updates stay on their page and add no index entries; the dead row
# versions are what the relay's vacuums remove (an idle connection reports its statistics within 10 s)
sleep 11
echo "outbox tables after the run (rows written, updates and how many were HOT, vacuums, size with indexes):"
PGPASSWORD="${DB_PASSWORD:-notification_service-local}" psql -h 127.0.0.1 -U "${DB_USERNAME:-notification_service}" -d notification_bench -X -q -P footer=off -c "select relname as table,
    n_tup_ins as inserted, n_tup_upd as updated, n_tup_hot_upd as hot, n_tup_del as deleted, n_dead_tup as dead,
    vacuum_count as vacuums, pg_size_pretty(pg_total_relation_size(relid)) as size
    from pg_stat_user_tables where relname in ('outbound_message', 'outbound_pending', 'outbound_sid',
    'outbound_event') order by relname" || true

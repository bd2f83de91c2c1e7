#!/usr/bin/env bash
# Runs the whole suite locally: tools (Java 17, curl) and infrastructure, installed from Debian packages when missing
# (deploy/local/tools.sh, deploy/local/infra.sh), build, the five services and the sandbox, each on its port.
#   ./run.sh          start everything (returns once every app answers /q/health/ready on its health port)
#   ./run.sh stop     stop what ./run.sh started
#   ./run.sh status   show each app's readiness
# RUN_BUILD=0 ./run.sh starts the jars already built (bench/e2e-bench.sh builds offline itself).
# REPLICAS=2 ./run.sh also starts a second replica of gateway-, command- and notification-service (ports below),
# the two sharing the per-user shards of their queues (docs/operations.md, "Scaling out").
# Logs go to .run/logs/<app>.log. The sandbox is the default outside world (Flash, Twilio, Maple stand-ins).
set -euo pipefail
cd "$(dirname "$0")"

# app:HTTP port:health port. The services serve health and metrics on their management port (HTTP port + 1000,
# quarkus.management.*), never on the HTTP port; the sandbox, never deployed, keeps them on its one port.
APPS=(sandbox:8089:8089 gateway-service:8080:9080 command-service:8081:9081 balance-service:8082:9082
    notification-service:8083:9083 ai-support-service:8084:9084)
# second replicas (app@2), started with REPLICAS=2; stop and status cover them whenever they run
SECOND_REPLICAS=(gateway-service@2:8090:9090 command-service@2:8091:9091 notification-service@2:8093:9093)
REPLICAS=${REPLICAS:-1}
if [ "$REPLICAS" != 1 ] && [ "$REPLICAS" != 2 ]; then echo "REPLICAS is 1 or 2" >&2; exit 2; fi
[ "$REPLICAS" = 2 ] && APPS+=("${SECOND_REPLICAS[@]}")
RUN_DIR=.run
# JVM options (issue 20, point 5; figures in docs/benchmarks.md "Memory and start-up"): the serial collector, a heap
# that starts at 16 MB and grows only as far as the app's live data needs (the JVM's default first heap is 1/64 of the
# machine's memory, ~380 MB on 24 GB, all of it soon resident), handed back after a full collection past 40 % free.
# JAVA_OPTS replaces these common options and comes after the per-app ones, so an -Xmx there wins.
# -XX:TrimNativeHeapInterval: every 5 s the JVM hands the C heap's free memory (the JIT's, Netty's, ONNX Runtime's
# temporary buffers) back to the system, which glibc keeps otherwise.
# -XX:TieredStopAtLevel=1: C1 alone. On this 2-core machine it took less CPU per message than C1+C2 (C2 compiling
# in six JVMs at once during the load), cut the first-reply p99 and 20–45 MB of RSS per app (docs/benchmarks.md).
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -XX:TrimNativeHeapInterval=5000 -XX:TieredStopAtLevel=1 -Dquarkus.http.host=127.0.0.1 -Dquarkus.management.host=127.0.0.1}
# glibc's malloc keeps up to 8 arenas per core for the JIT's and the native libraries' threads; two are enough here
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
READY_TIMEOUT=${READY_TIMEOUT:-180}

# The heap's ceiling per app. command- and ai-support-service hold MiniLM's ONNX weights outside the heap (ONNX Runtime
# reads them from a file), so their heap is as small as the others'; the sandbox keeps every simulated message.
app_java_opts() {
    case $1 in
        command-service | ai-support-service) echo -Xmx160m ;;
        sandbox) echo -Xmx256m ;;
        *) echo -Xmx128m ;;
    esac
}

ready() { curl -fsS "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; }

stop() {
    local entry app pid
    for entry in "${APPS[@]}" "${SECOND_REPLICAS[@]}"; do
        app=${entry%%:*}
        if [ -f "$RUN_DIR/$app.pid" ]; then
            pid=$(cat "$RUN_DIR/$app.pid")
            if kill -0 "$pid" 2>/dev/null; then
                echo "stopping $app ($pid)"
                kill "$pid"
                for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
                kill -9 "$pid" 2>/dev/null || true
            fi
            rm -f "$RUN_DIR/$app.pid"
        fi
    done
}

http_port() { local rest=${1#*:}; echo "${rest%%:*}"; }

status() {
    local entry app port
    for entry in "${APPS[@]}" "${SECOND_REPLICAS[@]}"; do
        app=${entry%%:*}; port=$(http_port "$entry")
        [[ $app == *@* ]] && [ ! -f "$RUN_DIR/$app.pid" ] && continue
        if ready "${entry##*:}"; then echo "$app  :$port (health :${entry##*:})  UP"
        else echo "$app  :$port (health :${entry##*:})  DOWN"; fi
    done
}

# Keys that production takes from Kubernetes secrets: made once per machine, kept in .run/ (never committed).
local_secrets() {
    mkdir -p "$RUN_DIR"
    if [ ! -f "$RUN_DIR/balance-token-key" ]; then
        head -c 32 /dev/urandom | base64 >"$RUN_DIR/balance-token-key"
        chmod 600 "$RUN_DIR/balance-token-key"
    fi
    export BALANCE_CRYPTO_ACTIVE_KEY_ID=${BALANCE_CRYPTO_ACTIVE_KEY_ID:-local}
    export BALANCE_CRYPTO_KEYS_LOCAL=${BALANCE_CRYPTO_KEYS_LOCAL:-$(cat "$RUN_DIR/balance-token-key")}
    # Human handoff (issue 23): the sandbox's support agent, on duty around the clock so "talk to a human" can be
    # tried any time (production: Mon-Fri 09:00-17:00 Jamaica time unless SUPPORT_AGENT_* say otherwise).
    export SUPPORT_AGENTS=${SUPPORT_AGENTS:-+18765550190}
    export SUPPORT_AGENT_DAYS=${SUPPORT_AGENT_DAYS:-MON-SUN}
    export SUPPORT_AGENT_OPENS=${SUPPORT_AGENT_OPENS:-00:00}
    export SUPPORT_AGENT_CLOSES=${SUPPORT_AGENT_CLOSES:-24:00}
}

# Outbound beyond one number (issue 20): a pool of five WhatsApp senders, each paced at 70 messages/s by
# notification-service (350/s together, above the 300 user messages/s target), and the sandbox's Twilio simulator
# accepting the five and refusing (429, 20429) any sender past 80/s, WhatsApp's per-number limit, so a relay that
# outran a sender would show. Override RELAY_SENDERS (whatsapp:+E164[=rate],…) to try another pool.
sender_pool() {
    export RELAY_SENDERS=${RELAY_SENDERS:-whatsapp:+14155238886,whatsapp:+14155238887,whatsapp:+14155238888,whatsapp:+14155238889,whatsapp:+14155238890}
    # notification-service's replicas divide each sender's 70/s between them (app.relay.replica-heartbeat)
    export SANDBOX_TWILIO_WHATSAPP_SENDERS=${SANDBOX_TWILIO_WHATSAPP_SENDERS:-$(echo "$RELAY_SENDERS" | sed 's/=[^,]*//g')}
    export SANDBOX_TWILIO_SENDER_RATE_PER_SECOND=${SANDBOX_TWILIO_SENDER_RATE_PER_SECOND:-80}
}

# The AppCDS archive an app starts with (issue 20, point 5; docs/benchmarks.md "Memory and start-up"). The package
# step's (quarkus.package.jar.appcds.enabled) holds what Quarkus loads before it connects to anything, about a third of
# the classes a started app has loaded; train_cds's holds them all. Either is used only when the app runs from its own
# directory (an archive records the class path as it was made).
# whether the app's trained archive was written after its jar (-nt is false while the archive is missing)
trained() { [ "$1/target/quarkus-app/app-cds-trained.jsa" -nt "$1/target/quarkus-app/quarkus-run.jar" ]; }

cds_archive() {
    local app_dir=$1/target/quarkus-app
    if trained "$1"; then
        echo -XX:SharedArchiveFile=app-cds-trained.jsa
    elif [ -f "$app_dir/app-cds.jsa" ]; then
        echo -XX:SharedArchiveFile=app-cds.jsa
    fi
}

# A training start after each build: every app not running yet starts once with -XX:ArchiveClassesAtExit, is stopped
# once ready, and the JVM writes every class it loaded to app-cds-trained.jsa as it exits. Starts from that archive take
# 0.4-0.5 s less than from the package step's. A jar built after its archive trains again; RUN_TRAIN_CDS=0 skips this.
train_cds() {
    [ "${RUN_TRAIN_CDS:-1}" != 0 ] || return 0
    local entry app pid app_dir deadline training=() untrained=()
    for entry in "${APPS[@]}"; do
        app=${entry%%:*}; app_dir=$app/target/quarkus-app
        [ -f "$app_dir/quarkus-run.jar" ] || continue
        trained "$app" && continue
        [ -f "$RUN_DIR/$app.pid" ] && kill -0 "$(cat "$RUN_DIR/$app.pid")" 2>/dev/null && continue
        rm -f "$app_dir/app-cds-trained.jsa"
        # shellcheck disable=SC2086
        (cd "$app_dir" && exec java $(app_java_opts "$app") $JAVA_OPTS -XX:ArchiveClassesAtExit=app-cds-trained.jsa \
            -Dquarkus.profile=local -jar quarkus-run.jar >"$OLDPWD/$RUN_DIR/logs/$app.cds-training.log" 2>&1) &
        training+=("$entry:$!")
    done
    [ ${#training[@]} -gt 0 ] || return 0
    echo "training the AppCDS archives of ${#training[@]} app(s) (one start each; RUN_TRAIN_CDS=0 skips)"
    deadline=$((SECONDS + READY_TIMEOUT))
    for entry in "${training[@]}"; do
        pid=${entry##*:}; entry=${entry%:*}
        until ready "${entry##*:}" || ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; do sleep 1; done
        if ! ready "${entry##*:}"; then
            echo "${entry%%:*} did not become ready while training (see its .cds-training.log); it starts without" \
                "the trained archive" >&2
            untrained+=("${entry%%:*}")
        fi
    done
    for entry in "${training[@]}"; do kill "${entry##*:}" 2>/dev/null || true; done
    for entry in "${training[@]}"; do wait "${entry##*:}" 2>/dev/null || true; done
    for app in "${untrained[@]}"; do rm -f "$app/target/quarkus-app/app-cds-trained.jsa"; done
}

start() {
    deploy/local/tools.sh
    deploy/local/infra.sh
    local_secrets
    sender_pool
    if [ "${RUN_BUILD:-1}" != 0 ]; then
        echo "building (./mvnw -B -q package -DskipTests)"
        ./mvnw -B -q package -DskipTests
    fi
    mkdir -p "$RUN_DIR/logs"
    train_cds
    local entry app dir port replica cds
    for entry in "${APPS[@]}"; do
        app=${entry%%:*}; dir=${app%@*}; port=$(http_port "$entry")
        if [ -f "$RUN_DIR/$app.pid" ] && kill -0 "$(cat "$RUN_DIR/$app.pid")" 2>/dev/null; then
            echo "$app already running"
            continue
        fi
        # The local profile: production settings, but the public development secrets of the local servers and the
        # sandbox (the prod profile refuses them, see each service's ProductionSecrets).
        cds=$(cds_archive "$dir")
        # which replica of how many (the messaging module spreads a sharded queue's shards by it)
        replica=""
        if [[ " ${SECOND_REPLICAS[*]%%:*} " == *" $dir@2 "* ]]; then
            replica="-Dmessaging.replica.index=$([[ $app == *@2 ]] && echo 1 || echo 0) -Dmessaging.replica.count=$REPLICAS"
            replica+=" -Dquarkus.http.port=$port -Dquarkus.management.port=${entry##*:}"
        fi
        # shellcheck disable=SC2086
        (cd "$dir/target/quarkus-app" && exec nohup java $(app_java_opts "$dir") $JAVA_OPTS $cds $replica \
            -Dquarkus.profile=local -jar quarkus-run.jar >"$OLDPWD/$RUN_DIR/logs/$app.log" 2>&1) &
        echo $! >"$RUN_DIR/$app.pid"
        echo "started $app on :$port (pid $!)"
    done
    local deadline=$((SECONDS + READY_TIMEOUT)) pending
    while :; do
        pending=()
        for entry in "${APPS[@]}"; do
            ready "${entry##*:}" || pending+=("${entry%%:*}")
        done
        [ ${#pending[@]} -eq 0 ] && break
        if [ $SECONDS -ge $deadline ]; then
            echo "not ready after ${READY_TIMEOUT}s: ${pending[*]} (see $RUN_DIR/logs/)" >&2
            exit 1
        fi
        sleep 2
    done
    echo
    echo "All six apps are ready. Chat page: http://localhost:8089/  Logs: $RUN_DIR/logs/  Stop: ./run.sh stop"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

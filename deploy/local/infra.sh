#!/usr/bin/env bash
# Makes RabbitMQ, Redis and PostgreSQL available on localhost for the suite and its tests.
# Idempotent: a server that already answers is only checked; a missing one is installed from Debian
# packages and started on loopback (as root or with sudo); then the databases and the application user are created
# if absent. Where systemd runs the machine (a desktop or laptop), the servers are started as the packages' own
# services; elsewhere (containers, chroots) the script starts them itself. With a working Docker engine and FLASH_INFRA=compose it uses docker-compose.yml instead.
# `--packages` prints the Debian packages it may install.
set -euo pipefail
PACKAGES=(postgresql postgresql-client redis-server rabbitmq-server)
if [ "${1:-}" = "--packages" ]; then echo "${PACKAGES[*]}"; exit 0; fi
# The servers started here outlive this script: they must not inherit a caller's descriptors, above all the lock of
# `flock <lock> deploy/local/infra.sh` (a Redis started under it held the lock and blocked every later test run).
for fd in 3 4 5 6 7 8 9; do eval "exec $fd>&-"; done 2>/dev/null || true

DB_USER=${DB_USERNAME:-flash}
DB_PASSWORD=${DB_PASSWORD:-flash}
DATABASES=(command balance notification ai_support command_test balance_test notification_test ai_support_test
           command_e2e balance_e2e notification_e2e ai_support_e2e command_faults balance_faults notification_faults
           ai_support_faults notification_bench notification_migration messaging_test)
LOG_TAG=infra
# shellcheck source=deploy/local/lib.sh
. "$(dirname "$0")/lib.sh"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port name seconds
    local i
    for ((i = 0; i < $3; i++)); do
        port_open "$1" && return 0
        sleep 1
    done
    log "$2 did not open port $1 within $3 s"
    return 1
}

if [ "${FLASH_INFRA:-}" = "compose" ] && docker info >/dev/null 2>&1; then
    log "using docker compose"
    docker compose up -d rabbitmq redis postgres
    wait_port 5672 RabbitMQ 90
    wait_port 6379 Redis 30
    wait_port 5432 PostgreSQL 60
    exit 0
fi

# ---------------------------------------------------------------- PostgreSQL
if ! port_open 5432; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt_install postgresql postgresql-client
    fi
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ]; then
        log "no PostgreSQL cluster found in /etc/postgresql"; exit 1
    fi
    log "starting PostgreSQL $version"
    if [ -d /run/systemd/system ]; then
        $SUDO pg_ctlcluster "$version" main start || true     # as systemd's postgresql@$version-main
    else
        $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    wait_port 5432 PostgreSQL 60
fi

psql_admin() {
    if psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        # a fresh Debian cluster only trusts the postgres OS user (peer authentication)
        runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    else
        sudo -u postgres psql -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    fi
}

if ! psql_admin -c "select 1 from pg_roles where rolname = '$DB_USER'" | grep -q 1; then
    log "creating role $DB_USER"
    psql_admin -c "create role $DB_USER login password '$DB_PASSWORD'"
fi
for db in "${DATABASES[@]}"; do
    if ! psql_admin -c "select 1 from pg_database where datname = '$db'" | grep -q 1; then
        log "creating database $db"
        psql_admin -c "create database $db owner $DB_USER"
    fi
done

# ---------------------------------------------------------------- Redis
if ! port_open 6379; then
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
    if systemd_unit redis-server.service; then
        log "starting Redis (systemd)"
        $SUDO systemctl start redis-server.service
    else
        log "starting Redis"
        redis=(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
               --dir /var/lib/redis --logfile /var/log/redis/flash-whatsapp.log)
        if id redis >/dev/null 2>&1 && [ -d /var/lib/redis ] && [ -d /var/log/redis ]; then
            as_user redis "${redis[@]}"      # Debian's package: its user owns those folders
        else
            $SUDO mkdir -p /var/lib/redis /var/log/redis
            $SUDO "${redis[@]}"
        fi
    fi
    wait_port 6379 Redis 30
fi

# ---------------------------------------------------------------- RabbitMQ
# (its commands live in /usr/sbin, which is not on a normal user's PATH; sudo finds them)
if ! port_open 5672; then
    if ! [ -x /usr/sbin/rabbitmq-server ] && ! command -v rabbitmq-server >/dev/null 2>&1; then
        apt_install rabbitmq-server
    fi
    # The management API is how tests and `admin status` read queue depths: enable it before the start.
    $SUDO rabbitmq-plugins enable --offline rabbitmq_management >/dev/null 2>&1 || true
    if systemd_unit rabbitmq-server.service; then
        log "starting RabbitMQ (systemd)"
        $SUDO systemctl start rabbitmq-server.service
    else
        log "starting RabbitMQ"
        $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
    fi
    wait_port 5672 RabbitMQ 120
fi
if ! port_open 15672; then
    # also when the plugin is in the enabled list but the running node has not started it (a node that was
    # started before the offline enable above): enabling it online applies the list to the running node
    log "enabling rabbitmq_management"
    $SUDO rabbitmq-plugins enable rabbitmq_management >/dev/null
    wait_port 15672 "RabbitMQ management" 90
fi

# Dead-letter queues keep a message 14 days at most (they can hold OTP codes and WhatsApp numbers;
# docs/data-lifecycle.md). A policy, not a queue argument: the DLQs exist already without one, and redeclaring a queue
# with other arguments fails (PRECONDITION_FAILED). Idempotent; the Kubernetes manifests hold the same Policy.
DLQ_TTL_MS=${DLQ_TTL_MS:-1209600000}
if ! curl -fsS -o /dev/null -u "${RABBITMQ_ADMIN_USER:-guest}:${RABBITMQ_ADMIN_PASSWORD:-guest}" -X PUT \
        -H 'content-type: application/json' "http://127.0.0.1:15672/api/policies/%2F/dead-letter-ttl" \
        -d "{\"pattern\":\"\\\\.dlq\$\",\"apply-to\":\"queues\",\"priority\":1,\"definition\":{\"message-ttl\":$DLQ_TTL_MS}}"; then
    log "could not set the dead-letter-ttl policy on RabbitMQ (management API refused)"
    exit 1
fi

log "ready: RabbitMQ 127.0.0.1:5672 (management :15672), Redis 127.0.0.1:6379, PostgreSQL 127.0.0.1:5432 (databases: ${DATABASES[*]}, user $DB_USER)"

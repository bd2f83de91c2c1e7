#!/usr/bin/env bash
# Makes RabbitMQ, Redis and PostgreSQL available on localhost for the suite and its tests.
# Idempotent: a server that already answers is only checked; a missing one is installed from Debian
# packages and started on loopback; then the databases and the application user are created if absent.
# With a working Docker engine and FLASH_INFRA=compose it uses docker-compose.yml instead.
set -euo pipefail

DB_USER=${DB_USERNAME:-flash}
DB_PASSWORD=${DB_PASSWORD:-flash}
DATABASES=(command balance notification ai_support command_test balance_test notification_test ai_support_test
           command_e2e balance_e2e notification_e2e ai_support_e2e command_faults balance_faults notification_faults
           ai_support_faults notification_bench notification_migration)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { printf '[infra] %s\n' "$*"; }

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

apt_updated=""
install_packages() {
    if [ -z "$apt_updated" ]; then
        log "apt-get update"
        $SUDO apt-get update -qq
        apt_updated=yes
    fi
    log "installing $*"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
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
        install_packages postgresql postgresql-client
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    if [ -z "$version" ]; then
        log "no PostgreSQL cluster found"; exit 1
    fi
    log "starting PostgreSQL $version"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
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
    command -v redis-server >/dev/null 2>&1 || install_packages redis-server
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/flash-whatsapp.log
    wait_port 6379 Redis 30
fi

# ---------------------------------------------------------------- RabbitMQ
if ! command -v rabbitmq-plugins >/dev/null 2>&1 && ! port_open 5672; then
    install_packages rabbitmq-server
fi
if ! port_open 5672; then
    # The management API is how tests and `admin status` read queue depths: enable it before the start.
    $SUDO rabbitmq-plugins enable --offline rabbitmq_management >/dev/null 2>&1 || true
    log "starting RabbitMQ"
    $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_port 5672 RabbitMQ 120
fi
if ! port_open 15672; then
    if ! $SUDO rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_management; then
        log "enabling rabbitmq_management"
        $SUDO rabbitmq-plugins enable rabbitmq_management >/dev/null
    fi
    wait_port 15672 "RabbitMQ management" 90
fi

log "ready: RabbitMQ 127.0.0.1:5672 (management :15672), Redis 127.0.0.1:6379, PostgreSQL 127.0.0.1:5432 (databases: ${DATABASES[*]}, user $DB_USER)"

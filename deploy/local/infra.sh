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

psql_in() { # database psql-arguments...
    local db=$1; shift
    if psql -h 127.0.0.1 -U postgres -d "$db" -tAc 'select 1' >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -d "$db" -v ON_ERROR_STOP=1 -tAq "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        # a fresh Debian cluster only trusts the postgres OS user (peer authentication)
        runuser -u postgres -- psql -d "$db" -v ON_ERROR_STOP=1 -tAq "$@"
    else
        sudo -u postgres psql -d "$db" -v ON_ERROR_STOP=1 -tAq "$@"
    fi
}
psql_admin() { psql_in postgres "$@"; }

ensure_role() { # role password
    if ! psql_admin -c "select 1 from pg_roles where rolname = '$1'" | grep -q 1; then
        log "creating role $1"
        psql_admin -c "create role \"$1\" login password '$2'"
    fi
}
# The tools' role (psql, older checkouts): a member of every service role below, used by no service.
ensure_role "$DB_USER" "$DB_PASSWORD"
for db in "${DATABASES[@]}"; do
    if ! psql_admin -c "select 1 from pg_database where datname = '$db'" | grep -q 1; then
        log "creating database $db"
        psql_admin -c "create database $db owner $DB_USER"
    fi
done

# Least privilege: one login role per service owns that service's databases (every <base> and <base>_* above) and
# everything in them, so its Flyway migrations and clean-at-start run as it; no other role may connect to them
# (CONNECT is revoked from PUBLIC). The tools' role is a member of each service role and, inside a service's
# database, acts as that role (ALTER ROLE ... IN DATABASE ... SET role), so whatever it creates there still belongs
# to the service. messaging_test (the messaging module's own tests) gets a role of its own the same way, so the
# tools' role owns no database and REASSIGN OWNED below moves only the objects inside one database. Passwords: the
# local development values of each service's %dev/%test/local profile (production: the Kubernetes secret,
# docs/operations.md). Idempotent: a re-run re-asserts the same state.
DB_SERVICES=(command_service:command balance_service:balance notification_service:notification
             ai_support_service:ai_support messaging_tests:messaging_test)
service_databases() { # base
    local db
    for db in "${DATABASES[@]}"; do
        case $db in "$1" | "$1"_*) echo "$db" ;; esac
    done
}
for entry in "${DB_SERVICES[@]}"; do
    role=${entry%%:*}; base=${entry##*:}
    ensure_role "$role" "${role}-local"
    psql_admin -c "set client_min_messages = warning" -c "grant \"$role\" to \"$DB_USER\""
    for db in $(service_databases "$base"); do
        psql_admin -c "alter database $db owner to \"$role\"" \
                   -c "revoke connect, temporary on database $db from public" \
                   -c "grant connect, temporary on database $db to \"$role\""
    done
done
for entry in "${DB_SERVICES[@]}"; do
    role=${entry%%:*}; base=${entry##*:}
    for db in $(service_databases "$base"); do
        # tables the tools' role (or an older checkout connecting as it) made before: the service's from now on
        psql_in "$db" -c "reassign owned by \"$DB_USER\" to \"$role\""
        psql_admin -c "alter role \"$DB_USER\" in database $db set role = \"$role\""
    done
done

# ---------------------------------------------------------------- Redis
# Least privilege: an ACL user per service that uses Redis, limited to its own key prefix (app.redis.key-prefix) and
# to the data, scripting and connection commands (no KEYS, FLUSHDB, CONFIG, DEBUG...: -@dangerous), no pub/sub
# channels: the public-facing gateway cannot read or write command:* (command-service's admin sessions). The users live
# in an ACL file the server loads at every start (--aclfile), so a restart (the fault suite's) keeps them. The default
# user stays open on this loopback-only server for the tools (redis-cli) and the suites' set-up; production switches
# it off (docs/operations.md). Passwords: the local development values of each service's %dev/%test/local profile.
REDIS_ACL_FILE=${REDIS_ACL_FILE:-/etc/redis/flash-users.acl}
REDIS_USERS=(gateway-service:gateway: command-service:command: balance-service:balance: ai-support-service:aisupport:)
redis_acl() {
    echo "user default on nopass ~* &* +@all"
    local entry user prefix hash
    for entry in "${REDIS_USERS[@]}"; do
        user=${entry%%:*}; prefix=${entry#*:}
        hash=$(printf '%s' "${user}-local" | sha256sum | cut -d' ' -f1)
        echo "user $user on #$hash resetchannels ~${prefix}* -@all +@read +@write +@keyspace +@scripting +@transaction +@connection +select +time -@dangerous"
    done
}
write_redis_acl() {
    local tmp
    tmp=$(mktemp)
    redis_acl >"$tmp"
    $SUDO mkdir -p "$(dirname "$REDIS_ACL_FILE")"
    if id redis >/dev/null 2>&1; then
        $SUDO install -m 640 -o redis -g redis "$tmp" "$REDIS_ACL_FILE"
    else
        $SUDO install -m 640 "$tmp" "$REDIS_ACL_FILE"
    fi
    rm -f "$tmp"
}
redis_config_file_acl() { # the Debian service's redis.conf names the ACL file
    local conf=/etc/redis/redis.conf
    if ! $SUDO grep -qx "aclfile $REDIS_ACL_FILE" "$conf"; then
        $SUDO sed -i '/^aclfile /d' "$conf"
        echo "aclfile $REDIS_ACL_FILE" | $SUDO tee -a "$conf" >/dev/null
    fi
}
start_redis() {
    if systemd_unit redis-server.service; then
        log "starting Redis (systemd)"
        redis_config_file_acl
        $SUDO systemctl restart redis-server.service
    else
        log "starting Redis"
        redis=(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
               --dir /var/lib/redis --logfile /var/log/redis/flash-whatsapp.log --aclfile "$REDIS_ACL_FILE")
        if id redis >/dev/null 2>&1 && [ -d /var/lib/redis ] && [ -d /var/log/redis ]; then
            without_inherited_files as_user redis "${redis[@]}"  # Debian's package: its user owns those folders
        else
            $SUDO mkdir -p /var/lib/redis /var/log/redis
            without_inherited_files $SUDO "${redis[@]}"
        fi
    fi
    wait_port 6379 Redis 30
}
# The daemon must not keep this script's open files: run under `flock /tmp/flash-tests.lock` (the tests' rule), a
# server that inherited the lock's descriptor would hold the lock for as long as it runs.
without_inherited_files() { # command...
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        "$@"
    )
}
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
write_redis_acl
if ! port_open 6379; then
    start_redis
elif [ "$(redis-cli -p 6379 --raw config get aclfile | sed -n 2p)" = "$REDIS_ACL_FILE" ]; then
    redis-cli -p 6379 acl load >/dev/null
else
    # a server started without the ACL file (by an older infra.sh): once, restarted with it (its data is a cache)
    log "restarting Redis with the ACL file $REDIS_ACL_FILE"
    redis-cli -p 6379 shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do port_open 6379 || break; sleep 1; done
    start_redis
fi
if ! redis-cli -p 6379 --user command-service --pass command-service-local --no-auth-warning ping | grep -q PONG; then
    log "Redis did not take the ACL users of $REDIS_ACL_FILE"; exit 1
fi

# ---------------------------------------------------------------- RabbitMQ
# (its commands live in /usr/sbin, which is not on a normal user's PATH; sudo finds them)
if ! port_open 5672; then
    if ! [ -x /usr/sbin/rabbitmq-server ] && ! command -v rabbitmq-server >/dev/null 2>&1; then
        apt_install rabbitmq-server
    fi
    # The management API is how tests and `admin status` read queue depths: enable it before the start; the
    # consistent-hash exchange is what sharded consumers (messaging.consumers.*.shards) route through.
    $SUDO rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_consistent_hash_exchange >/dev/null 2>&1 \
        || true
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
if ! $SUDO rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_consistent_hash_exchange; then
    log "enabling rabbitmq_consistent_hash_exchange"
    $SUDO rabbitmq-plugins enable rabbitmq_consistent_hash_exchange >/dev/null
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

# Least privilege: a broker user per service. Configure: its own queues (with their .dlq, the shards .0, .1 … of a
# sharded one, its .replicas queue and its hash exchange, named like the queue), the exchanges it consumes
# from or publishes to and dead-letters (the messaging module declares them on connect); write: its own queues (to
# bind them), the exchanges it publishes to and dead-letters (the broker asks for write on a queue's
# x-dead-letter-exchange when the queue is declared); read: its own queues and the exchanges it binds them to. So
# command-service cannot publish to flash.events, nor the gateway read command.whatsapp-inbound. Set on the default
# virtual host; the test kit's FreshVirtualHost and the e2e Apps copy every user's permissions of "/" to the virtual
# hosts they create. command-service's `admin status` reads queue depths through the management API: tag management.
# guest stays the administrator of this loopback-only broker (the tests' probes, the management UI).
RABBITMQ_API=http://127.0.0.1:15672/api
rabbit_api() { # method path body
    curl -fsS -o /dev/null -u "${RABBITMQ_ADMIN_USER:-guest}:${RABBITMQ_ADMIN_PASSWORD:-guest}" -X "$1" \
        -H 'content-type: application/json' "$RABBITMQ_API$2" -d "$3"
}
alternatives() { # names... → a|b|c with dots escaped
    local IFS='|'
    local names=("${@//./\\\\.}")
    echo "${names[*]}"
}
broker_user() { # user tags "queues" "consumed exchanges" "published exchanges"
    local user=$1 tags=$2 queues consumed published
    queues="($(alternatives $3))(\\\\.dlq|\\\\.replicas|\\\\.[0-9]+)?"
    consumed=$(alternatives $4)
    published=$(alternatives ${5:-})
    local configure="^($queues|$consumed${published:+|$published}|dead-letters)\$"
    local write="^($queues${published:+|$published}|dead-letters)\$"
    local read="^($queues|$consumed|dead-letters)\$"
    rabbit_api PUT "/users/$user" "{\"password\":\"$user-local\",\"tags\":\"$tags\"}"
    rabbit_api PUT "/permissions/%2F/$user" \
        "{\"configure\":\"$configure\",\"write\":\"$write\",\"read\":\"$read\"}"
}
if ! broker_user gateway-service "" "gateway.media-store gateway.user-lifecycle" "gateway.media user.lifecycle" \
        "whatsapp.inbound whatsapp.delivery flash.events whatsapp.outbound" \
    || ! broker_user command-service management \
        "command.whatsapp-inbound command.conversation-expect command.flash-events" \
        "whatsapp.inbound conversation.expect flash.events" \
        "wallet.requests support.requests notification.requests whatsapp.outbound user.lifecycle" \
    || ! broker_user balance-service "" "balance.wallet-requests balance.flash-events balance.user-lifecycle" \
        "wallet.requests flash.events user.lifecycle" \
        "whatsapp.outbound flash.events conversation.expect gateway.media" \
    || ! broker_user notification-service "" \
        "notification.whatsapp-outbound notification.whatsapp-delivery notification.flash-events notification.notification-requests notification.whatsapp-inbound notification.user-lifecycle" \
        "whatsapp.outbound whatsapp.delivery flash.events notification.requests whatsapp.inbound user.lifecycle" \
        "conversation.expect" \
    || ! broker_user ai-support-service "" "ai-support.support-requests ai-support.user-lifecycle" \
        "support.requests user.lifecycle" "whatsapp.outbound conversation.expect whatsapp.inbound gateway.media"; then
    log "could not create the services' RabbitMQ users (management API refused)"
    exit 1
fi

log "ready: RabbitMQ 127.0.0.1:5672 (management :15672), Redis 127.0.0.1:6379, PostgreSQL 127.0.0.1:5432 (databases: ${DATABASES[*]}); one user per service on each: docs/operations.md, \"Least privilege\""

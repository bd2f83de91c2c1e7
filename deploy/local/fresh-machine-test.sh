#!/usr/bin/env bash
# Proves that the README's two commands set everything up on a fresh Debian machine that has only git and sudo:
# a clean Debian bookworm root (debootstrap --variant=minbase, plus git and sudo), the project copied in, and inside
# it, as a normal user with sudo, `./run.sh` (all six apps ready, one WhatsApp message answered through the sandbox),
# `./run.sh stop`, then `./test.sh`.
#
#   sudo deploy/local/fresh-machine-test.sh [--keep] [--lock FILE]
#
# Phase 1, online (this machine's network, Debian mirror of this machine's apt sources): debootstrap into a temporary
# folder; apt-get update and `apt-get install --download-only` of exactly the packages that deploy/local/tools.sh,
# infra.sh and browser.sh may install (their --packages), so the .debs sit in the root's apt cache, nothing installed;
# this machine's Maven repository (~/.m2, less this project's own artifacts) copied in as the download cache.
# Phase 2, isolated: a network namespace of its own with only loopback (no route anywhere, so no traffic leaves
# it and its servers cannot clash with this machine's on the same ports), and its own mount, PID, IPC and UTS
# namespaces; the scripts install everything from the apt cache (their `apt-get update` fails offline, which they
# tolerate because the packages are in the cache) and start the servers themselves, as on a machine without
# systemd (the root has a policy-rc.d that keeps package installs from starting services).
# Clean-up on every exit: the servers inside are stopped, every process of the root killed, the network namespace
# deleted, the folder removed (kept with --keep). Logs stay in .run/fresh-machine/.
# --lock FILE holds `flock FILE` around phase 2 (the long part) so that other test runs on a shared machine wait.
# Needs root, debootstrap (installed from Debian if missing), iproute2 and util-linux; about 6 GB in $FRESH_TMPDIR
# (default /var/tmp). Takes about 15 minutes on 2 cores. Not part of ./test.sh or CI (see the README).
set -euo pipefail
cd "$(dirname "$0")/../.."
PROJECT=$PWD
SUITE=bookworm
GUEST=dev                   # the person's account in the fresh root: not root, sudo without a password
GUEST_HOSTNAME=fresh-debian
KEEP=""
LOCK=""
LOG_DIR=$PROJECT/.run/fresh-machine

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case $1 in
        --keep) KEEP=yes ;;
        --lock) LOCK=${2:?--lock needs a file}; shift ;;
        --lock=*) LOCK=${1#*=} ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[fresh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, network namespaces): sudo $0"
if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
for tool in ip unshare chroot flock git tar; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"
done
M2=${FRESH_M2:-$HOME/.m2}
{ [ -d "$M2/repository" ] && [ -d "$M2/wrapper/dists" ]; } ||
    die "no warm Maven repository at $M2 (repository/ and wrapper/dists/): run ./test.sh once on this machine first"

# The Debian mirror (and security mirror) this machine's apt uses for a suite, from sources.list(.d).
host_mirror() { # suite
    {
        sed -nE "s/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+$1[[:space:]].*/\2/p" \
            /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
        awk -v suite="$1" 'BEGIN { RS = "" } {
            uri = ""; hit = 0; on = 1; deb = 0
            n = split($0, line, "\n")
            for (i = 1; i <= n; i++) {
                if (line[i] ~ /^Types:/ && line[i] ~ /[[:space:]]deb([[:space:]]|$)/) deb = 1
                if (line[i] ~ /^URIs:/) { split(line[i], f, /[[:space:]]+/); uri = f[2] }
                if (line[i] ~ /^Suites:/) { m = split(line[i], s, /[[:space:]]+/); for (j = 2; j <= m; j++) if (s[j] == suite) hit = 1 }
                if (line[i] ~ /^Enabled:[[:space:]]*no/) on = 0
            }
            if (deb && hit && on && uri != "") print uri
        }' /etc/apt/sources.list.d/*.sources 2>/dev/null
    } | head -n 1
}
MIRROR=${FRESH_MIRROR:-$(host_mirror "$SUITE")}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${FRESH_SECURITY_MIRROR:-$(host_mirror "$SUITE-security")}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

mkdir -p "${FRESH_TMPDIR:-/var/tmp}" "$LOG_DIR"
rm -rf "${LOG_DIR:?}"/*
WORK=$(mktemp -d "${FRESH_TMPDIR:-/var/tmp}/flash-fresh.XXXXXX")
ROOT=$WORK/root
NETNS=flash-fresh-$$
PHASE_PID=""
HOME_IN=/home/$GUEST
PROJECT_IN=$HOME_IN/flash-whatsapp

# ------------------------------------------------------------------------------------------------ clean-up
mounts_under_root() { awk -v r="$ROOT" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo; }
root_pids() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && echo "${p#/proc/}"
    done
    return 0
}
cleanup() {
    local rc=$? pids mounts
    trap - EXIT INT TERM
    set +e
    if [ -n "$PHASE_PID" ] && kill -0 "$PHASE_PID" 2>/dev/null; then
        log "stopping the isolated run"
        kill -TERM -- "-$PHASE_PID" 2>/dev/null
        sleep 5
        kill -KILL -- "-$PHASE_PID" 2>/dev/null   # its PID namespace dies with it, and every server in it
    fi
    sleep 1
    pids=$(root_pids)
    if [ -n "$pids" ]; then
        log "killing processes still running in the root: $(tr '\n' ' ' <<<"$pids")"
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null
        sleep 1
    fi
    ip netns del "$NETNS" 2>/dev/null
    mounts=$(mounts_under_root | sort -r)
    if [ -n "$mounts" ]; then
        log "unmounting $(tr '\n' ' ' <<<"$mounts")"
        for m in $mounts; do umount -l "$m"; done
    fi
    if [ -n "$KEEP" ]; then
        log "kept $WORK (--keep): chroot $ROOT; remove it with rm -rf --one-file-system $WORK"
    elif [ -n "$(mounts_under_root)" ]; then
        log "NOT removing $WORK: something is still mounted under it"
        rc=1
    else
        rm -rf --one-file-system "$WORK"
        log "removed $WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------------------------------------ namespaces
# Runs a command chrooted in the root, in mount, UTS, IPC and PID namespaces of its own: /proc, /sys, /dev (with a
# devpts and a /dev/shm of its own) and a tmpfs /run are mounted there and vanish with the namespace, so nothing
# stays mounted on this machine; when the command ends, every process it left in the PID namespace is killed.
IN_ROOT='
set -e
root=$1; shift
hostname "$GUEST_HOSTNAME"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
mount --bind "$root/dev/pts/ptmx" "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
mount -t tmpfs -o mode=0755,nosuid,nodev run "$root/run"
mkdir -m 1777 "$root/run/lock"
set +e
chroot "$root" "$@"
'
in_root() { # command... (this machine's network)
    unshare --mount --propagation private --uts --ipc --pid --fork --kill-child \
        env GUEST_HOSTNAME="$GUEST_HOSTNAME" bash -c "$IN_ROOT" in-root "$ROOT" "$@"
}

# ------------------------------------------------------------------------------------------------ phase 1, online
started=$SECONDS
log "phase 1 (online): debootstrap $SUITE (minbase + git, sudo) from $MIRROR into $ROOT"
include=git,sudo
case $MIRROR in https:*) include+=,ca-certificates ;; esac
if ! unshare --mount --propagation private \
        debootstrap --variant=minbase --include="$include" "$SUITE" "$ROOT" "$MIRROR" >"$LOG_DIR/debootstrap.log" 2>&1; then
    tail -n 20 "$LOG_DIR/debootstrap.log" >&2
    die "debootstrap failed (log: $LOG_DIR/debootstrap.log)"
fi

# What the Debian installer leaves on a new machine: host name, hosts, the suite with its updates and security.
echo "$GUEST_HOSTNAME" >"$ROOT/etc/hostname"
cat >"$ROOT/etc/hosts" <<EOF
127.0.0.1	localhost
127.0.1.1	$GUEST_HOSTNAME
::1		localhost ip6-localhost ip6-loopback
EOF
rm -f "$ROOT/etc/apt/sources.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# No init system runs in the root: packages must not try to start their services (the scripts start them).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
in_root useradd --create-home --shell /bin/bash "$GUEST"
echo "$GUEST ALL=(ALL) NOPASSWD: ALL" >"$ROOT/etc/sudoers.d/$GUEST"
chmod 440 "$ROOT/etc/sudoers.d/$GUEST"

read -r -a packages <<<"$(deploy/local/tools.sh --packages) $(deploy/local/infra.sh --packages) $(deploy/local/browser.sh --packages)"
log "phase 1: apt-get update; download only: ${packages[*]}"
in_root apt-get update -qq >"$LOG_DIR/apt-download.log" 2>&1 ||
    { tail -n 20 "$LOG_DIR/apt-download.log" >&2; die "apt-get update in the root failed"; }
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only "${packages[@]}" \
        >>"$LOG_DIR/apt-download.log" 2>&1 ||
    { tail -n 20 "$LOG_DIR/apt-download.log" >&2; die "downloading the packages failed"; }
log "phase 1: $(ls "$ROOT"/var/cache/apt/archives/*.deb | wc -l) packages in the root's apt cache" \
    "($(du -sh "$ROOT/var/cache/apt/archives" | cut -f1)); none installed"

log "phase 1: copying the project (git's files of the work tree, no build output) and the Maven cache from $M2"
mkdir -p "$ROOT$PROJECT_IN" "$ROOT$HOME_IN/.m2"
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$ROOT$PROJECT_IN"
tar -C "$M2" --exclude=repository/com/flashapp -cf - repository wrapper | tar -xf - -C "$ROOT$HOME_IN/.m2"

cat >"$ROOT$HOME_IN/fresh-check.sh" <<'EOF'
#!/usr/bin/env bash
# Runs inside the fresh root as the person: the README's two commands, and one message through the sandbox.
set -euo pipefail
cd ~/flash-whatsapp
say() { printf '[inside %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
stop_all() {
    say "stopping the apps and the servers started here"
    ./run.sh stop || true
    local v
    v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -z "$v" ] || timeout 60 sudo pg_ctlcluster --skip-systemctl-redirect "$v" main stop -m fast || true
    if command -v redis-cli >/dev/null; then timeout 30 redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true; fi
    # (`rabbitmqctl shutdown` waits for the node's process and can hang here; whatever is left dies with the
    # PID namespace when this script ends)
    if [ -x /usr/sbin/rabbitmqctl ]; then timeout 60 sudo rabbitmqctl stop >/dev/null 2>&1 || true; fi
    say "stopped"
}
trap stop_all EXIT

say "user $(id -un) on $(. /etc/os-release && echo "$PRETTY_NAME"), network interfaces: $(ls /sys/class/net | tr '\n' ' ')"
for tool in java javac curl psql redis-server chromium; do
    say "before: $tool $(command -v "$tool" >/dev/null && echo present || echo missing)"
done
[ -x /usr/sbin/rabbitmq-server ] && say "before: rabbitmq-server present" || say "before: rabbitmq-server missing"

start=$SECONDS
./run.sh
say "FRESH SET-UP: ./run.sh took $((SECONDS - start)) s"
./run.sh status

phone=+18765550177
say "one message through the sandbox: $phone says hi"
answer=$(curl -fsS -H 'Content-Type: application/json' -d "{\"from\":\"$phone\",\"body\":\"hi\"}" \
    http://127.0.0.1:8089/sandbox/whatsapp/messages)
say "sandbox: $answer"
case $answer in *'"gatewayStatus":200'* | *'"gatewayStatus":"200"'*) ;; *) say "the gateway did not take the message"; exit 1 ;; esac
reply=""
for _ in $(seq 1 60); do
    reply=$(curl -fsS "http://127.0.0.1:8089/sandbox/twilio/messages?to=whatsapp:%2B${phone#+}" |
        grep -io '"body":"[^"]*welcome[^"]*"' | head -n 1 || true)
    [ -n "$reply" ] && break
    sleep 1
done
[ -n "$reply" ] || { say "no welcome reply within 60 s"; exit 1; }
say "MESSAGE ANSWERED: ${reply:0:160}..."
./run.sh stop

start=$SECONDS
./test.sh
say "TESTS: ./test.sh took $((SECONDS - start)) s"
say "PASSED"
EOF
in_root chown -R "$GUEST:$GUEST" "$HOME_IN"
phase1=$((SECONDS - started))
log "phase 1 took $phase1 s"

# ------------------------------------------------------------------------------------------------ phase 2, isolated
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
links=$(ip -n "$NETNS" -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ')
[ "$links" = "lo " ] || die "network namespace $NETNS has more than loopback: $links"
[ -z "$(ip -n "$NETNS" route show)" ] || die "network namespace $NETNS has a route out"
log "phase 2 (isolated, network namespace $NETNS: loopback only, no route): ./run.sh, one message, ./test.sh" \
    "as $GUEST (log: $LOG_DIR/inside.log)"
phase_cmd=(ip netns exec "$NETNS" unshare --mount --propagation private --uts --ipc --pid --fork --kill-child
           env GUEST_HOSTNAME="$GUEST_HOSTNAME" bash -c "$IN_ROOT" in-root "$ROOT"
           runuser -l "$GUEST" -c "bash $HOME_IN/fresh-check.sh")
date +%s >"$WORK/phase2-start"
if [ -n "$LOCK" ]; then
    log "waiting for $LOCK"
    phase_cmd=(flock "$LOCK" sh -c 'date +%s >"$0"; exec "$@"' "$WORK/phase2-start" "${phase_cmd[@]}")
fi
requested=$(date +%s)
set -m   # its own process group, so that the clean-up can end all of it
"${phase_cmd[@]}" >"$LOG_DIR/inside.log" 2>&1 </dev/null &
PHASE_PID=$!
set +m
tail -n +1 -f --pid="$PHASE_PID" "$LOG_DIR/inside.log" &
tail_pid=$!
rc=0
wait "$PHASE_PID" || rc=$?
wait "$tail_pid" 2>/dev/null || true
PHASE_PID=""
phase2=$(($(date +%s) - $(cat "$WORK/phase2-start")))
lock_wait=$(($(cat "$WORK/phase2-start") - requested))

# what the run left: logs and test reports (on failure), then the verdict
if [ "$rc" -ne 0 ] || ! grep -q '^\[inside .*\] PASSED$' "$LOG_DIR/inside.log"; then
    mkdir -p "$LOG_DIR/root"
    (cd "$ROOT$PROJECT_IN" && find . -path ./node_modules -prune -o \
        \( -path '*/target/surefire-reports' -o -path '*/target/failsafe-reports' -o -path '*/target/e2e-logs' \
           -o -path ./.run/logs \) -print0 | tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$LOG_DIR/root" || true
    cp -r "$ROOT/var/log/postgresql" "$ROOT/var/log/rabbitmq" "$ROOT/var/log/redis" "$LOG_DIR/root/" 2>/dev/null || true
    die "FAILED after $phase2 s in phase 2 (exit $rc): see $LOG_DIR/inside.log and $LOG_DIR/root/"
fi
setup=$(sed -n 's/.*FRESH SET-UP: .\/run.sh took \([0-9]*\) s.*/\1/p' "$LOG_DIR/inside.log")
tests=$(sed -n 's/.*TESTS: .\/test.sh took \([0-9]*\) s.*/\1/p' "$LOG_DIR/inside.log")
log "PASSED on $(date -u +%Y-%m-%d): phase 1 (debootstrap, downloads, copies) ${phase1} s;" \
    "fresh set-up (./run.sh from nothing to six ready apps) ${setup} s; ./test.sh ${tests} s; phase 2 ${phase2} s" \
    "(after ${lock_wait} s waiting for the lock)"

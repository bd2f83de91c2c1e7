# Shared by deploy/local/{tools,infra,browser}.sh (sourced, not run): root or sudo, and installing Debian packages.
# shellcheck shell=bash

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
    if ! command -v sudo >/dev/null 2>&1; then
        # only fatal once something needs root (installing or starting a server)
        sudo() {
            printf '[%s] %s needs root: run it as root, or install sudo and give this user sudo rights\n' \
                "${LOG_TAG:-setup}" "$0" >&2
            exit 1
        }
    fi
fi

log() { printf '[%s] %s\n' "${LOG_TAG:-setup}" "$*"; }

# Runs a command as another system user (postgres, redis, ...), from root or through sudo.
as_user() { # user command...
    local user=$1; shift
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$user" -- "$@"
    else
        sudo -u "$user" -- "$@"
    fi
}

# True when systemd runs this machine and knows the unit (a desktop or laptop with the Debian package installed):
# then the server is started as the package's own service. False in containers, chroots and machines without
# systemd, where the scripts start the servers themselves.
systemd_unit() { # unit
    [ -d /run/systemd/system ] && systemctl cat "$1" >/dev/null 2>&1
}

# apt-get update, once per script run, then apt-get install. Offline (or with a mirror down) apt-get update warns
# and keeps the package lists it had: the warnings are shown and the install goes on, which works when the .debs are
# in the apt cache already and otherwise fails with apt's own error. If apt-get update fails outright, the install
# goes on only when every package is in the apt cache already.
apt_install() { # package...
    if [ -z "${_apt_updated:-}" ]; then
        log "apt-get update"
        local out
        if ! out=$($SUDO apt-get update -qq 2>&1); then
            printf '%s\n' "$out" | sed 's/^/    /' >&2
            if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-download --download-only "$@" \
                    >/dev/null 2>&1; then
                log "apt-get update failed; $* can be installed from the apt cache already here, going on"
            else
                log "apt-get update failed, and $* are not all in the apt cache"
                exit 1
            fi
        elif [ -n "$out" ]; then
            log "apt-get update had trouble (offline?); going on with the package lists and apt cache already here:"
            printf '%s\n' "$out" | sed 's/^/    /'
        fi
        _apt_updated=yes
    fi
    log "installing $* (Debian packages)"
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null; then
        log "could not install $*"
        exit 1
    fi
}

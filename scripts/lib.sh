# Shared set-up steps for scripts/test.sh and scripts/run.sh. Idempotent: each step checks
# before it installs or starts anything.

step() { printf '\n==> %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages the build and the tests need.
SYSTEM_PACKAGES=(build-essential pkg-config libssl-dev sqlite3)

ensure_system_packages() {
    local missing=()
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        step "installing Debian packages: ${missing[*]}"
        as_root apt-get -o DPkg::Lock::Timeout=900 update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}"
    fi
}

ensure_rust_components() {
    if ! command -v cargo >/dev/null; then
        echo "cargo not found: install Rust from https://rustup.rs and re-run" >&2
        exit 1
    fi
    if command -v rustup >/dev/null; then
        rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
        rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
    fi
}

wait_for() {
    local what=$1; shift
    for _ in $(seq 1 60); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 1
    done
    echo "$what did not come up within 60 s" >&2
    return 1
}

# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) and MariaDB on 127.0.0.1:3306 (root,
# no password): start them when they are installed but stopped.
ensure_database_servers() {
    if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
        if command -v pg_ctlcluster >/dev/null; then
            step "starting PostgreSQL"
            as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
            wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432 -q
        fi
    fi
    if ! mysqladmin -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; then
        if [ -x /usr/sbin/mariadbd ]; then
            step "starting MariaDB"
            as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
            wait_for MariaDB mysqladmin -h 127.0.0.1 -P 3306 -u root ping
        fi
    fi
}

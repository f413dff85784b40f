# Shared set-up steps for scripts/test.sh and scripts/run.sh. Idempotent: each step checks
# before it installs or starts anything.

step() { printf '\n==> %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages the build and the tests need (the workspace includes the desktop app: Tauri 2
# on WebKitGTK).
SYSTEM_PACKAGES=(build-essential pkg-config libssl-dev sqlite3 python3 python3-venv
    libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev)
# The desktop app's end-to-end tests (tests/e2e): a virtual display and WebKitGTK's WebDriver.
E2E_PACKAGES=(xvfb xauth webkit2gtk-driver)

# Installs those of the given Debian packages (default: SYSTEM_PACKAGES) that are missing.
ensure_system_packages() {
    local wanted=("$@")
    [ ${#wanted[@]} -gt 0 ] || wanted=("${SYSTEM_PACKAGES[@]}")
    local missing=()
    for pkg in "${wanted[@]}"; do
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

# The Python that runs real Alembic for the interop suite (tests/interop): .venv-interop/ in the
# repository (gitignored), made once and remade when a package is missing or Alembic's version
# is not the one the suite's expectations come from.
INTEROP_VENV=.venv-interop
INTEROP_ALEMBIC_VERSION=1.20.1

ensure_interop_venv() {
    local python="$INTEROP_VENV/bin/python"
    if [ -x "$python" ] && "$python" -c "import alembic, sqlalchemy, psycopg2, pymysql
assert alembic.__version__ == '$INTEROP_ALEMBIC_VERSION'" >/dev/null 2>&1; then
        return 0
    fi
    step "creating $INTEROP_VENV: alembic $INTEROP_ALEMBIC_VERSION, SQLAlchemy, psycopg2-binary, PyMySQL from PyPI"
    rm -rf "$INTEROP_VENV"
    python3 -m venv "$INTEROP_VENV"
    "$INTEROP_VENV/bin/pip" install -q --disable-pip-version-check \
        "alembic==$INTEROP_ALEMBIC_VERSION" sqlalchemy psycopg2-binary pymysql
}

# What tests/e2e drives the real app with: Xvfb, WebKitWebDriver and tauri-driver 2.x (installed
# into $CARGO_HOME/bin, where the test also looks for it).
ensure_e2e_tools() {
    ensure_system_packages "${SYSTEM_PACKAGES[@]}" "${E2E_PACKAGES[@]}"
    local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
    if ! command -v tauri-driver >/dev/null && [ ! -x "$cargo_bin/tauri-driver" ]; then
        step "installing tauri-driver"
        cargo install tauri-driver --version '^2' --locked
    fi
    case ":$PATH:" in *":$cargo_bin:"*) ;; *) export PATH="$cargo_bin:$PATH" ;; esac
}

# The desktop app embeds ui/dist at compile time, so every cargo build of the workspace needs it.
# `npm ci` runs when node_modules is missing or package-lock.json changed since the last one.
ensure_ui_built() {
    if ! command -v npm >/dev/null; then
        echo "npm not found: install Node.js 20 or later (https://nodejs.org) and re-run" >&2
        exit 1
    fi
    local lock_sum stamp=ui/node_modules/.retort-package-lock.sha256
    lock_sum=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
    if [ ! -d ui/node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
        step "installing the UI's npm packages (npm ci)"
        (cd ui && npm ci --no-audit --no-fund)
        echo "$lock_sum" >"$stamp"
    fi
    step "building the UI (ui/dist)"
    (cd ui && npm run build)
}

# One debug build of the workspace with its tests takes about 4 GB in target/. Says so up front
# when the disk is short, instead of letting the linker die half-way with "No space left".
check_disk_space() {
    local needed_kb=$((6 * 1024 * 1024)) target_dir=${CARGO_TARGET_DIR:-target} available_kb
    mkdir -p "$target_dir"
    available_kb=$(df -Pk "$target_dir" | awk 'NR == 2 { print $4 }')
    if [ "${available_kb:-0}" -lt "$needed_kb" ]; then
        echo "warning: only $((available_kb / 1024)) MB free for $target_dir; a full build needs about 6 GB." >&2
        echo "         Free space (for example 'cargo clean' in other checkouts) if the build fails." >&2
    fi
}

#!/usr/bin/env bash
# What `make run` calls: a local hub (SQLite) and an enrolled kiosk on this machine, together.
#
#  1. starts `kiosk-hub serve` on 127.0.0.1 in development mode, data in $KIOSK_HUB_DATA
#     (default ~/.local/state/kiosk-hub), log in $KIOSK_HUB_DATA/hub.log;
#  2. creates the local admin with a freshly generated password if there is none, and prints the
#     hub's address and that password (there are no default credentials anywhere);
#  3. on the first run creates a site "Local library" and enrols this machine's kiosk with
#     `kiosk enroll CODE --hub URL` (skipped with a note while that command does not exist);
#  4. execs `kiosk run "$@"`; a watchdog stops the hub when the kiosk exits.
#
# Settings: KIOSK_HUB_DATA, KIOSK_HUB_PORT (default 8765), KIOSK_DEV_ADMIN (default local-admin).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
DATA="${KIOSK_HUB_DATA:-$HOME/.local/state/kiosk-hub}"
PORT="${KIOSK_HUB_PORT:-8765}"
ADMIN="${KIOSK_DEV_ADMIN:-local-admin}"
HUB="http://127.0.0.1:$PORT"
export KIOSK_HUB_DATA="$DATA"
mkdir -p "$DATA"
chmod 700 "$DATA"

# Development overlay: plain-HTTP cookies, loopback only (the hub refuses it anywhere else).
OVERLAY="$DATA/dev-hub.toml"
cat > "$OVERLAY" <<TOML
# Written by scripts/dev-stack.sh on every run; a local development hub only.
[server]
host = "127.0.0.1"
port = $PORT
development = true

[security]
cookie_secure = false
TOML

hub() { "$BIN/kiosk-hub" --config "$OVERLAY" "$@"; }

if "$BIN/python" - "$HUB" <<'PY' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/api/v1/openapi.json", timeout=1)
PY
    echo "dev-stack: something already answers on $HUB; stop it or set KIOSK_HUB_PORT." >&2
    exit 1
fi

hub migrate >/dev/null
created="$(hub create-admin "$ADMIN" --display-name "Local admin" --if-none)"
password=""
if [[ -n "$created" ]]; then
    password="${created##*: }"
fi

# Started directly (not through the function) so that $! is the hub's own PID.
"$BIN/kiosk-hub" --config "$OVERLAY" serve >>"$DATA/hub.log" 2>&1 &
HUB_PID=$!
# The kiosk replaces this shell (same PID): when it exits, stop the hub too.
( while kill -0 $$ 2>/dev/null; do sleep 1; done; kill "$HUB_PID" 2>/dev/null || true ) &

for _ in $(seq 100); do
    if "$BIN/python" - "$HUB" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/api/v1/openapi.json", timeout=1)
PY
    if ! kill -0 "$HUB_PID" 2>/dev/null; then
        echo "dev-stack: the hub did not start; see $DATA/hub.log" >&2
        tail -n 5 "$DATA/hub.log" >&2 || true
        exit 1
    fi
    sleep 0.1
done

echo "Hub:   $HUB  (API docs: $HUB/api/v1/docs, log: $DATA/hub.log)"
echo "Staff: $HUB/dashboard/  (the live helper queue; log in as the admin below)"
if [[ -n "$password" ]]; then
    echo "Admin: $ADMIN / $password   (shown only now; new one: $BIN/kiosk-hub set-password $ADMIN)"
else
    echo "Admin: $ADMIN (password shown when first created; new one: $BIN/kiosk-hub set-password $ADMIN)"
fi

# This machine's kiosk talks to the local hub and keeps its own files beside the hub's.
KIOSK_CONF="$DATA/dev-kiosk.toml"
cat > "$KIOSK_CONF" <<TOML
# Written by scripts/dev-stack.sh on every run: the development kiosk and its local hub.
[hub]
url = "$HUB"

[paths]
data_dir = "$DATA/kiosk"
TOML

ENROLLED="$DATA/dev-kiosk-enrolled"
if [[ ! -e "$ENROLLED" ]]; then
    if ! "$BIN/kiosk" enroll --help >/dev/null 2>&1; then
        echo "dev-stack: \`kiosk enroll\` is not available yet; the kiosk runs without the hub."
    elif [[ -z "$password" ]]; then
        echo "dev-stack: kiosk not enrolled and the admin password is not known in this run;"
        echo "           enrol by hand: kiosk-admin kiosks enroll --site ... then kiosk enroll CODE --hub $HUB"
    else
        export KIOSK_ADMIN_PASSWORD="$password"
        admin() { "$BIN/kiosk-admin" --hub "$HUB" --user "$ADMIN" "$@"; }
        admin sites add "Local library" --guidance-hours "Mon-Fri 10-12" >/dev/null
        code="$(admin kiosks enroll --site "Local library" --place "This machine" \
            | sed -n 's/^Enrolment code: //p')"
        unset KIOSK_ADMIN_PASSWORD
        if "$BIN/kiosk" --config "$KIOSK_CONF" enroll "$code" --hub "$HUB"; then
            date -u +%FT%TZ > "$ENROLLED"
            echo "Kiosk: enrolled at \"Local library\", place \"This machine\"."
        else
            echo "dev-stack: \`kiosk enroll\` failed; the kiosk runs without the hub." >&2
        fi
    fi
fi

exec "$BIN/kiosk" --config "$KIOSK_CONF" run "$@"

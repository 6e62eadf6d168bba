#!/usr/bin/env bash
# Conformance: schemathesis (PyPI, in a venv under target/) runs every check against the served
# OpenAPI document of `feltkart serve` on the Monaco sample, once per role (each role's token;
# endpoints of other roles answer their documented 403).
#
#   scripts/schemathesis.sh              # MAX_EXAMPLES=25 per operation
# Exit code: schemathesis's (0 = no failure). scripts/test calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES=${MAX_EXAMPLES:-25}
PORT=${PORT:-18182}
OUT=target/schemathesis
VENV=target/schemathesis-venv
BASE=http://127.0.0.1:$PORT
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q schemathesis
fi
cargo build --locked --bin feltkart
BIN=target/debug/feltkart
[ -f "$OUT/monaco.atlas" ] || "$BIN" ingest data/osm/monaco.osm.pbf -o "$OUT/monaco.atlas" -q
rm -f "$OUT"/st.db*
"$BIN" serve --atlas "$OUT/monaco.atlas" --db "$OUT/st.db" --listen "127.0.0.1:$PORT" \
    --demo-users >"$OUT/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
    curl -sf "$BASE/api/health" >/dev/null && break
    sleep 0.2
done
status=0
for login in planner-a field-a leader admin; do
    password=$(awk -v l="$login" '$1 == l {print $2}' "$OUT/serve.log")
    token=$(curl -sf -X POST "$BASE/api/login" -H 'content-type: application/json' \
        -d "{\"login\":\"$login\",\"password\":\"$password\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    echo "== schemathesis as $login"
    # logout would end the token mid-run; login is rate-limited by design.
    "$VENV/bin/schemathesis" run "$BASE/api/openapi.json" --checks all \
        --exclude-path /api/logout --exclude-path /api/login \
        -H "Authorization: Bearer $token" --max-examples "$MAX_EXAMPLES" \
        --seed 1 --no-color || status=$?
done
exit $status

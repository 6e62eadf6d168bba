#!/usr/bin/env bash
# Load test of `feltkart serve` on loopback: CONC clients (64) for DUR (30s) on cells-by-bbox and
# on plan-walk over the Liechtenstein atlas, with wrk (Debian's package). Prints p50, p99,
# requests/s and errors per endpoint; the goal for cells-by-bbox is p99 < 50 ms. Then SIGTERM
# during a plan-walk load: the server must finish its in-flight requests and exit 0.
#
#   scripts/load.sh                      # the full run (about 1.5 minutes after the build)
#   DUR=5s scripts/load.sh               # a short run
#
# Not part of scripts/test (it needs a release build and a quiet machine).
set -euo pipefail
cd "$(dirname "$0")/.."

DUR=${DUR:-30s}
CONC=${CONC:-64}
PORT=${PORT:-18181}
PBF=${PBF:-../shared/data/osm/liechtenstein.osm.pbf}
OUT=target/load
BIN=target/release/feltkart
BASE=http://127.0.0.1:$PORT
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null
fi
cargo build --release --locked --bin feltkart
[ -f "$OUT/liechtenstein.atlas" ] || "$BIN" ingest "$PBF" -o "$OUT/liechtenstein.atlas" -q
rm -f "$OUT"/load.db*
echo "load-test-password" | "$BIN" user add --db "$OUT/load.db" --login planner-load \
    --role planner --password-stdin >/dev/null

start_server() {
    "$BIN" serve --atlas "$OUT/liechtenstein.atlas" --db "$OUT/load.db" --listen "127.0.0.1:$PORT" \
        >"$OUT/serve.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 600); do
        curl -sf "$BASE/api/health" >/dev/null && return 0
        sleep 0.2
    done
    echo "server did not start" >&2
    exit 1
}
start_server
trap 'kill $PID 2>/dev/null || true' EXIT
TOKEN=$(curl -sf -X POST "$BASE/api/login" -H 'content-type: application/json' \
    -d '{"login":"planner-load","password":"load-test-password"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export TOKEN

cat >"$OUT/walk.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"profile":"young-people","start":[9.5215,47.1410],"minutes":30,"at":"2026-12-01T19:00:00+01:00"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
LUA

summary() { # name, wrk output file
    python3 - "$1" "$2" <<'PY'
import re, sys
name, path = sys.argv[1], sys.argv[2]
t = open(path).read()
def lat(p):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, t, re.M)
    if not m: return float("nan")
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
reqs = re.search(r"(\d+) requests in", t)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
sock = re.search(r"Socket errors: (.*)", t)
print(f"{name}: p50 {lat('50'):.1f} ms, p99 {lat('99'):.1f} ms, {float(rps.group(1)) if rps else 0:.1f} req/s, "
      f"{reqs.group(1) if reqs else 0} requests, non-2xx {non2xx.group(1) if non2xx else 0}, "
      f"socket errors: {sock.group(1) if sock else 'none'}")
PY
}

echo "== $CONC clients, $DUR each, $(nproc) cores =="
wrk -t2 -c"$CONC" -d"$DUR" --latency -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/cells?bbox=9.49,47.11,9.55,47.16&profile=young-people&res=10" >"$OUT/cells.txt"
summary "cells-by-bbox (Vaduz, res 10)" "$OUT/cells.txt"
wrk -t2 -c"$CONC" -d"$DUR" --latency -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/cells?bbox=9.47,47.04,9.64,47.28&profile=young-people&res=8" >"$OUT/cells-all.txt"
summary "cells-by-bbox (whole country, res 8)" "$OUT/cells-all.txt"
wrk -t2 -c"$CONC" -d"$DUR" --latency --timeout 30s -s "$OUT/walk.lua" "$BASE/api/plan/walk" \
    >"$OUT/walk.txt"
summary "plan-walk (30 min, Vaduz)" "$OUT/walk.txt"

echo "== SIGTERM during a plan-walk load =="
wrk -t2 -c"$CONC" -d10s --timeout 30s -s "$OUT/walk.lua" "$BASE/api/plan/walk" >"$OUT/term.txt" &
WRK=$!
sleep 3
kill -TERM "$PID"
START=$(date +%s.%N)
if wait "$PID"; then code=0; else code=$?; fi
END=$(date +%s.%N)
wait "$WRK" || true
python3 -c "print(f'server exit code $code after {($END - $START):.2f} s; log:')"
grep -E "^stopped" "$OUT/serve.log" || true
summary "plan-walk during SIGTERM (connections refused after the stop are socket errors)" "$OUT/term.txt"
trap - EXIT

#!/usr/bin/env bash
# Day-route solver vs OR-Tools on identical TSPTW instances, in one run on one machine.
#   scripts/tsptw-ratio.sh            helsinki-centre, liechtenstein, liechtenstein within 2 km
# For each instance: OR-Tools (peers.py tsptw-ortools: gls_1s, gls_10s) makes the instance
# from the PBF and solves it; our example binary solves the dumped instance (for Helsinki and
# Liechtenstein the script first checks that the dump equals the stored
# ../shared/peers/instances/NAME.tsptw.json.gz, and solves that); then the ratios
# ours/OR-Tools of served stops, walking minutes, objective (travel s + 1e6 x unserved, the
# peers' README) and solve seconds are printed. When we serve more stops than OR-Tools, the
# walking ratio compares routes of different sizes; "like for like" then gives our walking
# with our route cut down to OR-Tools' count (greedy: drop the stop that saves most walking).
# Needs the peers venv ($PEERS_VENV, else ../shared/peers/.venv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SHARED=../shared
VENV=${PEERS_VENV:-}
for v in "$VENV" "$SHARED/peers/.venv"; do
  if [ -n "$v" ] && [ -x "$v/bin/python" ]; then VENV=$v; break; fi
done
if [ ! -x "$VENV/bin/python" ]; then
  echo "tsptw-ratio: no peers venv (run $SHARED/peers/setup.sh or set PEERS_VENV)" >&2
  exit 1
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cargo build --quiet --release -p feltkart-plan --example tsptw
BIN=target/release/examples/tsptw

run() { # name pbf [peers args...]
  local name=$1 pbf=$2; shift 2
  "$VENV/bin/python" "$SHARED/peers/peers.py" tsptw-ortools "$pbf" "$@" --dump "$OUT/$name.json" > "$OUT/$name.ortools.json"
  local inst="$OUT/$name.json" stored="$SHARED/peers/instances/$name.tsptw.json.gz"
  if [ -f "$stored" ]; then
    if python3 -c 'import gzip, json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(gzip.open(sys.argv[2])))' "$inst" "$stored"; then
      echo "$name: the instance equals $stored; solving that"
      inst=$stored
    else
      echo "$name: the dump differs from $stored; solving the dump" >&2
    fi
  fi
  "$BIN" "$inst" > "$OUT/$name.ours.json"
  python3 - "$name" "$OUT/$name.ortools.json" "$OUT/$name.ours.json" <<'PY'
import json, sys
name, ort, ours = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
runs = {r["run"]: r for r in ort["runs"]}
print(f"{name}: ours served {ours['served']}/{ours['stops']}, travel {ours['travel_min']:.2f} min, "
      f"{ours['solve_s']:.3f} s, objective {ours['objective']}")
for label in ("gls_1s", "gls_10s"):
    r = runs[label]
    print(f"  vs OR-Tools {label}: served {r['served']} (ratio {ours['served'] / max(r['served'], 1):.3f}), "
          f"travel {r['travel_min']:.2f} min (ratio {ours['travel_min'] / max(r['travel_min'], 1e-9):.3f}), "
          f"{r['solve_s']:.3f} s (time ratio {ours['solve_s'] / r['solve_s']:.4f}), "
          f"objective {r['objective']} (ratio {ours['objective'] / r['objective']:.4f})")
    k = ours["served"] - r["served"]
    if 0 < k < len(ours["cut_travel_min"]):
        cut = float(ours["cut_travel_min"][k])
        print(f"    like for like: ours cut to {r['served']} stops walks {cut:.2f} min "
              f"(ratio {cut / max(r['travel_min'], 1e-9):.3f})")
PY
}

run helsinki-centre "$SHARED/data/osm/helsinki-centre.osm.pbf"
run liechtenstein "$SHARED/data/osm/liechtenstein.osm.pbf"
run liechtenstein-2000 "$SHARED/data/osm/liechtenstein.osm.pbf" --within-m 2000

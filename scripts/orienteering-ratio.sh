#!/usr/bin/env bash
# Compare the walk planner's matrix solver with OR-Tools on the peers' orienteering instances,
# in one run on one machine: OR-Tools via `peers.py orienteering-ortools` (1 s and 10 s guided
# local search; it also dumps the instance), then our solver on that very dump
# (crates/plan/examples/orienteering.rs, release build). Prints one line per instance and limit:
# prizes, solve seconds, and the ratios ours/OR-Tools (prize) and OR-Tools/ours (time).
#
# usage: scripts/orienteering-ratio.sh [NAME ...]     (default: liechtenstein helsinki-centre)
# env:   PEERS_PYTHON (default ../shared/peers/.venv/bin/python; point it at your peers venv)
#        FELTKART_SHARED (default ../shared next to the repository)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${FELTKART_SHARED:-$root/../shared}
py=${PEERS_PYTHON:-$shared/peers/.venv/bin/python}
[ -x "$py" ] || py=$shared/peers/.venv/bin/python
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(liechtenstein helsinki-centre)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && cargo build --release -q -p feltkart-plan --example orienteering)
ours_bin=$root/target/release/examples/orienteering

for name in "${names[@]}"; do
  pbf=$shared/data/osm/$name.osm.pbf
  "$py" "$shared/peers/peers.py" orienteering-ortools "$pbf" --dump "$tmp/$name.json" > "$tmp/$name.ortools.json"
  "$ours_bin" "$tmp/$name.json" > "$tmp/$name.ours.json"
  python3 - "$name" "$tmp/$name.ortools.json" "$tmp/$name.ours.json" <<'PY'
import json, sys
name, ort, ours = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
print(f"{name}: {ort['candidates']} candidates, budget {ort['budget_min']} min; "
      f"ours: prize {ours['prize']:.0f}, route {ours['route_min']} min, {ours['seconds']:.3f} s "
      f"(bound {ours['bound']:.0f})")
for run in ort["runs"]:
    if "collected_prize" not in run:
        print(f"  OR-Tools {run['limit_s']:g} s: {run.get('status')}")
        continue
    print(f"  vs OR-Tools {run['limit_s']:g} s: prize {run['collected_prize']} "
          f"(route {run['route_min']} min, {run['solve_s']:.3f} s) -> "
          f"prize ratio ours/OR-Tools {ours['prize'] / run['collected_prize']:.3f}, "
          f"time ratio OR-Tools/ours {run['solve_s'] / ours['seconds']:.1f}x")
PY
done

#!/usr/bin/env bash
# H3 indexing time, Feltkart (h3o) vs h3-py (`peers.py h3-polyfill`), measured in one run on
# one machine and printed as ratios (peer seconds / our seconds: above 1 means we are faster).
#
#   scripts/h3-ratio.sh [FILE.osm.pbf ...]     (default: ../shared/data/osm/liechtenstein.osm.pbf)
#
# Both sides time only the polygon -> cell step over the same residential polygons (the peer's
# extract_s and to_h3shape_s, and our read_extract, are outside). Cell counts are printed first:
# a faster engine that computes something else is not faster.
# Env: PEERS_VENV (default ../shared/peers/.venv; set it where that folder is read-only), SHARED
# (default ../shared beside the repo).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$root/../shared}"
venv="${PEERS_VENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/peers/.venv}"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$shared/data/osm/liechtenstein.osm.pbf")

cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p feltkart-cells --example h3_index
ours_bin="$root/target/release/examples/h3_index"

for f in "${files[@]}"; do
  peer="$("$venv/bin/python" "$shared/peers/peers.py" h3-polyfill "$f")"
  ours="$("$ours_bin" "$f")"
  python3 - "$peer" "$ours" <<'PY'
import json, sys
peer, ours = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{ours['file']}: polygons peer {peer['residential_polygons']} ours {ours['residential_polygons']}; ours on {ours['threads']} threads")
print(f"{'step':<14}{'cells peer':>11}{'cells ours':>11}{'peer s':>10}{'ours s':>10}{'ratio':>8}{'ours 1-thr s':>14}{'ratio':>8}")
for res in (9, 10):
    for mode in ("center", "overlap", "centroid"):
        k = f"r{res}_{mode}"
        p, o, o1 = peer[f"{k}_s"], ours[f"{k}_s"], ours[f"{k}_1thread_s"]
        ratio = lambda a, b: f"{a / b:.1f}" if b > 0 else "inf"
        print(f"{k:<14}{peer[k + '_cells']:>11}{ours[k + '_cells']:>11}{p:>10.4f}{o:>10.4f}{ratio(p, o):>8}{o1:>14.4f}{ratio(p, o1):>8}")
PY
done

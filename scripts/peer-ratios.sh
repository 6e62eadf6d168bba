#!/usr/bin/env bash
# Feltkart against the peers (../shared/peers), as ratios from ONE run on ONE machine.
#
# Usage (from anywhere; paths are relative to the project root):
#   scripts/peer-ratios.sh [PBF]        # default ../shared/data/osm/liechtenstein.osm.pbf
#
# What it does, in order:
#   (a) peers: `peers.py ingest-osmium PBF` and `peers.py ingest-pyrosm PBF`;
#   (b) Feltkart: the whole `target/release/feltkart ingest PBF -o TMP -q` process, best wall
#       time of $RUNS runs and its peak RSS (`/usr/bin/time -f %M`);
#   (c) ratios: ingest-osmium wall_s / feltkart, ingest-pyrosm wall_s / feltkart,
#       decode_locations_only_s / feltkart (libosmium decode floor: below 1 means Feltkart is
#       slower than a bare decode), peak RSS / PBF size, and the peers' whole-process peak RSS
#       (`/usr/bin/time -f %M` around peers.py) / Feltkart's;
#   (d) graph: `peers.py graph-sssp PBF --dump TMP` (networkx, 100 Dijkstra queries), then the
#       criterion bench `graph/sssp` on the same graph (simplified, peers' rule) and the same
#       100 sources; ratio = networkx simplified mean_ms / criterion median per query;
#   (e) scaling: 2x2 and 4x4 tiled copies of PBF (../shared/tools/tile_pbf.py) in
#       target/tiles/ (kept, rebuilt when PBF is newer), Feltkart ingest time and peak RSS for
#       1x/4x/16x, per MB of input. (scripts/ingest-memory.sh measures the peak RSS alone,
#       over more runs.)
# Every result is a plain line such as `ratio ingest-osmium/feltkart: 7.9` (peer / Feltkart:
# above 1 means Feltkart is faster); progress and tool noise go to stderr.
#
# Env:
#   PEERS_VENV        the peers' venv (default ../shared/peers/.venv); ../shared/peers/setup.sh
#                     is run when it lacks the peer packages, unless PEERS_SKIP_SETUP=1
#   RUNS              Feltkart runs per timing (default 5; the best is kept)
#   SKIP_GRAPH=1      skip (d);  SKIP_SCALING=1  skip (e)
# Needs: cargo, /usr/bin/time, Python 3.10-3.12 for the peers. Builds `cargo build --release`.
# Run it on an otherwise idle machine: the load average is printed with the results.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/pbf-common.sh
. "$ROOT/scripts/pbf-common.sh"
resolve_pbf peer-ratios.sh "${1:-}"
cd "$ROOT"
PEERS="$ROOT/../shared/peers"
export PEERS_VENV="${PEERS_VENV:-$PEERS/.venv}"
RUNS="${RUNS:-5}"
PY="$PEERS_VENV/bin/python"
BIN="$ROOT/target/release/feltkart"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
log() { echo "peer-ratios: $*" >&2; }

# --- setup ------------------------------------------------------------------------------
if ! "$PY" -c 'import osmium, pyrosm, networkx' 2>/dev/null; then
  if [ "${PEERS_SKIP_SETUP:-0}" = "1" ]; then
    echo "peer-ratios: $PY cannot import the peers and PEERS_SKIP_SETUP=1" >&2
    exit 1
  fi
  log "setting up the peers' venv in $PEERS_VENV"
  "$PEERS/setup.sh"
fi
log "cargo build --release"
cargo build --release -q

# Arithmetic and JSON with the venv's Python: calc 'EXPR' evaluates a Python expression.
calc() { "$PY" -c "import json, sys; print($1)"; }
# field FILE.json KEY[.KEY...]: one value from the JSON object in FILE.
field() { "$PY" -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$1" "$2"; }

# time_ingest FILE: best wall seconds of $RUNS whole `feltkart ingest` processes, and the
# largest peak RSS (KiB) among them; prints "SECONDS KIB".
time_ingest() {
  local best="" rss=0 t0 t1 s k i
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -f %M -o "$TMP/rss" "$BIN" ingest "$1" -o "$TMP/x.atlas" -q >/dev/null
    t1=$(date +%s%N)
    s=$(calc "($t1 - $t0) / 1e9")
    k=$(tail -n 1 "$TMP/rss")
    if [ -z "$best" ] || [ "$(calc "$s < $best")" = "True" ]; then best=$s; fi
    if [ "$k" -gt "$rss" ]; then rss=$k; fi
  done
  echo "$best $rss"
}

BYTES=$(stat -c %s "$PBF")
MB=$(calc "$BYTES / 1e6")
echo "file: $(basename "$PBF") ($BYTES bytes)"
echo "machine: $(nproc) cpus, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "feltkart: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), best of $RUNS runs"

# --- (a) ingest peers ---------------------------------------------------------------------
log "peers.py ingest-osmium"
/usr/bin/time -f %M -o "$TMP/osmium.rss" "$PY" "$PEERS/peers.py" ingest-osmium "$PBF" > "$TMP/osmium.json"
log "peers.py ingest-pyrosm"
/usr/bin/time -f %M -o "$TMP/pyrosm.rss" "$PY" "$PEERS/peers.py" ingest-pyrosm "$PBF" > "$TMP/pyrosm.json"
OSM_KIB=$(tail -n 1 "$TMP/osmium.rss")
PYROSM_KIB=$(tail -n 1 "$TMP/pyrosm.rss")
OSM_WALL=$(field "$TMP/osmium.json" wall_s)
OSM_DECODE=$(field "$TMP/osmium.json" decode_locations_only_s)
PYROSM_WALL=$(field "$TMP/pyrosm.json" wall_s)

# --- (b) Feltkart ingest ------------------------------------------------------------------
log "feltkart ingest x$RUNS"
FK=$(time_ingest "$PBF")
read -r FK_S FK_KIB <<< "$FK"
"$BIN" ingest "$PBF" -o "$TMP/x.atlas" --json > "$TMP/feltkart.json"
echo "ingest-osmium wall_s: $OSM_WALL (walk_edges $(field "$TMP/osmium.json" walk_edges))"
echo "ingest-osmium decode_locations_only_s: $OSM_DECODE"
echo "ingest-pyrosm wall_s: $PYROSM_WALL (walk_edges $(field "$TMP/pyrosm.json" walk_edges))"
echo "feltkart ingest wall_s: $(calc "round($FK_S, 4)") (peer-definition walk_edges $(field "$TMP/feltkart.json" peer_definitions.walk_edges), own walk_edges $(field "$TMP/feltkart.json" feltkart.walk_edges))"
echo "feltkart ingest peak_rss_mb: $(calc "round($FK_KIB * 1024 / 1e6, 1)")"

# --- (c) ratios ---------------------------------------------------------------------------
echo "ratio ingest-osmium/feltkart: $(calc "round($OSM_WALL / $FK_S, 2)")"
echo "ratio ingest-pyrosm/feltkart: $(calc "round($PYROSM_WALL / $FK_S, 2)")"
echo "ratio decode-locations-only/feltkart: $(calc "round($OSM_DECODE / $FK_S, 2)")"
echo "ratio peak-rss/pbf-size: $(calc "round($FK_KIB * 1024 / $BYTES, 2)")"
echo "ingest-osmium peak_rss_mb (whole python process): $(calc "round($OSM_KIB * 1024 / 1e6, 1)")"
echo "ingest-pyrosm peak_rss_mb (whole python process): $(calc "round($PYROSM_KIB * 1024 / 1e6, 1)")"
echo "ratio peak-rss ingest-osmium/feltkart: $(calc "round($OSM_KIB / $FK_KIB, 2)")"
echo "ratio peak-rss ingest-pyrosm/feltkart: $(calc "round($PYROSM_KIB / $FK_KIB, 2)")"

# --- (d) graph: networkx Dijkstra vs Adjacency::lengths_from ---------------------------------
if [ "${SKIP_GRAPH:-0}" != "1" ]; then
  log "peers.py graph-sssp (networkx, 2 x 100 queries)"
  "$PY" "$PEERS/peers.py" graph-sssp "$PBF" --dump "$TMP/graph.json.gz" > "$TMP/nx.json"
  NX_MEAN=$(field "$TMP/nx.json" simplified.mean_ms)
  NX_P50=$(field "$TMP/nx.json" simplified.p50_ms)
  log "cargo bench --bench pipeline -- graph/sssp"
  FELTKART_BENCH_PBF="$PBF" FELTKART_BENCH_GRAPH_DUMP="$TMP/graph.json.gz" \
    cargo bench -q --bench pipeline -- graph/sssp >&2
  EST="$ROOT/target/criterion/graph/sssp/new/estimates.json"
  OURS_MS=$(calc "json.load(open('$EST'))['median']['point_estimate'] / 1e6")
  echo "graph-sssp networkx simplified: $(field "$TMP/nx.json" simplified.nodes) nodes, $(field "$TMP/nx.json" simplified.edges) edges, mean_ms $NX_MEAN, p50_ms $NX_P50"
  echo "graph-sssp feltkart Adjacency::lengths_from median_ms: $(calc "round($OURS_MS, 4)")"
  echo "ratio graph-sssp networkx-mean/feltkart: $(calc "round($NX_MEAN / $OURS_MS, 1)")"
  echo "ratio graph-sssp networkx-p50/feltkart: $(calc "round($NX_P50 / $OURS_MS, 1)")"
fi

# --- (e) scaling with tiled copies ----------------------------------------------------------
if [ "${SKIP_SCALING:-0}" != "1" ]; then
  echo "scale 1x: $(calc "round($MB, 2)") MB, ingest $(calc "round($FK_S, 3)") s ($(calc "round($FK_S / $MB, 4)") s/MB), peak RSS $(calc "round($FK_KIB * 1024 / 1e6, 1)") MB ($(calc "round($FK_KIB * 1024 / $BYTES, 2)") x input)"
  for grid in 2 4; do
    n=$((grid * grid))
    TILED="$(tiled_copy "$PY" "$grid")"
    TB=$(stat -c %s "$TILED")
    TMB=$(calc "$TB / 1e6")
    log "feltkart ingest ${n}x x$RUNS"
    T=$(time_ingest "$TILED")
    read -r S KIB <<< "$T"
    echo "scale ${n}x: $(calc "round($TMB, 2)") MB, ingest $(calc "round($S, 3)") s ($(calc "round($S / $TMB, 4)") s/MB), peak RSS $(calc "round($KIB * 1024 / 1e6, 1)") MB ($(calc "round($KIB * 1024 / $TB, 2)") x input)"
    echo "ratio time-per-mb ${n}x/1x: $(calc "round(($S / $TMB) / ($FK_S / $MB), 2)")"
    echo "ratio rss-per-mb ${n}x/1x: $(calc "round(($KIB / $TB) / ($FK_KIB / $BYTES), 2)")"
  done
fi
echo "machine: load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Peak memory of the whole `feltkart ingest` process over 1x, 4x and 16x copies of a PBF.
#
# Usage (from anywhere; paths are relative to the project root):
#   scripts/ingest-memory.sh [PBF]      # default ../shared/data/osm/liechtenstein.osm.pbf
#
# For each of PBF and its 2x2 and 4x4 tiled copies (../shared/tools/tile_pbf.py, kept in
# target/tiles/ and rebuilt when PBF is newer), runs `target/release/feltkart ingest FILE -o TMP
# -q` $RUNS times under `/usr/bin/time -f "%e %M"` and prints one line per size:
#   scale 4x: 9.95 MB, peak RSS max 78.1 MB (7.85 x input), median 76.2 MB, best 0.41 s
# then `ratio rss-per-mb 4x/1x: ...` (1.0 = memory grows linearly with the input) and
# `goal peak RSS < 10 x input: met|NOT met` over the largest peak of every run.
# The peak RSS of a run varies by a few MB with how the two decoding threads interleave,
# so the maximum over the runs is what counts.
#
# Env: RUNS (default 10); PEERS_VENV, the Python with osmium for tiling (default
# ../shared/peers/.venv). Needs cargo and /usr/bin/time. Builds `cargo build --release`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/pbf-common.sh
. "$ROOT/scripts/pbf-common.sh"
resolve_pbf ingest-memory.sh "${1:-}"
cd "$ROOT"
RUNS="${RUNS:-10}"
PY="${PEERS_VENV:-$ROOT/../shared/peers/.venv}/bin/python"
BIN="$ROOT/target/release/feltkart"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "ingest-memory: cargo build --release" >&2
cargo build --release -q
echo "feltkart: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), $RUNS runs per size"
echo "machine: $(nproc) cpus, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

FILES=("1 $PBF")
for grid in 2 4; do
  FILES+=("$((grid * grid)) $(tiled_copy "$PY" "$grid")")
done

met=1
base=""
for entry in "${FILES[@]}"; do
  read -r n file <<< "$entry"
  bytes=$(stat -c %s "$file")
  : > "$TMP/runs"
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f "%e %M" -o "$TMP/one" "$BIN" ingest "$file" -o "$TMP/x.atlas" -q >/dev/null
    tail -n 1 "$TMP/one" >> "$TMP/runs"
  done
  # max and median peak RSS (KiB), best wall time
  read -r max med best <<< "$(sort -k2,2n "$TMP/runs" | awk '{t[NR]=$1; r[NR]=$2} END {
    b=t[1]; for (i=2;i<=NR;i++) if (t[i]<b) b=t[i];
    m=(NR%2)? r[(NR+1)/2] : (r[NR/2]+r[NR/2+1])/2; print r[NR], m, b}')"
  x=$(awk -v k="$max" -v b="$bytes" 'BEGIN {printf "%.2f", k * 1024 / b}')
  printf 'scale %sx: %.2f MB, peak RSS max %.1f MB (%s x input), median %.1f MB, best %s s\n' \
    "$n" "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')" \
    "$(awk -v k="$max" 'BEGIN {print k * 1024 / 1e6}')" "$x" \
    "$(awk -v k="$med" 'BEGIN {print k * 1024 / 1e6}')" "$best"
  if [ -z "$base" ]; then
    base="$max $bytes"
  else
    read -r bmax bbytes <<< "$base"
    echo "ratio rss-per-mb ${n}x/1x: $(awk -v k="$max" -v b="$bytes" -v k1="$bmax" -v b1="$bbytes" 'BEGIN {printf "%.2f", (k / b) / (k1 / b1)}')"
  fi
  if awk -v x="$x" 'BEGIN {exit !(x >= 10)}'; then met=0; fi
done
if [ "$met" = 1 ]; then
  echo "goal peak RSS < 10 x input: met"
else
  echo "goal peak RSS < 10 x input: NOT met"
fi
echo "machine: load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

# Shared by scripts/peer-ratios.sh and scripts/ingest-memory.sh (sourced, not run).

# resolve_pbf SCRIPT ARG: set PBF to ARG (default the Liechtenstein extract) as an absolute
# path, relative to the current directory if it exists there, else to the project root $ROOT;
# exits with a usage line naming SCRIPT when there is no such file.
resolve_pbf() {
  local arg="${2:-../shared/data/osm/liechtenstein.osm.pbf}"
  case "$arg" in
    /*) PBF="$arg" ;;
    *) if [ -f "$arg" ]; then PBF="$(pwd)/$arg"; else PBF="$ROOT/$arg"; fi ;;
  esac
  if [ ! -f "$PBF" ]; then
    echo "usage: scripts/$1 [PBF]  ($arg not found)" >&2
    exit 2
  fi
}

# tiled_copy PY N: print the path of the N x N tiled copy of $PBF in target/tiles/, made with
# ../shared/tools/tile_pbf.py (Python PY, with osmium) when missing or older than $PBF.
tiled_copy() {
  local stem out
  stem="$(basename "$PBF")"
  stem="${stem%.pbf}"
  stem="${stem%.osm}"
  out="$ROOT/target/tiles/$stem.x$(($2 * $2)).osm.pbf"
  mkdir -p "$ROOT/target/tiles"
  if [ ! -f "$out" ] || [ "$PBF" -nt "$out" ]; then
    echo "tiling $(($2 * $2)) copies into $out" >&2
    "$1" "$ROOT/../shared/tools/tile_pbf.py" "$PBF" "$out" --grid "$2" >&2
  fi
  echo "$out"
}

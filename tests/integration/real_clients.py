"""Re-read Feltkart's outputs with independent real-world libraries (Debian's python3-gpxpy and
python3-geojson): a GPX 1.1 file and a GeoJSON file given on the command line. Prints one line
and exits non-zero on the first problem."""
import sys

import geojson
import gpxpy

gpx_path, geojson_path = sys.argv[1], sys.argv[2]
with open(gpx_path, encoding="utf-8") as f:
    g = gpxpy.parse(f)
assert g.version == "1.1", f"GPX version {g.version}"
assert len(g.tracks) == 1 and len(g.tracks[0].segments) == 1, "one track, one segment"
pts = g.tracks[0].segments[0].points
assert len(pts) >= 2, "a track of at least two points"
times = [p.time for p in pts]
assert all(t is not None for t in times), "every track point has a time"
assert all(a <= b for a, b in zip(times, times[1:])), "track times never go back"
assert all(t.utcoffset() is not None and t.utcoffset().total_seconds() == 0 for t in times), "UTC times"
for w in g.waypoints:
    assert w.name and w.time is not None, "named, timed waypoints"
with open(geojson_path, encoding="utf-8") as f:
    fc = geojson.load(f)
assert fc.is_valid, f"GeoJSON invalid: {fc.errors()}"
assert fc["type"] == "FeatureCollection"
print(f"ok: {len(pts)} track points, {len(g.waypoints)} waypoints, {len(fc['features'])} features")

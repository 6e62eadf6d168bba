"""Re-read Feltkart's outputs with independent real-world libraries (Debian's python3-gpxpy,
python3-geojson and python3-icalendar): each file given on the command line is checked by its
extension (.gpx: GPX 1.1; .geojson: GeoJSON; .ics: iCalendar). Prints one line and exits
non-zero on the first problem."""
import sys


def check_gpx(path):
    import gpxpy

    with open(path, encoding="utf-8") as f:
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
    return f"{len(pts)} track points, {len(g.waypoints)} waypoints"


def check_geojson(path):
    import geojson

    with open(path, encoding="utf-8") as f:
        fc = geojson.load(f)
    assert fc.is_valid, f"GeoJSON invalid: {fc.errors()}"
    assert fc["type"] == "FeatureCollection"
    return f"{len(fc['features'])} features"


def check_ics(path):
    import icalendar

    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = cal.walk("VEVENT")
    assert events, "at least one event"
    uids = set()
    for e in events:
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert start < end, f"event {e.get('UID')} ends before it starts"
        assert str(e.get("SUMMARY", "")).strip(), "every event has a summary"
        uid = str(e.get("UID"))
        assert uid not in uids, f"UID {uid} twice"
        uids.add(uid)
    return f"{len(events)} events"


checks = {".gpx": check_gpx, ".geojson": check_geojson, ".ics": check_ics}
parts = []
for path in sys.argv[1:]:
    ext = path[path.rfind("."):]
    assert ext in checks, f"{path}: no check for {ext}"
    parts.append(checks[ext](path))
print("ok: " + ", ".join(parts))

//! Paths and loaders shared by the test modules.
#![allow(dead_code)]

use std::path::PathBuf;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the project.
pub fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// A real extract from `../shared/data/osm`.
pub fn shared_osm(name: &str) -> PathBuf {
    shared().join("data").join("osm").join(name)
}

/// A hand-written fixture from `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(name)
}

/// The peer reference file `../shared/peers/reference/NAME`.
pub fn peer_reference(name: &str) -> PathBuf {
    shared().join("peers").join("reference").join(name)
}

/// Every PBF extract in `../shared/data/osm`.
pub const PBF_EXTRACTS: &[&str] = &[
    "helsinki-centre.osm.pbf",
    "hoyerswerda-centre.osm.pbf",
    "kotka-karhula.osm.pbf",
    "liechtenstein.osm.pbf",
    "monaco.osm.pbf",
    "porto-centre.osm.pbf",
];

/// Read an extract with the shipped taxonomy.
pub fn read(path: &std::path::Path) -> feltkart_osm::Extract {
    let tax = feltkart_osm::Taxonomy::builtin().expect("builtin taxonomy");
    feltkart_osm::read_extract(path, &tax, &|_| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// The `feltkart` binary built for these tests.
pub fn feltkart_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_feltkart"))
}

/// Run the `feltkart` binary.
pub fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(feltkart_bin())
        .args(args)
        .output()
        .unwrap()
}

/// `feltkart ingest` of the real Monaco extract into `dir/monaco.atlas`.
pub fn ingest_monaco(dir: &std::path::Path) -> PathBuf {
    let atlas = dir.join("monaco.atlas");
    let o = run(&[
        "ingest",
        shared_osm("monaco.osm.pbf").to_str().unwrap(),
        "-o",
        atlas.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    atlas
}

/// A Python that imports `modules` (Debian's python3-gpxpy, python3-geojson,
/// python3-icalendar): `scripts/test` installs them all and sets `FELTKART_PY_VALIDATORS`;
/// without it the check runs if `/usr/bin/python3` has them.
pub fn python_with(modules: &str) -> Option<String> {
    if let Ok(py) = std::env::var("FELTKART_PY_VALIDATORS") {
        return Some(py);
    }
    let py = "/usr/bin/python3";
    let ok = std::process::Command::new(py)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| py.to_owned())
}

/// Check `files` with `tests/integration/real_clients.py` (by extension: .gpx, .geojson,
/// .ics); returns its one line.
pub fn real_clients(py: &str, files: &[&std::path::Path]) -> String {
    let v = std::process::Command::new(py)
        .arg(root().join("tests/integration/real_clients.py"))
        .args(files)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&v.stdout).into_owned();
    assert!(
        v.status.success() && out.starts_with("ok:"),
        "{out}{}",
        String::from_utf8_lossy(&v.stderr)
    );
    out
}

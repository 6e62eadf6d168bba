//! Bad input through the real `feltkart` binary: every failure is a non-zero exit and exactly one
//! line on stderr that names the file and the problem, never a panic.

use crate::common;
use crate::pbf_writer::{self, NodeData, NodeEncoding, OsmData};
use osmpbfreader::osmformat::{DenseNodes, PrimitiveBlock, PrimitiveGroup, StringTable, Way};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn feltkart(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(common::feltkart_bin())
        .args(args)
        .env_remove("FELTKART_LOG")
        .output()
        .unwrap()
}

/// Assert a failed run printed one line naming `path` and containing every one of `words`.
fn assert_one_line_error(out: &Output, path: &Path, words: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    assert!(
        !out.status.success(),
        "exit status {:?}; stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, got:\n{stderr}");
    let shown = path.display().to_string();
    assert!(stderr.contains(&shown), "names {shown}: {stderr}");
    for w in words {
        assert!(stderr.contains(w), "says {w:?}: {stderr}");
    }
    stderr
}

/// `feltkart ingest PATH -o DIR/out.atlas -q` fails with one line; no atlas is left behind.
fn ingest_fails(path: &Path, words: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let atlas = dir.path().join("out.atlas");
    let out = feltkart(&[
        "ingest".as_ref(),
        path.as_os_str(),
        "-o".as_ref(),
        atlas.as_os_str(),
        "-q".as_ref(),
    ]);
    let line = assert_one_line_error(&out, path, words);
    assert!(!atlas.exists(), "no atlas for a failed ingest");
    line
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn monaco() -> Vec<u8> {
    std::fs::read(common::shared_osm("monaco.osm.pbf")).unwrap()
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    ingest_fails(&write(dir.path(), "empty.osm.pbf", b""), &["empty"]);
}

#[test]
fn truncated_pbf() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = monaco();
    let path = write(dir.path(), "half.osm.pbf", &bytes[..bytes.len() / 2]);
    ingest_fails(&path, &["truncated"]);
}

#[test]
fn random_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for seed in [1, 2, 3, 20_240_601] {
        let mut rng = StdRng::seed_from_u64(seed);
        let bytes: Vec<u8> = (0..4096).map(|_| rng.random()).collect();
        let path = write(dir.path(), &format!("random-{seed}.osm.pbf"), &bytes);
        ingest_fails(&path, &["not an OSM PBF"]);
    }
}

#[test]
fn random_bytes_after_a_valid_header_block() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = pbf_writer::header_frame(None);
    let mut rng = StdRng::seed_from_u64(7);
    bytes.extend((0..4096).map(|_| rng.random::<u8>()));
    let path = write(dir.path(), "header-then-noise.osm.pbf", &bytes);
    ingest_fails(&path, &["corrupt", "block 1"]);
}

#[test]
fn pbf_with_nodes_but_no_ways() {
    let dir = tempfile::tempdir().unwrap();
    let nodes = (0..5)
        .map(|i| NodeData {
            id: 100 + i,
            lon: 10.81 + 0.001 * i as f64,
            lat: 55.31,
            tags: Vec::new(),
        })
        .collect();
    let data = OsmData {
        nodes,
        ..OsmData::default()
    };
    let path = write(
        dir.path(),
        "nodes-only.osm.pbf",
        &pbf_writer::write_pbf(&data, NodeEncoding::Dense),
    );
    ingest_fails(&path, &["no ways", "5 nodes"]);
}

#[test]
fn pbf_blocks_whose_id_deltas_overflow() {
    // Hostile data blocks: the second delta of a node id, or of a way's node refs, overflows i64.
    let mut dense = DenseNodes::new();
    dense.id = vec![i64::MAX, 1];
    dense.lat = vec![553_100_000, 0];
    dense.lon = vec![108_100_000, 0];
    let mut nodes = PrimitiveGroup::new();
    nodes.dense = protobuf::MessageField::some(dense);
    let mut way = Way::new();
    way.set_id(1);
    way.refs = vec![i64::MAX, 1];
    let mut ways = PrimitiveGroup::new();
    ways.ways.push(way);
    let dir = tempfile::tempdir().unwrap();
    for (name, group) in [("dense-ids", nodes), ("way-refs", ways)] {
        let mut table = StringTable::new();
        table.s = vec![Vec::new()];
        let mut block = PrimitiveBlock::new();
        block.stringtable = protobuf::MessageField::some(table);
        block.primitivegroup = vec![group];
        let mut bytes = pbf_writer::header_frame(None);
        bytes.extend(pbf_writer::data_frame(&block));
        let path = write(dir.path(), &format!("{name}.osm.pbf"), &bytes);
        ingest_fails(&path, &["corrupt", "block 1", "overflow"]);
    }
}

#[test]
fn path_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    ingest_fails(&dir.path().join("nowhere.osm.pbf"), &["no such file"]);
}

#[test]
fn directory() {
    let dir = tempfile::tempdir().unwrap();
    ingest_fails(dir.path(), &["is a directory"]);
}

#[test]
fn osm_xml_with_a_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = "<?xml version=\"1.0\"?>\n<osm version=\"0.6\">\n  <node id=\"1\" lat=\"55.31\" lon=\"10.81>\n</osm>\n";
    ingest_fails(
        &write(dir.path(), "broken.osm", text.as_bytes()),
        &["invalid OSM XML"],
    );
}

#[test]
fn osm_xml_cut_at_a_line_boundary() {
    // Well-formed up to where it stops: it must not ingest as if complete.
    let text = std::fs::read_to_string(common::shared_osm("bautzen-small.osm")).unwrap();
    let cut: String = text
        .lines()
        .take(text.lines().count() / 2)
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    ingest_fails(
        &write(dir.path(), "bautzen-half.osm", cut.as_bytes()),
        &["truncated", "</osm>"],
    );
}

/// Ingest a real extract through the CLI into `dir`; returns the atlas path.
fn ingest_ok(extract: &Path, dir: &Path) -> PathBuf {
    let atlas = dir.join("real.atlas");
    let out = feltkart(&[
        "ingest".as_ref(),
        extract.as_os_str(),
        "-o".as_ref(),
        atlas.as_os_str(),
        "-q".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {stderr}", extract.display());
    assert!(stderr.trim().is_empty(), "no warnings on stderr: {stderr}");
    assert!(atlas.exists());
    atlas
}

#[test]
fn bautzen_osm_xml_ingests() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_ok(&common::shared_osm("bautzen-small.osm"), dir.path());
    let out = feltkart(&["stats".as_ref(), atlas.as_os_str(), "--json".as_ref()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["format"], "xml");
    assert!(
        summary["feltkart"]["walk_ways"].as_u64().unwrap() > 0,
        "{summary}"
    );
    assert!(
        summary["feltkart"]["graph_edges"].as_u64().unwrap() > 0,
        "{summary}"
    );
}

#[test]
fn stale_and_corrupt_atlases() {
    let dir = tempfile::tempdir().unwrap();
    let real = std::fs::read(ingest_ok(&common::shared_osm("monaco.osm.pbf"), dir.path())).unwrap();
    let stats_fails = |name: &str, bytes: &[u8], words: &[&str]| {
        let path = write(dir.path(), name, bytes);
        let out = feltkart(&["stats".as_ref(), path.as_os_str()]);
        assert_one_line_error(&out, &path, words)
    };

    let version = u32::from_le_bytes(real[8..12].try_into().unwrap());
    let mut stale = real.clone();
    stale[8..12].copy_from_slice(&(version + 1).to_le_bytes());
    stats_fails(
        "stale.atlas",
        &stale,
        &["stale", &format!("format version {}", version + 1)],
    );

    let mut corrupt = real.clone();
    let at = 24 + (real.len() - 24) / 2;
    corrupt[at] ^= 0x5a;
    stats_fails("corrupt.atlas", &corrupt, &["corrupt"]);

    stats_fails("short.atlas", &real[..real.len() - 100], &["truncated"]);
    stats_fails(
        "header-cut.atlas",
        &real[..14],
        &["truncated", "14 bytes", "header"],
    );
    stats_fails("not.atlas", &monaco(), &["not a Feltkart atlas"]);
}

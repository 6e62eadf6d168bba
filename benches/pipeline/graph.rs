//! Bench module `graph`: on Liechtenstein (`../shared/data/osm`, skipped with a message on
//! stderr if absent), the simplified peer-rule graph (`Rule::Peer`, all components: the graph
//! `peers.py graph-sssp` builds with networkx)
//!
//! * `graph/sssp`: one single-source shortest-path query per iteration
//!   (`Adjacency::lengths_from`, no cutoff: distances only, as networkx's `single_source_dijkstra_path_length`), cycling through the 100 sources networkx was timed
//!   on (`../shared/peers/reference/liechtenstein.graph.json.gz`; seeded random vertices if
//!   that file is absent), so criterion's per-iteration time compares with its `mean_ms`;
//! * `graph/build_peer_simplified`: building that graph from the extract;
//! * `graph/build_product`: building the product graph (`BuildOptions::default()`).
//!
//! `FELTKART_BENCH_PBF` names another extract and `FELTKART_BENCH_GRAPH_DUMP` the
//! `peers.py graph-sssp --dump` file whose sources to use (`scripts/peer-ratios.sh` sets both).
#![allow(clippy::expect_used, clippy::print_stderr)]

use criterion::Criterion;
use feltkart_graph::{BuildOptions, Rule, WalkGraph};
use petgraph::graph::NodeIndex;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::collections::HashMap;
use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The OSM node ids of the simplified-graph sources in a `graph-sssp` dump, if present.
fn reference_sources(path: &Path) -> Option<Vec<i64>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).ok()?)
        .read_to_string(&mut text)
        .ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["simplified"]["sources"]
        .as_array()?
        .iter()
        .map(|s| s["osm_node"].as_i64())
        .collect()
}

/// The 100 query sources as vertices of `wg`.
fn sources(wg: &WalkGraph, dump: &Path) -> Vec<NodeIndex> {
    let by_osm: HashMap<i64, NodeIndex> = wg
        .graph
        .node_indices()
        .map(|v| (wg.graph[v].osm.0, v))
        .collect();
    let from_reference: Option<Vec<NodeIndex>> = reference_sources(dump)
        .and_then(|ids| ids.iter().map(|id| by_osm.get(id).copied()).collect());
    from_reference.unwrap_or_else(|| {
        eprintln!(
            "graph/sssp: no usable sources in {}, using 100 seeded random vertices",
            dump.display()
        );
        let mut rng = StdRng::seed_from_u64(42);
        (0..100)
            .map(|_| NodeIndex::new(rng.random_range(0..wg.graph.node_count())))
            .collect()
    })
}

pub fn benches(c: &mut Criterion) {
    let pbf = std::env::var_os("FELTKART_BENCH_PBF").map_or_else(
        || crate::ingest::shared_osm("liechtenstein.osm.pbf"),
        PathBuf::from,
    );
    let stem = pbf
        .file_name()
        .map(|n| n.to_string_lossy().replace(".osm.pbf", ""))
        .unwrap_or_default();
    let dump = std::env::var_os("FELTKART_BENCH_GRAPH_DUMP").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../shared/peers/reference/{stem}.graph.json.gz"))
        },
        PathBuf::from,
    );
    if !pbf.is_file() {
        eprintln!("graph: skipped, {} not found", pbf.display());
        return;
    }
    let tax = feltkart_osm::Taxonomy::builtin().expect("builtin taxonomy");
    let extract = feltkart_osm::read_extract(&pbf, &tax, &|_| {}).expect("read the extract");
    let peer = BuildOptions {
        rule: Rule::Peer,
        simplify: true,
        largest_component: false,
    };
    let wg = feltkart_graph::build(&extract, peer);
    let adj = wg.adjacency();
    let srcs = sources(&wg, &dump);

    let mut group = c.benchmark_group("graph");
    group
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    let mut next = 0;
    group.bench_function("sssp", |b| {
        b.iter(|| {
            let s = srcs[next % srcs.len()];
            next += 1;
            adj.lengths_from(black_box(&[(s, 0.0)]), None)
        });
    });
    group.sample_size(20);
    group.bench_function("build_peer_simplified", |b| {
        b.iter(|| feltkart_graph::build(black_box(&extract), peer))
    });
    group.bench_function("build_product", |b| {
        b.iter(|| feltkart_graph::build(black_box(&extract), BuildOptions::default()))
    });
    group.finish();
}

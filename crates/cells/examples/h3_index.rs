//! Times H3 indexing of the peers' residential polygons (`peers.py h3-polyfill`'s input) in the
//! three containment modes at resolutions 9 and 10, and prints one JSON line with the same field
//! names as the peer (`rN_center_s`, `rN_center_cells`, ...). Used by `scripts/h3-ratio.sh`.
//!
//! `cargo run --release -p feltkart-cells --example h3_index -- FILE.osm.pbf`
#![allow(clippy::print_stdout)]

use feltkart_cells::Containment;
use feltkart_cells::index::{index_features, peer_residential, resolution, union};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: h3_index FILE.osm.pbf")?;
    let tax = feltkart_osm::Taxonomy::builtin()?;
    let t0 = Instant::now();
    let extract = feltkart_osm::read_extract(std::path::Path::new(&path), &tax, &|_| {})?;
    let read_s = t0.elapsed().as_secs_f64();
    let polys: Vec<_> = extract
        .housing
        .iter()
        .filter(|h| peer_residential(h.kind) && !h.shape.0.is_empty())
        .collect();
    let mut out = serde_json::Map::new();
    out.insert("peer".into(), "feltkart-cells".into());
    out.insert(
        "file".into(),
        std::path::Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .into(),
    );
    out.insert("threads".into(), rayon::current_num_threads().into());
    out.insert("read_extract_s".into(), read_s.into());
    out.insert("residential_polygons".into(), polys.len().into());
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    for res in [9u8, 10] {
        let r = resolution(res)?;
        for mode in Containment::ALL {
            let t = Instant::now();
            let cells = union(&index_features(&polys, r, mode)?);
            let dt = t.elapsed().as_secs_f64();
            out.insert(format!("r{res}_{}_s", mode.as_str()), dt.into());
            out.insert(
                format!("r{res}_{}_cells", mode.as_str()),
                cells.len().into(),
            );
            let t = Instant::now();
            let single =
                one_thread.install(|| index_features(&polys, r, mode).map(|p| union(&p)))?;
            out.insert(
                format!("r{res}_{}_1thread_s", mode.as_str()),
                t.elapsed().as_secs_f64().into(),
            );
            drop(single);
        }
    }
    println!("{}", serde_json::Value::Object(out));
    Ok(())
}

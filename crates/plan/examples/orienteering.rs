//! Solve a peers' orienteering instance (`peers.py orienteering-ortools --dump`, gzipped or
//! plain JSON) with the walk planner's matrix solver and print one JSON line: prize, travel
//! and wall-clock seconds.
//!
//! `cargo run --release -p feltkart-plan --example orienteering -- FILE.orienteering.json.gz [SEED] [ITERATIONS]`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use feltkart_plan::walk::{MatrixProblem, SearchOptions, solve_matrix_with};
use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: orienteering FILE.orienteering.json[.gz] [SEED] [ITERATIONS]")?;
    let seed: u64 = args.next().map_or(Ok(42), |s| s.parse())?;
    let mut opts = SearchOptions::default();
    if let Some(it) = args.next() {
        opts.iterations = it.parse()?;
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut text = String::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
    } else {
        text = String::from_utf8(bytes)?;
    }
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let p = problem(&v, seed).ok_or_else(|| format!("{path}: not an orienteering instance"))?;
    let t0 = std::time::Instant::now();
    let tour = solve_matrix_with(&p, &opts)?;
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{{\"file\":{:?},\"prize\":{},\"visited\":{},\"travel_s\":{},\"route_min\":{:.2},\"bound\":{:.0},\"seconds\":{:.4}}}",
        path.rsplit('/').next().unwrap_or(&path),
        tour.prize,
        tour.order.len(),
        tour.travel_s,
        tour.travel_s / 60.0,
        tour.bound,
        secs
    );
    Ok(())
}

fn problem(v: &serde_json::Value, seed: u64) -> Option<MatrixProblem> {
    let matrix_s = v["matrix_s"]
        .as_array()?
        .iter()
        .map(|r| {
            r.as_array()
                .map(|r| r.iter().filter_map(serde_json::Value::as_f64).collect())
        })
        .collect::<Option<Vec<Vec<f64>>>>()?;
    let mut prize = vec![0.0];
    for n in v["nodes"].as_array()? {
        prize.push(n["prize"].as_f64()?);
    }
    Some(MatrixProblem {
        matrix_s,
        prize,
        budget_s: v["budget_s"].as_f64()?,
        seed,
    })
}

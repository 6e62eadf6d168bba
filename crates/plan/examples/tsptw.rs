//! Solve a TSPTW instance dumped by `peers.py tsptw-ortools --dump` (JSON, or gzipped JSON)
//! and print one JSON line: served stops, travel minutes, solve seconds, objective.
//!
//! ```sh
//! cargo run --release -p feltkart-plan --example tsptw -- FILE.tsptw.json.gz [ITERATIONS] [SEED]
//! ```

#![allow(clippy::print_stdout)]

use feltkart_plan::day::tsptw::{Instance, SolveOptions, solve};
use std::io::Read;

#[derive(serde::Deserialize)]
struct Peer {
    matrix_s: Vec<Vec<u32>>,
    time_windows_s: Vec<[u32; 2]>,
    service_s: Vec<u32>,
    shift_s: u32,
    drop_penalty: u64,
    depot: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: tsptw FILE.tsptw.json[.gz] [ITERATIONS] [SEED]")?;
    let defaults = SolveOptions::default();
    let iterations = args.next().map_or(Ok(defaults.iterations), |s| s.parse())?;
    let seed = args.next().map_or(Ok(defaults.seed), |s| s.parse())?;
    let raw = std::fs::read(&path)?;
    let mut text = String::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(&raw[..]).read_to_string(&mut text)?;
    } else {
        text = String::from_utf8(raw)?;
    }
    let p: Peer = serde_json::from_str(&text)?;
    let inst = Instance::from_peer(
        &p.matrix_s,
        &p.time_windows_s,
        &p.service_s,
        p.shift_s,
        p.drop_penalty,
        p.depot,
    )?;
    let t0 = std::time::Instant::now();
    let sol = solve(&inst, SolveOptions { seed, iterations });
    let secs = t0.elapsed().as_secs_f64();
    // For like-for-like travel against a run that serves fewer stops: the route cut down to
    // each smaller count, removing one stop at a time, the one whose removal saves the most
    // walking (removing a stop never makes a route infeasible: later arrivals only get
    // earlier, and waiting is allowed). cut[k] = travel minutes with `served − k` stops.
    let mut order = sol.order();
    let mut cut = vec![sol.travel_s as f64 / 60.0];
    while !order.is_empty() {
        let best = (0..order.len())
            .filter_map(|i| {
                let mut o = order.clone();
                o.remove(i);
                inst.schedule(&o).ok().map(|s| (s.travel_s, o))
            })
            .min_by_key(|(t, _)| *t);
        let Some((t, o)) = best else { break };
        order = o;
        cut.push(t as f64 / 60.0);
    }
    let cut: Vec<String> = cut.iter().map(|t| format!("{t:.2}")).collect();
    println!(
        "{{\"file\":{:?},\"served\":{},\"stops\":{},\"travel_min\":{:.2},\"objective\":{},\"solve_s\":{:.4},\"iterations\":{},\"seed\":{},\"cut_travel_min\":[{}]}}",
        path.rsplit('/').next().unwrap_or(&path),
        sol.visits.len(),
        inst.stops().len(),
        sol.travel_s as f64 / 60.0,
        sol.objective,
        secs,
        iterations,
        seed,
        cut.join(",")
    );
    Ok(())
}

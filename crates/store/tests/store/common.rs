//! Shared fixtures: a fresh store with a team and a sign-code list, cells near Nyborg.

use chrono::{NaiveDate, NaiveDateTime};
use feltkart_model::{Observation, SignCode};
use feltkart_store::{Actor, Store, StoreConfig, TeamId};
use h3o::{LatLng, Resolution};
use std::path::PathBuf;

pub const SIGNS: &[&str] = &[
    "overfull_mailbox",
    "covered_windows",
    "litter",
    "neglected_garden",
    "note_still_there",
];

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub team: TeamId,
}

pub fn fixture() -> Fixture {
    fixture_with(StoreConfig::default())
}

pub fn fixture_with(config: StoreConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feltkart.db");
    let mut store = Store::open(&path, config).unwrap();
    let team = store.create_team(Actor::System, "nyborg", 74.0).unwrap();
    store.set_sign_codes(Actor::System, &signs()).unwrap();
    Fixture {
        _dir: dir,
        path,
        store,
        team,
    }
}

pub fn signs() -> Vec<SignCode> {
    SIGNS.iter().map(|s| SignCode::new(s).unwrap()).collect()
}

pub fn sign(i: usize) -> SignCode {
    SignCode::new(SIGNS[i % SIGNS.len()]).unwrap()
}

/// Resolution-9 cells around Nyborg station: `n` distinct cells in rings.
pub fn cells(n: usize) -> Vec<u64> {
    let centre = LatLng::new(55.3127, 10.7896)
        .unwrap()
        .to_cell(Resolution::Nine);
    let mut out: Vec<u64> = Vec::new();
    let mut k = 0;
    while out.len() < n {
        out = centre
            .grid_disk::<Vec<_>>(k)
            .into_iter()
            .map(u64::from)
            .collect();
        k += 1;
    }
    out.sort_unstable();
    out.truncate(n);
    out
}

pub fn t(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn obs(cell: u64, sign_i: usize, at: NaiveDateTime) -> Observation {
    Observation {
        cell,
        sign: sign(sign_i),
        at,
    }
}

pub fn count(path: &std::path::Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

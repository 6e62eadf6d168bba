use crate::common::*;
use feltkart_store::privacy::{CellEvents, k_anonymise};
use feltkart_store::{Actor, StoreConfig};
use h3o::{CellIndex, LatLng, Resolution};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Random clusters of resolution-9 cells, so that siblings share parents.
fn random_cells(rng: &mut StdRng, n: usize) -> Vec<u64> {
    let mut out = HashSet::new();
    while out.len() < n {
        let lat = 55.30 + rng.random_range(0.0..0.03);
        let lon = 10.77 + rng.random_range(0.0..0.04);
        let cell = LatLng::new(lat, lon).unwrap().to_cell(Resolution::Nine);
        out.insert(u64::from(cell));
    }
    out.into_iter().collect()
}

fn is_ancestor_or_self(area: u64, cell: u64) -> bool {
    let a = CellIndex::try_from(area).unwrap();
    let c = CellIndex::try_from(cell).unwrap();
    c.parent(a.resolution()) == Some(a)
}

#[test]
fn k_anonymise_never_shows_a_small_area_property() {
    let mut rng = StdRng::seed_from_u64(7);
    for case in 0..500 {
        let k = rng.random_range(1..=8);
        let levels = rng.random_range(0..=3);
        let n = rng.random_range(0..60);
        let input: Vec<CellEvents> = random_cells(&mut rng, n)
            .into_iter()
            .map(|cell| {
                let events = if rng.random_bool(0.6) {
                    rng.random_range(1..k.max(2))
                } else {
                    rng.random_range(0..20)
                };
                let mut signs = BTreeMap::new();
                if events > 0 {
                    signs.insert(SIGNS[rng.random_range(0..SIGNS.len())].to_owned(), events);
                }
                CellEvents {
                    cell,
                    events,
                    signs,
                }
            })
            .collect();
        let view = k_anonymise(input.clone(), k, levels);
        let nonzero = input.iter().filter(|c| c.events > 0).count();
        let shown: u32 = view.areas.iter().map(|a| a.merged_cells).sum();
        assert_eq!(
            usize::try_from(shown + view.hidden_cells).unwrap(),
            nonzero,
            "case {case}: every cell is shown, merged or hidden exactly once"
        );
        let mut seen = HashSet::new();
        for a in &view.areas {
            assert!(
                a.events >= k,
                "case {case}: area {:#x} has {} < k={k}",
                a.cell,
                a.events
            );
            assert!(seen.insert(a.cell), "case {case}: area listed twice");
            // An area's events come only from cells below it.
            let below: u32 = input
                .iter()
                .filter(|c| is_ancestor_or_self(a.cell, c.cell))
                .map(|c| c.events)
                .sum();
            assert!(a.events <= below, "case {case}");
            assert_eq!(
                a.signs.values().sum::<u32>(),
                a.events,
                "case {case}: signs add up"
            );
            let res = CellIndex::try_from(a.cell).unwrap().resolution();
            assert!(
                u8::from(Resolution::Nine) - u8::from(res) <= levels,
                "case {case}"
            );
        }
        // A cell with at least k events is shown as itself.
        for c in input.iter().filter(|c| c.events >= k) {
            assert!(
                view.areas
                    .iter()
                    .any(|a| a.cell == c.cell && a.events == c.events),
                "case {case}"
            );
        }
    }
}

/// End to end: random observations in the store; the leader view, checked against the raw
/// table, never shows a cell with fewer than k distinct observation events.
#[test]
fn leader_view_never_exposes_a_cell_below_k() {
    let mut rng = StdRng::seed_from_u64(42);
    for case in 0..12 {
        let k = rng.random_range(2..=6);
        let mut f = fixture_with(StoreConfig {
            k_anonymity: k,
            max_merge_levels: rng.random_range(0..=2),
            ..StoreConfig::default()
        });
        let team2 = f.store.create_team(Actor::System, "t2", 10.0).unwrap();
        let cells = random_cells(&mut rng, 25);
        for _ in 0..rng.random_range(1..15) {
            let team = if rng.random_bool(0.5) { f.team } else { team2 };
            let batch: Vec<_> = (0..rng.random_range(1..12))
                .map(|_| {
                    let at = t(
                        2026,
                        11,
                        rng.random_range(1..=28),
                        rng.random_range(0..24),
                        0,
                    );
                    obs(
                        cells[rng.random_range(0..cells.len())],
                        rng.random_range(0..5),
                        at,
                    )
                })
                .collect();
            // Several signs at one place and moment are one event.
            let mut batch = batch;
            if let Some(first) = batch.first().cloned() {
                batch.push(obs(first.cell, 1, first.at));
            }
            f.store
                .insert_observations(Actor::System, team, &batch)
                .unwrap();
        }
        let (from, to) = (day(2026, 11, 1), day(2026, 11, 30));
        let view = f
            .store
            .leader_observations(Actor::System, None, from, to)
            .unwrap();
        assert_eq!(view.k, k);
        // Raw distinct events per cell, straight from SQL.
        let c = rusqlite::Connection::open(&f.path).unwrap();
        let mut st = c
            .prepare("SELECT cell, count(DISTINCT team_id || '@' || observed_at) FROM observations GROUP BY cell")
            .unwrap();
        let raw: HashMap<u64, u32> = st
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, u32>(1)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for a in &view.areas {
            assert!(a.events >= k, "case {case}");
            if let Some(&n) = raw.get(&a.cell) {
                assert!(
                    n >= k,
                    "case {case}: cell {:#x} shown with {n} raw events < k={k}",
                    a.cell
                );
                assert_eq!(a.events, n);
            } else {
                let below: u32 = raw
                    .iter()
                    .filter(|(cell, _)| is_ancestor_or_self(a.cell, **cell))
                    .map(|(_, n)| n)
                    .sum();
                assert!(below >= a.events, "case {case}");
            }
        }
        // The read is audited.
        let last = f.store.audit_log(1).unwrap();
        assert_eq!(last[0].action, feltkart_store::Action::Read);
        // Team filter: only that team's events.
        let v2 = f
            .store
            .leader_observations(Actor::System, Some(team2), from, to)
            .unwrap();
        let total2: u32 = v2.areas.iter().map(|a| a.events).sum();
        let raw2: u32 = c
            .query_row(
                "SELECT count(*) FROM (SELECT DISTINCT cell, observed_at FROM observations WHERE team_id = ?)",
                [team2.0],
                |r| r.get(0),
            )
            .unwrap();
        assert!(total2 <= raw2, "case {case}");
    }
}

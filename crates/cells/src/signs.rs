//! Observed signs from the field (issue 7 feeds them as model values) as an indicator layer:
//! per cell, the sum over observations of the profile's weight for the sign code times a time
//! decay `0.5^(age / half-life)`. The layer is named [`SIGNS_LAYER`]; a profile weights it in
//! its `[indicators]` table like any imported layer (`observed_signs = 0.3`), normalised across
//! cells by percentile rank, so old observations fade and fresh ones count most.

use crate::{IndicatorLayer, Profile};
use chrono::NaiveDateTime;
use feltkart_model::Observation;
use h3o::CellIndex;
use std::collections::BTreeMap;

/// The layer name observed signs get.
pub const SIGNS_LAYER: &str = "observed_signs";

/// Default half-life of an observation's weight, days.
pub const DEFAULT_HALF_LIFE_DAYS: f64 = 30.0;

/// The observed-signs layer for `profile` at `now`, at `resolution`: observations in finer
/// cells count in their parent; observations in the future, in coarser cells, or with sign
/// codes the profile does not weight, count nothing. `half_life_days` must be positive (a
/// non-positive one is taken as [`DEFAULT_HALF_LIFE_DAYS`]).
///
/// Complexity: O(n log c) for n observations and c cells.
#[must_use]
pub fn signs_layer(
    observations: &[Observation],
    profile: &Profile,
    now: NaiveDateTime,
    half_life_days: f64,
    resolution: u8,
) -> IndicatorLayer {
    let half_life = if half_life_days > 0.0 && half_life_days.is_finite() {
        half_life_days
    } else {
        DEFAULT_HALF_LIFE_DAYS
    };
    let res = h3o::Resolution::try_from(resolution).ok();
    let mut values: BTreeMap<CellIndex, f64> = BTreeMap::new();
    for o in observations {
        let Some(weight) = profile
            .signs
            .get(o.sign.as_str())
            .copied()
            .filter(|w| *w > 0.0)
        else {
            continue;
        };
        let Ok(cell) = CellIndex::try_from(o.cell) else {
            continue;
        };
        let Some(cell) = res.and_then(|r| {
            if cell.resolution() >= r {
                cell.parent(r)
            } else {
                None
            }
        }) else {
            continue;
        };
        #[allow(clippy::cast_precision_loss)]
        let age_days = (now - o.at).num_seconds() as f64 / 86_400.0;
        if age_days < 0.0 {
            continue;
        }
        *values.entry(cell).or_insert(0.0) += weight * 0.5f64.powf(age_days / half_life);
    }
    IndicatorLayer {
        name: SIGNS_LAYER.to_owned(),
        source: format!(
            "field observations, half-life {half_life} days, as of {}",
            now.format("%Y-%m-%d")
        ),
        year: u16::try_from(chrono::Datelike::year(&now.date())).unwrap_or(0),
        resolution,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use feltkart_model::SignCode;

    fn at(d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn signs_decay_by_half_life_and_count_only_weighted_codes() {
        let tax = feltkart_osm::Taxonomy::builtin().unwrap();
        let profile = Profile::builtin(&tax)
            .unwrap()
            .into_iter()
            .find(|p| p.id == "isolated-own-home")
            .unwrap();
        let (code, weight) = profile
            .signs
            .iter()
            .find(|(_, w)| **w > 0.0)
            .map(|(c, w)| (c.clone(), *w))
            .unwrap();
        let cell = h3o::LatLng::new(55.31, 10.79)
            .unwrap()
            .to_cell(h3o::Resolution::Eleven);
        let parent = cell.parent(h3o::Resolution::Ten).unwrap();
        let obs = |day: u32, sign: &str| Observation {
            cell: u64::from(cell),
            sign: SignCode::new(sign).unwrap(),
            at: at(day),
        };
        let list = vec![
            obs(24, &code),
            obs(24, &code),
            obs(4, &code),
            obs(30, &code),
            obs(24, "not_a_weighted_sign"),
        ];
        let layer = signs_layer(&list, &profile, at(24), 20.0, 10);
        assert_eq!(layer.name, SIGNS_LAYER);
        // Two fresh ones count in full, one 20 days old (one half-life) half; the future one and
        // the unweighted code count nothing; the finer cell counts in its parent.
        let v = layer.values[&parent];
        assert!((v - weight * 2.5).abs() < 1e-9, "{v} vs {}", weight * 2.5);
        assert_eq!(layer.values.len(), 1);
    }
}

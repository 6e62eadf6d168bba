//! Priority scores 0–100 per cell under a [`Profile`], with the explanation: a list of parts,
//! each the points one feature gave under one mapping question. The score is the sum of its
//! parts.
//!
//! With `P_q` the profile's points for question q:
//! * housing (1): amount = min(1, dwellings / saturation); each group g gives
//!   `P_1 × amount × w_g × share_g` (share of the cell's dwellings in g).
//! * indicators (2): each indicator j gives `P_2 × w_j × x_j / Σw`, with x_j in 0–1: a built-in
//!   [`Indicator`], or an imported layer's value normalised across the table's cells that have
//!   one ([`Normalise`]: percentile rank by default, or min–max; optionally inverted), 0 where
//!   the cell has none. Σw sums the weights of both kinds.
//! * places (3): each weighted kind k gives `P_3 × w_k × decay_k(nearest_k, radius_k) / Σw`.
//! * partners (4) and channels (5): `P × min(1, distinct places of that role within the count
//!   radius / saturation)`.
//!
//! As each part is at most its share of `P_q` and the `P_q` sum to 100, the score is 0–100.

use crate::CellsError;
use crate::features::{CellFeatures, CellTable};
use crate::housing::HousingGroup;
use crate::indicators::IndicatorLayer;
use crate::profile::{Indicator, LayerWeight, Normalise, Profile};
use feltkart_model::PlaceRole;
use h3o::CellIndex;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The five mapping questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// 1: housing types.
    Housing,
    /// 2: area characteristics.
    Indicators,
    /// 3: places where the group stays.
    Places,
    /// 4: partners.
    Partners,
    /// 5: communication channels.
    Channels,
}

/// The points one feature gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// Under which question.
    pub question: Question,
    /// The feature (`apartment_blocks`, `kiosk`, `dwelling_density`, `partners`).
    pub feature: String,
    /// Points (≥ 0).
    pub points: f64,
    /// The facts behind it, for people ("3 within 500 m, nearest 140 m").
    pub detail: String,
}

/// A cell's score and its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellScore {
    /// The cell.
    pub cell: CellIndex,
    /// 0–100, the sum of `parts`.
    pub score: f64,
    /// Non-zero parts, largest first (ties by question, then feature).
    pub parts: Vec<Part>,
}

impl CellScore {
    /// Points per question.
    #[must_use]
    pub fn by_question(&self) -> BTreeMap<Question, f64> {
        let mut m = BTreeMap::new();
        for p in &self.parts {
            *m.entry(p.question).or_insert(0.0) += p.points;
        }
        m
    }

    /// A one-line explanation: `49.5: 18.8 from apartment_blocks (…), 18.0 from kiosk (…)`.
    #[must_use]
    pub fn explain(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| format!("{:.1} from {} ({})", p.points, p.feature, p.detail))
            .collect();
        format!("{:.1}: {}", self.score, parts.join(", "))
    }
}

/// An imported layer resolved to the table: per cell (table order) its value and its 0–1 score.
struct LayerColumn<'a> {
    layer: &'a IndicatorLayer,
    weight: LayerWeight,
    per_cell: Vec<Option<(f64, f64)>>,
}

/// Profile place kinds resolved to the table's kind indices, and imported layers to columns.
struct Resolved<'a> {
    places: Vec<(usize, String, crate::profile::PlaceWeight)>,
    place_weight_sum: f64,
    layers: Vec<LayerColumn<'a>>,
}

/// `values` normalised to 0–1 by `how` (see [`Normalise`]); a set without spread gives ½.
#[allow(clippy::cast_precision_loss)]
fn normalise(values: &[Option<f64>], how: Normalise, invert: bool) -> Vec<Option<f64>> {
    let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return vec![None; values.len()];
    };
    let n = sorted.len();
    values
        .iter()
        .map(|v| {
            let v = (*v)?;
            let x = match how {
                _ if hi <= lo => 0.5,
                Normalise::Minmax => (v - lo) / (hi - lo),
                Normalise::Percentile => {
                    let below = sorted.partition_point(|&y| y < v);
                    let ties = sorted.partition_point(|&y| y <= v) - below;
                    (below as f64 + (ties as f64 - 1.0) / 2.0) / (n as f64 - 1.0)
                }
            };
            Some(if invert { 1.0 - x } else { x })
        })
        .collect()
}

fn resolve_layers<'a>(
    table: &CellTable,
    profile: &Profile,
    layers: &'a [IndicatorLayer],
) -> Result<Vec<LayerColumn<'a>>, CellsError> {
    let mut out = Vec::new();
    for (name, w) in &profile.layers {
        let Some(layer) = layers.iter().find(|l| &l.name == name) else {
            let loaded: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
            return Err(CellsError::UnknownLayer {
                file: profile.file.clone(),
                line: w.line,
                key: format!("indicators.{name}"),
                loaded: if loaded.is_empty() {
                    "none".into()
                } else {
                    loaded.join(", ")
                },
            });
        };
        if layer.resolution != table.resolution {
            return Err(CellsError::LayerResolution {
                layer: name.clone(),
                layer_resolution: layer.resolution,
                cells: table.resolution,
            });
        }
        let raw: Vec<Option<f64>> = table
            .cells
            .iter()
            .map(|c| layer.values.get(&c.cell).copied())
            .collect();
        let x = normalise(&raw, w.normalise, w.invert);
        out.push(LayerColumn {
            layer,
            weight: *w,
            per_cell: raw.into_iter().zip(x).map(|(r, x)| r.zip(x)).collect(),
        });
    }
    Ok(out)
}

fn resolve<'a>(
    table: &CellTable,
    profile: &Profile,
    layers: &'a [IndicatorLayer],
) -> Result<Resolved<'a>, CellsError> {
    let mut places = Vec::new();
    for (name, w) in &profile.places {
        let Some(k) = table.place_kinds.iter().position(|n| n == name) else {
            return Err(CellsError::UnknownPlaceKind {
                profile: profile.id.clone(),
                kind: name.clone(),
            });
        };
        places.push((k, name.clone(), *w));
    }
    let place_weight_sum = places.iter().map(|(_, _, w)| w.weight).sum();
    Ok(Resolved {
        places,
        place_weight_sum,
        layers: resolve_layers(table, profile, layers)?,
    })
}

fn part(parts: &mut Vec<Part>, question: Question, feature: &str, points: f64, detail: String) {
    if points > 0.0 {
        parts.push(Part {
            question,
            feature: feature.to_owned(),
            points,
            detail,
        });
    }
}

/// Distance from a cell centre to the street at which street access reaches 0, metres.
const STREET_ACCESS_ZERO_M: f64 = 200.0;

fn score_one(
    i: usize,
    c: &CellFeatures,
    table: &CellTable,
    profile: &Profile,
    r: &Resolved<'_>,
) -> CellScore {
    let mut parts = Vec::new();
    let pts = &profile.points;
    let h = &c.housing;
    let amount = (h.dwellings / profile.saturation_dwellings).min(1.0);
    for g in HousingGroup::ALL {
        let w = profile.housing.get(&g).copied().unwrap_or(0.0);
        let share = h.share(g);
        let dw = h.by_group.get(&g).map_or(0.0, |t| t.dwellings);
        let detail = format!("{dw:.1} of {:.1} dwellings", h.dwellings);
        part(
            &mut parts,
            Question::Housing,
            g.as_str(),
            pts.housing * amount * w * share,
            detail,
        );
    }
    let wsum: f64 = profile.indicators.values().sum::<f64>()
        + r.layers.iter().map(|l| l.weight.weight).sum::<f64>();
    if wsum > 0.0 {
        for (&ind, &w) in &profile.indicators {
            let (x, detail) = match ind {
                Indicator::DwellingDensity => (
                    amount,
                    format!(
                        "{:.1} dwellings, full at {}",
                        h.dwellings, profile.saturation_dwellings
                    ),
                ),
                Indicator::ResidentialLand => {
                    let area = c.cell.area_m2();
                    (
                        (h.residential_land_m2 / area).min(1.0),
                        format!(
                            "{:.0} of {area:.0} m² residential land",
                            h.residential_land_m2
                        ),
                    )
                }
                Indicator::StreetAccess => match c.snap_m {
                    Some(d) => (
                        (1.0 - d / STREET_ACCESS_ZERO_M).max(0.0),
                        format!("street {d:.0} m from the centre"),
                    ),
                    None => (0.0, "no street".into()),
                },
            };
            part(
                &mut parts,
                Question::Indicators,
                ind.as_str(),
                pts.indicators * w * x / wsum,
                detail,
            );
        }
        for l in &r.layers {
            if let Some(Some((raw, x))) = l.per_cell.get(i) {
                let how = match (l.weight.normalise, l.weight.invert) {
                    (Normalise::Percentile, false) => "percentile rank",
                    (Normalise::Percentile, true) => "inverted percentile rank",
                    (Normalise::Minmax, false) => "min-max",
                    (Normalise::Minmax, true) => "inverted min-max",
                };
                part(
                    &mut parts,
                    Question::Indicators,
                    &l.layer.name,
                    pts.indicators * l.weight.weight * x / wsum,
                    format!("{}, {}: {raw}, {how} {x:.2}", l.layer.source, l.layer.year),
                );
            }
        }
    }
    if r.place_weight_sum > 0.0 {
        let radius = table.place_options.count_radius_m;
        for (k, name, w) in &r.places {
            let nearest = c.places.nearest_m.get(*k).copied().flatten();
            let v = nearest.map_or(0.0, |d| w.decay.value(d, w.radius_m));
            let n = c.places.within.get(*k).copied().unwrap_or(0);
            let detail = match nearest {
                Some(d) => format!("nearest {d:.0} m, {n} within {radius:.0} m"),
                None => "none within reach".into(),
            };
            part(
                &mut parts,
                Question::Places,
                name,
                pts.places * w.weight * v / r.place_weight_sum,
                detail,
            );
        }
    }
    let radius = table.place_options.count_radius_m;
    for (q, role, sat, budget) in [
        (
            Question::Partners,
            PlaceRole::Partner,
            profile.partner_saturation,
            pts.partners,
        ),
        (
            Question::Channels,
            PlaceRole::Channel,
            profile.channel_saturation,
            pts.channels,
        ),
    ] {
        let n = c.places.roles_within.get(&role).copied().unwrap_or(0);
        part(
            &mut parts,
            q,
            &format!("{}s", role.as_str()),
            budget * (f64::from(n) / sat).min(1.0),
            format!("{n} within {radius:.0} m"),
        );
    }
    parts.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then(a.question.cmp(&b.question))
            .then_with(|| a.feature.cmp(&b.feature))
    });
    let score = parts.iter().map(|p| p.points).sum();
    CellScore {
        cell: c.cell,
        score,
        parts,
    }
}

/// Score every cell of `table` under `profile`, in the table's order (sorted by cell), with no
/// imported indicator layers: [`score_cells_with_layers`] with none.
///
/// # Errors
/// As [`score_cells_with_layers`]; a profile that weights an imported layer is refused.
pub fn score_cells(table: &CellTable, profile: &Profile) -> Result<Vec<CellScore>, CellsError> {
    score_cells_with_layers(table, profile, &[])
}

/// Score every cell of `table` under `profile`, in the table's order (sorted by cell); the
/// profile's imported indicators are looked up by name in `layers` (others are ignored).
///
/// Complexity: O(C (G + I + K)) for C cells and the profile's G groups, I indicators and K
/// place kinds, plus O(L C log C) to normalise L layers; parallel with rayon; deterministic.
///
/// # Errors
/// [`CellsError::UnknownPlaceKind`] when the profile weights a kind the table lacks;
/// [`CellsError::UnknownLayer`] when it weights a layer not in `layers` (naming the profile
/// file, the key and the loaded layers); [`CellsError::LayerResolution`] for a layer at
/// another resolution than the table.
pub fn score_cells_with_layers(
    table: &CellTable,
    profile: &Profile,
    layers: &[IndicatorLayer],
) -> Result<Vec<CellScore>, CellsError> {
    let r = resolve(table, profile, layers)?;
    Ok(table
        .cells
        .par_iter()
        .enumerate()
        .map(|(i, c)| score_one(i, c, table, profile, &r))
        .collect())
}

//! Scoring profiles: one per target group, versioned TOML in `data/profiles/`, written from the
//! mapping questions. Parsed with unknown keys refused, then validated: every weight 0–1, the
//! question points summing to 100, radii 25–5 000 m, place kinds known to the taxonomy, sign
//! codes known to [`SIGN_CODES`]. Errors name the file, the line and the key.
//!
//! `[indicators]` (question 2) weights the built-in [`Indicator`]s and, by name, imported
//! indicator layers ([`crate::indicators`]): `unemployment_rate = 0.5`, or
//! `income = { weight = 0.3, normalise = "minmax", invert = true }` ([`Normalise`]: percentile
//! rank by default). Whether a named layer is loaded is checked when scoring.

use crate::data::{self, Checker, DataError};
use crate::housing::HousingGroup;
pub use feltkart_model::DayPart;
use feltkart_osm::Taxonomy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

#[path = "profile_layers.rs"]
mod layers;
use layers::indicator_weights;
pub use layers::{LayerWeight, Normalise};

/// The profiles that ship with Feltkart: (file name, text).
pub const BUILTIN_PROFILES: [(&str, &str); 3] = [
    (
        "data/profiles/isolated-own-home.toml",
        include_str!("../../../data/profiles/isolated-own-home.toml"),
    ),
    (
        "data/profiles/marginalised-adults.toml",
        include_str!("../../../data/profiles/marginalised-adults.toml"),
    ),
    (
        "data/profiles/young-people.toml",
        include_str!("../../../data/profiles/young-people.toml"),
    ),
];

/// The street signs an observation walk can record (structured codes, never free text).
pub const SIGN_CODES: [&str; 14] = [
    "covered_windows",
    "overfull_mailbox",
    "note_in_door_remains",
    "neglected_garden",
    "neglected_house",
    "litter_heap",
    "tv_or_light_on_no_answer",
    "rough_sleeping_signs",
    "needles_or_drug_litter",
    "bottles_and_cans",
    "gathering_group",
    "youth_gathering",
    "alcohol_litter",
    "graffiti_tagging",
];

/// Indicators of an area (mapping question 2), each 0–1 per cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Dwellings in the cell over the profile's `saturation_dwellings`, capped at 1.
    DwellingDensity,
    /// Share of the cell's area that is `landuse=residential`, capped at 1.
    ResidentialLand,
    /// Closeness of the cell centre to a street: 1 − distance / 200 m, floored at 0.
    StreetAccess,
}

impl Indicator {
    /// All built-in indicators.
    pub const ALL: [Self; 3] = [
        Self::DwellingDensity,
        Self::ResidentialLand,
        Self::StreetAccess,
    ];

    /// Stable name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DwellingDensity => "dwelling_density",
            Self::ResidentialLand => "residential_land",
            Self::StreetAccess => "street_access",
        }
    }
}

/// How a place's value falls with walking distance `d` within its radius `r`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decay {
    /// 1 − d / r.
    Linear,
    /// exp(−3 d / r): 1 at the door, 0.05 at the radius.
    Exponential,
    /// 1 within the radius.
    Step,
}

impl Decay {
    /// The value (0–1) of a place `d` metres away, with radius `r`; 0 beyond it.
    #[must_use]
    pub fn value(self, d: f64, r: f64) -> f64 {
        if !(d.is_finite() && d <= r && r > 0.0) {
            return 0.0;
        }
        match self {
            Self::Linear => 1.0 - d / r,
            Self::Exponential => (-3.0 * d / r).exp(),
            Self::Step => 1.0,
        }
    }
}

/// Score points per mapping question (sum 100).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Points {
    /// Question 1, housing.
    pub housing: f64,
    /// Question 2, area indicators.
    pub indicators: f64,
    /// Question 3, places where the group stays.
    pub places: f64,
    /// Question 4, partners.
    pub partners: f64,
    /// Question 5, channels.
    pub channels: f64,
}

/// A weighted place kind.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceWeight {
    /// Weight, 0–1.
    pub weight: f64,
    /// Radius in walking metres.
    pub radius_m: f64,
    /// Fall-off with distance.
    pub decay: Decay,
}

/// A scoring profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Stable id (`young-people`).
    pub id: String,
    /// Label.
    pub label: String,
    /// Revision of the mapping it encodes (a date or tag).
    pub revision: String,
    /// Points per question.
    pub points: Points,
    /// Dwellings in a cell at which the housing amount counts in full.
    pub saturation_dwellings: f64,
    /// Weight per housing group (missing groups weigh 0).
    pub housing: BTreeMap<HousingGroup, f64>,
    /// Weight per built-in indicator.
    pub indicators: BTreeMap<Indicator, f64>,
    /// Weight per imported indicator layer, by layer name (from the same `[indicators]` table:
    /// every key that is not a built-in indicator names a layer).
    #[serde(default)]
    pub layers: BTreeMap<String, LayerWeight>,
    /// The file the profile was read from (named in scoring errors).
    #[serde(default)]
    pub file: String,
    /// Weight per place kind (by taxonomy name).
    pub places: BTreeMap<String, PlaceWeight>,
    /// Partner places within the count radius for full partner points.
    pub partner_saturation: f64,
    /// Channel places within the count radius for full channel points.
    pub channel_saturation: f64,
    /// Weight per sign code.
    pub signs: BTreeMap<String, f64>,
    /// Visibility per day part.
    pub dayparts: BTreeMap<DayPart, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    version: u32,
    id: String,
    label: String,
    revision: String,
    points: PointsFile,
    housing: HousingFile,
    indicators: BTreeMap<String, Spanned<toml::Value>>,
    places: BTreeMap<String, Spanned<PlaceFile>>,
    partners: SaturationFile,
    channels: SaturationFile,
    signs: BTreeMap<String, Spanned<f64>>,
    dayparts: BTreeMap<DayPart, Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointsFile {
    housing: Spanned<f64>,
    indicators: Spanned<f64>,
    places: Spanned<f64>,
    partners: Spanned<f64>,
    channels: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HousingFile {
    saturation_dwellings: Spanned<f64>,
    groups: BTreeMap<HousingGroup, Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceFile {
    weight: Spanned<f64>,
    radius_m: Spanned<f64>,
    decay: Decay,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaturationFile {
    saturation: Spanned<f64>,
}

fn weights<K: Ord + Copy>(
    ck: &Checker<'_>,
    section: &str,
    m: &BTreeMap<K, Spanned<f64>>,
    name: impl Fn(K) -> String,
) -> Result<BTreeMap<K, f64>, DataError> {
    m.iter()
        .map(|(k, v)| {
            Ok((
                *k,
                ck.range(v, &format!("{section}.{}", name(*k)), 0.0, 1.0)?,
            ))
        })
        .collect()
}

impl Profile {
    /// The three profiles that ship in `data/profiles/`.
    ///
    /// # Errors
    /// Only if a shipped file is broken, or `taxonomy` lacks a kind they weight.
    pub fn builtin(taxonomy: &Taxonomy) -> Result<Vec<Self>, DataError> {
        BUILTIN_PROFILES
            .iter()
            .map(|(path, text)| Self::parse(text, path, taxonomy))
            .collect()
    }

    /// Read a profile file.
    ///
    /// # Errors
    /// [`DataError`] naming the file, line and key.
    pub fn load(path: &Path, taxonomy: &Taxonomy) -> Result<Self, DataError> {
        Self::parse(&data::read(path)?, &path.display().to_string(), taxonomy)
    }

    /// Parse and validate; `path` names the text in errors; place kinds are checked against
    /// `taxonomy`.
    ///
    /// # Errors
    /// [`DataError::Parse`] for syntax, unknown keys, unknown groups, indicators, day parts or
    /// decays; [`DataError::Invalid`] for out-of-range numbers, points not summing to 100,
    /// unknown place kinds or sign codes, an unsupported version or an empty id.
    pub fn parse(text: &str, path: &str, taxonomy: &Taxonomy) -> Result<Self, DataError> {
        let f: ProfileFile = data::parse(text, path)?;
        let ck = Checker { text, path };
        if f.version != 1 {
            return Err(ck.invalid(
                0..0,
                "version",
                format!("unsupported version {} (this build reads 1)", f.version),
            ));
        }
        if f.id.is_empty()
            || !f
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(ck.invalid(0..0, "id", format!("`{}` is not a lower-case slug", f.id)));
        }
        let p = &f.points;
        let points = Points {
            housing: ck.range(&p.housing, "points.housing", 0.0, 100.0)?,
            indicators: ck.range(&p.indicators, "points.indicators", 0.0, 100.0)?,
            places: ck.range(&p.places, "points.places", 0.0, 100.0)?,
            partners: ck.range(&p.partners, "points.partners", 0.0, 100.0)?,
            channels: ck.range(&p.channels, "points.channels", 0.0, 100.0)?,
        };
        let sum =
            points.housing + points.indicators + points.places + points.partners + points.channels;
        if (sum - 100.0).abs() > 1e-9 {
            return Err(ck.invalid(
                p.housing.span(),
                "points",
                format!("the five questions' points sum to {sum}, not 100"),
            ));
        }
        let mut places = BTreeMap::new();
        for (kind, pw) in &f.places {
            let key = format!("places.{kind}");
            if taxonomy.index_of(kind).is_none() {
                return Err(ck.invalid(
                    pw.span(),
                    &key,
                    "not a place kind of the taxonomy (data/taxonomy.toml)".into(),
                ));
            }
            let v = pw.get_ref();
            let weight = ck.range(&v.weight, &format!("{key}.weight"), 0.0, 1.0)?;
            let radius_m = ck.range(&v.radius_m, &format!("{key}.radius_m"), 25.0, 5000.0)?;
            places.insert(
                kind.clone(),
                PlaceWeight {
                    weight,
                    radius_m,
                    decay: v.decay,
                },
            );
        }
        let mut signs = BTreeMap::new();
        for (code, w) in &f.signs {
            let key = format!("signs.{code}");
            if !SIGN_CODES.contains(&code.as_str()) {
                return Err(ck.invalid(
                    w.span(),
                    &key,
                    format!("unknown sign code (known: {})", SIGN_CODES.join(", ")),
                ));
            }
            signs.insert(code.clone(), ck.range(w, &key, 0.0, 1.0)?);
        }
        let (indicators, layers) = indicator_weights(&ck, &f.indicators)?;
        Ok(Self {
            id: f.id,
            label: f.label,
            revision: f.revision,
            points,
            saturation_dwellings: ck.range(
                &f.housing.saturation_dwellings,
                "housing.saturation_dwellings",
                1.0,
                100_000.0,
            )?,
            housing: weights(&ck, "housing.groups", &f.housing.groups, |g| {
                g.as_str().to_owned()
            })?,
            indicators,
            layers,
            file: path.to_owned(),
            places,
            partner_saturation: ck.range(
                &f.partners.saturation,
                "partners.saturation",
                1.0,
                1000.0,
            )?,
            channel_saturation: ck.range(
                &f.channels.saturation,
                "channels.saturation",
                1.0,
                1000.0,
            )?,
            signs,
            dayparts: weights(&ck, "dayparts", &f.dayparts, |d| d.as_str().to_owned())?,
        })
    }
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;

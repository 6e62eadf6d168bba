//! Mapping question 1: residential floor area, dwellings and housing groups per feature, from
//! the assumptions in `data/housing.toml` ([`HousingConfig`]).
//!
//! Floor area (m²) = footprint × levels, with the footprint the geodesic area of the outline
//! (geo's `GeodesicArea`, on the WGS84 ellipsoid) and levels from `building:levels` or the
//! type's default. Dwellings = floor area / `m2_per_dwelling`. Housing areas (allotments, camp
//! and caravan sites, farmyards) count `area / m2_per_unit` dwelling units. `landuse=residential`
//! counts as residential land only.

use crate::data::{self, Checker, DataError};
use feltkart_model::{BuildingType, HousingAreaType, HousingKind};
use feltkart_osm::HousingFeature;
use geo::orient::{Direction, Orient};
use geo::{GeodesicArea, MultiPolygon};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The housing assumptions that ship with Feltkart.
pub const BUILTIN_HOUSING: &str = include_str!("../../../data/housing.toml");

/// Geodesic area (m², WGS84 ellipsoid) of lon/lat polygons, whatever their winding.
///
/// geo's `geodesic_area_unsigned` takes a clockwise exterior ring to enclose the rest of the
/// globe (5.1 × 10¹⁴ m²), and OSM rings come in either direction, so the rings are oriented
/// first (exteriors counter-clockwise, holes clockwise).
#[must_use]
pub fn geodesic_area_m2(shape: &MultiPolygon<f64>) -> f64 {
    shape.orient(Direction::Default).geodesic_area_unsigned()
}

/// The housing groups profiles weight (mapping question 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HousingGroup {
    /// Apartment blocks (apartments, dormitories).
    ApartmentBlocks,
    /// Terraced / row houses.
    Terraced,
    /// Detached, semi-detached houses and bungalows.
    Detached,
    /// Allotment-garden huts (kolonihaver) and cabins.
    AllotmentHuts,
    /// Camp and caravan sites, static caravans.
    CampingCaravan,
    /// Farms and farmyards.
    Farms,
    /// Residential buildings of unknown type.
    Unspecified,
}

impl HousingGroup {
    /// Every group, in a fixed order.
    pub const ALL: [Self; 7] = [
        Self::ApartmentBlocks,
        Self::Terraced,
        Self::Detached,
        Self::AllotmentHuts,
        Self::CampingCaravan,
        Self::Farms,
        Self::Unspecified,
    ];

    /// Stable snake-case name (as in profiles).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApartmentBlocks => "apartment_blocks",
            Self::Terraced => "terraced",
            Self::Detached => "detached",
            Self::AllotmentHuts => "allotment_huts",
            Self::CampingCaravan => "camping_caravan",
            Self::Farms => "farms",
            Self::Unspecified => "unspecified",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HousingFile {
    version: u32,
    m2_per_dwelling: toml::Spanned<f64>,
    buildings: BTreeMap<String, toml::Spanned<BuildingFile>>,
    areas: BTreeMap<String, toml::Spanned<AreaFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuildingFile {
    group: HousingGroup,
    levels: toml::Spanned<f64>,
    node_footprint_m2: toml::Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaFile {
    group: HousingGroup,
    m2_per_unit: toml::Spanned<f64>,
}

/// Defaults for one building type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BuildingDefaults {
    /// Its housing group.
    pub group: HousingGroup,
    /// Levels when `building:levels` is not tagged.
    pub levels: f64,
    /// Footprint (m²) of a building mapped as a node.
    pub node_footprint_m2: f64,
}

/// Defaults for one housing-area type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AreaDefaults {
    /// Its housing group.
    pub group: HousingGroup,
    /// Land (m²) per dwelling unit.
    pub m2_per_unit: f64,
}

/// Housing assumptions, parsed and validated.
#[derive(Clone, Debug, PartialEq)]
pub struct HousingConfig {
    /// Gross floor area (m²) per dwelling.
    pub m2_per_dwelling: f64,
    /// Per building type (every [`BuildingType`] has an entry).
    pub buildings: BTreeMap<BuildingType, BuildingDefaults>,
    /// Per area type (every [`HousingAreaType`] but `landuse=residential` has an entry).
    pub areas: BTreeMap<HousingAreaType, AreaDefaults>,
}

/// What one housing feature contributes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contribution {
    /// Its group (`None` for `landuse=residential`).
    pub group: Option<HousingGroup>,
    /// Residential floor area, m² (0 for areas).
    pub floor_area_m2: f64,
    /// Dwellings (from floor area) or dwelling units (from area).
    pub dwellings: f64,
    /// Land area of a housing area, m² (0 for buildings).
    pub land_m2: f64,
}

impl HousingConfig {
    /// The assumptions in `data/housing.toml`.
    ///
    /// # Errors
    /// Only if the shipped file is broken (a test guards it).
    pub fn builtin() -> Result<Self, DataError> {
        Self::parse(BUILTIN_HOUSING, "data/housing.toml")
    }

    /// Read an assumptions file.
    ///
    /// # Errors
    /// [`DataError`] naming the file, line and key.
    pub fn load(path: &Path) -> Result<Self, DataError> {
        Self::parse(&data::read(path)?, &path.display().to_string())
    }

    /// Parse and validate; `path` names the text in errors.
    ///
    /// # Errors
    /// [`DataError::Parse`] for syntax, unknown keys, unknown groups; [`DataError::Invalid`] for
    /// an unknown or missing type, or a number out of range (levels 1–100, footprints and
    /// areas 1–100 000 m², m² per dwelling 10–1 000).
    pub fn parse(text: &str, path: &str) -> Result<Self, DataError> {
        let file: HousingFile = data::parse(text, path)?;
        let ck = Checker { text, path };
        if file.version != 1 {
            return Err(ck.invalid(
                0..0,
                "version",
                format!("unsupported version {} (this build reads 1)", file.version),
            ));
        }
        let m2_per_dwelling = ck.range(&file.m2_per_dwelling, "m2_per_dwelling", 10.0, 1000.0)?;
        let mut buildings = BTreeMap::new();
        for (name, b) in &file.buildings {
            let key = format!("buildings.{name}");
            let Some(t) = BuildingType::ALL.into_iter().find(|t| t.as_str() == name) else {
                return Err(ck.invalid(b.span(), &key, "unknown building type".into()));
            };
            let b = b.get_ref();
            let levels = ck.range(&b.levels, &format!("{key}.levels"), 1.0, 100.0)?;
            let node_footprint_m2 = ck.range(
                &b.node_footprint_m2,
                &format!("{key}.node_footprint_m2"),
                1.0,
                100_000.0,
            )?;
            buildings.insert(
                t,
                BuildingDefaults {
                    group: b.group,
                    levels,
                    node_footprint_m2,
                },
            );
        }
        let mut areas = BTreeMap::new();
        for (name, a) in &file.areas {
            let key = format!("areas.{name}");
            let t = HousingAreaType::ALL
                .into_iter()
                .find(|t| t.as_str() == name && *t != HousingAreaType::Residential);
            let Some(t) = t else {
                return Err(ck.invalid(a.span(), &key, "unknown housing-area type".into()));
            };
            let m2_per_unit = ck.range(
                &a.get_ref().m2_per_unit,
                &format!("{key}.m2_per_unit"),
                1.0,
                100_000.0,
            )?;
            areas.insert(
                t,
                AreaDefaults {
                    group: a.get_ref().group,
                    m2_per_unit,
                },
            );
        }
        if let Some(t) = BuildingType::ALL
            .into_iter()
            .find(|t| !buildings.contains_key(t))
        {
            return Err(ck.invalid(0..0, &format!("buildings.{}", t.as_str()), "missing".into()));
        }
        if let Some(t) = HousingAreaType::ALL
            .into_iter()
            .find(|t| *t != HousingAreaType::Residential && !areas.contains_key(t))
        {
            return Err(ck.invalid(0..0, &format!("areas.{}", t.as_str()), "missing".into()));
        }
        Ok(Self {
            m2_per_dwelling,
            buildings,
            areas,
        })
    }

    /// What a housing feature contributes: see the module docs for the formulas.
    /// Complexity: O(n) in the outline's vertices.
    #[must_use]
    pub fn contribution(&self, f: &HousingFeature) -> Contribution {
        match f.kind {
            HousingKind::Building(t) => {
                let d = self.buildings.get(&t).copied().unwrap_or(BuildingDefaults {
                    group: HousingGroup::Unspecified,
                    levels: 1.0,
                    node_footprint_m2: 100.0,
                });
                let footprint = if f.shape.0.is_empty() {
                    d.node_footprint_m2
                } else {
                    geodesic_area_m2(&f.shape)
                };
                let levels = f.levels.map_or(d.levels, f64::from);
                let floor = footprint * levels;
                Contribution {
                    group: Some(d.group),
                    floor_area_m2: floor,
                    dwellings: floor / self.m2_per_dwelling,
                    land_m2: 0.0,
                }
            }
            HousingKind::Area(t) => {
                let land = geodesic_area_m2(&f.shape);
                match self.areas.get(&t) {
                    Some(a) => Contribution {
                        group: Some(a.group),
                        floor_area_m2: 0.0,
                        dwellings: land / a.m2_per_unit,
                        land_m2: land,
                    },
                    None => Contribution {
                        group: None,
                        floor_area_m2: 0.0,
                        dwellings: 0.0,
                        land_m2: land,
                    },
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "housing_tests.rs"]
mod tests;

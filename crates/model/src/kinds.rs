//! The kinds of OSM-derived things the engine reasons about.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The `highway=*` class of a walkable edge, reduced to what walking cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HighwayClass {
    /// footway, pedestrian, path, corridor, bridleway
    Footway,
    /// steps (slower to walk)
    Steps,
    /// living_street and residential streets
    Residential,
    /// service roads, tracks, unclassified roads
    Minor,
    /// tertiary, secondary, primary (and links)
    Major,
    /// cycleway open to pedestrians
    Cycleway,
    /// trunk or motorway explicitly open to pedestrians (foot=yes)
    Trunk,
    /// any other walkable highway value
    Other,
}

impl HighwayClass {
    /// Classify a `highway=*` value.
    #[must_use]
    pub fn from_highway(value: &str) -> Self {
        match value {
            "footway" | "pedestrian" | "path" | "corridor" | "bridleway" | "crossing" => {
                Self::Footway
            }
            "steps" => Self::Steps,
            "living_street" | "residential" => Self::Residential,
            "service" | "track" | "unclassified" | "road" => Self::Minor,
            "tertiary" | "tertiary_link" | "secondary" | "secondary_link" | "primary"
            | "primary_link" => Self::Major,
            "cycleway" => Self::Cycleway,
            "trunk" | "trunk_link" | "motorway" | "motorway_link" => Self::Trunk,
            _ => Self::Other,
        }
    }

    /// Stable lower-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Footway => "footway",
            Self::Steps => "steps",
            Self::Residential => "residential",
            Self::Minor => "minor",
            Self::Major => "major",
            Self::Cycleway => "cycleway",
            Self::Trunk => "trunk",
            Self::Other => "other",
        }
    }
}

/// A building used for housing (mapping question 1), from `building=*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BuildingType {
    /// apartments: apartment blocks
    Apartments,
    /// terrace: terraced / row houses
    Terrace,
    /// house, detached, semidetached_house, bungalow
    Detached,
    /// dormitory
    Dormitory,
    /// residential (unspecified residential building)
    Residential,
    /// cabin (incl. allotment huts)
    Cabin,
    /// farm (farmhouse)
    Farm,
    /// static_caravan
    StaticCaravan,
    /// building=yes inside landuse=residential
    UnspecifiedInResidential,
}

impl BuildingType {
    /// Every building type, in a fixed order.
    pub const ALL: [Self; 9] = [
        Self::Apartments,
        Self::Terrace,
        Self::Detached,
        Self::Dormitory,
        Self::Residential,
        Self::Cabin,
        Self::Farm,
        Self::StaticCaravan,
        Self::UnspecifiedInResidential,
    ];

    /// Stable snake-case name (used in profiles and outputs).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Apartments => "apartments",
            Self::Terrace => "terrace",
            Self::Detached => "detached",
            Self::Dormitory => "dormitory",
            Self::Residential => "residential",
            Self::Cabin => "cabin",
            Self::Farm => "farm",
            Self::StaticCaravan => "static_caravan",
            Self::UnspecifiedInResidential => "yes_in_residential",
        }
    }
}

/// A housing area (landuse or site polygon).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HousingAreaType {
    /// landuse=residential
    Residential,
    /// landuse=allotments (kolonihaver)
    Allotments,
    /// landuse=farmyard
    Farmyard,
    /// tourism=camp_site
    CampSite,
    /// tourism=caravan_site
    CaravanSite,
}

impl HousingAreaType {
    /// Every area type, in a fixed order.
    pub const ALL: [Self; 5] = [
        Self::Residential,
        Self::Allotments,
        Self::Farmyard,
        Self::CampSite,
        Self::CaravanSite,
    ];

    /// Stable snake-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Residential => "landuse_residential",
            Self::Allotments => "allotments",
            Self::Farmyard => "farmyard",
            Self::CampSite => "camp_site",
            Self::CaravanSite => "caravan_site",
        }
    }
}

/// A housing feature's kind: a building or an area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HousingKind {
    /// A residential building.
    Building(BuildingType),
    /// A residential area.
    Area(HousingAreaType),
}

impl fmt::Display for HousingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Building(b) => write!(f, "building:{}", b.as_str()),
            Self::Area(a) => write!(f, "area:{}", a.as_str()),
        }
    }
}

/// What a place means to outreach work (mapping questions 3–5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceRole {
    /// Where target groups stay or pass (question 3).
    Stay,
    /// A potential partner (question 4).
    Partner,
    /// A communication channel (question 5).
    Channel,
}

impl PlaceRole {
    /// Stable snake-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stay => "stay",
            Self::Partner => "partner",
            Self::Channel => "channel",
        }
    }
}

/// Where a district outline or point came from, most authoritative first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistrictSource {
    /// boundary=administrative, admin_level=9
    Admin9,
    /// boundary=administrative, admin_level=10
    Admin10,
    /// place=suburb
    Suburb,
    /// place=quarter
    Quarter,
    /// place=neighbourhood
    Neighbourhood,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highway_classes_from_tags() {
        for (tag, class) in [
            ("footway", HighwayClass::Footway),
            ("steps", HighwayClass::Steps),
            ("living_street", HighwayClass::Residential),
            ("track", HighwayClass::Minor),
            ("primary_link", HighwayClass::Major),
            ("cycleway", HighwayClass::Cycleway),
            ("motorway", HighwayClass::Trunk),
            ("elevator", HighwayClass::Other),
        ] {
            assert_eq!(HighwayClass::from_highway(tag), class, "{tag}");
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = BuildingType::ALL.iter().map(|b| b.as_str()).collect();
        names.extend(HousingAreaType::ALL.iter().map(|a| a.as_str()));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(n, names.len());
    }
}

//! Tag classification: pure functions from tags to what the engine keeps.
//!
//! Two walkability rules live here side by side. [`is_walkable_peer`] is the shared definition
//! the peers use (pyrosm's / OSMnx's `walking` filter, written out in `../shared/peers/README.md`),
//! kept so counts can be compared like for like. [`is_walkable`] is Feltkart's own rule; where
//! it differs from the peer's is listed in ARCHITECTURE.md and tested below.

use crate::tags::{Tags, any_part_in};
use feltkart_model::{BuildingType, HousingAreaType, HousingKind};

const PEER_EXCLUDED_HIGHWAY: &[&str] = &[
    "abandoned",
    "construction",
    "no",
    "planned",
    "platform",
    "proposed",
    "raceway",
    "razed",
    "rest_area",
    "services",
    "bus_guideway",
    "cycleway",
    "motor",
    "motorway",
    "motorway_link",
];
const CLOSED_ACCESS: &[&str] = &["no", "private"];
const FOOT_OPEN: &[&str] = &["yes", "designated", "permissive"];
const SIDEWALK_KEYS: &[&str] = &[
    "sidewalk",
    "sidewalk:both",
    "sidewalk:left",
    "sidewalk:right",
];
/// Motor roads a pedestrian may use only where `foot=yes|designated|permissive` says so.
const MOTOR_ONLY: &[&str] = &["motorway", "motorway_link", "trunk", "trunk_link"];

/// Whether pedestrian access is closed: the most specific of `foot`, `access` decides.
fn access_closed<T: Tags + ?Sized>(tags: &T) -> bool {
    for key in ["foot", "access"] {
        if let Some(v) = tags.get(key) {
            return any_part_in(Some(v), CLOSED_ACCESS);
        }
    }
    false
}

/// The peers' shared walkable-way definition (pyrosm `walking` = OSMnx `walk`).
#[must_use]
pub fn is_walkable_peer<T: Tags + ?Sized>(tags: &T) -> bool {
    let Some(hw) = tags.get("highway") else {
        return false;
    };
    if any_part_in(Some(hw), PEER_EXCLUDED_HIGHWAY) || any_part_in(tags.get("area"), &["yes"]) {
        return false;
    }
    if access_closed(tags) || any_part_in(tags.get("service"), &["private"]) {
        return false;
    }
    !SIDEWALK_KEYS
        .iter()
        .any(|k| any_part_in(tags.get(k), &["separate"]))
}

/// How Feltkart walks a way, if at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    /// Not walkable.
    No,
    /// Walkable along its nodes.
    Line,
    /// A pedestrian area (`area=yes`): walked along its outline.
    AreaOutline,
}

/// Feltkart's walkable-way rule: the peers' rule, with these deliberate differences:
/// cycleways are walkable unless pedestrians are shut out (`foot=no`, `access=no|private`);
/// motorways and trunk roads only with `foot=yes|designated|permissive`; pedestrian areas
/// (`area=yes` on footway/pedestrian/path/living_street/service) are walked along their outline.
#[must_use]
pub fn walk_rule<T: Tags + ?Sized>(tags: &T) -> Walk {
    let Some(hw) = tags.get("highway") else {
        return Walk::No;
    };
    let foot_open = any_part_in(tags.get("foot"), FOOT_OPEN);
    if any_part_in(Some(hw), MOTOR_ONLY) {
        return if foot_open { Walk::Line } else { Walk::No };
    }
    if any_part_in(Some(hw), &["cycleway"]) {
        return if access_closed(tags) {
            Walk::No
        } else {
            Walk::Line
        };
    }
    if any_part_in(tags.get("area"), &["yes"]) {
        let area_walkable = any_part_in(
            Some(hw),
            &["pedestrian", "footway", "path", "living_street", "service"],
        );
        return if area_walkable && !access_closed(tags) {
            Walk::AreaOutline
        } else {
            Walk::No
        };
    }
    if is_walkable_peer(tags) {
        Walk::Line
    } else {
        Walk::No
    }
}

/// Whether the way is a set of steps.
#[must_use]
pub fn is_steps<T: Tags + ?Sized>(tags: &T) -> bool {
    tags.is("highway", "steps")
}

/// The `lit=*` tag as a yes/no, if it is given and clear.
#[must_use]
pub fn lit<T: Tags + ?Sized>(tags: &T) -> Option<bool> {
    match tags.get("lit")? {
        "yes" | "24/7" | "automatic" | "limited" | "interval" | "sunset-sunrise" | "dusk-dawn" => {
            Some(true)
        }
        "no" | "disused" => Some(false),
        _ => None,
    }
}

/// A residential building type from `building=*` (and `building=yes`, which only counts
/// inside `landuse=residential`: see [`BuildingType::UnspecifiedInResidential`]).
#[must_use]
pub fn building_type<T: Tags + ?Sized>(tags: &T) -> Option<BuildingType> {
    Some(match tags.get("building")? {
        "apartments" => BuildingType::Apartments,
        "terrace" => BuildingType::Terrace,
        "house" | "detached" | "semidetached_house" | "bungalow" => BuildingType::Detached,
        "dormitory" => BuildingType::Dormitory,
        "residential" => BuildingType::Residential,
        "cabin" => BuildingType::Cabin,
        "farm" => BuildingType::Farm,
        "static_caravan" => BuildingType::StaticCaravan,
        "yes" => BuildingType::UnspecifiedInResidential,
        _ => return None,
    })
}

/// A housing area type from `landuse=*` / `tourism=*`.
#[must_use]
pub fn housing_area_type<T: Tags + ?Sized>(tags: &T) -> Option<HousingAreaType> {
    match tags.get("landuse") {
        Some("residential") => return Some(HousingAreaType::Residential),
        Some("allotments") => return Some(HousingAreaType::Allotments),
        Some("farmyard") => return Some(HousingAreaType::Farmyard),
        _ => {}
    }
    match tags.get("tourism") {
        Some("camp_site") => Some(HousingAreaType::CampSite),
        Some("caravan_site") => Some(HousingAreaType::CaravanSite),
        _ => None,
    }
}

/// The housing kind of an object: an area tag wins over a building tag on the same object.
#[must_use]
pub fn housing_kind<T: Tags + ?Sized>(tags: &T) -> Option<HousingKind> {
    housing_area_type(tags)
        .map(HousingKind::Area)
        .or_else(|| building_type(tags).map(HousingKind::Building))
}

/// `building:levels` as a positive number of storeys, if given and sane (1–200; `3;4` takes the first).
#[must_use]
pub fn building_levels<T: Tags + ?Sized>(tags: &T) -> Option<f32> {
    let v = tags.get("building:levels")?;
    let first = crate::tags::parts(v).next()?;
    let n: f32 = first.replace(',', ".").parse().ok()?;
    (n.is_finite() && (1.0..=200.0).contains(&n)).then_some(n)
}

/// The peers' residential-area kind (`landuse=residential`, or the eight residential building
/// values; not `building=yes`), used to report counts beside the peer's.
#[must_use]
pub fn peer_residential<T: Tags + ?Sized>(tags: &T) -> Option<PeerResidential> {
    if tags.is("landuse", "residential") {
        return Some(PeerResidential::Landuse);
    }
    matches!(
        tags.get("building"),
        Some(
            "apartments"
                | "bungalow"
                | "detached"
                | "dormitory"
                | "house"
                | "residential"
                | "semidetached_house"
                | "terrace"
        )
    )
    .then_some(PeerResidential::Building)
}

/// The two kinds of residential area in the peers' definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerResidential {
    /// `landuse=residential`
    Landuse,
    /// a residential `building=*` value
    Building,
}

/// The peers' POI kind (`shop`, `amenity`, `leisure`, `stop`), for like-for-like counts.
#[must_use]
pub fn peer_poi_kind<T: Tags + ?Sized>(tags: &T) -> Option<&'static str> {
    if matches!(
        tags.get("shop"),
        Some("convenience" | "kiosk" | "supermarket")
    ) {
        return Some("shop");
    }
    let amenity = tags.get("amenity");
    if matches!(
        amenity,
        Some("library" | "pharmacy" | "social_facility" | "community_centre" | "fast_food")
    ) {
        return Some("amenity");
    }
    if matches!(tags.get("leisure"), Some("park" | "pitch" | "playground")) {
        return Some("leisure");
    }
    let stop = tags.is("highway", "bus_stop")
        || matches!(
            tags.get("public_transport"),
            Some("platform" | "stop_position" | "station")
        )
        || matches!(
            tags.get("railway"),
            Some("station" | "halt" | "tram_stop" | "subway_entrance")
        )
        || matches!(amenity, Some("bus_station" | "ferry_terminal"));
    stop.then_some("stop")
}

/// Whether a relation is an area relation (multipolygon or boundary).
#[must_use]
pub fn is_area_relation<T: Tags + ?Sized>(tags: &T) -> bool {
    matches!(tags.get("type"), Some("multipolygon" | "boundary"))
}

/// A district-like area or point: admin boundaries at level 9/10, or suburb/neighbourhood/quarter.
#[must_use]
pub fn district_level<T: Tags + ?Sized>(tags: &T) -> Option<DistrictSource> {
    if tags.is("boundary", "administrative") {
        return match tags.get("admin_level") {
            Some("9") => Some(DistrictSource::Admin9),
            Some("10") => Some(DistrictSource::Admin10),
            _ => None,
        };
    }
    match tags.get("place") {
        Some("suburb") => Some(DistrictSource::Suburb),
        Some("quarter") => Some(DistrictSource::Quarter),
        Some("neighbourhood") => Some(DistrictSource::Neighbourhood),
        _ => None,
    }
}

pub use feltkart_model::DistrictSource;

#[cfg(test)]
mod tests {
    use super::*;

    type Table<'a, T> = &'a [(&'a [(&'a str, &'a str)], T)];

    #[test]
    fn peer_walkability_table() {
        let cases: Table<'_, bool> = &[
            (&[("highway", "residential")], true),
            (&[("highway", "footway"), ("footway", "crossing")], true),
            (&[("highway", "steps")], true),
            (&[("highway", "cycleway")], false),
            (&[("highway", "motorway")], false),
            (&[("highway", "trunk")], true),
            (&[("highway", "construction")], false),
            (&[("highway", "pedestrian"), ("area", "yes")], false),
            (&[("highway", "service"), ("access", "private")], false),
            (
                &[
                    ("highway", "service"),
                    ("access", "private"),
                    ("foot", "yes"),
                ],
                true,
            ),
            (
                &[("highway", "path"), ("foot", "no"), ("access", "yes")],
                false,
            ),
            (&[("highway", "service"), ("service", "private")], false),
            (&[("highway", "primary"), ("sidewalk", "separate")], false),
            (
                &[("highway", "primary"), ("sidewalk:left", "separate")],
                false,
            ),
            (
                &[("highway", "track"), ("access", "agricultural;no")],
                false,
            ),
            (&[("building", "yes")], false),
        ];
        for (tags, want) in cases {
            assert_eq!(is_walkable_peer(*tags), *want, "{tags:?}");
        }
    }

    #[test]
    fn feltkart_walkability_table() {
        let cases: Table<'_, Walk> = &[
            (&[("highway", "residential")], Walk::Line),
            (&[("highway", "cycleway")], Walk::Line),
            (
                &[("highway", "cycleway"), ("foot", "designated")],
                Walk::Line,
            ),
            (&[("highway", "cycleway"), ("foot", "no")], Walk::No),
            (&[("highway", "cycleway"), ("access", "private")], Walk::No),
            (&[("highway", "motorway")], Walk::No),
            (&[("highway", "trunk")], Walk::No),
            (&[("highway", "trunk"), ("foot", "yes")], Walk::Line),
            (
                &[("highway", "pedestrian"), ("area", "yes")],
                Walk::AreaOutline,
            ),
            (&[("highway", "platform"), ("area", "yes")], Walk::No),
            (
                &[
                    ("highway", "service"),
                    ("access", "private"),
                    ("foot", "yes"),
                ],
                Walk::Line,
            ),
            (
                &[
                    ("highway", "service"),
                    ("access", "private"),
                    ("foot", "designated"),
                ],
                Walk::Line,
            ),
            (&[("highway", "service"), ("access", "no")], Walk::No),
            (&[("highway", "steps")], Walk::Line),
            (&[("highway", "proposed")], Walk::No),
            (&[("name", "Torvet")], Walk::No),
        ];
        for (tags, want) in cases {
            assert_eq!(walk_rule(*tags), *want, "{tags:?}");
        }
    }

    #[test]
    fn housing_kinds_table() {
        let cases: Table<'_, Option<HousingKind>> = &[
            (
                &[("building", "apartments")],
                Some(HousingKind::Building(BuildingType::Apartments)),
            ),
            (
                &[("building", "semidetached_house")],
                Some(HousingKind::Building(BuildingType::Detached)),
            ),
            (
                &[("building", "static_caravan")],
                Some(HousingKind::Building(BuildingType::StaticCaravan)),
            ),
            (
                &[("building", "yes")],
                Some(HousingKind::Building(
                    BuildingType::UnspecifiedInResidential,
                )),
            ),
            (&[("building", "garage")], None),
            (
                &[("landuse", "residential")],
                Some(HousingKind::Area(HousingAreaType::Residential)),
            ),
            (
                &[("landuse", "allotments")],
                Some(HousingKind::Area(HousingAreaType::Allotments)),
            ),
            (
                &[("tourism", "caravan_site")],
                Some(HousingKind::Area(HousingAreaType::CaravanSite)),
            ),
            (
                &[("landuse", "residential"), ("building", "yes")],
                Some(HousingKind::Area(HousingAreaType::Residential)),
            ),
            (&[("landuse", "industrial")], None),
        ];
        for (tags, want) in cases {
            assert_eq!(housing_kind(*tags), *want, "{tags:?}");
        }
    }

    #[test]
    fn levels_lit_and_peer_kinds() {
        assert_eq!(building_levels(&[("building:levels", "4")]), Some(4.0));
        assert_eq!(building_levels(&[("building:levels", "2,5")]), Some(2.5));
        assert_eq!(building_levels(&[("building:levels", "3;5")]), Some(3.0));
        assert_eq!(building_levels(&[("building:levels", "0")]), None);
        assert_eq!(building_levels(&[("building:levels", "many")]), None);
        assert_eq!(lit(&[("lit", "yes")]), Some(true));
        assert_eq!(lit(&[("lit", "no")]), Some(false));
        assert_eq!(lit(&[("lit", "maybe")]), None);
        assert_eq!(peer_residential(&[("building", "yes")]), None);
        assert_eq!(
            peer_residential(&[("building", "house")]),
            Some(PeerResidential::Building)
        );
        assert_eq!(
            peer_poi_kind(&[("public_transport", "platform")]),
            Some("stop")
        );
        assert_eq!(peer_poi_kind(&[("amenity", "cafe")]), None);
        assert_eq!(
            district_level(&[("boundary", "administrative"), ("admin_level", "9")]),
            Some(DistrictSource::Admin9)
        );
        assert_eq!(
            district_level(&[("place", "suburb")]),
            Some(DistrictSource::Suburb)
        );
    }
}

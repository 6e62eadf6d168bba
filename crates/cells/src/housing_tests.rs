use super::*;
use feltkart_model::{LonLat, OsmRef, OsmWayId};
use geo::{LineString, MultiPolygon, Polygon};

fn feature(kind: HousingKind, levels: Option<f32>, side_deg: f64) -> HousingFeature {
    let shape = if side_deg > 0.0 {
        let (x, y, d) = (10.0, 0.0, side_deg);
        let ring = LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]);
        MultiPolygon::new(vec![Polygon::new(ring, vec![])])
    } else {
        MultiPolygon::new(vec![])
    };
    HousingFeature {
        osm: OsmRef::Way(OsmWayId(1)),
        kind,
        levels,
        shape,
        at: LonLat {
            lon: 10.0,
            lat: 0.0,
        },
    }
}

#[test]
fn area_does_not_depend_on_winding() {
    let f = feature(
        HousingKind::Building(BuildingType::Apartments),
        None,
        0.0009,
    );
    let mut cw = f.shape.clone();
    cw.0[0].exterior_mut(|r| r.0.reverse());
    let (a, b) = (geodesic_area_m2(&f.shape), geodesic_area_m2(&cw));
    assert!((a - 9967.0).abs() < 20.0 && (a - b).abs() < 1e-6, "{a} {b}");
}

#[test]
fn builtin_assumptions_parse_and_cover_every_type() {
    let c = HousingConfig::builtin().unwrap();
    assert_eq!(c.buildings.len(), BuildingType::ALL.len());
    assert_eq!(c.areas.len(), HousingAreaType::ALL.len() - 1);
    assert!((c.m2_per_dwelling - 85.0).abs() < 1e-12);
}

#[test]
fn contributions_table() {
    let c = HousingConfig::builtin().unwrap();
    // ~0.0009° at the equator: 100.19 m × 99.48 m (WGS84), about 9 967 m².
    let side = 0.0009;
    let a = feature(HousingKind::Building(BuildingType::Apartments), None, side);
    let fp = geodesic_area_m2(&a.shape);
    assert!((fp - 9967.0).abs() < 20.0, "{fp}");
    let cases = [
        (
            a.clone(),
            Some(HousingGroup::ApartmentBlocks),
            fp * 4.0,
            0.0,
        ),
        (
            feature(
                HousingKind::Building(BuildingType::Apartments),
                Some(7.0),
                side,
            ),
            Some(HousingGroup::ApartmentBlocks),
            fp * 7.0,
            0.0,
        ),
        (
            feature(HousingKind::Building(BuildingType::Detached), None, 0.0),
            Some(HousingGroup::Detached),
            120.0 * 1.5,
            0.0,
        ),
        (
            feature(HousingKind::Area(HousingAreaType::Allotments), None, side),
            Some(HousingGroup::AllotmentHuts),
            0.0,
            fp,
        ),
        (
            feature(HousingKind::Area(HousingAreaType::Residential), None, side),
            None,
            0.0,
            fp,
        ),
    ];
    for (f, group, floor, land) in cases {
        let got = c.contribution(&f);
        assert_eq!(got.group, group, "{}", f.kind);
        assert!(
            (got.floor_area_m2 - floor).abs() < 1e-6,
            "{}: {}",
            f.kind,
            got.floor_area_m2
        );
        assert!((got.land_m2 - land).abs() < 1e-6, "{}", f.kind);
        let want_dw = if floor > 0.0 {
            floor / 85.0
        } else if group.is_some() {
            land / 400.0
        } else {
            0.0
        };
        assert!((got.dwellings - want_dw).abs() < 1e-6, "{}", f.kind);
    }
}

#[test]
fn bad_files_name_file_line_and_key() {
    let good = BUILTIN_HOUSING;
    let cases = [
        (
            good.replace("m2_per_dwelling = 85.0", "m2_per_dwelling = 5.0"),
            "m2_per_dwelling",
            ":17:",
        ),
        (
            good.replace("levels = 4.0", "levels = 0.0"),
            "buildings.apartments.levels",
            ":21:",
        ),
        (
            good.replace("[buildings.cabin]", "[buildings.hut]"),
            "buildings.hut",
            "unknown building type",
        ),
        (
            good.replace("group = \"terraced\"", "group = \"rows\""),
            "rows",
            "unknown variant",
        ),
        (
            good.replace("m2_per_unit = 400.0", "m2_per_unit = 400.0\ncolour = 1"),
            "colour",
            "unknown field",
        ),
    ];
    for (text, key, want) in cases {
        let e = HousingConfig::parse(&text, "h.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("h.toml") && e.contains(key) && e.contains(want),
            "{e}"
        );
    }
}

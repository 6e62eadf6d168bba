//! GeoJSON (RFC 7946): a LineString per street leg (sequence, street, metres, departure and
//! arrival), a Point per stop, and the attribution in the collection. Coordinates to 7 decimals.

use super::{ATTRIBUTION, TimedRoute};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, Position};
use serde_json::json;

fn pos(lon: f64, lat: f64) -> Position {
    Position::from([(lon * 1e7).round() / 1e7, (lat * 1e7).round() / 1e7])
}

fn feature(geometry: GeometryValue, props: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: None,
        properties: Some(props),
        foreign_members: None,
    }
}

/// The route as a GeoJSON FeatureCollection.
#[must_use]
pub fn to_geojson(route: &TimedRoute) -> FeatureCollection {
    let mut features = Vec::new();
    for l in &route.legs {
        let coords: Vec<Position> = route.points
            [l.points.0..=l.points.1.min(route.points.len().saturating_sub(1))]
            .iter()
            .map(|p| pos(p.at.lon, p.at.lat))
            .collect();
        let mut props = JsonObject::new();
        props.insert("kind".into(), json!("leg"));
        props.insert("sequence".into(), json!(l.sequence));
        props.insert("street".into(), json!(l.street));
        props.insert("metres".into(), json!((l.metres * 10.0).round() / 10.0));
        props.insert(
            "depart".into(),
            json!(l.depart.format("%Y-%m-%dT%H:%M:%S").to_string()),
        );
        props.insert(
            "arrive".into(),
            json!(l.arrive.format("%Y-%m-%dT%H:%M:%S").to_string()),
        );
        props.insert("unlit_m".into(), json!((l.unlit_m * 10.0).round() / 10.0));
        features.push(feature(
            GeometryValue::LineString {
                coordinates: coords,
            },
            props,
        ));
    }
    for s in &route.stops {
        let mut props = JsonObject::new();
        props.insert("kind".into(), json!(s.kind));
        props.insert("name".into(), json!(s.name));
        props.insert(
            "arrive".into(),
            json!(s.arrive.format("%Y-%m-%dT%H:%M:%S").to_string()),
        );
        props.insert(
            "depart".into(),
            json!(s.depart.format("%Y-%m-%dT%H:%M:%S").to_string()),
        );
        features.push(feature(
            GeometryValue::Point {
                coordinates: pos(s.at.lon, s.at.lat),
            },
            props,
        ));
    }
    let mut members = JsonObject::new();
    members.insert("attribution".into(), json!(ATTRIBUTION));
    members.insert("license".into(), json!("ODbL-1.0"));
    members.insert("title".into(), json!(route.title));
    members.insert(
        "metres".into(),
        json!((route.metres() * 10.0).round() / 10.0),
    );
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    }
}

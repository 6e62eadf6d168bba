//! The planner's map: `GET /api/profiles`, `/api/cells`, `/api/cells/{h3}`, `/api/districts`,
//! and the base map every role may fetch, `GET /api/basemap`.

use crate::auth::{ApiRole, CurrentUser};
use crate::engine::ProfileScores;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, parse_bbox};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use feltkart_cells::CellIndex;
use geojson::{
    Feature, FeatureCollection, Geometry, GeometryValue as GValue, JsonObject, Position,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Most features one map response may hold.
pub const MAX_FEATURES: usize = 50_000;

/// A scoring profile.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProfileInfo {
    /// Key to pass as `profile=`.
    pub key: String,
    /// Name.
    pub name: String,
    /// What it is and which revision.
    pub description: String,
}

/// The base-map layers.
#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BasemapLayer {
    /// Walkable streets and paths (the walking graph).
    Streets,
    /// Residential buildings and areas.
    Buildings,
    /// Water (not kept in the atlas: always empty).
    Water,
    /// Parks (places of a park kind, as points).
    Parks,
}

/// `GET /api/basemap` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BasemapQuery {
    /// `w,s,e,n` in degrees.
    #[param(
        example = "7.41,43.72,7.44,43.75",
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?,-?[0-9]{1,2}(\.[0-9]+)?,-?[0-9]{1,3}(\.[0-9]+)?,-?[0-9]{1,2}(\.[0-9]+)?$"
    )]
    pub bbox: String,
    /// The layer.
    pub layer: BasemapLayer,
}

/// `GET /api/cells` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CellsQuery {
    /// `w,s,e,n` in degrees.
    #[param(
        example = "7.41,43.72,7.44,43.75",
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?,-?[0-9]{1,2}(\.[0-9]+)?,-?[0-9]{1,3}(\.[0-9]+)?,-?[0-9]{1,2}(\.[0-9]+)?$"
    )]
    pub bbox: String,
    /// H3 resolution (8 up to the atlas's cell resolution, default that resolution).
    #[param(minimum = 8, maximum = 10)]
    pub res: Option<u8>,
    /// Profile key.
    pub profile: String,
}

/// `?profile=` alone.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// Profile key.
    pub profile: String,
}

/// `GET /api/districts` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DistrictsQuery {
    /// Profile key.
    pub profile: String,
    /// How many districts (default 20).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
    /// Include each district's outline (default false).
    pub geometry: Option<bool>,
}

/// One part of a score.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BreakdownPart {
    /// Mapping question (`housing`, `indicators`, `places`, `partners`, `channels`).
    pub question: String,
    /// Feature.
    pub feature: String,
    /// Points.
    pub points: f64,
    /// The facts behind it.
    pub detail: String,
}

/// A cell's score explained.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Explanation {
    /// H3 index.
    pub h3: String,
    /// Score 0–100.
    pub score: f64,
    /// Parts, largest first; they sum to the score.
    pub breakdown: Vec<BreakdownPart>,
}

/// A ranked district.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DistrictInfo {
    /// Rank (1 = highest priority).
    pub rank: usize,
    /// Stable district id.
    pub id: String,
    /// Name, if OSM names it.
    pub name: Option<String>,
    /// Dwelling-weighted mean score.
    pub score: f64,
    /// Cells in it.
    pub cells: u32,
    /// Named partner places.
    pub partners: Vec<String>,
    /// Named communication channels.
    pub channels: Vec<String>,
    /// Outline (GeoJSON MultiPolygon), when asked for.
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Geometry>,
}

fn profile<'a>(st: &'a AppState, key: &str) -> ApiResult<&'a ProfileScores> {
    st.engine().profile(key).ok_or_else(|| {
        let keys: Vec<&str> = st
            .engine()
            .profiles
            .iter()
            .map(|p| p.profile.id.as_str())
            .collect();
        ApiError::bad_request(format!(
            "unknown profile `{key}`: use one of {}",
            keys.join(", ")
        ))
    })
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn collection(features: Vec<Feature>) -> FeatureCollection {
    let mut members = JsonObject::new();
    members.insert(
        "attribution".into(),
        json!(feltkart_plan::export::ATTRIBUTION),
    );
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    }
}

fn too_many(n: usize) -> ApiError {
    ApiError::bad_request(format!(
        "the bbox holds more than {MAX_FEATURES} features ({n}): zoom in or use a coarser res"
    ))
}

/// The scoring profiles (planners, and leaders choosing the priority cells of team figures
/// and gaps; a profile is not personal data).
#[utoipa::path(get, path = "/api/profiles", tag = "planner", security(("bearer" = [])),
    responses((status = 200, body = Vec<ProfileInfo>),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn profiles(
    State(st): State<AppState>,
    me: CurrentUser,
) -> ApiResult<ApiJson<Vec<ProfileInfo>>> {
    me.allow(&[ApiRole::Planner, ApiRole::Leader], "see profiles")?;
    Ok(ApiJson(
        st.engine()
            .profiles
            .iter()
            .map(|p| ProfileInfo {
                key: p.profile.id.clone(),
                name: p.profile.label.clone(),
                description: format!("{} (revision {})", p.profile.label, p.profile.revision),
            })
            .collect(),
    ))
}

/// Scored cells in a bounding box: a GeoJSON FeatureCollection, a Polygon per cell with
/// properties `h3` and `score`.
#[utoipa::path(get, path = "/api/cells", tag = "planner", params(CellsQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn cells(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<CellsQuery>,
) -> ApiResult<Response> {
    me.allow(&[ApiRole::Planner], "see cell scores")?;
    let bbox = parse_bbox(&q.bbox)?;
    let p = profile(&st, &q.profile)?;
    let top = st.engine().table.resolution;
    let res = q.res.unwrap_or(top);
    let cells = p.in_bbox(res, bbox).ok_or_else(|| {
        ApiError::bad_request(format!(
            "res {res}: must be from {} to {top} (the atlas's cell resolution)",
            feltkart_cells::MIN_RESOLUTION
        ))
    })?;
    if cells.len() > MAX_FEATURES {
        return Err(too_many(cells.len()));
    }
    // The features are serialised once at start; here they are only joined.
    let len: usize = cells.iter().map(|c| c.feature.len() + 1).sum();
    let mut body = String::with_capacity(len + 128);
    body.push_str(r#"{"type":"FeatureCollection","features":["#);
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&c.feature);
    }
    body.push_str(r#"],"attribution":"#);
    body.push_str(&json!(feltkart_plan::export::ATTRIBUTION).to_string());
    body.push('}');
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// One cell's score explained: its parts per mapping question and feature.
#[utoipa::path(get, path = "/api/cells/{h3}", tag = "planner",
    params(("h3" = String, Path, description = "H3 index (hex)"), ProfileQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Explanation),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn explain(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(h3): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProfileQuery>,
) -> ApiResult<ApiJson<Explanation>> {
    me.allow(&[ApiRole::Planner], "see cell scores")?;
    let p = profile(&st, &q.profile)?;
    let cell: CellIndex = h3
        .parse()
        .map_err(|_| ApiError::bad_request(format!("`{h3}` is not an H3 cell index")))?;
    let s = p
        .by_cell
        .get(&cell)
        .and_then(|&i| p.scores.get(i))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "cell {h3} has no score (no housing or places at resolution {})",
                st.engine().table.resolution
            ))
        })?;
    Ok(ApiJson(Explanation {
        h3: cell.to_string(),
        score: r2(s.score),
        breakdown: s
            .parts
            .iter()
            .map(|part| BreakdownPart {
                question: serde_json::to_value(part.question)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                feature: part.feature.clone(),
                points: r2(part.points),
                detail: part.detail.clone(),
            })
            .collect(),
    }))
}

/// Districts ranked for a profile.
#[utoipa::path(get, path = "/api/districts", tag = "planner", params(DistrictsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<DistrictInfo>),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn districts(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<DistrictsQuery>,
) -> ApiResult<ApiJson<Vec<DistrictInfo>>> {
    me.allow(&[ApiRole::Planner], "see districts")?;
    let p = profile(&st, &q.profile)?;
    let limit = q.limit.unwrap_or(20);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit}: must be from 1 to 10000"
        )));
    }
    let with_geometry = q.geometry.unwrap_or(false);
    Ok(ApiJson(
        p.districts
            .iter()
            .zip(&p.district_shapes)
            .take(limit as usize)
            .map(|(r, shape)| DistrictInfo {
                rank: r.rank,
                id: r.district.key.to_string(),
                name: r.district.name.clone(),
                score: r2(r.district.score),
                cells: r.district.cells,
                partners: r.partners.clone(),
                channels: r.channels.clone(),
                geometry: if with_geometry { shape.clone() } else { None },
            })
            .collect(),
    ))
}

fn intersects(bbox: [f64; 4], lon: f64, lat: f64) -> bool {
    lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3]
}

/// The offline base map: streets, buildings, water or parks in a bounding box, as GeoJSON
/// (from the atlas; any role).
#[utoipa::path(get, path = "/api/basemap", tag = "map", params(BasemapQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody)))]
pub async fn basemap(
    State(st): State<AppState>,
    _me: CurrentUser,
    ApiQuery(q): ApiQuery<BasemapQuery>,
) -> ApiResult<ApiJson<FeatureCollection>> {
    let bbox = parse_bbox(&q.bbox)?;
    let e = st.engine();
    let feature = |geometry: Geometry, props: JsonObject| Feature {
        bbox: None,
        geometry: Some(geometry),
        id: None,
        properties: Some(props),
        foreign_members: None,
    };
    let mut out = Vec::new();
    match q.layer {
        BasemapLayer::Streets => {
            for edge in e.atlas.graph.graph.edge_weights() {
                if !edge.coords.iter().any(|c| intersects(bbox, c.lon, c.lat)) {
                    continue;
                }
                let line = edge
                    .coords
                    .iter()
                    .map(|c| Position::from([c.lon, c.lat]))
                    .collect();
                let mut props = JsonObject::new();
                props.insert("class".into(), json!(edge.class.as_str()));
                props.insert("name".into(), json!(edge.name));
                props.insert("lit".into(), json!(edge.lit));
                out.push(feature(
                    Geometry::new(GValue::LineString { coordinates: line }),
                    props,
                ));
                if out.len() > MAX_FEATURES {
                    return Err(too_many(out.len()));
                }
            }
        }
        BasemapLayer::Buildings => {
            for h in &e.atlas.extract.housing {
                if h.shape.0.is_empty() || !intersects(bbox, h.at.lon, h.at.lat) {
                    continue;
                }
                let mut props = JsonObject::new();
                props.insert("kind".into(), json!(h.kind.to_string()));
                out.push(feature(Geometry::new(GValue::from(&h.shape)), props));
                if out.len() > MAX_FEATURES {
                    return Err(too_many(out.len()));
                }
            }
        }
        BasemapLayer::Water => {}
        BasemapLayer::Parks => {
            let kinds = &e.atlas.extract.place_kinds;
            for p in &e.atlas.extract.places {
                let park = p.kinds.iter().find_map(|&k| {
                    kinds
                        .get(usize::from(k))
                        .filter(|n| n.contains("park") || n.contains("garden"))
                });
                let Some(kind) = park else { continue };
                if !intersects(bbox, p.at.lon, p.at.lat) {
                    continue;
                }
                let mut props = JsonObject::new();
                props.insert("kind".into(), json!(kind));
                props.insert("name".into(), json!(p.name));
                out.push(feature(
                    Geometry::new(GValue::Point {
                        coordinates: Position::from([p.at.lon, p.at.lat]),
                    }),
                    props,
                ));
            }
        }
    }
    Ok(ApiJson(collection(out)))
}

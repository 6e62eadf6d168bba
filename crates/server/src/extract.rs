//! Extractors whose rejections are the API's JSON errors (axum's defaults answer plain text),
//! and the shared parsers of query values (bounding boxes, coordinates).

use crate::error::{ApiError, ApiResult};
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use feltkart_model::LonLat;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A JSON body; bad JSON, wrong types, unknown fields and wrong content types are 4xx JSON
/// errors. A number with no fractional part (`4.0`) is read as the integer it equals, as JSON
/// Schema's `integer` allows. As a response, JSON.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(mut v) = axum::Json::<Value>::from_request(req, state).await?;
        integral_numbers(&mut v);
        let bytes = serde_json::to_vec(&v).map_err(|e| ApiError::internal(&e))?;
        let axum::Json(t) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Self(t))
    }
}

/// Turn every number that is a whole float within ±2^53 (`4.0`, `-2e3`) into that integer.
fn integral_numbers(v: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer up to it is exact in f64
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT) {
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *v = Value::from(i);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(integral_numbers),
        Value::Object(o) => o.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query parameters, rejected as 400 JSON errors.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters, rejected as 400 JSON errors.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Parse `w,s,e,n` in degrees: four finite numbers, longitudes in [-180, 180], latitudes in
/// [-90, 90], west < east and south < north.
///
/// # Errors
/// 400 naming the value and what is wrong with it.
pub fn parse_bbox(s: &str) -> ApiResult<[f64; 4]> {
    let bad = |why: &str| ApiError::bad_request(format!("bbox `{s}`: {why}"));
    let parts: Vec<&str> = s.split(',').collect();
    if parts.len() != 4 {
        return Err(bad("must be four numbers w,s,e,n"));
    }
    let mut v = [0.0; 4];
    for (slot, p) in v.iter_mut().zip(&parts) {
        *slot = p
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| bad(&format!("`{p}` is not a number")))?;
    }
    let [w, so, e, n] = v;
    if !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) {
        return Err(bad("longitudes must be within -180..180"));
    }
    if !(-90.0..=90.0).contains(&so) || !(-90.0..=90.0).contains(&n) {
        return Err(bad("latitudes must be within -90..90"));
    }
    if w >= e || so >= n {
        return Err(bad("west must be less than east and south less than north"));
    }
    Ok(v)
}

/// A `[lon, lat]` pair as a checked position.
///
/// # Errors
/// 400 naming the field.
pub fn lonlat(what: &str, p: [f64; 2]) -> ApiResult<LonLat> {
    LonLat::new(p[0], p[1])
        .map_err(|e| ApiError::bad_request(format!("{what} [{}, {}]: {e}", p[0], p[1])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_floats_become_integers_and_others_stay() {
        let mut v =
            json!({"a": 4.0, "b": [-2e3, 0.5, 7], "c": {"d": 1e300, "e": "4.0", "f": -0.0}});
        integral_numbers(&mut v);
        assert_eq!(
            v,
            json!({"a": 4, "b": [-2000, 0.5, 7], "c": {"d": 1e300, "e": "4.0", "f": 0}})
        );
        assert!(v["a"].is_u64() && v["b"][0].is_i64() && v["c"]["d"].is_f64());
    }
}

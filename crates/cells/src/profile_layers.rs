//! `[indicators]` of a profile: built-in indicator weights and imported-layer weights.

use super::Indicator;
use crate::data::{Checker, DataError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// How an imported indicator layer's values become 0–1 across the scored cells (the cells of
/// the table that have a value in the layer; a cell without one gets 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalise {
    /// Percentile rank (default): (values below + (ties − 1) / 2) / (n − 1), so the lowest is
    /// 0, the highest 1, ties share their mean rank; robust to outliers and units.
    #[default]
    Percentile,
    /// (value − min) / (max − min).
    Minmax,
}

/// The weight of an imported indicator layer (mapping question 2).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerWeight {
    /// Weight, 0–1, relative to the other indicators.
    pub weight: f64,
    /// How values become 0–1.
    pub normalise: Normalise,
    /// Whether low values count (x becomes 1 − x: for income, say).
    pub invert: bool,
    /// Line of the key in the profile file (for errors; 0 when unknown).
    pub line: usize,
}

/// The weight of `[indicators]` entry `key`: a number 0–1.
fn weight_value(
    ck: &Checker<'_>,
    span: std::ops::Range<usize>,
    key: &str,
    v: &toml::Value,
) -> Result<f64, DataError> {
    #[allow(clippy::cast_precision_loss)]
    let x = match v {
        toml::Value::Float(x) => *x,
        toml::Value::Integer(i) => *i as f64,
        other => {
            return Err(ck.invalid(
                span,
                key,
                format!("a weight must be a number, not {}", other.type_str()),
            ));
        }
    };
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(ck.invalid(span, key, format!("{x} is out of range (0 to 1)")))
    }
}

/// Built-in indicator weights and imported-layer weights.
pub(super) type IndicatorWeights = (BTreeMap<Indicator, f64>, BTreeMap<String, LayerWeight>);

/// Split `[indicators]` into built-in weights and imported-layer weights. A layer entry is a
/// weight, or a table `{ weight = 0.5, normalise = "percentile" | "minmax", invert = false }`.
pub(super) fn indicator_weights(
    ck: &Checker<'_>,
    m: &BTreeMap<String, Spanned<toml::Value>>,
) -> Result<IndicatorWeights, DataError> {
    let (mut builtin, mut layers) = (BTreeMap::new(), BTreeMap::new());
    for (name, v) in m {
        let key = format!("indicators.{name}");
        let span = v.span();
        if let Some(ind) = Indicator::ALL.into_iter().find(|i| i.as_str() == name) {
            if v.get_ref().is_table() {
                return Err(ck.invalid(
                    span,
                    &key,
                    "a built-in indicator takes a plain weight (0 to 1)".into(),
                ));
            }
            builtin.insert(ind, weight_value(ck, span, &key, v.get_ref())?);
            continue;
        }
        crate::indicators::check_layer_name(name).map_err(|p| {
            ck.invalid(
                span.clone(),
                &key,
                format!(
                    "neither a built-in indicator ({}) nor a valid imported layer name: {p}",
                    Indicator::ALL.map(Indicator::as_str).join(", ")
                ),
            )
        })?;
        let line = crate::data::line_of(ck.text, span.start);
        let lw = match v.get_ref() {
            toml::Value::Table(t) => {
                let mut lw = LayerWeight {
                    weight: f64::NAN,
                    normalise: Normalise::Percentile,
                    invert: false,
                    line,
                };
                for (k, x) in t {
                    let sub = format!("{key}.{k}");
                    match (k.as_str(), x) {
                        ("weight", x) => lw.weight = weight_value(ck, span.clone(), &sub, x)?,
                        ("normalise", toml::Value::String(s)) if s == "percentile" => {
                            lw.normalise = Normalise::Percentile;
                        }
                        ("normalise", toml::Value::String(s)) if s == "minmax" => {
                            lw.normalise = Normalise::Minmax;
                        }
                        ("normalise", _) => {
                            return Err(ck.invalid(
                                span,
                                &sub,
                                "must be \"percentile\" or \"minmax\"".into(),
                            ));
                        }
                        ("invert", toml::Value::Boolean(b)) => lw.invert = *b,
                        ("invert", _) => {
                            return Err(ck.invalid(span, &sub, "must be true or false".into()));
                        }
                        _ => {
                            return Err(ck.invalid(
                                span,
                                &sub,
                                "unknown key (known: weight, normalise, invert)".into(),
                            ));
                        }
                    }
                }
                if lw.weight.is_nan() {
                    return Err(ck.invalid(span, &format!("{key}.weight"), "missing".into()));
                }
                lw
            }
            other => LayerWeight {
                weight: weight_value(ck, span, &key, other)?,
                normalise: Normalise::Percentile,
                invert: false,
                line,
            },
        };
        layers.insert(name.clone(), lw);
    }
    Ok((builtin, layers))
}

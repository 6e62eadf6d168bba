//! The layers file: versioned JSON next to the atlas, written atomically.
//!
//! ```json
//! {"format": "feltkart-indicators", "version": 1, "layers": [
//!   {"name": "unemployment_rate", "source": "Statistics X", "year": 2024, "resolution": 10,
//!    "values": {"8a1f8e70bd8ffff": 7.5}}]}
//! ```
//! Cells are H3 indices in hexadecimal; layers are sorted by name, values by cell; unknown keys
//! are refused.

use super::{At, IndicatorError, IndicatorLayer, check_layer_name, input};
use h3o::CellIndex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The `format` field of a layers file.
pub const LAYERS_FORMAT: &str = "feltkart-indicators";
/// The version this build writes and reads.
pub const LAYERS_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayersFile {
    format: String,
    version: u32,
    layers: Vec<LayerRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerRecord {
    name: String,
    source: String,
    year: u16,
    resolution: u8,
    values: BTreeMap<String, f64>,
}

/// The layers file of an atlas: `city.atlas` → `city.indicators.json`.
#[must_use]
pub fn layers_path(atlas: &Path) -> PathBuf {
    atlas.with_extension("indicators.json")
}

/// `existing` with every layer of `new` added, replacing layers of the same name; sorted by
/// name.
#[must_use]
pub fn merge_layers(
    existing: Vec<IndicatorLayer>,
    new: Vec<IndicatorLayer>,
) -> Vec<IndicatorLayer> {
    let mut by_name: BTreeMap<String, IndicatorLayer> =
        existing.into_iter().map(|l| (l.name.clone(), l)).collect();
    for l in new {
        by_name.insert(l.name.clone(), l);
    }
    by_name.into_values().collect()
}

/// Write `layers` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over `path`. A failure leaves any earlier file as it was.
///
/// # Errors
/// [`IndicatorError::Write`] naming the file; [`IndicatorError::Options`] for two layers of
/// one name or a non-finite value.
pub fn save_layers(path: &Path, layers: &[IndicatorLayer]) -> Result<(), IndicatorError> {
    let name = path.display().to_string();
    let mut records: Vec<LayerRecord> = Vec::with_capacity(layers.len());
    for l in layers {
        if records.iter().any(|r| r.name == l.name) {
            return Err(IndicatorError::Options(format!(
                "two layers named `{}`",
                l.name
            )));
        }
        if let Some((c, v)) = l.values.iter().find(|(_, v)| !v.is_finite()) {
            return Err(IndicatorError::Options(format!(
                "layer `{}`: cell {c} has the non-finite value {v}",
                l.name
            )));
        }
        records.push(LayerRecord {
            name: l.name.clone(),
            source: l.source.clone(),
            year: l.year,
            resolution: l.resolution,
            values: l.values.iter().map(|(c, v)| (c.to_string(), *v)).collect(),
        });
    }
    records.sort_by(|a, b| a.name.cmp(&b.name));
    let file = LayersFile {
        format: LAYERS_FORMAT.into(),
        version: LAYERS_VERSION,
        layers: records,
    };
    let write_err = |e: &dyn std::fmt::Display| IndicatorError::Write {
        path: name.clone(),
        reason: e.to_string(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| write_err(&e))?;
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp_name);
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(write_err(&e));
    }
    Ok(())
}

/// [`load_layers`], or no layers when `path` does not exist.
///
/// # Errors
/// As [`load_layers`] for a file that exists.
pub fn load_layers_if_present(path: &Path) -> Result<Vec<IndicatorLayer>, IndicatorError> {
    if path.exists() {
        load_layers(path)
    } else {
        Ok(Vec::new())
    }
}

/// Read a layers file written by [`save_layers`].
///
/// # Errors
/// [`IndicatorError::Read`]; [`IndicatorError::Input`] for malformed JSON, another format or
/// version, a bad layer name, an invalid cell, a cell at another resolution than its layer's,
/// a non-finite value or two layers of one name.
pub fn load_layers(path: &Path) -> Result<Vec<IndicatorLayer>, IndicatorError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| IndicatorError::Read {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    let f: LayersFile =
        serde_json::from_str(&text).map_err(|e| input(&name, At::File, e.to_string()))?;
    if f.format != LAYERS_FORMAT {
        return Err(input(
            &name,
            At::File,
            format!("format `{}` is not `{LAYERS_FORMAT}`", f.format),
        ));
    }
    if f.version != LAYERS_VERSION {
        return Err(input(
            &name,
            At::File,
            format!(
                "unsupported version {} (this build reads {LAYERS_VERSION})",
                f.version
            ),
        ));
    }
    let mut out: Vec<IndicatorLayer> = Vec::with_capacity(f.layers.len());
    for r in f.layers {
        let bad = |p: String| input(&name, At::File, format!("layer `{}`: {p}", r.name));
        check_layer_name(&r.name).map_err(&bad)?;
        if out.iter().any(|l| l.name == r.name) {
            return Err(bad("appears twice".into()));
        }
        let res = crate::index::resolution(r.resolution).map_err(|e| bad(e.to_string()))?;
        let mut values = BTreeMap::new();
        for (s, v) in &r.values {
            let c: CellIndex = s
                .parse()
                .map_err(|_| bad(format!("`{s}` is not an H3 cell index")))?;
            if c.resolution() != res {
                return Err(bad(format!(
                    "cell `{s}` is not at the layer's resolution {}",
                    r.resolution
                )));
            }
            if !v.is_finite() {
                return Err(bad(format!("cell `{s}` has the non-finite value {v}")));
            }
            values.insert(c, *v);
        }
        out.push(IndicatorLayer {
            name: r.name,
            source: r.source,
            year: r.year,
            resolution: r.resolution,
            values,
        });
    }
    Ok(out)
}

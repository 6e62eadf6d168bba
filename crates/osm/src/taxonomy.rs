//! The place taxonomy (`data/taxonomy.toml`): data, parsed, then validated.

use crate::tags::Tags;
use feltkart_model::PlaceRole;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The taxonomy that ships with Feltkart.
pub const BUILTIN_TAXONOMY: &str = include_str!("../../../data/taxonomy.toml");

/// A taxonomy that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The file could not be read.
    #[error("{path}: cannot read taxonomy: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// TOML syntax, unknown keys or wrong types (the message names line and key).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// toml's message, with line and column.
        message: String,
    },
    /// A value that parses but makes no sense.
    #[error("{path}: kind `{kind}`: {problem}")]
    Invalid {
        /// The file.
        path: String,
        /// The kind with the problem.
        kind: String,
        /// What is wrong.
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    version: u32,
    kinds: BTreeMap<String, KindFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFile {
    label: String,
    roles: Vec<PlaceRole>,
    tags: Vec<String>,
}

/// One place kind.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceKindDef {
    /// The kind's name (`kiosk`).
    pub name: String,
    /// English label.
    pub label: String,
    /// What the kind means to outreach work.
    pub roles: Vec<PlaceRole>,
    conditions: Vec<Vec<(String, Option<String>)>>,
}

/// A parsed, validated place taxonomy. Kinds are indexed by position (sorted by name).
#[derive(Clone, Debug, PartialEq)]
pub struct Taxonomy {
    /// Format version of the file.
    pub version: u32,
    /// The kinds, sorted by name.
    pub kinds: Vec<PlaceKindDef>,
    /// Conditions grouped by their first key: (key, [(kind index, condition index)]), so an
    /// object is looked up once per key the taxonomy uses, not once per condition.
    by_key: Vec<(String, Vec<(u16, u16)>)>,
}

impl Taxonomy {
    /// The taxonomy that ships in `data/taxonomy.toml`.
    ///
    /// # Errors
    /// Only if the shipped file is broken (a test guards it).
    pub fn builtin() -> Result<Self, TaxonomyError> {
        Self::parse(BUILTIN_TAXONOMY, "data/taxonomy.toml")
    }

    /// Read a taxonomy file.
    ///
    /// # Errors
    /// [`TaxonomyError`] naming the file, and for content errors the line and key.
    pub fn load(path: &Path) -> Result<Self, TaxonomyError> {
        let text = std::fs::read_to_string(path).map_err(|source| TaxonomyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parse and validate taxonomy text; `path` names it in errors.
    ///
    /// # Errors
    /// [`TaxonomyError::Parse`] for syntax, unknown keys or types; [`TaxonomyError::Invalid`]
    /// for empty roles, empty or malformed conditions.
    pub fn parse(text: &str, path: &str) -> Result<Self, TaxonomyError> {
        let file: TaxonomyFile = toml::from_str(text).map_err(|e| TaxonomyError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        if file.version != 1 {
            return Err(TaxonomyError::Parse {
                path: path.to_owned(),
                message: format!(
                    "unsupported taxonomy version {} (this build reads 1)",
                    file.version
                ),
            });
        }
        let mut kinds = Vec::with_capacity(file.kinds.len());
        for (name, k) in file.kinds {
            let invalid = |problem: String| TaxonomyError::Invalid {
                path: path.to_owned(),
                kind: name.clone(),
                problem,
            };
            if k.roles.is_empty() {
                return Err(invalid("`roles` is empty".into()));
            }
            if k.tags.is_empty() {
                return Err(invalid("`tags` is empty".into()));
            }
            let mut conditions = Vec::with_capacity(k.tags.len());
            for cond in &k.tags {
                let mut all = Vec::new();
                for part in cond.split('+') {
                    let (key, value) = part.split_once('=').ok_or_else(|| {
                        invalid(format!("condition `{cond}`: `{part}` is not key=value"))
                    })?;
                    if key.is_empty() || value.is_empty() {
                        return Err(invalid(format!("condition `{cond}`: empty key or value")));
                    }
                    all.push((key.to_owned(), (value != "*").then(|| value.to_owned())));
                }
                conditions.push(all);
            }
            kinds.push(PlaceKindDef {
                name,
                label: k.label,
                roles: k.roles,
                conditions,
            });
        }
        let mut by_key: Vec<(String, Vec<(u16, u16)>)> = Vec::new();
        for (ki, kind) in kinds.iter().enumerate() {
            for (ci, cond) in kind.conditions.iter().enumerate() {
                let Some((first, _)) = cond.first() else {
                    continue;
                };
                let entry = (
                    u16::try_from(ki).unwrap_or(u16::MAX),
                    u16::try_from(ci).unwrap_or(u16::MAX),
                );
                match by_key.iter_mut().find(|(k, _)| k == first) {
                    Some((_, list)) => list.push(entry),
                    None => by_key.push((first.clone(), vec![entry])),
                }
            }
        }
        Ok(Self {
            version: file.version,
            kinds,
            by_key,
        })
    }

    /// The kinds (as indices into [`Taxonomy::kinds`]) an object with these tags belongs to.
    pub fn classify<T: Tags + ?Sized>(&self, tags: &T, out: &mut Vec<u16>) {
        out.clear();
        if tags.is_empty() {
            return;
        }
        for (key, conds) in &self.by_key {
            if tags.get(key).is_none() {
                continue;
            }
            for &(ki, ci) in conds {
                let Some(all) = self
                    .kinds
                    .get(usize::from(ki))
                    .and_then(|k| k.conditions.get(usize::from(ci)))
                else {
                    continue;
                };
                let hit = all.iter().all(|(k, v)| match (tags.get(k), v) {
                    (Some(_), None) => true,
                    (Some(have), Some(want)) => have == want,
                    (None, _) => false,
                });
                if hit && !out.contains(&ki) {
                    out.push(ki);
                }
            }
        }
        out.sort_unstable();
    }

    /// The index of a kind by name.
    #[must_use]
    pub fn index_of(&self, name: &str) -> Option<u16> {
        self.kinds
            .iter()
            .position(|k| k.name == name)
            .and_then(|i| u16::try_from(i).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_of(t: &Taxonomy, tags: &[(&str, &str)]) -> Vec<String> {
        let mut out = Vec::new();
        t.classify(tags, &mut out);
        out.iter()
            .map(|&i| t.kinds[usize::from(i)].name.clone())
            .collect()
    }

    #[test]
    fn builtin_taxonomy_parses_and_classifies() {
        let t = Taxonomy::builtin().unwrap();
        assert!(t.kinds.len() >= 25);
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
        let cases: &[Case<'_>] = &[
            (&[("shop", "kiosk")], &["kiosk"]),
            (&[("amenity", "library")], &["library"]),
            (
                &[
                    ("amenity", "community_centre"),
                    ("community_centre", "youth_centre"),
                ],
                &["community_centre", "youth_centre"],
            ),
            (
                &[
                    ("amenity", "social_facility"),
                    ("social_facility", "shelter"),
                ],
                &["shelter_for_homeless", "social_facility"],
            ),
            (&[("highway", "pedestrian"), ("area", "yes")], &["square"]),
            (&[("highway", "pedestrian")], &[]),
            (
                &[("public_transport", "platform"), ("highway", "bus_stop")],
                &["bus_stop"],
            ),
            (&[("railway", "halt")], &["station"]),
            (&[("amenity", "police")], &["police"]),
            (&[("amenity", "bench")], &[]),
        ];
        for (tags, want) in cases {
            assert_eq!(kinds_of(&t, tags), *want, "{tags:?}");
        }
        let lib = &t.kinds[usize::from(t.index_of("library").unwrap())];
        assert_eq!(
            lib.roles,
            vec![PlaceRole::Stay, PlaceRole::Partner, PlaceRole::Channel]
        );
    }

    #[test]
    fn unknown_keys_and_bad_conditions_are_named() {
        let e = Taxonomy::parse(
            "version = 1\n[kinds.a]\nlabel='A'\nroles=['stay']\ntags=['shop=x']\ncolour='red'\n",
            "t.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("t.toml") && e.contains("colour") && e.contains("line 6"),
            "{e}"
        );
        let e = Taxonomy::parse(
            "version = 1\n[kinds.a]\nlabel='A'\nroles=['stay']\ntags=['shop']\n",
            "t.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("kind `a`") && e.contains("not key=value"), "{e}");
        let e = Taxonomy::parse(
            "version = 1\n[kinds.a]\nlabel='A'\nroles=['visit']\ntags=['shop=x']\n",
            "t.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("visit"), "{e}");
    }
}

//! The deployment's code lists (`data/signs.toml`): the sign codes a pair may log, and the
//! labels of the sign and outcome codes in Danish, Norwegian bokmål and English for the map
//! viewer. Only the codes are ever stored.

use feltkart_model::{Outcome, SignCode};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The code lists that ship with Feltkart.
pub const BUILTIN_CODES: &str = include_str!("../../../data/signs.toml");

/// A code-list file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CodeListError {
    /// The file could not be read.
    #[error("{path}: cannot read the code list: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a wrong type (toml's message names line and key).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// toml's message, with line and column.
        message: String,
    },
    /// A code or label that parses but cannot be used.
    #[error("{path}: {section} `{code}`: {problem}")]
    Invalid {
        /// The file.
        path: String,
        /// `signs` or `outcomes`.
        section: &'static str,
        /// The code.
        code: String,
        /// What is wrong.
        problem: String,
    },
}

/// A code's labels.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Danish.
    pub da: String,
    /// Norwegian bokmål.
    pub nb: String,
    /// English.
    pub en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeFile {
    version: u32,
    signs: BTreeMap<String, Labels>,
    outcomes: BTreeMap<String, Labels>,
}

/// The parsed, checked code lists.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeList {
    /// Sign codes with their labels, sorted by code.
    pub signs: Vec<(SignCode, Labels)>,
    /// Every outcome code with its labels, in [`Outcome::ALL`] order.
    pub outcomes: Vec<(Outcome, Labels)>,
}

impl CodeList {
    /// The lists that ship in `data/signs.toml`.
    ///
    /// # Errors
    /// Only if the shipped file is broken (a test guards it).
    pub fn builtin() -> Result<Self, CodeListError> {
        Self::parse(BUILTIN_CODES, "data/signs.toml")
    }

    /// Read a code-list file.
    ///
    /// # Errors
    /// [`CodeListError`] naming the file (and, for content, the line, key or code).
    pub fn load(path: &Path) -> Result<Self, CodeListError> {
        let text = std::fs::read_to_string(path).map_err(|source| CodeListError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parse and check code-list text; `path` names it in errors.
    ///
    /// # Errors
    /// [`CodeListError::Parse`] for syntax, unknown keys and missing labels;
    /// [`CodeListError::Invalid`] for a code that is not spelled like one, an empty label, an
    /// outcome the program does not know, or an outcome left without labels.
    pub fn parse(text: &str, path: &str) -> Result<Self, CodeListError> {
        let file: CodeFile = toml::from_str(text).map_err(|e| CodeListError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        if file.version != 1 {
            return Err(CodeListError::Parse {
                path: path.to_owned(),
                message: format!(
                    "unsupported code-list version {} (this build reads 1)",
                    file.version
                ),
            });
        }
        let invalid = |section, code: &str, problem: String| CodeListError::Invalid {
            path: path.to_owned(),
            section,
            code: code.to_owned(),
            problem,
        };
        let check_labels = |section, code: &str, l: &Labels| {
            for (lang, label) in [("da", &l.da), ("nb", &l.nb), ("en", &l.en)] {
                if label.trim().is_empty() {
                    return Err(invalid(section, code, format!("empty `{lang}` label")));
                }
            }
            Ok(())
        };
        if file.signs.is_empty() {
            return Err(invalid("signs", "", "no sign codes".to_owned()));
        }
        let mut signs = Vec::with_capacity(file.signs.len());
        for (code, labels) in file.signs {
            let sign = SignCode::new(&code).map_err(|e| invalid("signs", &code, e.to_string()))?;
            check_labels("signs", &code, &labels)?;
            signs.push((sign, labels));
        }
        let mut given = file.outcomes;
        let mut outcomes = Vec::with_capacity(Outcome::ALL.len());
        for o in Outcome::ALL {
            let labels = given
                .remove(o.as_str())
                .ok_or_else(|| invalid("outcomes", o.as_str(), "has no labels".to_owned()))?;
            check_labels("outcomes", o.as_str(), &labels)?;
            outcomes.push((o, labels));
        }
        if let Some(code) = given.keys().next() {
            let valid = Outcome::ALL.map(Outcome::as_str).join(", ");
            return Err(invalid(
                "outcomes",
                code,
                format!("not an outcome code (valid: {valid})"),
            ));
        }
        Ok(Self { signs, outcomes })
    }

    /// The sign codes alone, for [`crate::Store::set_sign_codes`].
    #[must_use]
    pub fn sign_codes(&self) -> Vec<SignCode> {
        self.signs.iter().map(|(c, _)| c.clone()).collect()
    }

    /// The sign code named `code` if the list has it.
    #[must_use]
    pub fn sign(&self, code: &str) -> Option<&SignCode> {
        self.signs
            .iter()
            .map(|(c, _)| c)
            .find(|c| c.as_str() == code)
    }

    /// The sign codes as one comma-separated line, for error messages.
    #[must_use]
    pub fn sign_list(&self) -> String {
        self.signs
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses_and_labels_every_outcome() {
        let c = CodeList::builtin().unwrap();
        assert!(c.signs.len() >= 10);
        assert_eq!(c.outcomes.len(), Outcome::ALL.len());
        let mailbox = c.sign("overfull_mailbox").unwrap();
        let (_, l) = c.signs.iter().find(|(s, _)| s == mailbox).unwrap();
        assert_eq!(l.da, "Overfyldt postkasse");
        assert!(c.sign("met_hans").is_none());
        assert!(c.sign_list().contains("covered_windows, "));
    }

    /// Every sign a shipped profile weights is in the shipped list (a typo in either would make
    /// the observations count nothing).
    #[test]
    fn every_profile_sign_is_a_listed_code() {
        let c = CodeList::builtin().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/profiles");
        let mut seen = 0;
        for f in std::fs::read_dir(&dir).unwrap() {
            let p = f.unwrap().path();
            let v: toml::Table = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            for code in v["signs"].as_table().unwrap().keys() {
                assert!(c.sign(code).is_some(), "{}: {code} not listed", p.display());
                seen += 1;
            }
        }
        assert!(seen >= 15, "{seen}");
    }

    #[test]
    fn bad_files_are_named_with_line_and_problem() {
        let ok = BUILTIN_CODES;
        let e = CodeList::parse(
            &ok.replace("nb = \"Flyttet\"", "nb = \"Flyttet\"\nnote = \"x\""),
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("s.toml: ") && e.contains("note") && e.contains("line"),
            "{e}"
        );
        let e = CodeList::parse(
            &ok.replace("[signs.litter_heap]", "[signs.\"Litter heap\"]"),
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("Litter heap"), "{e}");
        let e = CodeList::parse(
            &ok.replace("[outcomes.moved]", "[outcomes.left_town]"),
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`moved`: has no labels"), "{e}");
        let e = CodeList::parse(
            &format!("{ok}\n[outcomes.hugged]\nda = \"a\"\nnb = \"b\"\nen = \"c\"\n"),
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`hugged`: not an outcome code"), "{e}");
        let e = CodeList::parse(
            &ok.replace("en = \"Heaps of litter\"", "en = \" \""),
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("litter_heap") && e.contains("empty `en`"), "{e}");
        let e = CodeList::parse(&ok.replace("en = \"Heaps of litter\"\n", ""), "s.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("en"), "{e}");
    }
}

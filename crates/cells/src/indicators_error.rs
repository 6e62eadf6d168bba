//! Errors of indicator import; each names the file and the place in it.

use std::fmt;

/// Where in an input file a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    /// The file as a whole.
    File,
    /// A CSV row (1-based, the header is row 1) and, when known, its column (1-based, name).
    Row {
        /// Row.
        row: usize,
        /// Column number and name.
        column: Option<(usize, String)>,
    },
    /// A GeoJSON feature (1-based) and, when known, its property.
    Feature {
        /// Feature.
        feature: usize,
        /// Property name.
        property: Option<String>,
    },
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File => f.write_str("file"),
            Self::Row { row, column: None } => write!(f, "row {row}"),
            Self::Row {
                row,
                column: Some((n, name)),
            } => write!(f, "row {row}, column {n} `{name}`"),
            Self::Feature {
                feature,
                property: None,
            } => write!(f, "feature {feature}"),
            Self::Feature {
                feature,
                property: Some(p),
            } => write!(f, "feature {feature}, property `{p}`"),
        }
    }
}

/// Why indicators could not be imported, stored or loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndicatorError {
    /// The file could not be read.
    #[error("{path}: cannot read: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// The file could not be written.
    #[error("{path}: cannot write: {reason}")]
    Write {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// A bad value, column, row or feature in an input file.
    #[error("{path}: {at}: {problem}")]
    Input {
        /// The file.
        path: String,
        /// Where in it.
        at: At,
        /// What is wrong.
        problem: String,
    },
    /// Bad import options (name, year, resolution).
    #[error("indicator import options: {0}")]
    Options(String),
}

pub(crate) fn input(path: &str, at: At, problem: impl Into<String>) -> IndicatorError {
    IndicatorError::Input {
        path: path.to_owned(),
        at,
        problem: problem.into(),
    }
}
